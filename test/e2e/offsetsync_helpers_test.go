package e2e

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/IBM/sarama"
)

// The offset-sync suites read MirrorMaker 2's internal records with their
// own decoders, written from Java's schemas (connect-spec §4.3), not with
// Ferry's.

// offsetSyncRecord is one record of an offset-syncs topic: the upstream
// record at Upstream of Topic-Partition was written downstream at
// Downstream.
type offsetSyncRecord struct {
	Topic                string
	Partition            int32
	Upstream, Downstream int64
}

func (s offsetSyncRecord) String() string {
	return fmt.Sprintf("%s-%d %d->%d", s.Topic, s.Partition, s.Upstream, s.Downstream)
}

// protoReader reads Kafka protocol types (big endian; STRING is an INT16
// length then UTF-8 bytes).
type protoReader struct {
	b   []byte
	err error
}

func (r *protoReader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || len(r.b) < n {
		r.err = errors.New("record too short")
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *protoReader) int16() int16 {
	if b := r.take(2); b != nil {
		return int16(binary.BigEndian.Uint16(b))
	}
	return 0
}

func (r *protoReader) int32() int32 {
	if b := r.take(4); b != nil {
		return int32(binary.BigEndian.Uint32(b))
	}
	return 0
}

func (r *protoReader) int64() int64 {
	if b := r.take(8); b != nil {
		return int64(binary.BigEndian.Uint64(b))
	}
	return 0
}

func (r *protoReader) string() string {
	return string(r.take(int(r.int16())))
}

// done fails unless every byte was read.
func (r *protoReader) done() error {
	if r.err == nil && len(r.b) > 0 {
		r.err = fmt.Errorf("%d bytes left over", len(r.b))
	}
	return r.err
}

// decodeOffsetSyncRecord: key STRING topic, INT32 partition; value INT64
// upstream, INT64 downstream; no version header.
func decodeOffsetSyncRecord(key, value []byte) (offsetSyncRecord, error) {
	k := &protoReader{b: key}
	s := offsetSyncRecord{Topic: k.string(), Partition: k.int32()}
	if err := k.done(); err != nil {
		return s, fmt.Errorf("key %x: %w", key, err)
	}
	v := &protoReader{b: value}
	s.Upstream, s.Downstream = v.int64(), v.int64()
	if err := v.done(); err != nil {
		return s, fmt.Errorf("value %x: %w", value, err)
	}
	return s, nil
}

// readOffsetSyncs decodes every record of an offset-syncs topic (one
// partition), in order.
func readOffsetSyncs(t testing.TB, addrs []string, topic string) []offsetSyncRecord {
	t.Helper()
	var out []offsetSyncRecord
	for _, r := range readAll(t, addrs, topic)[0] {
		s, err := decodeOffsetSyncRecord(r.Key, r.Value)
		if err != nil {
			t.Fatalf("%s offset %d: %v", topic, r.Offset, err)
		}
		out = append(out, s)
	}
	return out
}

// checkpointRecord is one record of a checkpoints topic: group's committed
// Upstream offset of the upstream partition of Topic (the downstream name)
// translates to Downstream.
type checkpointRecord struct {
	Group                string
	Topic                string
	Partition            int32
	Upstream, Downstream int64
	Metadata             string
}

// decodeCheckpointRecord: key STRING group, STRING topic, INT32 partition;
// value INT16 version (0), INT64 upstream, INT64 downstream, STRING
// metadata.
func decodeCheckpointRecord(key, value []byte) (checkpointRecord, error) {
	k := &protoReader{b: key}
	c := checkpointRecord{Group: k.string(), Topic: k.string(), Partition: k.int32()}
	if err := k.done(); err != nil {
		return c, fmt.Errorf("key %x: %w", key, err)
	}
	v := &protoReader{b: value}
	if version := v.int16(); version != 0 && v.err == nil {
		return c, fmt.Errorf("value %x: version %d", value, version)
	}
	c.Upstream, c.Downstream, c.Metadata = v.int64(), v.int64(), v.string()
	if err := v.done(); err != nil {
		return c, fmt.Errorf("value %x: %w", value, err)
	}
	return c, nil
}

func TestDecodeMirrorRecords(t *testing.T) {
	// Bytes written by Java's OffsetSync (connect-mirror 4.3.1) for
	// ("source.heartbeats", 7, 123456789 -> 987654321).
	key := []byte("\x00\x11source.heartbeats\x00\x00\x00\x07")
	value := []byte{0, 0, 0, 0, 0x07, 0x5b, 0xcd, 0x15, 0, 0, 0, 0, 0x3a, 0xde, 0x68, 0xb1}
	s, err := decodeOffsetSyncRecord(key, value)
	if err != nil || s != (offsetSyncRecord{"source.heartbeats", 7, 123456789, 987654321}) {
		t.Errorf("offset sync: %v, %v", s, err)
	}
	if _, err := decodeOffsetSyncRecord(key[:5], value); err == nil {
		t.Error("a short key decoded")
	}
	if _, err := decodeOffsetSyncRecord(key, append(bytes.Clone(value), 0)); err == nil {
		t.Error("a value with a trailing byte decoded")
	}
	ck := []byte("\x00\x01g\x00\x03s.t\x00\x00\x00\x02")
	cv := []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 8, 0, 2, 'm', 'd'}
	c, err := decodeCheckpointRecord(ck, cv)
	if err != nil || c != (checkpointRecord{"g", "s.t", 2, 9, 8, "md"}) {
		t.Errorf("checkpoint: %+v, %v", c, err)
	}
	cv[1] = 1
	if _, err := decodeCheckpointRecord(ck, cv); err == nil {
		t.Error("checkpoint version 1 decoded")
	}
}

