package runtime

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/storage/memstore"
)

func startedOffsetStore(t *testing.T) *memstore.OffsetStore {
	t.Helper()
	s := memstore.NewOffsetStore()
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// The reader finds offsets by the exact key bytes Java writes.
func TestOffsetReaderReadsJavaKeys(t *testing.T) {
	store := startedOffsetStore(t)
	ctx := context.Background()
	err := store.Set(ctx, []storage.OffsetEntry{
		{Key: []byte(`["src",{"cluster":"A","partition":0,"topic":"t"}]`), Value: []byte(`{"offset":41}`)},
		{Key: []byte(`["src",null]`), Value: []byte(`{"n":1.5}`)},
		{Key: []byte(`["other",{"cluster":"A","partition":0,"topic":"t"}]`), Value: []byte(`{"offset":7}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := offsetReader{connector: "src", store: store}
	got, err := r.Offsets(ctx, []map[string]any{
		{"topic": "t", "partition": 0, "cluster": "A"},
		{"topic": "t", "partition": 1, "cluster": "A"},
		nil,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{{"offset": int64(41)}, nil, {"n": 1.5}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("offsets = %v, want %v", got, want)
	}
	one, err := r.Offset(ctx, map[string]any{"cluster": "A", "partition": 0, "topic": "t"})
	if err != nil || one["offset"] != int64(41) {
		t.Errorf("Offset = %v, %v", one, err)
	}
	none, err := r.Offset(ctx, map[string]any{"cluster": "B"})
	if err != nil || none != nil {
		t.Errorf("Offset of an unknown partition = %v, %v; want nil, nil", none, err)
	}
}

func TestOffsetReaderErrors(t *testing.T) {
	ctx := context.Background()
	store := startedOffsetStore(t)
	if err := store.Set(ctx, []storage.OffsetEntry{{Key: []byte(`["src",{"p":1}]`), Value: []byte(`[1,2]`)}}); err != nil {
		t.Fatal(err)
	}
	r := offsetReader{connector: "src", store: store}
	if _, err := r.Offset(ctx, map[string]any{"p": 1}); err == nil || !strings.Contains(err.Error(), "unreadable") {
		t.Errorf("a corrupt stored offset gave %v; want an error, not a silent restart", err)
	}
	if _, err := r.Offset(ctx, map[string]any{"p": []int{1}}); err == nil || !strings.Contains(err.Error(), "Offsets may only contain primitive types") {
		t.Errorf("a non-primitive partition gave %v", err)
	}
	stopped := memstore.NewOffsetStore()
	_, err := offsetReader{connector: "src", store: stopped}.Offset(ctx, map[string]any{"p": 1})
	if !errors.Is(err, memstore.ErrNotRunning) || !strings.Contains(err.Error(), "read offsets of connector src") {
		t.Errorf("store failure = %v; want it wrapped with the connector name", err)
	}
}

func TestEncodeOffsets(t *testing.T) {
	entries, err := encodeOffsets([]committableOffset{
		{key: `["c",{"p":1}]`, offset: map[string]any{"seq": int64(5)}},
		{key: `["c",null]`, offset: nil},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("entries = %v", entries)
	}
	if string(entries[0].Key) != `["c",{"p":1}]` || string(entries[0].Value) != `{"seq":5}` {
		t.Errorf("entry 0 = %s -> %s", entries[0].Key, entries[0].Value)
	}
	if string(entries[1].Key) != `["c",null]` || entries[1].Value != nil {
		t.Errorf("entry 1 = %s -> %q; a nil offset is a tombstone", entries[1].Key, entries[1].Value)
	}
	if _, err := encodeOffsets([]committableOffset{{key: "k", offset: map[string]any{"x": map[string]any{}}}}); err == nil {
		t.Error("a non-primitive offset was encoded")
	}
}
