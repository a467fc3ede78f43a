package herder

import (
	"errors"
	"fmt"
	"maps"
	"testing"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/rest/entities"
	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/test/testkit"
)

func TestPutConnectorConfigCreatesAndRunsConnector(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	cfg := connectorConfig("c", keyTasks, "3")

	created, info, err := x.herder.PutConnectorConfig(x.ctx(), "c", cfg, false, nil)
	if err != nil || !created {
		t.Fatalf("PutConnectorConfig = created %v, err %v; want created", created, err)
	}
	if info.Name != "c" || !maps.Equal(info.Config, cfg) || info.Type != entities.ConnectorTypeSource {
		t.Errorf("ConnectorInfo on create = %+v", info)
	}
	snap := x.configs.Snapshot()
	if !maps.Equal(snap.ConnectorConfigs["c"], cfg) {
		t.Errorf("config store holds connector-c = %v; want %v", snap.ConnectorConfigs["c"], cfg)
	}
	if got := snap.TargetState("c"); got != storage.TargetStarted {
		t.Errorf("target state = %s; want STARTED", got)
	}

	// Started, the connector's task configs are written with a commit and
	// the tasks run with exactly those configs.
	want := x.plugin.committed(cfg, 4)
	x.waitCommitted("c", want)
	x.waitStatus("c", storage.StateRunning, 3, storage.StateRunning)
	x.waitRunningTasks("c", want)
	if n := x.configs.taskConfigWrites("c"); n != 1 {
		t.Errorf("task configs written %d times; want once", n)
	}
	if got := x.configs.Snapshot().TaskConfigsOf("c"); got[0]["task.class"] != testTaskClass {
		t.Errorf("task config %v lacks task.class=%s", got[0], testTaskClass)
	}
	if got := len(x.workerTasks("c")); got != 3 {
		t.Errorf("worker runs %d tasks; want 3", got)
	}
	st, err := x.herder.ConnectorStatus(x.ctx(), "c")
	if err != nil {
		t.Fatal(err)
	}
	if st.Type != entities.ConnectorTypeSource || st.Connector.WorkerID != testWorkerID {
		t.Errorf("status = %+v; want type source on worker %s", st, testWorkerID)
	}
	for i, ts := range st.Tasks {
		if ts.ID != i || ts.WorkerID != testWorkerID {
			t.Errorf("task status %d = %+v", i, ts)
		}
	}
}

func TestPutConnectorConfigExistingWithoutReplace(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	cfg := connectorConfig("c")
	x.create("c", cfg, 2)
	x.barrier()
	before := x.configs.Snapshot()

	created, _, err := x.herder.PutConnectorConfig(x.ctx(), "c", connectorConfig("c", keyMarker, "new"), false, nil)
	if created || !errors.Is(err, connect.ErrAlreadyExists) {
		t.Fatalf("PutConnectorConfig on an existing connector = created %v, err %v; want ErrAlreadyExists", created, err)
	}
	if err.Error() != "Connector c already exists" {
		t.Errorf("message = %q; want %q", err.Error(), "Connector c already exists")
	}
	after := x.configs.Snapshot()
	if after.Offset != before.Offset || !maps.Equal(after.ConnectorConfigs["c"], cfg) {
		t.Errorf("config topic changed: offset %d -> %d, config %v", before.Offset, after.Offset, after.ConnectorConfigs["c"])
	}
}

