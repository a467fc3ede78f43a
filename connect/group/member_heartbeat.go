package group

import (
	"time"

	"github.com/IBM/sarama"
	"github.com/rs/zerolog"
)

// hbLoop is one generation's heartbeat goroutine. The member replaces or
// drops it (under m.mu) when the generation ends; the goroutine then exits,
// and whatever it learns afterwards is ignored (Java's generationUnchanged).
//
// Timing follows Java's Heartbeat: a heartbeat is sent heartbeat.interval.ms
// after the previous one was sent; after a failure it is retried after
// retry.backoff.ms. Heartbeats run only while the generation is stable:
// EnsureActive stops them before JoinGroup (Java disables its heartbeat
// thread in PREPARING_REBALANCE; unlike Java, none are sent between
// JoinGroup and the SyncGroup answer either).
//
// Coordinator loss: a heartbeat that is sent starts a clock unless one is
// running; any answer from the coordinator stops it, whatever the error
// code. Connection errors and NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE
// only lead to a rediscovery and a retry. When the clock reaches
// heartbeat.interval.ms the coordinator is lost: Java's WorkerCoordinator
// gives a coordinator it marked unknown heartbeat.interval.ms to be found
// again before it revokes everything (KAFKA-9184). With heartbeats every
// interval, that is at most about two intervals after the last answer.
type hbLoop struct {
	stop       chan struct{}
	generation int32
	memberID   string
}

type hbResult struct {
	resp *sarama.HeartbeatResponse
	err  error
}

// startHeartbeatLocked starts heartbeats for the current generation.
func (m *Member) startHeartbeatLocked() {
	m.stopHeartbeatLocked()
	l := &hbLoop{stop: make(chan struct{}), generation: m.generation, memberID: m.memberID}
	m.hb = l
	m.wg.Add(1)
	go m.heartbeatLoop(l)
}

// stopHeartbeatLocked ends the current heartbeat loop without waiting.
func (m *Member) stopHeartbeatLocked() {
	if m.hb != nil {
		close(m.hb.stop)
		m.hb = nil
	}
}

func (m *Member) heartbeatLoop(l *hbLoop) {
	defer m.wg.Done()
	interval := m.cfg.HeartbeatInterval
	log := m.log.With().Str("member_id", l.memberID).Int32("generation", l.generation).Logger()
	log.Debug().Dur("interval", interval).Msg("heartbeats started")
	defer log.Debug().Msg("heartbeats stopped")

	req := &sarama.HeartbeatRequest{GroupId: m.cfg.GroupID, GenerationId: l.generation, MemberId: l.memberID}
	switch v := m.scfg.Version; {
	case v.IsAtLeast(sarama.V2_4_0_0):
		req.Version = 4
	case v.IsAtLeast(sarama.V2_3_0_0):
		req.Version = 3
	case v.IsAtLeast(sarama.V2_0_0_0):
		req.Version = 2
	case v.IsAtLeast(sarama.V0_11_0_0):
		req.Version = 1
	}

	wait := interval
	var unanswered time.Time // when the coordinator stopped answering; zero while it answers
	lost := time.NewTimer(time.Hour)
	lost.Stop()
	defer lost.Stop()
	next := time.NewTimer(wait)
	defer next.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-lost.C:
			m.hbLost(l, log, unanswered)
			return
		case <-next.C:
		}

		sent := time.Now()
		if unanswered.IsZero() {
			unanswered = sent
			lost.Reset(interval)
		}
		ch := make(chan hbResult, 1)
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			b, err := m.coordinator()
			if err != nil {
				ch <- hbResult{err: err}
				return
			}
			resp, err := b.Heartbeat(req)
			ch <- hbResult{resp, err}
		}()
		var r hbResult
		select {
		case <-l.stop:
			return
		case <-lost.C:
			m.hbLost(l, log, unanswered)
			return
		case r = <-ch:
		}

		wait = m.cfg.RetryBackoff
		answered := r.err == nil
		if answered {
			answered = r.resp.Err != sarama.ErrNotCoordinatorForConsumer && r.resp.Err != sarama.ErrConsumerCoordinatorNotAvailable
		}
		if answered {
			unanswered = time.Time{}
			lost.Stop()
		}
		switch {
		case r.err != nil:
			log.Debug().Err(r.err).Msg("heartbeat failed; rediscovering the coordinator")
			m.markCoordinatorUnknown()
		case r.resp.Err == sarama.ErrNoError:
			wait = interval - time.Since(sent)
		case r.resp.Err == sarama.ErrRebalanceInProgress:
			// Keep heartbeating until EnsureActive rejoins, so the
			// coordinator keeps this member for the rebalance timeout.
			wait = interval - time.Since(sent)
			m.hbRejoin(l, log, "group is already rebalancing")
		case r.resp.Err == sarama.ErrIllegalGeneration:
			m.hbReset(l, log, true, "ILLEGAL_GENERATION", r.resp.Err)
			return
		case r.resp.Err == sarama.ErrUnknownMemberId:
			m.hbReset(l, log, false, "UNKNOWN_MEMBER_ID", r.resp.Err)
			return
		case r.resp.Err == sarama.ErrFencedInstancedId:
			m.hbReset(l, log, false, "FENCED_INSTANCE_ID", r.resp.Err)
			return
		case !answered:
			log.Info().Err(r.resp.Err).Msg("heartbeat failed; rediscovering the coordinator")
			m.markCoordinatorUnknown()
		default:
			log.Warn().Err(r.resp.Err).Msg("heartbeat failed; retrying")
		}
		next.Reset(max(wait, 0))
	}
}

