package group

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/IBM/sarama"
)

// What a join attempt asks of the EnsureActive loop.
type mbrNext int

const (
	mbrDone         mbrNext = iota // joined and synced
	mbrRetryNow                    // send JoinGroup again at once
	mbrRetryBackoff                // retry after RetryBackoff
	mbrFatal                       // give up and return the error
)

// EnsureActive (re)joins the group when NeedsRejoin reports true, and does
// nothing otherwise. It stops the heartbeats of the current generation,
// finds the coordinator, sends JoinGroup with h's metadata for every offered
// protocol (repeating it with the assigned member id after
// MEMBER_ID_REQUIRED), lets the leader compute assignments with h.Assign,
// sends SyncGroup, starts heartbeats for the new generation and calls
// h.Joined. Retriable errors are retried (see AbstractCoordinator) until ctx
// is done; a fatal error (authorization, inconsistent protocol, invalid
// session timeout, a Handler error, ...) is returned, and so is ctx's
// error, in which case any request in flight is aborted.
func (m *Member) EnsureActive(ctx context.Context, h Handler) error {
	if h == nil {
		return errors.New("group member: nil handler")
	}
	m.mu.Lock()
	switch {
	case m.stopped:
		m.mu.Unlock()
		return ErrMemberStopped
	case m.client == nil:
		m.mu.Unlock()
		return ErrMemberNotStarted
	case m.state == mbrStable && !m.rejoinNeeded && !m.coordLost:
		m.mu.Unlock()
		return nil
	}
	m.stopHeartbeatLocked()
	m.mu.Unlock()

	// unreachable is when the coordinator stopped answering (connection
	// errors, NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE); zero while it
	// answers.
	var unreachable time.Time
	fail := func(err error) error {
		if ctx.Err() != nil && !unreachable.IsZero() && time.Since(unreachable) >= m.cfg.HeartbeatInterval {
			m.mu.Lock()
			lost := !m.coordLost
			m.coordLost = true
			m.mu.Unlock()
			if lost {
				m.log.Warn().Dur("unreachable_for", time.Since(unreachable)).
					Msg("group coordinator unreachable while joining; this worker must stop its work until it rejoins")
			}
		}
		return fmt.Errorf("group %q: join: %w", m.cfg.GroupID, err)
	}
	for {
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		next, reachable, err := m.joinOnce(ctx, h)
		switch {
		case reachable:
			unreachable = time.Time{}
		case unreachable.IsZero():
			unreachable = time.Now()
		}
		switch next {
		case mbrDone:
			return nil
		case mbrFatal:
			return fail(err)
		case mbrRetryBackoff:
			if err := mbrSleep(ctx, m.cfg.RetryBackoff); err != nil {
				return fail(err)
			}
		}
	}
}

// joinOnce runs one JoinGroup and, if that succeeds, one SyncGroup. It
// reports whether the coordinator answered (even with an error other than
// NOT_COORDINATOR or COORDINATOR_NOT_AVAILABLE).
func (m *Member) joinOnce(ctx context.Context, h Handler) (next mbrNext, reachable bool, err error) {
	next, err = m.joinSync(ctx, h)
	return next, !m.joinUnreachable, err
}