// produceTransactions writes txns committed transactions of perTxn records
// each to one partition; every commit marker takes an offset, so the
// records' offsets have gaps. Record i of transaction j has the value
// "txn-j-i".
func produceTransactions(t testing.TB, addrs []string, topic string, partition int32, txns, perTxn int) {
	t.Helper()
	kc, _ := saramaConfig(t, addrs)
	sc := kc.Sarama
	sc.Producer.Idempotent = true
	sc.Producer.Transaction.ID = fmt.Sprintf("ferry-e2e-%s-%d", topic, partition)
	sc.Producer.RequiredAcks = sarama.WaitForAll
	sc.Producer.Retry.Max = 10
	sc.Net.MaxOpenRequests = 1
	p, err := sarama.NewSyncProducer(kc.Brokers, sc)
	if err != nil {
		t.Fatalf("transactional producer: %v", err)
	}
	defer func() { _ = p.Close() }()
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	for j := 0; j < txns; j++ {
		if err := p.BeginTxn(); err != nil {
			t.Fatalf("begin transaction %d: %v", j, err)
		}
		var msgs []*sarama.ProducerMessage
		for i := 0; i < perTxn; i++ {
			msgs = append(msgs, &sarama.ProducerMessage{Topic: topic, Partition: partition,
				Key: sarama.StringEncoder(fmt.Sprintf("txn-%d", j)), Value: sarama.StringEncoder(fmt.Sprintf("txn-%d-%d", j, i)),
				Timestamp: base.Add(time.Duration(j*perTxn+i) * time.Millisecond)})
		}
		if err := p.SendMessages(msgs); err != nil {
			t.Fatalf("transaction %d: %v", j, err)
		}
		if err := p.CommitTxn(); err != nil {
			t.Fatalf("commit transaction %d: %v", j, err)
		}
	}
}

// produceTo writes n records to one partition (values "seed-<i>").
func produceTo(t testing.TB, addrs []string, topic string, partition int32, n int) {
	t.Helper()
	_, client := saramaConfig(t, addrs)
	p, err := sarama.NewSyncProducerFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = p.Close() }()
	var msgs []*sarama.ProducerMessage
	for i := 0; i < n; i++ {
		msgs = append(msgs, &sarama.ProducerMessage{Topic: topic, Partition: partition, Value: sarama.StringEncoder(fmt.Sprintf("seed-%d", i))})
	}
	if err := p.SendMessages(msgs); err != nil {
		t.Fatalf("produce to %s-%d: %v", topic, partition, err)
	}
}

// byOffset indexes a partition's records by offset.
func byOffset(recs []record) map[int64]record {
	out := make(map[int64]record, len(recs))
	for _, r := range recs {
		out[r.Offset] = r
	}
	return out
}

// lastSyncs returns the last sync of each upstream partition of topic.
func lastSyncs(syncs []offsetSyncRecord, topic string) map[int32]offsetSyncRecord {
	out := map[int32]offsetSyncRecord{}
	for _, s := range syncs {
		if s.Topic == topic {
			out[s.Partition] = s
		}
	}
	return out
}
