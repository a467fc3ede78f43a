package mirror

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect"
)

// maxOutstandingOffsetSyncs bounds the offset syncs sent and not yet
// acknowledged, over all partitions of a task (Java's
// OffsetSyncWriter.MAX_OUTSTANDING_OFFSET_SYNCS).
const maxOutstandingOffsetSyncs = 10

// offsetSyncSender writes offset sync records to the offset-syncs topic.
type offsetSyncSender interface {
	// send hands one sync over for writing. It never blocks (at most
	// maxOutstandingOffsetSyncs are outstanding) and returns false only
	// when it cannot take the sync at all. done is called exactly once,
	// from another goroutine and never before send returns, when the write
	// succeeded or failed for good.
	send(s offsetSync, done func(error)) bool
	// close flushes what was sent, waiting until ctx ends.
	close(ctx context.Context)
}

// offsetSyncWriter is Java's OffsetSyncWriter: it decides, for every
// replicated record, whether its offsets are synced now or later, and keeps
// the syncs waiting to be sent.
//
// Each partition has a partitionSyncState. A record whose pair must be
// synced now (first record, lag, gap, downstream backwards) is queued to be
// sent and replaces the partition's delayed one; any other record
// becomes the partition's delayed sync. Commit promotes every delayed sync
// to pending, so quiet partitions converge. Pending syncs are sent oldest
// first while fewer than maxOutstandingOffsetSyncs are outstanding; the
// rest wait for the next record or commit. Unlike Java, which keeps one
// pending sync per partition, every pending sync waits its turn (up to
// maxPendingOffsetSyncs, see pendingSyncs), so a burst of acknowledgements
// while the slots are taken loses none of the syncs checkpoints need.
type offsetSyncWriter struct {
	topic        string
	maxOffsetLag int64
	sender       offsetSyncSender
	log          zerolog.Logger

	// mu guards everything below. send is called with it held: the
	// sender never blocks and calls back on its own goroutine, so a sync
	// of a partition is always sent before a later one of the same
	// partition, even when a record ack and a commit fire at once.
	mu     sync.Mutex
	states map[topicPartition]*partitionSyncState
	// lastTP and lastState: the partition of the previous record, which
	// the next one usually shares (acknowledgements come a partition
	// batch at a time).
	lastTP      topicPartition
	lastState   *partitionSyncState
	delayed     syncQueue
	pending     pendingSyncs
	outstanding int
	closed      bool
}

func newOffsetSyncWriter(topic string, maxOffsetLag int64, sender offsetSyncSender, log zerolog.Logger) *offsetSyncWriter {
	return &offsetSyncWriter{topic: topic, maxOffsetLag: maxOffsetLag, sender: sender, log: log,
		states: map[topicPartition]*partitionSyncState{}}
}

// maybeQueue is Java's maybeQueueOffsetSyncs: upstream of tp was written at
// downstream; it returns why the pair was queued to be sent now (0: it was
// delayed to the next commit). Nothing is queued after close.
func (w *offsetSyncWriter) maybeQueue(tp topicPartition, upstream, downstream int64) syncReason {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.maybeQueueLocked(tp, upstream, downstream)
}

// queueAndFire is maybeQueue then firePending under one lock: what
// CommitRecord does for every record.
func (w *offsetSyncWriter) queueAndFire(tp topicPartition, upstream, downstream int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.maybeQueueLocked(tp, upstream, downstream)
	w.firePendingLocked()
}

func (w *offsetSyncWriter) maybeQueueLocked(tp topicPartition, upstream, downstream int64) syncReason {
	if w.closed {
		return 0
	}
	st := w.lastState
	if st == nil || w.lastTP != tp {
		if st = w.states[tp]; st == nil {
			st = newPartitionSyncState(w.maxOffsetLag)
			w.states[tp] = st
		}
		w.lastTP, w.lastState = tp, st
	}
	s := offsetSync{tp: tp, upstreamOffset: upstream, downstreamOffset: downstream}
	r := st.update(upstream, downstream)
	if r != 0 {
		w.delayed.remove(tp)
		w.pending.put(s, r&syncFirst != 0)
	} else {
		w.delayed.put(s)
	}
	return r
}

// promoteDelayed is Java's promoteDelayedOffsetSyncs: every delayed sync
// becomes pending.
func (w *offsetSyncWriter) promoteDelayed() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.delayed.moveTo(&w.pending)
}

