package bench

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// The benchmark's own Kafka clients (franz-go: loading the source, counting
// the target, the latency producer and consumer). They are not measured;
// the mirroring processes use their own clients.

// NewClient is a franz-go client for addrs. RecordCount looks for a target
// topic that MirrorMaker has not created yet, and must see it, and its
// first record, as soon as they exist: its metadata may be refreshed every
// 20 ms (franz-go's default is 5 s), and a request it retries inside (a
// partition whose leader is not ready yet) is retried after 10 ms rather
// than franz-go's 250 ms growing to 2.5 s, which made one look-up take up
// to 0.9 s and put that on the start-up figure.
func NewClient(addrs []string, opts ...kgo.Opt) (*kgo.Client, error) {
	return kgo.NewClient(append([]kgo.Opt{
		kgo.SeedBrokers(addrs...), kgo.ClientID("ferry-bench"), kgo.MetadataMinAge(20 * time.Millisecond),
		kgo.RetryBackoffFn(func(int) time.Duration { return benchRetryBackoff }),
	}, opts...)...)
}

// benchRetryBackoff is the wait before franz-go retries a request.
const benchRetryBackoff = 10 * time.Millisecond

// CreateTopic creates topic with partitions and replication factor 1, and
// returns once every partition has a leader that answers for it (so that no
// mirroring process starts on a topic still being set up).
func CreateTopic(ctx context.Context, cl *kgo.Client, topic string, partitions int) error {
	req := kmsg.NewPtrCreateTopicsRequest()
	req.TimeoutMillis = 30_000
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic = topic
	rt.NumPartitions = int32(partitions)
	rt.ReplicationFactor = 1
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return fmt.Errorf("create topic %s: %w", topic, err)
	}
	for _, t := range resp.Topics {
		if err := kerr.ErrorForCode(t.ErrorCode); err != nil {
			return fmt.Errorf("create topic %s: %w", topic, err)
		}
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		_, err := RecordCount(ctx, cl, topic, partitions)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("topic %s created but not ready: %w", topic, err)
		case <-tick.C:
		}
	}
}

// RecordCount is the sum of the end offsets of topic's partitions: the
// number of records in it when it was written without transactions and
// nothing was deleted. It fails while the topic does not exist.
func RecordCount(ctx context.Context, cl *kgo.Client, topic string, partitions int) (int64, error) {
	parts := make([]int32, partitions)
	for p := range parts {
		parts[p] = int32(p)
	}
	resp, err := endOffsetsRequest(topic, parts).RequestWith(ctx, cl)
	if err != nil {
		return 0, err
	}
	var sum int64
	seen := 0
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				return 0, fmt.Errorf("end offset of %s-%d: %w", topic, p.Partition, err)
			}
			sum += p.Offset
			seen++
		}
	}
	if seen != partitions {
		return 0, fmt.Errorf("end offsets of %s: %d partitions answered, want %d", topic, seen, partitions)
	}
	return sum, nil
}

// endOffsetsRequest asks for the end offsets of parts of topic.
func endOffsetsRequest(topic string, parts []int32) *kmsg.ListOffsetsRequest {
	req := kmsg.NewPtrListOffsetsRequest()
	req.ReplicaID = -1
	rt := kmsg.NewListOffsetsRequestTopic()
	rt.Topic = topic
	for _, p := range parts {
		rp := kmsg.NewListOffsetsRequestTopicPartition()
		rp.Partition = p
		rp.Timestamp = -1 // the end
		rt.Partitions = append(rt.Partitions, rp)
	}
	req.Topics = append(req.Topics, rt)
	return req
}

// RecordsSoFar is the sum of the end offsets of the partitions of topic
// that answer now: each partition is asked once, of the broker metadata
// names as its leader, without retries. A new topic's partitions become
// ready one by one (the broker sets up about one every 15 to 40 ms on the
// benchmark machine), and RecordCount, which wants every partition to
// answer, would see the first record only once the last partition is
// ready. It returns 0 while the topic does not exist or no partition
// answers.
func RecordsSoFar(ctx context.Context, cl *kgo.Client, topic string) (int64, error) {
	meta := kmsg.NewPtrMetadataRequest()
	mt := kmsg.NewMetadataRequestTopic()
	mt.Topic = kmsg.StringPtr(topic)
	meta.Topics = append(meta.Topics, mt)
	resp, err := meta.RequestWith(ctx, cl)
	if err != nil {
		return 0, err
	}
	byLeader := map[int32][]int32{}
	for _, t := range resp.Topics {
		if t.ErrorCode != 0 {
			continue
		}
		for _, p := range t.Partitions {
			if p.ErrorCode == 0 && p.Leader >= 0 {
				byLeader[p.Leader] = append(byLeader[p.Leader], p.Partition)
			}
		}
	}
	var sum int64
	for leader, parts := range byLeader {
		lr, err := endOffsetsRequest(topic, parts).RequestWith(ctx, cl.Broker(int(leader)))
		if err != nil {
			continue // the leader is not reachable yet: no answer this time
		}
		for _, t := range lr.Topics {
			for _, p := range t.Partitions {
				if p.ErrorCode == 0 {
					sum += p.Offset
				}
			}
		}
	}
	return sum, nil
}

