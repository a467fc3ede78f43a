// Package converters owns Connect's converters: the code that turns Connect
// data (a schema and a value) into the bytes of a Kafka record key, value or
// header and back, byte-compatible with the Java classes of the same names:
//
//   - ByteArrayConverter  org.apache.kafka.connect.converters.ByteArrayConverter
//   - StringConverter     org.apache.kafka.connect.storage.StringConverter
//   - JsonConverter       org.apache.kafka.connect.json.JsonConverter
//   - Integer/Long/Short/Float/Double/BooleanConverter
//     (org.apache.kafka.connect.converters.*, Kafka's serializer formats)
//   - SimpleHeaderConverter org.apache.kafka.connect.storage.SimpleHeaderConverter
//
// New and NewHeader resolve a class name (fully qualified, simple, or simple
// without the "Converter" suffix) and configure the converter; Plugins lists
// them with their ConfigDefs.
//
// # Values
//
// Connect values are plain Go values:
//
//	INT8 int8, INT16 int16, INT32 int32, INT64 int64 (int accepted), FLOAT32
//	float32, FLOAT64 float64, BOOLEAN bool, STRING string, BYTES []byte,
//	ARRAY []any (any slice accepted), MAP map[string]any when the keys are
//	strings, else map[any]any (any map accepted), STRUCT map[string]any keyed
//	by field name, Decimal *big.Rat, Date/Time/Timestamp time.Time (UTC).
//
// Maps are written in the order a java.util.HashMap iterates them, so a map
// built by a Java connector (or read by Java from JSON) and the same map in
// Go give the same bytes.
//
// # Differences from Java
//
// Schema parameters are a Go map, so JSON schemas list them sorted by key
// (Java: insertion order). Floating-point text is the shortest round-trip
// form (Java 19+; Java 17 prints more digits for a few values). Entries of a
// Go map that share a HashMap bucket are ordered by key text (Java:
// insertion order). Dates are formatted and parsed in UTC (Java: the JVM's
// zone) on the proleptic Gregorian calendar. StringConverter writes []byte
// values as their bytes (Java: "[B@hash"). Decimal scales beyond ±10000 are
// refused (SimpleHeaderConverter keeps such text as bytes).
//
// Errors about data are *DataError (errors.Is(err, ErrData)), worded as
// Java's DataException. Decoders never panic on any input.
//
// JSON text, Java's number formats and HashMap order come from
// connect/javajson, shared with the stores; this package adds Connect's
// data model (schemas, logical types, envelopes) on top.
//
// Dependency rule: this package imports only connect, connect/javajson and
// the standard library. The runtime imports it; it imports neither the
// runtime nor storage.
package converters