func (m *Member) joinSync(ctx context.Context, h Handler) (mbrNext, error) {
	m.joinUnreachable = false
	if _, err := mbrCall(ctx, m, m.coordinator); err != nil {
		return m.requestFailed(ctx, "FindCoordinator", err)
	}

	m.mu.Lock()
	memberID, reason := m.memberID, m.rejoinReason
	m.state = mbrPreparing
	m.mu.Unlock()
	req := sarama.NewJoinGroupRequest(m.scfg.Version)
	req.GroupId = m.cfg.GroupID
	req.MemberId = memberID
	req.SessionTimeout = int32(m.cfg.SessionTimeout / time.Millisecond)
	req.RebalanceTimeout = int32(m.cfg.RebalanceTimeout / time.Millisecond)
	req.ProtocolType = ProtocolType
	if req.Version >= 8 {
		r := mbrTruncate(reason)
		req.Reason = &r
	}
	for _, p := range m.cfg.Protocols {
		meta, err := h.Metadata(p)
		if err != nil {
			return mbrFatal, fmt.Errorf("metadata for protocol %s: %w", p, err)
		}
		req.AddGroupProtocol(p, meta)
	}
	log := m.log.With().Str("member_id", memberID).Logger()
	ev := log.Info()
	if reason != "" {
		ev = ev.Str("reason", reason)
	}
	ev.Msg("(re-)joining group")
	resp, err := mbrCall(ctx, m, func() (*sarama.JoinGroupResponse, error) {
		b, err := m.coordinator()
		if err != nil {
			return nil, err
		}
		return b.JoinGroup(req)
	})
	if err != nil {
		return m.requestFailed(ctx, "JoinGroup", err)
	}

	switch resp.Err {
	case sarama.ErrNoError:
	case sarama.ErrMemberIdRequired:
		// KIP-394: join again with the id the coordinator assigned.
		m.mu.Lock()
		m.resetLocked(true)
		m.memberID = resp.MemberId
		m.state = mbrPreparing
		m.mu.Unlock()
		log.Debug().Str("assigned_member_id", resp.MemberId).Msg("JoinGroup: member id required, joining again with it")
		return mbrRetryNow, nil
	case sarama.ErrUnknownMemberId:
		log.Info().Msg("JoinGroup: unknown member id; joining again as a new member")
		m.reset(false, "UNKNOWN_MEMBER_ID from JoinGroup")
		return mbrRetryNow, nil
	case sarama.ErrIllegalGeneration:
		// Kafka does not answer JoinGroup with it (Java would treat it as
		// fatal); retrying with a reset generation is harmless.
		log.Info().Msg("JoinGroup: illegal generation; joining again")
		m.reset(true, "ILLEGAL_GENERATION from JoinGroup")
		return mbrRetryNow, nil
	case sarama.ErrRebalanceInProgress:
		log.Info().Msg("JoinGroup: rebalance in progress; joining again")
		return mbrRetryNow, nil
	case sarama.ErrNotCoordinatorForConsumer, sarama.ErrConsumerCoordinatorNotAvailable:
		log.Info().Err(resp.Err).Msg("JoinGroup failed; rediscovering the coordinator")
		m.markCoordinatorUnknown()
		m.joinUnreachable = true
		return mbrRetryBackoff, nil
	case sarama.ErrOffsetsLoadInProgress:
		log.Info().Msg("JoinGroup: the coordinator is loading the group; retrying")
		return mbrRetryBackoff, nil
	default:
		// INCONSISTENT_GROUP_PROTOCOL, INVALID_SESSION_TIMEOUT,
		// INVALID_GROUP_ID, GROUP_AUTHORIZATION_FAILED,
		// GROUP_MAX_SIZE_REACHED, UNSUPPORTED_VERSION, FENCED_INSTANCE_ID
		// and anything unexpected are fatal, as in Java.
		log.Error().Err(resp.Err).Msg("JoinGroup failed")
		return mbrFatal, fmt.Errorf("JoinGroup: %w", resp.Err)
	}
	if resp.ProtocolType != nil && *resp.ProtocolType != ProtocolType {
		return mbrFatal, fmt.Errorf("JoinGroup: protocol type %q, want %q: %w", *resp.ProtocolType, ProtocolType, sarama.ErrInconsistentGroupProtocol)
	}
	if !slices.Contains(m.cfg.Protocols, resp.GroupProtocol) {
		return mbrFatal, fmt.Errorf("JoinGroup: the coordinator chose protocol %q, which this member did not offer: %w", resp.GroupProtocol, sarama.ErrInconsistentGroupProtocol)
	}

	m.mu.Lock()
	m.state = mbrCompleting
	m.generation = resp.GenerationId
	m.memberID = resp.MemberId
	m.protocol = resp.GroupProtocol
	m.leaderID = resp.LeaderId
	m.mu.Unlock()
	log = m.log.With().Str("member_id", resp.MemberId).Int32("generation", resp.GenerationId).Logger()
	leader := resp.LeaderId == resp.MemberId
	log.Info().Str("protocol", resp.GroupProtocol).Str("leader_id", resp.LeaderId).Bool("leader", leader).
		Int("members", len(resp.Members)).Msg("joined group")

	sync := &sarama.SyncGroupRequest{GroupId: m.cfg.GroupID, GenerationId: resp.GenerationId, MemberId: resp.MemberId}
	switch v := m.scfg.Version; {
	case v.IsAtLeast(sarama.V2_5_0_0):
		sync.Version = 5
	case v.IsAtLeast(sarama.V2_4_0_0):
		sync.Version = 4
	case v.IsAtLeast(sarama.V2_3_0_0):
		sync.Version = 3
	case v.IsAtLeast(sarama.V2_0_0_0):
		sync.Version = 2
	case v.IsAtLeast(sarama.V0_11_0_0):
		sync.Version = 1
	}
	if sync.Version >= 5 {
		pt, pn := ProtocolType, resp.GroupProtocol
		sync.ProtocolType, sync.ProtocolName = &pt, &pn
	}
	if leader {
		members := make([]RawMember, len(resp.Members))
		for i, gm := range resp.Members {
			members[i] = RawMember{ID: gm.MemberId, Metadata: gm.Metadata}
		}
		assignments, err := h.Assign(resp.GroupProtocol, resp.LeaderId, members)
		if err != nil {
			m.RequestRejoin("the leader's assignment failed")
			return mbrFatal, fmt.Errorf("assign: %w", err)
		}
		ids := make([]string, 0, len(assignments))
		for id := range assignments {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			sync.GroupAssignments = append(sync.GroupAssignments, sarama.SyncGroupRequestAssignment{MemberId: id, Assignment: assignments[id]})
		}
	}
	sresp, err := mbrCall(ctx, m, func() (*sarama.SyncGroupResponse, error) {
		b, err := m.coordinator()
		if err != nil {
			return nil, err
		}
		return b.SyncGroup(sync)
	})
	if err != nil {
		return m.requestFailed(ctx, "SyncGroup", err)
	}
	switch sresp.Err {
	case sarama.ErrNoError:
	case sarama.ErrRebalanceInProgress:
		log.Info().Msg("SyncGroup: the group began another rebalance; joining again")
		return mbrRetryNow, nil
	case sarama.ErrUnknownMemberId:
		log.Info().Msg("SyncGroup: unknown member id; joining again as a new member")
		m.reset(false, "UNKNOWN_MEMBER_ID from SyncGroup")
		return mbrRetryNow, nil
	case sarama.ErrIllegalGeneration:
		log.Info().Msg("SyncGroup: illegal generation; joining again")
		m.reset(true, "ILLEGAL_GENERATION from SyncGroup")
		return mbrRetryNow, nil
	case sarama.ErrNotCoordinatorForConsumer, sarama.ErrConsumerCoordinatorNotAvailable:
		log.Info().Err(sresp.Err).Msg("SyncGroup failed; rediscovering the coordinator")
		m.markCoordinatorUnknown()
		m.joinUnreachable = true
		return mbrRetryBackoff, nil
	default:
		log.Error().Err(sresp.Err).Msg("SyncGroup failed")
		return mbrFatal, fmt.Errorf("SyncGroup: %w", sresp.Err)
	}
	if sresp.ProtocolType != nil && *sresp.ProtocolType != ProtocolType {
		return mbrFatal, fmt.Errorf("SyncGroup: protocol type %q, want %q: %w", *sresp.ProtocolType, ProtocolType, sarama.ErrInconsistentGroupProtocol)
	}
	if sresp.ProtocolName != nil && *sresp.ProtocolName != resp.GroupProtocol {
		return mbrFatal, fmt.Errorf("SyncGroup: protocol %q, want %q: %w", *sresp.ProtocolName, resp.GroupProtocol, sarama.ErrInconsistentGroupProtocol)
	}

	m.mu.Lock()
	m.state = mbrStable
	m.rejoinNeeded = false
	m.rejoinReason = ""
	m.coordLost = false
	m.startHeartbeatLocked()
	m.mu.Unlock()
	log.Info().Int("assignment_bytes", len(sresp.MemberAssignment)).Msg("synced group")
	h.Joined(JoinResult{
		Protocol:   resp.GroupProtocol,
		Generation: resp.GenerationId,
		MemberID:   resp.MemberId,
		LeaderID:   resp.LeaderId,
		Assignment: sresp.MemberAssignment,
	})
	return mbrDone, nil
}