// TopicDiskBytes is the size of topic in the brokers' log directories
// (DescribeLogDirs), 0 if a broker does not answer it.
func TopicDiskBytes(ctx context.Context, cl *kgo.Client, topic string, partitions int) int64 {
	req := kmsg.NewPtrDescribeLogDirsRequest()
	rt := kmsg.NewDescribeLogDirsRequestTopic()
	rt.Topic = topic
	for p := range partitions {
		rt.Partitions = append(rt.Partitions, int32(p))
	}
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return 0
	}
	var sum int64
	for _, d := range resp.Dirs {
		for _, t := range d.Topics {
			for _, p := range t.Partitions {
				sum += p.Size
			}
		}
	}
	return sum
}

// payload fills b with a value that lz4 compresses about as much as
// typical text: the first half random letters and digits (6 bits of
// entropy a byte, which lz4 cannot shrink), the second half a phrase that
// repeats in every record.
func payload(rng *rand.Rand, b []byte) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	const phrase = `,"service":"checkout","region":"eu-west-1","status":"ok","retry":false,"tags":["bench","mirror"]}`
	half := len(b) / 2
	for i := 0; i < half; {
		r := rng.Uint64()
		for j := 0; j < 10 && i < half; j++ {
			b[i] = alphabet[r&63]
			r >>= 6
			i++
		}
	}
	for i := half; i < len(b); i++ {
		b[i] = phrase[(i-half)%len(phrase)]
	}
}

// LoadDataset produces the dataset into topic (which must exist with
// partitions partitions): records round-robin over the partitions, null
// keys, compression d.Compression (lz4 in frames of lz4Block blocks, see
// lz4_framing.go), acks=all. It returns when every record is acknowledged.
func LoadDataset(ctx context.Context, addrs []string, topic string, partitions int, d Dataset, lz4Block string) error {
	compression := kgo.ProducerBatchCompression(kgo.NoCompression())
	switch d.Compression {
	case "none":
	case "lz4":
		c, err := newLZ4Compressor(lz4Block)
		if err != nil {
			return fmt.Errorf("dataset %s: %w", d.Name, err)
		}
		compression = kgo.WithCompressor(c)
	default:
		return fmt.Errorf("dataset %s: compression %q: want none or lz4", d.Name, d.Compression)
	}
	cl, err := NewClient(addrs,
		compression,
		kgo.ProducerLinger(10*time.Millisecond),
		kgo.ProducerBatchMaxBytes(1<<20),
		kgo.MaxBufferedRecords(100_000),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.RequiredAcks(kgo.AllISRAcks()),
	)
	if err != nil {
		return err
	}
	defer cl.Close()
	var (
		mu    sync.Mutex
		first error
	)
	done := func(_ *kgo.Record, err error) {
		if err != nil {
			mu.Lock()
			if first == nil {
				first = err
			}
			mu.Unlock()
		}
	}
	rng := rand.New(rand.NewPCG(1, uint64(d.ValueBytes)))
	for i := range d.Records {
		v := make([]byte, d.ValueBytes)
		payload(rng, v)
		cl.Produce(ctx, &kgo.Record{Topic: topic, Partition: int32(i % partitions), Value: v}, done)
	}
	if err := cl.Flush(ctx); err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	return first
}

// ProduceStamped produces one record of valueBytes as SteadyProducer does
// (its send time in the first 8 bytes and as its timestamp).
func ProduceStamped(ctx context.Context, cl *kgo.Client, topic string, valueBytes int) error {
	v := make([]byte, max(valueBytes, 8))
	payload(rand.New(rand.NewPCG(4, 5)), v)
	now := time.Now()
	binary.BigEndian.PutUint64(v, uint64(now.UnixNano()))
	return cl.ProduceSync(ctx, &kgo.Record{Topic: topic, Value: v, Timestamp: now}).FirstErr()
}

