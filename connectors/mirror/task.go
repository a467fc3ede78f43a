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

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/kafkaclient"
)

// MirrorSourceTask replicates the source partitions listed in its
// task.assigned.partitions (Java's org.apache.kafka.connect.mirror.MirrorSourceTask).
// It consumes them without a consumer group: where to resume comes from the
// Connect offsets the runtime stored for its records.
type MirrorSourceTask struct {
	cfg          *sourceConfig
	log          zerolog.Logger
	settings     consumerSettings
	retryBackoff time.Duration
	// destinations caches each source partition's destination (Poll).
	destinations map[topicPartition]*destination

	// client and consumer are set once connected to the source (conn
	// guards them: the connection may be made in the background).
	client   sarama.Client
	consumer sarama.Consumer
	conn     sourceConn
	// faults tracks the faults the task rides out and reports them.
	faults taskFaults
	// offsetSyncs writes the offset syncs (nil when
	// emit.offset-syncs.enabled=false).
	offsetSyncs *offsetSyncWriter

	// events carries records (and permanent partition failures) from the
	// partition readers to Poll, its only reader.
	events chan taskEvent
	// done is closed by Stop; partition readers watch it.
	done     chan struct{}
	wg       sync.WaitGroup
	stopOnce sync.Once

	// fatal is the permanent failure Poll reports from then on (Poll's
	// goroutine only).
	fatal error
	// held is the rest of a batch that did not fit into the last Poll's
	// max.poll.records (Poll's goroutine only).
	held []*sarama.ConsumerMessage
}

// taskEvent is a batch of one partition's records, in offset order, or
// the permanent failure of one partition.
type taskEvent struct {
	msgs []*sarama.ConsumerMessage
	err  error
}

// NewMirrorSourceTask returns an unstarted task.
func NewMirrorSourceTask() *MirrorSourceTask { return &MirrorSourceTask{} }

// Version is Ferry's version.
func (t *MirrorSourceTask) Version() string { return connect.Version }

// Start reads the stored offsets of the assigned partitions, connects a
// consumer to the source cluster (bounded by admin.timeout.ms; when the
// source is unreachable the task starts anyway and keeps connecting in the
// background, see startSource) and starts reading every partition at its
// stored offset + 1, or where auto.offset.reset says when none is stored.
func (t *MirrorSourceTask) Start(ctx context.Context, tctx connect.SourceTaskContext, props map[string]string) error {
	cfg, err := parseSourceConfig(newSourceTaskConfigDef(), props)
	if err != nil {
		return err
	}
	cfg.isTask = true
	t.cfg = cfg
	t.log = tctx.Logger().With().Str("source_cluster", cfg.sourceAlias).Str("target_cluster", cfg.targetAlias).Logger()

	consumerProps := cfg.sourceConsumerProps(roleConsumer)
	kc, err := kafkaclient.Parse(consumerProps)
	if err != nil {
		return fmt.Errorf("source cluster %q: consumer settings: %w", cfg.sourceAlias, err)
	}
	if t.settings, err = applyConsumerProps(consumerProps, kc.Sarama); err != nil {
		return fmt.Errorf("source cluster %q: %w", cfg.sourceAlias, err)
	}
	t.retryBackoff = kc.Sarama.Consumer.Retry.Backoff

	// The offset-syncs producer and the source client connect while the
	// stored offsets are read: none needs another before the readers
	// start, and the producer not until the first record is acknowledged,
	// after Start.
	var (
		syncProducer *offsetSyncProducer
		syncErr      error
		syncMade     sync.WaitGroup
	)
	if cfg.emitOffsetSyncs {
		syncMade.Add(1)
		go func() {
			defer syncMade.Done()
			syncProducer, syncErr = newOffsetSyncProducer(cfg, t.log)
		}()
	}
	type connected struct {
		client sarama.Client
		err    error
	}
	source := make(chan connected, 1)
	go func() {
		client, err := t.connectSource(ctx, kc)
		source <- connected{client, err}
	}()
	starts, err := t.startOffsets(ctx, tctx.Offsets())
	src := <-source
	if err != nil {
		if src.client != nil {
			_ = src.client.Close()
		}
		syncMade.Wait()
		if syncProducer != nil {
			syncProducer.close(ctx)
		}
		return err
	}

	// One batch per partition can wait: a reader's batch holds what its
	// partition consumer had buffered (up to max.poll.records).
	t.events = make(chan taskEvent, len(cfg.partitions)+1)
	t.done = make(chan struct{})
	t.initFaults()
	if r, ok := tctx.(connect.ProblemReporter); ok {
		t.faults.status.reporter = r
	}
	t.wg.Add(1)
	go t.watchFaults()
	err = t.startSource(ctx, kc, starts, src.client, src.err)
	syncMade.Wait()
	if syncProducer != nil {
		t.offsetSyncs = newOffsetSyncWriter(cfg.offsetSyncsTopic(), cfg.offsetLagMax, syncProducer, t.log)
	}
	if err == nil {
		err = syncErr
	}
	if err != nil {
		_ = t.Stop(ctx)
		return err
	}
	t.log.Info().Int("topic_partitions", len(cfg.partitions)).Str("partitions", joinPartitions(cfg.partitions)).
		Msg("replicating topic-partitions")
	return nil
}

