package producer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/test/testkit"
)

// newProducer starts a producer on cluster c with sarama's defaults for
// Connect (acks=all) and the given tweaks.
func newProducer(t *testing.T, c *testkit.Cluster, o Options, tweak func(*sarama.Config)) *Producer {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Version = kafkaclient.Version
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Producer.Retry.Max = 50
	cfg.Producer.Retry.Backoff = 10 * time.Millisecond
	if tweak != nil {
		tweak(cfg)
	}
	client, err := sarama.NewClient(c.Addrs(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	o.Log = testkit.Logger(t)
	p := New(client, o)
	t.Cleanup(func() {
		p.Close()
		for range p.Results() {
		}
	})
	return p
}

// sendAll hands recs over, waiting for buffer space as needed.
func sendAll(t *testing.T, p *Producer, recs []*Record) {
	t.Helper()
	for len(recs) > 0 {
		n, err := p.Send(recs)
		if err != nil {
			t.Fatal(err)
		}
		recs = recs[n:]
		if len(recs) > 0 {
			select {
			case <-p.Space():
			case <-time.After(30 * time.Second):
				t.Fatal("no buffer space freed in 30s")
			}
		}
	}
}

// collect reads results until n records have one.
func collect(t *testing.T, p *Producer, n int) []*Result {
	t.Helper()
	var out []*Result
	deadline := time.After(60 * time.Second)
	for got := 0; got < n; {
		select {
		case r, ok := <-p.Results():
			if !ok {
				t.Fatalf("results closed after %d of %d records", got, n)
			}
			out = append(out, r)
			got += len(r.Records)
		case <-deadline:
			t.Fatalf("%d of %d records have a result after 60s", got, n)
		}
	}
	return out
}

func createTopic(t *testing.T, c *testkit.Cluster, topic string, parts int32) {
	t.Helper()
	if err := c.Kfake().CreateTopic(topic, parts, nil); err != nil {
		t.Fatal(err)
	}
}

// readPartition reads every record of topic/partition.
func readPartition(t *testing.T, c *testkit.Cluster, topic string, partition int32, n int) []*sarama.ConsumerMessage {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Version = kafkaclient.Version
	cons, err := sarama.NewConsumer(c.Addrs(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cons.Close() }()
	pc, err := cons.ConsumePartition(topic, partition, sarama.OffsetOldest)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = pc.Close() }()
	var out []*sarama.ConsumerMessage
	for len(out) < n {
		select {
		case m := <-pc.Messages():
			out = append(out, m)
		case <-time.After(20 * time.Second):
			t.Fatalf("%s-%d: %d of %d records read", topic, partition, len(out), n)
		}
	}
	return out
}

func mkRecords(topic string, n int, explicit func(i int) (int32, bool)) []*Record {
	recs := make([]*Record, n)
	base := time.UnixMilli(1_700_000_000_000)
	for i := range recs {
		r := &Record{Topic: topic, Value: []byte(fmt.Sprintf("value-%d", i)), Timestamp: base.Add(time.Duration(i) * time.Millisecond), Meta: i}
		if i%3 != 0 {
			r.Key = []byte(fmt.Sprintf("key-%d", i%17))
		}
		if i%5 == 0 {
			r.Headers = []sarama.RecordHeader{{Key: []byte("h"), Value: []byte(fmt.Sprint(i))}}
		}
		if p, ok := explicit(i); ok {
			r.Partition, r.Explicit = p, true
		}
		recs[i] = r
	}
	return recs
}

// checkWritten asserts that every record has a result without error, that
// each partition's offsets follow the order of Send from 0, and that the
// partition holds exactly those records.
func checkWritten(t *testing.T, c *testkit.Cluster, recs []*Record, results []*Result, parts int32) {
	t.Helper()
	for _, r := range results {
		if r.Err != nil {
			t.Fatalf("result error: %v", r.Err)
		}
	}
	byPart := map[int32][]*Record{}
	for _, r := range recs {
		byPart[r.Partition] = append(byPart[r.Partition], r)
	}
	for p := int32(0); p < parts; p++ {
		want := byPart[p]
		for i, r := range want {
			if r.Offset != int64(i) {
				t.Fatalf("partition %d: record %v (sent %d-th) at offset %d; want %d", p, r.Meta, i, r.Offset, i)
			}
		}
		if len(want) == 0 {
			continue
		}
		got := readPartition(t, c, want[0].Topic, p, len(want))
		for i, m := range got {
			r := want[i]
			if !bytes.Equal(m.Key, r.Key) || !bytes.Equal(m.Value, r.Value) || !m.Timestamp.Equal(r.Timestamp) {
				t.Fatalf("partition %d offset %d: read %q=%q at %v; want %q=%q at %v", p, i, m.Key, m.Value, m.Timestamp, r.Key, r.Value, r.Timestamp)
			}
			if len(m.Headers) != len(r.Headers) || (len(r.Headers) == 1 && !bytes.Equal(m.Headers[0].Value, r.Headers[0].Value)) {
				t.Fatalf("partition %d offset %d: headers %v; want %v", p, i, m.Headers, r.Headers)
			}
		}
	}
}

func TestSendKeepsOrderAndPartitions(t *testing.T) {
	for _, codec := range []sarama.CompressionCodec{sarama.CompressionNone, sarama.CompressionLZ4, sarama.CompressionZSTD, sarama.CompressionGZIP, sarama.CompressionSnappy} {
		t.Run(codec.String(), func(t *testing.T) {
			t.Parallel()
			c := testkit.NewCluster(t, 3)
			const parts = 6
			createTopic(t, c, "out", parts)
			p := newProducer(t, c, Options{}, func(cfg *sarama.Config) { cfg.Producer.Compression = codec })
			recs := mkRecords("out", 5000, func(i int) (int32, bool) { return int32(i % parts), i%7 == 0 })
			for i := 0; i < len(recs); i += 333 {
				sendAll(t, p, recs[i:min(i+333, len(recs))])
			}
			results := collect(t, p, len(recs))
			for _, r := range recs {
				switch {
				case r.Explicit:
					if r.Partition != int32(r.Meta.(int)%parts) {
						t.Fatalf("explicit partition moved to %d", r.Partition)
					}
				case r.Key != nil:
					if want := kafkaclient.KeyPartition(r.Key, parts); r.Partition != want {
						t.Fatalf("key %q in partition %d; want murmur2's %d", r.Key, r.Partition, want)
					}
				}
			}
			checkWritten(t, c, recs, results, parts)
		})
	}
}

func TestRetriableErrorsKeepOrder(t *testing.T) {
	c := testkit.NewCluster(t, 3)
	const parts = 3
	createTopic(t, c, "out", parts)
	fault := c.Kfake().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: "out", Partitions: []int32{1}, Err: kerr.NotLeaderForPartition, Count: 3})
	p := newProducer(t, c, Options{}, nil)
	recs := mkRecords("out", 3000, func(i int) (int32, bool) { return int32(i % parts), true })
	done := make(chan []*Result)
	go func() { done <- collect(t, p, len(recs)) }()
	for i := 0; i < len(recs); i += 100 {
		sendAll(t, p, recs[i:i+100])
		if i == 1500 {
			// A leader change in the middle.
			leader := c.Kfake().LeaderFor("out", 2)
			if err := c.Kfake().MoveTopicPartition("out", 2, (leader+1)%3); err != nil {
				t.Fatal(err)
			}
		}
	}
	results := <-done
	if fault.Hits() != 3 {
		t.Errorf("fault hits %d; want 3", fault.Hits())
	}
	checkWritten(t, c, recs, results, parts)
}

