package runtime

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/test/testkit"
)

// The herder's path: start the connector, ask it for task configs, start
// the tasks with them, stop the whole worker.
func TestWorkerRunsAConnectorAndItsTasks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.w.SetGeneration(7)
	conn := connProps("c", KeyTasksMax, "2", pRecords, "3")
	if err := e.w.StartConnector("c", conn, storage.TargetStarted, e.events); err != nil {
		t.Fatal(err)
	}
	e.statuses.waitState(t, connID("c"), storage.StateRunning)
	configs, err := e.w.ConnectorTaskConfigs(context.Background(), "c")
	if err != nil {
		t.Fatal(err)
	}
	// Start in reverse order: Tasks() sorts.
	for i := len(configs) - 1; i >= 0; i-- {
		if err := e.w.StartTask(taskID("c", i), conn, configs[i], storage.TargetStarted); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.w.Tasks(); !slices.Equal(got, []storage.ConnectorTaskID{taskID("c", 0), taskID("c", 1)}) {
		t.Errorf("tasks = %v", got)
	}
	tc, ok := e.w.TaskConfig(taskID("c", 1))
	if !ok || !maps.Equal(tc, configs[1]) {
		t.Errorf("TaskConfig = %v, %v; want the config it was started with", tc, ok)
	}
	if _, ok := e.w.TaskConfig(taskID("c", 5)); ok {
		t.Error("TaskConfig of a task that does not run")
	}
	if err := e.w.StartTask(taskID("c", 0), conn, configs[0], storage.TargetStarted); err == nil || !strings.Contains(err.Error(), "already running") {
		t.Errorf("second start of a task: %v", err)
	}
	if err := e.w.StartConnector("c", conn, storage.TargetStarted, e.events); err == nil || !strings.Contains(err.Error(), "already running") {
		t.Errorf("second start of a connector: %v", err)
	}
	waitRecords(t, e.cluster.Addrs(), outTopic, 6)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	e.w.Stop(ctx)
	if len(e.w.Tasks()) != 0 || len(e.w.Connectors()) != 0 {
		t.Errorf("after Stop: tasks %v, connectors %v", e.w.Tasks(), e.w.Connectors())
	}
	for _, id := range []storage.ConnectorTaskID{connID("c"), taskID("c", 0), taskID("c", 1)} {
		st, _ := e.statuses.last(id)
		if st.State != storage.StateUnassigned || st.Generation != 7 {
			t.Errorf("%s after Stop: %+v, want UNASSIGNED at generation 7", id, st)
		}
		if id.Task >= 0 {
			if off := e.storedOffset("c", map[string]any{"task": id.Task}); off["seq"] != int64(2) {
				t.Errorf("%s offset after Stop = %v, want seq 2", id, off)
			}
		}
	}
	// Tasks stop first, so they flush while their connector still exists.
	var order []storage.ConnectorTaskID
	for _, w := range e.statuses.writes {
		if w.status.State == storage.StateUnassigned {
			order = append(order, w.status.ID)
		}
	}
	if len(order) != 3 || order[2] != connID("c") {
		t.Errorf("UNASSIGNED written in order %v; the connector should be last", order)
	}
}

func TestStartConnectorRejectsBadConfig(t *testing.T) {
	t.Parallel()
	e := newConnectorEnv(t)
	err := e.w.StartConnector("c", connProps("c", KeyTasksMax, "0"), storage.TargetStarted, e.events)
	want := "Invalid value 0 for configuration tasks.max: Value must be at least 1"
	if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, connect.ErrBadRequest) {
		t.Errorf("error = %v, want a bad request containing %q", err, want)
	}
	if st, ok := e.statuses.last(connID("c")); !ok || st.State != storage.StateFailed || st.Trace != want {
		t.Errorf("status = %+v, want FAILED with %q", st, want)
	}

	err = e.w.StartConnector("d", connProps("d", KeyConnectorClass, "NoSuchConnector"), storage.TargetStarted, e.events)
	if !errors.Is(err, connect.ErrNotFound) || !strings.Contains(err.Error(), "NoSuchConnector") {
		t.Errorf("unknown class: %v", err)
	}
	if st, ok := e.statuses.last(connID("d")); !ok || st.State != storage.StateFailed || !strings.Contains(st.Trace, "Failed to find any class that implements Connector") {
		t.Errorf("status = %+v", st)
	}
	if len(e.w.Connectors()) != 0 {
		t.Errorf("connectors = %v", e.w.Connectors())
	}
	// The test connector resolves by its aliases too.
	if err := e.w.StartConnector("e", connProps("e", KeyConnectorClass, "SequenceSource"), storage.TargetStarted, e.events); err != nil {
		t.Errorf("alias: %v", err)
	}
}

