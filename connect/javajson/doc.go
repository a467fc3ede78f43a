// Package javajson is Ferry's one home of Java-compatible JSON and Java
// number and string rendering: it writes and reads JSON exactly as Java
// Kafka Connect's JsonConverter (Jackson underneath) does, so that the bytes
// Ferry writes to Kafka records and to Connect's internal topics are
// identical to the bytes a Java worker would write for the same data, and
// it formats numbers as Java's toString methods do for every message and
// config value that shows one.
//
// Writing (Append, Marshal, and Writer for code that walks its own data):
//
//   - compact output, no whitespace;
//   - strings escaped as Jackson's UTF8JsonGenerator does: \" and \\, the
//     short forms \b \t \n \f \r, every other character below 0x20 as
//     \u00XX with upper-case hex; '/' and non-ASCII are written raw (UTF-8),
//     nothing is HTML-escaped. Invalid UTF-8 in a Go string is written as
//     U+FFFD (a Java String decoded from such bytes would hold U+FFFD too);
//   - integers in decimal; float64 as Java's Double.toString and float32 as
//     Float.toString (JDK 19+ shortest-decimal algorithm); NaN and the
//     infinities as the quoted strings Jackson writes by default; decimals
//     as BigDecimal.toString;
//   - []byte as a base64 string (Jackson's binary node);
//   - Go maps in java.util.HashMap iteration order (see JavaHashMapOrder,
//     and HashOrder for keys that are not strings), as the maps Connect code
//     builds are HashMaps. A Go map has no insertion order, so its keys are
//     taken as inserted in sorted order; that only matters for keys that
//     share a hash bucket. HashMap gives the insertion order explicitly,
//     Object fixes the order outright (Struct fields).
//
// Reading, with one parser and two sets of rules:
//
//   - Unmarshal parses strict JSON (RFC 8259, as Jackson's default parser
//     does) into nil, bool, string, int64 (every JSON integer, as
//     JsonConverter reads integers as Long), float64 (any number with a
//     fraction or exponent), []any and map[string]any;
//   - ReadTree parses as Connect's JsonDeserializer does into a Node tree
//     (Jackson's JsonNode): exact numbers (BigInteger, BigDecimal), members
//     in document order, leading zeros allowed, trailing content ignored.
//
// Neither ever panics, whatever the input.
//
// Numbers: FormatDouble, FormatFloat and FormatDecimal are Java's
// Double.toString, Float.toString and BigDecimal.toString; LowInt64 is
// BigInteger.longValue.
//
// Dependency rule: standard library only. It is a leaf that storage, the
// plugin API, the converters and REST all import.
package javajson
