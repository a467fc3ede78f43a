package group

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/rs/zerolog"
)

// Connect's defaults for the group settings (DistributedConfig) and Kafka's
// retry.backoff.ms.
const (
	DefaultSessionTimeout    = 10 * time.Second
	DefaultRebalanceTimeout  = 60 * time.Second
	DefaultHeartbeatInterval = 3 * time.Second
	DefaultRetryBackoff      = 100 * time.Millisecond
)

// joinGroupTimeoutLapse is what Java adds to the rebalance timeout for the
// JoinGroup request's own timeout (AbstractCoordinator.JOIN_GROUP_TIMEOUT_LAPSE).
const joinGroupTimeoutLapse = 5 * time.Second

// Errors a Member returns for misuse.
var (
	ErrMemberNotStarted = errors.New("group member not started")
	ErrMemberStopped    = errors.New("group member stopped")
)

// MemberConfig configures a Member. Zero durations take Connect's defaults.
type MemberConfig struct {
	// GroupID is group.id, the Connect cluster's name.
	GroupID string
	// Brokers are the bootstrap servers.
	Brokers []string
	// Sarama is the client configuration (nil: sarama.NewConfig()). The
	// member works on a copy: it sets ClientID, turns Metadata.Full off,
	// raises Net.ReadTimeout above RebalanceTimeout (the JoinGroup request
	// waits that long on the coordinator) and installs its own dialer
	// (wrapping Net.Proxy.Dialer when a proxy is enabled).
	Sarama *sarama.Config
	// SessionTimeout is session.timeout.ms (default 10 s); the coordinator
	// evicts a member that does not heartbeat for that long.
	SessionTimeout time.Duration
	// RebalanceTimeout is rebalance.timeout.ms (default 60 s): how long the
	// coordinator waits for every member to rejoin during a rebalance.
	RebalanceTimeout time.Duration
	// HeartbeatInterval is heartbeat.interval.ms (default 3 s), also the
	// time after which an unanswered coordinator counts as lost.
	HeartbeatInterval time.Duration
	// Protocols are the offered sub-protocol wire names, most preferred
	// first (e.g. ProtocolSessioned, ProtocolCompatible, ProtocolDefault).
	Protocols []string
	// ClientID overrides Sarama.ClientID when set.
	ClientID string
	// RetryBackoff is retry.backoff.ms (default 100 ms): the pause before
	// retrying after a retriable error.
	RetryBackoff time.Duration
	// Wake, when set, is called (from the heartbeat goroutine) whenever the
	// member notices that it must rejoin or that it lost its coordinator,
	// so the herder loop wakes up and looks. It must not block.
	Wake func()
}

// RawMember is one group member as the leader sees it in the JoinGroup
// response: its id and its metadata for the chosen protocol.
type RawMember struct {
	ID       string
	Metadata []byte
}

// JoinResult is the outcome of a completed join: the generation this
// member now belongs to and its assignment bytes from SyncGroup.
type JoinResult struct {
	Protocol   string // the sub-protocol the coordinator chose
	Generation int32
	MemberID   string
	LeaderID   string
	Assignment []byte
}

// IsLeader reports whether this member led the rebalance.
func (j JoinResult) IsLeader() bool { return j.MemberID == j.LeaderID }

// Handler is what EnsureActive calls back into, on the caller's goroutine.
type Handler interface {
	// Metadata returns this member's metadata for one offered protocol. It
	// is called for every protocol in MemberConfig.Protocols each time a
	// JoinGroup request is sent.
	Metadata(protocol string) ([]byte, error)
	// Assign is called on the leader only, with every member's metadata
	// for the chosen protocol; it returns member id -> assignment bytes.
	// Members it leaves out receive an empty assignment.
	Assign(protocol, leaderID string, members []RawMember) (map[string][]byte, error)
	// Joined is called after a successful SyncGroup, with heartbeats
	// already running for the new generation.
	Joined(j JoinResult)
}

// memberState follows AbstractCoordinator.MemberState.
type memberState int

