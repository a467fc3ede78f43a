package converters

import "github.com/ferrykafka/ferry/connect"

// SimpleHeaderConverter is org.apache.kafka.connect.storage.SimpleHeaderConverter,
// Connect's default header converter: it writes a header value as the UTF-8
// text Java's Values.convertToString gives and reads header bytes back with
// Values.parseString, which infers the type (booleans, the smallest integer
// type that fits, float32/float64, ISO-8601 dates and times, [lists] and
// {maps}, else the text as a string).
type SimpleHeaderConverter struct{}

// Configure accepts any properties.
func (*SimpleHeaderConverter) Configure(map[string]string) error { return nil }

// FromConnectHeader renders the value; nil stays nil.
func (*SimpleHeaderConverter) FromConnectHeader(_, _ string, schema *connect.Schema, value any) ([]byte, error) {
	if value == nil {
		return nil, nil
	}
	s, err := valuesToString(schema, value)
	if err != nil {
		return nil, err
	}
	return []byte(s), nil
}

// ToConnectHeader parses the header text. Nil bytes, and the text "null",
// give a nil schema and value. Text the parser fails on (Java: any Throwable,
// such as a stack overflow on deep nesting) is returned as bytes with the
// BYTES schema, as Java does.
func (*SimpleHeaderConverter) ToConnectHeader(_, _ string, data []byte) (*connect.Schema, any, error) {
	if data == nil {
		return nil, nil, nil
	}
	sv, err := valuesParseString(decodeUTF8(data))
	switch {
	case err != nil:
		// Java logs "Failed to deserialize value for header '<key>' on
		// topic '<topic>', so using byte array" and keeps the bytes.
		return connect.BytesSchema, data, nil
	case sv == nil:
		return nil, nil, nil
	}
	return sv.schema, sv.value, nil
}
