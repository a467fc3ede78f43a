package converters

import "github.com/ferrykafka/ferry/connect"

// ByteArrayConverter passes bytes through unchanged
// (org.apache.kafka.connect.converters.ByteArrayConverter). MirrorMaker 2 uses
// it for record keys and values.
type ByteArrayConverter struct{}

// Configure accepts any properties (Java's converter takes none besides
// converter.type).
func (*ByteArrayConverter) Configure(map[string]string, bool) error { return nil }

// FromConnectData returns value, which must be []byte or nil, with a BYTES
// schema or none.
func (*ByteArrayConverter) FromConnectData(_ string, schema *connect.Schema, value any) ([]byte, error) {
	if schema != nil && schema.Type != connect.TypeBytes {
		return nil, dataErrorf("Invalid schema type for ByteArrayConverter: %s", javaTypeName(schema.Type))
	}
	switch v := value.(type) {
	case nil:
		return nil, nil
	case []byte:
		return v, nil
	}
	return nil, dataErrorf("ByteArrayConverter is not compatible with objects of type %s", javaClass(value))
}

// ToConnectData returns the bytes with the optional BYTES schema; nil stays
// nil (a tombstone).
func (*ByteArrayConverter) ToConnectData(_ string, data []byte) (*connect.Schema, any, error) {
	if data == nil {
		return connect.OptionalBytesSchema, nil, nil
	}
	return connect.OptionalBytesSchema, data, nil
}
