package storage

import (
	"errors"
	"reflect"
	"testing"

	"github.com/ferrykafka/ferry/connect/javajson"
)

// Golden bytes: what Java's OffsetStorageWriter writes for the maps each
// connector builds (HashMap insertion orders taken from MirrorUtils.wrapPartition,
// Checkpoint.connectPartition, Heartbeat.connectPartition and
// SinkUtils.consumerGroupOffsetsToConnectorOffsets).
func TestOffsetKeyGolden(t *testing.T) {
	cases := []struct {
		name      string
		connector string
		partition map[string]any
		want      string
	}{
		{"mirror source", "MirrorSourceConnector",
			map[string]any{"topic": "t", "partition": int32(0), "cluster": "A"},
			`["MirrorSourceConnector",{"cluster":"A","partition":0,"topic":"t"}]`},
		{"mirror checkpoint", "MirrorCheckpointConnector",
			map[string]any{"group": "g", "topic": "A.t", "partition": int32(3)},
			`["MirrorCheckpointConnector",{"partition":3,"topic":"A.t","group":"g"}]`},
		{"mirror heartbeat", "MirrorHeartbeatConnector",
			map[string]any{"sourceClusterAlias": "A", "targetClusterAlias": "B"},
			`["MirrorHeartbeatConnector",{"sourceClusterAlias":"A","targetClusterAlias":"B"}]`},
		{"sink", "my-sink",
			map[string]any{"kafka_topic": "t", "kafka_partition": int32(2)},
			`["my-sink",{"kafka_partition":2,"kafka_topic":"t"}]`},
		{"null partition", "c", nil, `["c",null]`},
		{"escaping (order from OpenJDK HashMap)", "c\"1", map[string]any{"file": "/tmp/a\tb", "n": nil, "x": 1.5, "ok": true},
			`["c\"1",{"file":"/tmp/a\tb","x":1.5,"ok":true,"n":null}]`},
	}
	for _, c := range cases {
		got, err := OffsetKey(c.connector, c.partition)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if string(got) != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
		conn, part, err := ParseOffsetKey(got)
		if err != nil || conn != c.connector || len(part) != len(c.partition) {
			t.Errorf("%s: parse back = %q %v %v", c.name, conn, part, err)
		}
	}
}

func TestOffsetKeyOrderMatchesJavaHashMap(t *testing.T) {
	// The field orders the spec lists, from OpenJDK's HashMap.
	for in, want := range map[[3]string][]string{
		{"topic", "partition", "cluster"}: {"cluster", "partition", "topic"},
		{"group", "topic", "partition"}:   {"partition", "topic", "group"},
	} {
		if got := javajson.JavaHashMapOrder(in[:]); !reflect.DeepEqual(got, want) {
			t.Errorf("%v: got %v, want %v", in, got, want)
		}
	}
}

func TestOffsetValueGolden(t *testing.T) {
	cases := []struct {
		in   map[string]any
		want string
	}{
		{map[string]any{"offset": int64(1234)}, `{"offset":1234}`},
		{map[string]any{"offset": 0}, `{"offset":0}`},
		{map[string]any{"position": int64(10), "filename": "f.txt"}, `{"filename":"f.txt","position":10}`},
		{map[string]any{}, `{}`},
	}
	for _, c := range cases {
		got, err := OffsetValue(c.in)
		if err != nil || string(got) != c.want {
			t.Errorf("OffsetValue(%v) = %s, %v; want %s", c.in, got, err, c.want)
		}
	}
	if got, err := OffsetValue(nil); got != nil || err != nil {
		t.Errorf("OffsetValue(nil) = %v, %v; want a tombstone", got, err)
	}
}

func TestParseJavaWrittenOffsets(t *testing.T) {
	conn, part, err := ParseOffsetKey([]byte(`["MirrorSourceConnector",{"cluster":"A","partition":0,"topic":"t"}]`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"cluster": "A", "partition": int64(0), "topic": "t"}
	if conn != "MirrorSourceConnector" || !reflect.DeepEqual(part, want) {
		t.Fatalf("got %q %#v", conn, part)
	}
	off, err := ParseOffsetValue([]byte(`{"offset":1234}`))
	if err != nil || !reflect.DeepEqual(off, map[string]any{"offset": int64(1234)}) {
		t.Fatalf("value = %#v, %v", off, err)
	}
	if off, err := ParseOffsetValue(nil); off != nil || err != nil {
		t.Fatalf("tombstone = %#v, %v", off, err)
	}
	if _, part, err := ParseOffsetKey([]byte(`["c",null]`)); err != nil || part != nil {
		t.Fatalf("null partition = %#v, %v", part, err)
	}
}

func TestParseOffsetKeyRejectsWrongShapes(t *testing.T) {
	for _, in := range []string{`{"a":1}`, `["c"]`, `["c",{},1]`, `[1,{}]`, `["c",[1]]`, `not json`, `"c"`} {
		if _, _, err := ParseOffsetKey([]byte(in)); err == nil {
			t.Errorf("ParseOffsetKey(%s): no error", in)
		}
	}
	if _, _, err := ParseOffsetKey(nil); err == nil {
		t.Error("ParseOffsetKey(nil): no error")
	}
	for _, in := range []string{`[1]`, `"x"`, `{`, `1`} {
		if _, err := ParseOffsetValue([]byte(in)); err == nil {
			t.Errorf("ParseOffsetValue(%s): no error", in)
		}
	}
}

func TestOffsetsRejectNonPrimitives(t *testing.T) {
	cases := map[string]any{
		"ARRAY":    []any{1},
		"MAP":      map[string]any{"a": 1},
		"STRUCT":   javajson.Object{{Name: "a", Value: 1}},
		"chan int": make(chan int),
	}
	for what, v := range cases {
		_, err := OffsetValue(map[string]any{"f": v})
		var fe *OffsetFormatError
		want := "Offsets may only contain primitive types as values, but field f contains " + what
		if !errors.As(err, &fe) || err.Error() != want {
			t.Errorf("%s: err = %v, want %q", what, err, want)
		}
		if _, err := OffsetKey("c", map[string]any{"f": v}); err == nil {
			t.Errorf("%s: OffsetKey accepted it", what)
		}
	}
	if _, err := OffsetValue(map[string]any{"b": []byte("x"), "n": nil}); err != nil {
		t.Errorf("bytes and null are primitive: %v", err)
	}
}

func FuzzParseOffsetKey(f *testing.F) {
	f.Add([]byte(`["MirrorSourceConnector",{"cluster":"A","partition":0,"topic":"t"}]`))
	f.Add([]byte(`["c",null]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		conn, part, err := ParseOffsetKey(data)
		if err != nil {
			return
		}
		if _, err := OffsetKey(conn, part); err != nil {
			var fe *OffsetFormatError
			if !errors.As(err, &fe) {
				t.Fatalf("re-encode: %v", err)
			}
		}
	})
}