// startOffsets returns where each assigned partition starts: the stored
// offset + 1 (the stored offset is the last replicated record), else
// sarama.OffsetOldest or OffsetNewest per auto.offset.reset.
func (t *MirrorSourceTask) startOffsets(ctx context.Context, reader connect.OffsetReader) (map[topicPartition]int64, error) {
	starts := make(map[topicPartition]int64, len(t.cfg.partitions))
	if len(t.cfg.partitions) == 0 {
		return starts, nil
	}
	keys := make([]map[string]any, len(t.cfg.partitions))
	for i, tp := range t.cfg.partitions {
		keys[i] = sourcePartition(t.cfg.sourceAlias, tp)
	}
	stored, err := reader.Offsets(ctx, keys)
	if err != nil {
		return nil, fmt.Errorf("read stored offsets: %w", err)
	}
	if len(stored) != len(keys) {
		return nil, fmt.Errorf("read stored offsets: got %d offsets for %d partitions", len(stored), len(keys))
	}
	uncommitted := 0
	for i, tp := range t.cfg.partitions {
		off, ok, err := storedOffset(stored[i])
		if err != nil {
			return nil, fmt.Errorf("stored offset of %s: %w", tp, err)
		}
		if ok {
			starts[tp] = off + 1
			continue
		}
		uncommitted++
		if starts[tp], err = t.resetOffset(); err != nil {
			return nil, fmt.Errorf("%s has no stored offset and %w", tp, err)
		}
	}
	t.log.Info().Int("uncommitted_partitions", uncommitted).Msg("starting with previously uncommitted partitions")
	return starts, nil
}

// resetOffset is where a partition starts when no usable offset is known.
func (t *MirrorSourceTask) resetOffset() (int64, error) {
	switch t.settings.reset {
	case "earliest":
		return sarama.OffsetOldest, nil
	case "latest":
		return sarama.OffsetNewest, nil
	}
	return 0, fmt.Errorf("auto.offset.reset is none: %w", errFatal)
}

// Poll returns the records that arrived, waiting up to
// consumer.poll.timeout.ms for the first one and returning at most
// max.poll.records. It returns nil (no error) when nothing arrived or ctx
// ended, and a permanent partition failure as an error.
func (t *MirrorSourceTask) Poll(ctx context.Context) ([]*connect.SourceRecord, error) {
	if t.fatal != nil {
		return nil, t.fatal
	}
	if t.events == nil {
		return nil, errors.New("MirrorSourceTask: Poll called before Start")
	}
	if len(t.held) == 0 {
		ev, ok := t.awaitEvent(ctx)
		if !ok {
			return nil, nil
		}
		if ev.err != nil {
			t.fatal = ev.err
			return nil, t.fatal
		}
		t.held = ev.msgs
	}
	limit := t.settings.maxPollRecords
	out := make([]*connect.SourceRecord, 0, min(limit, max(len(t.held), 64)))
	for {
		n := min(len(t.held), limit-len(out))
		out = t.convertRecords(out, t.held[:n])
		clear(t.held[:n])
		t.held = t.held[n:]
		if len(out) >= limit {
			break
		}
		var ev taskEvent
		select {
		case ev = <-t.events:
		default:
		}
		if ev.err != nil {
			// The records so far go out; the failure is returned next.
			t.fatal = ev.err
		}
		if ev.msgs == nil {
			break
		}
		t.held = ev.msgs
	}
	if len(out) == 0 {
		return nil, t.fatal
	}
	t.log.Trace().Int("records", len(out)).Msg("polled")
	t.faults.target.handedOut(len(out))
	return out, nil
}

// awaitEvent waits up to consumer.poll.timeout.ms for the next batch or
// failure; false when none came or the task stops.
func (t *MirrorSourceTask) awaitEvent(ctx context.Context) (taskEvent, bool) {
	select {
	case ev := <-t.events:
		return ev, true
	default:
	}
	timer := time.NewTimer(t.cfg.pollTimeout)
	defer timer.Stop()
	select {
	case ev := <-t.events:
		return ev, true
	case <-timer.C:
	case <-ctx.Done():
	case <-t.done:
	}
	return taskEvent{}, false
}

// Commit sends the offset syncs delayed since the last commit, so quiet
// partitions converge, and those still pending.
func (t *MirrorSourceTask) Commit(ctx context.Context) error {
	if t.offsetSyncs != nil {
		t.offsetSyncs.commit()
	}
	return nil
}

// CommitRecord queues an offset sync (upstream offset, downstream offset)
// for the acknowledged record; Java's rules decide whether it is sent now or
// at the next commit.
func (t *MirrorSourceTask) CommitRecord(ctx context.Context, rec *connect.SourceRecord, meta *connect.RecordMetadata) error {
	t.faults.target.acknowledged()
	if t.offsetSyncs != nil {
		t.queueOffsetSync(rec, meta)
	}
	return nil
}

// Stop stops the partition readers, waits for them until ctx ends, closes
// the consumer and its client, then flushes the offset syncs sent (until ctx
// ends) and closes their producer.
func (t *MirrorSourceTask) Stop(ctx context.Context) error {
	t.stopOnce.Do(func() {
		if t.done != nil {
			close(t.done)
		}
		if !waitGroup(ctx, &t.wg) {
			t.log.Warn().Msg("stopped before every partition reader finished")
		}
		t.closeSource()
		if t.offsetSyncs != nil {
			t.offsetSyncs.close(ctx)
		}
	})
	return nil
}

func joinPartitions(tps []topicPartition) string {
	s := make([]string, len(tps))
	for i, tp := range tps {
		s[i] = tp.String()
	}
	return strings.Join(s, ",")
}
