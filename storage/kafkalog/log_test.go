package kafkalog

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/test/testkit"
)

func baseConfig(t *testing.T, brokers []string) *sarama.Config {
	t.Helper()
	c, err := kafkaclient.Parse(map[string]string{"bootstrap.servers": strings.Join(brokers, ",")})
	if err != nil {
		t.Fatal(err)
	}
	return c.Sarama
}

// collector records what a log hands to onRecord.
type collector struct {
	mu      sync.Mutex
	records []*sarama.ConsumerMessage
	state   map[string][]byte // latest value per key, tombstones delete
}

func newCollector() *collector { return &collector{state: map[string][]byte{}} }

func (c *collector) onRecord(m *sarama.ConsumerMessage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.records = append(c.records, m)
	if m.Value == nil {
		delete(c.state, string(m.Key))
	} else {
		c.state[string(m.Key)] = m.Value
	}
}

func (c *collector) snapshot() ([]*sarama.ConsumerMessage, map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := map[string]string{}
	for k, v := range c.state {
		st[k] = string(v)
	}
	return append([]*sarama.ConsumerMessage(nil), c.records...), st
}

func startLog(t *testing.T, cl *testkit.Cluster, cfg Config, c *collector) *Log {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	l := New(cl.Addrs(), baseConfig(t, cl.Addrs()), cfg, c.onRecord, testkit.Logger(t))
	if err := l.Start(ctx); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := l.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return l
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func newAdmin(t *testing.T, cl *testkit.Cluster) sarama.ClusterAdmin {
	t.Helper()
	admin, err := sarama.NewClusterAdmin(cl.Addrs(), baseConfig(t, cl.Addrs()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	return admin
}

func topicPolicy(t *testing.T, admin sarama.ClusterAdmin, topic string) string {
	t.Helper()
	entries, err := kafkaclient.DescribeTopicConfig(admin, topic)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name == "cleanup.policy" {
			return e.Value
		}
	}
	return ""
}

func TestStartCreatesCompactedTopic(t *testing.T) {
	cl := testkit.NewCluster(t, 3)
	l := startLog(t, cl, Config{
		Topic: "connect-offsets", Partitions: 3, ReplicationFactor: 3,
		// A user-supplied policy is overridden, as in Java.
		TopicConfigs: map[string]string{"cleanup.policy": "delete", "min.insync.replicas": "2"},
	}, newCollector())
	if l.PartitionCount() != 3 {
		t.Fatalf("partitions = %d", l.PartitionCount())
	}
	admin := newAdmin(t, cl)
	if p := topicPolicy(t, admin, "connect-offsets"); p != "compact" {
		t.Fatalf("cleanup.policy = %q", p)
	}
	md, err := admin.DescribeTopics([]string{"connect-offsets"})
	if err != nil || len(md) != 1 || len(md[0].Partitions) != 3 || len(md[0].Partitions[0].Replicas) != 3 {
		t.Fatalf("metadata = %+v, %v", md, err)
	}
}

func TestStartWithBrokerDefaults(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	l := startLog(t, cl, Config{Topic: "t", Partitions: -1, ReplicationFactor: -1}, newCollector())
	if l.PartitionCount() < 1 {
		t.Fatalf("partitions = %d", l.PartitionCount())
	}
}

func TestStartAcceptsExistingCompactTopic(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	compact := "compact"
	if err := newAdmin(t, cl).CreateTopic("existing", &sarama.TopicDetail{NumPartitions: 2, ReplicationFactor: 1,
		ConfigEntries: map[string]*string{"cleanup.policy": &compact}}, false); err != nil {
		t.Fatal(err)
	}
	l := startLog(t, cl, Config{Topic: "existing", Partitions: 5, ReplicationFactor: 1}, newCollector())
	if l.PartitionCount() != 2 {
		t.Fatalf("partitions = %d, want the existing 2", l.PartitionCount())
	}
}

func TestStartRefusesNonCompactTopic(t *testing.T) {
	for _, policy := range []string{"delete", "compact,delete"} {
		t.Run(policy, func(t *testing.T) {
			cl := testkit.NewCluster(t, 1)
			p := policy
			if err := newAdmin(t, cl).CreateTopic("connect-status", &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1,
				ConfigEntries: map[string]*string{"cleanup.policy": &p}}, false); err != nil {
				t.Fatal(err)
			}
			l := New(cl.Addrs(), baseConfig(t, cl.Addrs()), Config{
				Topic: "connect-status", Partitions: 5, ReplicationFactor: 1,
				WorkerTopicConfig: "status.storage.topic", TopicPurpose: "connector and task statuses",
			}, nil, testkit.Logger(t))
			err := l.Start(ctxT(t))
			var pe *PolicyError
			if !errors.As(err, &pe) || pe.Topic != "connect-status" || pe.Policy != policy {
				t.Fatalf("err = %v", err)
			}
			want := "Topic 'connect-status' supplied via the 'status.storage.topic' property is required to have " +
				"'cleanup.policy=compact' to guarantee consistency and durability of connector and task statuses, but found " +
				"the topic currently has 'cleanup.policy=" + policy + "'."
			if !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("message:\n%s\nwant prefix\n%s", err, want)
			}
			if err := sendOnce(l); !errors.Is(err, ErrClosed) {
				t.Fatalf("send after failed start: %v", err)
			}
		})
	}
}

