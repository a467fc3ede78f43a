package mirror

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
)

// offsetSyncStore is Java's OffsetSyncStore: it reads partition 0 of the
// offset-syncs topic from the beginning, keeps the syncs of every upstream
// partition in a syncArrays, and translates consumer group offsets with
// them for the checkpoint task.
//
// Goroutines: start runs on the caller's; the reader (tail.run) is started
// by start and lives until close, fetching with one request at a time;
// network calls start gave up on (ctx ended) finish on their own within
// sarama's timeouts, and a client one of them created late is closed.
//
// The topic is never created here (the source connector does that); a
// metadata lookup never asks the broker to auto-create it.
type offsetSyncStore struct {
	topic   string
	cluster string // the bootstrap servers, naming the cluster in errors
	brokers []string
	conf    *sarama.Config
	log     zerolog.Logger

	// mu guards arrays. The reader takes it to apply a sync, translators
	// to read; both are short.
	mu     sync.RWMutex
	arrays *syncArrays // replaced by each start; nil before the first

	life   sync.Mutex // guards the fields below
	state  int
	client sarama.Client
	stop   context.CancelFunc // ends the reader and start's calls
	reader sync.WaitGroup
}

const (
	syncStoreNew = iota
	syncStoreStarting
	syncStoreRunning
	syncStoreClosed
)

const (
	// offsetSyncsTopicWait bounds how long start waits for the topic to
	// exist (Java's KafkaBasedLog waits 30 s for its partitions).
	offsetSyncsTopicWait = 30 * time.Second
	// syncReadBackoffMin and syncReadBackoffMax: the wait after a failure
	// of the reader doubles from min to max (Java's consumer defaults
	// retry.backoff.ms and retry.backoff.max.ms).
	syncReadBackoffMin = 100 * time.Millisecond
	syncReadBackoffMax = time.Second
	// syncReadWarnEvery: a failure that lasts is repeated at WARN this
	// often; the attempts between are logged at DEBUG.
	syncReadWarnEvery = 30 * time.Second
)

// newOffsetSyncStore prepares a store for topic on the cluster described
// by consumerProps (Java consumer properties: bootstrap.servers, security,
// client.id, fetch settings). It does not connect yet.
func newOffsetSyncStore(topic string, consumerProps map[string]string, log zerolog.Logger) (*offsetSyncStore, error) {
	if topic == "" {
		return nil, errors.New("offset syncs store: no offset syncs topic given")
	}
	cfg, err := kafkaclient.Parse(consumerProps)
	if err != nil {
		return nil, fmt.Errorf("offset syncs topic %q: consumer settings: %w", topic, err)
	}
	if _, err := applyConsumerProps(consumerProps, cfg.Sarama); err != nil {
		return nil, fmt.Errorf("offset syncs topic %q: consumer settings: %w", topic, err)
	}
	// Looking the topic up must never create it with the broker's
	// defaults: it is a compacted topic the source connector creates.
	cfg.Sarama.Metadata.AllowAutoTopicCreation = false
	return &offsetSyncStore{
		topic:   topic,
		cluster: strings.Join(cfg.Brokers, ","),
		brokers: cfg.Brokers,
		conf:    cfg.Sarama,
		log:     log.With().Str("offset_syncs_topic", topic).Logger(),
	}, nil
}

func (s *offsetSyncStore) errorf(format string, args ...any) error {
	return fmt.Errorf("offset syncs topic %q on cluster %s: "+format, append([]any{s.topic, s.cluster}, args...)...)
}

