package mirrorclient

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/test/testkit"
)

// testCtx is the context of one call that is expected to succeed.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func clusterProps(c *testkit.Cluster) map[string]string {
	return map[string]string{"bootstrap.servers": strings.Join(c.Addrs(), ",")}
}

func newTestClient(t *testing.T, props map[string]string) *Client {
	t.Helper()
	c, err := NewClient(props)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func saramaConfig() *sarama.Config {
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V3_6_0_0
	cfg.Producer.Return.Successes = true
	cfg.Producer.Partitioner = sarama.NewManualPartitioner
	return cfg
}

func createTopics(t *testing.T, c *testkit.Cluster, topics map[string]*sarama.TopicDetail) {
	t.Helper()
	admin, err := sarama.NewClusterAdmin(c.Addrs(), saramaConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close() }()
	for name, d := range topics {
		if d.ReplicationFactor == 0 {
			d.ReplicationFactor = 1
		}
		if err := admin.CreateTopic(name, d, false); err != nil {
			t.Fatalf("create topic %s: %v", name, err)
		}
	}
}

type rawRecord struct {
	topic      string
	partition  int32
	key, value []byte
}

func produce(t *testing.T, c *testkit.Cluster, recs ...rawRecord) {
	t.Helper()
	p, err := sarama.NewSyncProducer(c.Addrs(), saramaConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = p.Close() }()
	for _, r := range recs {
		msg := &sarama.ProducerMessage{Topic: r.topic, Partition: r.partition}
		if r.key != nil {
			msg.Key = sarama.ByteEncoder(r.key)
		}
		if r.value != nil {
			msg.Value = sarama.ByteEncoder(r.value)
		}
		if _, _, err := p.SendMessage(msg); err != nil {
			t.Fatalf("produce to %s: %v", r.topic, err)
		}
	}
}

func checkpointRecord(t *testing.T, topic string, partition int32, cp Checkpoint) rawRecord {
	t.Helper()
	key, err := cp.RecordKey()
	if err != nil {
		t.Fatal(err)
	}
	value, err := cp.RecordValue()
	if err != nil {
		t.Fatal(err)
	}
	return rawRecord{topic: topic, partition: partition, key: key, value: value}
}

func heartbeatRecord(t *testing.T, topic string, h Heartbeat) rawRecord {
	t.Helper()
	key, err := h.RecordKey()
	if err != nil {
		t.Fatal(err)
	}
	return rawRecord{topic: topic, key: key, value: h.RecordValue()}
}

// mm2Cluster is a cluster "T" as MirrorMaker leaves it after replicating
// from A and B (and from D through C): heartbeats, checkpoints and remote
// topics, plus local and internal topics that must not be mistaken for
// them.
func mm2Cluster(t *testing.T) *testkit.Cluster {
	t.Helper()
	c := testkit.NewCluster(t, 1)
	one := func() *sarama.TopicDetail { return &sarama.TopicDetail{NumPartitions: 1} }
	internal := "true"
	createTopics(t, c, map[string]*sarama.TopicDetail{
		"heartbeats":             one(),
		"A.heartbeats":           one(),
		"B.A.heartbeats":         one(),
		"C.D.heartbeats":         one(),
		"A.checkpoints.internal": one(),
		// Java reads partition 0 of a checkpoints topic only.
		"B.checkpoints.internal":      {NumPartitions: 2},
		"A.orders":                    {NumPartitions: 2},
		"B.A.payments":                one(),
		"B.clicks":                    one(),
		"orders":                      one(),
		"mm2-offset-syncs.B.internal": one(),
		"connect-offsets-internal":    one(),
		"__consumer_offsets_copy":     one(),
		// A topic the broker flags internal (as __consumer_offsets) is not
		// listed at all, whatever its name says.
		"Z.heartbeats": {NumPartitions: 1, ConfigEntries: map[string]*string{"kfake.is_internal": &internal}},
	})

	produce(t, c,
		heartbeatRecord(t, "heartbeats", Heartbeat{SourceClusterAlias: "T", TargetClusterAlias: "U", Timestamp: 1}),
		heartbeatRecord(t, "A.heartbeats", Heartbeat{SourceClusterAlias: "A", TargetClusterAlias: "T", Timestamp: 2}),
		heartbeatRecord(t, "B.A.heartbeats", Heartbeat{SourceClusterAlias: "A", TargetClusterAlias: "B", Timestamp: 3}),
		heartbeatRecord(t, "C.D.heartbeats", Heartbeat{SourceClusterAlias: "D", TargetClusterAlias: "C", Timestamp: 4}),
	)

	cpA := "A.checkpoints.internal"
	produce(t, c,
		checkpointRecord(t, cpA, 0, Checkpoint{ConsumerGroupID: "g1", Topic: "A.orders", Partition: 0, UpstreamOffset: 10, DownstreamOffset: 8, Metadata: "m1"}),
		checkpointRecord(t, cpA, 0, Checkpoint{ConsumerGroupID: "g1", Topic: "A.orders", Partition: 1, UpstreamOffset: 20, DownstreamOffset: 18}),
		checkpointRecord(t, cpA, 0, Checkpoint{ConsumerGroupID: "g2", Topic: "A.orders", Partition: 0, UpstreamOffset: 5, DownstreamOffset: 4, Metadata: "g2"}),
		// offset 3: not a checkpoint; offset 4: a tombstone.
		rawRecord{topic: cpA, key: []byte("garbage"), value: []byte{0, 0, 1}},
		rawRecord{topic: cpA, key: mustKey(t, Checkpoint{ConsumerGroupID: "g1", Topic: "A.orders"})},
		// A later checkpoint of the same partition replaces the first.
		checkpointRecord(t, cpA, 0, Checkpoint{ConsumerGroupID: "g1", Topic: "A.orders", Partition: 0, UpstreamOffset: 15, DownstreamOffset: 13, Metadata: "m1b"}),
		checkpointRecord(t, cpA, 0, Checkpoint{ConsumerGroupID: "g1", Topic: "A.payments", Partition: 3, UpstreamOffset: 7, DownstreamOffset: 6}),
	)
	cpB := "B.checkpoints.internal"
	produce(t, c,
		checkpointRecord(t, cpB, 0, Checkpoint{ConsumerGroupID: "g1", Topic: "B.clicks", Partition: 0, UpstreamOffset: 100, DownstreamOffset: 90, Metadata: "b"}),
		checkpointRecord(t, cpB, 1, Checkpoint{ConsumerGroupID: "g1", Topic: "B.clicks", Partition: 1, UpstreamOffset: 100, DownstreamOffset: 90}),
	)
	return c
}

func mustKey(t *testing.T, cp Checkpoint) []byte {
	t.Helper()
	k, err := cp.RecordKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestClientTopicQuestions(t *testing.T) {
	cluster := mm2Cluster(t)
	c := newTestClient(t, clusterProps(cluster))
	ctx := testCtx(t)

	topics, err := c.ListTopics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(topics, "Z.heartbeats") {
		t.Errorf("ListTopics lists the broker-internal topic Z.heartbeats: %v", topics)
	}
	if !slices.Contains(topics, "orders") || !slices.Contains(topics, "A.orders") {
		t.Errorf("ListTopics misses topics: %v", topics)
	}

	strs := func(name string, got []string, err error, want ...string) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	got, err := c.HeartbeatTopics(ctx)
	strs("HeartbeatTopics", got, err, "A.heartbeats", "B.A.heartbeats", "C.D.heartbeats", "heartbeats")
	got, err = c.CheckpointTopics(ctx)
	strs("CheckpointTopics", got, err, "A.checkpoints.internal", "B.checkpoints.internal")
	got, err = c.UpstreamClusters(ctx)
	strs("UpstreamClusters", got, err, "A", "B", "C", "D")
	// As in Java, replicated heartbeats topics are remote topics (only
	// topics ending in ".internal", "-internal" or starting with "__" or
	// "." are internal), whatever MirrorClient's javadoc says.
	got, err = c.RemoteTopics(ctx)
	strs("RemoteTopics", got, err, "A.heartbeats", "A.orders", "B.A.heartbeats", "B.A.payments", "B.clicks", "C.D.heartbeats")
	got, err = c.RemoteTopicsFrom(ctx, "B")
	strs("RemoteTopicsFrom(B)", got, err, "B.A.heartbeats", "B.A.payments", "B.clicks")
	got, err = c.RemoteTopicsFrom(ctx, "A")
	strs("RemoteTopicsFrom(A)", got, err, "A.heartbeats", "A.orders")
	got, err = c.RemoteTopicsFrom(ctx, "Z")
	strs("RemoteTopicsFrom(Z)", got, err)

	for alias, want := range map[string]int{"A": 1, "B": 1, "C": 1, "D": 2, "Z": -1, "T": -1, "nowhere": -1} {
		n, err := c.ReplicationHops(ctx, alias)
		if err != nil || n != want {
			t.Errorf("ReplicationHops(%s) = %d, %v; want %d", alias, n, err, want)
		}
	}

	// The one-shot functions give the same answers.
	props := clusterProps(cluster)
	got, err = HeartbeatTopicsOn(ctx, props)
	strs("HeartbeatTopicsOn", got, err, "A.heartbeats", "B.A.heartbeats", "C.D.heartbeats", "heartbeats")
	got, err = CheckpointTopicsOn(ctx, props)
	strs("CheckpointTopicsOn", got, err, "A.checkpoints.internal", "B.checkpoints.internal")
	got, err = UpstreamClustersOn(ctx, props)
	strs("UpstreamClustersOn", got, err, "A", "B", "C", "D")
	if n, err := ReplicationHopsOn(ctx, props, "D"); err != nil || n != 2 {
		t.Errorf("ReplicationHopsOn(D) = %d, %v; want 2", n, err)
	}
}

func TestClientCheckpoints(t *testing.T) {
	cluster := mm2Cluster(t)
	c := newTestClient(t, clusterProps(cluster))
	ctx := testCtx(t)

	offsets, err := c.RemoteConsumerOffsets(ctx, "g1", "A")
	if err != nil {
		t.Fatal(err)
	}
	want := map[TopicPartition]OffsetAndMetadata{
		{Topic: "A.orders", Partition: 0}:   {Offset: 13, Metadata: "m1b"},
		{Topic: "A.orders", Partition: 1}:   {Offset: 18},
		{Topic: "A.payments", Partition: 3}: {Offset: 6},
	}
	if !reflect.DeepEqual(offsets, want) {
		t.Errorf("g1 from A: %v, want %v", offsets, want)
	}

	offsets, err = c.RemoteConsumerOffsets(ctx, "g2", "A")
	if err != nil {
		t.Fatal(err)
	}
	if want := (map[TopicPartition]OffsetAndMetadata{{Topic: "A.orders", Partition: 0}: {Offset: 4, Metadata: "g2"}}); !reflect.DeepEqual(offsets, want) {
		t.Errorf("g2 from A: %v, want %v", offsets, want)
	}

	// A group without checkpoints: an empty map, no error.
	offsets, err = c.RemoteConsumerOffsets(ctx, "nobody", "A")
	if err != nil || offsets == nil || len(offsets) != 0 {
		t.Errorf("group without checkpoints: %v, %v; want an empty map", offsets, err)
	}

	// The alias picks the topic; partition 1 of B's topic is not read.
	offsets, err = c.RemoteConsumerOffsets(ctx, "g1", "B")
	if err != nil {
		t.Fatal(err)
	}
	if want := (map[TopicPartition]OffsetAndMetadata{{Topic: "B.clicks", Partition: 0}: {Offset: 90, Metadata: "b"}}); !reflect.DeepEqual(offsets, want) {
		t.Errorf("g1 from B: %v, want %v", offsets, want)
	}

	// Checkpoints keeps the upstream offsets.
	cps, err := c.Checkpoints(ctx, "g1", "A")
	if err != nil {
		t.Fatal(err)
	}
	if got := cps[TopicPartition{Topic: "A.orders", Partition: 0}]; got != (Checkpoint{ConsumerGroupID: "g1", Topic: "A.orders", Partition: 0, UpstreamOffset: 15, DownstreamOffset: 13, Metadata: "m1b"}) {
		t.Errorf("checkpoint of A.orders-0: %v", got)
	}
	if len(cps) != 3 {
		t.Errorf("%d checkpoints, want 3: %v", len(cps), cps)
	}

	// ReadCheckpoints reports the skipped records.
	read, err := c.ReadCheckpoints(ctx, "g1", "A")
	if err != nil {
		t.Fatal(err)
	}
	if read.Topic != "A.checkpoints.internal" || read.EndOffset != 7 || read.Records != 7 {
		t.Errorf("read %s to %d, %d records; want A.checkpoints.internal to 7, 7 records", read.Topic, read.EndOffset, read.Records)
	}
	if read.SkippedCount != 2 || len(read.Skipped) != 2 || read.Skipped[0].Offset != 3 || read.Skipped[1].Offset != 4 {
		t.Fatalf("skipped %d: %+v; want offsets 3 and 4", read.SkippedCount, read.Skipped)
	}
	if !errors.Is(read.Skipped[0].Err, ErrCorruptRecord) || !strings.Contains(read.Skipped[0].Err.Error(), "'upstreamOffset'") {
		t.Errorf("corrupt record's error: %v", read.Skipped[0].Err)
	}
	if !strings.Contains(read.Skipped[1].Err.Error(), "no value") {
		t.Errorf("tombstone's error: %v", read.Skipped[1].Err)
	}

	// TranslateOffsets opens its own client.
	offsets, err = TranslateOffsets(ctx, clusterProps(cluster), "A", "g2")
	if err != nil || len(offsets) != 1 || offsets[TopicPartition{Topic: "A.orders", Partition: 0}].Offset != 4 {
		t.Errorf("TranslateOffsets(A, g2) = %v, %v", offsets, err)
	}
}

func TestClientMissingCheckpointsTopic(t *testing.T) {
	cluster := mm2Cluster(t)
	c := newTestClient(t, clusterProps(cluster))
	ctx := testCtx(t)

	_, err := c.RemoteConsumerOffsets(ctx, "g1", "X")
	if !errors.Is(err, ErrTopicNotFound) || !strings.Contains(err.Error(), "X.checkpoints.internal") {
		t.Fatalf("missing topic: %v; want ErrTopicNotFound naming X.checkpoints.internal", err)
	}
	if _, err := TranslateOffsets(ctx, clusterProps(cluster), "X", "g1"); !errors.Is(err, ErrTopicNotFound) {
		t.Errorf("TranslateOffsets, missing topic: %v", err)
	}
	// Asking did not create it.
	topics, err := c.ListTopics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(topics, "X.checkpoints.internal") {
		t.Errorf("reading a missing checkpoints topic created it: %v", topics)
	}
}

// TestClientCheckpointsThroughTransactions reads a checkpoints topic written
// by a transactional producer (Connect with exactly-once source support):
// the transaction markers take offsets up to the end, the read must step
// over them and end; aborted records are read, as Java's read_uncommitted
// consumer does.
func TestClientCheckpointsThroughTransactions(t *testing.T) {
	cluster := testkit.NewCluster(t, 1)
	topic := "A.checkpoints.internal"
	createTopics(t, cluster, map[string]*sarama.TopicDetail{topic: {NumPartitions: 1}})
	ctx := testCtx(t)

	kc, err := kgo.NewClient(kgo.SeedBrokers(cluster.Addrs()...), kgo.TransactionalID("mm2-checkpoints"),
		kgo.DefaultProduceTopic(topic))
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close()
	inTxn := func(commit kgo.TransactionEndTry, cp Checkpoint) {
		t.Helper()
		if err := kc.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		rec := checkpointRecord(t, topic, 0, cp)
		if err := kc.ProduceSync(ctx, &kgo.Record{Key: rec.key, Value: rec.value}).FirstErr(); err != nil {
			t.Fatal(err)
		}
		if err := kc.EndTransaction(ctx, commit); err != nil {
			t.Fatal(err)
		}
	}
	inTxn(kgo.TryCommit, Checkpoint{ConsumerGroupID: "g", Topic: "A.t", Partition: 0, DownstreamOffset: 1})
	inTxn(kgo.TryCommit, Checkpoint{ConsumerGroupID: "g", Topic: "A.t", Partition: 1, DownstreamOffset: 2})
	inTxn(kgo.TryAbort, Checkpoint{ConsumerGroupID: "g", Topic: "A.t", Partition: 2, DownstreamOffset: 3})

	c := newTestClient(t, clusterProps(cluster))
	read, err := c.ReadCheckpoints(ctx, "g", "A")
	if err != nil {
		t.Fatal(err)
	}
	if read.EndOffset != 6 {
		t.Errorf("end offset %d, want 6 (three records, three markers)", read.EndOffset)
	}
	if read.Records != 3 || read.SkippedCount != 0 {
		t.Errorf("%d records read, %d skipped; want 3 and 0", read.Records, read.SkippedCount)
	}
	for p, want := range []int64{1, 2, 3} {
		if got := read.Checkpoints[TopicPartition{Topic: "A.t", Partition: int32(p)}].DownstreamOffset; got != want {
			t.Errorf("A.t-%d: downstream offset %d, want %d", p, got, want)
		}
	}
}

// TestClientPrefixedSettings: "admin." and "consumer." keys override the
// plain ones for their role only, as MirrorClientConfig's sub-configs.
func TestClientPrefixedSettings(t *testing.T) {
	cluster := mm2Cluster(t)
	live := strings.Join(cluster.Addrs(), ",")
	dead := testkit.ClosedAddr(t)
	ctx := testCtx(t)

	listing := newTestClient(t, map[string]string{"bootstrap.servers": dead, "admin.bootstrap.servers": live})
	if got, err := listing.CheckpointTopics(ctx); err != nil || len(got) != 2 {
		t.Errorf("admin.bootstrap.servers not used for listing: %v, %v", got, err)
	}
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if _, err := listing.RemoteConsumerOffsets(short, "g1", "A"); err == nil || !strings.Contains(err.Error(), "A.checkpoints.internal") {
		t.Errorf("checkpoint read used admin.bootstrap.servers: %v", err)
	}

	reading := newTestClient(t, map[string]string{"bootstrap.servers": dead, "consumer.bootstrap.servers": live})
	if got, err := reading.RemoteConsumerOffsets(ctx, "g1", "A"); err != nil || len(got) != 3 {
		t.Errorf("consumer.bootstrap.servers not used for checkpoints: %v, %v", got, err)
	}
}

// deadAddr returns a loopback address nothing listens on.

func TestClientUnreachableCluster(t *testing.T) {
	addr := testkit.ClosedAddr(t)
	c := newTestClient(t, map[string]string{"bootstrap.servers": addr})

	const deadline = 2 * time.Second
	calls := map[string]func(ctx context.Context) error{
		"HeartbeatTopics": func(ctx context.Context) error { _, err := c.HeartbeatTopics(ctx); return err },
		"ReplicationHops": func(ctx context.Context) error { _, err := c.ReplicationHops(ctx, "A"); return err },
		"RemoteConsumerOffsets": func(ctx context.Context) error {
			_, err := c.RemoteConsumerOffsets(ctx, "g", "A")
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel() // the calls share the client
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			start := time.Now()
			err := call(ctx)
			elapsed := time.Since(start)
			if err == nil {
				t.Fatal("no error from an unreachable cluster")
			}
			if elapsed > deadline+2*time.Second {
				t.Errorf("returned after %v, the deadline was %v", elapsed, deadline)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error %v does not say the deadline passed", err)
			}
			if name == "RemoteConsumerOffsets" {
				if !strings.Contains(err.Error(), "A.checkpoints.internal") || !strings.Contains(err.Error(), "before its end offset was known") {
					t.Errorf("error %q does not name the topic and how far it got", err)
				}
			} else if !strings.Contains(err.Error(), addr) || !strings.Contains(err.Error(), "connect") {
				t.Errorf("error %q does not name the address and the connection failure", err)
			}
		})
	}
}

// TestClientStalledRead: the broker stops answering fetches mid-read; the
// read ends with ctx and says where it stood.
func TestClientStalledRead(t *testing.T) {
	cluster := mm2Cluster(t)
	cluster.Kfake().ControlKey(int16(kmsg.Fetch), func(kmsg.Request) (kmsg.Response, error, bool) {
		cluster.Kfake().KeepControl()
		return nil, nil, true // never answered
	})
	c := newTestClient(t, clusterProps(cluster))

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.RemoteConsumerOffsets(ctx, "g1", "A")
	if err == nil {
		t.Fatal("a read with fetches never answered succeeded")
	}
	if time.Since(start) > 4*time.Second {
		t.Errorf("returned after %v", time.Since(start))
	}
	want := "reading checkpoints topic A.checkpoints.internal partition 0 stopped at offset 0 of end offset 7 (0 records read)"
	if !strings.Contains(err.Error(), want) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %q; want it to contain %q and wrap the deadline", err, want)
	}
}