func TestPutConnectorConfigReplaceRestartsConnector(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	x.create("c", connectorConfig("c"), 2)
	x.waitCommitted("c", x.plugin.committed(connectorConfig("c"), 4))
	calls := len(x.plugin.taskConfigsCalls("c"))
	taskStarts := x.plugin.taskStartCount(storage.ConnectorTaskID{Connector: "c", Task: 0})

	// Only the connector-only key changes: the connector restarts with the
	// new config and generates the same task configs, which are written
	// again with a new commit, as Java does (AbstractHerder.
	// taskConfigsChanged: the config they were committed with changed).
	updated := connectorConfig("c", keyMarker, "v2")
	// The offset before the put: the restart it causes may write the task
	// configs before PutConnectorConfig's caller looks again.
	offsetBeforePut := x.configs.Snapshot().Offset
	created, err := x.put("c", updated, true, nil)
	if err != nil || created {
		t.Fatalf("replace = created %v, err %v; want updated", created, err)
	}
	testkit.Eventually(t, waitTimeout, func() error {
		starts := x.plugin.connectorStarts("c")
		if len(starts) != 2 || starts[1][keyMarker] != "v2" || !x.plugin.running("c") {
			return fmt.Errorf("connector starts %v; want a second start with marker=v2", starts)
		}
		if n := len(x.plugin.taskConfigsCalls("c")); n <= calls {
			return fmt.Errorf("restarted connector not asked for task configs yet (%d calls)", n)
		}
		return nil
	})
	x.barrier()
	if n := x.plugin.connectorStops("c"); n != 1 {
		t.Errorf("connector stopped %d times; want 1", n)
	}
	testkit.Eventually(t, waitTimeout, func() error {
		if n := x.configs.taskConfigWrites("c"); n != 2 {
			return fmt.Errorf("task configs written %d times; want twice", n)
		}
		return nil
	})
	x.barrier()
	snap := x.configs.Snapshot()
	// The put writes one record (the connector config); the rewrite more.
	if snap.Offset <= offsetBeforePut+1 || !maps.Equal(snap.AppliedConnectorConfigs["c"], updated) {
		t.Errorf("after the rewrite: offset %d (%d before the put), applied config %v; want task configs written after the put and the updated config applied",
			snap.Offset, offsetBeforePut, snap.AppliedConnectorConfigs["c"])
	}
	// The tasks were restarted so that they run with the new connector
	// config (what Java achieves by forcing a task-config rewrite).
	testkit.Eventually(t, waitTimeout, func() error {
		if n := x.plugin.taskStartCount(storage.ConnectorTaskID{Connector: "c", Task: 0}); n != taskStarts+1 {
			return fmt.Errorf("task c-0 started %d times; want %d", n, taskStarts+1)
		}
		return nil
	})
	x.waitStatus("c", storage.StateRunning, 2, storage.StateRunning)
}

// Writing the same config again restarts the connector instance, as Java
// restarts a connector on every config record; its tasks, whose configs do
// not change, keep running.
func TestPutConnectorConfigUnchangedRestartsOnlyTheConnector(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	cfg := connectorConfig("c")
	x.create("c", cfg, 2)
	x.waitCommitted("c", x.plugin.committed(cfg, 4))
	x.barrier()
	calls := len(x.plugin.taskConfigsCalls("c"))
	taskStarts := x.plugin.taskStartCount(storage.ConnectorTaskID{Connector: "c", Task: 0})

	if created, err := x.put("c", cfg, true, nil); err != nil || created {
		t.Fatalf("put unchanged = created %v, err %v", created, err)
	}
	testkit.Eventually(t, waitTimeout, func() error {
		if n := len(x.plugin.connectorStarts("c")); n != 2 || !x.plugin.running("c") {
			return fmt.Errorf("connector started %d times; want a restart", n)
		}
		if n := len(x.plugin.taskConfigsCalls("c")); n <= calls {
			return fmt.Errorf("restarted connector not asked for task configs yet")
		}
		return nil
	})
	x.barrier()
	if n := x.plugin.taskStartCount(storage.ConnectorTaskID{Connector: "c", Task: 0}); n != taskStarts {
		t.Errorf("task c-0 restarted (%d starts, was %d)", n, taskStarts)
	}
	if n := x.configs.taskConfigWrites("c"); n != 1 {
		t.Errorf("task configs written %d times; want once", n)
	}
	x.waitStatus("c", storage.StateRunning, 2, storage.StateRunning)
}

func TestPutConnectorConfigReplaceWithNewTaskConfigs(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	x.create("c", connectorConfig("c", keyTasks, "3"), 3)

	// Fewer tasks and a new value copied into every task config.
	updated := connectorConfig("c", keyTasks, "2", keyRecords, "1")
	if _, err := x.put("c", updated, true, nil); err != nil {
		t.Fatal(err)
	}
	want := x.plugin.committed(updated, 4)
	x.waitCommitted("c", want)
	x.waitRunningTasks("c", want)
	testkit.Eventually(t, waitTimeout, func() error {
		if ids := x.workerTasks("c"); len(ids) != 2 {
			return fmt.Errorf("worker runs %v; want 2 tasks", ids)
		}
		return nil
	})
	if n := x.configs.taskConfigWrites("c"); n != 2 {
		t.Errorf("task configs written %d times; want twice", n)
	}
	st, err := x.herder.ConnectorStatus(x.ctx(), "c")
	if err != nil {
		t.Fatal(err)
	}
	if st.Connector.State != storage.StateRunning {
		t.Errorf("connector is %s; want RUNNING", st.Connector.State)
	}
	info, err := x.herder.ConnectorInfo(x.ctx(), "c")
	if err != nil || len(info.Tasks) != 2 {
		t.Errorf("ConnectorInfo = %+v, %v; want 2 tasks", info, err)
	}
}

