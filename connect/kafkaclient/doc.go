// Package kafkaclient turns Java Kafka client properties (bootstrap.servers,
// client.id, security.protocol, sasl.*, ssl.*, timeouts) into a sarama
// configuration, so worker.properties files and connector configs written
// for Java keep working unchanged.
//
// Security (security.protocol PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL):
// SASL PLAIN and SCRAM-SHA-256/512 with the username and password of
// sasl.jaas.config (sasl.go, jaas.go); TLS with PEM or PKCS12 trust and key
// stores, inline PEM, encrypted PKCS#8 keys, enabled protocols, cipher
// suites and endpoint identification (tls.go). JKS files, GSSAPI and
// OAUTHBEARER are refused with a message saying what to use instead.
// Errors name the key and never hold a password or key.
//
// It is also the one home of the Kafka client behaviours every layer must
// share: Java's default partitioner (murmur2), the decision whether a
// Kafka error is retriable, and the wait for the partition leaders of a
// topic just created (leaders.go).
//
// It is a leaf: it imports sarama, the standard library, the small
// libraries that read what Java's clients read (franz-go's SCRAM) and
// connect/tlsstore, the leaf that reads PEM and PKCS12 stores (go-pkcs12,
// youmark/pkcs8) for it and for rest, so storage, the runtime and
// connectors may all import it.
package kafkaclient