func TestFatalErrorFailsOnlyItsBatch(t *testing.T) {
	c := testkit.NewCluster(t, 1)
	createTopic(t, c, "out", 1)
	fault := c.Kfake().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: "out", Err: kerr.TopicAuthorizationFailed, Count: 1})
	p := newProducer(t, c, Options{}, nil)
	first := mkRecords("out", 10, func(int) (int32, bool) { return 0, true })
	sendAll(t, p, first)
	res := collect(t, p, 10)
	if len(res) != 1 || !errors.Is(res[0].Err, sarama.ErrTopicAuthorizationFailed) {
		t.Fatalf("results %v; want one failed batch of 10", res)
	}
	if fault.Hits() != 1 {
		t.Errorf("fault hits %d", fault.Hits())
	}
	second := mkRecords("out", 10, func(int) (int32, bool) { return 0, true })
	sendAll(t, p, second)
	for _, r := range collect(t, p, 10) {
		if r.Err != nil {
			t.Fatalf("after the fault: %v", r.Err)
		}
	}
	if second[0].Offset != 0 || second[9].Offset != 9 {
		t.Errorf("offsets %d..%d; want 0..9 (the failed batch was not written)", second[0].Offset, second[9].Offset)
	}
}

func TestTooLarge(t *testing.T) {
	c := testkit.NewCluster(t, 1)
	createTopic(t, c, "out", 1)
	// The broker refuses a batch once: it is split and sent in halves.
	fault := c.Kfake().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: "out", Err: kerr.MessageTooLarge, Count: 1})
	p := newProducer(t, c, Options{}, func(cfg *sarama.Config) { cfg.Producer.MaxMessageBytes = 4096 })
	recs := mkRecords("out", 200, func(int) (int32, bool) { return 0, true })
	sendAll(t, p, recs)
	checkWritten(t, c, recs, collect(t, p, len(recs)), 1)
	if fault.Hits() != 1 {
		t.Errorf("fault hits %d", fault.Hits())
	}

	// A record above max.request.size is refused before it is sent.
	big := &Record{Topic: "out", Partition: 0, Explicit: true, Value: make([]byte, 5000)}
	sendAll(t, p, []*Record{big})
	res := collect(t, p, 1)
	var tooLarge *TooLargeError
	if !errors.As(res[0].Err, &tooLarge) || tooLarge.Size != big.ByteSize() || tooLarge.Max != 4096 {
		t.Errorf("oversized record: %v; want a TooLargeError", res[0].Err)
	}
}

