package herder

import (
	"context"
	"sync"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/rest/entities"
	"github.com/ferrykafka/ferry/storage"
)

// Restarts (Java's restartConnector, restartTask, restartConnectorAndTasks
// and processRestartRequests).
//
// A plain restart of a connector or task runs on the worker that owns it: a
// follower forwards to the leader, the leader to the owner (two hops, as in
// Java). A restart with includeTasks/onlyFailed is a restart-connector-<c>
// record the leader writes to the config topic; every worker reads it and
// restarts what it owns of the plan.

// restartQueue holds restart requests read from the config topic until the
// loop runs them; one per connector, the latest wins (as Java's
// pendingRestartRequests).
type restartQueue struct {
	mu      sync.Mutex
	pending map[string]storage.RestartRequest
}

func (q *restartQueue) add(r storage.RestartRequest) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.pending == nil {
		q.pending = map[string]storage.RestartRequest{}
	}
	q.pending[r.Connector] = r
}

func (q *restartQueue) drain() []storage.RestartRequest {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make([]storage.RestartRequest, 0, len(q.pending))
	for _, c := range sortedKeys(q.pending) {
		out = append(out, q.pending[c])
	}
	q.pending = nil
	return out
}

// OnRestartRequest implements storage.RestartRequestListener.
func (l listener) OnRestartRequest(r storage.RestartRequest) {
	l.h.restarts.add(r)
	l.h.wakeUp()
}

// RestartConnector restarts the connector instance (not its tasks).
func (h *Herder) RestartConnector(ctx context.Context, name string) error {
	return h.timedOut(h.run(ctx, func(ctx context.Context) error {
		if h.rebalanceNeeded() {
			return errStaleConfig()
		}
		if !h.configs.Snapshot().Contains(name) {
			return connect.Errorf(connect.ErrNotFound, "Unknown connector: %s", name)
		}
		if !h.owns(name) {
			return h.notOwner("Cannot restart connector since it is not assigned to this member", h.connectorOwnerURL(name))
		}
		h.restartConnectorInstance(ctx, name)
		return nil
	}))
}

// RestartTask restarts one task on the worker that owns it.
func (h *Herder) RestartTask(ctx context.Context, id storage.ConnectorTaskID) error {
	return h.timedOut(h.run(ctx, func(ctx context.Context) error {
		if h.rebalanceNeeded() {
			return errStaleConfig()
		}
		snap := h.configs.Snapshot()
		if !snap.Contains(id.Connector) {
			return connect.Errorf(connect.ErrNotFound, "Unknown connector: %s", id.Connector)
		}
		if _, ok := snap.TaskConfigs[id]; !ok {
			return connect.Errorf(connect.ErrNotFound, "Unknown task: %s", id)
		}
		if !h.ownsTask(id) {
			return h.notOwner("Cannot restart task since it is not assigned to this member", h.taskOwnerURL(id))
		}
		defer h.stages.begin("restarting task " + id.String())()
		h.restartTasks(ctx, []storage.ConnectorTaskID{id})
		return nil
	}))
}

// RestartConnectorAndTasks writes a restart request (leader only) and
// answers the plan: the connector's status with RESTARTING for what will
// restart.
func (h *Herder) RestartConnectorAndTasks(ctx context.Context, name string, onlyFailed, includeTasks bool) (entities.ConnectorStateInfo, error) {
	info, err := call(h, ctx, func(ctx context.Context) (entities.ConnectorStateInfo, error) {
		if h.rebalanceNeeded() {
			return entities.ConnectorStateInfo{}, errStaleConfig()
		}
		if !h.configs.Snapshot().Contains(name) {
			return entities.ConnectorStateInfo{}, connect.Errorf(connect.ErrNotFound, "Unknown connector: %s", name)
		}
		if err := h.requireLeader("Only the leader can process restart requests."); err != nil {
			return entities.ConnectorStateInfo{}, err
		}
		req := storage.RestartRequest{Connector: name, OnlyFailed: onlyFailed, IncludeTasks: includeTasks}
		done := h.stages.begin("writing restart request for connector " + name + " to the config topic")
		err := h.configs.PutRestartRequest(ctx, req)
		done()
		if err != nil {
			return entities.ConnectorStateInfo{}, err
		}
		plan, ok := h.restartPlan(req)
		if !ok {
			return entities.ConnectorStateInfo{}, connect.Errorf(connect.ErrNotFound, "Status for connector %s not found", name)
		}
		return plan, nil
	})
	return info, h.timedOut(err)
}

// shouldRestartConnector and shouldRestartTask are Java's RestartRequest
// rules.
func shouldRestartConnector(r storage.RestartRequest, st storage.Status) bool {
	return !r.OnlyFailed || st.State == storage.StateFailed
}

func shouldRestartTask(r storage.RestartRequest, st storage.Status) bool {
	return r.IncludeTasks && (!r.OnlyFailed || st.State == storage.StateFailed)
}