// SteadyProducer produces rate records/s of valueBytes each (the first 8
// bytes: the send time in Unix nanoseconds) round-robin over partitions of
// topic, from Start until Stop, with no linger, so that each record's
// timestamp is its send time.
type SteadyProducer struct {
	cl       *kgo.Client
	stop     chan struct{}
	done     chan struct{}
	mu       sync.Mutex
	acked    int64
	produced int64
	err      error
}

// StartSteadyProducer starts producing.
func StartSteadyProducer(addrs []string, topic string, partitions, rate, valueBytes int) (*SteadyProducer, error) {
	cl, err := NewClient(addrs,
		kgo.ProducerLinger(0),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.RequiredAcks(kgo.AllISRAcks()),
	)
	if err != nil {
		return nil, err
	}
	p := &SteadyProducer{cl: cl, stop: make(chan struct{}), done: make(chan struct{})}
	go p.run(topic, partitions, rate, max(valueBytes, 8))
	return p, nil
}

func (p *SteadyProducer) run(topic string, partitions, rate, valueBytes int) {
	defer close(p.done)
	rng := rand.New(rand.NewPCG(2, 3))
	ack := func(_ *kgo.Record, err error) {
		p.mu.Lock()
		defer p.mu.Unlock()
		if err != nil && p.err == nil {
			p.err = err
		}
		if err == nil {
			p.acked++
		}
	}
	start := time.Now()
	tick := time.NewTicker(5 * time.Millisecond) // pacing, not synchronisation
	defer tick.Stop()
	var n int64
	for {
		select {
		case <-p.stop:
			p.mu.Lock()
			p.produced = n
			p.mu.Unlock()
			return
		case <-tick.C:
		}
		due := int64(time.Since(start).Seconds() * float64(rate))
		for ; n < due; n++ {
			v := make([]byte, valueBytes)
			payload(rng, v)
			now := time.Now()
			binary.BigEndian.PutUint64(v, uint64(now.UnixNano()))
			p.cl.Produce(context.Background(), &kgo.Record{Topic: topic, Partition: int32(n % int64(partitions)), Value: v, Timestamp: now}, ack)
		}
	}
}

// Stop stops producing, waits until every record sent is acknowledged
// and returns how many were produced.
func (p *SteadyProducer) Stop(ctx context.Context) (int64, error) {
	close(p.stop)
	<-p.done
	err := p.cl.Flush(ctx)
	p.cl.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		err = p.err
	}
	if err == nil && p.acked != p.produced {
		err = fmt.Errorf("%d records produced, %d acknowledged", p.produced, p.acked)
	}
	return p.produced, err
}

// LatencyConsumer reads a target topic from its start and records, for
// each record whose timestamp is in [from, to), its arrival time minus its
// timestamp.
type LatencyConsumer struct {
	cl       *kgo.Client
	from, to time.Time
	cancel   context.CancelFunc
	done     chan struct{}

	mu        sync.Mutex
	samples   []time.Duration
	seen      int64
	badStamps int64 // timestamp not the send time in the value: not preserved
	err       error
}

// StartLatencyConsumer starts consuming topic (partitions partitions).
func StartLatencyConsumer(addrs []string, topic string, partitions int, from, to time.Time) (*LatencyConsumer, error) {
	offsets := map[int32]kgo.Offset{}
	for p := range partitions {
		offsets[int32(p)] = kgo.NewOffset().AtStart()
	}
	cl, err := NewClient(addrs, kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: offsets}))
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &LatencyConsumer{cl: cl, from: from, to: to, cancel: cancel, done: make(chan struct{})}
	go c.run(ctx)
	return c, nil
}

func (c *LatencyConsumer) run(ctx context.Context) {
	defer close(c.done)
	for {
		fs := c.cl.PollFetches(ctx)
		arrived := time.Now()
		if ctx.Err() != nil {
			return
		}
		c.mu.Lock()
		fs.EachError(func(topic string, p int32, err error) {
			if c.err == nil && !errors.Is(err, context.Canceled) {
				c.err = fmt.Errorf("consume %s-%d: %w", topic, p, err)
			}
		})
		fs.EachRecord(func(r *kgo.Record) {
			c.seen++
			if len(r.Value) >= 8 {
				sent := time.Unix(0, int64(binary.BigEndian.Uint64(r.Value)))
				if d := r.Timestamp.Sub(sent); d > time.Millisecond || d < -time.Millisecond {
					c.badStamps++
				}
			}
			if !r.Timestamp.Before(c.from) && r.Timestamp.Before(c.to) {
				c.samples = append(c.samples, arrived.Sub(r.Timestamp))
			}
		})
		c.mu.Unlock()
	}
}