func TestInvalidPartitionAndUnknownTopic(t *testing.T) {
	c := testkit.NewCluster(t, 1, kfake.BrokerConfigs(map[string]string{"auto.create.topics.enable": "false"}))
	createTopic(t, c, "out", 2)
	p := newProducer(t, c, Options{MaxBlock: 300 * time.Millisecond}, func(cfg *sarama.Config) {
		cfg.Metadata.Retry.Max = 1
		cfg.Metadata.Retry.Backoff = 10 * time.Millisecond
	})
	sendAll(t, p, []*Record{{Topic: "out", Partition: 2, Explicit: true}, {Topic: "nope", Value: []byte("v")}})
	res := collect(t, p, 2)
	if !errors.Is(res[0].Err, sarama.ErrInvalidPartition) {
		t.Errorf("partition 2 of 2: %v", res[0].Err)
	}
	// A topic that never shows up fails after max.block.ms, as in Java.
	if !errors.Is(res[1].Err, sarama.ErrUnknownTopicOrPartition) ||
		!strings.Contains(res[1].Err.Error(), "topic nope not present in metadata after 300 ms") {
		t.Errorf("unknown topic: %v", res[1].Err)
	}
}

// Records for a topic the client cannot find yet (created a moment later,
// as a remote or heartbeats topic is) wait for it, in order, as Java's
// producer blocks on metadata, and are written once it exists.
func TestRecordsWaitForATopicCreatedLater(t *testing.T) {
	c := testkit.NewCluster(t, 1, kfake.BrokerConfigs(map[string]string{"auto.create.topics.enable": "false"}))
	p := newProducer(t, c, Options{}, func(cfg *sarama.Config) {
		cfg.Metadata.Retry.Max = 1
		cfg.Metadata.Retry.Backoff = 10 * time.Millisecond
	})
	looked := c.Kfake().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Metadata}, Topic: "later", Observe: true, Count: -1})
	recs := mkRecords("later", 30, func(int) (int32, bool) { return 0, false })
	sendAll(t, p, recs[:20])
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := looked.Wait(ctx, 3); err != nil {
		t.Fatalf("the producer did not keep looking for the topic: %v", err)
	}
	select {
	case r := <-p.Results():
		t.Fatalf("a result (%v) before the topic exists", r.Err)
	default:
	}
	createTopic(t, c, "later", 3)
	sendAll(t, p, recs[20:])
	checkWritten(t, c, recs, collect(t, p, len(recs)), 3)
}

