package runtime

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/test/testkit"
)

// Connector tests need no Kafka: connectors do not produce.
func newConnectorEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, offsets: startedOffsetStore(t), statuses: newRecordingStatuses(t), probe: newProbe(), events: &events{}}
	e.reg = e.probe.registry(t)
	e.w = New(Config{
		WorkerID: "worker-1:8083", TaskShutdownTimeout: time.Second,
		KeyConverter: stringConv, ValueConverter: stringConv, HeaderConverter: headerConv,
	}, e.reg, e.offsets, e.statuses, testkit.Logger(t))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		e.w.Stop(ctx)
	})
	return e
}

func (e *env) startConnector(name string, props map[string]string, target storage.TargetState) {
	e.t.Helper()
	if err := e.w.StartConnector(name, props, target, e.events); err != nil {
		e.t.Fatalf("start connector %s: %v", name, err)
	}
}

func (e *env) stopConnector(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e.w.StopConnector(ctx, name)
}

func (e *env) waitEvents(started, reconfig int) {
	e.t.Helper()
	testkit.Eventually(e.t, 10*time.Second, func() error {
		s, r := e.events.counts()
		if s != started || r != reconfig {
			return fmt.Errorf("events: %d started, %d reconfigurations; want %d and %d", s, r, started, reconfig)
		}
		return nil
	})
}

func (e *env) connCounts() (starts, stops int) {
	e.probe.with(func() { starts, stops = e.probe.connStarts, e.probe.connStops })
	return
}

func TestConnectorLifecycle(t *testing.T) {
	t.Parallel()
	e := newConnectorEnv(t)
	e.w.SetGeneration(2)
	props := connProps("c", "custom", "x")
	e.startConnector("c", props, storage.TargetStarted)
	st := e.statuses.waitState(t, connID("c"), storage.StateRunning)
	if st.WorkerID != "worker-1:8083" || st.Generation != 2 || !st.IsConnector() {
		t.Errorf("status = %+v", st)
	}
	e.waitEvents(1, 0)
	if !e.w.IsConnectorRunning("c") || !slices.Equal(e.w.Connectors(), []string{"c"}) {
		t.Errorf("running=%v connectors=%v", e.w.IsConnectorRunning("c"), e.w.Connectors())
	}
	e.probe.with(func() {
		if e.probe.connProps["custom"] != "x" || e.probe.connProps[KeyName] != "c" {
			t.Errorf("Start got %v; want the full connector config", e.probe.connProps)
		}
	})
	props["custom"] = "changed" // the worker keeps its own copy

	e.w.SetConnectorTargetState("c", storage.TargetPaused)
	e.statuses.waitState(t, connID("c"), storage.StatePaused)
	if starts, stops := e.connCounts(); starts != 1 || stops != 1 {
		t.Errorf("after pause: %d starts, %d stops; want 1 and 1", starts, stops)
	}
	if e.w.IsConnectorRunning("c") {
		t.Error("a paused connector reports running")
	}
	if _, err := e.w.ConnectorTaskConfigs(context.Background(), "c"); !errors.Is(err, ErrConnectorNotRunning) {
		t.Errorf("task configs of a paused connector: %v, want ErrConnectorNotRunning", err)
	}

	e.w.SetConnectorTargetState("c", storage.TargetStarted)
	e.statuses.waitState(t, connID("c"), storage.StateRunning)
	e.waitEvents(2, 0)
	e.probe.with(func() {
		if e.probe.connProps["custom"] != "x" {
			t.Errorf("resumed with %v; the caller's later change leaked in", e.probe.connProps)
		}
	})

	e.w.SetConnectorTargetState("c", storage.TargetStopped)
	e.statuses.waitState(t, connID("c"), storage.StateStopped)

	e.stopConnector("c")
	want := []storage.State{storage.StateRunning, storage.StatePaused, storage.StateRunning, storage.StateStopped, storage.StateUnassigned}
	if got := e.statuses.states(connID("c")); !slices.Equal(got, want) {
		t.Errorf("states = %v, want %v", got, want)
	}
	if starts, stops := e.connCounts(); starts != 2 || stops != 2 {
		t.Errorf("%d starts, %d stops; want 2 and 2 (a stopped connector is not stopped twice)", starts, stops)
	}
	if len(e.w.Connectors()) != 0 || e.w.IsConnectorRunning("c") {
		t.Errorf("connectors after stop = %v", e.w.Connectors())
	}
	last, _ := e.statuses.last(connID("c"))
	if ws := e.statuses.of(connID("c")); !ws[len(ws)-1].safe || ws[0].safe {
		t.Error("UNASSIGNED must be written with putSafe, RUNNING with put (as in Java)")
	}
	if last.State != storage.StateUnassigned {
		t.Errorf("last = %+v", last)
	}
}

