package converters

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/ferrykafka/ferry/connect"
)

func TestByteArrayConverter(t *testing.T) {
	c, err := New("ByteArrayConverter", nil, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		schema *connect.Schema
		value  any
		want   []byte
	}{
		{connect.BytesSchema, []byte("abc"), []byte("abc")},
		{nil, []byte{0, 0xff}, []byte{0, 0xff}},
		{connect.OptionalBytesSchema, nil, nil},
		{nil, nil, nil},
	} {
		got, err := c.FromConnectData("t", tc.schema, tc.value)
		if err != nil || !bytes.Equal(got, tc.want) || (got == nil) != (tc.want == nil) {
			t.Errorf("FromConnectData(%v) = %q, %v; want %q", tc.value, got, err, tc.want)
		}
	}
	errCases := []struct {
		schema *connect.Schema
		value  any
		msg    string
	}{
		{connect.StringSchema, "x", "Invalid schema type for ByteArrayConverter: STRING"},
		{&connect.Schema{Type: connect.TypeFloat64}, 1.0, "Invalid schema type for ByteArrayConverter: FLOAT64"},
		{nil, "x", "ByteArrayConverter is not compatible with objects of type class java.lang.String"},
		{connect.BytesSchema, int32(1), "ByteArrayConverter is not compatible with objects of type class java.lang.Integer"},
	}
	for _, tc := range errCases {
		_, err := c.FromConnectData("t", tc.schema, tc.value)
		if err == nil || err.Error() != tc.msg || !errors.Is(err, ErrData) {
			t.Errorf("FromConnectData(%v) error = %v, want %q", tc.value, err, tc.msg)
		}
	}
	s, v, err := c.ToConnectData("t", []byte{1, 2})
	if err != nil || s != connect.OptionalBytesSchema || !bytes.Equal(v.([]byte), []byte{1, 2}) {
		t.Errorf("ToConnectData = %v %v %v", s, v, err)
	}
	s, v, err = c.ToConnectData("t", nil)
	if err != nil || s != connect.OptionalBytesSchema || v != nil {
		t.Errorf("ToConnectData(nil) = %v %v %v", s, v, err)
	}
}

