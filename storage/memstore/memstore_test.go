package memstore

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/ferrykafka/ferry/storage"
)

type listener struct {
	mu    sync.Mutex
	calls []string
}

func (l *listener) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, s)
}
func (l *listener) OnConnectorConfigUpdate(c string)        { l.add("config " + c) }
func (l *listener) OnConnectorConfigRemove(c string)        { l.add("remove " + c) }
func (l *listener) OnConnectorTargetStateChange(c string)   { l.add("target " + c) }
func (l *listener) OnSessionKeyUpdate(k storage.SessionKey) { l.add("session-key " + k.Algorithm) }
func (l *listener) OnTaskConfigUpdate(ids []storage.ConnectorTaskID) {
	l.add(fmt.Sprintf("tasks %v", ids))
}
func (l *listener) OnRestartRequest(r storage.RestartRequest) { l.add("restart " + r.Connector) }
func (l *listener) OnLoggingLevelUpdate(ns, level string)     { l.add("level " + ns + "=" + level) }

func TestConfigStore(t *testing.T) {
	ctx := context.Background()
	s := NewConfigStore()
	if err := s.PutTargetState(ctx, "a", storage.TargetPaused); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("before start: %v", err)
	}
	var l listener
	s.SetUpdateListener(&l)
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	paused := storage.TargetPaused
	props := map[string]string{"k": "v"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.PutConnectorConfig(ctx, "a", props, &paused))
	props["k"] = "changed by caller"
	must(s.PutTaskConfigs(ctx, "a", []map[string]string{{"t": "0"}, {"t": "1"}}))
	must(s.PutTargetState(ctx, "a", storage.TargetPaused)) // unchanged: no call
	must(s.PutTargetState(ctx, "a", storage.TargetStopped))
	must(s.PutSessionKey(ctx, storage.SessionKey{Key: []byte("k"), Algorithm: "HmacSHA256", CreationTime: 1}))
	must(s.PutRestartRequest(ctx, storage.RestartRequest{Connector: "a"}))
	must(s.PutLoggerLevel(ctx, "ns", "INFO"))
	must(s.PutTaskCountRecord(ctx, "a", 2))

	snap := s.Snapshot()
	if snap.ConnectorConfigs["a"]["k"] != "v" || snap.TargetState("a") != storage.TargetStopped || len(snap.Tasks("a")) != 2 {
		t.Fatalf("snapshot = %+v", snap)
	}
	if snap.Offset != 11 { // 1 target state + 1 config + 2 tasks + 1 commit + 6 more records
		t.Fatalf("offset = %d", snap.Offset)
	}
	want := []string{"config a", "tasks [a-0 a-1]", "target a", "session-key HmacSHA256", "restart a", "level ns=INFO"}
	if !reflect.DeepEqual(l.calls, want) {
		t.Fatalf("calls = %q", l.calls)
	}
	if s.TaskCountRecords()["a"] != 2 || len(s.PendingFencing()) != 0 || s.LoggerLevels()["ns"] != "INFO" {
		t.Fatal("fencing or logger state wrong")
	}

	// Inconsistent task configs, as compaction or a dying leader leave them.
	must(s.AppendTaskConfig(storage.ConnectorTaskID{Connector: "a", Task: 1}, map[string]string{"new": "1"}))
	must(s.AppendCommit("a", 2))
	snap = s.Snapshot()
	if !snap.Inconsistent["a"] || snap.Tasks("a") != nil || snap.TaskConfigs[storage.ConnectorTaskID{Connector: "a", Task: 1}]["t"] != "1" {
		t.Fatalf("inconsistent: %+v", snap)
	}
	if !reflect.DeepEqual(s.PendingFencing(), []string{"a"}) {
		t.Fatalf("pending fencing = %v", s.PendingFencing())
	}

	must(s.RemoveConnectorConfig(ctx, "a"))
	snap = s.Snapshot()
	if snap.Contains("a") || len(snap.TaskConfigs) != 0 || len(snap.TargetStates) != 0 {
		t.Fatalf("after removal: %+v", snap)
	}
	if last := l.calls[len(l.calls)-1]; last != "remove a" {
		t.Fatalf("last call %q", last)
	}
	// A commit for a removed connector is ignored.
	must(s.AppendCommit("a", 0))
	if snap := s.Snapshot(); len(snap.TaskCounts) != 0 {
		t.Fatalf("task counts = %v", snap.TaskCounts)
	}
	must(s.Stop(ctx))
	if err := s.Refresh(ctx); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("after stop: %v", err)
	}
}

func TestStatusStore(t *testing.T) {
	ctx := context.Background()
	s := NewStatusStore()
	s.Put(storage.ConnectorStatus("dropped", storage.StateRunning, "", "w", 1)) // not running: dropped
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	id := storage.ConnectorTaskID{Connector: "c", Task: 0}
	running := storage.TaskStatus(id, storage.StateRunning, "", "w1", 5)
	s.Put(storage.ConnectorStatus("c", storage.StateRunning, "", "w1", 5))
	s.Put(running)
	s.PutSafe(storage.TaskStatus(id, storage.StateFailed, "", "w2", 4)) // older generation, other worker
	s.Put(storage.TaskStatus(id, storage.StateUnassigned, "", "w2", 5)) // stale UNASSIGNED
	s.Put(storage.TaskStatus(storage.ConnectorTaskID{Connector: "c", Task: 1}, storage.StatePaused, "", "w1", 5))
	if got, _ := s.Task(id); got != running {
		t.Fatalf("task = %+v", got)
	}
	if got := s.Connectors(); !reflect.DeepEqual(got, []string{"c"}) {
		t.Fatalf("connectors = %v", got)
	}
	if got := s.Tasks("c"); len(got) != 2 || got[0].ID.Task != 0 || got[1].ID.Task != 1 {
		t.Fatalf("tasks = %+v", got)
	}
	s.PutSafe(storage.TaskStatus(id, storage.StateFailed, "trace", "w2", 6))
	if got, _ := s.Task(id); got.State != storage.StateFailed {
		t.Fatalf("newer generation not written: %+v", got)
	}
	s.Put(storage.ConnectorStatus("c", storage.StateDestroyed, "", "w1", 6))
	if _, ok := s.Connector("c"); ok || len(s.Tasks("c")) != 0 {
		t.Fatal("DESTROYED did not remove the connector and its tasks")
	}
	s.PutTopic(storage.TopicStatus{Topic: "t", Connector: "c"})
	if len(s.Topics("c")) != 1 {
		t.Fatal("topic status not kept")
	}
	s.DeleteTopic("c", "t")
	if len(s.Topics("c")) != 0 {
		t.Fatal("topic status not deleted")
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestOffsetStore(t *testing.T) {
	ctx := context.Background()
	s := NewOffsetStore()
	if _, err := s.Get(ctx, nil); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("before start: %v", err)
	}
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	k, _ := storage.OffsetKey("c", map[string]any{"p": 1})
	v := []byte(`{"offset":1}`)
	if err := s.Set(ctx, []storage.OffsetEntry{{Key: k, Value: v}, {Key: []byte("x"), Value: []byte("y")}}); err != nil {
		t.Fatal(err)
	}
	v[0] = 'X' // the store keeps its own copy
	got, err := s.Get(ctx, [][]byte{k, []byte("missing")})
	if err != nil || len(got) != 1 || string(got[string(k)]) != `{"offset":1}` {
		t.Fatalf("get = %q, %v", got, err)
	}
	if err := s.Set(ctx, []storage.OffsetEntry{{Key: k}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(ctx, [][]byte{k}); len(got) != 0 {
		t.Fatalf("not deleted: %q", got)
	}
}
