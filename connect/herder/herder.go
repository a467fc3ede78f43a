package herder

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/group"
	"github.com/ferrykafka/ferry/connect/runtime"
	"github.com/ferrykafka/ferry/storage"
)

// Config holds what the herder needs besides its collaborators.
type Config struct {
	WorkerID string
	// KafkaClusterID is reported by GET / .
	KafkaClusterID string
	// Commit is the build's VCS revision, reported by GET / .
	Commit string
	// ReconfigureBackoff is the pause before retrying a failed task
	// reconfiguration (Java: 250 ms doubling up to 60 s).
	ReconfigureBackoff time.Duration

	// AdvertisedURL is this worker's REST URL ("http://host:port/"), sent to
	// the group in its metadata; the leader's is where REST writes and task
	// configs are forwarded.
	AdvertisedURL string
	// ScheduledRebalanceMaxDelay is scheduled.rebalance.max.delay.ms.
	ScheduledRebalanceMaxDelay time.Duration
	// WorkerSyncTimeout is worker.sync.timeout.ms: how long a worker may
	// take to read the config topic up to an assignment's offset.
	WorkerSyncTimeout time.Duration
	// WorkerUnsyncBackoff is worker.unsync.backoff.ms.
	WorkerUnsyncBackoff time.Duration
	// RetryBackoff is the pause after a failed join.
	RetryBackoff time.Duration
	// TopicTracking and TopicTrackingAllowReset are topic.tracking.enable
	// and topic.tracking.allow.reset (KIP-558).
	TopicTracking           bool
	TopicTrackingAllowReset bool
	// Session keys (KIP-507): inter.worker.key.generation.algorithm,
	// inter.worker.key.size (bytes; 0 = 32), inter.worker.key.ttl.ms,
	// inter.worker.signature.algorithm, inter.worker.verification.algorithms.
	KeyAlgorithm           string
	KeySize                int
	KeyTTL                 time.Duration
	SignatureAlgorithm     string
	VerificationAlgorithms []string

	// RESTNamespace are escaped path segments put before the paths of the
	// requests this worker sends to the leader's internal endpoints:
	// dedicated MirrorMaker mode serves each flow's herder under
	// /{source}/{target}/ of one REST server (Java's restNamespace).
	RESTNamespace []string
	// NoInternalREST says this worker has no REST server to talk to the
	// leader through (dedicated MirrorMaker mode without
	// dedicated.mode.enable.internal.rest): a follower whose connector
	// produces new task configs cannot hand them to the leader, and says so
	// in Java's words.
	NoInternalREST bool
}

// Option configures optional collaborators of a Herder.
type Option func(*Herder)

// WithGroupMember makes the herder a member of a Connect group: it joins
// through m, runs only what the group assigns it, and writes configs only
// as the leader. Without it the herder is a one-worker cluster.
func WithGroupMember(m *group.Member) Option { return func(h *Herder) { h.member = m } }

// WithLeadershipHook calls fn each time this worker becomes the group's
// leader after a rebalance (it was not the leader of the previous
// generation), as Java's MirrorHerder.rebalanceSuccess is told. fn runs in
// a goroutine of its own, so it may call the herder's methods; its context
// is cancelled when the herder stops.
func WithLeadershipHook(fn func(ctx context.Context)) Option {
	return func(h *Herder) { h.onLeadership = fn }
}

