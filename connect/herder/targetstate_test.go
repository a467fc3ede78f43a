package herder

import (
	"context"
	"fmt"
	"testing"

	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/test/testkit"
)

// Target states are written by any worker (REST pause/resume), so these
// tests write them straight into the config store.

func TestTargetStatesPauseStopAndResume(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	cfg := connectorConfig("c")
	want := x.plugin.committed(cfg, 4)
	x.create("c", cfg, 2)
	setTarget := func(s storage.TargetState) {
		t.Helper()
		if err := x.configs.PutTargetState(x.ctx(), "c", s); err != nil {
			t.Fatal(err)
		}
	}

	setTarget(storage.TargetPaused)
	x.waitStatus("c", storage.StatePaused, 2, storage.StatePaused)
	if x.plugin.running("c") {
		t.Error("paused connector still running")
	}
	if n := len(x.workerTasks("c")); n != 2 {
		t.Errorf("worker runs %d tasks; paused tasks stay assigned (want 2)", n)
	}

	setTarget(storage.TargetStarted)
	x.waitStatus("c", storage.StateRunning, 2, storage.StateRunning)
	testkit.Eventually(t, waitTimeout, func() error {
		if !x.plugin.running("c") {
			return fmt.Errorf("resumed connector not running")
		}
		return nil
	})

	setTarget(storage.TargetStopped)
	testkit.Eventually(t, waitTimeout, func() error {
		st, err := x.herder.ConnectorStatus(x.ctx(), "c")
		if err != nil {
			return err
		}
		if st.Connector.State != storage.StateStopped {
			return fmt.Errorf("connector is %s; want STOPPED", st.Connector.State)
		}
		if ids := x.workerTasks("c"); len(ids) != 0 {
			return fmt.Errorf("stopped connector's tasks still run: %v", ids)
		}
		if n := len(x.plugin.runningTasks("c")); n != 0 {
			return fmt.Errorf("%d task instances still running", n)
		}
		return nil
	})

	// Resuming a stopped connector starts it and its committed tasks.
	setTarget(storage.TargetStarted)
	x.waitRunningTasks("c", want)
	x.waitStatus("c", storage.StateRunning, 2, storage.StateRunning)
	if n := x.configs.taskConfigWrites("c"); n != 1 {
		t.Errorf("task configs written %d times; want once", n)
	}
}

// The config store may deliver a connector's deletion and its re-creation
// (same config) in one read, so the loop sees no change of config between
// two ticks. The deletion dropped the task configs; the connector must still
// be restarted so that it generates them again.
func TestDeleteAndRecreateSeenInOneTick(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	cfg := connectorConfig("c")
	want := x.plugin.committed(cfg, 4)
	x.create("c", cfg, 2)
	x.waitCommitted("c", want)

	// Both records land while the loop is busy (here: running this
	// request), as when another worker's writes are read in one batch.
	if err := x.herder.run(x.ctx(), func(ctx context.Context) error {
		if err := x.configs.RemoveConnectorConfig(ctx, "c"); err != nil {
			return err
		}
		return x.configs.PutConnectorConfig(ctx, "c", cfg, nil)
	}); err != nil {
		t.Fatal(err)
	}
	x.waitCommitted("c", want)
	x.waitRunningTasks("c", want)
	x.waitStatus("c", storage.StateRunning, 2, storage.StateRunning)
	if n := len(x.plugin.connectorStarts("c")); n != 2 {
		t.Errorf("connector started %d times; want a restart", n)
	}
}