// restartPlan is Java's buildRestartPlan: the current statuses with
// RESTARTING for every instance the request restarts.
func (h *Herder) restartPlan(r storage.RestartRequest) (entities.ConnectorStateInfo, bool) {
	cs, ok := h.statuses.Connector(r.Connector)
	if !ok {
		return entities.ConnectorStateInfo{}, false
	}
	if shouldRestartConnector(r, cs) {
		cs.State = storage.StateRestarting
	}
	tasks := h.statuses.Tasks(r.Connector)
	for i := range tasks {
		if shouldRestartTask(r, tasks[i]) {
			tasks[i].State = storage.StateRestarting
		}
	}
	typ := h.connectorType(h.configs.Snapshot().ConnectorConfigs[r.Connector])
	return entities.NewConnectorStateInfo(r.Connector, typ, cs, tasks), true
}

// processRestartRequests runs the restart requests read since the last
// tick: each worker restarts what it owns of the plan.
func (h *Herder) processRestartRequests(ctx context.Context) {
	for _, r := range h.restarts.drain() {
		h.doRestart(ctx, r)
	}
}

func (h *Herder) doRestart(ctx context.Context, r storage.RestartRequest) {
	defer h.stages.begin("handling restart request for connector " + r.Connector)()
	cs, ok := h.statuses.Connector(r.Connector)
	if !ok {
		h.log.Debug().Str("connector", r.Connector).Msg("skipping restart: no status for the connector")
		return
	}
	restartConn := shouldRestartConnector(r, cs) && h.owns(r.Connector)
	var tasks []storage.ConnectorTaskID
	versions := map[storage.ConnectorTaskID]string{}
	for _, st := range h.statuses.Tasks(r.Connector) {
		if shouldRestartTask(r, st) && h.ownsTask(st.ID) {
			tasks = append(tasks, st.ID)
			versions[st.ID] = st.Version
		}
	}
	if !restartConn && len(tasks) == 0 {
		return
	}
	h.log.Info().Str("connector", r.Connector).Bool("connector_restart", restartConn).Int("tasks", len(tasks)).
		Bool("only_failed", r.OnlyFailed).Bool("include_tasks", r.IncludeTasks).Msg("executing restart request")
	if restartConn {
		h.statuses.Put(storage.ConnectorStatus(r.Connector, storage.StateRestarting, "", h.cfg.WorkerID, h.ms.generation).WithVersion(cs.Version))
		h.restartConnectorInstance(ctx, r.Connector)
	}
	if len(tasks) > 0 {
		for _, id := range tasks {
			h.statuses.Put(storage.TaskStatus(id, storage.StateRestarting, "", h.cfg.WorkerID, h.ms.generation).WithVersion(versions[id]))
		}
		h.restartTasks(ctx, tasks)
	}
}

// owns reports whether connector c is assigned to this worker.
func (h *Herder) owns(c string) bool {
	for _, a := range h.assignedConnectors() {
		if a == c {
			return true
		}
	}
	return false
}

// ownsTask reports whether task id is assigned to this worker.
func (h *Herder) ownsTask(id storage.ConnectorTaskID) bool {
	for _, a := range h.assignedTasks() {
		if a == id {
			return true
		}
	}
	return false
}

// notOwner is Java's answer when the work runs elsewhere: the leader names
// the owner, a follower sends the request to the leader.
func (h *Herder) notOwner(msg, ownerURL string) error {
	if h.isLeader() {
		return &notLeaderError{msg: msg, leaderURL: ownerURL}
	}
	if msg == "Cannot restart connector since it is not assigned to this member" {
		msg = "Only the leader can process restart requests."
	}
	return &notLeaderError{msg: msg, leaderURL: h.leaderURL()}
}

// restartConnectorInstance stops the connector instance and starts it again
// with its current config and target state (its tasks keep running).
func (h *Herder) restartConnectorInstance(ctx context.Context, c string) {
	defer h.stages.begin("stopping restarted connector " + c)()
	h.stopConnectorInstance(ctx, c)
	props := h.snapshot.ConnectorConfigs[c]
	if props == nil {
		props = h.configs.Snapshot().ConnectorConfigs[c]
	}
	target := h.configs.Snapshot().TargetState(c)
	h.runningConn[c] = props
	h.runningConnState[c] = target
	if err := h.worker.StartConnector(c, props, target, h); err != nil {
		h.log.Error().Err(err).Str("connector", c).Msg("could not restart connector")
	}
}

// restartTasks stops the tasks and starts them again with their committed
// configs.
func (h *Herder) restartTasks(ctx context.Context, ids []storage.ConnectorTaskID) {
	h.stopTasks(ctx, ids)
	snap := h.configs.Snapshot()
	for _, id := range ids {
		props, ok := snap.TaskConfigs[id]
		if !ok {
			continue
		}
		target := snap.TargetState(id.Connector)
		if target == storage.TargetStopped {
			continue
		}
		h.runningTasks[id] = props
		h.runningTaskState[id] = target
		h.runningTaskConn[id] = snap.ConnectorConfigs[id.Connector]
		if err := h.worker.StartTask(id, snap.ConnectorConfigs[id.Connector], props, target); err != nil {
			h.log.Error().Err(err).Str("connector", id.Connector).Int("task", id.Task).Msg("could not restart task")
		}
	}
}