// Herder runs this worker's share of the cluster's connectors and tasks.
type Herder struct {
	cfg      Config
	registry *connect.Registry
	worker   *runtime.Worker
	configs  storage.ConfigStore
	offsets  storage.OffsetStore
	statuses storage.StatusStore
	log      zerolog.Logger
	member   *group.Member // nil: a one-worker cluster
	client   *http.Client  // internal requests to the leader
	// onLeadership is called when this worker becomes the leader.
	onLeadership func(ctx context.Context)

	// Sends of task configs to the leader run off the loop (see
	// startTaskConfigSend); sendCtx is cancelled by Stop.
	sendCtx     context.Context
	cancelSends context.CancelFunc
	sends       sync.WaitGroup
	sendMu      sync.Mutex
	sendResults []taskConfigSend

	started  atomic.Bool // set once Start has started the loop
	requests chan request
	wake     chan struct{}
	stop     chan struct{}
	done     chan struct{}
	ready    chan struct{}

	// stages records what the loop is doing (GET /health, timeouts).
	stages stageTracker
	// restarts are restart requests read from the config topic, run by
	// the loop (restart.go).
	restarts restartQueue
	// applyLoggerLevel, when set, applies a cluster-wide logger level read
	// from the config topic (KIP-976).
	applyLoggerLevel func(namespace, level string)

	// changes is written by listeners and events, drained by the loop.
	changes changeSet

	// Loop-owned state.
	ms               membership
	snapshot         storage.ClusterConfigState
	runningConn      map[string]map[string]string // connector -> config it was started with
	runningConnState map[string]storage.TargetState
	runningTasks     map[storage.ConnectorTaskID]map[string]string
	runningTaskState map[storage.ConnectorTaskID]storage.TargetState
	// runningTaskConn is the connector config each task was started with.
	runningTaskConn  map[storage.ConnectorTaskID]map[string]string
	needsTaskConfigs map[string]bool
	sending          map[string]bool // connectors with a send to the leader in flight
	retryAt          map[string]time.Time
	retryBackoff     map[string]time.Duration
}

// request is a unit of work executed on the herder loop.
type request struct {
	fn    func(ctx context.Context) error
	ctx   context.Context
	reply chan error
}

// New returns a herder; Start starts the stores and the loop. log is
// expected to carry the worker_id field already.
func New(cfg Config, registry *connect.Registry, worker *runtime.Worker, configs storage.ConfigStore, offsets storage.OffsetStore, statuses storage.StatusStore, log zerolog.Logger, opts ...Option) *Herder {
	if cfg.ReconfigureBackoff <= 0 {
		cfg.ReconfigureBackoff = 250 * time.Millisecond
	}
	if cfg.WorkerSyncTimeout <= 0 {
		cfg.WorkerSyncTimeout = 3 * time.Second
	}
	if cfg.WorkerUnsyncBackoff <= 0 {
		cfg.WorkerUnsyncBackoff = 5 * time.Minute
	}
	if cfg.RetryBackoff <= 0 {
		cfg.RetryBackoff = time.Second
	}
	if cfg.KeyAlgorithm == "" {
		cfg.KeyAlgorithm = DefaultKeyAlgorithm
	}
	if cfg.KeyTTL <= 0 {
		cfg.KeyTTL = DefaultKeyTTL
	}
	if cfg.SignatureAlgorithm == "" {
		cfg.SignatureAlgorithm = defaultSignatureAlgorithm
	}
	h := &Herder{
		cfg:              cfg,
		registry:         registry,
		worker:           worker,
		configs:          configs,
		offsets:          offsets,
		statuses:         statuses,
		log:              log,
		requests:         make(chan request),
		wake:             make(chan struct{}, 1),
		stop:             make(chan struct{}),
		done:             make(chan struct{}),
		ready:            make(chan struct{}),
		changes:          newChangeSet(),
		snapshot:         storage.EmptyClusterConfigState(),
		runningConn:      map[string]map[string]string{},
		runningConnState: map[string]storage.TargetState{},
		runningTasks:     map[storage.ConnectorTaskID]map[string]string{},
		runningTaskState: map[storage.ConnectorTaskID]storage.TargetState{},
		runningTaskConn:  map[storage.ConnectorTaskID]map[string]string{},
		needsTaskConfigs: map[string]bool{},
		sending:          map[string]bool{},
		retryAt:          map[string]time.Time{},
		retryBackoff:     map[string]time.Duration{},
		ms:               newMembership(),
		client:           &http.Client{Timeout: internalRequestTimeout},
	}
	h.sendCtx, h.cancelSends = context.WithCancel(context.Background())
	for _, o := range opts {
		o(h)
	}
	return h
}