func TestStartTaskErrors(t *testing.T) {
	t.Parallel()
	e := newConnectorEnv(t)
	cases := []struct {
		name      string
		conn      map[string]string
		task      map[string]string
		want      string
		wantIsErr error
	}{
		{"unknown task and connector class", connProps("c", KeyConnectorClass, "Nope"), map[string]string{KeyTaskClass: "org.example.NopeTask"},
			"No task class named org.example.NopeTask is registered", connect.ErrNotFound},
		{"bad connector config", connProps("c", KeyTasksMax, "x"), taskProps(0, connProps("c")),
			"Invalid value x for configuration tasks.max: Not a number of type INT", connect.ErrBadRequest},
		{"bad converter", connProps("c", KeyValueConverter, "Nope"), taskProps(0, connProps("c")),
			"value.converter: Failed to find any class that implements Converter", connect.ErrNotFound},
	}
	for i, tc := range cases {
		id := taskID("c", i)
		err := e.w.StartTask(id, tc.conn, tc.task, storage.TargetStarted)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, tc.wantIsErr) {
			t.Errorf("%s: error = %v, want %q (%v)", tc.name, err, tc.want, tc.wantIsErr)
			continue
		}
		if st, ok := e.statuses.last(id); !ok || st.State != storage.StateFailed || !strings.Contains(st.Trace, tc.want) {
			t.Errorf("%s: status = %+v", tc.name, st)
		}
	}
	if len(e.w.Tasks()) != 0 {
		t.Errorf("tasks = %v", e.w.Tasks())
	}
}

// A task config without task.class (written by an older worker) still runs,
// found through connector.class.
func TestStartTaskWithoutTaskClass(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	conn := connProps("c", pRecords, "2")
	tp := taskProps(0, conn)
	delete(tp, KeyTaskClass)
	if err := e.w.StartTask(taskID("c", 0), conn, tp, storage.TargetStarted); err != nil {
		t.Fatal(err)
	}
	waitRecords(t, e.cluster.Addrs(), outTopic, 2)
}

// A producer that cannot connect fails the task; it connected while the
// task started, so the task is stopped too, once, releasing what Start
// acquired.
func TestTaskWhoseProducerCannotConnectFails(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := taskID("c", 0)
	e.startTask(e.w, id, connProps("c", "producer.override.bootstrap.servers", testkit.ClosedAddr(t)), storage.TargetStarted)
	st := e.statuses.waitState(t, id, storage.StateFailed)
	if want := "task c-0 could not create its producer: create producer for"; !strings.HasPrefix(st.Trace, want) {
		t.Errorf("trace = %q, want prefix %q", st.Trace, want)
	}
	e.probe.with(func() {
		if e.probe.taskStarts[0] != 1 || e.probe.taskStops[0] != 1 {
			t.Errorf("task started %d and stopped %d times, want once each", e.probe.taskStarts[0], e.probe.taskStops[0])
		}
		if e.probe.polls[0] != 0 {
			t.Errorf("the task was polled %d times without a producer", e.probe.polls[0])
		}
	})
}

// A bad producer.override.* fails the task with the key named.
func TestTaskWithBadProducerOverrideFails(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := taskID("c", 0)
	e.startTask(e.w, id, connProps("c", "producer.override.compression.type", "brotli"), storage.TargetStarted)
	st := e.statuses.waitState(t, id, storage.StateFailed)
	if want := "task c-0 could not create its producer: invalid value brotli for configuration compression.type"; !strings.HasPrefix(st.Trace, want) {
		t.Errorf("trace = %q, want prefix %q", st.Trace, want)
	}
	e.probe.with(func() {
		if e.probe.taskStarts[0] != 0 {
			t.Error("the task was started without a producer")
		}
	})
}

// producer.override.* reaches the task's producer.
func TestTaskProducerOverrideApplies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, flushTimeout(200*time.Millisecond))
	id := taskID("c", 0)
	// A 10-byte request limit refuses every record: only the override
	// can have set it.
	e.startTask(e.w, id, connProps("c", pRecords, "1", "producer.override.max.request.size", "10"), storage.TargetStarted)
	st := e.statuses.waitState(t, id, storage.StateFailed)
	if want := "task c-0 failed to send a record to topic out (source partition {task=0}, source offset {seq=0}): "; !strings.HasPrefix(st.Trace, want) || !strings.Contains(st.Trace, "more than max.request.size (10)") {
		t.Errorf("trace = %q", st.Trace)
	}
}