func TestClientClosed(t *testing.T) {
	cluster := mm2Cluster(t)
	c, err := NewClient(clusterProps(cluster))
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	if _, err := c.HeartbeatTopics(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := c.HeartbeatTopics(ctx); !errors.Is(err, ErrClientClosed) {
		t.Errorf("listing after Close: %v", err)
	}
	if _, err := c.RemoteConsumerOffsets(ctx, "g1", "A"); !errors.Is(err, ErrClientClosed) {
		t.Errorf("reading after Close: %v", err)
	}
}

func TestNewClientSettings(t *testing.T) {
	base := func(kv ...string) map[string]string {
		m := map[string]string{"bootstrap.servers": "localhost:9092"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	bad := []struct {
		props map[string]string
		want  string
	}{
		{map[string]string{}, "bootstrap.servers"},
		{base("replication.policy.class", "com.example.MyPolicy"), "com.example.MyPolicy"},
		{base("replication.policy.internal.topic.separator.enabled", "yes"), "replication.policy.internal.topic.separator.enabled"},
		{base("security.protocol", "TLS"), "security.protocol"},
		{base("consumer.security.protocol", "TLS"), "consumer settings"},
		{base("admin.bootstrap.servers", "nohostport"), "admin client settings"},
	}
	for _, b := range bad {
		if _, err := NewClient(b.props); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("NewClient(%v) = %v; want an error mentioning %q", b.props, err, b.want)
		}
	}

	// Keys outside the connection settings are ignored, as Java's
	// MirrorClientConfig passes only those to its clients.
	if _, err := NewClient(base("request.timeout.ms", "not a number", "client.id", "x")); err != nil {
		t.Errorf("non-connection keys: %v", err)
	}

	c, err := NewClient(base("replication.policy.separator", "_",
		"replication.policy.internal.topic.separator.enabled", " FALSE "))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	if got := c.Policy().FormatRemoteTopic("A", "t"); got != "A_t" {
		t.Errorf("separator not applied: %q", got)
	}
	if got := c.Policy().CheckpointsTopic("A"); got != "A.checkpoints.internal" {
		t.Errorf("internal separator setting not applied: %q", got)
	}

	id, err := NewClient(base("replication.policy.class", "IdentityReplicationPolicy", "source.cluster.alias", "A"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = id.Close() }()
	if got := id.Policy().FormatRemoteTopic("A", "t"); got != "t" {
		t.Errorf("identity policy renames: %q", got)
	}
	if src, ok := id.Policy().TopicSource("t"); !ok || src != "A" {
		t.Errorf("identity policy source: %q, %v", src, ok)
	}
}

// TestHeartbeatsOverTheWire reads back the heartbeat records mm2Cluster
// wrote, as a MirrorMaker reading them would.
func TestHeartbeatsOverTheWire(t *testing.T) {
	cluster := mm2Cluster(t)
	consumer, err := sarama.NewConsumer(cluster.Addrs(), saramaConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = consumer.Close() }()
	pc, err := consumer.ConsumePartition("B.A.heartbeats", 0, sarama.OffsetOldest)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = pc.Close() }()
	select {
	case msg := <-pc.Messages():
		h, err := DecodeHeartbeat(msg.Key, msg.Value)
		if err != nil {
			t.Fatal(err)
		}
		if want := (Heartbeat{SourceClusterAlias: "A", TargetClusterAlias: "B", Timestamp: 3}); h != want {
			t.Errorf("read %v, want %v", h, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no heartbeat read from B.A.heartbeats")
	}
}

// TestClientConcurrentUse shares one client between goroutines listing
// topics and reading checkpoints (run with -race).
func TestClientConcurrentUse(t *testing.T) {
	cluster := mm2Cluster(t)
	c := newTestClient(t, clusterProps(cluster))
	ctx := testCtx(t)
	errs := make(chan error, 16)
	for i := 0; i < 8; i++ {
		go func() {
			got, err := c.CheckpointTopics(ctx)
			if err == nil && len(got) != 2 {
				err = fmt.Errorf("CheckpointTopics = %v", got)
			}
			errs <- err
		}()
		go func() {
			got, err := c.RemoteConsumerOffsets(ctx, "g1", "A")
			if err == nil && len(got) != 3 {
				err = fmt.Errorf("RemoteConsumerOffsets = %v", got)
			}
			errs <- err
		}()
	}
	for i := 0; i < 16; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestClientSASL: the connection settings reach both roles; an
// authorization failure ends a read at once rather than being retried.
func TestClientSASL(t *testing.T) {
	cluster := testkit.NewCluster(t, 1, kfake.EnableSASL(), kfake.EnableACLs(),
		kfake.Superuser("PLAIN", "mm2", "mm2-secret"),
		// "tool" may see A.heartbeats only.
		kfake.User("PLAIN", "tool", "tool-secret", kfake.ACL{Resource: kmsg.ACLResourceTypeTopic, Name: "A.heartbeats",
			Pattern: kmsg.ACLResourcePatternTypeLiteral, Operation: kmsg.ACLOperationDescribe, Allow: true}))
	props := func(user, password string) map[string]string {
		return map[string]string{
			"bootstrap.servers": strings.Join(cluster.Addrs(), ","),
			"security.protocol": "SASL_PLAINTEXT",
			"sasl.mechanism":    "PLAIN",
			"sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required username="` +
				user + `" password="` + password + `";`,
		}
	}
	ctx := testCtx(t)

	kc, err := kafkaclient.Parse(props("mm2", "mm2-secret"))
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sarama.NewClusterAdmin(kc.Brokers, kc.Sarama)
	if err != nil {
		t.Fatal(err)
	}
	for _, topic := range []string{"A.heartbeats", "B.heartbeats", "A.checkpoints.internal"} {
		if err := admin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1}, false); err != nil {
			t.Fatal(err)
		}
	}
	_ = admin.Close()

	super := newTestClient(t, props("mm2", "mm2-secret"))
	if got, err := super.HeartbeatTopics(ctx); err != nil || !reflect.DeepEqual(got, []string{"A.heartbeats", "B.heartbeats"}) {
		t.Errorf("HeartbeatTopics as mm2: %v, %v", got, err)
	}
	if got, err := super.RemoteConsumerOffsets(ctx, "g", "A"); err != nil || len(got) != 0 {
		t.Errorf("checkpoint read as mm2: %v, %v; want none", got, err)
	}

	tool := newTestClient(t, props("tool", "tool-secret"))
	if got, err := tool.HeartbeatTopics(ctx); err != nil || !reflect.DeepEqual(got, []string{"A.heartbeats"}) {
		t.Errorf("HeartbeatTopics as tool: %v, %v; want the one topic it may see", got, err)
	}
	start := time.Now()
	_, err = tool.RemoteConsumerOffsets(ctx, "g", "A")
	if !errors.Is(err, sarama.ErrTopicAuthorizationFailed) || !strings.Contains(err.Error(), "A.checkpoints.internal") {
		t.Errorf("checkpoint read without ACLs: %v; want a topic authorization error naming the topic", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("the authorization failure was retried for %v", time.Since(start))
	}

	// A wrong password: kfake drops the connection (a real broker answers
	// SASL_AUTHENTICATION_FAILED first), so the client sees a broken
	// connection and retries until the deadline.
	wrong := newTestClient(t, props("mm2", "wrong"))
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if _, err := wrong.HeartbeatTopics(short); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), cluster.Addrs()[0]) {
		t.Errorf("wrong password: %v", err)
	}
}
