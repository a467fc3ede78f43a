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

// connectorStopTimeout bounds the wait for a connector instance to stop
// (Java's Worker.CONNECTOR_GRACEFUL_SHUTDOWN_TIMEOUT_MS).
const connectorStopTimeout = 5 * time.Second

// tick brings what this worker runs in line with the latest config snapshot.
func (h *Herder) tick(ctx context.Context) {
	// Drain before taking the snapshot: listeners are called after the
	// store applied a record, so every record drained here is in the
	// snapshot.
	reconfig, configRecords := h.changes.drain()
	h.snapshot = h.configs.Snapshot()
	for c := range reconfig {
		h.needsTaskConfigs[c] = true
	}
	if !h.ensureMembership(ctx) {
		if h.member.NeedsRejoin() && h.ms.rejoinAt.IsZero() {
			h.wakeUp()
		}
		return
	}
	if h.isLeader() {
		h.maybeRotateSessionKey(ctx)
	}
	h.reconcileConnectors(ctx, configRecords)
	h.reconcileTasks(ctx)
	h.processRestartRequests(ctx)
	h.regenerateTaskConfigs(ctx)
	if h.member != nil && h.member.NeedsRejoin() {
		// A rejoin was requested during this tick (revoked work, a config
		// change): run the next tick at once rather than at the next
		// unrelated wake-up.
		h.wakeUp()
	}
}

// reconcileConnectors starts, stops and restarts connector instances.
// configRecords are the connectors with a connector-config record since the
// last tick.
func (h *Herder) reconcileConnectors(ctx context.Context, configRecords map[string]bool) {
	assigned := map[string]bool{}
	for _, c := range h.assignedConnectors() {
		assigned[c] = true
	}
	// Stop connectors that were deleted, unassigned or reconfigured.
	for _, c := range sortedKeys(h.runningConn) {
		props, configured := h.snapshot.ConnectorConfigs[c]
		switch {
		case !assigned[c] || !configured:
			h.stopConnector(ctx, c)
			if !configured {
				h.onDeletion(c)
			}
		case !maps.Equal(props, h.runningConn[c]):
			// Tasks restart too, so that they run with the new
			// connector config even when their own configs are
			// unchanged (what Java gets by rewriting them).
			h.stopConnector(ctx, c)
		case configRecords[c]:
			// The same config was written again, or the connector was
			// deleted and re-created between two ticks (which dropped
			// its task configs): restart the instance so it generates
			// task configs again, as Java restarts a connector on
			// every config record. Its tasks keep running unless their
			// configs change.
			h.stopConnectorInstance(ctx, c)
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
	h.stopConnectorInstance(ctx, c)
}

// stopConnectorInstance stops the connector instance only; its tasks go on.
// Like stopTasks, the wait is not cut short by Herder.Stop.
func (h *Herder) stopConnectorInstance(ctx context.Context, c string) {
	defer h.stages.begin("stopping connector " + c)()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), connectorStopTimeout)
	defer cancel()
	h.worker.StopConnector(sctx, c)
	delete(h.runningConn, c)
	delete(h.runningConnState, c)
	h.forgetTaskConfigRequest(c)
}

// forgetTaskConfigRequest drops a pending task-config request of c together
// with its retry schedule.
func (h *Herder) forgetTaskConfigRequest(c string) {
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
	if h.cfg.TopicTracking {
		h.resetActiveTopics(c)
	}
	h.log.Info().Str("connector", c).Msg("connector deleted")
}

func (h *Herder) stopTasks(ctx context.Context, ids []storage.ConnectorTaskID) {
	if len(ids) == 0 {
		return
	}
	// The loop's ctx is cancelled when Herder.Stop begins; a task being
	// stopped at that moment must still finish and flush its offsets
	// before Stop closes the stores, so the wait ignores that
	// cancellation. The worker bounds it (task.shutdown.graceful.timeout.ms
	// plus offset.flush.timeout.ms).
	h.worker.StopTasks(context.WithoutCancel(ctx), ids)
	for _, id := range ids {
		delete(h.runningTasks, id)
		delete(h.runningTaskState, id)
		delete(h.runningTaskConn, id)
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
		if w, ok := want[id]; !ok || !maps.Equal(w, props) || h.staleConnectorConfig(id) {
			stop = append(stop, id)
		}
	}
	h.stopTasks(ctx, stop)
	h.destroyRemovedTasks(stop)
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
		h.runningTaskConn[id] = h.snapshot.ConnectorConfigs[id.Connector]
		if err := h.worker.StartTask(id, h.snapshot.ConnectorConfigs[id.Connector], want[id], target); err != nil {
			h.log.Error().Err(err).Str("connector", id.Connector).Int("task", id.Task).Msg("could not start task")
		}
	}
}