// start connects, waits for the topic, reads partition 0 from its start up
// to the end offset it has now, and returns once those records are
// applied; a reader goroutine then keeps tailing the partition until
// close. ctx bounds everything start waits for (the wait for the topic is
// also capped at 30 s). With initializationMustReadToEnd, only the last
// sync of each partition read during the initial read is kept.
//
// A failed start leaves nothing running; start may be called again. Each
// start begins with no syncs.
func (s *offsetSyncStore) start(ctx context.Context, initializationMustReadToEnd bool) error {
	s.life.Lock()
	switch s.state {
	case syncStoreStarting, syncStoreRunning:
		s.life.Unlock()
		return s.errorf("store already started")
	case syncStoreClosed:
		s.life.Unlock()
		return s.errorf("store closed")
	}
	s.state = syncStoreStarting
	runCtx, stop := context.WithCancel(context.Background())
	s.stop = stop
	s.life.Unlock()

	s.mu.Lock()
	s.arrays = newSyncArrays(initializationMustReadToEnd)
	s.mu.Unlock()
	s.log.Debug().Bool("initialization_must_read_to_end", initializationMustReadToEnd).Msg("offset sync store starting")

	// start's calls end with ctx, or with close.
	startCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(runCtx, cancel)()

	err := s.startReading(startCtx, runCtx)
	s.life.Lock()
	if err == nil && s.state == syncStoreStarting {
		s.state = syncStoreRunning
		s.life.Unlock()
		return nil
	}
	if s.state == syncStoreClosed {
		err = s.errorf("store closed while starting")
	} else {
		s.state = syncStoreNew
	}
	client := s.client
	s.client = nil
	s.life.Unlock()
	shutdownReader(stop, client, &s.reader, s.log)
	return err
}

// close stops the reader and closes the client. The syncs stay readable,
// but nothing new arrives.
func (s *offsetSyncStore) close() {
	s.life.Lock()
	if s.state == syncStoreClosed {
		s.life.Unlock()
		return
	}
	s.state = syncStoreClosed
	stop, client := s.stop, s.client
	s.client = nil
	s.life.Unlock()
	shutdownReader(stop, client, &s.reader, s.log)
}

// shutdownReader ends the reader: cancelling stops its loop, closing the
// client fails a fetch in flight so it notices at once.
func shutdownReader(stop context.CancelFunc, client sarama.Client, reader *sync.WaitGroup, log zerolog.Logger) {
	if stop != nil {
		stop()
	}
	if client != nil {
		if err := client.Close(); err != nil && !errors.Is(err, sarama.ErrClosedClient) {
			log.Debug().Err(err).Msg("closing the offset syncs consumer")
		}
	}
	reader.Wait()
}

// translateDownstream is Java's translateDownstream: the downstream offset
// for a group at upstreamOffset on tp, -1 if every retained sync is ahead
// of it, and ok=false before the initial read finished or when no sync is
// known for tp. group only names the group in the debug log.
func (s *offsetSyncStore) translateDownstream(group string, tp topicPartition, upstreamOffset int64) (int64, bool) {
	s.mu.RLock()
	var (
		down int64
		used retainedSync
		how  = translationNotReady
	)
	if s.arrays != nil {
		down, used, how = s.arrays.lookup(tp, upstreamOffset)
	}
	s.mu.RUnlock()

	if ev := s.log.Debug(); ev.Enabled() {
		ev = ev.Str("group", group).Str("partition", tp.String()).Int64("upstream_offset", upstreamOffset)
		switch how {
		case translationNotReady:
			ev.Msg("offset not translated: initial read of the offset syncs still in progress")
		case translationNoSync:
			ev.Msg("offset not translated: no offset sync for the partition")
		case translationTooOld:
			ev.Int64("sync_upstream", used.upstream).Int64("sync_downstream", used.downstream).
				Msg("offset not translated: the oldest offset sync kept is ahead of the group")
		default:
			ev.Int64("sync_upstream", used.upstream).Int64("sync_downstream", used.downstream).
				Int64("downstream_offset", down).Msg("offset translated")
		}
	}
	return down, how >= translationTooOld
}

// apply hands one sync to the arrays.
func (s *offsetSyncStore) apply(sync offsetSync) {
	s.mu.Lock()
	arr := s.arrays.handle(sync)
	s.mu.Unlock()
	if ev := s.log.Trace(); ev.Enabled() {
		ev.Stringer("sync", sync).Stringer("syncs", arr).Msg("offset sync applied")
	}
}

func (s *offsetSyncStore) finishInitialRead() {
	s.mu.Lock()
	s.arrays.finishInitialRead()
	s.mu.Unlock()
}

