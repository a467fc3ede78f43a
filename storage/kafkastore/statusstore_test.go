package kafkastore

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/test/testkit"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

func newStatusStore(t *testing.T, cl *testkit.Cluster, topic string) *StatusStore {
	t.Helper()
	o := options(t, cl.Addrs(), topic)
	o.Partitions = 3
	s, err := NewStatusStore(o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func flush(t *testing.T, s *StatusStore) {
	t.Helper()
	if err := s.Flush(ctxFor(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
}

func waitStatus(t *testing.T, get func() (storage.Status, bool), want storage.Status) {
	t.Helper()
	testkit.Eventually(t, 10*time.Second, func() error {
		if got, ok := get(); !ok || got != want {
			return fmt.Errorf("status = %+v (%v), want %+v", got, ok, want)
		}
		return nil
	})
}

func TestStatusStoreRoundTrip(t *testing.T) {
	cl := testkit.NewCluster(t, 3)
	s := newStatusStore(t, cl, "status")
	start(t, s)
	c := storage.ConnectorStatus("my-conn", storage.StateRunning, "", "host:8083", 7)
	t0 := storage.TaskStatus(storage.ConnectorTaskID{Connector: "my-conn", Task: 0}, storage.StateRunning, "", "host:8083", 7)
	t1 := storage.TaskStatus(storage.ConnectorTaskID{Connector: "my-conn", Task: 1}, storage.StateFailed, "boom\n\tat x", "other:8083", 7)
	s.Put(c)
	s.Put(t1)
	s.PutSafe(t0)
	flush(t, s)
	waitStatus(t, func() (storage.Status, bool) { return s.Connector("my-conn") }, c)
	waitStatus(t, func() (storage.Status, bool) { return s.Task(t1.ID) }, t1)
	waitStatus(t, func() (storage.Status, bool) { return s.Task(t0.ID) }, t0)
	if got := s.Tasks("my-conn"); !reflect.DeepEqual(got, []storage.Status{t0, t1}) {
		t.Fatalf("tasks = %+v", got)
	}
	if got := s.Connectors(); !reflect.DeepEqual(got, []string{"my-conn"}) {
		t.Fatalf("connectors = %v", got)
	}

	// The bytes on the topic are Java's.
	raw := readRaw(t, cl, "status")
	want := map[string]string{
		"status-connector-my-conn": `{"state":"RUNNING","trace":null,"worker_id":"host:8083","generation":7,"version":null}`,
		"status-task-my-conn-1":    `{"state":"FAILED","trace":"boom\n\tat x","worker_id":"other:8083","generation":7,"version":null}`,
		"status-task-my-conn-0":    `{"state":"RUNNING","trace":null,"worker_id":"host:8083","generation":7,"version":null}`,
	}
	got := map[string]string{}
	for _, m := range raw.records(t) {
		got[string(m.Key)] = string(m.Value)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("status topic = %v", got)
	}

	// A fresh store sees the same statuses once started.
	fresh := newStatusStore(t, cl, "status")
	start(t, fresh)
	if got := fresh.Tasks("my-conn"); !reflect.DeepEqual(got, []storage.Status{t0, t1}) {
		t.Fatalf("fresh tasks = %+v", got)
	}

	// DESTROYED is a tombstone; a connector tombstone drops its tasks too.
	s.Put(storage.ConnectorStatus("my-conn", storage.StateDestroyed, "", "host:8083", 8))
	flush(t, s)
	testkit.Eventually(t, 10*time.Second, func() error {
		if _, ok := fresh.Connector("my-conn"); ok || len(fresh.Tasks("my-conn")) != 0 || len(fresh.Connectors()) != 0 {
			return fmt.Errorf("still there: %v %v", fresh.Connectors(), fresh.Tasks("my-conn"))
		}
		return nil
	})
	recs := raw.records(t)
	if last := recs[len(recs)-1]; string(last.Key) != "status-connector-my-conn" || last.Value != nil {
		t.Fatalf("last record %s = %q, want a tombstone", last.Key, last.Value)
	}
}

func TestStatusStorePutSafeAndStaleUnassigned(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	s := newStatusStore(t, cl, "status")
	start(t, s)
	id := storage.ConnectorTaskID{Connector: "c", Task: 0}
	running := storage.TaskStatus(id, storage.StateRunning, "", "w1:8083", 5)
	s.Put(running)
	flush(t, s)
	waitStatus(t, func() (storage.Status, bool) { return s.Task(id) }, running)

	// Another worker with an older generation may not overwrite it.
	s.PutSafe(storage.TaskStatus(id, storage.StateFailed, "", "w2:8083", 4))
	// An UNASSIGNED of the same generation is written but ignored when read.
	s.Put(storage.TaskStatus(id, storage.StateUnassigned, "", "w2:8083", 5))
	flush(t, s)
	raw := readRaw(t, cl, "status").records(t)
	if len(raw) != 2 {
		t.Fatalf("records:\n%s", show(raw))
	}
	if got, _ := s.Task(id); got != running {
		t.Fatalf("status = %+v, want the RUNNING one", got)
	}
	// The same worker, or a newer generation, may write safely.
	newer := storage.TaskStatus(id, storage.StatePaused, "", "w2:8083", 6)
	s.PutSafe(newer)
	flush(t, s)
	waitStatus(t, func() (storage.Status, bool) { return s.Task(id) }, newer)
}

func TestStatusStoreRetriesTransientFailures(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	s := newStatusStore(t, cl, "status")
	start(t, s)
	// The producer does not retry (retries=0, as in Java); the store does.
	cl.Kfake().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: "status", Err: kerr.NotLeaderForPartition, Count: 3})
	want := storage.ConnectorStatus("c", storage.StateRunning, "", "w:1", 1)
	s.Put(want)
	flush(t, s)
	waitStatus(t, func() (storage.Status, bool) { return s.Connector("c") }, want)
}

func TestStatusStoreDropsSupersededRetries(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	s := newStatusStore(t, cl, "status")
	start(t, s)
	h := cl.Kfake().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: "status", Err: kerr.NotLeaderForPartition, Count: -1})
	older := storage.ConnectorStatus("c", storage.StateRunning, "", "w:1", 1)
	newer := storage.ConnectorStatus("c", storage.StatePaused, "", "w:1", 1)
	s.Put(older)
	if err := h.Wait(ctxFor(t, 10*time.Second), 1); err != nil { // its first attempt failed
		t.Fatal(err)
	}
	s.Put(newer)
	if err := h.Wait(ctxFor(t, 10*time.Second), 2); err != nil {
		t.Fatal(err)
	}
	h.Remove()
	flush(t, s)
	waitStatus(t, func() (storage.Status, bool) { return s.Connector("c") }, newer)
	for _, m := range readRaw(t, cl, "status").records(t) {
		if string(m.Value) == string(encodeStatus(older)) {
			t.Fatal("the superseded status was retried and written")
		}
	}
}

