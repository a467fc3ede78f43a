package converters

import (
	"errors"
	"math"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/javajson"
)

func jsonConverter(t testing.TB, props map[string]string) connect.Converter {
	t.Helper()
	c, err := New(JsonConverterClass, props, false)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ver(v int32) *int32 { return &v }

var structSchema = &connect.Schema{Type: connect.TypeStruct, Fields: []connect.Field{
	{Name: "field1", Index: 0, Schema: connect.BooleanSchema},
	{Name: "field2", Index: 1, Schema: connect.StringSchema},
	{Name: "field3", Index: 2, Schema: &connect.Schema{Type: connect.TypeString, Default: "default"}},
	{Name: "field4", Index: 3, Schema: connect.BooleanSchema},
}}

// TestJsonEnvelopeBytes pins the exact bytes Java's JsonConverter (Jackson's
// compact writer) produces, derived from JsonConverter.asJsonSchema and
// convertToJson and the expectations of JsonConverterTest.
func TestJsonEnvelopeBytes(t *testing.T) {
	cases := []struct {
		name   string
		props  map[string]string
		schema *connect.Schema
		value  any
		want   string
	}{
		{"boolean", nil, connect.BooleanSchema, true,
			`{"schema":{"type":"boolean","optional":false},"payload":true}`},
		{"optional null", nil, &connect.Schema{Type: connect.TypeBoolean, Optional: true}, nil,
			`{"schema":{"type":"boolean","optional":true},"payload":null}`},
		{"default", nil, &connect.Schema{Type: connect.TypeBoolean, Default: true}, true,
			`{"schema":{"type":"boolean","optional":false,"default":true},"payload":true}`},
		{"null replaced by default", nil, &connect.Schema{Type: connect.TypeBoolean, Default: true}, nil,
			`{"schema":{"type":"boolean","optional":false,"default":true},"payload":true}`},
		{"null kept", map[string]string{"replace.null.with.default": "false"}, &connect.Schema{Type: connect.TypeBoolean, Optional: true, Default: true}, nil,
			`{"schema":{"type":"boolean","optional":true,"default":true},"payload":null}`},
		{"metadata", nil, &connect.Schema{Type: connect.TypeBoolean, Name: "bool", Version: ver(3), Doc: "the documentation", Params: map[string]string{"foo": "bar"}}, true,
			`{"schema":{"type":"boolean","optional":false,"name":"bool","version":3,"doc":"the documentation","parameters":{"foo":"bar"}},"payload":true}`},
		{"int8", nil, &connect.Schema{Type: connect.TypeInt8}, int8(12), `{"schema":{"type":"int8","optional":false},"payload":12}`},
		{"int16", nil, &connect.Schema{Type: connect.TypeInt16}, int16(-12), `{"schema":{"type":"int16","optional":false},"payload":-12}`},
		{"int32", nil, connect.Int32Schema, int32(12), `{"schema":{"type":"int32","optional":false},"payload":12}`},
		{"int64", nil, connect.Int64Schema, int64(4398046511104), `{"schema":{"type":"int64","optional":false},"payload":4398046511104}`},
		{"float", nil, &connect.Schema{Type: connect.TypeFloat32}, float32(12.34), `{"schema":{"type":"float","optional":false},"payload":12.34}`},
		{"double", nil, &connect.Schema{Type: connect.TypeFloat64}, 12.34, `{"schema":{"type":"double","optional":false},"payload":12.34}`},
		{"double whole", nil, &connect.Schema{Type: connect.TypeFloat64}, 3.0, `{"schema":{"type":"double","optional":false},"payload":3.0}`},
		{"double large", nil, &connect.Schema{Type: connect.TypeFloat64}, 1.5e300, `{"schema":{"type":"double","optional":false},"payload":1.5E300}`},
		{"double NaN", nil, &connect.Schema{Type: connect.TypeFloat64}, math.NaN(), `{"schema":{"type":"double","optional":false},"payload":"NaN"}`},
		{"float infinity", nil, &connect.Schema{Type: connect.TypeFloat32}, float32(math.Inf(-1)), `{"schema":{"type":"float","optional":false},"payload":"-Infinity"}`},
		{"bytes", nil, connect.BytesSchema, []byte("test-string"), `{"schema":{"type":"bytes","optional":false},"payload":"dGVzdC1zdHJpbmc="}`},
		{"string", nil, connect.StringSchema, "test-string", `{"schema":{"type":"string","optional":false},"payload":"test-string"}`},
		{"string escapes", nil, connect.StringSchema, "q\"b\\s/\n\t\x01\x7fé€😀\xff",
			`{"schema":{"type":"string","optional":false},"payload":"q\"b\\s/\n\t\u0001` + "\x7fé€😀\uFFFD" + `"}`},
		{"array", nil, &connect.Schema{Type: connect.TypeArray, ValueSchema: connect.Int32Schema}, []any{int32(1), int32(2), int32(3)},
			`{"schema":{"type":"array","items":{"type":"int32","optional":false},"optional":false},"payload":[1,2,3]}`},
		{"typed slice", nil, &connect.Schema{Type: connect.TypeArray, ValueSchema: connect.StringSchema}, []string{"a", "b"},
			`{"schema":{"type":"array","items":{"type":"string","optional":false},"optional":false},"payload":["a","b"]}`},
		{"string map", nil, &connect.Schema{Type: connect.TypeMap, KeySchema: connect.StringSchema, ValueSchema: connect.Int32Schema},
			map[string]any{"key1": int32(12), "key2": int32(15)},
			`{"schema":{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":{"key1":12,"key2":15}}`},
		{"int map", nil, &connect.Schema{Type: connect.TypeMap, KeySchema: connect.Int32Schema, ValueSchema: connect.Int32Schema},
			map[any]any{int32(2): int32(15), int32(1): int32(12)},
			`{"schema":{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":[[1,12],[2,15]]}`},
		{"struct", nil, structSchema, map[string]any{"field1": true, "field2": "string2", "field3": "string3", "field4": false},
			`{"schema":{"type":"struct","fields":[{"type":"boolean","optional":false,"field":"field1"},{"type":"string","optional":false,"field":"field2"},` +
				`{"type":"string","optional":false,"default":"default","field":"field3"},{"type":"boolean","optional":false,"field":"field4"}],"optional":false},` +
				`"payload":{"field1":true,"field2":"string2","field3":"string3","field4":false}}`},
		{"struct default", nil, structSchema, map[string]any{"field1": true, "field2": "s", "field4": false},
			`{"schema":{"type":"struct","fields":[{"type":"boolean","optional":false,"field":"field1"},{"type":"string","optional":false,"field":"field2"},` +
				`{"type":"string","optional":false,"default":"default","field":"field3"},{"type":"boolean","optional":false,"field":"field4"}],"optional":false},` +
				`"payload":{"field1":true,"field2":"s","field3":"default","field4":false}}`},
		{"decimal base64", nil, DecimalSchema(2), big.NewRat(156, 100),
			`{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":"AJw="}`},
		{"decimal negative", nil, DecimalSchema(2), big.NewRat(-156, 100),
			`{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":"/2Q="}`},
		{"decimal numeric", map[string]string{"decimal.format": "numeric"}, DecimalSchema(2), big.NewRat(156, 100),
			`{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":1.56}`},
		{"decimal numeric scale", map[string]string{"decimal.format": "NUMERIC"}, DecimalSchema(4), big.NewRat(156, 100),
			`{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"4"}},"payload":1.5600}`},
		{"decimal numeric negative scale", map[string]string{"decimal.format": "NUMERIC"}, DecimalSchema(-2), big.NewRat(1500, 1),
			`{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"-2"}},"payload":1.5E+3}`},
		{"date", nil, DateSchema(), time.Date(1997, 5, 19, 0, 0, 0, 0, time.UTC),
			`{"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1},"payload":10000}`},
		{"time", nil, TimeSchema(), time.UnixMilli(14400000).UTC(),
			`{"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Time","version":1},"payload":14400000}`},
		{"timestamp", nil, TimestampSchema(), time.UnixMilli(4000000000),
			`{"schema":{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1},"payload":4000000000}`},
		{"timestamp default", nil, &connect.Schema{Type: connect.TypeInt64, Name: TimestampName, Version: ver(1), Default: time.UnixMilli(42)}, nil,
			`{"schema":{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"default":42},"payload":42}`},
		{"schemaless in envelope", nil, nil, map[string]any{"a": int64(1)}, `{"schema":null,"payload":{"a":1}}`},
		{"schemaless no envelope", map[string]string{"schemas.enable": "false"}, nil, map[string]any{"b": int64(1), "a": []any{int32(1), "x", nil, 1.5, true}},
			`{"a":[1,"x",null,1.5,true],"b":1}`},
		{"schemaless non-string keys", map[string]string{"schemas.enable": "false"}, nil, map[any]any{int64(1): "one"}, `[[1,"one"]]`},
		{"no envelope null", map[string]string{"schemas.enable": "false"}, connect.OptionalStringSchema, nil, `null`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := jsonConverter(t, tc.props).FromConnectData("topic", tc.schema, tc.value)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestJsonJavaHashMapOrder checks maps are written in java.util.HashMap order,
// e.g. MirrorMaker's source partition {cluster, partition, topic}.
func TestJsonJavaHashMapOrder(t *testing.T) {
	c := jsonConverter(t, map[string]string{"schemas.enable": "false"})
	cases := []struct {
		value any
		want  string
	}{
		{map[string]any{"topic": "t1", "partition": int32(0), "cluster": "primary"}, `{"cluster":"primary","partition":0,"topic":"t1"}`},
		{map[string]any{"filename": "/tmp/a.txt"}, `{"filename":"/tmp/a.txt"}`},
		{map[string]any{"offset": int64(5), "position": int64(1)}, `{"offset":5,"position":1}`},
		{map[string]any{"aa": int64(1), "bB": int64(2)}, `{"aa":1,"bB":2}`}, // same hash: ordered by key text
		{[]any{"connector", map[string]any{"z": int64(1), "a": int64(2)}}, `["connector",{"a":2,"z":1}]`},
	}
	for _, tc := range cases {
		got, err := c.FromConnectData("t", nil, tc.value)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("got %s, want %s", got, tc.want)
		}
	}
	// 13 keys: the table grows to 32 buckets. k5/k11, k6/k10 and k8/k12
	// share buckets; Java orders them by insertion, Ferry by key text.
	m := map[string]any{}
	for _, k := range []string{"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10", "k11", "k12"} {
		m[k] = nil
	}
	got, _ := c.FromConnectData("t", nil, m)
	if want := `{"k0":null,"k1":null,"k2":null,"k3":null,"k4":null,"k11":null,"k5":null,"k10":null,"k6":null,"k7":null,"k12":null,"k8":null,"k9":null}`; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestJsonFromConnectErrors(t *testing.T) {
	c := jsonConverter(t, nil)
	cases := []struct {
		schema *connect.Schema
		value  any
		msg    string
	}{
		{connect.StringSchema, nil, "Conversion error: null value for field that is required and has no default value"},
		{connect.Int32Schema, int64(1), "Invalid type for INT32: class java.lang.Long"},
		{connect.StringSchema, []byte("x"), "Invalid type for STRING: class [B"},
		{connect.BytesSchema, "x", "Invalid type for bytes type: class java.lang.String"},
		{nil, struct{}{}, "Java class struct {} does not have corresponding schema type."},
		{nil, big.NewRat(1, 2), "Java class class java.math.BigDecimal does not have corresponding schema type."},
		{DecimalSchema(2), 1.5, "Invalid type for Decimal, expected BigDecimal but was class java.lang.Double"},
		{DecimalSchema(1), big.NewRat(1, 100), "Decimal value has mismatching scale for given Decimal schema. Schema has scale 1, value has scale 2."},
		{DateSchema(), int32(1), "Invalid type for Date, expected Date but was class java.lang.Integer"},
		{DateSchema(), time.Date(2020, 1, 1, 1, 0, 0, 0, time.UTC), "Kafka Connect Date type should not have any time fields set to non-zero values."},
		{TimeSchema(), time.Date(2020, 1, 1, 1, 0, 0, 0, time.UTC), "Kafka Connect Time type should not have any date fields set to non-zero values."},
		{structSchema, map[string]any{"nope": 1}, "nope is not a valid field name"},
		{structSchema, map[string]any{"field1": true}, "Conversion error: null value for field that is required and has no default value"},
	}
	for _, tc := range cases {
		_, err := c.FromConnectData("t", tc.schema, tc.value)
		if err == nil || err.Error() != tc.msg || !errors.Is(err, ErrData) {
			t.Errorf("FromConnectData(%v) error = %v, want %q", tc.value, err, tc.msg)
		}
	}
	if b, err := c.FromConnectData("t", nil, nil); b != nil || err != nil {
		t.Errorf("null schema and value = %q %v, want nil bytes", b, err)
	}
}

func TestJsonToConnect(t *testing.T) {
	c := jsonConverter(t, nil)
	str := func(s *connect.Schema) *connect.Schema { return s }
	cases := []struct {
		in     string
		schema *connect.Schema
		value  any
	}{
		{`{ "schema": { "type": "boolean" }, "payload": true }`, connect.BooleanSchema, true},
		{`{ "schema": { "type": "boolean", "optional": true }, "payload": null }`, &connect.Schema{Type: connect.TypeBoolean, Optional: true}, nil},
		{`{ "schema": { "type": "boolean", "default": true }, "payload": null }`, &connect.Schema{Type: connect.TypeBoolean, Default: true}, true},
		{`{ "schema": { "type": "boolean", "optional": false, "name": "bool", "version": 2, "doc": "the documentation", "parameters": { "foo": "bar" }}, "payload": true }`,
			&connect.Schema{Type: connect.TypeBoolean, Name: "bool", Version: ver(2), Doc: "the documentation", Params: map[string]string{"foo": "bar"}}, true},
		{`{ "schema": { "type": "int8" }, "payload": 12 }`, &connect.Schema{Type: connect.TypeInt8}, int8(12)},
		{`{ "schema": { "type": "int8" }, "payload": 0012 }`, &connect.Schema{Type: connect.TypeInt8}, int8(12)},
		{`{ "schema": { "type": "int16" }, "payload": 000123 }`, &connect.Schema{Type: connect.TypeInt16}, int16(123)},
		{`{ "schema": { "type": "int32" }, "payload": 000012345 }`, connect.Int32Schema, int32(12345)},
		{`{ "schema": { "type": "int64" }, "payload": 4398046511104 }`, connect.Int64Schema, int64(4398046511104)},
		{`{ "schema": { "type": "int64" }, "payload": 00000123456789 }`, connect.Int64Schema, int64(123456789)},
		{`{ "schema": { "type": "float" }, "payload": 12.34 }`, &connect.Schema{Type: connect.TypeFloat32}, float32(12.34)},
		{`{ "schema": { "type": "double" }, "payload": 12.34 }`, &connect.Schema{Type: connect.TypeFloat64}, 12.34},
		{`{ "schema": { "type": "int32" }, "payload": 12.9 }`, connect.Int32Schema, int32(12)},
		{`{ "schema": { "type": "int8" }, "payload": 300 }`, &connect.Schema{Type: connect.TypeInt8}, int8(44)},
		{`{ "schema": { "type": "int32" }, "payload": "12" }`, connect.Int32Schema, int32(0)},
		{`{ "schema": { "type": "bytes" }, "payload": "dGVzdC1zdHJpbmc=" }`, connect.BytesSchema, []byte("test-string")},
		{`{ "schema": { "type": "string" }, "payload": "foo-bar-baz" }`, connect.StringSchema, "foo-bar-baz"},
		{`{ "schema": { "type": "array", "items": { "type" : "int32" } }, "payload": [1, 2, 3] }`,
			&connect.Schema{Type: connect.TypeArray, ValueSchema: connect.Int32Schema}, []any{int32(1), int32(2), int32(3)}},
		{`{ "schema": { "type": "map", "keys": { "type" : "string" }, "values": { "type" : "int32" } }, "payload": { "key1": 12, "key2": 15} }`,
			&connect.Schema{Type: connect.TypeMap, KeySchema: connect.StringSchema, ValueSchema: connect.Int32Schema}, map[string]any{"key1": int32(12), "key2": int32(15)}},
		{`{ "schema": { "type": "map", "keys": { "type" : "int32" }, "values": { "type" : "int32" } }, "payload": [ [1, 12], [2, 15] ] }`,
			&connect.Schema{Type: connect.TypeMap, KeySchema: connect.Int32Schema, ValueSchema: connect.Int32Schema}, map[any]any{int32(1): int32(12), int32(2): int32(15)}},
		{`{ "schema": { "type": "struct", "fields": [{ "field": "field1", "type": "boolean" }, { "field": "field2", "type": "string" }] }, "payload": { "field1": true, "field2": "string" } }`,
			&connect.Schema{Type: connect.TypeStruct, Fields: []connect.Field{{Name: "field1", Schema: connect.BooleanSchema}, {Name: "field2", Index: 1, Schema: connect.StringSchema}}},
			map[string]any{"field1": true, "field2": "string"}},
		{`{ "schema": { "type": "struct", "fields": [{ "field":"optional", "type": "string", "optional": true }, {  "field": "required", "type": "string" }] }, "payload": { "required": "required" } }`,
			&connect.Schema{Type: connect.TypeStruct, Fields: []connect.Field{{Name: "optional", Schema: connect.OptionalStringSchema}, {Name: "required", Index: 1, Schema: connect.StringSchema}}},
			map[string]any{"optional": nil, "required": "required"}},
		{`{ "schema": { "type": "bytes", "name": "org.apache.kafka.connect.data.Decimal", "version": 1, "parameters": { "scale": "2" } }, "payload": "AJw=" }`,
			DecimalSchema(2), big.NewRat(156, 100)},
		{`{ "schema": { "type": "bytes", "name": "org.apache.kafka.connect.data.Decimal", "version": 1, "parameters": { "scale": "2" } }, "payload": 1.56 }`,
			DecimalSchema(2), big.NewRat(156, 100)},
		{`{ "schema": { "type": "bytes", "name": "org.apache.kafka.connect.data.Decimal", "version": 1, "default": "AJw=", "parameters": { "scale": "2" } }, "payload": null }`,
			str(&connect.Schema{Type: connect.TypeBytes, Name: DecimalName, Version: ver(1), Params: map[string]string{"scale": "2"}, Default: big.NewRat(156, 100)}), big.NewRat(156, 100)},
		{`{ "schema": { "type": "int32", "name": "org.apache.kafka.connect.data.Date", "version": 1 }, "payload": 10000 }`,
			DateSchema(), time.Date(1997, 5, 19, 0, 0, 0, 0, time.UTC)},
		{`{ "schema": { "type": "int32", "name": "org.apache.kafka.connect.data.Time", "version": 1 }, "payload": 14400000 }`,
			TimeSchema(), time.Date(1970, 1, 1, 4, 0, 0, 0, time.UTC)},
		{`{ "schema": { "type": "int64", "name": "org.apache.kafka.connect.data.Timestamp", "version": 1 }, "payload": 4000000000 }`,
			TimestampSchema(), time.UnixMilli(4000000000).UTC()},
		{`{ "schema": null, "payload": null }`, nil, nil},
		{`{ "schema": null, "payload": 12 }`, nil, int64(12)},
		{`{ "schema": null, "payload": 12.24 }`, nil, 12.24},
		{`{ "schema": null, "payload": [1, "2", 3] }`, nil, []any{int64(1), "2", int64(3)}},
		{`{ "schema": null, "payload": { "field1": 1, "field2": 2} }`, nil, map[string]any{"field1": int64(1), "field2": int64(2)}},
		{"\xEF\xBB\xBF{\"schema\":null,\"payload\":true} trailing garbage", nil, true},
	}
	for _, tc := range cases {
		s, v, err := c.ToConnectData("topic", []byte(tc.in))
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(s, tc.schema) {
			t.Errorf("%s: schema = %+v, want %+v", tc.in, s, tc.schema)
		}
		if r, ok := tc.value.(*big.Rat); ok {
			if got, ok := v.(*big.Rat); !ok || got.Cmp(r) != 0 {
				t.Errorf("%s: value = %v, want %v", tc.in, v, r)
			}
			continue
		}
		if !reflect.DeepEqual(v, tc.value) {
			t.Errorf("%s: value = %#v, want %#v", tc.in, v, tc.value)
		}
	}
	if s, v, err := c.ToConnectData("t", nil); s != nil || v != nil || err != nil {
		t.Errorf("tombstone = %v %v %v", s, v, err)
	}
}

func TestJsonSchemaless(t *testing.T) {
	c := jsonConverter(t, map[string]string{"schemas.enable": "false"})
	cases := []struct {
		in    string
		value any
	}{
		{`{ "a": "", "b": null}`, map[string]any{"a": "", "b": nil}},
		{`true`, true},
		{`12`, int64(12)},
		{`-0012`, int64(-12)},
		{`12345678901234567890123`, javajson.LowInt64(mustBig("12345678901234567890123"))},
		{`1e2`, 100.0},
		{`12.5`, 12.5},
		{`"x"`, "x"},
		{`"\u00e9\ud83d\ude00\/"`, "é😀/"},
		{`[]`, []any{}},
		{`{"a":1,"a":2}`, map[string]any{"a": int64(2)}},
		{``, nil},
		{`   `, nil},
		{`null`, nil},
		{`{"schema":1,"payload":2}`, map[string]any{"schema": int64(1), "payload": int64(2)}},
	}
	for _, tc := range cases {
		s, v, err := c.ToConnectData("t", []byte(tc.in))
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if s != nil || !reflect.DeepEqual(v, tc.value) {
			t.Errorf("%q = %v %#v, want %#v", tc.in, s, v, tc.value)
		}
	}
}

func mustBig(s string) *big.Int {
	b, _ := new(big.Int).SetString(s, 10)
	return b
}

func TestJsonToConnectErrors(t *testing.T) {
	envelope := `JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.`
	cases := []struct {
		in  string
		msg string
	}{
		{`{"payload": 1}`, envelope},
		{`{"schema": null, "payload": 1, "x": 2}`, envelope},
		{`[1]`, envelope},
		{``, envelope},
		{`{"schema": {}, "payload": 1}`, "Schema must contain 'type' field"},
		{`{"schema": {"type": "uuid"}, "payload": 1}`, "Unknown schema type: uuid"},
		{`{"schema": {"type": "array"}, "payload": []}`, "Array schema did not specify the element type"},
		{`{"schema": {"type": "map", "values": {"type":"int8"}}, "payload": {}}`, "Map schema did not specify the key type"},
		{`{"schema": {"type": "map", "keys": {"type":"int8"}}, "payload": {}}`, "Map schema did not specify the value type"},
		{`{"schema": {"type": "struct"}, "payload": {}}`, `Struct schema's "fields" argument is not an array.`},
		{`{"schema": {"type": "struct", "fields": [{"type": "int8"}]}, "payload": {}}`, "Struct schema's field name not specified properly"},
		{`{"schema": {"type": "struct", "fields": [{"type": "int8", "field": "a"}, {"type": "int8", "field": "a"}]}, "payload": {}}`,
			"Cannot create field because of field name duplication a"},
		{`{"schema": {"type": "string", "parameters": {"a": 1}}, "payload": "x"}`, "Schema parameters must have string values."},
		{`{"schema": {"type": "string"}, "payload": null}`, "Invalid null value for required STRING field"},
		{`{"schema": {"type": "float"}, "payload": null}`, "Invalid null value for required FLOAT32 field"},
		{`{"schema": {"type": "struct", "fields": []}, "payload": 1}`, "Structs should be encoded as JSON objects, but found NUMBER"},
		{`{"schema": {"type": "map", "keys": {"type":"string"}, "values": {"type":"int8"}}, "payload": []}`,
			"Maps with string fields should be encoded as JSON objects, but found ARRAY"},
		{`{"schema": {"type": "map", "keys": {"type":"int8"}, "values": {"type":"int8"}}, "payload": {}}`,
			"Maps with non-string fields should be encoded as JSON array of tuples, but found OBJECT"},
		{`{"schema": {"type": "map", "keys": {"type":"int8"}, "values": {"type":"int8"}}, "payload": [1]}`,
			"Found invalid map entry instead of array tuple: NUMBER"},
		{`{"schema": {"type": "map", "keys": {"type":"int8"}, "values": {"type":"int8"}}, "payload": [[1]]}`,
			"Found invalid map entry, expected length 2 but found :1"},
		{`{"schema": {"type": "bytes"}, "payload": "not base64!"}`, "Invalid bytes field: Illegal character ' ' in base64 content"},
		{`{"schema": {"type": "int32", "name": "org.apache.kafka.connect.data.Date"}, "payload": "x"}`,
			"Invalid type for Date, underlying representation should be integer but was STRING"},
		{`{"schema": {"type": "int64", "name": "org.apache.kafka.connect.data.Timestamp"}, "payload": 1.5}`,
			"Invalid type for Timestamp, underlying representation should be integral but was NUMBER"},
		{`{"schema": {"type": "bytes", "name": "org.apache.kafka.connect.data.Decimal"}, "payload": true}`,
			"Invalid type for Decimal, underlying representation should be numeric or bytes but was BOOLEAN"},
		{`{"schema": {"type": "bytes", "name": "org.apache.kafka.connect.data.Decimal"}, "payload": "AJw="}`,
			"Invalid bytes for Decimal field: Invalid Decimal schema: scale parameter not found."},
	}
	c := jsonConverter(t, nil)
	for _, tc := range cases {
		_, _, err := c.ToConnectData("t", []byte(tc.in))
		if err == nil || err.Error() != tc.msg || !errors.Is(err, ErrData) {
			t.Errorf("%s: error = %v, want %q", tc.in, err, tc.msg)
		}
	}
	for _, in := range []string{`{`, `{"a" 1}`, `[1,]`, `tru`, `truex`, `01x`, `1.`, `.5`, `-`, `"a`, "\"\x01\"", `"\q"`, `NaN`, "\"\xff\"", `{"a":1}}`[:6]} {
		c := jsonConverter(t, map[string]string{"schemas.enable": "false"})
		_, _, err := c.ToConnectData("t", []byte(in))
		if err == nil || !errors.Is(err, ErrData) {
			t.Errorf("%q: error = %v, want a serialization error", in, err)
		}
	}
}

func TestJsonRoundTrip(t *testing.T) {
	optionalMap := &connect.Schema{Type: connect.TypeMap, Optional: true, KeySchema: connect.StringSchema,
		ValueSchema: &connect.Schema{Type: connect.TypeArray, ValueSchema: connect.OptionalStringSchema}}
	nested := &connect.Schema{Type: connect.TypeStruct, Name: "com.example.Outer", Version: ver(7), Doc: "outer", Fields: []connect.Field{
		{Name: "id", Schema: connect.Int64Schema},
		{Name: "inner", Index: 1, Schema: structSchema},
		{Name: "tags", Index: 2, Schema: optionalMap},
		{Name: "price", Index: 3, Schema: DecimalSchema(3)},
		{Name: "at", Index: 4, Schema: TimestampSchema()},
		{Name: "raw", Index: 5, Schema: connect.OptionalBytesSchema},
		{Name: "ratio", Index: 6, Schema: &connect.Schema{Type: connect.TypeFloat32}},
	}}
	value := map[string]any{
		"id":    int64(-42),
		"inner": map[string]any{"field1": true, "field2": "two", "field3": "three", "field4": false},
		"tags":  map[string]any{"a": []any{"x", nil}, "b": []any{}},
		"price": big.NewRat(-123456, 1000),
		"at":    time.UnixMilli(1700000000123).UTC(),
		"raw":   []byte{0, 1, 2, 0xff},
		"ratio": float32(0.3),
	}
	for _, props := range []map[string]string{nil, {"decimal.format": "NUMERIC"}} {
		c := jsonConverter(t, props)
		b, err := c.FromConnectData("t", nested, value)
		if err != nil {
			t.Fatal(err)
		}
		s, v, err := c.ToConnectData("t", b)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		b2, err := c.FromConnectData("t", s, v)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != string(b2) {
			t.Errorf("round trip changed bytes:\n%s\n%s", b, b2)
		}
		if !reflect.DeepEqual(s, nested) {
			t.Errorf("schema round trip:\n%+v\n%+v", s, nested)
		}
	}
}
