package herder

import (
	"fmt"
	"maps"
	"testing"

	"github.com/ferrykafka/ferry/test/testkit"
)

// A connector that generates no task configs still gets a commit record
// {"tasks":0}, as Java writes one (taskConfigsChanged: its config was never
// applied), so the config topic records that it has no tasks.
func TestZeroTaskConnectorIsCommitted(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	cfg := connectorConfig("none", keyTasks, "0")
	x.create("none", cfg, 0)
	testkit.Eventually(t, waitTimeout, func() error {
		snap := x.configs.Snapshot()
		n, counted := snap.TaskCounts["none"]
		applied, ok := snap.AppliedConnectorConfigs["none"]
		if !counted || n != 0 || !ok || !maps.Equal(applied, cfg) {
			return fmt.Errorf("task count %d (recorded %v), applied config %v (%v); want a commit of 0 tasks for the config", n, counted, applied, ok)
		}
		return nil
	})
	// Once committed, asking again writes nothing more.
	x.barrier()
	before := x.configs.Snapshot().Offset
	x.herder.TaskReconfigurationRequested("none")
	x.barrier()
	if after := x.configs.Snapshot().Offset; after != before {
		t.Errorf("config topic offset %d -> %d: the unchanged empty task list was written again", before, after)
	}
}
