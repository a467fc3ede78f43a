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
// partition consumer to the task's event channel, on its own goroutine
// (run). It re-subscribes after transient failures, applies
// auto.offset.reset when its offset falls out of range (as Java's consumer
// does), and reports permanent failures to Poll.
type partitionReader struct {
	task *MirrorSourceTask
	tp   topicPartition
	// next is the offset to (re)subscribe at: the offset after the last
	// record handed to the task, or sarama.OffsetOldest/OffsetNewest.
	next int64
	pc   sarama.PartitionConsumer
	log  zerolog.Logger
}

// subscribe starts a partition consumer at next. An explicit offset outside
// the partition's range falls back to auto.offset.reset.
func (r *partitionReader) subscribe() error {
	pc, err := r.task.consumer.ConsumePartition(r.tp.topic, r.tp.partition, r.next)
	if errors.Is(err, sarama.ErrOffsetOutOfRange) && r.next >= 0 {
		if err = r.reset(); err != nil {
			return err
		}
		pc, err = r.task.consumer.ConsumePartition(r.tp.topic, r.tp.partition, r.next)
	}
	if err != nil {
		return err
	}
	r.pc = pc
	return nil
}

// reset moves next to where auto.offset.reset says.
func (r *partitionReader) reset() error {
	off, err := r.task.resetOffset()
	if err != nil {
		return fmt.Errorf("offset %d is out of range and %w", r.next, err)
	}
	r.log.Warn().Int64("offset", r.next).Str("auto_offset_reset", r.task.settings.reset).
		Msg("offset out of range; resetting")
	r.next = off
	return nil
}

func (r *partitionReader) run() {
	defer r.task.wg.Done()
	for {
		if r.pc == nil {
			if !r.wait(r.task.retryBackoff) {
				return
			}
			if err := r.subscribe(); err != nil {
				if !isRetriable(err) {
					r.fail(err)
					return
				}
				r.log.Warn().Err(err).Msg("cannot consume the partition; retrying")
				continue
			}
		}
		err := r.forward()
		r.pc = nil
		if r.stopping() {
			return
		}
		if errors.Is(err, sarama.ErrOffsetOutOfRange) {
			if err = r.reset(); err != nil {
				r.fail(err)
				return
			}
			continue
		}
		if !isRetriable(err) {
			r.fail(err)
			return
		}
		r.log.Warn().Err(err).Int64("next_offset", r.next).Msg("partition consumer ended; subscribing again")
	}
}

// forward hands records to the task until the partition consumer ends
// (returning why) or the task stops (returning nil).
func (r *partitionReader) forward() error {
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
			select {
			case r.task.events <- taskEvent{msg: m}:
				r.next = m.Offset + 1
			case <-r.task.done:
				r.closeAndDrain(msgs, errs)
				return nil
			}
		case e, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			if errors.Is(e.Err, sarama.ErrOffsetOutOfRange) || !isRetriable(e.Err) {
				r.log.Error().Err(e.Err).Msg("consumer error")
				if failure == nil {
					failure = e.Err
				}
				r.pc.AsyncClose()
				continue
			}
			r.log.Warn().Err(e.Err).Msg("consumer error; retrying")
		}
	}
	if failure == nil {
		failure = errPartitionConsumerEnded
	}
	return failure
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
func (r *partitionReader) wait(d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-r.task.done:
		return false
	}
}

func (r *partitionReader) stopping() bool {
	select {
	case <-r.task.done:
		return true
	default:
		return false
	}
}
