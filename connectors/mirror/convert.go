package mirror

import (
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect"
)

// convertRecords appends the records of msgs to out, converted by
// fillRecord; the records share one allocation, and a run of records of
// one partition (a reader's batch) looks its destination up once.
func (t *MirrorSourceTask) convertRecords(out []*connect.SourceRecord, msgs []*sarama.ConsumerMessage) []*connect.SourceRecord {
	recs := make([]connect.SourceRecord, len(msgs))
	var tp topicPartition
	var d *destination
	for i, m := range msgs {
		if d == nil || m.Partition != tp.partition || m.Topic != tp.topic {
			tp = topicPartition{topic: m.Topic, partition: m.Partition}
			d = t.destination(tp)
		}
		t.fillRecord(&recs[i], m, d)
		out = append(out, &recs[i])
	}
	return out
}

// fillRecord sets rec to m converted as Java's
// MirrorSourceTask.convertRecord does: the record goes to the policy's
// remote topic, same partition, with the key, value and header
// bytes unchanged (null stays null) and the original timestamp. Schemas
// are Java's: optional bytes for the key, bytes for the value, so a
// JsonConverter renders them as Java's worker would. Its source partition and
// offset ({"offset": n}, the upstream offset of the record itself, given as
// SourceRecord.IntOffset) locate it upstream.
// d is m's partition's destination.
func (t *MirrorSourceTask) fillRecord(rec *connect.SourceRecord, m *sarama.ConsumerMessage, d *destination) {
	*rec = connect.SourceRecord{
		SourcePartition: d.sourcePartition,
		IntOffsetField:  offsetKeyOffset, // {"offset": <upstream offset>}
		IntOffset:       m.Offset,
		Topic:           d.remoteTopic,
		Partition:       d.partition,
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
// Connect source partition (one map), its remote topic name and its target
// partition, none changed after they are made.
type destination struct {
	sourcePartition map[string]any
	remoteTopic     string
	partition       *int32 // the same partition number in the target
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
		partition:       connect.PartitionOf(tp.partition),
	}
	t.destinations[tp] = d
	return d
}
