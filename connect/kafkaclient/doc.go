// Package kafkaclient turns Java Kafka client properties (bootstrap.servers,
// client.id, security.protocol, sasl.*, ssl.*, timeouts) into a sarama
// configuration, so worker.properties files and connector configs written
// for Java keep working unchanged.
//
// It is the one place that knows both Kafka's client property names and
// sarama's config struct. It imports sarama and the standard library only.
package kafkaclient
