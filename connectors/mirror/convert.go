package mirror

import (
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect"
)

// convertRecord is Java's MirrorSourceTask.convertRecord: the record goes to
// the policy's remote topic, same partition, with the key, value and header
// bytes unchanged (null stays null) and the original timestamp. Schemas
// are Java's: optional bytes for the key, bytes for the value, so a
// JsonConverter renders them as Java's worker would. Its source partition and offset locate it upstream.
func (t *MirrorSourceTask) convertRecord(m *sarama.ConsumerMessage) *connect.SourceRecord {
	tp := topicPartition{topic: m.Topic, partition: m.Partition}
	d := t.destination(tp)
	rec := &connect.SourceRecord{
		SourcePartition: d.sourcePartition,
		SourceOffset:    sourceOffset(m.Offset),
		Topic:           d.remoteTopic,
		Partition:       connect.PartitionOf(m.Partition),
		KeySchema:       connect.OptionalBytesSchema,
		Key:             bytesOrNil(m.Key),
		ValueSchema:     connect.BytesSchema,
		Value:           bytesOrNil(m.Value),
		Timestamp:       recordTime(m.Timestamp),
	}
	if len(m.Headers) > 0 {
		rec.Headers = make([]connect.Header, 0, len(m.Headers))
		for _, h := range m.Headers {
			if h == nil {
				continue
			}
			rec.Headers = append(rec.Headers, connect.Header{
				Key:    string(h.Key),
				Schema: connect.OptionalBytesSchema,
				Value:  bytesOrNil(h.Value),
			})
		}
	}
	return rec
}

// bytesOrNil keeps a null key, value or header value an untyped nil: a nil
// []byte stored in an interface would not compare equal to nil.
func bytesOrNil(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// recordTime maps "no timestamp" (Kafka's -1, or none decoded) to the zero
// Time, which SourceRecord reads as "none".
func recordTime(ts time.Time) time.Time {
	if ts.IsZero() || ts.UnixMilli() < 0 {
		return time.Time{}
	}
	return ts
}

// destination is what every record of one source partition shares: its
// Connect source partition (one map, never changed after it is made) and
// its remote topic name.
type destination struct {
	sourcePartition map[string]any
	remoteTopic     string
}

// destination returns tp's destination, made once per partition (on the
// Poll goroutine), so a record costs no map or topic name of its own.
func (t *MirrorSourceTask) destination(tp topicPartition) *destination {
	if d, ok := t.destinations[tp]; ok {
		return d
	}
	if t.destinations == nil {
		t.destinations = map[topicPartition]*destination{}
	}
	d := &destination{
		sourcePartition: sourcePartition(t.cfg.sourceAlias, tp),
		remoteTopic:     t.cfg.policy.FormatRemoteTopic(t.cfg.sourceAlias, tp.topic),
	}
	t.destinations[tp] = d
	return d
}
