package herder

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/storage/memstore"
	"github.com/ferrykafka/ferry/test/testkit"
)

func TestStartStartsStoresAndReadsConfigs(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	got := x.events.all()
	want := []string{"start config store", "start offset store", "start status store"} // in any order
	if first := got[:min(3, len(got))]; !slices.Equal(slices.Sorted(slices.Values(first)), want) {
		t.Errorf("events %v; want them to begin with %v in any order", got, want)
	}
	// The stores are usable.
	if err := x.configs.Refresh(x.ctx()); err != nil {
		t.Errorf("config store not started: %v", err)
	}
	if _, err := x.offsets.Get(x.ctx(), nil); err != nil {
		t.Errorf("offset store not started: %v", err)
	}
}

func TestStopStopsTasksFlushesOffsetsThenStopsStores(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	const records = 5
	x.create("c", connectorConfig("c", keyRecords, fmt.Sprint(records)), 2)
	ids := []storage.ConnectorTaskID{{Connector: "c", Task: 0}, {Connector: "c", Task: 1}}
	testkit.Eventually(t, waitTimeout, func() error {
		for _, id := range ids {
			if n := x.plugin.ackedRecords(id); n != records {
				return fmt.Errorf("task %s: %d of %d records acknowledged by Kafka", id, n, records)
			}
		}
		return nil
	})
	// offset.flush.interval.ms is an hour: nothing is flushed yet.
	keys := make([][]byte, len(ids))
	for i, id := range ids {
		k, err := storage.OffsetKey("c", map[string]any{"task": int64(id.Task)})
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = k
	}
	if got, err := x.offsets.Get(x.ctx(), keys); err != nil || len(got) != 0 {
		t.Fatalf("offsets before stop = %v, %v; want none flushed yet", got, err)
	}

	x.stop()

	// Tasks and connector stopped, and only then the stores.
	events := x.events.all()
	stopped := []string{"stop task c-0", "stop task c-1", "stop connector c", "stop config store", "stop status store", "stop offset store"}
	for _, e := range stopped {
		if !slices.Contains(events, e) {
			t.Errorf("no %q in %v", e, events)
		}
	}
	for _, task := range []string{"stop task c-0", "stop task c-1"} {
		if x.events.index(task) > x.events.index("stop connector c") {
			t.Errorf("%s after the connector stopped: %v", task, events)
		}
	}
	for _, store := range []string{"stop config store", "stop status store", "stop offset store"} {
		if x.events.index(store) < x.events.index("stop connector c") {
			t.Errorf("%s before the connector stopped: %v", store, events)
		}
	}
	if err := x.configs.Refresh(context.Background()); !errors.Is(err, memstore.ErrNotRunning) {
		t.Errorf("config store still running after Stop (Refresh: %v)", err)
	}
	if _, err := x.offsets.Get(context.Background(), keys); !errors.Is(err, memstore.ErrNotRunning) {
		t.Errorf("offset store still running after Stop (Get: %v)", err)
	}

	// The final flush wrote each task's last acknowledged offset.
	if err := x.offsets.OffsetStore.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, err := x.offsets.Get(context.Background(), keys)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if v := string(got[string(k)]); v != fmt.Sprintf(`{"pos":%d}`, records-1) {
			t.Errorf("offset of %s = %q; want {\"pos\":%d}", k, v, records-1)
		}
	}

	// After Stop, requests are refused rather than left hanging.
	_, _, err = x.herder.PutConnectorConfig(x.ctx(), "d", connectorConfig("d"), false, nil)
	if !errors.Is(err, connect.ErrConflict) {
		t.Errorf("PutConnectorConfig after Stop = %v; want ErrConflict", err)
	}
	if err := x.herder.DeleteConnector(x.ctx(), "c"); !errors.Is(err, connect.ErrConflict) {
		t.Errorf("DeleteConnector after Stop = %v; want ErrConflict", err)
	}
}

