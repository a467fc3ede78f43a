package mirror

import (
	"strings"
	"testing"

	"github.com/ferrykafka/ferry/connect"
)

func TestSourceAlterOffsets(t *testing.T) {
	c := NewMirrorSourceConnector()
	good := map[string]any{"cluster": "A", "topic": "orders", "partition": 3}
	cases := []struct {
		partition, offset map[string]any
		want              string
	}{
		{good, map[string]any{"offset": int64(42)}, ""},
		{good, nil, ""},
		{nil, nil, ""}, // resets always allowed
		{nil, map[string]any{"offset": 1}, "Source partitions may not be null"},
		{map[string]any{"topic": "t", "partition": 0}, map[string]any{"offset": 1}, "is missing the 'cluster' key"},
		{map[string]any{"cluster": "A", "topic": 7, "partition": 0}, map[string]any{"offset": 1}, "for the 'topic' key, which must be a string"},
		{map[string]any{"cluster": "A", "topic": "t"}, map[string]any{"offset": 1}, "is missing the 'partition' key"},
		{good, map[string]any{"offset": "1"}, "which must be an integer"},
	}
	for _, tc := range cases {
		ok, err := c.AlterOffsets(nil, []connect.PartitionOffset{{Partition: tc.partition, Offset: tc.offset}})
		switch {
		case tc.want == "" && (err != nil || !ok):
			t.Errorf("%v -> %v: %v, %v; want accepted", tc.partition, tc.offset, ok, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v -> %v: %v; want an error containing %q", tc.partition, tc.offset, err, tc.want)
		}
	}
}
