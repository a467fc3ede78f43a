package kafkalog

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
)

const (
	stateNew = iota
	stateStarting
	stateRunning
	stateStopped
)

// Log is one compacted topic read from the beginning and tailed for as long
// as it runs (Java's KafkaBasedLog). Create it with New, then Start it.
type Log struct {
	cfg      Config
	brokers  []string
	base     *sarama.Config
	onRecord func(*sarama.ConsumerMessage)
	log      zerolog.Logger

	mu             sync.Mutex // guards state and the clients
	state          int
	adminClient    sarama.Client // metadata, topic admin, list offsets
	consumerClient sarama.Client // fetches only
	producerClient sarama.Client
	producer       sarama.AsyncProducer
	partitions     []int32

	stop     chan struct{} // closed by Stop: every goroutine of the log exits
	stopOnce sync.Once
	stopCtx  context.Context // cancelled with stop
	cancel   context.CancelFunc

	// ready is closed once the partitions have leaders (or the wait for
	// them gave up): the reader, sends and ReadToEnd wait for it. Start
	// closes it before it returns, except for a topic it just created,
	// whose leaders awaitLeaders waits for in the background.
	ready chan struct{}

	reader   sync.WaitGroup // reader goroutine and its fetches
	prodDone chan struct{}  // closed when the producer-results goroutine exits
	bg       sync.WaitGroup // network calls abandoned by a done ctx

	// fresh are the partitions of a topic Start created not yet seen
	// working (ReadToEnd takes their end as 0 while they are not ready).
	fresh freshPartitions

	// order is when Start may create its topic (CreateAfter) and when it
	// has (TopicSettled).
	order topicOrder

	posMu     sync.Mutex
	positions map[int32]int64 // next offset to read; everything before went to onRecord
	progress  chan struct{}   // closed and replaced whenever positions advance

	sends sender
}

// New returns a log for cfg.Topic. base is the client configuration
// (kafkaclient.Parse); it is copied, never modified. onRecord receives every
// record read, from a single goroutine, in offset order per partition; it
// must not block for long and must not call ReadToEnd or Send's synchronous
// form (they wait for that goroutine). Nothing touches the network before
// Start.
func New(brokers []string, base *sarama.Config, cfg Config, onRecord func(*sarama.ConsumerMessage), log zerolog.Logger) *Log {
	if base == nil {
		base = sarama.NewConfig()
	}
	if onRecord == nil {
		onRecord = func(*sarama.ConsumerMessage) {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &Log{
		cfg:       cfg,
		brokers:   append([]string(nil), brokers...),
		base:      base,
		onRecord:  onRecord,
		log:       log.With().Str("topic", cfg.Topic).Logger(),
		stop:      make(chan struct{}),
		stopCtx:   ctx,
		cancel:    cancel,
		prodDone:  make(chan struct{}),
		ready:     make(chan struct{}),
		positions: map[int32]int64{},
		progress:  make(chan struct{}),
	}
	l.sends.init(l)
	l.order.init()
	return l
}

// Topic returns the topic name.
func (l *Log) Topic() string { return l.cfg.Topic }

// PartitionCount returns the number of partitions read (0 before Start).
func (l *Log) PartitionCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.partitions)
}

