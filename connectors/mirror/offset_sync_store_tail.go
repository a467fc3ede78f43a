package mirror

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
)

// topicState is what one metadata request says about the topic.
type topicState struct {
	id     sarama.Uuid
	exists bool // the topic and its partition 0 exist
}

// syncTail reads partition 0 of the topic: the initial read, then tailing.
// Its fields are the reader goroutine's, except those documented as
// shared.
type syncTail struct {
	s      *offsetSyncStore
	client sarama.Client
	ctx    context.Context // ends at close

	pos        int64 // next offset to fetch; every record before it was applied
	initialEnd int64 // the initial read ends once pos reaches it
	fetchSize  int32
	topicID    sarama.Uuid // of the topic read; zero when unknown
	// lost: the broker said the topic does not exist. When it exists
	// again under a new topic id, it is read from its start.
	lost bool
	// reset: the position must be checked against the log's bounds
	// (OFFSET_OUT_OF_RANGE).
	reset bool

	failures    int
	failingFrom time.Time
	lastWarn    time.Time

	initialDone chan struct{} // closed when the initial read finished
	fatal       chan error    // a permanent failure during the initial read

	// Shared with start, for its messages.
	initialRecords atomic.Int64
	posShared      atomic.Int64
	lastErrMu      sync.Mutex
	lastErr        error
}

func (t *syncTail) initialReadDone() bool {
	select {
	case <-t.initialDone:
		return true
	default:
		return false
	}
}

func (t *syncTail) position() int64 { return t.posShared.Load() }

func (t *syncTail) lastError() error {
	t.lastErrMu.Lock()
	defer t.lastErrMu.Unlock()
	return t.lastErr
}

// describeTopic asks a broker whether the topic exists and for its id.
func (t *syncTail) describeTopic() (topicState, error) {
	b := t.client.LeastLoadedBroker()
	if b == nil {
		return topicState{}, sarama.ErrClosedClient
	}
	req := sarama.NewMetadataRequest(t.s.conf.Version, []string{t.s.topic})
	req.AllowAutoTopicCreation = false
	resp, err := b.GetMetadata(req)
	if err != nil {
		_ = b.Close() // the client reopens it on next use
		return topicState{}, err
	}
	for _, tm := range resp.Topics {
		if tm.Name != t.s.topic {
			continue
		}
		switch {
		case errors.Is(tm.Err, sarama.ErrUnknownTopicOrPartition):
			return topicState{}, nil
		case !errors.Is(tm.Err, sarama.ErrNoError):
			return topicState{}, tm.Err
		}
		has0 := slices.ContainsFunc(tm.Partitions, func(p *sarama.PartitionMetadata) bool { return p.ID == 0 })
		return topicState{id: tm.Uuid, exists: has0}, nil
	}
	return topicState{}, nil
}

// errNoOffsetSyncsTopic: the broker does not know the topic (yet).
var errNoOffsetSyncsTopic = errors.New("the topic does not exist (the MirrorSourceConnector of this flow creates it)")

// awaitTopic waits until the topic and its partition 0 exist and have a
// leader, and records the topic id. A missing topic and transient failures
// are retried until ctx ends; anything else (not authorized, ...) fails at
// once.
func (t *syncTail) awaitTopic(ctx context.Context) error {
	var lastErr error
	for attempt := 0; ; attempt++ {
		st, err := kafkaclient.Bounded(ctx, t.describeTopic, nil)
		switch {
		case err == nil && st.exists:
			_, err = kafkaclient.Bounded(ctx, func() (struct{}, error) {
				if err := t.client.RefreshMetadata(t.s.topic); err != nil {
					return struct{}{}, err
				}
				_, err := t.client.Leader(t.s.topic, 0)
				return struct{}{}, err
			}, nil)
			if err == nil {
				t.topicID = st.id
				return nil
			}
		case err == nil:
			err = errNoOffsetSyncsTopic
		}
		if ctx.Err() != nil {
			if lastErr == nil || !errors.Is(err, ctx.Err()) {
				lastErr = err
			}
			return t.s.errorf("topic not available: %v (gave up: %w)", lastErr, ctx.Err())
		}
		if !errors.Is(err, errNoOffsetSyncsTopic) && !isRetriable(err) {
			return t.s.errorf("topic not available: %w", err)
		}
		lastErr = err
		t.s.log.Debug().Err(err).Int("attempt", attempt+1).Msg("waiting for the offset syncs topic")
		if !kafkaclient.Sleep(ctx, syncReadBackoff(attempt)) {
			return t.s.errorf("topic not available: %v (gave up: %w)", lastErr, ctx.Err())
		}
	}
}