// hbRejoin marks a rejoin needed for l's generation and wakes the herder the
// first time.
func (m *Member) hbRejoin(l *hbLoop, log zerolog.Logger, reason string) {
	m.mu.Lock()
	if m.hb != l {
		m.mu.Unlock()
		return
	}
	already := m.rejoinNeeded
	m.rejoinNeeded = true
	m.rejoinReason = reason
	m.mu.Unlock()
	if !already {
		log.Info().Str("reason", reason).Msg("rejoin needed")
		m.wake()
	}
}

// hbReset ends l's generation after ILLEGAL_GENERATION (keepID) or
// UNKNOWN_MEMBER_ID / FENCED_INSTANCE_ID, as Java's HeartbeatResponseHandler
// does, and wakes the herder.
func (m *Member) hbReset(l *hbLoop, log zerolog.Logger, keepID bool, name string, code sarama.KError) {
	m.mu.Lock()
	if m.hb != l {
		m.mu.Unlock()
		return
	}
	m.hb = nil
	m.resetLocked(keepID)
	m.rejoinNeeded = true
	m.rejoinReason = "encountered " + name + " from Heartbeat response"
	m.mu.Unlock()
	log.Info().Err(code).Bool("member_id_reset", !keepID).Msg("heartbeat rejected; generation reset, rejoin needed")
	m.wake()
}

// hbLost declares the coordinator lost: the herder must stop its work and
// rejoin. In-flight requests are aborted, so a coordinator that hangs does
// not hold the connection until the read timeout.
func (m *Member) hbLost(l *hbLoop, log zerolog.Logger, since time.Time) {
	m.mu.Lock()
	if m.hb != l {
		m.mu.Unlock()
		return
	}
	m.hb = nil
	m.coordLost = true
	m.rejoinNeeded = true
	m.rejoinReason = "the group coordinator was unreachable"
	m.coordUnknown = true
	m.coordEpoch++
	m.mu.Unlock()
	m.dialer.abort()
	log.Warn().Dur("unanswered_for", time.Since(since)).Dur("heartbeat_interval", m.cfg.HeartbeatInterval).
		Msg("group coordinator unreachable; this worker must stop its work until it rejoins")
	m.wake()
}
