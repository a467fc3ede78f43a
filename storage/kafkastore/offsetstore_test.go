package kafkastore

import (
	"reflect"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/test/testkit"
)

func TestOffsetStoreRoundTrip(t *testing.T) {
	cl := testkit.NewCluster(t, 3)
	o := options(t, cl.Addrs(), "offsets")
	s, err := NewOffsetStore(o) // Java's default of 25 partitions
	if err != nil {
		t.Fatal(err)
	}
	start(t, s)
	ctx := ctxFor(t, 20*time.Second)
	k1, _ := storage.OffsetKey("MirrorSourceConnector", map[string]any{"cluster": "A", "partition": 0, "topic": "t"})
	k2, _ := storage.OffsetKey("MirrorSourceConnector", map[string]any{"cluster": "A", "partition": 1, "topic": "t"})
	k3, _ := storage.OffsetKey("other", map[string]any{"file": "f"})
	v1, _ := storage.OffsetValue(map[string]any{"offset": int64(1234)})
	if string(k1) != `["MirrorSourceConnector",{"cluster":"A","partition":0,"topic":"t"}]` || string(v1) != `{"offset":1234}` {
		t.Fatalf("encoding: %s %s", k1, v1)
	}
	if err := s.Set(ctx, []storage.OffsetEntry{{Key: k1, Value: v1}, {Key: k2, Value: []byte(`{"offset":5}`)}, {Key: k3, Value: []byte(`{"position":9}`)}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, [][]byte{k1, k2, []byte(`["missing",{}]`)})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{string(k1): v1, string(k2): []byte(`{"offset":5}`)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("get = %q", got)
	}
	if err := s.Set(ctx, []storage.OffsetEntry{{Key: k2, Value: nil}}); err != nil { // delete
		t.Fatal(err)
	}
	parts := s.ConnectorPartitions("MirrorSourceConnector")
	if err := s.Set(ctx, nil); err != nil {
		t.Fatal(err)
	}

	// A fresh store, and murmur2 placement on the topic.
	fresh, err := NewOffsetStore(o)
	if err != nil {
		t.Fatal(err)
	}
	start(t, fresh)
	got, err = fresh.Get(ctx, [][]byte{k1, k2, k3})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || string(got[string(k1)]) != `{"offset":1234}` || got[string(k2)] != nil {
		t.Fatalf("fresh get = %q", got)
	}
	if p := fresh.ConnectorPartitions("MirrorSourceConnector"); !reflect.DeepEqual(p, []map[string]any{{"cluster": "A", "partition": int64(0), "topic": "t"}}) {
		t.Fatalf("partitions = %v (before delete, the writer saw %v)", p, parts)
	}
	for _, m := range readRaw(t, cl, "offsets").records(t) {
		if want := kafkaclient.KeyPartition(m.Key, 25); m.Partition != want {
			t.Errorf("key %s in partition %d, Java would use %d", m.Key, m.Partition, want)
		}
	}
}