// The stores start side by side; when one fails, the others (which did
// start) are stopped again.
func TestStartFailureStopsTheStoresAlreadyStarted(t *testing.T) {
	t.Parallel()
	boom := errors.New("topic is not compacted")
	starts := []string{"start config store", "start offset store", "start status store"}
	for _, tc := range []struct {
		failing string
		wantErr string
		events  []string // sorted
	}{
		{"offset", "start offset store: topic is not compacted", append(starts, "stop config store", "stop status store")},
		{"status", "start status store: topic is not compacted", append(starts, "stop config store", "stop offset store")},
		{"config", "start config store: topic is not compacted", append(starts, "stop offset store", "stop status store")},
	} {
		t.Run(tc.failing, func(t *testing.T) {
			t.Parallel()
			x := newHarness(t)
			switch tc.failing {
			case "offset":
				x.offsets.failStart = boom
			case "status":
				x.statuses.failStart = boom
			case "config":
				x.configs.failStart = boom
			}
			ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
			defer cancel()
			err := x.herder.Start(ctx)
			if !errors.Is(err, boom) || err.Error() != tc.wantErr {
				t.Fatalf("Start = %v; want %q wrapping the store's error", err, tc.wantErr)
			}
			if got := x.events.all(); !slices.Equal(slices.Sorted(slices.Values(got)), tc.events) {
				t.Errorf("events %v; want %v", got, tc.events)
			}
			select {
			case <-x.herder.Ready():
				t.Error("herder ready after a failed start")
			default:
			}
			if _, err := x.offsets.Get(ctx, nil); !errors.Is(err, memstore.ErrNotRunning) {
				t.Errorf("offset store left running: %v", err)
			}
		})
	}
}

func TestWaitForConnector(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	x.create("c", connectorConfig("c"), 2)
	if err := x.herder.WaitForConnector(x.ctx(), "c"); err != nil {
		t.Errorf("WaitForConnector on a running connector: %v", err)
	}

	stopped := storage.TargetStopped
	if _, err := x.put("s", connectorConfig("s"), false, &stopped); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := x.herder.WaitForConnector(ctx, "s"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitForConnector on a stopped connector = %v; want the context's deadline", err)
	}
}

// Stop may come while the loop is stopping tasks (here: of a connector
// being deleted). Those tasks must still finish, flushing their offsets,
// before Stop closes the stores.
func TestStopWhileTasksAreStoppingWaitsForThem(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	const records = 3
	x.create("c", connectorConfig("c", keyTasks, "1", keyRecords, fmt.Sprint(records)), 1)
	id := storage.ConnectorTaskID{Connector: "c", Task: 0}
	testkit.Eventually(t, waitTimeout, func() error {
		if n := x.plugin.ackedRecords(id); n != records {
			return fmt.Errorf("%d of %d records acknowledged", n, records)
		}
		return nil
	})
	held, release := x.plugin.holdPolls()
	defer release()
	select {
	case <-held:
	case <-time.After(waitTimeout):
		t.Fatal("task never polled again")
	}

	if err := x.herder.DeleteConnector(x.ctx(), "c"); err != nil {
		t.Fatal(err)
	}
	// The loop is now waiting for the task, which is stuck in Poll.
	testkit.Eventually(t, waitTimeout, func() error {
		if ids := x.workerTasks("c"); len(ids) != 0 {
			return fmt.Errorf("loop has not begun stopping %v", ids)
		}
		return nil
	})
	if len(x.plugin.runningTasks("c")) != 1 {
		t.Fatal("test setup: the task stopped without being released")
	}

	stopped := make(chan error, 1)
	x.started = false
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		stopped <- x.herder.Stop(ctx)
	}()
	consistently(t, 200*time.Millisecond, func() error {
		if i := x.events.index("stop offset store"); i >= 0 {
			return fmt.Errorf("stores stopped while task c-0 was still stopping: %v", x.events.all())
		}
		return nil
	})
	release()
	if err := <-stopped; err != nil {
		t.Fatalf("Stop: %v", err)
	}
	for _, e := range []string{"stop task c-0", "stop connector c"} {
		if i, j := x.events.index(e), x.events.index("stop config store"); i < 0 || j < i {
			t.Errorf("no %q before the stores stopped: %v", e, x.events.all())
		}
	}
	if err := x.offsets.OffsetStore.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	key, _ := storage.OffsetKey("c", map[string]any{"task": int64(0)})
	got, err := x.offsets.Get(context.Background(), [][]byte{key})
	if err != nil || string(got[string(key)]) != fmt.Sprintf(`{"pos":%d}`, records-1) {
		t.Errorf("offset after Stop = %q, %v; want {\"pos\":%d}", got[string(key)], err, records-1)
	}
}
