package e2e

import (
	"bytes"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
)

// record is what the suite compares between source and target.
type record struct {
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte
	Headers   []header
	Timestamp int64 // ms
}

type header struct {
	Key   string
	Value []byte // nil stays distinct from empty
}

func saramaConfig(t testing.TB, addrs []string) (*kafkaclient.Config, sarama.Client) {
	t.Helper()
	kc, err := kafkaclient.Parse(map[string]string{"bootstrap.servers": join(addrs), "client.id": "ferry-e2e"})
	if err != nil {
		t.Fatal(err)
	}
	kc.Sarama.Producer.Return.Successes = true
	kc.Sarama.Producer.RequiredAcks = sarama.WaitForAll
	kc.Sarama.Producer.Partitioner = sarama.NewManualPartitioner
	kc.Sarama.Consumer.Return.Errors = true
	client, err := sarama.NewClient(kc.Brokers, kc.Sarama)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return kc, client
}

func join(addrs []string) string {
	var b bytes.Buffer
	for i, a := range addrs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(a)
	}
	return b.String()
}

func createTopic(t testing.TB, addrs []string, topic string, partitions int32) {
	t.Helper()
	_, client := saramaConfig(t, addrs)
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: partitions, ReplicationFactor: 1}, false); err != nil {
		t.Fatalf("create topic %s: %v", topic, err)
	}
}

// produce writes n records numbered from first, spread round-robin over
// partitions, each with a key, a value, two headers (one with a nil value)
// and an explicit timestamp, and returns once all are acknowledged.
func produce(t testing.TB, addrs []string, topic string, partitions int32, first, n int) {
	t.Helper()
	_, client := saramaConfig(t, addrs)
	p, err := sarama.NewSyncProducerFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = p.Close() }()
	// Recent timestamps: retention (7 days by default) would delete older ones.
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	const batch = 500
	for start := first; start < first+n; start += batch {
		var msgs []*sarama.ProducerMessage
		for i := start; i < min(start+batch, first+n); i++ {
			msgs = append(msgs, &sarama.ProducerMessage{
				Topic:     topic,
				Partition: int32(i) % partitions,
				Key:       sarama.StringEncoder(fmt.Sprintf("key-%d", i)),
				Value:     sarama.StringEncoder(fmt.Sprintf("value-%d-%s", i, bytes.Repeat([]byte{'x'}, i%50))),
				Headers: []sarama.RecordHeader{
					{Key: []byte("seq"), Value: []byte(fmt.Sprint(i))},
					{Key: []byte("empty"), Value: nil},
				},
				Timestamp: base.Add(time.Duration(i) * time.Millisecond),
			})
		}
		if err := p.SendMessages(msgs); err != nil {
			t.Fatalf("produce: %v", err)
		}
	}
}

// endOffsets returns the sum of a topic's end offsets (0 if missing).
func endOffsets(t testing.TB, client sarama.Client, topic string) int64 {
	t.Helper()
	if err := client.RefreshMetadata(topic); err != nil {
		return 0
	}
	parts, err := client.Partitions(topic)
	if err != nil {
		return 0
	}
	var sum int64
	for _, p := range parts {
		off, err := client.GetOffset(topic, p, sarama.OffsetNewest)
		if err != nil {
			return 0
		}
		sum += off
	}
	return sum
}

// readAll reads every record of a topic, per partition in offset order.
func readAll(t testing.TB, addrs []string, topic string) map[int32][]record {
	t.Helper()
	_, client := saramaConfig(t, addrs)
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = consumer.Close() }()
	parts, err := client.Partitions(topic)
	if err != nil {
		t.Fatalf("partitions of %s: %v", topic, err)
	}
	out := map[int32][]record{}
	for _, p := range parts {
		end, err := client.GetOffset(topic, p, sarama.OffsetNewest)
		if err != nil {
			t.Fatal(err)
		}
		if end == 0 {
			continue
		}
		pc, err := consumer.ConsumePartition(topic, p, sarama.OffsetOldest)
		if err != nil {
			t.Fatal(err)
		}
		timeout := time.After(60 * time.Second)
		for {
			select {
			case m := <-pc.Messages():
				r := record{Partition: m.Partition, Offset: m.Offset, Key: m.Key, Value: m.Value, Timestamp: m.Timestamp.UnixMilli()}
				for _, h := range m.Headers {
					r.Headers = append(r.Headers, header{Key: string(h.Key), Value: h.Value})
				}
				out[p] = append(out[p], r)
			case err := <-pc.Errors():
				t.Fatalf("consume %s-%d: %v", topic, p, err)
			case <-timeout:
				t.Fatalf("consume %s-%d: timed out at %d of %d", topic, p, len(out[p]), end)
			}
			if out[p][len(out[p])-1].Offset+1 >= end {
				break
			}
		}
		_ = pc.Close()
	}
	return out
}

// sameRecords reports the first difference between two partitions' records
// (offsets are not compared: the copy has its own).
func sameRecords(src, dst []record) error {
	if len(src) != len(dst) {
		return fmt.Errorf("%d records upstream, %d downstream", len(src), len(dst))
	}
	for i := range src {
		a, b := src[i], dst[i]
		switch {
		case !bytes.Equal(a.Key, b.Key):
			return fmt.Errorf("record %d: key %q != %q", i, a.Key, b.Key)
		case !bytes.Equal(a.Value, b.Value):
			return fmt.Errorf("record %d: value %q != %q", i, a.Value, b.Value)
		case a.Timestamp != b.Timestamp:
			return fmt.Errorf("record %d: timestamp %d != %d", i, a.Timestamp, b.Timestamp)
		case len(a.Headers) != len(b.Headers):
			return fmt.Errorf("record %d: %d headers != %d", i, len(a.Headers), len(b.Headers))
		}
		for j := range a.Headers {
			ha, hb := a.Headers[j], b.Headers[j]
			if ha.Key != hb.Key || !bytes.Equal(ha.Value, hb.Value) || (ha.Value == nil) != (hb.Value == nil) {
				return fmt.Errorf("record %d: header %d %q=%q (nil %v) != %q=%q (nil %v)", i, j, ha.Key, ha.Value, ha.Value == nil, hb.Key, hb.Value, hb.Value == nil)
			}
		}
	}
	return nil
}

func partitionsOf(m map[int32][]record) []int32 {
	out := make([]int32, 0, len(m))
	for p := range m {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
