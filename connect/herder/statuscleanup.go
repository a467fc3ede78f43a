package herder

import (
	"slices"

	"github.com/ferrykafka/ferry/storage"
)

// Statuses of connectors and tasks that no longer exist are removed from
// the status topic (tombstones, Java's DESTROYED), so GET .../status shows
// neither a deleted connector nor the tasks a STOPPED or shrunk connector
// no longer has, as in Java.
//
// Two writers do it. A worker that stops a task which is gone from the
// config snapshot tombstones it right after the task wrote its last
// status (UNASSIGNED), through the same producer, so the tombstone comes
// last. And the leader, after every rebalance, tombstones whatever is left
// (Java's updateDeletedConnectorStatus / updateDeletedTaskStatus): work of
// a worker that died, or statuses written by a Java worker.

// destroyRemovedTasks tombstones the statuses of stopped tasks that the
// snapshot no longer has.
func (h *Herder) destroyRemovedTasks(stopped []storage.ConnectorTaskID) {
	for _, id := range stopped {
		if !slices.Contains(h.snapshot.Tasks(id.Connector), id) {
			h.statuses.Put(storage.TaskStatus(id, storage.StateDestroyed, "", h.cfg.WorkerID, h.ms.generation))
		}
	}
}

// removeDeletedStatuses is the leader's clean-up after a rebalance.
func (h *Herder) removeDeletedStatuses() {
	snap := h.configs.Snapshot()
	for _, c := range h.statuses.Connectors() {
		if !snap.Contains(c) {
			h.log.Debug().Str("connector", c).Msg("removing the statuses of a deleted connector")
			h.onDeletion(c)
			continue
		}
		remaining := snap.Tasks(c)
		for _, st := range h.statuses.Tasks(c) {
			if !slices.Contains(remaining, st.ID) {
				h.statuses.Put(storage.TaskStatus(st.ID, storage.StateDestroyed, "", h.cfg.WorkerID, h.ms.generation))
			}
		}
	}
}