const (
	mbrUnjoined   memberState = iota // no generation
	mbrPreparing                     // JoinGroup sent
	mbrCompleting                    // JoinGroup answered, SyncGroup pending
	mbrStable                        // synced, heartbeating
)

// Member is one worker's membership of the Connect group, over sarama's raw
// group requests. EnsureActive, Leave, Start and Stop are meant for one
// goroutine (the herder's); the accessors are safe from any goroutine. Its
// own goroutines: the heartbeat loop while a generation is stable, and one
// per sarama request in flight; Stop waits for all of them.
type Member struct {
	cfg    MemberConfig
	log    zerolog.Logger
	scfg   *sarama.Config
	dialer *mbrDialer
	wg     sync.WaitGroup

	mu           sync.Mutex
	client       sarama.Client
	stopped      bool
	state        memberState
	generation   int32
	memberID     string
	protocol     string
	leaderID     string
	rejoinNeeded bool
	rejoinReason string
	coordLost    bool
	coordUnknown bool   // rediscover the coordinator before the next request
	coordEpoch   uint64 // counts markCoordinatorUnknown calls
	hb           *hbLoop

	// joinUnreachable is set by a join attempt that could not reach the
	// coordinator; only EnsureActive's goroutine uses it.
	joinUnreachable bool
}

// NewMember validates cfg, fills in defaults and returns a member that is
// not connected yet (see Start).
func NewMember(cfg MemberConfig, log zerolog.Logger) (*Member, error) {
	if cfg.GroupID == "" {
		return nil, errors.New("group member: group.id is required")
	}
	if len(cfg.Brokers) == 0 {
		return nil, errors.New("group member: no bootstrap servers")
	}
	if len(cfg.Protocols) == 0 {
		return nil, errors.New("group member: no protocols offered")
	}
	for i, p := range cfg.Protocols {
		if p == "" || slices.Contains(cfg.Protocols[:i], p) {
			return nil, fmt.Errorf("group member: protocol %q is empty or offered twice", p)
		}
	}
	cfg.Brokers = slices.Clone(cfg.Brokers)
	cfg.Protocols = slices.Clone(cfg.Protocols)
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"session.timeout.ms", &cfg.SessionTimeout, DefaultSessionTimeout},
		{"rebalance.timeout.ms", &cfg.RebalanceTimeout, DefaultRebalanceTimeout},
		{"heartbeat.interval.ms", &cfg.HeartbeatInterval, DefaultHeartbeatInterval},
		{"retry.backoff.ms", &cfg.RetryBackoff, DefaultRetryBackoff},
	} {
		switch {
		case *d.v == 0:
			*d.v = d.def
		case *d.v < time.Millisecond || *d.v > math.MaxInt32*time.Millisecond:
			return nil, fmt.Errorf("group member: %s must be between 1 and %d ms, got %v", d.name, math.MaxInt32, *d.v)
		}
		*d.v = d.v.Truncate(time.Millisecond)
	}
	if cfg.HeartbeatInterval >= cfg.SessionTimeout {
		return nil, fmt.Errorf("group member: heartbeat.interval.ms (%v) must be lower than session.timeout.ms (%v)", cfg.HeartbeatInterval, cfg.SessionTimeout)
	}

	var scfg sarama.Config
	if cfg.Sarama != nil {
		scfg = *cfg.Sarama
	} else {
		scfg = *sarama.NewConfig()
	}
	if cfg.ClientID != "" {
		scfg.ClientID = cfg.ClientID
	}
	scfg.Metadata.Full = false
	scfg.Net.ReadTimeout = max(scfg.Net.ReadTimeout, cfg.RebalanceTimeout+joinGroupTimeoutLapse)
	dialer := newMbrDialer(scfg.Net.DialTimeout, scfg.Net.KeepAlive, scfg.Net.LocalAddr)
	if scfg.Net.Proxy.Enable {
		dialer.proxy = scfg.Net.Proxy.Dialer
	}
	scfg.Net.Proxy.Enable = true
	scfg.Net.Proxy.Dialer = dialer
	if err := scfg.Validate(); err != nil {
		return nil, fmt.Errorf("group member: sarama config: %w", err)
	}
	return &Member{
		cfg:          cfg,
		log:          log.With().Str("group_id", cfg.GroupID).Logger(),
		scfg:         &scfg,
		dialer:       dialer,
		generation:   -1,
		rejoinNeeded: true,
	}, nil
}

