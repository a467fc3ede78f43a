package mirror

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/javajson"
)

// AlterOffsets checks offsets an operator writes through the REST API, as
// Java's MirrorSourceConnector.alterOffsets does: every partition with a
// non-null offset must be {"cluster": string, "topic": string,
// "partition": int >= 0} and its offset {"offset": int}; resets (null
// offsets) are always allowed so garbage can be cleaned up. The task keeps
// no offsets elsewhere (it never commits its source consumer), so the
// answer is true.
func (c *MirrorSourceConnector) AlterOffsets(_ map[string]string, offsets []connect.PartitionOffset) (bool, error) {
	return true, checkMirrorOffsets(offsets, false, true, partitionKeyCluster, partitionKeyTopic)
}

// checkMirrorOffsets is the check all three MirrorMaker connectors make of
// offsets written through the REST API (Java's MirrorUtils.validate*):
// null offsets always pass; otherwise the partition must not be null, must
// hold stringKeys as strings and, withPartition, a non-negative int
// "partition"; the offset must hold an integer "offset", which must be 0
// when zeroOnly (heartbeat and checkpoint records carry no position).
func checkMirrorOffsets(offsets []connect.PartitionOffset, zeroOnly, withPartition bool, stringKeys ...string) error {
	for _, o := range offsets {
		if o.Offset == nil {
			continue
		}
		p := o.Partition
		if p == nil {
			return errors.New("Source partitions may not be null") //nolint:staticcheck // Java's text
		}
		for _, key := range stringKeys {
			if err := checkStringKey(p, key); err != nil {
				return err
			}
		}
		if withPartition {
			if err := checkPartitionKey(p); err != nil {
				return err
			}
		}
		if err := checkOffsetKey(p, o.Offset); err != nil {
			return err
		}
		if n, _ := integral(o.Offset[offsetKeyOffset]); zeroOnly && n != 0 {
			return fmt.Errorf("Source offset %s for source partition %s has an invalid value %s for the '%s' key; the only accepted value is 0", //nolint:staticcheck // Java's text
				javaMapString(o.Offset), javaMapString(p), javaValueString(o.Offset[offsetKeyOffset]), offsetKeyOffset)
		}
	}
	return nil
}

func checkStringKey(p map[string]any, key string) error {
	v, ok := p[key]
	if !ok {
		return fmt.Errorf("Source partition %s is missing the '%s' key, which is required", javaMapString(p), key) //nolint:staticcheck // Java's text
	}
	if _, isString := v.(string); !isString {
		return fmt.Errorf("Source partition %s has an invalid value %s for the '%s' key, which must be a string", javaMapString(p), javaValueString(v), key) //nolint:staticcheck // Java's text
	}
	return nil
}

func checkPartitionKey(p map[string]any) error {
	v, ok := p[partitionKeyPartition]
	if !ok {
		return fmt.Errorf("Source partition %s is missing the '%s' key, which is required", javaMapString(p), partitionKeyPartition) //nolint:staticcheck // Java's text
	}
	n, isInt := integral(v)
	if !isInt || n > math.MaxInt32 {
		return fmt.Errorf("Source partition %s has an invalid value %s for the '%s' key, which must be an integer", javaMapString(p), javaValueString(v), partitionKeyPartition) //nolint:staticcheck // Java's text
	}
	if int32(n) < 0 {
		return fmt.Errorf("Source partition %s has an invalid value %s for the '%s' key, which cannot be negative", javaMapString(p), javaValueString(v), partitionKeyPartition) //nolint:staticcheck // Java's text
	}
	return nil
}

func checkOffsetKey(p, off map[string]any) error {
	v, ok := off[offsetKeyOffset]
	if !ok {
		return fmt.Errorf("Source offset %s for source partition %s is missing the '%s' key, which is required", javaMapString(off), javaMapString(p), offsetKeyOffset) //nolint:staticcheck // Java's text
	}
	if _, isInt := integral(v); !isInt {
		return fmt.Errorf("Source offset %s for source partition %s has an invalid value %s for the '%s' key, which must be an integer", javaMapString(off), javaMapString(p), javaValueString(v), offsetKeyOffset) //nolint:staticcheck // Java's text
	}
	return nil
}

// integral reports whether v is a Java Integer or Long as the offsets'
// JSON form decodes it.
func integral(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	}
	return 0, false
}

// javaMapString renders a map as Java's HashMap.toString does:
// {k1=v1, k2=v2} in HashMap iteration order.
func javaMapString(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range javajson.JavaHashMapOrder(keys) {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(javaValueString(m[k]))
	}
	b.WriteByte('}')
	return b.String()
}

// javaValueString is String.valueOf of a JSON-decoded value.
func javaValueString(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case float64:
		return javajson.FormatDouble(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

var _ connect.OffsetAlterer = (*MirrorSourceConnector)(nil)
