package mirror

import (
	"encoding/json"
	"fmt"
	"math"
)

// Keys of the Connect source partitions and offsets the task writes (Java's
// MirrorUtils.wrapPartition / wrapOffset).
const (
	partitionKeyCluster   = "cluster"
	partitionKeyTopic     = "topic"
	partitionKeyPartition = "partition"
	offsetKeyOffset       = "offset"
)

// sourcePartition is the Connect source partition of an upstream partition:
// {"cluster": <source alias>, "partition": <int>, "topic": <upstream topic>}.
func sourcePartition(sourceAlias string, tp topicPartition) map[string]any {
	return map[string]any{
		partitionKeyCluster:   sourceAlias,
		partitionKeyPartition: int(tp.partition),
		partitionKeyTopic:     tp.topic,
	}
}

// storedOffset reads the "offset" of a stored source offset. ok is false when
// nothing usable is stored (no map, no key, or a negative offset), as Java's
// unwrapOffset + isUncommitted. Offsets may come back from the offset store
// as any JSON number type.
func storedOffset(offset map[string]any) (n int64, ok bool, err error) {
	if offset == nil || offset[offsetKeyOffset] == nil {
		return 0, false, nil
	}
	switch v := offset[offsetKeyOffset].(type) {
	case int:
		n = int64(v)
	case int32:
		n = int64(v)
	case int64:
		n = v
	case float64:
		if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			return 0, false, fmt.Errorf("stored offset %v is not an integer", v)
		}
		n = int64(v)
	case json.Number:
		if n, err = v.Int64(); err != nil {
			return 0, false, fmt.Errorf("stored offset %v is not an integer", v)
		}
	default:
		return 0, false, fmt.Errorf("stored offset %v has type %T; want an integer", v, v)
	}
	return n, n >= 0, nil
}
