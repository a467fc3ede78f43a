package connect

import "time"

// Header is one record header. Schema and Value follow Connect's
// ConnectHeaders: MirrorMaker copies headers as (OptionalBytesSchema, []byte).
type Header struct {
	Key    string
	Schema *Schema
	Value  any
}

// SourceRecord is what a SourceTask returns from Poll: data for one Kafka
// record, plus the source partition and offset the runtime stores so the task
// can resume after a restart.
//
// SourcePartition and SourceOffset may hold only primitive values (string,
// bool, integer and floating-point numbers, nil), as in Java's OffsetUtils.
//
// A task whose offsets are one integer (a Kafka offset, a line number) may
// leave SourceOffset nil and set IntOffsetField and IntOffset instead: the
// record's source offset is then {IntOffsetField: IntOffset}, stored exactly
// as that map would be, but the runtime builds the map only when it writes
// an offset, not for every record (Offset). The runtime never changes a
// record's maps; a task must not change them once Poll returned them.
type SourceRecord struct {
	SourcePartition map[string]any
	SourceOffset    map[string]any
	IntOffsetField  string
	IntOffset       int64

	Topic string
	// Partition is the target partition, or nil to let the producer's
	// partitioner choose from the serialized key.
	Partition *int32

	KeySchema   *Schema
	Key         any
	ValueSchema *Schema
	Value       any

	// Timestamp is the record timestamp; the zero Time means "none" (the
	// producer then stamps the record itself).
	Timestamp time.Time
	Headers   []Header
}

// Offset is the record's source offset: SourceOffset, or
// {IntOffsetField: IntOffset} when only those are set (a new map), or nil.
func (r *SourceRecord) Offset() map[string]any {
	if r.SourceOffset == nil && r.IntOffsetField != "" {
		return map[string]any{r.IntOffsetField: r.IntOffset}
	}
	return r.SourceOffset
}

// PartitionOf returns a pointer to p, for SourceRecord.Partition.
func PartitionOf(p int32) *int32 { return &p }

// RecordMetadata describes where the runtime wrote a record, handed to
// SourceTask.CommitRecord once the target broker acknowledged it.
type RecordMetadata struct {
	Topic     string
	Partition int32
	Offset    int64
	Timestamp time.Time
}
