package herder

import (
	"context"
	"errors"
	"maps"
	"sort"
	"time"

	"github.com/ferrykafka/ferry/connect/runtime"
	"github.com/ferrykafka/ferry/storage"
)

// maxReconfigureBackoff caps the retry delay of task reconfiguration (Java:
// 60 s).
const maxReconfigureBackoff = time.Minute

// tick brings what this worker runs in line with the latest config snapshot.
func (h *Herder) tick(ctx context.Context) {
	h.snapshot = h.configs.Snapshot()
	for c := range h.changes.drain() {
		h.needsTaskConfigs[c] = true
	}
	h.reconcileConnectors(ctx)
	h.reconcileTasks(ctx)
	h.regenerateTaskConfigs(ctx)
}

// isLeader reports whether this worker may write connector and task configs.
// A single worker is always the leader.
func (h *Herder) isLeader() bool { return true }

// assignedConnectors are the connectors this worker runs.
func (h *Herder) assignedConnectors() []string { return h.snapshot.Connectors() }

// assignedTasks are the tasks this worker runs.
func (h *Herder) assignedTasks() []storage.ConnectorTaskID {
	var out []storage.ConnectorTaskID
	for _, c := range h.snapshot.Connectors() {
		out = append(out, h.snapshot.Tasks(c)...)
	}
	return out
}

func (h *Herder) reconcileConnectors(ctx context.Context) {
	assigned := map[string]bool{}
	for _, c := range h.assignedConnectors() {
		assigned[c] = true
	}
	// Stop connectors that were deleted, unassigned or reconfigured.
	for _, c := range sortedKeys(h.runningConn) {
		props, configured := h.snapshot.ConnectorConfigs[c]
		if assigned[c] && configured && maps.Equal(props, h.runningConn[c]) {
			continue
		}
		h.stopConnector(ctx, c)
		if !configured {
			h.onDeletion(c)
		}
	}
	// Start what is assigned and not running; apply target states.
	for _, c := range sortedKeys(assigned) {
		target := h.snapshot.TargetState(c)
		if _, running := h.runningConn[c]; running {
			if h.runningConnState[c] != target {
				h.worker.SetConnectorTargetState(c, target)
				h.runningConnState[c] = target
			}
			continue
		}
		props := h.snapshot.ConnectorConfigs[c]
		h.runningConn[c] = props
		h.runningConnState[c] = target
		if err := h.worker.StartConnector(c, props, target, h); err != nil {
			h.log.Error().Err(err).Str("connector", c).Msg("could not start connector")
		}
	}
}

func (h *Herder) stopConnector(ctx context.Context, c string) {
	var tasks []storage.ConnectorTaskID
	for id := range h.runningTasks {
		if id.Connector == c {
			tasks = append(tasks, id)
		}
	}
	h.stopTasks(ctx, tasks)
	h.worker.StopConnector(ctx, c)
	delete(h.runningConn, c)
	delete(h.runningConnState, c)
	delete(h.needsTaskConfigs, c)
	delete(h.retryAt, c)
	delete(h.retryBackoff, c)
}

// onDeletion removes a deleted connector's statuses (tombstones), as Java's
// AbstractHerder.onDeletion does.
func (h *Herder) onDeletion(c string) {
	gen := int32(0)
	for _, st := range h.statuses.Tasks(c) {
		h.statuses.Put(storage.TaskStatus(st.ID, storage.StateDestroyed, "", h.cfg.WorkerID, gen))
	}
	h.statuses.Put(storage.ConnectorStatus(c, storage.StateDestroyed, "", h.cfg.WorkerID, gen))
	h.log.Info().Str("connector", c).Msg("connector deleted")
}

func (h *Herder) stopTasks(ctx context.Context, ids []storage.ConnectorTaskID) {
	if len(ids) == 0 {
		return
	}
	h.worker.StopTasks(ctx, ids)
	for _, id := range ids {
		delete(h.runningTasks, id)
		delete(h.runningTaskState, id)
	}
}