// Start connects the member's own sarama client to the cluster.
func (m *Member) Start(ctx context.Context) error {
	m.mu.Lock()
	switch {
	case m.stopped:
		m.mu.Unlock()
		return ErrMemberStopped
	case m.client != nil:
		m.mu.Unlock()
		return errors.New("group member already started")
	}
	m.mu.Unlock()

	type res struct {
		c   sarama.Client
		err error
	}
	ch := make(chan res, 1)
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		c, err := sarama.NewClient(m.cfg.Brokers, m.scfg)
		ch <- res{c, err}
	}()
	var r res
	select {
	case r = <-ch:
	case <-ctx.Done():
		m.dialer.abort()
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			if r := <-ch; r.c != nil {
				_ = r.c.Close()
			}
		}()
		return fmt.Errorf("group %q: connect: %w", m.cfg.GroupID, ctx.Err())
	}
	if r.err != nil {
		return fmt.Errorf("group %q: connect: %w", m.cfg.GroupID, r.err)
	}
	m.mu.Lock()
	m.client = r.c
	m.mu.Unlock()
	return nil
}

// Stop leaves the group (if a member and the coordinator is known, as Java's
// WorkerGroupMember.stop does), closes the client and waits, bounded by
// ctx, for the member's goroutines. A stopped member cannot be restarted.
func (m *Member) Stop(ctx context.Context) error {
	m.mu.Lock()
	if m.stopped {
		m.mu.Unlock()
		return nil
	}
	m.stopped = true
	client := m.client
	m.mu.Unlock()

	var errs []error
	if client != nil {
		if err := m.leave(ctx, "the worker is stopping"); err != nil {
			errs = append(errs, err)
		}
	}
	m.mu.Lock()
	m.stopHeartbeatLocked()
	m.mu.Unlock()
	m.dialer.abort()
	done := make(chan struct{})
	go func() {
		if client != nil {
			if err := client.Close(); err != nil {
				m.log.Debug().Err(err).Msg("closing the group client")
			}
		}
		m.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		m.dialer.close()
	case <-ctx.Done():
		errs = append(errs, fmt.Errorf("group %q: stop: %w", m.cfg.GroupID, ctx.Err()))
	}
	return errors.Join(errs...)
}

// Leave sends LeaveGroup (when this member has a member id, has joined or
// is joining, and its coordinator is known: Java's maybeLeaveGroup) and
// resets the member: no generation, no member id, rejoin needed. The reset
// happens even when the request fails; the error is returned for logging.
func (m *Member) Leave(ctx context.Context) error {
	return m.leave(ctx, "the worker is leaving the group")
}

// NeedsRejoin reports whether EnsureActive has work to do: the member has no
// stable generation, a rejoin was requested (by RequestRejoin or by the
// coordinator through a heartbeat), or the coordinator was lost.
func (m *Member) NeedsRejoin() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.rejoinNeeded || m.state != mbrStable || m.coordLost
}

// RequestRejoin asks for a rejoin at the next EnsureActive; reason is logged
// and sent in JoinGroup (v8+). It does not call Wake.
func (m *Member) RequestRejoin(reason string) {
	m.mu.Lock()
	m.rejoinNeeded = true
	m.rejoinReason = reason
	m.mu.Unlock()
	m.log.Debug().Str("reason", reason).Msg("rejoin requested")
}

// Generation returns the member's current generation, member id and
// protocol: -1, "" and "" before the first join and after a reset; the
// values of the last JoinGroup response otherwise (also while a rejoin is
// pending).
func (m *Member) Generation() (generation int32, memberID string, protocol string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.generation, m.memberID, m.protocol
}

