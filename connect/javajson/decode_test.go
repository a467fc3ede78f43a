package javajson

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestUnmarshal(t *testing.T) {
	cases := []struct {
		in   string
		want any
	}{
		{`null`, nil},
		{` true `, true},
		{`false`, false},
		{`0`, int64(0)},
		{`-0`, int64(0)},
		{`1234`, int64(1234)},
		{`-9223372036854775808`, int64(math.MinInt64)},
		{`9223372036854775808`, int64(math.MinInt64)}, // BigInteger.longValue wraps
		{`18446744073709551617`, int64(1)},
		{`1.5`, 1.5},
		{`-0.0`, math.Copysign(0, -1)},
		{`1E5`, 100000.0},
		{`1e400`, math.Inf(1)},
		{`1e-400`, 0.0},
		{`"a\"b\\c\/d\b\f\n\r\t\u00e9\u20AC"`, "a\"b\\c/d\b\f\n\r\té€"},
		{`"\ud83d\ude00"`, "😀"},
		{`"\ud83d"`, "\uFFFD"},
		{`"\ude00x"`, "\uFFFDx"},
		{`"\ud83d\u0041"`, "\uFFFDA"},
		{`"héllo"`, "héllo"},
		{`[]`, []any{}},
		{`[1, "x", [null]]`, []any{int64(1), "x", []any{nil}}},
		{`{}`, map[string]any{}},
		{`{"a":1,"a":2}`, map[string]any{"a": int64(2)}},
		{`{"state":"RUNNING","trace":null,"worker_id":"h:8083","generation":7}`,
			map[string]any{"state": "RUNNING", "trace": nil, "worker_id": "h:8083", "generation": int64(7)}},
		{"\t{ \"k\" : [ 1 , 2.0 ] }\n", map[string]any{"k": []any{int64(1), 2.0}}},
	}
	for _, c := range cases {
		got, err := Unmarshal([]byte(c.in))
		if err != nil {
			t.Errorf("Unmarshal(%s): %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Unmarshal(%s) = %#v, want %#v", c.in, got, c.want)
		}
	}
}

func TestUnmarshalErrors(t *testing.T) {
	for _, in := range []string{
		``, ` `, `nul`, `tru`, `01`, `-`, `1.`, `.5`, `1e`, `+1`, `NaN`, `Infinity`,
		`"abc`, `"a` + "\x01" + `"`, `"\x"`, `"\u12G4"`, `"\u12"`, "\"\xff\"",
		`[1,]`, `[1 2]`, `{"a"}`, `{"a":}`, `{a:1}`, `{"a":1,}`, `{'a':1}`, `{"a":1} x`, `[` + strings.Repeat(`[`, 1000) + strings.Repeat(`]`, 1001),
		strings.Repeat("1", 1001),
	} {
		v, err := Unmarshal([]byte(in))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Unmarshal(%.40q) = %#v, %v; want a SyntaxError", in, v, err)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	in := map[string]any{
		"s": "x\u0001\"", "i": int64(-3), "f": 0.25, "b": true, "n": nil,
		"a": []any{int64(1), "two", map[string]any{"k": "v"}},
	}
	b, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip: %#v != %#v", out, in)
	}
}
