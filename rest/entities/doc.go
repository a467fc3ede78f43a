// Package entities holds the JSON bodies of Kafka Connect's REST API, the Go
// counterparts of Java's org.apache.kafka.connect.runtime.rest.entities.
//
// Field order in every struct is the order Jackson writes Java's entity (the
// @JsonCreator parameter order, creator properties first), so a marshalled
// value is byte-for-byte what a Java worker answers, apart from the order of
// keys inside free-form maps (configs), which Java leaves to HashMap and Go
// sorts. Types here carry no behaviour beyond building and marshalling
// themselves; the herder fills them and the REST layer writes them.
//
// Dependency rule: the standard library, storage (value types only) and
// connect. Never the herder, the runtime, storage implementations or rest.
package entities