func TestStringConverter(t *testing.T) {
	cases := []struct {
		name   string
		props  map[string]string
		schema *connect.Schema
		value  any
		want   string
	}{
		{"utf8", nil, connect.StringSchema, "héllo", "h\xc3\xa9llo"},
		{"latin1", map[string]string{"converter.encoding": "ISO-8859-1"}, nil, "héllo€", "h\xe9llo?"},
		{"latin1 alias", map[string]string{"converter.encoding": "latin1"}, nil, "é", "\xe9"},
		{"ascii", map[string]string{"converter.encoding": "US-ASCII"}, nil, "héllo", "h?llo"},
		{"utf16be", map[string]string{"converter.encoding": "UTF-16BE"}, nil, "hé", "\x00h\x00\xe9"},
		{"utf16", map[string]string{"converter.encoding": "utf-16"}, nil, "h", "\xfe\xff\x00h"},
		{"serializer override", map[string]string{"converter.encoding": "UTF-8", "value.serializer.encoding": "ISO-8859-1"}, nil, "é", "\xe9"},
		{"int32", nil, nil, int32(12), "12"},
		{"int64", nil, nil, int64(-4398046511104), "-4398046511104"},
		{"double", nil, nil, 1e7, "1.0E7"},
		{"double small", nil, nil, 0.001, "0.001"},
		{"double tiny", nil, nil, 1e-4, "1.0E-4"},
		{"float", nil, nil, float32(0.1), "0.1"},
		{"bool", nil, nil, true, "true"},
		{"list", nil, nil, []any{int32(1), "a", nil}, "[1, a, null]"},
		{"map", nil, nil, map[string]any{"b": int32(1), "a": "x"}, "{a=x, b=1}"},
		{"struct", nil, &connect.Schema{Type: connect.TypeStruct, Fields: []connect.Field{
			{Name: "b", Schema: connect.Int32Schema}, {Name: "a", Schema: connect.OptionalStringSchema}, {Name: "c", Schema: connect.StringSchema}}},
			map[string]any{"a": nil, "b": int32(7), "c": "z"}, "Struct{b=7,c=z}"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(StringConverterClass, tc.props, false)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.FromConnectData("t", tc.schema, tc.value)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}

	c, _ := New("String", map[string]string{"converter.encoding": "ISO-8859-1"}, true)
	s, v, err := c.ToConnectData("t", []byte("h\xe9"))
	if err != nil || s != connect.OptionalStringSchema || v != "hé" {
		t.Errorf("ToConnectData = %v %q %v", s, v, err)
	}
	c, _ = New("String", nil, true)
	if _, v, _ := c.ToConnectData("t", []byte("a\xffb")); v != "a\uFFFDb" {
		t.Errorf("invalid UTF-8 read as %q", v)
	}
	if b, err := c.FromConnectData("t", connect.OptionalStringSchema, nil); b != nil || err != nil {
		t.Errorf("nil value = %q %v", b, err)
	}
	if s, v, err := c.ToConnectData("t", nil); s != connect.OptionalStringSchema || v != nil || err != nil {
		t.Errorf("nil bytes = %v %v %v", s, v, err)
	}
	if _, err := New("String", map[string]string{"converter.encoding": "EBCDIC-XYZ"}, false); err == nil ||
		err.Error() != "configuring org.apache.kafka.connect.storage.StringConverter: Unsupported encoding EBCDIC-XYZ" {
		t.Errorf("unknown encoding error = %v", err)
	}
}

func TestNumberConverters(t *testing.T) {
	cases := []struct {
		class  string
		value  any
		bytes  []byte
		schema connect.SchemaType
	}{
		{"IntegerConverter", int32(0x12345678), []byte{0x12, 0x34, 0x56, 0x78}, connect.TypeInt32},
		{"Integer", int32(-1), []byte{0xff, 0xff, 0xff, 0xff}, connect.TypeInt32},
		{"LongConverter", int64(0x0102030405060708), []byte{1, 2, 3, 4, 5, 6, 7, 8}, connect.TypeInt64},
		{"Long", int64(math.MinInt64), []byte{0x80, 0, 0, 0, 0, 0, 0, 0}, connect.TypeInt64},
		{"ShortConverter", int16(-2), []byte{0xff, 0xfe}, connect.TypeInt16},
		{"FloatConverter", float32(1), []byte{0x3f, 0x80, 0, 0}, connect.TypeFloat32},
		{"Float", float32(-2.5), []byte{0xc0, 0x20, 0, 0}, connect.TypeFloat32},
		{"DoubleConverter", 1.0, []byte{0x3f, 0xf0, 0, 0, 0, 0, 0, 0}, connect.TypeFloat64},
		{"org.apache.kafka.connect.converters.DoubleConverter", 0.1, []byte{0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a}, connect.TypeFloat64},
		{"BooleanConverter", true, []byte{1}, connect.TypeBoolean},
		{"Boolean", false, []byte{0}, connect.TypeBoolean},
	}
	for _, tc := range cases {
		t.Run(tc.class, func(t *testing.T) {
			c, err := New(tc.class, nil, false)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.FromConnectData("t", nil, tc.value)
			if err != nil || !bytes.Equal(got, tc.bytes) {
				t.Fatalf("FromConnectData = %x, %v; want %x", got, err, tc.bytes)
			}
			s, v, err := c.ToConnectData("t", got)
			if err != nil || v != tc.value || s.Type != tc.schema || !s.Optional {
				t.Errorf("ToConnectData = %+v %v %v", s, v, err)
			}
			s, v, err = c.ToConnectData("t", nil)
			if err != nil || v != nil || s.Type != tc.schema {
				t.Errorf("ToConnectData(nil) = %+v %v %v", s, v, err)
			}
			if b, err := c.FromConnectData("t", nil, nil); b != nil || err != nil {
				t.Errorf("FromConnectData(nil) = %x %v", b, err)
			}
		})
	}
	errCases := []struct {
		class string
		op    func(connect.Converter) error
		msg   string
	}{
		{"Integer", func(c connect.Converter) error { _, _, err := c.ToConnectData("t", []byte{1, 2}); return err },
			"Failed to deserialize integer: Size of data received by IntegerDeserializer is not 4"},
		{"Long", func(c connect.Converter) error { _, _, err := c.ToConnectData("t", []byte{1}); return err },
			"Failed to deserialize long: Size of data received by LongDeserializer is not 8"},
		{"Short", func(c connect.Converter) error { _, _, err := c.ToConnectData("t", []byte{}); return err },
			"Failed to deserialize short: Size of data received by ShortDeserializer is not 2"},
		{"Float", func(c connect.Converter) error { _, _, err := c.ToConnectData("t", []byte{1}); return err },
			"Failed to deserialize float: Size of data received by Deserializer is not 4"},
		{"Double", func(c connect.Converter) error { _, _, err := c.ToConnectData("t", []byte{1}); return err },
			"Failed to deserialize double: Size of data received by Deserializer is not 8"},
		{"Boolean", func(c connect.Converter) error { _, _, err := c.ToConnectData("t", []byte{2}); return err },
			"Failed to deserialize boolean: Unexpected byte received by BooleanDeserializer: 2"},
		{"Boolean", func(c connect.Converter) error { _, _, err := c.ToConnectData("t", []byte{0, 0}); return err },
			"Failed to deserialize boolean: Size of data received by BooleanDeserializer is not 1"},
		{"Integer", func(c connect.Converter) error { _, err := c.FromConnectData("t", nil, "12"); return err },
			"Failed to serialize to integer (was class java.lang.String): "},
		{"Long", func(c connect.Converter) error { _, err := c.FromConnectData("t", nil, int32(12)); return err },
			"Failed to serialize to long (was class java.lang.Integer): "},
		{"Boolean", func(c connect.Converter) error {
			_, err := c.FromConnectData("t", connect.StringSchema, true)
			return err
		},
			"Invalid schema type for BooleanConverter: STRING"},
		{"Boolean", func(c connect.Converter) error { _, err := c.FromConnectData("t", nil, int8(1)); return err },
			"BooleanConverter is not compatible with objects of type class java.lang.Byte"},
	}
	for _, tc := range errCases {
		c, _ := New(tc.class, nil, true)
		if err := tc.op(c); err == nil || err.Error() != tc.msg || !errors.Is(err, ErrData) {
			t.Errorf("%s: error = %v, want %q", tc.class, err, tc.msg)
		}
	}
}

func TestResolve(t *testing.T) {
	for _, name := range []string{JsonConverterClass, "JsonConverter", "Json", " Json "} {
		c, err := New(name, map[string]string{"schemas.enable": "false"}, false)
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		if _, ok := c.(*JsonConverter); !ok {
			t.Errorf("%q resolved to %T", name, c)
		}
	}
	_, err := New("AvroConverter", nil, false)
	want := "Failed to find any class that implements Converter and which name matches AvroConverter, available converters are: " +
		"org.apache.kafka.connect.converters.BooleanConverter, org.apache.kafka.connect.converters.ByteArrayConverter, " +
		"org.apache.kafka.connect.converters.DoubleConverter, org.apache.kafka.connect.converters.FloatConverter, " +
		"org.apache.kafka.connect.converters.IntegerConverter, org.apache.kafka.connect.converters.LongConverter, " +
		"org.apache.kafka.connect.converters.ShortConverter, org.apache.kafka.connect.json.JsonConverter, " +
		"org.apache.kafka.connect.storage.StringConverter"
	if err == nil || err.Error() != want || !errors.Is(err, connect.ErrNotFound) {
		t.Errorf("unknown converter error = %v", err)
	}
	if _, err := New("SimpleHeaderConverter", nil, false); err == nil {
		t.Error("SimpleHeaderConverter resolved as a Converter")
	}
	for _, name := range []string{SimpleHeaderConverterClass, "SimpleHeaderConverter", "Simple"} {
		h, err := NewHeader(name, nil)
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		if _, ok := h.(*SimpleHeaderConverter); !ok {
			t.Errorf("%q resolved to %T", name, h)
		}
	}
	h, err := NewHeader("ByteArray", nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := h.FromConnectHeader("t", "k", connect.BytesSchema, []byte("v")); err != nil || string(b) != "v" {
		t.Errorf("header adapter = %q %v", b, err)
	}
	if _, err := NewHeader("Nope", nil); err == nil || !errors.Is(err, connect.ErrNotFound) {
		t.Errorf("unknown header converter error = %v", err)
	}
	if _, err := New("Json", map[string]string{"schemas.enable": "maybe"}, false); err == nil ||
		err.Error() != "configuring org.apache.kafka.connect.json.JsonConverter: Invalid value maybe for configuration schemas.enable: Expected value to be either true or false" {
		t.Errorf("bad config error = %v", err)
	}
	if _, err := New("Json", map[string]string{"decimal.format": "hex"}, false); err == nil ||
		err.Error() != "configuring org.apache.kafka.connect.json.JsonConverter: Invalid value hex for configuration decimal.format: String must be one of (case insensitive): NUMERIC, BASE64" {
		t.Errorf("bad decimal.format error = %v", err)
	}
	var classes []string
	for _, p := range Plugins() {
		classes = append(classes, p.Class+"/"+string(p.Type))
		if p.ConfigDef() == nil {
			t.Errorf("%s has no ConfigDef", p.Class)
		}
	}
	if len(classes) != 19 {
		t.Errorf("Plugins = %q", classes)
	}
	if !reflect.DeepEqual(classes[:2], []string{BooleanConverterClass + "/converter", BooleanConverterClass + "/header_converter"}) {
		t.Errorf("Plugins order = %q", classes[:2])
	}
}