// regenerateTaskConfigs asks the connectors running here for task configs
// and, when they differ from the committed ones, writes them (on the
// leader) or sends them to the leader.
func (h *Herder) regenerateTaskConfigs(ctx context.Context) {
	for _, c := range h.snapshot.Connectors() {
		if h.snapshot.Inconsistent[c] {
			h.needsTaskConfigs[c] = true
		}
	}
	h.collectTaskConfigSends()
	now := time.Now()
	for _, c := range sortedKeys(h.needsTaskConfigs) {
		if at, ok := h.retryAt[c]; ok && now.Before(at) {
			continue
		}
		if h.sending[c] {
			continue // a send to the leader is in flight; its result decides
		}
		if !h.snapshot.Contains(c) || h.snapshot.TargetState(c) != storage.TargetStarted {
			h.forgetTaskConfigRequest(c)
			continue
		}
		if !h.worker.IsConnectorRunning(c) {
			// It will ask again through ConnectorStarted once it runs.
			h.forgetTaskConfigRequest(c)
			continue
		}
		err := h.reconfigureConnectorTasks(ctx, c)
		switch {
		case errors.Is(err, errSendPending):
		case errors.Is(err, context.Canceled):
			return
		case err != nil:
			h.scheduleTaskConfigRetry(c, err, now)
		default:
			h.forgetTaskConfigRequest(c)
		}
	}
}

// scheduleTaskConfigRetry backs off (doubling, capped) before asking c for
// task configs again.
func (h *Herder) scheduleTaskConfigRetry(c string, err error, now time.Time) {
	b := h.retryBackoff[c]
	b = min(max(b*2, h.cfg.ReconfigureBackoff), maxReconfigureBackoff)
	h.retryBackoff[c] = b
	h.retryAt[c] = now.Add(b)
	h.log.Warn().Err(err).Str("connector", c).Dur("retry_in", b).Msg("task reconfiguration failed; will retry")
}

// reconfigureConnectorTasks writes new task configs for c when they differ
// from what the config topic holds (Java's reconfigureConnector).
func (h *Herder) reconfigureConnectorTasks(ctx context.Context, c string) error {
	defer h.stages.begin("generating task configs for connector " + c)()
	configs, err := h.worker.ConnectorTaskConfigs(ctx, c)
	if err != nil {
		if errors.Is(err, runtime.ErrConnectorNotRunning) {
			return nil
		}
		return err
	}
	if !taskConfigsChanged(h.snapshot, c, configs) {
		h.log.Debug().Str("connector", c).Int("tasks", len(configs)).Msg("task configs unchanged")
		return nil
	}
	if !h.isLeader() {
		h.startTaskConfigSend(c, configs)
		return errSendPending
	}
	if err := h.configs.PutTaskConfigs(ctx, c, configs); err != nil {
		return err
	}
	h.log.Info().Str("connector", c).Int("tasks", len(configs)).Msg("wrote new task configs")
	h.snapshot = h.configs.Snapshot()
	return nil
}

// staleConnectorConfig says whether a running task was started with an
// older config of its connector than the one its current task configs were
// committed with: Java restarts the tasks when task configs are committed
// for a changed connector config, even if they are the same.
func (h *Herder) staleConnectorConfig(id storage.ConnectorTaskID) bool {
	current, ok := h.snapshot.ConnectorConfigs[id.Connector]
	applied, committed := h.snapshot.AppliedConnectorConfigs[id.Connector]
	if !ok || !committed || !maps.Equal(applied, current) {
		return false
	}
	return !maps.Equal(h.runningTaskConn[id], current)
}

// taskConfigsChanged says whether configs must be written as c's new task
// configs (Java's AbstractHerder.taskConfigsChanged): c is inconsistent,
// its tasks differ in number or config, or its config changed since its
// task configs were committed (or they never were: a connector with no
// tasks still gets its "tasks": 0 commit).
func taskConfigsChanged(snap storage.ClusterConfigState, c string, configs []map[string]string) bool {
	if snap.Inconsistent[c] || !sameTaskConfigs(configs, snap.TaskConfigsOf(c)) {
		return true
	}
	applied, ok := snap.AppliedConnectorConfigs[c]
	return !ok || !maps.Equal(applied, snap.ConnectorConfigs[c])
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
