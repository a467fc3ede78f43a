// Package testkit holds what Ferry's tests share: in-process Kafka clusters
// (kfake, on ephemeral 127.0.0.1 ports; RecordCreatedTopics lists the topics
// a test's code asked them to create, in order), polling helpers that
// replace sleeps, an address nothing listens on (ClosedAddr), and a zerolog
// logger that writes into the test log.
//
// Only _test.go files and the test/ suites import it.
package testkit
