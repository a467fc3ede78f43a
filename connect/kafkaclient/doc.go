// Package kafkaclient turns Java Kafka client properties (bootstrap.servers,
// client.id, security.protocol, sasl.*, ssl.*, timeouts) into a sarama
// configuration, so worker.properties files and connector configs written
// for Java keep working unchanged.
//
// It is also the one home of the Kafka client behaviours every layer must
// share: Java's default partitioner (murmur2), and the decision whether a
// Kafka error is retriable.
//
// It is a leaf: it imports sarama and the standard library only, so storage,
// the runtime and connectors may all import it.
package kafkaclient
