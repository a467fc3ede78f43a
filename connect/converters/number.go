package converters

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/ferrykafka/ferry/connect"
)

// numberConverter is Java's NumberConverter: Kafka's primitive serializer
// byte formats (big-endian, fixed width) with an optional primitive schema.
type numberConverter struct {
	typeName string // "integer", "long", ... as in Java's messages
	schema   *connect.Schema
	// size is the serialized width; sizeName the deserializer named in the
	// length error (Java's FloatDeserializer and DoubleDeserializer say
	// just "Deserializer").
	size     int
	sizeName string
	encode   func(any) ([]byte, bool)
	decode   func([]byte) any
}

func (c *numberConverter) Configure(props map[string]string, isKey bool) error {
	_, err := parseConverterConfig(converterConfigDef(), props, converterType(isKey))
	return err
}

func (c *numberConverter) FromConnectData(_ string, _ *connect.Schema, value any) ([]byte, error) {
	if value == nil {
		return nil, nil
	}
	b, ok := c.encode(value)
	if !ok {
		return nil, dataErrorf("Failed to serialize to %s (was %s): ", c.typeName, javaClass(value))
	}
	return b, nil
}

func (c *numberConverter) ToConnectData(_ string, data []byte) (*connect.Schema, any, error) {
	if data == nil {
		return c.schema, nil, nil
	}
	if len(data) != c.size {
		return nil, nil, dataErrorWrap("Failed to deserialize "+c.typeName+": ",
			fmt.Errorf("Size of data received by %s is not %d", c.sizeName, c.size))
	}
	return c.schema, c.decode(data), nil
}

// NewIntegerConverter returns org.apache.kafka.connect.converters.IntegerConverter
// (int32 values, 4 bytes).
func NewIntegerConverter() connect.Converter {
	return &numberConverter{typeName: "integer", schema: optionalInt32Schema, size: 4, sizeName: "IntegerDeserializer",
		encode: func(v any) ([]byte, bool) {
			n, ok := v.(int32)
			return binary.BigEndian.AppendUint32(nil, uint32(n)), ok
		},
		decode: func(b []byte) any { return int32(binary.BigEndian.Uint32(b)) }}
}

// NewLongConverter returns org.apache.kafka.connect.converters.LongConverter
// (int64 values, 8 bytes).
func NewLongConverter() connect.Converter {
	return &numberConverter{typeName: "long", schema: optionalInt64Schema, size: 8, sizeName: "LongDeserializer",
		encode: func(v any) ([]byte, bool) {
			n, ok := v.(int64)
			return binary.BigEndian.AppendUint64(nil, uint64(n)), ok
		},
		decode: func(b []byte) any { return int64(binary.BigEndian.Uint64(b)) }}
}

// NewShortConverter returns org.apache.kafka.connect.converters.ShortConverter
// (int16 values, 2 bytes).
func NewShortConverter() connect.Converter {
	return &numberConverter{typeName: "short", schema: optionalInt16Schema, size: 2, sizeName: "ShortDeserializer",
		encode: func(v any) ([]byte, bool) {
			n, ok := v.(int16)
			return binary.BigEndian.AppendUint16(nil, uint16(n)), ok
		},
		decode: func(b []byte) any { return int16(binary.BigEndian.Uint16(b)) }}
}

// NewFloatConverter returns org.apache.kafka.connect.converters.FloatConverter
// (float32 values, IEEE 754 bits, 4 bytes).
func NewFloatConverter() connect.Converter {
	return &numberConverter{typeName: "float", schema: optionalFloat32Schema, size: 4, sizeName: "Deserializer",
		encode: func(v any) ([]byte, bool) {
			f, ok := v.(float32)
			return binary.BigEndian.AppendUint32(nil, math.Float32bits(f)), ok
		},
		decode: func(b []byte) any { return math.Float32frombits(binary.BigEndian.Uint32(b)) }}
}

// NewDoubleConverter returns org.apache.kafka.connect.converters.DoubleConverter
// (float64 values, IEEE 754 bits, 8 bytes).
func NewDoubleConverter() connect.Converter {
	return &numberConverter{typeName: "double", schema: optionalFloat64Schema, size: 8, sizeName: "Deserializer",
		encode: func(v any) ([]byte, bool) {
			f, ok := v.(float64)
			return binary.BigEndian.AppendUint64(nil, math.Float64bits(f)), ok
		},
		decode: func(b []byte) any { return math.Float64frombits(binary.BigEndian.Uint64(b)) }}
}

// BooleanConverter is org.apache.kafka.connect.converters.BooleanConverter:
// one byte, 0x01 for true and 0x00 for false.
type BooleanConverter struct{}

// Configure checks converter.type only.
func (*BooleanConverter) Configure(props map[string]string, isKey bool) error {
	_, err := parseConverterConfig(converterConfigDef(), props, converterType(isKey))
	return err
}

// FromConnectData serializes a bool (BOOLEAN schema or none).
func (*BooleanConverter) FromConnectData(_ string, schema *connect.Schema, value any) ([]byte, error) {
	if schema != nil && schema.Type != connect.TypeBoolean {
		return nil, dataErrorf("Invalid schema type for BooleanConverter: %s", javaTypeName(schema.Type))
	}
	switch v := value.(type) {
	case nil:
		return nil, nil
	case bool:
		if v {
			return []byte{1}, nil
		}
		return []byte{0}, nil
	}
	return nil, dataErrorf("BooleanConverter is not compatible with objects of type %s", javaClass(value))
}

// ToConnectData reads one byte as a bool with the optional BOOLEAN schema.
func (*BooleanConverter) ToConnectData(_ string, data []byte) (*connect.Schema, any, error) {
	if data == nil {
		return optionalBooleanSchema, nil, nil
	}
	if len(data) != 1 {
		return nil, nil, dataErrorWrap("Failed to deserialize boolean: ", fmt.Errorf("Size of data received by BooleanDeserializer is not 1"))
	}
	switch data[0] {
	case 1:
		return optionalBooleanSchema, true, nil
	case 0:
		return optionalBooleanSchema, false, nil
	}
	return nil, nil, dataErrorWrap("Failed to deserialize boolean: ",
		fmt.Errorf("Unexpected byte received by BooleanDeserializer: %d", int8(data[0])))
}