func TestConnectorStartedPaused(t *testing.T) {
	t.Parallel()
	e := newConnectorEnv(t)
	e.startConnector("c", connProps("c"), storage.TargetPaused)
	e.statuses.waitState(t, connID("c"), storage.StatePaused)
	if starts, stops := e.connCounts(); starts != 0 || stops != 0 {
		t.Errorf("a connector created paused was started %d and stopped %d times", starts, stops)
	}
	e.w.SetConnectorTargetState("c", storage.TargetStarted)
	e.statuses.waitState(t, connID("c"), storage.StateRunning)
	e.waitEvents(1, 0)
}

func TestConnectorTaskConfigsStampTaskClass(t *testing.T) {
	t.Parallel()
	e := newConnectorEnv(t)
	e.startConnector("c", connProps("c", KeyTasksMax, "3"), storage.TargetStarted)
	e.statuses.waitState(t, connID("c"), storage.StateRunning)
	configs, err := e.w.ConnectorTaskConfigs(context.Background(), "c")
	if err != nil {
		t.Fatal(err)
	}
	if len(configs) != 3 {
		t.Fatalf("%d task configs, want tasks.max=3", len(configs))
	}
	for i, c := range configs {
		if c[KeyTaskClass] != testTaskClass || c[pTaskID] != strconv.Itoa(i) || c[KeyName] != "c" {
			t.Errorf("task config %d = %v", i, c)
		}
	}
	e.probe.with(func() {
		for i, g := range e.probe.generated {
			if _, ok := g[KeyTaskClass]; ok {
				t.Errorf("the connector's own task config %d was modified: %v", i, g)
			}
		}
	})
	if _, err := e.w.ConnectorTaskConfigs(context.Background(), "nope"); !errors.Is(err, ErrConnectorNotRunning) {
		t.Errorf("unknown connector: %v", err)
	}
}

func TestConnectorTasksMaxEnforcement(t *testing.T) {
	t.Parallel()
	e := newConnectorEnv(t)
	e.startConnector("c", connProps("c", KeyTasksMax, "2", pConnGenerate, "3"), storage.TargetStarted)
	e.statuses.waitState(t, connID("c"), storage.StateRunning)
	_, err := e.w.ConnectorTaskConfigs(context.Background(), "c")
	want := "The connector c has generated 3 tasks, which is greater than 2, the maximum number of tasks it is configured to create. " +
		"This behaviour should be considered a bug and is disallowed. If necessary, it can be permitted by reconfiguring the connector " +
		"with 'tasks.max.enforce' set to false; however, this option will be removed in a future release of Kafka Connect."
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v\nwant    %s", err, want)
	}
	st := e.statuses.waitState(t, connID("c"), storage.StateFailed)
	if st.Trace != want {
		t.Errorf("trace = %q", st.Trace)
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		if e.w.IsConnectorRunning("c") {
			return fmt.Errorf("a failed connector reports running")
		}
		return nil
	})

	// tasks.max.enforce=false lets the extra configs through.
	e.startConnector("lax", connProps("lax", KeyTasksMax, "2", pConnGenerate, "3", KeyTasksMaxEnforce, "false"), storage.TargetStarted)
	e.statuses.waitState(t, connID("lax"), storage.StateRunning)
	configs, err := e.w.ConnectorTaskConfigs(context.Background(), "lax")
	if err != nil || len(configs) != 3 {
		t.Errorf("lax: %d configs, %v; want 3", len(configs), err)
	}
	if got := e.statuses.states(connID("lax")); slices.Contains(got, storage.StateFailed) {
		t.Errorf("lax states = %v", got)
	}
}

