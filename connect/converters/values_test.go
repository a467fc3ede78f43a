package converters

import (
	"math"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/connect"
)

// TestValuesParseString follows Java's ValuesTest and SimpleHeaderConverterTest.
func TestValuesParseString(t *testing.T) {
	str := connect.StringSchema
	ts := func(s string) time.Time { v, _ := time.Parse("2006-01-02T15:04:05.000Z", s); return v }
	cases := []struct {
		in     string
		schema *connect.Schema // nil with value nil means Java's null result
		value  any
	}{
		{"", str, ""},
		{"  ", str, "  "},
		{"simple", str, "simple"},
		{"simple string", str, "simple string"},
		{"three\"blind\\\"mice", str, "three\"blind\\\"mice"},
		{"string with delimiters: <>?,./\\=+-!@#$%^&*(){}[]|;':", str, "string with delimiters: <>?,./\\=+-!@#$%^&*(){}[]|;':"},
		{"\uFFFF", str, "\uFFFF"},
		{"{foo: 3}", str, "{foo: 3}"},
		{"{3: foo}", str, "{3: foo}"},
		{"[foo]", str, "[foo]"},
		{"null=", str, "null="},
		{"true}", str, "true}"},
		{"false]", str, "false]"},
		{" \t true \n", connect.BooleanSchema, true},
		{" false ", connect.BooleanSchema, false},
		{" null ", nil, nil},
		{"null", nil, nil},
		{"{6:9 4:20}", str, "{6:9 4:20}"},
		{"[0 1 2]", str, "[0 1 2]"},
		{"{null: 3}", str, "{null: 3}"},
		{"[1, 2, 3,,,]", str, "[1, 2, 3,,,]"},
		{"[1, null]", str, "[1, null]"},
		{"[null, 1]", str, "[null, 1]"},
		{"[true, false]", &connect.Schema{Type: connect.TypeArray, ValueSchema: connect.BooleanSchema}, []any{true, false}},
		{"{true: false, false: true}", &connect.Schema{Type: connect.TypeMap, KeySchema: connect.BooleanSchema, ValueSchema: connect.BooleanSchema},
			map[any]any{true: false, false: true}},
		{"{}", &connect.Schema{Type: connect.TypeMap}, map[string]any{}},
		{"[]", &connect.Schema{Type: connect.TypeArray}, []any{}},
		{"[null]", &connect.Schema{Type: connect.TypeArray}, []any{nil}},
		{"{3: null}", &connect.Schema{Type: connect.TypeMap, KeySchema: int8Schema}, map[any]any{int8(3): nil}},
		{"[[]]", &connect.Schema{Type: connect.TypeArray, ValueSchema: &connect.Schema{Type: connect.TypeArray}}, []any{[]any{}}},
		{`{"a":[]}`, &connect.Schema{Type: connect.TypeMap, KeySchema: str, ValueSchema: &connect.Schema{Type: connect.TypeArray}}, map[string]any{"a": []any{}}},
		{`{"foo":"123","bar":"baz"}`, &connect.Schema{Type: connect.TypeMap, KeySchema: str, ValueSchema: str}, map[string]any{"foo": "123", "bar": "baz"}},
		{"{ \"foo\" : \"123\", \n\"bar\" : \"baz\" } ", &connect.Schema{Type: connect.TypeMap, KeySchema: str, ValueSchema: str}, map[string]any{"foo": "123", "bar": "baz"}},
		{` { "foo" :  12345 , "bar" : 0,  "baz" : -4321 }  `, &connect.Schema{Type: connect.TypeMap, KeySchema: str, ValueSchema: int16Schema},
			map[string]any{"foo": int16(12345), "bar": int16(0), "baz": int16(-4321)}},
		{`{"foo":1234567890,"bar":0,"baz":-987654321}`, &connect.Schema{Type: connect.TypeMap, KeySchema: str, ValueSchema: connect.Int32Schema},
			map[string]any{"foo": int32(1234567890), "bar": int32(0), "baz": int32(-987654321)}},
		{`["foo",13344]`, &connect.Schema{Type: connect.TypeArray}, []any{"foo", int16(13344)}},
		{`[1,300,70000,1.5]`, &connect.Schema{Type: connect.TypeArray, ValueSchema: float32Schema}, []any{float32(1), float32(300), float32(70000), float32(1.5)}},
		{`[1.1,1e40]`, &connect.Schema{Type: connect.TypeArray, ValueSchema: float64Schema}, []any{float64(float32(1.1)), 1e40}},
		{"1", int8Schema, int8(1)},
		{"1,2", int8Schema, int8(1)},
		{"-129", int16Schema, int16(-129)},
		{"66000", connect.Int32Schema, int32(66000)},
		{"9223372036854775807", connect.Int64Schema, int64(math.MaxInt64)},
		{"1.0", int8Schema, int8(1)},
		{"1.1", float32Schema, float32(1.1)},
		{"300.0", int16Schema, int16(300)},
		{"300.01", float32Schema, float32(300.01)},
		{"66000.0", connect.Int32Schema, int32(66000)},
		{"66000.0008", float32Schema, float32(66000.0008)},
		{"+5", int8Schema, int8(5)},
		{"1e40", float64Schema, 1e40},
		{"1e30", float32Schema, float32(1e30)},
		{"12abc", str, "12abc"},
		{"-", str, "-"},
		{"2019-08-23T14:34:54.346Z", TimestampSchema(), ts("2019-08-23T14:34:54.346Z")},
		{"2019-08-23T14\\:34\\:54.346Z", TimestampSchema(), ts("2019-08-23T14:34:54.346Z")},
		{"2019-08-23", DateSchema(), ts("2019-08-23T00:00:00.000Z")},
		{"2019-13-32", DateSchema(), ts("2020-02-01T00:00:00.000Z")},
		{"14:34:54.346Z", TimeSchema(), ts("1970-01-01T14:34:54.346Z")},
		{"14\\:34\\:54.346Z", TimeSchema(), ts("1970-01-01T14:34:54.346Z")},
		{"[2019-08-23]", &connect.Schema{Type: connect.TypeArray, ValueSchema: DateSchema()}, []any{ts("2019-08-23T00:00:00.000Z")}},
		{"[14:34:54.346Z]", &connect.Schema{Type: connect.TypeArray, ValueSchema: TimeSchema()}, []any{ts("1970-01-01T14:34:54.346Z")}},
		{"[2019-08-23T14:34:54.346Z,2019-01-23T15:12:34.567Z,   2019-04-23T19:12:34.567Z]",
			&connect.Schema{Type: connect.TypeArray, ValueSchema: TimestampSchema()},
			[]any{ts("2019-08-23T14:34:54.346Z"), ts("2019-01-23T15:12:34.567Z"), ts("2019-04-23T19:12:34.567Z")}},
		{`{"k1":"14:34:54.346Z"}`, &connect.Schema{Type: connect.TypeMap, KeySchema: str, ValueSchema: TimeSchema()}, map[string]any{"k1": ts("1970-01-01T14:34:54.346Z")}},
		{`{"k1":14:34:54.346Z}`, &connect.Schema{Type: connect.TypeMap, KeySchema: str, ValueSchema: TimeSchema()}, map[string]any{"k1": ts("1970-01-01T14:34:54.346Z")}},
		{`[2019-08-23, 5]`, &connect.Schema{Type: connect.TypeArray, ValueSchema: DateSchema()}, []any{ts("2019-08-23T00:00:00.000Z"), ts("1970-01-06T00:00:00.000Z")}},
	}
	for _, tc := range cases {
		sv, err := valuesParseString(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if tc.schema == nil {
			if sv != nil {
				t.Errorf("%q = %+v, want null", tc.in, sv)
			}
			continue
		}
		if sv == nil {
			t.Errorf("%q = null", tc.in)
			continue
		}
		if !reflect.DeepEqual(sv.schema, tc.schema) {
			t.Errorf("%q schema = %+v, want %+v", tc.in, sv.schema, tc.schema)
		}
		if !reflect.DeepEqual(sv.value, tc.value) {
			t.Errorf("%q value = %#v, want %#v", tc.in, sv.value, tc.value)
		}
	}

	sv, err := valuesParseString("123456789012345678901234567890")
	if err != nil || sv.schema.Name != DecimalName || sv.schema.Params["scale"] != "0" || sv.value.(*big.Rat).Cmp(new(big.Rat).SetInt(mustBig("123456789012345678901234567890"))) != 0 {
		t.Errorf("big integer = %+v %v", sv, err)
	}
	if _, err := valuesParseString("1e999999999"); err != errValueTooLarge {
		t.Errorf("huge exponent error = %v", err)
	}
}

func TestValuesToString(t *testing.T) {
	structS := &connect.Schema{Type: connect.TypeStruct, Fields: []connect.Field{
		{Name: "a", Schema: connect.Int32Schema}, {Name: "b", Schema: &connect.Schema{Type: connect.TypeString, Optional: true, Default: "dflt"}}}}
	cases := []struct {
		schema *connect.Schema
		value  any
		want   string
	}{
		{connect.StringSchema, "three\"blind\\\"mice", "three\"blind\\\"mice"},
		{nil, []any{"three\"blind\\\"mice"}, `["three\"blind\\\"mice"]`},
		{nil, int8(-5), "-5"},
		{nil, float32(1.1), "1.1"},
		{nil, 1e21, "1.0E21"},
		{nil, true, "true"},
		{nil, []byte("hello"), "aGVsbG8="},
		{nil, []any{[]byte("hi"), nil, int32(1)}, `["aGk=",null,1]`},
		{nil, map[string]any{"foo": "123", "bar": "baz"}, `{"bar":"baz","foo":"123"}`},
		{nil, map[any]any{int8(3): nil}, `{3:null}`},
		{structS, map[string]any{"a": int32(1)}, `{"a":1,"b":"dflt"}`},
		{DecimalSchema(2), big.NewRat(156, 100), "1.56"},
		{DateSchema(), time.Date(2019, 8, 23, 0, 0, 0, 0, time.UTC), "2019-08-23"},
		{TimeSchema(), time.UnixMilli(52494346).UTC(), "14:34:54.346Z"},
		{TimestampSchema(), time.Date(2019, 8, 23, 14, 34, 54, 346e6, time.UTC), "2019-08-23T14:34:54.346Z"},
	}
	for _, tc := range cases {
		got, err := valuesToString(tc.schema, tc.value)
		if err != nil || got != tc.want {
			t.Errorf("valuesToString(%v) = %q, %v; want %q", tc.value, got, err, tc.want)
		}
	}
	if _, err := valuesToString(nil, struct{ A int }{1}); err == nil || err.Error() != "Failed to serialize unexpected value type struct { A int }: {1}" {
		t.Errorf("unexpected type error = %v", err)
	}
}

func TestSimpleHeaderConverterRoundTrip(t *testing.T) {
	h, err := NewHeader(SimpleHeaderConverterClass, nil)
	if err != nil {
		t.Fatal(err)
	}
	str := connect.StringSchema
	cases := []struct {
		schema *connect.Schema
		value  any
		header string
	}{
		{str, "simple", "simple"},
		{str, "", ""},
		{str, "null", "null"},
		{&connect.Schema{Type: connect.TypeMap, KeySchema: str, ValueSchema: str}, map[string]any{"foo": "123", "bar": "baz"}, `{"bar":"baz","foo":"123"}`},
		{&connect.Schema{Type: connect.TypeMap, KeySchema: str, ValueSchema: int16Schema}, map[string]any{"foo": int16(12345), "bar": int16(0), "baz": int16(-4321)},
			`{"bar":0,"foo":12345,"baz":-4321}`}, // java.util.HashMap order
		{&connect.Schema{Type: connect.TypeArray, ValueSchema: str}, []any{"foo", "bar"}, `["foo","bar"]`},
		{&connect.Schema{Type: connect.TypeArray, ValueSchema: connect.Int32Schema}, []any{int32(1234567890), int32(-987654321)}, `[1234567890,-987654321]`},
		{connect.BooleanSchema, true, "true"},
		{int8Schema, int8(1), "1"},
		{connect.Int64Schema, int64(1) << 40, "1099511627776"},
		{float32Schema, float32(1.5), "1.5"}, // Java reads any short decimal as FLOAT32
	}
	for _, tc := range cases {
		b, err := h.FromConnectHeader("topic", "header", tc.schema, tc.value)
		if err != nil || string(b) != tc.header {
			t.Errorf("FromConnectHeader(%v) = %q, %v; want %q", tc.value, b, err, tc.header)
			continue
		}
		s, v, err := h.ToConnectHeader("topic", "header", b)
		wantValue := tc.value
		if tc.value == "null" {
			if s != nil || v != nil || err != nil {
				t.Errorf("\"null\" read as %v %v %v", s, v, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(s, tc.schema) || !reflect.DeepEqual(v, wantValue) {
			t.Errorf("ToConnectHeader(%q) = %+v %#v %v; want %+v %#v", b, s, v, err, tc.schema, wantValue)
		}
	}
	if b, err := h.FromConnectHeader("t", "h", str, nil); b != nil || err != nil {
		t.Errorf("nil value = %q %v", b, err)
	}
	if s, v, err := h.ToConnectHeader("t", "h", nil); s != nil || v != nil || err != nil {
		t.Errorf("nil bytes = %v %v %v", s, v, err)
	}
	// Numbers Java cannot hold in memory fall back to bytes.
	s, v, err := h.ToConnectHeader("t", "h", []byte("1e999999999"))
	if err != nil || s != connect.BytesSchema || string(v.([]byte)) != "1e999999999" {
		t.Errorf("huge number = %v %v %v", s, v, err)
	}
}