func TestPutConnectorConfigInitialStatePaused(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	cfg := connectorConfig("c")
	paused := storage.TargetPaused
	created, err := x.put("c", cfg, false, &paused)
	if err != nil || !created {
		t.Fatalf("create paused = %v, %v", created, err)
	}
	if got := x.configs.Snapshot().TargetState("c"); got != storage.TargetPaused {
		t.Fatalf("target state = %s; want PAUSED", got)
	}
	x.waitStatus("c", storage.StatePaused, 0, "")
	x.barrier()
	// A paused connector does not generate task configs (Java only asks a
	// connector whose target state is STARTED).
	if n := len(x.plugin.taskConfigsCalls("c")); n != 0 || x.configs.taskConfigWrites("c") != 0 {
		t.Errorf("paused connector was asked for task configs %d times", n)
	}

	// Task configs committed by another worker run paused.
	want := x.plugin.committed(cfg, 4)
	if err := x.configs.ConfigStore.PutTaskConfigs(x.ctx(), "c", want); err != nil {
		t.Fatal(err)
	}
	x.waitStatus("c", storage.StatePaused, 2, storage.StatePaused)
	if got := len(x.workerTasks("c")); got != 2 {
		t.Errorf("worker runs %d tasks; want 2 (paused)", got)
	}
	offset := x.configs.Snapshot().Offset

	// Resumed, connector and tasks run; the connector generates the same
	// task configs, which are not rewritten.
	if err := x.configs.PutTargetState(x.ctx(), "c", storage.TargetStarted); err != nil {
		t.Fatal(err)
	}
	x.waitStatus("c", storage.StateRunning, 2, storage.StateRunning)
	testkit.Eventually(t, waitTimeout, func() error {
		if len(x.plugin.taskConfigsCalls("c")) == 0 {
			return errors.New("resumed connector not asked for task configs")
		}
		return nil
	})
	x.barrier()
	if got := x.configs.Snapshot().Offset; got != offset+1 {
		t.Errorf("config topic offset %d -> %d; want only the target-state record", offset, got)
	}
}

func TestPutConnectorConfigInitialStateStopped(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	stopped := storage.TargetStopped
	if created, err := x.put("c", connectorConfig("c"), false, &stopped); err != nil || !created {
		t.Fatalf("create stopped = %v, %v", created, err)
	}
	if got := x.configs.Snapshot().TargetState("c"); got != storage.TargetStopped {
		t.Fatalf("target state = %s; want STOPPED", got)
	}
	x.waitStatus("c", storage.StateStopped, 0, "")
	x.barrier()
	if n := len(x.plugin.connectorStarts("c")); n != 0 {
		t.Errorf("stopped connector was started %d times", n)
	}
	if n := x.configs.Snapshot().TaskCounts["c"]; n != 0 || x.configs.taskConfigWrites("c") != 0 {
		t.Errorf("stopped connector has %d task configs", n)
	}
	if ids := x.workerTasks("c"); len(ids) != 0 {
		t.Errorf("worker runs tasks %v of a stopped connector", ids)
	}
	info, err := x.herder.ConnectorInfo(x.ctx(), "c")
	if err != nil || len(info.Tasks) != 0 {
		t.Errorf("ConnectorInfo = %+v, %v; want no tasks", info, err)
	}
}

func TestConnectorFailingToStartIsFailedUntilFixed(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	x.plugin.setFailStart(errors.New("cannot reach the source"))
	if _, err := x.put("c", connectorConfig("c"), false, nil); err != nil {
		t.Fatal(err)
	}
	x.waitStatus("c", storage.StateFailed, 0, "")
	st, err := x.herder.ConnectorStatus(x.ctx(), "c")
	if err != nil {
		t.Fatal(err)
	}
	if want := "connector c failed to start: cannot reach the source"; st.Connector.Trace != want {
		t.Errorf("trace = %q; want %q", st.Connector.Trace, want)
	}
	x.barrier()
	if n := len(x.plugin.taskConfigsCalls("c")); n != 0 {
		t.Errorf("failed connector asked for task configs %d times", n)
	}

	// A new config restarts it.
	x.plugin.setFailStart(nil)
	if _, err := x.put("c", connectorConfig("c", keyMarker, "fixed"), true, nil); err != nil {
		t.Fatal(err)
	}
	x.waitStatus("c", storage.StateRunning, 2, storage.StateRunning)
}
