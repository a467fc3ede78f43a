package mirror

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/IBM/sarama"
	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/test/testkit"
)

// testConnectorContext records what the connector asks of the runtime.
type testConnectorContext struct {
	log       zerolog.Logger
	reconfigs atomic.Int32
	mu        sync.Mutex
	raised    []error
}

func newConnectorContext(t *testing.T) *testConnectorContext {
	return &testConnectorContext{log: testkit.Logger(t).With().Str("connector", "mm2").Logger()}
}

func (c *testConnectorContext) RequestTaskReconfiguration() { c.reconfigs.Add(1) }
func (c *testConnectorContext) Logger() zerolog.Logger      { return c.log }
func (c *testConnectorContext) RaiseError(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.raised = append(c.raised, err)
}

func (c *testConnectorContext) raisedErrors() []error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]error(nil), c.raised...)
}

// testTaskContext hands the task a logger and an offset reader, and
// records the problems the task reports (connect.ProblemReporter).
type testTaskContext struct {
	log     zerolog.Logger
	offsets connect.OffsetReader

	mu       sync.Mutex
	problems []string
}

func (c *testTaskContext) ReportProblem(msg string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.problems = append(c.problems, msg)
}

// reported returns the problems reported so far, in order.
func (c *testTaskContext) reported() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.problems...)
}

func newTaskContext(t *testing.T, offsets connect.OffsetReader) *testTaskContext {
	return &testTaskContext{log: testkit.Logger(t).With().Str("connector", "mm2").Int("task", 0).Logger(), offsets: offsets}
}

func (c *testTaskContext) Offsets() connect.OffsetReader { return c.offsets }
func (c *testTaskContext) Logger() zerolog.Logger        { return c.log }

// mapOffsetReader serves stored offsets keyed by "topic-partition" for one
// source cluster, and rejects source partitions not shaped as MirrorMaker's.
type mapOffsetReader struct {
	cluster string
	offsets map[string]int64
}

func (r mapOffsetReader) Offset(ctx context.Context, p map[string]any) (map[string]any, error) {
	if len(p) != 3 || p["cluster"] != r.cluster {
		return nil, fmt.Errorf("unexpected source partition %v", p)
	}
	topic, ok1 := p["topic"].(string)
	part, ok2 := p["partition"].(int)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("unexpected source partition types %#v", p)
	}
	if off, ok := r.offsets[fmt.Sprintf("%s-%d", topic, part)]; ok {
		return map[string]any{"offset": off}, nil
	}
	return nil, nil
}

func (r mapOffsetReader) Offsets(ctx context.Context, ps []map[string]any) ([]map[string]any, error) {
	out := make([]map[string]any, len(ps))
	for i, p := range ps {
		o, err := r.Offset(ctx, p)
		if err != nil {
			return nil, err
		}
		out[i] = o
	}
	return out, nil
}

func bootstrap(c *testkit.Cluster) string { return strings.Join(c.Addrs(), ",") }

// baseProps is a connector config for a flow source -> target.
func baseProps(src, tgt *testkit.Cluster) map[string]string {
	return map[string]string{
		"name":                             "mm2",
		"connector.class":                  SourceConnectorClass,
		"source.cluster.alias":             "source",
		"target.cluster.alias":             "target",
		"source.cluster.bootstrap.servers": bootstrap(src),
		"target.cluster.bootstrap.servers": bootstrap(tgt),
		"replication.factor":               "1",
		"admin.timeout.ms":                 "10000",
		"consumer.poll.timeout.ms":         "200",
		"some.unknown.key":                 "kept",
	}
}

func clientConfig(t *testing.T, c *testkit.Cluster) *kafkaclient.Config {
	t.Helper()
	kc, err := kafkaclient.Parse(map[string]string{"bootstrap.servers": bootstrap(c)})
	if err != nil {
		t.Fatal(err)
	}
	return kc
}

func newAdmin(t *testing.T, c *testkit.Cluster) sarama.ClusterAdmin {
	t.Helper()
	kc := clientConfig(t, c)
	a, err := sarama.NewClusterAdmin(kc.Brokers, kc.Sarama)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a
}

func createTopics(t *testing.T, a sarama.ClusterAdmin, topics map[string]int32) {
	t.Helper()
	for name, n := range topics {
		if err := a.CreateTopic(name, &sarama.TopicDetail{NumPartitions: n, ReplicationFactor: 1}, false); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
	}
}

// topicCounts lists a cluster's topics with partition counts and replica
// counts of partition 0.
func topicCounts(t *testing.T, a sarama.ClusterAdmin) (partitions map[string]int32, replicas map[string]int) {
	t.Helper()
	md, err := a.DescribeTopics(nil)
	if err != nil {
		t.Fatal(err)
	}
	partitions, replicas = map[string]int32{}, map[string]int{}
	for _, tm := range md {
		partitions[tm.Name] = int32(len(tm.Partitions))
		for _, p := range tm.Partitions {
			if p.ID == 0 {
				replicas[tm.Name] = len(p.Replicas)
			}
		}
	}
	return partitions, replicas
}

func newProducer(t *testing.T, c *testkit.Cluster) sarama.SyncProducer {
	t.Helper()
	kc := clientConfig(t, c)
	kc.Sarama.Producer.Return.Successes = true
	kc.Sarama.Producer.RequiredAcks = sarama.WaitForAll
	kc.Sarama.Producer.Partitioner = sarama.NewManualPartitioner
	p, err := sarama.NewSyncProducer(kc.Brokers, kc.Sarama)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func send(t *testing.T, p sarama.SyncProducer, msgs ...*sarama.ProducerMessage) {
	t.Helper()
	for _, m := range msgs {
		if _, _, err := p.SendMessage(m); err != nil {
			t.Fatalf("produce to %s-%d: %v", m.Topic, m.Partition, err)
		}
	}
}

// silentAddr returns a loopback address that accepts connections and never
// answers, like a broker behind a black hole.
func silentAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return l.Addr().String()
}