func TestStatusStoreSkipsCorruptRecords(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	s := newStatusStore(t, cl, "status")
	start(t, s)
	readRaw(t, cl, "status").write(t,
		[2]string{"status-connector-bad", `{"state":`},
		[2]string{"status-connector-bad2", `{"state":"NOPE","trace":null,"worker_id":"w","generation":1}`},
		[2]string{"status-task-bad", `{"state":"RUNNING","trace":null,"worker_id":"w","generation":1}`},
		[2]string{"status-connector-good", `{"state":"RUNNING","trace":null,"worker_id":"w:1","generation":3}`},
		[2]string{"status-task-good-0", `{"state":"FAILED","trace":"t","worker_id":"w:1","generation":3}`},
		[2]string{"status-topic-orders:connector-good", `{"topic":{"name":"orders","connector":"good","task":0,"discoverTimestamp":1700000000000}}`},
		[2]string{"status-topic-broken:connector-good", `{"topic":"x"}`},
		[2]string{"what-is-this", `{}`},
	)
	fresh := newStatusStore(t, cl, "status")
	start(t, fresh)
	if got := fresh.Connectors(); !reflect.DeepEqual(got, []string{"good"}) {
		t.Fatalf("connectors = %v", got)
	}
	if got := fresh.Tasks("good"); len(got) != 1 || got[0].Trace != "t" {
		t.Fatalf("tasks = %+v", got)
	}
	if got := fresh.Topics("good"); !reflect.DeepEqual(got, []storage.TopicStatus{{Topic: "orders", Connector: "good", Task: 0, DiscoverTimestamp: 1700000000000}}) {
		t.Fatalf("topics = %+v", got)
	}
}

