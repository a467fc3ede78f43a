package runtime

import (
	"context"
	"errors"
	"fmt"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/storage"
)

// ackBatchMax bounds how many acknowledgements the ack loop takes before it
// updates the submitted records (under one lock).
const ackBatchMax = 256

// inflight is one record between Poll and its acknowledgement: the
// producer message, its submitted-record entry and the metadata handed to
// CommitRecord live in one allocation, and the message's Metadata points
// back at it.
type inflight struct {
	msg      sarama.ProducerMessage
	sub      submittedRecord
	meta     connect.RecordMetadata
	rec      *connect.SourceRecord
	explicit bool
}

func (f *inflight) PartitionIsExplicit() bool { return f.explicit }

// sendBatch converts one Poll's records and hands them to the producer, in
// order; it blocks while the producer's input is full (back-pressure)
// unless the task is stopping. A record that cannot be converted fails the
// task after the records before it were handed over (errors.tolerance=none),
// or is skipped (all).
func (t *workerTask) sendBatch(ctx context.Context, records []*connect.SourceRecord) error {
	t.partKeys.newBatch()
	batch := t.batch[:0]
	defer func() {
		clear(batch)
		t.batch = batch[:0]
	}()
	var failure error
	for _, rec := range records {
		f, err := t.prepare(ctx, rec)
		if err != nil {
			failure = err
			break
		}
		if f != nil {
			batch = append(batch, f)
		}
	}
	if err := t.handOver(ctx, batch); err != nil {
		return err
	}
	return failure
}

// prepare converts rec and checks its source partition and offset; nil
// (and no error) when the record is skipped.
func (t *workerTask) prepare(ctx context.Context, rec *connect.SourceRecord) (*inflight, error) {
	f := &inflight{rec: rec, explicit: rec.Partition != nil}
	if err := t.conv.fill(&f.msg, rec); err != nil {
		if t.settings.ToleranceAll {
			t.logSkipped(rec, err)
			t.ackMu.Lock()
			t.commitRecord(ctx, rec, nil)
			t.ackMu.Unlock()
			return nil, nil
		}
		return nil, fmt.Errorf("task %s could not convert a record for topic %s: %w", t.id, rec.Topic, err)
	}
	// A nil source partition is a partition too: its offsets-topic key is
	// ["<connector>",null], as Java writes it.
	key, err := t.partKeys.batchKey(t.id.Connector, rec.SourcePartition)
	if err != nil {
		return nil, fmt.Errorf("task %s produced an invalid source partition: %w", t.id, err)
	}
	if err := storage.ValidateOffset(rec.SourceOffset); err != nil {
		return nil, fmt.Errorf("task %s produced an invalid source offset: %w", t.id, err)
	}
	f.sub = submittedRecord{key: key, partition: rec.SourcePartition, offset: offsetOf(rec)}
	f.msg.Metadata = f
	return f, nil
}

// handOver submits the batch's records, then hands them to the producer in
// order. When the task fails or stops first, the records not handed over
// are forgotten, so their offsets are not committed and they are polled
// again after a restart.
func (t *workerTask) handOver(ctx context.Context, batch []*inflight) error {
	if len(batch) == 0 {
		return nil
	}
	subs := t.subs[:0]
	for _, f := range batch {
		subs = append(subs, &f.sub)
	}
	t.submitted.add(subs...)
	clear(subs)
	t.subs = subs[:0]
	in := t.producer.Input()
	for i, f := range batch {
		select {
		case in <- &f.msg:
			continue
		default:
		}
		select {
		case in <- &f.msg:
		case err := <-t.failErr:
			t.dropUnsent(batch[i:])
			return err
		case <-ctx.Done():
			t.dropUnsent(batch[i:])
			return nil
		}
	}
	return nil
}

// dropUnsent forgets records submitted but never handed over, newest
// first (each is then the newest of its partition).
func (t *workerTask) dropUnsent(batch []*inflight) {
	for i := len(batch) - 1; i >= 0; i-- {
		t.submitted.drop(&batch[i].sub)
	}
}

// ackLoop takes the producer's acknowledgements until the producer is
// closed: each record goes to the task's CommitRecord, then its offset
// becomes committable. It takes whatever acknowledgements are waiting as
// one batch.
func (t *workerTask) ackLoop() {
	successes := t.producer.Successes()
	topics := newTopicTracker(t)
	subs := make([]*submittedRecord, 0, ackBatchMax)
	for m := range successes {
		t.ackMu.Lock()
		subs = append(subs, t.acknowledged(m, topics))
	more:
		for len(subs) < ackBatchMax {
			select {
			case m, ok := <-successes:
				if !ok {
					break more
				}
				subs = append(subs, t.acknowledged(m, topics))
			default:
				break more
			}
		}
		t.ackMu.Unlock()
		t.submitted.ackAll(subs)
		clear(subs)
		subs = subs[:0]
	}
}

// acknowledged hands one acknowledged record to the task (ackMu held) and
// returns its submitted-record entry.
func (t *workerTask) acknowledged(m *sarama.ProducerMessage, topics *topicTracker) *submittedRecord {
	f := m.Metadata.(*inflight)
	f.meta = connect.RecordMetadata{Topic: m.Topic, Partition: m.Partition, Offset: m.Offset, Timestamp: m.Timestamp}
	t.commitRecord(context.Background(), f.rec, &f.meta)
	topics.sent(m.Topic)
	return &f.sub
}

// errorLoop takes the producer's failures until the producer is closed:
// with errors.tolerance=all the record is skipped, otherwise the task
// fails, naming the record.
func (t *workerTask) errorLoop() {
	for pe := range t.producer.Errors() {
		f := pe.Msg.Metadata.(*inflight)
		if t.settings.ToleranceAll {
			t.logSkipped(f.rec, pe.Err)
			t.ackMu.Lock()
			t.commitRecord(context.Background(), f.rec, nil)
			t.ackMu.Unlock()
			t.submitted.ack(&f.sub)
			continue
		}
		t.fail(t.sendFailure(f, pe))
	}
}

// sendFailure logs a record the producer gave up on and returns the task's
// failure. The trace names the record: where it went and where it came
// from (for MirrorSourceTask: the source topic, partition and offset), so
// a record the target refuses (too large, say) can be found.
func (t *workerTask) sendFailure(f *inflight, pe *sarama.ProducerError) error {
	srcPart, srcOff := formatSourceMap(f.rec.SourcePartition), formatSourceMap(f.rec.Offset())
	t.log.Error().Err(pe.Err).Str("topic", pe.Msg.Topic).Int32("partition", pe.Msg.Partition).
		Str("source_partition", srcPart).Str("source_offset", srcOff).Msg("failed to send record")
	// The Kafka partition is certain only when the record named it:
	// otherwise the producer may have failed before choosing one.
	dest := pe.Msg.Topic
	if f.explicit {
		dest = fmt.Sprintf("%s partition %d", pe.Msg.Topic, pe.Msg.Partition)
	}
	size := ""
	if errors.Is(pe.Err, sarama.ErrMessageSizeTooLarge) {
		size = fmt.Sprintf(", %d bytes", pe.Msg.ByteSize(2))
	}
	return fmt.Errorf("task %s failed to send a record to topic %s (source partition %s, source offset %s%s): %w",
		t.id, dest, srcPart, srcOff, size, pe.Err)
}