// Seen is the number of records consumed so far.
func (c *LatencyConsumer) Seen() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seen
}

// Stop stops consuming and returns the latencies, sorted.
func (c *LatencyConsumer) Stop() ([]time.Duration, error) {
	c.cancel()
	<-c.done
	c.cl.Close()
	c.mu.Lock()
	defer c.mu.Unlock()
	sort.Slice(c.samples, func(i, j int) bool { return c.samples[i] < c.samples[j] })
	err := c.err
	if err == nil && c.badStamps > 0 {
		err = fmt.Errorf("%d records in the target have a timestamp other than their send time: timestamps not preserved", c.badStamps)
	}
	return c.samples, err
}

// Percentile is the q-quantile (0 < q <= 1) of sorted latencies, in ms, by
// the nearest-rank method.
func Percentile(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	i = min(max(i, 0), len(sorted)-1)
	return float64(sorted[i]) / float64(time.Millisecond)
}

// warmTopicPartitions is the partition count of WarmBroker's topic: about
// as many as the three runs of one dataset create on the target (each
// about 45: the offsets topic's 25, the status topic's 5, the remote
// topic's 12 and a few single ones). A broker's JVM sets up new partitions
// faster the more it has set up (46 ms each during the first dataset's
// Ferry run after a 25-partition warm-up, 31 ms during the second's).
const warmTopicPartitions = 100

// WarmBroker exercises once, before the first run, what a mirror's start
// asks of a broker: a topic created and set up (partition by partition), a
// record produced to each partition with acks=all, and a consumer group
// that joins, fetches them, commits and leaves; then it deletes the topic.
// The runners copy each dataset in turn (Ferry first), so without it only
// the first runner of the first dataset would meet a broker whose JVM has
// not yet compiled these paths.
func WarmBroker(ctx context.Context, addrs []string) error {
	topic := "ferry-bench-warm-up"
	cl, err := NewClient(addrs, kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.RequiredAcks(kgo.AllISRAcks()))
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := CreateTopic(ctx, cl, topic, warmTopicPartitions); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	recs := make([]*kgo.Record, warmTopicPartitions)
	for p := range recs {
		recs[p] = &kgo.Record{Topic: topic, Partition: int32(p), Value: []byte("warm-up")}
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		return fmt.Errorf("warm-up: produce to %s: %w", topic, err)
	}
	group, err := NewClient(addrs, kgo.ConsumerGroup(topic), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit())
	if err != nil {
		return err
	}
	for seen := 0; seen < warmTopicPartitions; {
		fs := group.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			group.Close()
			return fmt.Errorf("warm-up: the group read %d of %d records: %w", seen, warmTopicPartitions, err)
		}
		seen += fs.NumRecords()
	}
	err = group.CommitUncommittedOffsets(ctx)
	group.Close() // leaves the group
	if err != nil {
		return fmt.Errorf("warm-up: commit: %w", err)
	}
	del := kmsg.NewPtrDeleteTopicsRequest()
	del.TimeoutMillis = 30_000
	del.TopicNames = []string{topic}
	dt := kmsg.NewDeleteTopicsRequestTopic()
	dt.Topic = kmsg.StringPtr(topic)
	del.Topics = append(del.Topics, dt)
	resp, err := del.RequestWith(ctx, cl)
	if err == nil && len(resp.Topics) == 1 {
		err = kerr.ErrorForCode(resp.Topics[0].ErrorCode)
	}
	if err != nil {
		return fmt.Errorf("warm-up: delete %s: %w", topic, err)
	}
	return nil
}

// WarmGroupCoordinator returns once cl's cluster has a group coordinator:
// the first FindCoordinator on a new cluster makes the broker create
// __consumer_offsets, which takes about half a second. Whichever runner
// came first would pay it in its start-up time, so the benchmark pays it
// before the first run.
func WarmGroupCoordinator(ctx context.Context, cl *kgo.Client) error {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		req := kmsg.NewPtrFindCoordinatorRequest()
		req.CoordinatorKey = "ferry-bench-warm-up"
		req.CoordinatorKeys = []string{req.CoordinatorKey}
		resp, err := req.RequestWith(ctx, cl)
		if err == nil {
			err = kerr.ErrorForCode(resp.ErrorCode)
			for _, c := range resp.Coordinators {
				if err == nil {
					err = kerr.ErrorForCode(c.ErrorCode)
				}
			}
		}
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("no group coordinator: %w", err)
		case <-tick.C:
		}
	}
}
