package herder

import (
	"fmt"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/test/testkit"
)

func TestConnectorRequestingReconfigurationGetsNewTasks(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	cfg := connectorConfig("c")
	x.create("c", cfg, 2)
	x.waitRunningTasks("c", x.plugin.committed(cfg, 4))

	// The source changed: the connector has new task configs and asks
	// for them to be used.
	x.plugin.setExtra("generation", "2")
	x.plugin.setTaskCount("c", 3)
	if err := x.plugin.requestReconfiguration("c"); err != nil {
		t.Fatal(err)
	}
	want := x.plugin.committed(cfg, 4)
	if len(want) != 3 || want[0]["generation"] != "2" {
		t.Fatalf("test setup: new task configs %v", want)
	}
	x.waitCommitted("c", want)
	x.waitRunningTasks("c", want)
	x.waitStatus("c", storage.StateRunning, 3, storage.StateRunning)
	if n := x.configs.taskConfigWrites("c"); n != 2 {
		t.Errorf("task configs written %d times; want twice", n)
	}
	// The connector itself kept running.
	if n := len(x.plugin.connectorStarts("c")); n != 1 {
		t.Errorf("connector started %d times; want once", n)
	}
}

func TestReconfigurationWithUnchangedTaskConfigsWritesNothing(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	x.create("c", connectorConfig("c"), 2)
	x.waitCommitted("c", x.plugin.committed(connectorConfig("c"), 4))
	x.barrier()
	offset := x.configs.Snapshot().Offset
	calls := len(x.plugin.taskConfigsCalls("c"))
	starts := x.plugin.taskStartCount(storage.ConnectorTaskID{Connector: "c", Task: 0})

	if err := x.plugin.requestReconfiguration("c"); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, waitTimeout, func() error {
		if n := len(x.plugin.taskConfigsCalls("c")); n != calls+1 {
			return fmt.Errorf("TaskConfigs called %d times; want %d", n, calls+1)
		}
		return nil
	})
	x.barrier()
	if got := x.configs.Snapshot().Offset; got != offset {
		t.Errorf("config topic offset %d -> %d; unchanged task configs were written", offset, got)
	}
	if n := x.plugin.taskStartCount(storage.ConnectorTaskID{Connector: "c", Task: 0}); n != starts {
		t.Errorf("task c-0 restarted (%d starts, was %d)", n, starts)
	}
}

func TestTaskConfigGenerationIsRetriedWithBackoff(t *testing.T) {
	t.Parallel()
	const base = 40 * time.Millisecond
	x := newHarness(t, withBackoff(base))
	x.start()
	const failures = 3
	x.plugin.setFailTaskConfigs(failures)

	cfg := connectorConfig("c")
	if _, err := x.put("c", cfg, false, nil); err != nil {
		t.Fatal(err)
	}
	x.waitCommitted("c", x.plugin.committed(cfg, 4))
	x.waitStatus("c", storage.StateRunning, 2, storage.StateRunning)
	x.barrier()

	calls := x.plugin.taskConfigsCalls("c")
	if len(calls) != failures+1 {
		t.Fatalf("TaskConfigs called %d times; want %d (%d failures, then success, then no more)", len(calls), failures+1, failures)
	}
	// Each retry waits at least the backoff, which doubles: 40, 80, 160 ms.
	// (The backoff is measured from just before the failed call, so allow
	// a little slack.)
	const slack = 5 * time.Millisecond
	want := base
	for i := 1; i < len(calls); i++ {
		if gap := calls[i].Sub(calls[i-1]); gap < want-slack {
			t.Errorf("retry %d came %v after the failure; want at least %v", i, gap, want)
		}
		want *= 2
	}
	x.onLoop(func() {
		if len(x.herder.retryAt) != 0 || len(x.herder.retryBackoff) != 0 || len(x.herder.needsTaskConfigs) != 0 {
			t.Errorf("retry state left after success: retryAt %v, backoff %v, needs %v",
				x.herder.retryAt, x.herder.retryBackoff, x.herder.needsTaskConfigs)
		}
	})
}

// A connector that cannot generate task configs and is then paused (or
// fails) is no longer retried, and the loop goes back to sleep instead of
// waking up for a retry that will never run.
func TestRetriesEndWhenConnectorNoLongerStarted(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		target storage.TargetState
		state  storage.State
	}{
		{"paused", storage.TargetPaused, storage.StatePaused},
		{"stopped", storage.TargetStopped, storage.StateStopped},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x := newHarness(t, withBackoff(10*time.Millisecond))
			x.start()
			x.plugin.setFailTaskConfigs(1 << 30)
			if _, err := x.put("c", connectorConfig("c"), false, nil); err != nil {
				t.Fatal(err)
			}
			testkit.Eventually(t, waitTimeout, func() error {
				if n := len(x.plugin.taskConfigsCalls("c")); n < 2 {
					return fmt.Errorf("%d TaskConfigs calls; want a retry", n)
				}
				return nil
			})
			if err := x.configs.PutTargetState(x.ctx(), "c", tc.target); err != nil {
				t.Fatal(err)
			}
			x.waitStatus("c", tc.state, 0, "")
			testkit.Eventually(t, waitTimeout, func() error {
				var err error
				x.onLoop(func() {
					if len(x.herder.needsTaskConfigs) != 0 || len(x.herder.retryAt) != 0 {
						err = fmt.Errorf("still scheduled: needs %v, retry at %v", x.herder.needsTaskConfigs, x.herder.retryAt)
					} else if d := x.herder.nextWake(); d < time.Minute {
						err = fmt.Errorf("loop wakes again in %v with nothing to do", d)
					}
				})
				return err
			})
			calls := len(x.plugin.taskConfigsCalls("c"))
			x.barrier()
			if n := len(x.plugin.taskConfigsCalls("c")); n != calls {
				t.Errorf("%s connector still asked for task configs (%d -> %d)", tc.name, calls, n)
			}
		})
	}
}