// requestFailed classifies an error from sarama itself (no response): the
// context's end, a client that cannot work (closed, misconfigured, an
// unsupported request version, group authorization denied during
// discovery) or, otherwise, a connection problem, after which the
// coordinator is rediscovered (Java: DisconnectException marks the
// coordinator unknown).
func (m *Member) requestFailed(ctx context.Context, what string, err error) (mbrNext, error) {
	m.joinUnreachable = true
	if ctx.Err() != nil {
		return mbrFatal, ctx.Err()
	}
	if mbrFatalClientError(err) {
		m.log.Error().Err(err).Str("request", what).Msg("group request failed")
		return mbrFatal, fmt.Errorf("%s: %w", what, err)
	}
	m.log.Info().Err(err).Str("request", what).Msg("group request failed; rediscovering the coordinator")
	m.markCoordinatorUnknown()
	return mbrRetryBackoff, nil
}

func mbrFatalClientError(err error) bool {
	var enc sarama.PacketEncodingError
	var conf sarama.ConfigurationError
	return errors.As(err, &enc) || errors.As(err, &conf) ||
		errors.Is(err, sarama.ErrClosedClient) ||
		errors.Is(err, sarama.ErrUnsupportedVersion) ||
		errors.Is(err, sarama.ErrGroupAuthorizationFailed)
}

// reset forgets the generation after an error response (and the member id
// unless keepID) and requests a rejoin
// (AbstractCoordinator.resetStateAndRejoin).
func (m *Member) reset(keepID bool, reason string) {
	m.mu.Lock()
	m.resetLocked(keepID)
	m.rejoinNeeded = true
	m.rejoinReason = reason
	m.mu.Unlock()
}