// Start creates the topic if it is missing (compacted) or checks that the
// existing one is compact-only, waits for its partition metadata, reads
// every partition from the beginning to the current end, and then keeps
// tailing it in the background. A topic Start created itself is empty: it
// returns without waiting for the new partitions' leaders or for them to
// answer; the reader and ReadToEnd wait instead, and sends queue. Everything is bounded by ctx; a failed
// Start leaves nothing running.
func (l *Log) Start(ctx context.Context) error {
	l.mu.Lock()
	if l.state != stateNew {
		l.mu.Unlock()
		return fmt.Errorf("kafkalog: topic %q: Start called twice", l.cfg.Topic)
	}
	l.state = stateStarting
	l.mu.Unlock()
	defer l.order.settle()

	if err := l.start(ctx); err != nil {
		// Clean up within what is left of ctx; network calls it abandoned
		// end on their own (sarama's timeouts).
		_ = l.shutdown(ctx)
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.state != stateStarting { // stopped while starting
		return ErrClosed
	}
	l.state = stateRunning
	l.log.Info().Int("partitions", len(l.partitions)).Msg("started reading compacted log")
	return nil
}

func (l *Log) start(ctx context.Context) error {
	if err := l.cfg.validate(l.base); err != nil {
		return err
	}
	admin, err := l.connect(ctx, l.cfg.clientConfig(l.base))
	if err != nil {
		return l.errorf("connect to bootstrap servers %v: %w", l.brokers, err)
	}
	if err := l.setClient(&l.adminClient, admin); err != nil {
		return err
	}
	if err := l.awaitTurn(ctx); err != nil {
		return err
	}
	created, err := l.ensureTopic(ctx)
	l.order.settle()
	if err != nil {
		return err
	}
	var parts []int32
	if created && l.cfg.Partitions > 0 {
		// The topic this call created has the partitions it asked for;
		// the broker shows their leaders a moment later (hundreds of
		// milliseconds when it is busy), and the reader and ReadToEnd
		// wait for them, not Start; sends queue (awaitLeaders).
		for p := range l.cfg.Partitions {
			parts = append(parts, p)
		}
		l.fresh.init(parts)
	} else {
		if parts, err = l.waitForPartitions(ctx); err != nil {
			return err
		}
		close(l.ready)
	}
	// The consumer and producer clients look up the topic when they need
	// it: a full metadata refresh at connect would wait out sarama's
	// backoff for the new partitions without leaders.
	consumerConf := l.cfg.clientConfig(l.base)
	consumerConf.Metadata.Full = false
	consumer, err := l.connect(ctx, consumerConf)
	if err != nil {
		return l.errorf("connect consumer: %w", err)
	}
	if err := l.setClient(&l.consumerClient, consumer); err != nil {
		return err
	}
	producerConf := l.cfg.producerConfig(l.base)
	producerConf.Metadata.Full = false
	producerClient, err := l.connect(ctx, producerConf)
	if err != nil {
		return l.errorf("connect producer: %w", err)
	}
	if err := l.setClient(&l.producerClient, producerClient); err != nil {
		return err
	}
	producer, err := sarama.NewAsyncProducerFromClient(producerClient)
	if err != nil {
		return l.errorf("create producer: %w", err)
	}
	l.mu.Lock()
	if l.state == stateStopped {
		l.mu.Unlock()
		_ = producer.Close()
		return ErrClosed
	}
	l.producer = producer
	l.partitions = parts
	l.mu.Unlock()
	go l.sends.results(producer)
	if created && l.cfg.Partitions > 0 {
		if err := l.awaitLeaders(); err != nil {
			return err
		}
	} else {
		l.sends.release()
	}

	var start map[int32]int64
	if created {
		// A topic this call created is empty: there is nothing to read to
		// the end of, and no need to wait until its new partitions answer
		// (a broker sets up their logs a moment after it reports them;
		// hundreds of milliseconds for 25 partitions). The reader starts
		// at offset 0 and waits for them; ReadToEnd and sends do too.
		// Java's KafkaBasedLog reads it to the end all the same.
		start = make(map[int32]int64, len(parts))
		for _, p := range parts {
			start[p] = 0
		}
	} else if start, err = l.listOffsets(ctx, parts, sarama.OffsetOldest); err != nil {
		return l.errorf("read log start offsets: %w", err)
	}
	l.posMu.Lock()
	for p, off := range start {
		l.positions[p] = off
	}
	l.posMu.Unlock()
	l.reader.Add(1)
	go l.read(parts, start)
	if created {
		l.log.Info().Int64("records_read", 0).Msg("created the topic: empty, nothing to read")
		return nil
	}
	return l.initialRead(ctx, start)
}

// awaitLeaders waits in the background, for at most the metadata
// timeout, for the leaders of the topic Start just created, then closes
// ready. When they do not come in time it warns and closes ready all the
// same: reading and sending then retry on their own, as with any
// partition that loses its leader.
func (l *Log) awaitLeaders() error {
	l.mu.Lock()
	if l.state == stateStopped {
		l.mu.Unlock()
		return ErrClosed
	}
	l.bg.Add(1)
	admin := l.adminClient
	l.mu.Unlock()
	go func() {
		defer l.bg.Done()
		defer l.sends.release()
		defer close(l.ready)
		ctx, cancel := context.WithTimeout(l.stopCtx, l.cfg.metadataTimeout())
		defer cancel()
		began := time.Now()
		if _, err := kafkaclient.WaitForLeaders(ctx, admin, l.cfg.Topic); err != nil {
			if l.stopCtx.Err() == nil {
				l.log.Warn().Err(err).Dur("waited", time.Since(began)).
					Msg("the new topic's partitions have no leader yet; reading and writing it will retry")
			}
			return
		}
		l.log.Debug().Dur("took", time.Since(began)).Msg("the new topic's partitions have leaders")
	}()
	return nil
}

// whenReady waits until ready is closed, ctx ends or the log stops.
func (l *Log) whenReady(ctx context.Context) error {
	select {
	case <-l.ready:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-l.stop:
		return ErrClosed
	}
}

// setClient stores a new client unless Stop came first.
func (l *Log) setClient(dst *sarama.Client, c sarama.Client) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.state == stateStopped {
		_ = c.Close()
		return ErrClosed
	}
	*dst = c
	return nil
}