// Wake makes the loop look at the group membership soon (the member's
// heartbeat goroutine calls it).
func (h *Herder) Wake() { h.wakeUp() }

// Start starts the offset, status and config stores (each reads its topic
// to the end; the config store's read is what the herder needs before it
// joins), then the herder loop. Java starts the stores one after the other;
// they do not depend on each other, so Ferry starts them side by side,
// which takes the slowest one's time instead of the sum (most of a
// worker's start-up: each creates or finds its topic, waits for its
// partitions' leaders and reads it). Only their topics are created in
// order, the config topic first (orderTopics). If a store fails to start,
// the others are stopped again and the first failure in Java's order
// (offsets, statuses, configs) is returned.
func (h *Herder) Start(ctx context.Context) error {
	h.configs.SetUpdateListener(listener{h})
	h.orderTopics()
	done := h.stages.begin("initializing and reading to the end of internal topics")
	defer done()
	stores := []struct {
		name  string
		store interface {
			Start(context.Context) error
			Stop(context.Context) error
		}
	}{{"offset", h.offsets}, {"status", h.statuses}, {"config", h.configs}}
	errs := make([]error, len(stores))
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.store.Start(ctx)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err == nil {
			continue
		}
		for j := len(stores) - 1; j >= 0; j-- {
			if errs[j] == nil {
				_ = stores[j].store.Stop(ctx)
			}
		}
		return fmt.Errorf("start %s store: %w", stores[i].name, err)
	}
	if h.member != nil {
		if err := h.member.Start(ctx); err != nil {
			for j := len(stores) - 1; j >= 0; j-- {
				_ = stores[j].store.Stop(ctx)
			}
			return fmt.Errorf("start group membership: %w", err)
		}
	}
	h.log.Info().Msg("herder started; config topic read to the end")
	h.started.Store(true)
	go h.loop()
	return nil
}

// orderTopics makes the offset and status stores create (or check) their
// topics only once the config store has created or found its own, when
// the stores can (kafkastore over kafkalog). A broker sets up new
// partitions one at a time in the order their topics were created (15 to
// 40 ms each on a two-core machine), and every step of the herder's start
// writes to the config topic: when the stores raced and the 25-partition
// offsets topic was created first, the first of those writes (the session
// key) waited half a second.
func (h *Herder) orderTopics() {
	s, ok := h.configs.(interface{ TopicSettled() <-chan struct{} })
	if !ok {
		return
	}
	settled := s.TopicSettled()
	if settled == nil {
		return
	}
	for _, store := range []any{h.offsets, h.statuses} {
		if o, ok := store.(interface{ CreateTopicAfter(<-chan struct{}) }); ok {
			o.CreateTopicAfter(settled)
		}
	}
}

// Ready is closed once the herder loop has completed its first pass.
func (h *Herder) Ready() <-chan struct{} { return h.ready }

