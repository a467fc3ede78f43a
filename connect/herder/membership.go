package herder

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ferrykafka/ferry/connect/group"
	"github.com/ferrykafka/ferry/storage"
)

// Group membership: the herder joins the Connect group through a
// group.Member. The join runs on the herder loop (Java's tick thread); the
// member's heartbeat goroutine only wakes the loop. Without a member (unit
// tests) the herder is a one-worker cluster that leads and runs everything.

// Connect protocols as the connect.protocol worker setting names them.
const (
	ConnectProtocolEager      = "eager"
	ConnectProtocolCompatible = "compatible"
	ConnectProtocolSessioned  = "sessioned"
)

// Protocols returns the sub-protocols a worker with this connect.protocol
// offers in JoinGroup, most preferred first.
func Protocols(connectProtocol string) []string {
	switch strings.ToLower(connectProtocol) {
	case ConnectProtocolEager:
		return []string{group.ProtocolDefault}
	case ConnectProtocolCompatible:
		return []string{group.ProtocolCompatible, group.ProtocolDefault}
	default:
		return []string{group.ProtocolSessioned, group.ProtocolCompatible, group.ProtocolDefault}
	}
}

func protocolVersion(protocol string) int16 {
	switch protocol {
	case group.ProtocolSessioned:
		return group.Version2
	case group.ProtocolCompatible:
		return group.Version1
	}
	return group.Version0
}

// membership is the loop-owned group state.
type membership struct {
	joined     bool
	generation int32
	memberID   string
	leaderID   string
	leaderURL  string
	protocol   string
	// wasLeader is whether this worker led the last applied generation.
	wasLeader bool
	// owned is what this worker runs by assignment (connectors and tasks);
	// nil before the first assignment.
	owned *group.Assignment
	// lastCompleted is the generation of the last applied assignment.
	lastCompleted int32
	// incremental is the incremental cooperative assignor's state, kept
	// for the worker's whole life as Java does.
	incremental group.IncrementalState
	// rejoinAt is when a delayed rebalance (Assignment.Delay) or a backoff
	// after a failed join is due.
	rejoinAt time.Time
	// owners is, on the leader, which member URL runs each connector and
	// task after the last assignment it computed (Java's LeaderState),
	// for forwarding restarts to the owner.
	owners workOwners
	// workSignature describes the connectors and tasks of the snapshot the
	// last assignment was made from; when it changes, the group rebalances.
	workSignature string
}

func newMembership() membership { return membership{lastCompleted: -1} }

// isLeader reports whether this worker may write connector and task configs.
func (h *Herder) isLeader() bool {
	if h.member == nil {
		return true
	}
	return h.ms.joined && h.ms.memberID == h.ms.leaderID
}

// leaderURL is the leader's advertised URL ("" while unknown).
func (h *Herder) leaderURL() string {
	if h.member == nil {
		return h.cfg.AdvertisedURL
	}
	return h.ms.leaderURL
}

// signingRequired reports whether internal requests must be signed: the
// group runs the sessioned sub-protocol.
func (h *Herder) signingRequired() bool {
	return h.member != nil && h.ms.protocol == group.ProtocolSessioned
}

func (h *Herder) verificationAlgorithms() []string {
	if len(h.cfg.VerificationAlgorithms) == 0 {
		return []string{defaultSignatureAlgorithm}
	}
	return h.cfg.VerificationAlgorithms
}

// assignedConnectors are the configured connectors this worker runs.
func (h *Herder) assignedConnectors() []string {
	if h.member == nil {
		return h.snapshot.Connectors()
	}
	if !h.ms.joined || h.ms.owned == nil {
		return nil
	}
	var out []string
	for _, c := range h.ms.owned.Connectors {
		if h.snapshot.Contains(c) {
			out = append(out, c)
		}
	}
	return out
}