func TestStatusStoreTopicStatuses(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	s := newStatusStore(t, cl, "status")
	start(t, s)
	ts := storage.TopicStatus{Topic: "orders", Connector: "c", Task: 1, DiscoverTimestamp: 1700000000000}
	s.PutTopic(ts)
	flush(t, s)
	testkit.Eventually(t, 10*time.Second, func() error {
		if got := s.Topics("c"); !reflect.DeepEqual(got, []storage.TopicStatus{ts}) {
			return fmt.Errorf("topics = %+v", got)
		}
		return nil
	})
	s.DeleteTopic("c", "orders")
	flush(t, s)
	testkit.Eventually(t, 10*time.Second, func() error {
		if got := s.Topics("c"); len(got) != 0 {
			return fmt.Errorf("topics = %+v", got)
		}
		return nil
	})
	recs := readRaw(t, cl, "status").records(t)
	if len(recs) != 2 || string(recs[0].Key) != "status-topic-orders:connector-c" ||
		string(recs[0].Value) != `{"topic":{"name":"orders","connector":"c","task":1,"discoverTimestamp":1700000000000}}` || recs[1].Value != nil {
		t.Fatalf("records:\n%s", show(recs))
	}
}

// A worker's first status may go to a status topic whose partitions the
// broker has not set up yet; a rebalance before the retry succeeds must not
// drop it (Java's KafkaStatusBackingStore does, and the connector then has
// no status until it restarts).
func TestStatusStoreRetriesAcrossGenerations(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	s := newStatusStore(t, cl, "status")
	start(t, s)
	h := cl.Kfake().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: "status", Err: kerr.NotLeaderForPartition, Count: -1})
	conn := storage.ConnectorStatus("c", storage.StateRunning, "", "w:1", 2)
	s.Put(conn)
	if err := h.Wait(ctxFor(t, 10*time.Second), 1); err != nil {
		t.Fatal(err)
	}
	task := storage.TaskStatus(storage.ConnectorTaskID{Connector: "c", Task: 0}, storage.StateRunning, "", "w:1", 3)
	s.Put(task) // the next generation's first write
	if err := h.Wait(ctxFor(t, 10*time.Second), 3); err != nil {
		t.Fatal(err)
	}
	h.Remove()
	flush(t, s)
	waitStatus(t, func() (storage.Status, bool) { return s.Connector("c") }, conn)
	waitStatus(t, func() (storage.Status, bool) { return s.Task(task.ID) }, task)
}

// A retried write stops once another worker's status of a newer
// generation for the key is read back: the connector moved.
func TestStatusStoreDropsRetriesAfterAnotherWorkerWrote(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	s := newStatusStore(t, cl, "status")
	start(t, s)
	mine := storage.ConnectorStatus("c", storage.StateRunning, "", "w:1", 2)
	// Fail only this worker's writes (uncompressed batches carry the JSON).
	h := cl.Kfake().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: "status", Err: kerr.NotLeaderForPartition, Count: -1,
		When: func(r kmsg.Request) bool {
			for _, tp := range r.(*kmsg.ProduceRequest).Topics {
				for _, p := range tp.Partitions {
					if bytes.Contains(p.Records, []byte(`"worker_id":"w:1"`)) {
						return true
					}
				}
			}
			return false
		}})
	s.Put(mine)
	if err := h.Wait(ctxFor(t, 10*time.Second), 1); err != nil {
		t.Fatal(err)
	}
	theirs := storage.ConnectorStatus("c", storage.StateRunning, "", "w:2", 3)
	raw := readRaw(t, cl, "status")
	raw.write(t, [2]string{"status-connector-c", string(encodeStatus(theirs))})
	waitStatus(t, func() (storage.Status, bool) { return s.Connector("c") }, theirs)
	h.Remove()
	flush(t, s)
	for _, m := range raw.records(t) {
		if string(m.Value) == string(encodeStatus(mine)) {
			t.Fatal("the moved connector's old status was retried and written")
		}
	}
}
