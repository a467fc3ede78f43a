package herder

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/test/testkit"
)

// These tests write the config topic the way another worker (Ferry or Java)
// does, straight into the store, and check that this worker acts on what it
// reads.

func TestConnectorConfigWrittenElsewhereIsRun(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	cfg := connectorConfig("ext", keyTasks, "3")
	if err := x.configs.PutConnectorConfig(x.ctx(), "ext", cfg, nil); err != nil {
		t.Fatal(err)
	}
	want := x.plugin.committed(cfg, 4)
	x.waitCommitted("ext", want)
	x.waitRunningTasks("ext", want)
	x.waitStatus("ext", storage.StateRunning, 3, storage.StateRunning)
}

func TestCommittedTaskConfigsWrittenElsewhereAreRunNotRewritten(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	cfg := connectorConfig("c")
	want := x.plugin.committed(cfg, 4)
	// Present before this worker starts: config and committed task configs
	// equal to what the connector generates.
	x.startStoresAndWrite(func(ctx context.Context) error {
		if err := x.configs.PutConnectorConfig(ctx, "c", cfg, nil); err != nil {
			return err
		}
		return x.configs.ConfigStore.PutTaskConfigs(ctx, "c", want)
	})
	offset := x.configs.Snapshot().Offset
	x.start()

	x.waitRunningTasks("c", want)
	x.waitStatus("c", storage.StateRunning, 2, storage.StateRunning)
	testkit.Eventually(t, waitTimeout, func() error {
		if len(x.plugin.taskConfigsCalls("c")) == 0 {
			return errors.New("connector not asked for task configs")
		}
		return nil
	})
	x.barrier()
	if got := x.configs.Snapshot().Offset; got != offset || x.configs.taskConfigWrites("c") != 0 {
		t.Errorf("identical task configs rewritten: offset %d -> %d, %d writes", offset, got, x.configs.taskConfigWrites("c"))
	}
}

func TestStaleTaskConfigsWrittenElsewhereAreReplaced(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	cfg := connectorConfig("c")
	x.create("c", cfg, 2)

	// Another worker commits task configs the connector would not generate
	// (say, an older version of it): they run, then the connector's own
	// replace them when it next generates task configs.
	stale := []map[string]string{{keyTaskConnector: "c", keyTaskIndex: "0", keyTopic: testTopic, keyRecords: "0", "stale": "yes", "task.class": testTaskClass}}
	if err := x.configs.ConfigStore.PutTaskConfigs(x.ctx(), "c", stale); err != nil {
		t.Fatal(err)
	}
	x.waitRunningTasks("c", stale)
	if err := x.plugin.requestReconfiguration("c"); err != nil {
		t.Fatal(err)
	}
	want := x.plugin.committed(cfg, 4)
	x.waitCommitted("c", want)
	x.waitRunningTasks("c", want)
	x.waitStatus("c", storage.StateRunning, 2, storage.StateRunning)
}

func TestUncommittedTaskConfigsAreNotRunAndAreRegenerated(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	cfg := connectorConfig("c")
	// A leader wrote a task config and died before its commit record.
	x.startStoresAndWrite(func(ctx context.Context) error {
		if err := x.configs.PutConnectorConfig(ctx, "c", cfg, nil); err != nil {
			return err
		}
		return x.configs.AppendTaskConfig(storage.ConnectorTaskID{Connector: "c", Task: 0},
			map[string]string{keyTaskConnector: "c", keyTaskIndex: "0", keyTopic: testTopic, "uncommitted": "yes", "task.class": testTaskClass})
	})
	if n := len(x.configs.Snapshot().Tasks("c")); n != 0 {
		t.Fatalf("test setup: %d committed tasks", n)
	}
	x.start()

	want := x.plugin.committed(cfg, 4)
	x.waitCommitted("c", want)
	x.waitRunningTasks("c", want)
	x.waitStatus("c", storage.StateRunning, 2, storage.StateRunning)
	if x.plugin.everStartedWith("c", "uncommitted", "yes") {
		t.Error("a task ran with a task config that was never committed")
	}
}

func TestInconsistentTaskConfigsAreRegenerated(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	cfg := connectorConfig("c")
	// Compaction (or a torn write) left a commit for two tasks with only
	// one task config before it.
	x.startStoresAndWrite(func(ctx context.Context) error {
		if err := x.configs.PutConnectorConfig(ctx, "c", cfg, nil); err != nil {
			return err
		}
		if err := x.configs.AppendTaskConfig(storage.ConnectorTaskID{Connector: "c", Task: 0},
			map[string]string{keyTaskConnector: "c", keyTaskIndex: "0", keyTopic: testTopic, "torn": "yes"}); err != nil {
			return err
		}
		return x.configs.AppendCommit("c", 2)
	})
	if !x.configs.Snapshot().Inconsistent["c"] {
		t.Fatal("test setup: task configs of c are not inconsistent")
	}
	x.start()

	want := x.plugin.committed(cfg, 4)
	x.waitCommitted("c", want)
	x.waitRunningTasks("c", want)
	x.waitStatus("c", storage.StateRunning, 2, storage.StateRunning)
	if x.plugin.everStartedWith("c", "torn", "yes") {
		t.Error("a task ran with a config from an inconsistent set")
	}
}

func TestTaskConfigsTurningInconsistentWhileRunningAreRegenerated(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	cfg := connectorConfig("c")
	want := x.plugin.committed(cfg, 4)
	x.create("c", cfg, 2)
	x.waitCommitted("c", want)

	// Another worker's torn write: a commit for three tasks after one task
	// config. The set is unusable, so its tasks stop, and the leader
	// writes the connector's task configs again, even though they equal
	// the last consistent set.
	if err := x.configs.AppendTaskConfig(storage.ConnectorTaskID{Connector: "c", Task: 0}, want[0]); err != nil {
		t.Fatal(err)
	}
	if err := x.configs.AppendCommit("c", 3); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, waitTimeout, func() error {
		if n := x.configs.taskConfigWrites("c"); n != 2 {
			return fmt.Errorf("task configs written %d times; want a second write", n)
		}
		return nil
	})
	x.waitCommitted("c", want)
	x.waitRunningTasks("c", want)
	x.waitStatus("c", storage.StateRunning, 2, storage.StateRunning)
}

// startStoresAndWrite starts the config store, writes to it as another
// worker would before this one starts, and stops it again.
func (x *harness) startStoresAndWrite(write func(ctx context.Context) error) {
	x.t.Helper()
	ctx := x.ctx()
	if err := x.configs.ConfigStore.Start(ctx); err != nil {
		x.t.Fatal(err)
	}
	if err := write(ctx); err != nil {
		x.t.Fatal(err)
	}
	if err := x.configs.ConfigStore.Stop(ctx); err != nil {
		x.t.Fatal(err)
	}
}