func TestConnectorStartFailure(t *testing.T) {
	t.Parallel()
	e := newConnectorEnv(t)
	e.startConnector("c", connProps("c", pConnFailStart, "bad credentials"), storage.TargetStarted)
	st := e.statuses.waitState(t, connID("c"), storage.StateFailed)
	if want := "connector c failed to start: bad credentials"; st.Trace != want {
		t.Errorf("trace = %q, want %q", st.Trace, want)
	}
	if !e.statuses.of(connID("c"))[0].safe {
		t.Error("FAILED must be written with putSafe")
	}
	if e.w.IsConnectorRunning("c") {
		t.Error("a connector that failed to start reports running")
	}
	if s, _ := e.events.counts(); s != 0 {
		t.Errorf("ConnectorStarted sent %d times for a connector that failed to start", s)
	}

	// A failed connector stays FAILED when paused or started again, but
	// may be stopped (Java's WorkerConnector edge case), then started anew.
	e.w.SetConnectorTargetState("c", storage.TargetPaused)
	e.w.SetConnectorTargetState("c", storage.TargetStopped)
	e.statuses.waitState(t, connID("c"), storage.StateStopped)
	if got := e.statuses.states(connID("c")); !slices.Equal(got, []storage.State{storage.StateFailed, storage.StateStopped}) {
		t.Errorf("states = %v", got)
	}
	e.w.SetConnectorTargetState("c", storage.TargetStarted)
	testkit.Eventually(t, 10*time.Second, func() error {
		if starts, _ := e.connCounts(); starts != 2 {
			return fmt.Errorf("%d starts, want a second attempt after STOPPED", starts)
		}
		return nil
	})
	e.statuses.waitState(t, connID("c"), storage.StateFailed)
}

func TestConnectorRaiseError(t *testing.T) {
	t.Parallel()
	e := newConnectorEnv(t)
	e.startConnector("c", connProps("c"), storage.TargetStarted)
	e.statuses.waitState(t, connID("c"), storage.StateRunning)
	cctx := e.probe.connectorContext()
	cctx.RaiseError(errors.New("lost the source cluster"))
	cctx.RaiseError(errors.New("a later error"))
	st := e.statuses.waitState(t, connID("c"), storage.StateFailed)
	if want := "connector c raised an error: lost the source cluster"; st.Trace != want {
		t.Errorf("trace = %q, want %q", st.Trace, want)
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		if e.w.IsConnectorRunning("c") {
			return fmt.Errorf("still running")
		}
		return nil
	})
	e.stopConnector("c")
	if got := e.statuses.states(connID("c")); !slices.Equal(got, []storage.State{storage.StateRunning, storage.StateFailed, storage.StateUnassigned}) {
		t.Errorf("states = %v; the first failure is kept", got)
	}
	if _, stops := e.connCounts(); stops != 1 {
		t.Errorf("a connector that raised an error was stopped %d times, want once", stops)
	}
}

// RaiseError inside Start: Start's success must not hide the failure.
func TestConnectorRaiseErrorDuringStart(t *testing.T) {
	t.Parallel()
	e := newConnectorEnv(t)
	e.startConnector("c", connProps("c", pConnRaiseStart, "half started"), storage.TargetStarted)
	st := e.statuses.waitState(t, connID("c"), storage.StateFailed)
	if want := "connector c raised an error: half started"; st.Trace != want {
		t.Errorf("trace = %q", st.Trace)
	}
	if got := e.statuses.states(connID("c")); !slices.Equal(got, []storage.State{storage.StateRunning, storage.StateFailed}) {
		t.Errorf("states = %v, want RUNNING then FAILED", got)
	}
	if e.w.IsConnectorRunning("c") {
		t.Error("reports running")
	}
}

func TestConnectorRequestTaskReconfiguration(t *testing.T) {
	t.Parallel()
	e := newConnectorEnv(t)
	e.startConnector("c", connProps("c"), storage.TargetStarted)
	e.waitEvents(1, 0)
	e.probe.connectorContext().RequestTaskReconfiguration()
	e.probe.connectorContext().RequestTaskReconfiguration()
	e.waitEvents(1, 2)
	e.events.mu.Lock()
	defer e.events.mu.Unlock()
	if !slices.Equal(e.events.reconfig, []string{"c", "c"}) || !slices.Equal(e.events.started, []string{"c"}) {
		t.Errorf("events = %v / %v", e.events.started, e.events.reconfig)
	}
}
