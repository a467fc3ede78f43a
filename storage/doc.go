// Package storage declares the three Connect stores — configs, offsets and
// statuses — as small interfaces, with their value types and the offset key
// and value encodings shared by every implementation.
//
// Implementations live in subpackages: kafkastore keeps the state in Kafka's
// compacted internal topics with Java Connect's exact record formats (see its
// doc.go), memstore keeps it in memory for unit tests.
//
// Dependency rule: this package imports only the standard library and the
// leaf connect/javajson (Jackson-identical JSON, stdlib only). It knows
// nothing of connectors, the runtime, the herder or REST.
package storage