func TestBufferMemoryBoundsWhatIsHeld(t *testing.T) {
	c := testkit.NewCluster(t, 1)
	createTopic(t, c, "out", 2)
	// Room for about ten records: Send takes what fits and Space says
	// when to try again.
	p := newProducer(t, c, Options{BufferMemory: 10 * (bookkeeping + maximumRecordOverhead + 16)}, nil)
	recs := mkRecords("out", 1000, func(i int) (int32, bool) { return int32(i % 2), true })
	n, err := p.Send(recs)
	if err != nil || n < 1 || n > 10 {
		t.Fatalf("first Send took %d (%v); want 1..10", n, err)
	}
	done := make(chan []*Result)
	go func() { done <- collect(t, p, len(recs)) }()
	sendAll(t, p, recs[n:])
	checkWritten(t, c, recs, <-done, 2)
}

func TestCloseDeliversEverything(t *testing.T) {
	c := testkit.NewCluster(t, 1)
	createTopic(t, c, "out", 4)
	p := newProducer(t, c, Options{}, func(cfg *sarama.Config) { cfg.Producer.Flush.Frequency = 20 * time.Millisecond })
	recs := mkRecords("out", 2000, func(i int) (int32, bool) { return int32(i % 4), true })
	sendAll(t, p, recs)
	p.Close()
	if _, err := p.Send(recs[:1]); !errors.Is(err, ErrClosed) {
		t.Errorf("Send after Close: %v", err)
	}
	var results []*Result
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		select {
		case r, ok := <-p.Results():
			if ok {
				results = append(results, r)
				continue
			}
			checkWritten(t, c, recs, results, 4)
			return
		case <-ctx.Done():
			t.Fatalf("results not closed after Close (%d results)", len(results))
		}
	}
}

func TestAcksZero(t *testing.T) {
	c := testkit.NewCluster(t, 1)
	createTopic(t, c, "out", 1)
	p := newProducer(t, c, Options{}, func(cfg *sarama.Config) { cfg.Producer.RequiredAcks = sarama.NoResponse })
	recs := mkRecords("out", 50, func(int) (int32, bool) { return 0, true })
	sendAll(t, p, recs)
	for _, r := range collect(t, p, len(recs)) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		for _, rec := range r.Records {
			if rec.Offset != -1 {
				t.Fatalf("acks=0 offset %d; want -1 (unknown)", rec.Offset)
			}
		}
	}
	if got := readPartition(t, c, "out", 0, 50); string(got[49].Value) != "value-49" {
		t.Errorf("last record %q", got[49].Value)
	}
}

// A request carries at most half of buffer.memory, so the next request's
// records can queue while it is in flight: with room for 20 records held
// and 20 handed over at once, no partition batch holds more than 10.
func TestRequestTakesAtMostHalfTheBuffer(t *testing.T) {
	c := testkit.NewCluster(t, 1)
	createTopic(t, c, "out", 1)
	recs := mkRecords("out", 20, func(int) (int32, bool) { return 0, true })
	held := 0
	for _, r := range recs {
		held = max(held, r.cost())
	}
	p := newProducer(t, c, Options{BufferMemory: 20 * held}, nil)
	if n, err := p.Send(recs); err != nil || n != len(recs) {
		t.Fatalf("Send took %d of %d (%v)", n, len(recs), err)
	}
	results := collect(t, p, len(recs))
	for _, r := range results {
		if r.Err != nil || len(r.Records) > 10 {
			t.Errorf("a batch of %d records (%v); want at most 10 and no error", len(r.Records), r.Err)
		}
	}
	checkWritten(t, c, recs, results, 1)
}
