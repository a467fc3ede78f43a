package connect

import (
	"reflect"
	"testing"
)

func TestSourceRecordOffset(t *testing.T) {
	cases := []struct {
		name string
		rec  SourceRecord
		want map[string]any
	}{
		{"none", SourceRecord{}, nil},
		{"map", SourceRecord{SourceOffset: map[string]any{"pos": "x"}}, map[string]any{"pos": "x"}},
		{"int field", SourceRecord{IntOffsetField: "offset", IntOffset: 42}, map[string]any{"offset": int64(42)}},
		{"map wins", SourceRecord{SourceOffset: map[string]any{"pos": "x"}, IntOffsetField: "offset", IntOffset: 1}, map[string]any{"pos": "x"}},
	}
	for _, tc := range cases {
		if got := tc.rec.Offset(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: Offset() = %#v, want %#v", tc.name, got, tc.want)
		}
	}
}
