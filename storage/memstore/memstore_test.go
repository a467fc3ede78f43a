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

// The stores' record semantics are kafkastore's, and its twin test shows
// that these stores end where the Kafka ones do. These tests pin what the
// in-memory log adds: writes refused before Start and after Stop, state
// kept across a restart, a write that has taken effect and made its
// listener calls when it returns, and listener calls made outside every
// lock.

// reentrant hears config store calls and, as a herder may, writes to the
// store from one of them. Calls are made on the writer's goroutine, so the
// single-goroutine test needs no lock.
type reentrant struct {
	s     *ConfigStore
	calls []string
}

func (l *reentrant) OnConnectorConfigUpdate(c string) {
	l.calls = append(l.calls, "config "+c)
	if err := l.s.PutTargetState(context.Background(), c, storage.TargetPaused); err != nil {
		l.calls = append(l.calls, err.Error())
	}
}
func (l *reentrant) OnConnectorTargetStateChange(c string) { l.calls = append(l.calls, "target "+c) }
func (l *reentrant) OnTaskConfigUpdate(ids []storage.ConnectorTaskID) {
	l.calls = append(l.calls, fmt.Sprint("tasks ", ids))
}
func (*reentrant) OnConnectorConfigRemove(string)        {}
func (*reentrant) OnSessionKeyUpdate(storage.SessionKey) {}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestConfigStore(t *testing.T) {
	ctx := context.Background()
	s := NewConfigStore()
	l := &reentrant{s: s}
	s.SetUpdateListener(l)
	if err := s.PutTargetState(ctx, "a", storage.TargetPaused); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("before start: %v", err)
	}
	if err := s.AppendCommit("a", 0); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("before start: %v", err)
	}
	must(t, s.Start(ctx))

	// The listener's own write, and its call, happen within the outer one.
	props := map[string]string{"k": "v"}
	must(t, s.PutConnectorConfig(ctx, "a", props, nil))
	props["k"] = "changed by caller"
	if want := []string{"config a", "target a"}; !reflect.DeepEqual(l.calls, want) {
		t.Fatalf("calls = %q, want %q", l.calls, want)
	}
	snap := s.Snapshot()
	if snap.ConnectorConfigs["a"]["k"] != "v" || snap.TargetState("a") != storage.TargetPaused || snap.Offset != 2 {
		t.Fatalf("snapshot = %+v", snap)
	}

	// Task configs one record at a time: complete, then as a leader that
	// died half-way leaves them.
	t0 := storage.ConnectorTaskID{Connector: "a", Task: 0}
	t1 := storage.ConnectorTaskID{Connector: "a", Task: 1}
	must(t, s.AppendTaskConfig(t0, map[string]string{"t": "0"}))
	must(t, s.AppendTaskConfig(t1, map[string]string{"t": "1"}))
	must(t, s.AppendCommit("a", 2))
	must(t, s.AppendTaskConfig(t1, map[string]string{"t": "new"}))
	must(t, s.AppendCommit("a", 2))
	snap = s.Snapshot()
	if !snap.Inconsistent["a"] || snap.Tasks("a") != nil || snap.TaskConfigs[t1]["t"] != "1" {
		t.Fatalf("inconsistent: %+v", snap)
	}
	if want := []string{"config a", "target a", "tasks [a-0 a-1]", "tasks []"}; !reflect.DeepEqual(l.calls, want) {
		t.Fatalf("calls = %q, want %q", l.calls, want)
	}
	if !reflect.DeepEqual(s.PendingFencing(), []string{"a"}) {
		t.Fatalf("pending fencing = %v", s.PendingFencing())
	}
	must(t, s.PutLoggerLevel(ctx, "ns", "INFO"))
	if s.LoggerLevels()["ns"] != "INFO" {
		t.Fatalf("logger levels = %v", s.LoggerLevels())
	}

	must(t, s.Stop(ctx))
	if err := s.Refresh(ctx); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("refresh after stop: %v", err)
	}
	if err := s.PutTaskConfigs(ctx, "a", nil); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("write after stop: %v", err)
	}
	if err := s.PutLoggerLevel(ctx, "ns", "DEBUG"); !errors.Is(err, ErrNotRunning) || s.LoggerLevels()["ns"] != "INFO" {
		t.Fatalf("logger level after stop: %v, %v", err, s.LoggerLevels())
	}
	must(t, s.Start(ctx))
	must(t, s.RemoveConnectorConfig(ctx, "a"))
	if snap := s.Snapshot(); snap.Contains("a") || snap.Offset != 10 {
		t.Fatalf("after restart and removal: %+v", snap)
	}
}

// Records from concurrent writers are read one at a time, in order.
func TestConfigStoreConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	s := NewConfigStore()
	must(t, s.Start(ctx))
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			c := fmt.Sprintf("c%d", w)
			if err := s.PutConnectorConfig(ctx, c, nil, nil); err != nil {
				t.Error(err)
			}
			for i := range 50 {
				if err := s.PutTaskConfigs(ctx, c, []map[string]string{{"i": fmt.Sprint(i)}}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if snap := s.Snapshot(); snap.Offset != 8*(1+50*2) || len(snap.TaskCounts) != 8 {
		t.Fatalf("offset %d, task counts %v", snap.Offset, snap.TaskCounts)
	}
}

func TestStatusStore(t *testing.T) {
	ctx := context.Background()
	s := NewStatusStore()
	c := storage.ConnectorStatus("c", storage.StateRunning, "", "w", 1)
	s.Put(c) // not running: dropped
	if _, ok := s.Connector("c"); ok {
		t.Fatal("a status written before Start was kept")
	}
	must(t, s.Start(ctx))
	s.Put(c)
	if got, ok := s.Connector("c"); !ok || got != c {
		t.Fatalf("connector = %+v, %v", got, ok)
	}
	must(t, s.Flush(ctx))
	must(t, s.Stop(ctx))
	s.Put(storage.ConnectorStatus("c", storage.StateFailed, "", "w", 1)) // dropped
	must(t, s.Start(ctx))
	if got, _ := s.Connector("c"); got != c {
		t.Fatalf("after restart: %+v", got)
	}
	paused := storage.ConnectorStatus("c", storage.StatePaused, "", "w", 2)
	s.Put(paused)
	if got, _ := s.Connector("c"); got != paused {
		t.Fatalf("after restart: %+v", got)
	}
	must(t, s.Stop(ctx))
}

func TestOffsetStore(t *testing.T) {
	ctx := context.Background()
	s := NewOffsetStore()
	if _, err := s.Get(ctx, nil); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("before start: %v", err)
	}
	must(t, s.Start(ctx))
	k := []byte(`["c",{"p":1}]`)
	v := []byte(`{"offset":1}`)
	must(t, s.Set(ctx, []storage.OffsetEntry{{Key: k, Value: v}}))
	v[0] = 'X' // the store keeps its own copy
	must(t, s.Stop(ctx))
	if err := s.Set(ctx, []storage.OffsetEntry{{Key: k}}); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("after stop: %v", err)
	}
	must(t, s.Start(ctx))
	got, err := s.Get(ctx, [][]byte{k, []byte("missing")})
	if err != nil || len(got) != 1 || string(got[string(k)]) != `{"offset":1}` {
		t.Fatalf("get after restart = %q, %v", got, err)
	}
	must(t, s.Set(ctx, []storage.OffsetEntry{{Key: k}}))
	if got, _ := s.Get(ctx, [][]byte{k}); len(got) != 0 {
		t.Fatalf("not deleted: %q", got)
	}
}