// sendOnce sends one record and returns its completion (or gives up).
func sendOnce(l *Log) error {
	ch := make(chan error, 1)
	l.SendAsync([]byte("k"), []byte("v"), func(err error) { ch <- err })
	select {
	case err := <-ch:
		return err
	case <-time.After(5 * time.Second):
		return errors.New("no completion")
	}
}

func TestReadToEndAndTailAcrossInstances(t *testing.T) {
	cl := testkit.NewCluster(t, 3)
	cfg := Config{Topic: "log", Partitions: 4, ReplicationFactor: 1}
	writerSeen := newCollector()
	w := startLog(t, cl, cfg, writerSeen)
	ctx := ctxT(t)
	for i := 0; i < 40; i++ {
		if err := w.Send(ctx, []byte(fmt.Sprintf("k%d", i%10)), []byte(fmt.Sprintf("v%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Send(ctx, []byte("k3"), nil); err != nil { // tombstone
		t.Fatal(err)
	}
	if err := w.ReadToEnd(ctx); err != nil {
		t.Fatal(err)
	}
	_, st := writerSeen.snapshot()
	if len(st) != 9 || st["k9"] != "v39" || st["k0"] != "v30" {
		t.Fatalf("writer state = %v", st)
	}

	// A fresh instance has everything once Start returns.
	readerSeen := newCollector()
	r := startLog(t, cl, cfg, readerSeen)
	recs, st2 := readerSeen.snapshot()
	if len(recs) != 41 || len(st2) != 9 {
		t.Fatalf("reader got %d records, state %v", len(recs), st2)
	}
	last := map[int32]int64{}
	for _, m := range recs {
		if want := kafkaclient.KeyPartition(m.Key, 4); m.Partition != want {
			t.Errorf("key %s in partition %d, murmur2 says %d", m.Key, m.Partition, want)
		}
		if prev, ok := last[m.Partition]; ok && m.Offset <= prev {
			t.Errorf("partition %d: offset %d after %d", m.Partition, m.Offset, prev)
		}
		last[m.Partition] = m.Offset
	}
	var lastK3 *sarama.ConsumerMessage
	for _, m := range recs {
		if string(m.Key) == "k3" {
			lastK3 = m
		}
	}
	if lastK3 == nil || lastK3.Value != nil {
		t.Errorf("last k3 record = %+v, want a tombstone (nil value)", lastK3)
	}

	// It keeps tailing what another instance writes.
	if err := w.Send(ctx, []byte("new"), []byte("x")); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		if _, st := readerSeen.snapshot(); st["new"] != "x" {
			return fmt.Errorf("tailing reader has not seen the new record")
		}
		return nil
	})
	// And ReadToEnd covers records written elsewhere.
	if err := w.Send(ctx, []byte("new2"), []byte("y")); err != nil {
		t.Fatal(err)
	}
	if err := r.ReadToEnd(ctx); err != nil {
		t.Fatal(err)
	}
	if _, st := readerSeen.snapshot(); st["new2"] != "y" {
		t.Fatal("ReadToEnd returned before the record was delivered")
	}
}

func TestReadToEndAfterCompaction(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	cfg := Config{Topic: "compacted", Partitions: 2, ReplicationFactor: 1}
	w := startLog(t, cl, cfg, newCollector())
	ctx := ctxT(t)
	for i := 0; i < 60; i++ {
		if err := w.Send(ctx, []byte(fmt.Sprintf("k%d", i%5)), []byte(fmt.Sprintf("v%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Send(ctx, []byte("k4"), nil); err != nil {
		t.Fatal(err)
	}
	// The last batch is never compacted; put a few more records behind it.
	for i := 0; i < 3; i++ {
		if err := w.Send(ctx, []byte("tail"), []byte(fmt.Sprintf("t%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	cl.Kfake().Compact()

	admin := newAdmin(t, cl)
	_ = admin // keep the cluster busy with an extra client, as a worker would
	c := newCollector()
	startLog(t, cl, cfg, c)
	recs, st := c.snapshot()
	want := map[string]string{"k0": "v55", "k1": "v56", "k2": "v57", "k3": "v58", "tail": "t2"}
	if fmt.Sprint(st) != fmt.Sprint(want) {
		t.Fatalf("state after compaction = %v, want %v", st, want)
	}
	if len(recs) >= 64 {
		t.Fatalf("read %d records: the topic was not compacted", len(recs))
	}
}

func TestReadToEndWhileCompactingInTheBackground(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	cfg := Config{Topic: "busy", Partitions: 1, ReplicationFactor: 1}
	w := startLog(t, cl, cfg, newCollector())
	c := newCollector()
	r := startLog(t, cl, cfg, c)
	ctx := ctxT(t)
	for round := 0; round < 5; round++ {
		for i := 0; i < 20; i++ {
			if err := w.Send(ctx, []byte(fmt.Sprintf("k%d", i%3)), []byte(fmt.Sprintf("%d-%d", round, i))); err != nil {
				t.Fatal(err)
			}
		}
		cl.Kfake().Compact()
		if err := r.ReadToEnd(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, st := c.snapshot(); st["k1"] != "4-19" && st["k1"] != "4-16" {
		t.Fatalf("state = %v", st)
	}
}

func TestUnreachableBootstrapFailsWithinDeadline(t *testing.T) {
	addr := testkit.ClosedAddr(t)
	l := New([]string{addr}, baseConfig(t, []string{addr}), Config{Topic: "t", Partitions: 1, ReplicationFactor: 1}, nil, testkit.Logger(t))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	began := time.Now()
	err := l.Start(ctx)
	if err == nil || !strings.Contains(err.Error(), "connect to bootstrap servers ["+addr+"]") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(began); d > 6*time.Second {
		t.Fatalf("Start took %v", d)
	}
	if err := l.Stop(ctx); err != nil {
		t.Fatalf("stop after failed start: %v", err)
	}
}

func TestBlackholedBootstrapHonoursContext(t *testing.T) {
	// A listener that accepts but never answers: sarama would wait for its
	// read timeout; Start must give up with the context.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	addr := ln.Addr().String()
	base := baseConfig(t, []string{addr})
	base.Net.ReadTimeout = 2 * time.Second
	base.Metadata.Retry.Max = 0
	l := New([]string{addr}, base, Config{Topic: "t", Partitions: 1, ReplicationFactor: 1}, nil, testkit.Logger(t))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	began := time.Now()
	if err := l.Start(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(began); d > 2*time.Second {
		t.Fatalf("Start took %v", d)
	}
	stopCtx, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	if err := l.Stop(stopCtx); err != nil {
		t.Fatalf("stop: %v", err)
	}
}

func TestClosedLog(t *testing.T) {
	l := New([]string{"127.0.0.1:1"}, nil, Config{Topic: "t", Partitions: 1, ReplicationFactor: 1}, nil, testkit.Logger(t))
	if err := sendOnce(l); !errors.Is(err, ErrClosed) {
		t.Fatalf("send before start: %v", err)
	}
	if err := l.ReadToEnd(ctxT(t)); !errors.Is(err, ErrClosed) {
		t.Fatalf("read to end before start: %v", err)
	}
	if err := l.Stop(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if err := l.Stop(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if err := l.Start(ctxT(t)); err == nil {
		t.Fatal("start after stop succeeded")
	}
}

func TestStopReportsSendsOfStoppedLog(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	l := New(cl.Addrs(), baseConfig(t, cl.Addrs()), Config{Topic: "t", Partitions: 1, ReplicationFactor: 1}, nil, testkit.Logger(t))
	if err := l.Start(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	results := 0
	for i := 0; i < 50; i++ {
		wg.Add(1)
		l.SendAsync([]byte("k"), []byte("v"), func(error) {
			mu.Lock()
			results++
			mu.Unlock()
			wg.Done()
		})
	}
	if err := l.Stop(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	wg.Wait() // every callback ran, success or not
	if err := sendOnce(l); !errors.Is(err, ErrClosed) {
		t.Fatalf("send after stop: %v", err)
	}
	if results != 50 {
		t.Fatalf("%d callbacks", results)
	}
}

func TestValidation(t *testing.T) {
	for _, cfg := range []Config{
		{Partitions: 1, ReplicationFactor: 1},
		{Topic: "t", Partitions: 0, ReplicationFactor: 1},
		{Topic: "t", Partitions: 1, ReplicationFactor: -2},
	} {
		l := New([]string{"127.0.0.1:1"}, nil, cfg, nil, testkit.Logger(t))
		if err := l.Start(ctxT(t)); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
}

func TestRetriable(t *testing.T) {
	for err, want := range map[error]bool{
		sarama.ErrNotLeaderForPartition:                        true,
		fmt.Errorf("wrapped: %w", sarama.ErrNotEnoughReplicas): true,
		sarama.ErrOutOfBrokers:                                 true,
		&net.OpError{Op: "dial", Err: errors.New("refused")}:   true,
		sarama.ErrMessageSizeTooLarge:                          false,
		sarama.ErrTopicAuthorizationFailed:                     false,
		ErrClosed:                                              false,
		errors.New("something else"):                           false,
	} {
		if got := Retriable(err); got != want {
			t.Errorf("Retriable(%v) = %v", err, got)
		}
	}
}
