package mirrorclient

import (
	"fmt"
	"strconv"
)

// Field names of the checkpoint record and of its Connect source partition
// (Java's Checkpoint constants). The downstream offset's field is "offset".
const (
	CheckpointConsumerGroupIDKey  = "group"
	CheckpointTopicKey            = "topic"
	CheckpointPartitionKey        = "partition"
	CheckpointUpstreamOffsetKey   = "upstreamOffset"
	CheckpointDownstreamOffsetKey = "offset"
	CheckpointMetadataKey         = "metadata"
)

// TopicPartition names one partition of a topic.
type TopicPartition struct {
	Topic     string
	Partition int32
}

// String is Java's TopicPartition.toString: "topic-partition".
func (tp TopicPartition) String() string {
	return tp.Topic + "-" + strconv.FormatInt(int64(tp.Partition), 10)
}

// Checkpoint is a record MirrorCheckpointConnector writes to the target
// cluster's <source>.checkpoints.internal topic: a consumer group's
// committed offset on the source cluster, translated to the target cluster
// (Java's org.apache.kafka.connect.mirror.Checkpoint).
//
// Record layout (see records_codec.go for the types):
//
//	key:   STRING group, STRING topic, INT32 partition
//	value: INT16 version (0), INT64 upstreamOffset, INT64 offset
//	       (the downstream offset), STRING metadata
type Checkpoint struct {
	ConsumerGroupID string
	// Topic is the downstream topic: the upstream topic renamed by the
	// replication policy (e.g. "A.orders" for "orders" replicated from A).
	Topic     string
	Partition int32
	// UpstreamOffset is the group's committed offset on the source
	// cluster; DownstreamOffset is the equivalent offset on the target.
	UpstreamOffset   int64
	DownstreamOffset int64
	// Metadata is the metadata the group committed with its offset.
	Metadata string
}

// TopicPartition is the downstream partition the checkpoint is for.
func (c Checkpoint) TopicPartition() TopicPartition {
	return TopicPartition{Topic: c.Topic, Partition: c.Partition}
}

// String is Java's Checkpoint.toString.
func (c Checkpoint) String() string {
	return fmt.Sprintf("Checkpoint{consumerGroupId=%s, topicPartition=%s, upstreamOffset=%d, downstreamOffset=%d, metadata=%s}",
		c.ConsumerGroupID, c.TopicPartition(), c.UpstreamOffset, c.DownstreamOffset, c.Metadata)
}

// RecordKey is the record key, Java's Checkpoint.recordKey. It fails only
// for a group or topic longer than 32767 bytes (the error wraps
// ErrStringTooLong).
func (c Checkpoint) RecordKey() ([]byte, error) {
	b := make([]byte, 0, 2+len(c.ConsumerGroupID)+2+len(c.Topic)+4)
	b, err := appendString(b, "checkpoint key", CheckpointConsumerGroupIDKey, c.ConsumerGroupID)
	if err != nil {
		return nil, err
	}
	if b, err = appendString(b, "checkpoint key", CheckpointTopicKey, c.Topic); err != nil {
		return nil, err
	}
	return appendInt32(b, c.Partition), nil
}

// RecordValue is the record value, Java's Checkpoint.recordValue: version 0,
// both offsets and the metadata. It fails only for metadata longer than
// 32767 bytes (the error wraps ErrStringTooLong).
func (c Checkpoint) RecordValue() ([]byte, error) {
	b := make([]byte, 0, 2+8+8+2+len(c.Metadata))
	b = appendInt16(b, RecordVersion)
	b = appendInt64(b, c.UpstreamOffset)
	b = appendInt64(b, c.DownstreamOffset)
	return appendString(b, "checkpoint value", CheckpointMetadataKey, c.Metadata)
}

// DecodeCheckpoint reads a checkpoint record, as Java's
// Checkpoint.deserializeRecord: bytes after the last field are ignored, and
// the value's version is read but not checked (Java asserts it is 0 only
// when assertions are enabled, so a production MirrorMaker reads any version
// with the version-0 layout; Ferry does the same). Errors wrap
// ErrCorruptRecord and name the field that could not be read.
func DecodeCheckpoint(key, value []byte) (Checkpoint, error) {
	var c Checkpoint
	var err error
	v := newRecordReader("checkpoint value", value)
	if _, err = v.int16("version"); err != nil {
		return Checkpoint{}, err
	}
	if c.UpstreamOffset, err = v.int64(CheckpointUpstreamOffsetKey); err != nil {
		return Checkpoint{}, err
	}
	if c.DownstreamOffset, err = v.int64(CheckpointDownstreamOffsetKey); err != nil {
		return Checkpoint{}, err
	}
	if c.Metadata, err = v.string(CheckpointMetadataKey); err != nil {
		return Checkpoint{}, err
	}
	k := newRecordReader("checkpoint key", key)
	if c.ConsumerGroupID, err = k.string(CheckpointConsumerGroupIDKey); err != nil {
		return Checkpoint{}, err
	}
	if c.Topic, err = k.string(CheckpointTopicKey); err != nil {
		return Checkpoint{}, err
	}
	if c.Partition, err = k.int32(CheckpointPartitionKey); err != nil {
		return Checkpoint{}, err
	}
	return c, nil
}

// ConnectPartition is the Connect source partition of the checkpoint's
// record, Java's Checkpoint.connectPartition: {"group": ..., "topic": ...,
// "partition": int}, the partition as a Go int like the mirror source
// task's partitions.
func (c Checkpoint) ConnectPartition() map[string]any {
	return map[string]any{
		CheckpointConsumerGroupIDKey: c.ConsumerGroupID,
		CheckpointTopicKey:           c.Topic,
		CheckpointPartitionKey:       int(c.Partition),
	}
}

// CheckpointConnectOffset is the Connect source offset of every checkpoint
// record: MirrorCheckpointTask writes MirrorUtils.wrapOffset(0), that is
// {"offset": int64(0)}.
func CheckpointConnectOffset() map[string]any {
	return map[string]any{ConnectOffsetKey: int64(0)}
}
