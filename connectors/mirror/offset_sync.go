package mirror

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// offsetSync says that the record at upstreamOffset of an upstream
// (source) partition was written at downstreamOffset of its remote copy
// (Java's org.apache.kafka.connect.mirror.OffsetSync). MirrorSourceTask
// writes them to the offset-syncs topic; MirrorCheckpointTask reads them to
// translate consumer group offsets.
type offsetSync struct {
	tp               topicPartition
	upstreamOffset   int64
	downstreamOffset int64
}

func (s offsetSync) String() string {
	return fmt.Sprintf("OffsetSync{topicPartition=%s, upstreamOffset=%d, downstreamOffset=%d}",
		s.tp, s.upstreamOffset, s.downstreamOffset)
}

// The record is Java's, built from org.apache.kafka.common.protocol.types
// schemas and written with no version header:
//
//	key:   STRING topic, INT32 partition
//	value: INT64 upstreamOffset, INT64 offset (the downstream offset)
//
// STRING is an INT16 byte length then the UTF-8 bytes; the integers are big
// endian.
const offsetSyncValueSize = 8 + 8

// recordKey is Java's OffsetSync.recordKey.
func (s offsetSync) recordKey() ([]byte, error) {
	if len(s.tp.topic) > math.MaxInt16 {
		// Java's Type.STRING: "String length %d is larger than the maximum string length."
		return nil, fmt.Errorf("offset sync key: topic name length %d is larger than the maximum string length", len(s.tp.topic))
	}
	b := make([]byte, 0, 2+len(s.tp.topic)+4)
	b = binary.BigEndian.AppendUint16(b, uint16(len(s.tp.topic)))
	b = append(b, s.tp.topic...)
	b = binary.BigEndian.AppendUint32(b, uint32(s.tp.partition))
	return b, nil
}

// recordValue is Java's OffsetSync.recordValue.
func (s offsetSync) recordValue() []byte {
	b := make([]byte, 0, offsetSyncValueSize)
	b = binary.BigEndian.AppendUint64(b, uint64(s.upstreamOffset))
	return binary.BigEndian.AppendUint64(b, uint64(s.downstreamOffset))
}

var errOffsetSyncTruncated = errors.New("record too short")

// decodeOffsetSync is Java's OffsetSync.deserializeRecord. As Java's
// Schema.read, it ignores bytes after the last field.
func decodeOffsetSync(key, value []byte) (offsetSync, error) {
	var s offsetSync
	if len(key) < 2 {
		return s, fmt.Errorf("offset sync key: %w", errOffsetSyncTruncated)
	}
	n := int16(binary.BigEndian.Uint16(key))
	if n < 0 {
		return s, fmt.Errorf("offset sync key: topic length %d cannot be negative", n)
	}
	key = key[2:]
	if len(key) < int(n)+4 {
		return s, fmt.Errorf("offset sync key: %w", errOffsetSyncTruncated)
	}
	s.tp.topic = string(key[:n])
	s.tp.partition = int32(binary.BigEndian.Uint32(key[n:]))
	if len(value) < offsetSyncValueSize {
		return s, fmt.Errorf("offset sync value: %w", errOffsetSyncTruncated)
	}
	s.upstreamOffset = int64(binary.BigEndian.Uint64(value))
	s.downstreamOffset = int64(binary.BigEndian.Uint64(value[8:]))
	return s, nil
}
