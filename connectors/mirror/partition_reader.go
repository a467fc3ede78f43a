package mirror

import (
	"errors"
	"fmt"
	"time"

	"github.com/IBM/sarama"
	"github.com/rs/zerolog"
)

// errPartitionConsumerEnded: sarama closed a partition consumer without
// saying why; the reader subscribes again.
var errPartitionConsumerEnded = errors.New("partition consumer ended")

// partitionReader moves one source partition's records from sarama's
// partition consumer to the task's event channel, in batches (collect), on
// its own goroutine (run). What it does on a failure (recover):
//
//   - retriable errors (broker unreachable, no leader): sarama retries, or
//     the reader subscribes again after a retry backoff; the task's
//     sourceHealth says so in the log while it lasts;
//   - OFFSET_OUT_OF_RANGE: auto.offset.reset applies, as with Java's
//     consumer, and the gap is logged with its size (offset_reset.go);
//   - UNKNOWN_TOPIC_OR_PARTITION for a deleted topic: the partition is
//     parked until the connector reassigns the tasks (deleted_topic.go);
//   - anything else fails the task through Poll, naming the partition.
type partitionReader struct {
	task *MirrorSourceTask
	tp   topicPartition
	// next is the offset to (re)subscribe at: the offset after the last
	// record handed to the task, or sarama.OffsetOldest/OffsetNewest.
	next int64
	pc   sarama.PartitionConsumer
	log  zerolog.Logger
	// pending is a failure of the subscription made at start, dealt
	// with first thing by run.
	pending error
	// outOfRangeAt and outOfRangeHits count OFFSET_OUT_OF_RANGE answers
	// in a row for an offset the partition holds (resetAfterOutOfRange).
	outOfRangeAt   int64
	outOfRangeHits int
}

func newPartitionReader(t *MirrorSourceTask, tp topicPartition, next int64) *partitionReader {
	return &partitionReader{task: t, tp: tp, next: next, outOfRangeAt: -1,
		log: t.log.With().Str("topic", tp.topic).Int32("partition", tp.partition).Logger()}
}

// subscribe starts a partition consumer at next.
func (r *partitionReader) subscribe() error {
	pc, err := r.task.consumer.ConsumePartition(r.tp.topic, r.tp.partition, r.next)
	if err != nil {
		return err
	}
	r.pc = pc
	return nil
}

func (r *partitionReader) run() {
	defer r.task.wg.Done()
	backoff := false
	if r.pending != nil {
		var ok bool
		if backoff, ok = r.recover(r.pending); !ok {
			return
		}
		r.pending = nil
	}
	for {
		if r.pc == nil {
			if backoff && !r.wait(r.task.retryBackoff) {
				return
			}
			if err := r.subscribe(); err != nil {
				var ok bool
				if backoff, ok = r.recover(err); !ok {
					return
				}
				continue
			}
		}
		err := r.forward()
		r.pc = nil
		if r.stopping() {
			return
		}
		var ok bool
		if backoff, ok = r.recover(err); !ok {
			return
		}
	}
}

// recover decides what a failure to subscribe or consume means. It returns
// whether to wait a retry backoff before subscribing again, and false in
// ok when the reader must end (the task stops or the partition failed).
func (r *partitionReader) recover(err error) (backoff, ok bool) {
	health := r.task.faults.source
	switch {
	case errors.Is(err, sarama.ErrOffsetOutOfRange):
		retry, rerr := r.resetAfterOutOfRange()
		if rerr == nil {
			return retry, true
		}
		if isRetriable(rerr) {
			health.failed(r.tp, rerr, time.Now())
			return true, true
		}
		r.fail(rerr)
		return false, false
	case errors.Is(err, sarama.ErrUnknownTopicOrPartition):
		return true, r.awaitTopic(err)
	case errors.Is(err, errPartitionConsumerEnded), isRetriable(err):
		health.failed(r.tp, err, time.Now())
		return true, true
	default:
		r.fail(err)
		return false, false
	}
}

// forward hands records to the task until the partition consumer ends
// (returning why) or the task stops (returning nil). Errors sarama
// retries itself are reported to the task's sourceHealth; those it would
// retry forever in vain (offset out of range, topic deleted) or never
// (permanent ones) end the consumer, so recover can decide.
func (r *partitionReader) forward() error {
	health := r.task.faults.source
	msgs, errs := r.pc.Messages(), r.pc.Errors()
	var failure error
	for msgs != nil || errs != nil {
		select {
		case <-r.task.done:
			r.closeAndDrain(msgs, errs)
			return nil
		case m, ok := <-msgs:
			if !ok {
				msgs = nil
				continue
			}
			batch, open := r.collect(m, msgs)
			if !open {
				msgs = nil
			}
			// The batch belongs to Poll once sent.
			next := batch[len(batch)-1].Offset + 1
			select {
			case r.task.events <- taskEvent{msgs: batch}:
				r.next = next
				if health.nFailing.Load() > 0 {
					health.progressed(r.tp, time.Now())
				}
			case <-r.task.done:
				r.closeAndDrain(msgs, errs)
				return nil
			}
		case e, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			if errors.Is(e.Err, sarama.ErrOffsetOutOfRange) || errors.Is(e.Err, sarama.ErrUnknownTopicOrPartition) ||
				!isRetriable(e.Err) {
				if failure == nil {
					failure = e.Err
				}
				r.pc.AsyncClose()
				continue
			}
			health.failed(r.tp, e.Err, time.Now())
		}
	}
	if failure == nil {
		failure = errPartitionConsumerEnded
	}
	return failure
}

// collect returns first and the records sarama already buffered behind it
// (without waiting for more), at most max.poll.records: the task takes a
// partition's records a batch at a time, one channel operation for the
// batch instead of one per record. open is false when msgs was closed.
func (r *partitionReader) collect(first *sarama.ConsumerMessage, msgs <-chan *sarama.ConsumerMessage) (batch []*sarama.ConsumerMessage, open bool) {
	limit := r.task.settings.maxPollRecords
	batch = make([]*sarama.ConsumerMessage, 1, min(limit, len(msgs)+1))
	batch[0] = first
	for len(batch) < limit {
		select {
		case m, ok := <-msgs:
			if !ok {
				return batch, false
			}
			batch = append(batch, m)
		default:
			return batch, true
		}
	}
	return batch, true
}

// closeAndDrain closes the partition consumer and reads its channels until
// sarama closes them, so its goroutines can finish.
func (r *partitionReader) closeAndDrain(msgs <-chan *sarama.ConsumerMessage, errs <-chan *sarama.ConsumerError) {
	r.pc.AsyncClose()
	for msgs != nil || errs != nil {
		select {
		case _, ok := <-msgs:
			if !ok {
				msgs = nil
			}
		case _, ok := <-errs:
			if !ok {
				errs = nil
			}
		}
	}
}

// fail reports a permanent failure of the partition to Poll.
func (r *partitionReader) fail(err error) {
	r.log.Error().Err(err).Msg("replication of the partition failed")
	wrapped := fmt.Errorf("replicate %s from source cluster %q: %w", r.tp, r.task.cfg.sourceAlias, err)
	select {
	case r.task.events <- taskEvent{err: wrapped}:
	case <-r.task.done:
	}
}

// wait waits d, or returns false as soon as the task stops.
func (r *partitionReader) wait(d time.Duration) bool { return r.task.pause(d) }

func (r *partitionReader) stopping() bool {
	select {
	case <-r.task.done:
		return true
	default:
		return false
	}
}