// assignedTasks are the committed tasks this worker runs.
func (h *Herder) assignedTasks() []storage.ConnectorTaskID {
	if h.member == nil {
		var out []storage.ConnectorTaskID
		for _, c := range h.snapshot.Connectors() {
			out = append(out, h.snapshot.Tasks(c)...)
		}
		return out
	}
	if !h.ms.joined || h.ms.owned == nil {
		return nil
	}
	var out []storage.ConnectorTaskID
	for _, t := range h.ms.owned.Tasks {
		id := storage.ConnectorTaskID{Connector: t.Connector, Task: int(t.Task)}
		if _, ok := h.snapshot.TaskConfigs[id]; ok && slices.Contains(h.snapshot.Tasks(t.Connector), id) {
			out = append(out, id)
		}
	}
	return out
}

// workSignature summarises which connectors and tasks exist: the group must
// rebalance when it changes (a connector added or removed, a task count
// changed), as Java's needsReconfigRebalance.
func workSignature(s storage.ClusterConfigState) string {
	var b strings.Builder
	for _, c := range s.Connectors() {
		fmt.Fprintf(&b, "%s/%d;", c, len(s.Tasks(c)))
	}
	return b.String()
}

// ensureMembership keeps the worker in the group: it notices a lost
// coordinator (and stops all work, so no zombie runs it twice), asks for a
// rebalance when the work changed or a delayed rebalance is due, and joins
// when needed. It returns false while the worker holds no valid assignment.
func (h *Herder) ensureMembership(ctx context.Context) bool {
	if h.member == nil {
		return true
	}
	if h.member.CoordinatorLost() && h.ms.joined {
		h.log.Warn().Int32("generation", h.ms.generation).Msg("lost contact with the group coordinator; stopping all work until the worker rejoins")
		h.stopAllWork(ctx)
		h.ms.joined = false
		h.ms.owned = &group.Assignment{}
	}
	now := time.Now()
	if h.ms.joined && h.ms.workSignature != workSignature(h.snapshot) {
		h.member.RequestRejoin("connectors or tasks changed")
	}
	if !h.ms.rejoinAt.IsZero() && !now.Before(h.ms.rejoinAt) {
		h.ms.rejoinAt = time.Time{}
		h.member.RequestRejoin("scheduled rebalance")
	}
	if !h.ms.joined || h.member.NeedsRejoin() {
		if !h.ms.rejoinAt.IsZero() && now.Before(h.ms.rejoinAt) && !h.ms.joined {
			return false // backing off after a failed join
		}
		h.rejoin(ctx)
	}
	return h.ms.joined
}

// rejoin runs one join of the group and applies the assignment.
func (h *Herder) rejoin(ctx context.Context) {
	defer h.stages.begin("ensuring membership in the cluster")()
	if h.ms.protocol == group.ProtocolDefault {
		// Eager rebalancing: everything is revoked before the join.
		h.stopAllWork(ctx)
		h.ms.owned = &group.Assignment{}
	}
	h.ms.joined = false
	started := time.Now()
	jh := &joinHandler{h: h}
	if err := h.member.EnsureActive(ctx, jh); err != nil {
		if ctx.Err() != nil {
			return
		}
		h.log.Warn().Err(err).Msg("could not join the Connect group; retrying")
		h.ms.rejoinAt = time.Now().Add(h.cfg.RetryBackoff)
		return
	}
	if jh.result == nil {
		h.log.Warn().Msg("join completed without an assignment; rejoining")
		h.member.RequestRejoin("no assignment")
		return
	}
	h.applyAssignment(ctx, *jh.result, time.Since(started))
}

