package mirror

import (
	"fmt"

	"github.com/IBM/sarama"
)

// resetAfterOutOfRange is what Java's consumer does when the source answers
// OFFSET_OUT_OF_RANGE for the next offset to copy: auto.offset.reset picks
// a new position. Java does it all but silently; here reportReset logs the
// cost at WARN with numbers: how many records were deleted before they were
// copied (source retention, DeleteRecords), or that the topic was recreated
// and records may be copied again.
//
// The partition's log start and end offsets are read first. When the next
// offset lies between them, the answer was stale (a leader moving): the
// reader retries at the same offset, and only after
// maxInRangeOutOfRangeHits such answers in a row applies the reset.
// retry reports whether to wait a retry backoff before subscribing again.
func (r *partitionReader) resetAfterOutOfRange() (retry bool, err error) {
	from := r.next
	reset := r.task.settings.reset
	if from < 0 {
		// Nothing copied yet in this task: start again where
		// auto.offset.reset says.
		to, err := r.task.resetOffset()
		if err != nil {
			return false, fmt.Errorf("the first offset to copy is out of range and %w", err)
		}
		r.log.Warn().Str("auto_offset_reset", reset).
			Msg("the first offset to copy went out of range before any record was copied; starting again per auto.offset.reset")
		r.next = to
		return false, nil
	}
	start, end, err := r.bounds()
	if err != nil {
		return true, fmt.Errorf("offset %d is out of range and the partition's offsets cannot be read: %w", from, err)
	}
	if from >= start && from <= end {
		if r.outOfRangeAt != from {
			r.outOfRangeAt, r.outOfRangeHits = from, 0
		}
		r.outOfRangeHits++
		if r.outOfRangeHits < maxInRangeOutOfRangeHits {
			r.log.Warn().Int64("offset", from).Int64("log_start_offset", start).Int64("log_end_offset", end).
				Msgf("offset %d was answered OFFSET_OUT_OF_RANGE although the partition holds offsets %d to %d; retrying it", from, start, end)
			return true, nil
		}
	}
	r.outOfRangeAt, r.outOfRangeHits = -1, 0
	var to int64
	switch reset {
	case "earliest":
		to = start
	case "latest":
		to = end
	default:
		return false, fmt.Errorf("offset %d is out of range (the partition holds offsets %d to %d) and auto.offset.reset is none: %w",
			from, start, end, errFatal)
	}
	r.next = to
	r.reportReset(from, to, start, end)
	return false, nil
}

// bounds returns the partition's log start and log end offsets.
func (r *partitionReader) bounds() (start, end int64, err error) {
	client := r.task.sourceClient()
	if start, err = client.GetOffset(r.tp.topic, r.tp.partition, sarama.OffsetOldest); err != nil {
		return 0, 0, err
	}
	if end, err = client.GetOffset(r.tp.topic, r.tp.partition, sarama.OffsetNewest); err != nil {
		return 0, 0, err
	}
	return start, end, nil
}

// reportReset logs a move of the next offset to copy from from to to, in a
// partition holding offsets start to end: the gap (records never copied)
// or the records that may be copied again.
func (r *partitionReader) reportReset(from, to, start, end int64) {
	reset := r.task.settings.reset
	ev := r.log.Warn().Int64("from_offset", from).Int64("to_offset", to).
		Int64("log_start_offset", start).Int64("log_end_offset", end).Str("auto_offset_reset", reset)
	switch {
	case from < start && to == start:
		gap := to - from
		ev.Int64("gap_records", gap).Int64("deleted_records", gap).
			Msgf("source records were deleted before they were copied: gap of %d records (offsets %d to %d); continuing at offset %d, the earliest available",
				gap, from, to-1, to)
	case from < start:
		gap := to - from
		ev.Int64("gap_records", gap).Int64("deleted_records", start-from).
			Msgf("source records were deleted before they were copied and auto.offset.reset=latest skips the rest: gap of %d records (offsets %d to %d, %d of them deleted); continuing at offset %d",
				gap, from, to-1, start-from, to)
	case from > end:
		ev.Msgf("offset %d is past the end of the partition (log end offset %d): the topic was recreated or truncated; continuing at offset %d per auto.offset.reset=%s, so records may be copied again",
			from, end, to, reset)
	case to < from:
		ev.Int64("copied_again_records", from-to).
			Msgf("offset %d keeps being answered OFFSET_OUT_OF_RANGE although the partition holds offsets %d to %d; auto.offset.reset=%s moves back to offset %d: %d records may be copied again",
				from, start, end, reset, to, from-to)
	default:
		ev.Int64("gap_records", to-from).
			Msgf("offset %d keeps being answered OFFSET_OUT_OF_RANGE although the partition holds offsets %d to %d; auto.offset.reset=%s moves on to offset %d: gap of %d records",
				from, start, end, reset, to, to-from)
	}
}
