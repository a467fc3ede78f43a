package mirror

import (
	"encoding/json"
	"testing"
)

func TestStoredOffset(t *testing.T) {
	cases := []struct {
		in      map[string]any
		want    int64
		ok, bad bool
	}{
		{in: nil},
		{in: map[string]any{}},
		{in: map[string]any{"offset": nil}},
		{in: map[string]any{"offset": int64(7)}, want: 7, ok: true},
		{in: map[string]any{"offset": 7}, want: 7, ok: true},
		{in: map[string]any{"offset": int32(7)}, want: 7, ok: true},
		{in: map[string]any{"offset": float64(7)}, want: 7, ok: true},
		{in: map[string]any{"offset": json.Number("9007199254740993")}, want: 9007199254740993, ok: true},
		{in: map[string]any{"offset": int64(-1)}, want: -1},
		{in: map[string]any{"offset": 1.5}, bad: true},
		{in: map[string]any{"offset": "7"}, bad: true},
	}
	for _, c := range cases {
		n, ok, err := storedOffset(c.in)
		if (err != nil) != c.bad || ok != c.ok || (ok && n != c.want) {
			t.Errorf("storedOffset(%v) = %d, %v, %v", c.in, n, ok, err)
		}
	}
}
