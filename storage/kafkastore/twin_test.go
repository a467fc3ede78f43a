package kafkastore_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/storage/kafkastore"
	"github.com/ferrykafka/ferry/storage/memstore"
	"github.com/ferrykafka/ferry/test/testkit"
)

// memstore runs this package's stores over an in-memory kafkastore.Log, so
// the record formats and the state built from them are shared. These tests
// pin the log: the same writes through kafkalog and through memstore's log
// end in the same snapshots (offsets included), listener calls, statuses
// and offsets.

// configWriter is what the config twin test drives on both stores.
type configWriter interface {
	storage.ConfigStore
	PutSessionKey(context.Context, storage.SessionKey) error
	PutRestartRequest(context.Context, storage.RestartRequest) error
	PutTaskCountRecord(context.Context, string, int) error
	PutLoggerLevel(context.Context, string, string) error
	TaskCountRecords() map[string]int
	PendingFencing() []string
}

func TestMemstoreConfigTwinMatchesKafkaStore(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	ks := kafkastore.NewTestConfigStore(t, cl, "configs")
	ms := memstore.NewConfigStore()
	var kl, ml kafkastore.Listener
	ks.SetUpdateListener(&kl)
	ms.SetUpdateListener(&ml)
	kafkastore.StartStore(t, ks)
	kafkastore.StartStore(t, ms)
	ctx := kafkastore.CtxFor(t, 60*time.Second)

	// Task configs without all of their commit's tasks, as a leader that
	// died half-way or compaction leave them: raw records on the topic,
	// AppendTaskConfig and AppendCommit in memory.
	id := storage.ConnectorTaskID{Connector: "a", Task: 1}
	props := map[string]string{"t": "partial"}
	raw := kafkastore.ReadRaw(t, cl, "configs")
	partial := map[configWriter]func() error{
		ks: func() error {
			tk, tv := kafkastore.TaskConfigRecord(id, props)
			ck, cv := kafkastore.CommitRecord("a", 2)
			raw.Write(t, [2]string{string(tk), string(tv)}, [2]string{string(ck), string(cv)})
			return ks.Refresh(ctx)
		},
		ms: func() error {
			if err := ms.AppendTaskConfig(id, props); err != nil {
				return err
			}
			return ms.AppendCommit("a", 2)
		},
	}

	for _, s := range []configWriter{ks, ms} {
		paused, stopped := storage.TargetPaused, storage.TargetStopped
		for i, write := range []func() error{
			func() error { return s.PutConnectorConfig(ctx, "a", map[string]string{"k": "v"}, &paused) },
			func() error { return s.PutConnectorConfig(ctx, "b", map[string]string{"x": "y"}, nil) },
			func() error { return s.PutTaskConfigs(ctx, "a", []map[string]string{{"t": "0"}, {"t": "1"}}) },
			func() error { return s.PutTaskConfigs(ctx, "a", []map[string]string{{"t": "only"}}) },
			func() error { return s.PutTaskConfigs(ctx, "b", nil) },
			func() error { return s.PutTargetState(ctx, "a", storage.TargetStarted) },
			func() error { return s.PutTargetState(ctx, "ghost", storage.TargetPaused) },
			func() error { return s.PutConnectorConfig(ctx, "a", map[string]string{"k": "v2"}, &stopped) },
			func() error {
				return s.PutSessionKey(ctx, storage.SessionKey{Key: []byte{9}, Algorithm: "HmacSHA256", CreationTime: 3})
			},
			func() error {
				return s.PutRestartRequest(ctx, storage.RestartRequest{Connector: "a", OnlyFailed: true, IncludeTasks: true})
			},
			func() error { return s.PutTaskCountRecord(ctx, "a", 1) },
			func() error { return s.PutLoggerLevel(ctx, "ns", "TRACE") },
			partial[s],
			func() error { return s.RemoveConnectorConfig(ctx, "b") },
			func() error { return s.Refresh(ctx) },
		} {
			if err := write(); err != nil {
				t.Fatalf("write %d: %v", i, err)
			}
		}
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		if k, m := kl.Calls(), ml.Calls(); !reflect.DeepEqual(k, m) {
			return fmt.Errorf("listener calls differ:\nkafka %q\nmem   %q", k, m)
		}
		return nil
	})
	k, m := ks.Snapshot(), ms.Snapshot()
	if !reflect.DeepEqual(k, m) {
		t.Fatalf("snapshots differ:\nkafka %+v\nmem   %+v", k, m)
	}
	if !k.Inconsistent["a"] || k.Offset != 21 {
		t.Fatalf("the sequence no longer reaches the states it is meant to: %+v", k)
	}
	if !reflect.DeepEqual(ks.TaskCountRecords(), ms.TaskCountRecords()) || !reflect.DeepEqual(ks.PendingFencing(), ms.PendingFencing()) {
		t.Fatalf("fencing state differs: %v %v / %v %v", ks.TaskCountRecords(), ks.PendingFencing(), ms.TaskCountRecords(), ms.PendingFencing())
	}
}