// Stop stops the loop, then every connector and task (which flush their
// offsets), then the stores.
func (h *Herder) Stop(ctx context.Context) error {
	select {
	case <-h.stop:
	default:
		close(h.stop)
	}
	if !h.started.Load() {
		// Start never completed: it stopped whatever it had started.
		return nil
	}
	select {
	case <-h.done:
	case <-ctx.Done():
		return fmt.Errorf("herder loop did not stop: %w", ctx.Err())
	}
	h.cancelSends()
	h.sends.Wait()
	// Stop the work (offsets flushed) before leaving the group, so nobody
	// else starts it while it still runs here (Java's halt order).
	h.worker.Stop(ctx)
	var errs []error
	if h.member != nil {
		if err := h.member.Leave(ctx); err != nil {
			h.log.Warn().Err(err).Msg("could not leave the group cleanly")
		}
		if err := h.member.Stop(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop group membership: %w", err))
		}
	}
	if err := h.statuses.Flush(ctx); err != nil {
		errs = append(errs, fmt.Errorf("flush statuses: %w", err))
	}
	for _, s := range []interface{ Stop(context.Context) error }{h.configs, h.statuses, h.offsets} {
		if err := s.Stop(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	h.log.Info().Msg("herder stopped")
	return errors.Join(errs...)
}

// loop is the herder goroutine: it alone reads and writes loop-owned state.
func (h *Herder) loop() {
	defer close(h.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-h.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	h.tick(ctx)
	close(h.ready)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		timer.Reset(h.nextWake())
		select {
		case <-h.stop:
			return
		case r := <-h.requests:
			if err := r.ctx.Err(); err != nil {
				r.reply <- err // the caller gave up; do not act on its behalf
			} else {
				r.reply <- r.fn(r.ctx)
			}
		case <-h.wake:
		case <-timer.C:
		}
		h.tick(ctx)
	}
}

// nextWake is how long the loop may sleep before a scheduled retry is due.
// Only retries the loop will actually make count: a retry time left behind
// for a connector that no longer needs task configs would otherwise be in
// the past forever and make the loop spin.
func (h *Herder) nextWake() time.Duration {
	d := time.Hour
	now := time.Now()
	if !h.ms.rejoinAt.IsZero() {
		d = max(min(d, h.ms.rejoinAt.Sub(now)), 0)
	}
	if h.isLeader() && h.signingRequired() {
		if exp := keyExpiry(h.snapshot.SessionKey, h.cfg.KeyTTL); !exp.IsZero() {
			d = max(min(d, exp.Sub(now)), 0)
		}
	}
	for c, at := range h.retryAt {
		if !h.needsTaskConfigs[c] {
			continue
		}
		if w := at.Sub(now); w < d {
			d = max(w, 0)
		}
	}
	return d
}

// wakeUp makes the loop run a tick soon.
func (h *Herder) wakeUp() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// run executes fn on the herder loop and returns its error.
func (h *Herder) run(ctx context.Context, fn func(ctx context.Context) error) error {
	r := request{fn: fn, ctx: ctx, reply: make(chan error, 1)}
	select {
	case h.requests <- r:
	case <-h.stop:
		return connect.Errorf(connect.ErrConflict, "The worker is shutting down")
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-r.reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// call runs fn on the herder loop and hands its result back through the
// reply, so a caller that gives up (ctx done) never shares memory with a
// closure the loop may still be running.
func call[T any](h *Herder, ctx context.Context, fn func(ctx context.Context) (T, error)) (T, error) {
	out := make(chan T, 1)
	err := h.run(ctx, func(ctx context.Context) error {
		v, err := fn(ctx)
		out <- v
		return err
	})
	select {
	case v := <-out:
		return v, err
	default:
		var zero T
		return zero, err
	}
}

// changeSet records what listeners and events reported since the last tick.
type changeSet struct {
	mu       sync.Mutex
	reconfig map[string]bool // connectors whose task configs should be regenerated
	// configRecords are connectors with a connector-<name> record (update
	// or tombstone) read since the last tick. The snapshot alone cannot
	// tell a re-written identical config, or a deletion and re-creation
	// read in one go, from no change at all.
	configRecords map[string]bool
}

func newChangeSet() changeSet {
	return changeSet{reconfig: map[string]bool{}, configRecords: map[string]bool{}}
}

func (c *changeSet) requestReconfig(connector string) {
	c.mu.Lock()
	c.reconfig[connector] = true
	c.mu.Unlock()
}

func (c *changeSet) connectorConfigRecord(connector string) {
	c.mu.Lock()
	c.configRecords[connector] = true
	c.mu.Unlock()
}

func (c *changeSet) drain() (reconfig, configRecords map[string]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	reconfig, configRecords = c.reconfig, c.configRecords
	c.reconfig, c.configRecords = map[string]bool{}, map[string]bool{}
	return reconfig, configRecords
}