// firePending is Java's firePendingOffsetSyncs: it sends pending syncs,
// oldest partition first, until none is left or maxOutstandingOffsetSyncs
// are outstanding.
func (w *offsetSyncWriter) firePending() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.firePendingLocked()
}

func (w *offsetSyncWriter) firePendingLocked() {
	for !w.closed && w.outstanding < maxOutstandingOffsetSyncs {
		s, ok := w.pending.pop()
		if !ok {
			return
		}
		if !w.sender.send(s, func(err error) { w.sent(s, err) }) {
			w.log.Error().Str("topic", s.tp.topic).Int32("partition", s.tp.partition).
				Int64("upstream_offset", s.upstreamOffset).Int64("downstream_offset", s.downstreamOffset).
				Msg("offset sync dropped: the offset-syncs producer did not take it (closed, or the key cannot be encoded)")
			continue
		}
		w.outstanding++
	}
}

// sent is the sender's callback for one sync.
func (w *offsetSyncWriter) sent(s offsetSync, err error) {
	w.mu.Lock()
	w.outstanding--
	w.mu.Unlock()
	if err != nil {
		w.log.Error().Err(err).Str("offset_syncs_topic", w.topic).Str("topic", s.tp.topic).Int32("partition", s.tp.partition).
			Int64("upstream_offset", s.upstreamOffset).Int64("downstream_offset", s.downstreamOffset).
			Msg("failure sending offset sync")
		return
	}
	w.log.Trace().Str("topic", s.tp.topic).Int32("partition", s.tp.partition).
		Int64("upstream_offset", s.upstreamOffset).Int64("downstream_offset", s.downstreamOffset).
		Msg("synced offsets")
}

// commit is what MirrorSourceTask.Commit does for offset syncs: promote the
// delayed syncs and send what may be sent.
func (w *offsetSyncWriter) commit() {
	w.promoteDelayed()
	w.firePending()
}

// close stops queueing, then flushes the sender until ctx ends.
func (w *offsetSyncWriter) close(ctx context.Context) {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	w.sender.close(ctx)
}

// queueOffsetSync is the offset-sync half of Java's
// MirrorSourceTask.commitRecord: once the target acknowledged rec at meta,
// its upstream and downstream offsets go to the writer, and what can be sent
// is sent.
func (t *MirrorSourceTask) queueOffsetSync(rec *connect.SourceRecord, meta *connect.RecordMetadata) {
	if meta == nil {
		t.log.Debug().Str("topic", rec.Topic).
			Msg("no record metadata (the record was probably dropped by a transformation); cannot sync its offsets")
		return
	}
	if meta.Offset < 0 {
		t.log.Error().Str("topic", rec.Topic).Msg("record metadata has no offset; cannot sync its offsets")
		return
	}
	tp, upstream, err := unwrapSourcePosition(rec)
	if err != nil {
		t.log.Error().Err(err).Str("topic", rec.Topic).Msg("cannot sync the offsets of a record")
		return
	}
	t.offsetSyncs.queueAndFire(tp, upstream, meta.Offset)
}

// unwrapSourcePosition reads the upstream partition and offset back from a
// record's Connect source partition and offset (Java's
// MirrorUtils.unwrapPartition and unwrapOffset).
func unwrapSourcePosition(rec *connect.SourceRecord) (topicPartition, int64, error) {
	topic, ok := rec.SourcePartition[partitionKeyTopic].(string)
	p, okp := partitionNumber(rec.SourcePartition[partitionKeyPartition])
	if !ok || !okp {
		return topicPartition{}, 0, fmt.Errorf("source partition %v is not a MirrorMaker source partition", rec.SourcePartition)
	}
	if rec.SourceOffset == nil && rec.IntOffsetField == offsetKeyOffset && rec.IntOffset >= 0 {
		return topicPartition{topic: topic, partition: p}, rec.IntOffset, nil
	}
	off, ok, err := storedOffset(rec.Offset())
	if err != nil || !ok {
		return topicPartition{}, 0, fmt.Errorf("source offset %v is not a MirrorMaker source offset", rec.Offset())
	}
	return topicPartition{topic: topic, partition: p}, off, nil
}

// partitionNumber accepts the integer types a source partition's
// "partition" may hold.
func partitionNumber(v any) (int32, bool) {
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int32:
		n = int64(x)
	case int64:
		n = x
	default:
		return 0, false
	}
	if n < 0 || n > math.MaxInt32 {
		return 0, false
	}
	return int32(n), true
}