func (h *Herder) reconcileTasks(ctx context.Context) {
	want := map[storage.ConnectorTaskID]map[string]string{}
	for _, id := range h.assignedTasks() {
		if h.snapshot.TargetState(id.Connector) == storage.TargetStopped {
			continue
		}
		want[id] = h.snapshot.TaskConfigs[id]
	}
	var stop []storage.ConnectorTaskID
	for id, props := range h.runningTasks {
		if w, ok := want[id]; !ok || !maps.Equal(w, props) {
			stop = append(stop, id)
		}
	}
	h.stopTasks(ctx, stop)
	ids := make([]storage.ConnectorTaskID, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if ids[i].Connector != ids[j].Connector {
			return ids[i].Connector < ids[j].Connector
		}
		return ids[i].Task < ids[j].Task
	})
	for _, id := range ids {
		target := h.snapshot.TargetState(id.Connector)
		if _, running := h.runningTasks[id]; running {
			if h.runningTaskState[id] != target {
				h.worker.SetTaskTargetState(id, target)
				h.runningTaskState[id] = target
			}
			continue
		}
		h.runningTasks[id] = want[id]
		h.runningTaskState[id] = target
		if err := h.worker.StartTask(id, h.snapshot.ConnectorConfigs[id.Connector], want[id], target); err != nil {
			h.log.Error().Err(err).Str("connector", id.Connector).Int("task", id.Task).Msg("could not start task")
		}
	}
}

// regenerateTaskConfigs asks started connectors for task configs and, on the
// leader, writes them when they differ from the committed ones.
func (h *Herder) regenerateTaskConfigs(ctx context.Context) {
	if !h.isLeader() {
		return
	}
	for _, c := range h.snapshot.Connectors() {
		if h.snapshot.Inconsistent[c] {
			h.needsTaskConfigs[c] = true
		}
	}
	now := time.Now()
	for _, c := range sortedKeys(h.needsTaskConfigs) {
		if at, ok := h.retryAt[c]; ok && now.Before(at) {
			continue
		}
		if !h.snapshot.Contains(c) || h.snapshot.TargetState(c) != storage.TargetStarted {
			delete(h.needsTaskConfigs, c)
			continue
		}
		if !h.worker.IsConnectorRunning(c) {
			// It will ask again through ConnectorStarted once it runs.
			delete(h.needsTaskConfigs, c)
			continue
		}
		if err := h.reconfigureConnectorTasks(ctx, c); err != nil {
			if errors.Is(err, context.Canceled) {
				return
			}
			b := h.retryBackoff[c]
			b = min(max(b*2, h.cfg.ReconfigureBackoff), maxReconfigureBackoff)
			h.retryBackoff[c] = b
			h.retryAt[c] = now.Add(b)
			h.log.Warn().Err(err).Str("connector", c).Dur("retry_in", b).Msg("task reconfiguration failed; will retry")
			continue
		}
		delete(h.needsTaskConfigs, c)
		delete(h.retryAt, c)
		delete(h.retryBackoff, c)
	}
}

// reconfigureConnectorTasks writes new task configs for c when they differ
// from what the config topic holds (Java's reconfigureConnector).
func (h *Herder) reconfigureConnectorTasks(ctx context.Context, c string) error {
	configs, err := h.worker.ConnectorTaskConfigs(ctx, c)
	if err != nil {
		if errors.Is(err, runtime.ErrConnectorNotRunning) {
			return nil
		}
		return err
	}
	if !h.snapshot.Inconsistent[c] && sameTaskConfigs(configs, h.snapshot.TaskConfigsOf(c)) {
		h.log.Debug().Str("connector", c).Int("tasks", len(configs)).Msg("task configs unchanged")
		return nil
	}
	if err := h.configs.PutTaskConfigs(ctx, c, configs); err != nil {
		return err
	}
	h.log.Info().Str("connector", c).Int("tasks", len(configs)).Msg("wrote new task configs")
	h.snapshot = h.configs.Snapshot()
	return nil
}

func sameTaskConfigs(a, b []map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !maps.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var _ runtime.ConnectorEvents = (*Herder)(nil)