// applyAssignment takes the assignment of a completed join.
func (h *Herder) applyAssignment(ctx context.Context, j group.JoinResult, took time.Duration) {
	a, err := group.DecodeAssignment(j.Assignment)
	if err != nil {
		h.log.Error().Err(err).Msg("undecodable assignment; rejoining")
		h.member.RequestRejoin("undecodable assignment")
		return
	}
	h.ms.generation, h.ms.memberID, h.ms.leaderID, h.ms.protocol = j.Generation, j.MemberID, a.Leader, j.Protocol
	h.ms.leaderURL = a.LeaderURL
	h.worker.SetGeneration(j.Generation)
	log := h.log.With().Int32("generation", j.Generation).Str("protocol", j.Protocol).Logger()
	if a.Failed() {
		log.Info().Msg("the leader's config snapshot was behind; reading the config topic and rejoining")
		h.refreshConfigs(ctx)
		h.member.RequestRejoin("config mismatch")
		return
	}
	if h.snapshot.Offset < a.ConfigOffset {
		h.refreshConfigs(ctx)
		if h.snapshot.Offset < a.ConfigOffset {
			log.Warn().Int64("have", h.snapshot.Offset).Int64("need", a.ConfigOffset).
				Msg("could not read the config topic up to the assignment's offset; leaving the group and backing off")
			h.stopAllWork(ctx)
			h.ms.owned = &group.Assignment{}
			_ = h.member.Leave(ctx)
			h.ms.rejoinAt = time.Now().Add(h.unsyncBackoff())
			return
		}
	}
	// Stop revoked work before taking new work.
	var revokedTasks []storage.ConnectorTaskID
	for _, t := range a.RevokedTasks {
		revokedTasks = append(revokedTasks, storage.ConnectorTaskID{Connector: t.Connector, Task: int(t.Task)})
	}
	h.stopTasks(ctx, revokedTasks)
	for _, c := range a.RevokedConnectors {
		if _, ok := h.runningConn[c]; ok {
			h.stopConnectorInstance(ctx, c)
		}
	}
	conns, tasks := group.ApplyAssignment(h.ms.owned, a)
	h.ms.owned = &group.Assignment{
		Version: a.Version, Leader: a.Leader, LeaderURL: a.LeaderURL, ConfigOffset: a.ConfigOffset,
		Connectors: conns, Tasks: tasks,
	}
	h.ms.joined = true
	h.ms.lastCompleted = j.Generation
	h.ms.workSignature = workSignature(h.snapshot)
	if a.Delay > 0 {
		h.ms.rejoinAt = time.Now().Add(time.Duration(a.Delay) * time.Millisecond)
	}
	if len(a.RevokedConnectors)+len(a.RevokedTasks) > 0 {
		// Revoked work is free to go elsewhere: rejoin at once (KIP-415).
		h.member.RequestRejoin("work was revoked")
	}
	log.Info().Bool("leader", j.IsLeader()).Str("leader_url", a.LeaderURL).Int("connectors", len(conns)).Int("tasks", len(tasks)).
		Int("revoked", len(a.RevokedConnectors)+len(a.RevokedTasks)).Int32("delay_ms", a.Delay).Dur("took", took).
		Msg("joined the Connect group")
	if h.isLeader() {
		h.removeDeletedStatuses()
	}
	h.noteLeadership()
}

// noteLeadership runs the leadership hook when this worker has just become
// the leader.
func (h *Herder) noteLeadership() {
	leader := h.isLeader()
	if leader && !h.ms.wasLeader && h.onLeadership != nil {
		h.sends.Add(1)
		go func() {
			defer h.sends.Done()
			h.onLeadership(h.sendCtx)
		}()
	}
	h.ms.wasLeader = leader
}

// unsyncBackoff is how long a worker stays out after it could not catch up
// with the config topic (Java: worker.unsync.backoff.ms for eager; a tenth
// of the maximum delay for incremental).
func (h *Herder) unsyncBackoff() time.Duration {
	if h.ms.protocol == group.ProtocolDefault {
		return h.cfg.WorkerUnsyncBackoff
	}
	return h.cfg.ScheduledRebalanceMaxDelay / 10
}