// ReadToEnd waits until every record up to the current end of each
// partition (last stable offset when reading committed) has been passed to
// onRecord. It first waits for the sends issued so far, as Java flushes the
// producer first.
func (l *Log) ReadToEnd(ctx context.Context) error {
	l.mu.Lock()
	notStarted := l.state == stateNew || l.state == stateStopped
	l.mu.Unlock()
	if notStarted {
		return ErrClosed
	}
	if err := l.whenReady(ctx); err != nil {
		if errors.Is(err, ErrClosed) {
			return err
		}
		return l.errorf("read to end: %w", err)
	}
	if err := l.Flush(ctx); err != nil {
		return err
	}
	l.mu.Lock()
	parts := l.partitions
	stopped := l.state == stateStopped
	l.mu.Unlock()
	if stopped || parts == nil {
		return ErrClosed
	}
	ends, err := l.listEndOffsets(ctx, parts)
	if err != nil {
		if errors.Is(err, ErrClosed) {
			return err
		}
		return l.errorf("read to end: %w", err)
	}
	for {
		l.posMu.Lock()
		behind := -1
		for p, end := range ends {
			if l.positions[p] < end {
				behind = int(p)
				break
			}
		}
		wait := l.progress
		l.posMu.Unlock()
		if behind < 0 {
			return nil
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return l.errorf("read to end: partition %d not caught up: %w", behind, ctx.Err())
		case <-l.stop:
			return ErrClosed
		}
	}
}

// advance publishes new read positions and wakes ReadToEnd waiters.
func (l *Log) advance(pos map[int32]int64) {
	l.posMu.Lock()
	defer l.posMu.Unlock()
	for p, off := range pos {
		l.positions[p] = off
	}
	close(l.progress)
	l.progress = make(chan struct{})
}

// Stop stops reading, flushes and closes the producer (waiting for sends in
// flight as long as ctx allows), closes the clients and waits for every
// goroutine of the log. Safe to call more than once and on a log that never
// started.
func (l *Log) Stop(ctx context.Context) error {
	l.mu.Lock()
	if l.state == stateStopped {
		l.mu.Unlock()
		return nil
	}
	l.state = stateStopped
	l.mu.Unlock()
	err := l.shutdown(ctx)
	l.log.Info().Msg("stopped compacted log")
	return err
}

func (l *Log) shutdown(ctx context.Context) error {
	l.mu.Lock()
	l.state = stateStopped
	producer := l.producer
	clients := []sarama.Client{l.producerClient, l.consumerClient, l.adminClient}
	l.mu.Unlock()

	l.stopOnce.Do(func() {
		close(l.stop)
		l.cancel()
	})
	l.sends.close(producer)

	var errs []error
	if producer != nil {
		select {
		case <-l.prodDone:
		case <-ctx.Done():
			errs = append(errs, fmt.Errorf("sends still in flight: %w", ctx.Err()))
		}
	}
	// Closing the clients also ends a producer still retrying.
	for _, c := range clients {
		if c != nil {
			_ = c.Close()
		}
	}
	if err := waitCtx(ctx, &l.reader); err != nil {
		errs = append(errs, fmt.Errorf("reader still running: %w", err))
	}
	if err := waitCtx(ctx, &l.bg); err != nil {
		errs = append(errs, fmt.Errorf("network calls still running: %w", err))
	}
	if len(errs) > 0 {
		return l.errorf("stop: %w", errors.Join(errs...))
	}
	return nil
}

func (l *Log) errorf(format string, args ...any) error {
	return fmt.Errorf("kafkalog: topic %q: "+format, append([]any{l.cfg.Topic}, args...)...)
}

// waitCtx waits for wg or ctx.
func waitCtx(ctx context.Context, wg *sync.WaitGroup) error {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// call runs fn, which blocks on the network, and returns when fn returns or
// ctx is done, whichever is first. An abandoned fn finishes in the
// background (sarama's own timeouts bound it); Stop waits for it.
func (l *Log) call(ctx context.Context, fn func() error) error {
	// Adding under mu, and refusing once stopped, keeps every Add before
	// shutdown's Wait.
	l.mu.Lock()
	if l.state == stateStopped {
		l.mu.Unlock()
		return ErrClosed
	}
	l.bg.Add(1)
	l.mu.Unlock()
	ch := make(chan error, 1)
	go func() {
		defer l.bg.Done()
		ch <- fn()
	}()
	select {
	case err := <-ch:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// connect creates a sarama client, bounded by ctx.
func (l *Log) connect(ctx context.Context, conf *sarama.Config) (sarama.Client, error) {
	var (
		mu     sync.Mutex
		gaveUp bool
		client sarama.Client
	)
	err := l.call(ctx, func() error {
		c, err := sarama.NewClient(l.brokers, conf)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if gaveUp {
			_ = c.Close()
			return context.Canceled
		}
		client = c
		return nil
	})
	if err != nil {
		mu.Lock()
		gaveUp = true
		c := client
		mu.Unlock()
		if c != nil {
			_ = c.Close()
		}
		return nil, err
	}
	return client, nil
}