// listOffset asks the leader of partition 0 for its start
// (sarama.OffsetOldest) or end (sarama.OffsetNewest) offset; the end is the
// last stable offset when reading committed records only. A failure
// refreshes the topic's metadata for the next attempt.
func (t *syncTail) listOffset(which int64) (int64, error) {
	off, err := kafkaclient.PartitionOffset(t.client, t.s.topic, 0, which, t.s.conf.Consumer.IsolationLevel)
	if err != nil {
		_ = t.client.RefreshMetadata(t.s.topic)
	}
	return off, err
}

// run is the reader goroutine: fetch, apply, repeat, backing off after a
// failure, until close.
func (t *syncTail) run() {
	defer t.s.reader.Done()
	t.fetchSize = t.defaultFetchSize()
	t.checkInitialEnd()
	for t.ctx.Err() == nil {
		if t.failures > 0 && !kafkaclient.Sleep(t.ctx, syncReadBackoff(t.failures-1)) {
			return
		}
		err := t.step()
		if t.ctx.Err() != nil {
			return
		}
		if err != nil {
			t.failed(err)
			continue
		}
		t.recovered()
		t.checkInitialEnd()
	}
}

// checkInitialEnd ends the initial read once the position reached the end
// offset taken at start: from then on the store translates.
func (t *syncTail) checkInitialEnd() {
	if t.pos >= t.initialEnd && !t.initialReadDone() {
		t.s.finishInitialRead()
		close(t.initialDone)
	}
}

// failed logs a failure of the reader: WARN on the first one of a run of
// failures and every syncReadWarnEvery while it lasts, DEBUG in between. A
// permanent failure during the initial read ends start with it.
func (t *syncTail) failed(err error) {
	t.lastErrMu.Lock()
	t.lastErr = err
	t.lastErrMu.Unlock()
	now := time.Now()
	if t.failures == 0 {
		t.failingFrom = now
	}
	t.failures++
	if !t.initialReadDone() && !isRetriable(err) {
		select {
		case t.fatal <- err:
		default:
		}
	}
	ev := t.s.log.Debug()
	if t.failures == 1 || now.Sub(t.lastWarn) >= syncReadWarnEvery {
		ev = t.s.log.Warn()
		t.lastWarn = now
	}
	ev.Err(err).Int64("offset", t.pos).Int("failures", t.failures).Dur("failing_for", now.Sub(t.failingFrom)).
		Msg("reading the offset syncs topic failed; retrying (translation keeps the offset syncs read so far)")
}

func (t *syncTail) recovered() {
	if t.failures == 0 {
		return
	}
	t.s.log.Info().Int64("offset", t.pos).Int("failures", t.failures).Dur("failed_for", time.Since(t.failingFrom)).
		Msg("reading the offset syncs topic again")
	t.failures = 0
}

// step makes one fetch and applies what it returned.
func (t *syncTail) step() error {
	if t.lost {
		if err := t.rediscover(); err != nil {
			return err
		}
	}
	if t.reset {
		if err := t.resetPosition(); err != nil {
			return err
		}
	}
	b, err := t.client.Leader(t.s.topic, 0)
	if err != nil {
		_ = t.client.RefreshMetadata(t.s.topic)
		if errors.Is(err, sarama.ErrUnknownTopicOrPartition) {
			t.lost = true
		}
		return err
	}
	req := &sarama.FetchRequest{
		Version:      11,
		MaxWaitTime:  int32(t.s.conf.Consumer.MaxWaitTime.Milliseconds()),
		MinBytes:     1,
		MaxBytes:     sarama.MaxResponseSize,
		Isolation:    t.s.conf.Consumer.IsolationLevel,
		SessionEpoch: -1, // no fetch session
		RackID:       t.s.conf.RackID,
	}
	req.AddBlock(t.s.topic, 0, t.pos, t.fetchSize, -1)
	resp, err := b.Fetch(req)
	if err != nil {
		_ = b.Close() // the client reopens it on next use
		_ = t.client.RefreshMetadata(t.s.topic)
		return err
	}
	blk := resp.GetBlock(t.s.topic, 0)
	switch {
	case blk == nil:
		return sarama.ErrIncompleteResponse
	case errors.Is(blk.Err, sarama.ErrNoError):
		return t.consume(blk)
	case errors.Is(blk.Err, sarama.ErrOffsetOutOfRange):
		t.reset = true
		return t.resetPosition()
	case errors.Is(blk.Err, sarama.ErrUnknownTopicOrPartition):
		t.lost = true
		_ = t.client.RefreshMetadata(t.s.topic)
		return fmt.Errorf("partition 0: %w", blk.Err)
	default:
		_ = t.client.RefreshMetadata(t.s.topic)
		return fmt.Errorf("partition 0: %w", blk.Err)
	}
}