// startReading is start's work: connect, find the topic, take its bounds,
// start the reader and wait for the initial read. runCtx lives until close.
func (s *offsetSyncStore) startReading(ctx, runCtx context.Context) error {
	began := time.Now()
	waitCtx, cancel := context.WithTimeout(ctx, offsetSyncsTopicWait)
	defer cancel()

	client, err := s.connect(waitCtx)
	if err != nil {
		return err
	}
	s.life.Lock()
	if s.state != syncStoreStarting {
		s.life.Unlock()
		_ = client.Close()
		return s.errorf("store closed while starting")
	}
	s.client = client
	s.life.Unlock()

	t := &syncTail{s: s, client: client, ctx: runCtx, initialDone: make(chan struct{}), fatal: make(chan error, 1)}
	if err := t.awaitTopic(waitCtx); err != nil {
		return err
	}
	first, err := syncStoreRetry(ctx, t, func() (int64, error) { return t.listOffset(sarama.OffsetOldest) })
	if err != nil {
		return s.errorf("read the start offset of partition 0: %w", err)
	}
	end, err := syncStoreRetry(ctx, t, func() (int64, error) { return t.listOffset(sarama.OffsetNewest) })
	if err != nil {
		return s.errorf("read the end offset of partition 0: %w", err)
	}
	t.setPos(first)
	t.initialEnd = end
	s.log.Debug().Int64("start_offset", first).Int64("end_offset", end).Msg("reading the offset syncs topic to its end")

	s.reader.Add(1)
	go t.run()
	select {
	case <-t.initialDone:
		s.log.Info().Int64("records", t.initialRecords.Load()).Int64("end_offset", end).
			Dur("took", time.Since(began)).Msg("read the offset syncs topic to its end")
		return nil
	case err := <-t.fatal:
		return s.errorf("initial read: %w", err)
	case <-ctx.Done():
		return s.errorf("initial read up to offset %d stopped at offset %d: %w (last error: %v)",
			end, t.position(), ctx.Err(), t.lastError())
	}
}

// connect creates the client, retrying transient failures until ctx ends.
func (s *offsetSyncStore) connect(ctx context.Context) (sarama.Client, error) {
	var lastErr error
	for attempt := 0; ; attempt++ {
		client, err := s.newClient(ctx)
		if err == nil {
			return client, nil
		}
		if ctx.Err() != nil {
			if lastErr == nil {
				return nil, s.errorf("cannot connect: no answer from the brokers: %w", ctx.Err())
			}
			return nil, s.errorf("cannot connect: %w (last error: %v)", ctx.Err(), lastErr)
		}
		if !isRetriable(err) {
			return nil, s.errorf("cannot connect: %w", err)
		}
		lastErr = err
		s.log.Debug().Err(err).Int("attempt", attempt+1).Msg("connecting to the offset syncs cluster failed; retrying")
		if !kafkaclient.Sleep(ctx, syncReadBackoff(attempt)) {
			return nil, s.errorf("cannot connect: %w (last error: %v)", ctx.Err(), lastErr)
		}
	}
}

// newClient runs sarama.NewClient, giving up when ctx ends; a client
// created after that is closed.
func (s *offsetSyncStore) newClient(ctx context.Context) (sarama.Client, error) {
	return kafkaclient.Bounded(ctx, func() (sarama.Client, error) { return sarama.NewClient(s.brokers, s.conf) },
		func(c sarama.Client) { _ = c.Close() })
}

// syncStoreRetry runs fn until it succeeds, fails for good or ctx ends.
func syncStoreRetry[T any](ctx context.Context, t *syncTail, fn func() (T, error)) (T, error) {
	var lastErr error
	for attempt := 0; ; attempt++ {
		v, err := kafkaclient.Bounded(ctx, fn, nil)
		if err == nil {
			return v, nil
		}
		if ctx.Err() != nil {
			if lastErr == nil {
				lastErr = err
			}
			return v, fmt.Errorf("%w (last error: %v)", ctx.Err(), lastErr)
		}
		if !isRetriable(err) {
			return v, err
		}
		lastErr = err
		t.s.log.Debug().Err(err).Int("attempt", attempt+1).Msg("offset syncs request failed; retrying")
		if !kafkaclient.Sleep(ctx, syncReadBackoff(attempt)) {
			return v, fmt.Errorf("%w (last error: %v)", ctx.Err(), lastErr)
		}
	}
}

// syncReadBackoff is the wait before retry n (0-based).
func syncReadBackoff(n int) time.Duration {
	return kafkaclient.Backoff(n, syncReadBackoffMin, syncReadBackoffMax)
}
