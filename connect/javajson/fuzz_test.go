package javajson

import (
	"reflect"
	"testing"
)

func FuzzUnmarshal(f *testing.F) {
	for _, s := range []string{
		`["MirrorSourceConnector",{"cluster":"A","partition":0,"topic":"t"}]`,
		`{"offset":1234}`, `{"state":"PAUSED","state.v2":"STOPPED"}`, `"\ud83d\ude00"`,
		`[1e400,-0,9223372036854775808,"\u0000"]`, `{"a":{"b":[null,true,false]}}`, `[[[[`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Unmarshal(data)
		if err != nil {
			return
		}
		// Whatever parses must re-encode and parse back to the same value.
		enc, err := Marshal(v)
		if err != nil {
			t.Fatalf("re-encode %#v: %v", v, err)
		}
		again, err := Unmarshal(enc)
		if err != nil {
			t.Fatalf("re-parse %s: %v", enc, err)
		}
		if !equalJSON(v, again) {
			t.Fatalf("round trip changed the value: %#v -> %s -> %#v", v, enc, again)
		}
	})
}

func FuzzLoadBase64(f *testing.F) {
	for _, s := range []string{"AJw=", "AA==AA==", " QQ== ", "A", "A=", "=", "****"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = decodeBase64(s)
	})
}

// equalJSON is reflect.DeepEqual except that NaN cannot occur and float
// infinities re-encode as strings (Jackson quotes them).
func equalJSON(a, b any) bool {
	switch x := a.(type) {
	case float64:
		if s, ok := b.(string); ok {
			return s == FormatDouble(x)
		}
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if !equalJSON(v, y[k]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}
