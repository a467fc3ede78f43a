package javajson

import (
	"math"
	"strings"
	"testing"
)

func TestMarshal(t *testing.T) {
	cases := []struct {
		name string
		in   any
		want string
	}{
		{"null", nil, `null`},
		{"true", true, `true`},
		{"int", 42, `42`},
		{"int8", int8(-8), `-8`},
		{"int32", int32(7), `7`},
		{"int64 min", int64(math.MinInt64), `-9223372036854775808`},
		{"uint64", uint64(18446744073709551615), `18446744073709551615`},
		{"double", 1.5, `1.5`},
		{"double integral", 2.0, `2.0`},
		{"double large", 1e21, `1.0E21`},
		{"float", float32(0.1), `0.1`},
		{"NaN quoted", math.NaN(), `"NaN"`},
		{"-Inf quoted", math.Inf(-1), `"-Infinity"`},
		{"bytes base64", []byte{0, 1, 2, 0xff}, `"AAEC/w=="`},
		{"nil bytes", []byte(nil), `null`},
		{"plain string", "a/b<c>&'", `"a/b<c>&'"`},
		{"quote and backslash", `say "hi" \ bye`, `"say \"hi\" \\ bye"`},
		{"short escapes", "\b\t\n\f\r", `"\b\t\n\f\r"`},
		{"other controls upper hex", "\x00\x01\x0b\x1f\x7f", `"\u0000\u0001\u000B\u001F` + "\x7f" + `"`},
		{"non-ASCII raw", "héllo € 😀 \u2028", "\"héllo € 😀 \u2028\""},
		{"invalid UTF-8", "a\xffb", "\"a\uFFFDb\""},
		{"empty object", map[string]any{}, `{}`},
		{"nil map", map[string]any(nil), `null`},
		{"array", []any{int64(1), "x", nil, false, []any{}}, `[1,"x",null,false,[]]`},
		{"strings", []string{"a", "b"}, `["a","b"]`},
		{"object order fixed", Object{{"state", "RUNNING"}, {"trace", nil}, {"worker_id", "h:8083"}, {"generation", int32(7)}},
			`{"state":"RUNNING","trace":null,"worker_id":"h:8083","generation":7}`},
		{"map in HashMap order", map[string]any{"topic": "t", "partition": 0, "cluster": "A"},
			`{"cluster":"A","partition":0,"topic":"t"}`},
		{"string map", map[string]string{"group": "g", "topic": "t", "partition": "0"},
			`{"partition":"0","topic":"t","group":"g"}`},
		{"HashMap insertion order for colliding keys", HashMap{{"BB", 1}, {"Aa", 2}}, `{"BB":1,"Aa":2}`},
		{"HashMap later put replaces value", HashMap{{"a", 1}, {"a", 2}}, `{"a":2}`},
		{"nested", Object{{"properties", map[string]string{"k": "v"}}}, `{"properties":{"k":"v"}}`},
	}
	for _, c := range cases {
		got, err := Marshal(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if string(got) != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

func TestMarshalUnsupported(t *testing.T) {
	_, err := Marshal(map[string]any{"a": []any{struct{}{}}})
	if err == nil || !strings.Contains(err.Error(), "unsupported type struct {}") || !strings.Contains(err.Error(), `field "a"`) {
		t.Fatalf("err = %v", err)
	}
}
