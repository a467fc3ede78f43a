package mirrorclient

import "fmt"

// Field names of the heartbeat record and of its Connect source partition
// (Java's Heartbeat constants).
const (
	HeartbeatSourceClusterAliasKey = "sourceClusterAlias"
	HeartbeatTargetClusterAliasKey = "targetClusterAlias"
	HeartbeatTimestampKey          = "timestamp"
)

// RecordVersion is the value version Ferry writes in heartbeat and
// checkpoint records, the only one Kafka defines.
const RecordVersion int16 = 0

// ConnectOffsetKey is the key of the Connect source offset MirrorMaker's
// heartbeat and checkpoint records carry (Java's MirrorUtils.wrapOffset).
const ConnectOffsetKey = "offset"

// Heartbeat is a record MirrorHeartbeatConnector writes to the heartbeats
// topic of the target cluster every emit interval (Java's
// org.apache.kafka.connect.mirror.Heartbeat). Replicated onward, heartbeats
// show which clusters feed a cluster and through how many hops.
//
// Record layout (see records_codec.go for the types):
//
//	key:   STRING sourceClusterAlias, STRING targetClusterAlias
//	value: INT16 version (0), INT64 timestamp
type Heartbeat struct {
	SourceClusterAlias string
	TargetClusterAlias string
	// Timestamp is when the heartbeat was emitted, in Unix milliseconds.
	Timestamp int64
}

// String is Java's Heartbeat.toString.
func (h Heartbeat) String() string {
	return fmt.Sprintf("Heartbeat{sourceClusterAlias=%s, targetClusterAlias=%s, timestamp=%d}",
		h.SourceClusterAlias, h.TargetClusterAlias, h.Timestamp)
}

// RecordKey is the record key, Java's Heartbeat.recordKey. It fails only
// for an alias longer than 32767 bytes (the error wraps ErrStringTooLong).
func (h Heartbeat) RecordKey() ([]byte, error) {
	b := make([]byte, 0, 4+len(h.SourceClusterAlias)+len(h.TargetClusterAlias))
	b, err := appendString(b, "heartbeat key", HeartbeatSourceClusterAliasKey, h.SourceClusterAlias)
	if err != nil {
		return nil, err
	}
	return appendString(b, "heartbeat key", HeartbeatTargetClusterAliasKey, h.TargetClusterAlias)
}

// RecordValue is the record value, Java's Heartbeat.recordValue: version 0
// and the timestamp.
func (h Heartbeat) RecordValue() []byte {
	b := make([]byte, 0, 2+8)
	b = appendInt16(b, RecordVersion)
	return appendInt64(b, h.Timestamp)
}

// DecodeHeartbeat reads a heartbeat record, as Java's
// Heartbeat.deserializeRecord: bytes after the last field are ignored, and
// the value's version is read but not checked (Java asserts it is 0 only
// when assertions are enabled, so a production MirrorMaker reads any version
// with the version-0 layout; Ferry does the same). Errors wrap
// ErrCorruptRecord and name the field that could not be read.
func DecodeHeartbeat(key, value []byte) (Heartbeat, error) {
	var h Heartbeat
	v := newRecordReader("heartbeat value", value)
	if _, err := v.int16("version"); err != nil {
		return Heartbeat{}, err
	}
	var err error
	if h.Timestamp, err = v.int64(HeartbeatTimestampKey); err != nil {
		return Heartbeat{}, err
	}
	k := newRecordReader("heartbeat key", key)
	if h.SourceClusterAlias, err = k.string(HeartbeatSourceClusterAliasKey); err != nil {
		return Heartbeat{}, err
	}
	if h.TargetClusterAlias, err = k.string(HeartbeatTargetClusterAliasKey); err != nil {
		return Heartbeat{}, err
	}
	return h, nil
}

// ConnectPartition is the Connect source partition of the heartbeat's
// record, Java's Heartbeat.connectPartition: {"sourceClusterAlias": ...,
// "targetClusterAlias": ...}. Each flow has its own partition.
func (h Heartbeat) ConnectPartition() map[string]any {
	return map[string]any{
		HeartbeatSourceClusterAliasKey: h.SourceClusterAlias,
		HeartbeatTargetClusterAliasKey: h.TargetClusterAlias,
	}
}

// HeartbeatConnectOffset is the Connect source offset of every heartbeat
// record: MirrorHeartbeatTask writes MirrorUtils.wrapOffset(0), that is
// {"offset": int64(0)}. Heartbeats are never resumed, the offset only
// satisfies the source record's contract.
func HeartbeatConnectOffset() map[string]any {
	return map[string]any{ConnectOffsetKey: int64(0)}
}