// refreshConfigs reads the config topic to its end within
// worker.sync.timeout.ms and takes a new snapshot.
func (h *Herder) refreshConfigs(ctx context.Context) {
	rctx, cancel := context.WithTimeout(ctx, h.cfg.WorkerSyncTimeout)
	defer cancel()
	if err := h.configs.Refresh(rctx); err != nil && !errors.Is(err, context.Canceled) {
		h.log.Warn().Err(err).Msg("could not read the config topic to its end")
	}
	h.snapshot = h.configs.Snapshot()
}

// stopAllWork stops every task and connector this worker runs.
func (h *Herder) stopAllWork(ctx context.Context) {
	var tasks []storage.ConnectorTaskID
	for id := range h.runningTasks {
		tasks = append(tasks, id)
	}
	h.stopTasks(ctx, tasks)
	for _, c := range sortedKeys(h.runningConn) {
		h.stopConnectorInstance(ctx, c)
	}
}

// joinHandler answers the member's callbacks during a join; it runs on the
// herder loop.
type joinHandler struct {
	h      *Herder
	result *group.JoinResult
}

// Metadata is this worker's WorkerState for one offered protocol.
func (j *joinHandler) Metadata(protocol string) ([]byte, error) {
	h := j.h
	ws := group.WorkerState{Version: protocolVersion(protocol), URL: h.cfg.AdvertisedURL, ConfigOffset: h.snapshot.Offset}
	if ws.Version >= group.Version1 && h.ms.owned != nil {
		a := *h.ms.owned
		a.Version = ws.Version
		ws.Allocation = &a
	}
	return group.EncodeWorkerState(ws)
}

// Assign computes the group's assignments on the leader.
func (j *joinHandler) Assign(protocol, leaderID string, members []group.RawMember) (map[string][]byte, error) {
	h := j.h
	joined, err := group.DecodeJoinedMembers(members)
	if err != nil {
		return nil, fmt.Errorf("decode member metadata: %w", err)
	}
	if h.snapshot.Offset < group.MaxMemberConfigOffset(joined) {
		// Another member has read further: catch up once before assigning.
		h.refreshConfigs(context.Background())
	}
	var connectors []string
	var tasks []group.TaskID
	for _, c := range h.snapshot.Connectors() {
		connectors = append(connectors, c)
		for _, id := range h.snapshot.Tasks(c) {
			tasks = append(tasks, group.TaskID{Connector: c, Task: int32(id.Task)})
		}
	}
	var out map[string]group.Assignment
	if protocol == group.ProtocolDefault {
		out = group.AssignEager(group.EagerInput{
			Members: joined, LeaderID: leaderID, LeaderURL: h.cfg.AdvertisedURL, ConfigOffset: h.snapshot.Offset,
			Connectors: connectors, Tasks: tasks,
		})
	} else {
		generation, _, _ := h.member.Generation()
		out, h.ms.incremental = group.AssignIncremental(group.IncrementalInput{
			Members: joined, LeaderID: leaderID, LeaderURL: h.cfg.AdvertisedURL, ConfigOffset: h.snapshot.Offset,
			Connectors: connectors, Tasks: tasks, Generation: generation, LastCompletedGeneration: h.ms.lastCompleted,
			Version: protocolVersion(protocol), MaxDelay: h.cfg.ScheduledRebalanceMaxDelay, Now: time.Now(),
		}, h.ms.incremental)
	}
	h.ms.owners = ownersOf(joined, out, protocol != group.ProtocolDefault)
	enc := make(map[string][]byte, len(out))
	for id, a := range out {
		b, err := group.EncodeAssignment(a)
		if err != nil {
			return nil, fmt.Errorf("encode assignment of %s: %w", id, err)
		}
		enc[id] = b
	}
	h.log.Info().Int("members", len(members)).Str("protocol", protocol).Int("connectors", len(connectors)).Int("tasks", len(tasks)).
		Int64("config_offset", h.snapshot.Offset).Msg("computed assignments as the group leader")
	return enc, nil
}

// Joined records the join result; applyAssignment acts on it.
func (j *joinHandler) Joined(r group.JoinResult) { j.result = &r }