// statusView renders what a status store shows of connectors c and d.
func statusView(s interface {
	storage.StatusStore
	Topics(string) []storage.TopicStatus
}) string {
	v := fmt.Sprintf("connectors %v", s.Connectors())
	for _, c := range []string{"c", "d"} {
		st, ok := s.Connector(c)
		v += fmt.Sprintf("\n%s: %+v %v tasks %+v topics %+v", c, st, ok, s.Tasks(c), s.Topics(c))
	}
	return v
}

// After each write both status stores show the same (the Kafka one once it
// has read the write back, which is also when PutSafe can see it).
func TestMemstoreStatusTwinMatchesKafkaStore(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	ks := kafkastore.NewTestStatusStore(t, cl, "statuses")
	ms := memstore.NewStatusStore()
	kafkastore.StartStore(t, ks)
	kafkastore.StartStore(t, ms)
	t0 := storage.ConnectorTaskID{Connector: "c", Task: 0}
	t1 := storage.ConnectorTaskID{Connector: "c", Task: 1}
	d0 := storage.ConnectorTaskID{Connector: "d", Task: 0}
	type writer interface {
		Put(storage.Status)
		PutSafe(storage.Status)
		PutTopic(storage.TopicStatus)
		DeleteTopic(connector, topic string)
	}
	for i, write := range []func(writer){
		func(s writer) { s.Put(storage.ConnectorStatus("c", storage.StateRunning, "", "w1", 5)) },
		func(s writer) { s.Put(storage.TaskStatus(t0, storage.StateRunning, "", "w1", 5)) },
		func(s writer) { s.PutSafe(storage.TaskStatus(t0, storage.StateFailed, "", "w2", 4)) }, // older generation, other worker
		func(s writer) { s.Put(storage.TaskStatus(t0, storage.StateUnassigned, "", "w2", 5)) }, // stale UNASSIGNED
		func(s writer) { s.Put(storage.TaskStatus(t1, storage.StatePaused, "", "w1", 5)) },
		func(s writer) { s.PutSafe(storage.TaskStatus(t1, storage.StateFailed, "boom\n\tat x", "w2", 6)) },
		func(s writer) { s.Put(storage.ConnectorStatus("d", storage.StateFailed, "trace", "w2", 6)) },
		func(s writer) { s.Put(storage.TaskStatus(d0, storage.StateRunning, "", "w2", 6)) },
		func(s writer) {
			s.PutTopic(storage.TopicStatus{Topic: "t", Connector: "c", Task: 1, DiscoverTimestamp: 1700000000000})
		},
		func(s writer) { s.PutTopic(storage.TopicStatus{Topic: "u", Connector: "c"}) },
		func(s writer) { s.DeleteTopic("c", "t") },
		func(s writer) { s.Put(storage.TaskStatus(d0, storage.StateDestroyed, "", "w2", 7)) },
		func(s writer) { s.Put(storage.ConnectorStatus("c", storage.StateDestroyed, "", "w1", 7)) },
	} {
		write(ks)
		write(ms)
		if err := ks.Flush(kafkastore.CtxFor(t, 10*time.Second)); err != nil {
			t.Fatal(err)
		}
		testkit.Eventually(t, 10*time.Second, func() error {
			if k, m := statusView(ks), statusView(ms); k != m {
				return fmt.Errorf("after write %d the stores differ:\nkafka %s\nmem   %s", i, k, m)
			}
			return nil
		})
	}
}

func TestMemstoreOffsetTwinMatchesKafkaStore(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	ks, err := kafkastore.NewOffsetStore(kafkastore.OptionsFor(t, cl.Addrs(), "offsets"))
	if err != nil {
		t.Fatal(err)
	}
	ms := memstore.NewOffsetStore()
	kafkastore.StartStore(t, ks)
	kafkastore.StartStore(t, ms)
	ctx := kafkastore.CtxFor(t, 30*time.Second)
	k1, _ := storage.OffsetKey("src", map[string]any{"file": "a"})
	k2, _ := storage.OffsetKey("src", map[string]any{"file": "b"})
	k3, _ := storage.OffsetKey("src", nil)
	odd := []byte("not an offset key")
	keys := [][]byte{k1, k2, k3, odd}
	for _, s := range []interface {
		storage.OffsetStore
		ConnectorPartitions(string) []map[string]any
	}{ks, ms} {
		for _, entries := range [][]storage.OffsetEntry{
			{{Key: k1, Value: []byte(`{"pos":1}`)}, {Key: k2, Value: []byte(`{"pos":2}`)}, {Key: k3, Value: []byte(`{}`)}},
			{{Key: odd, Value: []byte(`{"pos":3}`)}, {Key: k1, Value: []byte(`{"pos":4}`)}},
			{{Key: k2}},
		} {
			if err := s.Set(ctx, entries); err != nil {
				t.Fatal(err)
			}
		}
	}
	kg, err := ks.Get(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	mg, err := ms.Get(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(kg, mg) || len(kg) != 3 {
		t.Fatalf("offsets differ:\nkafka %q\nmem   %q", kg, mg)
	}
	if k, m := ks.ConnectorPartitions("src"), ms.ConnectorPartitions("src"); !reflect.DeepEqual(k, m) || len(k) != 1 {
		t.Fatalf("connector partitions differ:\nkafka %v\nmem   %v", k, m)
	}
}