// CoordinatorLost reports whether the coordinator went unanswered for longer
// than the heartbeat interval while this member was in a stable generation
// (Java's KAFKA-9184 protection: the worker must stop all its work, since
// the group may already have given it to others), or whether EnsureActive
// gave up (its context ended) after failing to reach the coordinator for
// longer than the heartbeat interval. It stays true until the next
// successful EnsureActive.
func (m *Member) CoordinatorLost() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.coordLost
}

func (m *Member) leave(ctx context.Context, reason string) error {
	m.mu.Lock()
	m.stopHeartbeatLocked()
	id, gen, st := m.memberID, m.generation, m.state
	known := !m.coordUnknown && !m.coordLost
	client := m.client
	m.resetLocked(false)
	m.rejoinNeeded = true
	m.mu.Unlock()

	log := m.log.With().Str("member_id", id).Int32("generation", gen).Logger()
	if id == "" || st == mbrUnjoined || !known || client == nil {
		return nil
	}
	log.Info().Str("reason", reason).Msg("leaving the group")
	req := &sarama.LeaveGroupRequest{GroupId: m.cfg.GroupID}
	switch v := m.scfg.Version; {
	case v.IsAtLeast(sarama.V3_2_0_0):
		req.Version = 5
	case v.IsAtLeast(sarama.V2_4_0_0):
		req.Version = 4
	case v.IsAtLeast(sarama.V2_0_0_0):
		req.Version = 2
	case v.IsAtLeast(sarama.V0_11_0_0):
		req.Version = 1
	}
	if req.Version >= 3 {
		mi := sarama.MemberIdentity{MemberId: id}
		if req.Version >= 5 {
			r := mbrTruncate(reason)
			mi.Reason = &r
		}
		req.Members = []sarama.MemberIdentity{mi}
	} else {
		req.MemberId = id
	}
	resp, err := mbrCall(ctx, m, func() (*sarama.LeaveGroupResponse, error) {
		b, err := client.Coordinator(m.cfg.GroupID)
		if err != nil {
			return nil, err
		}
		return b.LeaveGroup(req)
	})
	if err == nil && resp.Err != sarama.ErrNoError {
		err = resp.Err
	}
	if err == nil {
		for _, mr := range resp.Members {
			if mr.Err != sarama.ErrNoError {
				err = mr.Err
			}
		}
	}
	if err != nil {
		log.Warn().Err(err).Msg("LeaveGroup failed")
		return fmt.Errorf("group %q: leave: %w", m.cfg.GroupID, err)
	}
	return nil
}

// resetLocked forgets the generation (and the member id unless keepID), as
// AbstractCoordinator.resetStateAndGeneration does.
func (m *Member) resetLocked(keepID bool) {
	m.state = mbrUnjoined
	m.generation = -1
	m.protocol = ""
	m.leaderID = ""
	if !keepID {
		m.memberID = ""
	}
}

// markCoordinatorUnknown makes the next request look the coordinator up
// again (AbstractCoordinator.markCoordinatorUnknown).
func (m *Member) markCoordinatorUnknown() {
	m.mu.Lock()
	m.coordUnknown = true
	m.coordEpoch++
	m.mu.Unlock()
}

// coordinator returns the group coordinator's broker, asking the cluster
// again first if it was marked unknown.
func (m *Member) coordinator() (*sarama.Broker, error) {
	m.mu.Lock()
	client, refresh, epoch := m.client, m.coordUnknown, m.coordEpoch
	m.mu.Unlock()
	if refresh {
		if err := client.RefreshCoordinator(m.cfg.GroupID); err != nil {
			return nil, err
		}
		m.mu.Lock()
		if m.coordEpoch == epoch {
			m.coordUnknown = false
		}
		m.mu.Unlock()
	}
	return client.Coordinator(m.cfg.GroupID)
}

func (m *Member) wake() {
	if m.cfg.Wake != nil {
		m.cfg.Wake()
	}
}

// mbrTruncate cuts a reason to the 255 characters Java sends
// (JoinGroupRequest.maybeTruncateReason).
func mbrTruncate(s string) string {
	if r := []rune(s); len(r) > 255 {
		return string(r[:255])
	}
	return s
}