// rediscover runs after the broker said the topic does not exist: it waits
// for it to exist again, and reads it from its start when its id changed
// (deleted and created again: none of its records were read yet).
func (t *syncTail) rediscover() error {
	st, err := t.describeTopic()
	if err != nil {
		return err
	}
	if !st.exists {
		return fmt.Errorf("partition 0: %w", sarama.ErrUnknownTopicOrPartition)
	}
	t.lost = false
	if st.id != t.topicID || st.id == (sarama.Uuid{}) {
		t.s.log.Warn().Stringer("topic_id", st.id).Stringer("previous_topic_id", t.topicID).Int64("offset", t.pos).
			Msg("the offset syncs topic was created again; reading it from its start")
		t.topicID = st.id
		first, err := t.listOffset(sarama.OffsetOldest)
		if err != nil {
			t.lost = true
			return err
		}
		t.setPos(first)
		t.clampInitialEnd()
	}
	return nil
}

// resetPosition handles OFFSET_OUT_OF_RANGE: below the log start (records
// removed by retention or compaction) it skips to the start; past the end
// (the log was truncated or the topic replaced) it reads again from the
// start, as Java's consumer does with auto.offset.reset=earliest.
func (t *syncTail) resetPosition() error {
	first, err := t.listOffset(sarama.OffsetOldest)
	if err != nil {
		return err
	}
	t.reset = false
	if t.pos < first {
		t.s.log.Debug().Int64("offset", t.pos).Int64("log_start", first).
			Msg("offset syncs before the log start are gone; skipping to it")
	} else {
		t.s.log.Warn().Int64("offset", t.pos).Int64("log_start", first).
			Msg("offset syncs topic position out of range (log truncated or topic replaced); reading it again from its start")
	}
	t.setPos(first)
	t.clampInitialEnd()
	return nil
}

// clampInitialEnd: when the log shrank during the initial read, the end
// taken at start may never be reached; the initial read then ends at the
// current end.
func (t *syncTail) clampInitialEnd() {
	if t.initialReadDone() {
		return
	}
	end, err := t.listOffset(sarama.OffsetNewest)
	if err == nil && end < t.initialEnd {
		t.initialEnd = end
	}
}

func (t *syncTail) setPos(p int64) {
	t.pos = p
	t.posShared.Store(p)
}

// consume applies the records of a fetch response at or past the position
// and moves the position past every batch seen, so offsets held by
// compacted-away records, transaction markers and (under read_committed)
// aborted records count as read. A record that is not an offset sync is
// logged and skipped.
func (t *syncTail) consume(blk *sarama.FetchResponseBlock) error {
	readCommitted := t.s.conf.Consumer.IsolationLevel == sarama.ReadCommitted
	got := kafkaclient.FetchedRecords(blk, t.pos, readCommitted, func(rec kafkaclient.FetchedRecord) {
		t.record(rec.Offset, rec.Key, rec.Value)
	})
	t.setPos(got.Next)
	size, err := got.NextFetchSize(t.fetchSize, t.defaultFetchSize())
	if err != nil {
		return fmt.Errorf("offset syncs: %w", err)
	}
	t.fetchSize = size
	return nil
}

// defaultFetchSize is max.partition.fetch.bytes (at least 1 KiB).
func (t *syncTail) defaultFetchSize() int32 { return max(t.s.conf.Consumer.Fetch.Default, 1<<10) }

// record decodes and applies one record.
func (t *syncTail) record(offset int64, key, value []byte) {
	sync, err := decodeOffsetSync(key, value)
	if err != nil {
		t.s.log.Warn().Err(err).Int32("partition", 0).Int64("offset", offset).
			Msg("skipping a record of the offset syncs topic that is not an offset sync")
		return
	}
	t.s.apply(sync)
	if !t.initialReadDone() {
		t.initialRecords.Add(1)
	}
}
