package runtime

import (
	"context"
	"errors"
	"fmt"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/producer"
	"github.com/ferrykafka/ferry/storage"
)

// inflight is one record between Poll and its acknowledgement: the
// producer record, its submitted-record entry and the metadata handed to
// CommitRecord live in one allocation, and the record's Meta points back
// at it.
type inflight struct {
	msg  producer.Record
	sub  submittedRecord
	meta connect.RecordMetadata
	rec  *connect.SourceRecord
}

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
	f := &inflight{rec: rec}
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
	f.msg.Meta = f
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
	recs := t.recs[:0]
	for _, f := range batch {
		recs = append(recs, &f.msg)
	}
	defer func() {
		clear(recs)
		t.recs = recs[:0]
	}()
	sent := 0
	for sent < len(recs) {
		n, err := t.producer.Send(recs[sent:])
		if err != nil {
			t.dropUnsent(batch[sent:])
			return err
		}
		if sent += n; sent == len(recs) {
			break
		}
		select {
		case <-t.producer.Space():
		case err := <-t.failErr:
			t.dropUnsent(batch[sent:])
			return err
		case <-ctx.Done():
			t.dropUnsent(batch[sent:])
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

// ackLoop takes the producer's results until the producer is closed. A
// result is a run of one partition's records: written, each goes to the
// task's CommitRecord and its offset becomes committable (one lock for the
// run); failed, each is skipped (errors.tolerance=all) or the task fails,
// naming the first.
func (t *workerTask) ackLoop() {
	topics := newTopicTracker(t)
	var subs []*submittedRecord
	for res := range t.producer.Results() {
		if res.Err != nil {
			t.failed(res)
			continue
		}
		t.ackMu.Lock()
		for _, r := range res.Records {
			f := r.Meta.(*inflight)
			f.meta = connect.RecordMetadata{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Timestamp: r.Timestamp}
			t.commitRecord(context.Background(), f.rec, &f.meta)
			subs = append(subs, &f.sub)
		}
		t.ackMu.Unlock()
		if len(res.Records) > 0 {
			topics.sent(res.Records[0].Topic)
			if !t.firstAck {
				t.firstAck = true
				t.log.Debug().Int("records", len(res.Records)).Dur("since_start", t.sinceStart()).
					Msg("first records acknowledged")
			}
		}
		t.submitted.ackAll(subs)
		clear(subs)
		subs = subs[:0]
	}
}

// failed handles records the producer gave up on: with
// errors.tolerance=all each is skipped, otherwise the task fails.
func (t *workerTask) failed(res *producer.Result) {
	for _, r := range res.Records {
		f := r.Meta.(*inflight)
		if !t.settings.ToleranceAll {
			t.fail(t.sendFailure(f, res.Err))
			return
		}
		t.logSkipped(f.rec, res.Err)
		t.ackMu.Lock()
		t.commitRecord(context.Background(), f.rec, nil)
		t.ackMu.Unlock()
		t.submitted.ack(&f.sub)
	}
}

// sendFailure logs a record the producer gave up on and returns the task's
// failure. The trace names the record: where it went and where it came
// from (for MirrorSourceTask: the source topic, partition and offset), so
// a record the target refuses (too large, say) can be found.
func (t *workerTask) sendFailure(f *inflight, sendErr error) error {
	srcPart, srcOff := formatSourceMap(f.rec.SourcePartition), formatSourceMap(f.rec.Offset())
	t.log.Error().Err(sendErr).Str("topic", f.msg.Topic).Int32("partition", f.msg.Partition).
		Str("source_partition", srcPart).Str("source_offset", srcOff).Msg("failed to send record")
	// The Kafka partition is certain only when the record named it:
	// otherwise the producer may have failed before choosing one.
	dest := f.msg.Topic
	if f.msg.Explicit {
		dest = fmt.Sprintf("%s partition %d", f.msg.Topic, f.msg.Partition)
	}
	size := ""
	if errors.Is(sendErr, sarama.ErrMessageSizeTooLarge) {
		size = fmt.Sprintf(", %d bytes", f.msg.ByteSize())
	}
	return fmt.Errorf("task %s failed to send a record to topic %s (source partition %s, source offset %s%s): %w",
		t.id, dest, srcPart, srcOff, size, sendErr)
}
