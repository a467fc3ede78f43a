package mirror

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/test/testkit"
)

// readOffsetSyncs reads and decodes every record of partition 0 of topic.
func readOffsetSyncs(t *testing.T, c *testkit.Cluster, topic string) []offsetSync {
	t.Helper()
	kc := clientConfig(t, c)
	client, err := sarama.NewClient(kc.Brokers, kc.Sarama)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Close() }()
	end, err := client.GetOffset(topic, 0, sarama.OffsetNewest)
	if err != nil {
		t.Fatalf("end offset of %s: %v", topic, err)
	}
	if end == 0 {
		return nil
	}
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = consumer.Close() }()
	pc, err := consumer.ConsumePartition(topic, 0, sarama.OffsetOldest)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = pc.Close() }()
	var out []offsetSync
	timeout := time.NewTimer(10 * time.Second)
	defer timeout.Stop()
	for {
		select {
		case m := <-pc.Messages():
			s, err := decodeOffsetSync(m.Key, m.Value)
			if err != nil {
				t.Fatalf("%s offset %d: %v", topic, m.Offset, err)
			}
			out = append(out, s)
			if m.Offset+1 >= end {
				return out
			}
		case <-timeout.C:
			t.Fatalf("reading %s: %d of %d records", topic, len(out), end)
		}
	}
}

// syncsByPartition groups syncs by upstream partition, in topic order.
func syncsByPartition(syncs []offsetSync) map[topicPartition][]offsetSync {
	out := map[topicPartition][]offsetSync{}
	for _, s := range syncs {
		out[s.tp] = append(out[s.tp], s)
	}
	return out
}

// ackAtShift plays the runtime: every record is "written" downstream at
// shift[partition] + its upstream offset and acknowledged with
// CommitRecord.
func ackAtShift(t *testing.T, task *MirrorSourceTask, recs []*connect.SourceRecord, shift map[int32]int64) {
	t.Helper()
	for _, r := range recs {
		up := r.Offset()["offset"].(int64)
		meta := &connect.RecordMetadata{Topic: r.Topic, Partition: *r.Partition, Offset: shift[*r.Partition] + up}
		if err := task.CommitRecord(context.Background(), r, meta); err != nil {
			t.Fatal(err)
		}
	}
}

func produceSyncTestRecords(t *testing.T, c *testkit.Cluster, topic string, partitions int32, n int) {
	t.Helper()
	p := newProducer(t, c)
	for i := 0; i < n; i++ {
		for part := int32(0); part < partitions; part++ {
			send(t, p, &sarama.ProducerMessage{Topic: topic, Partition: part, Value: sarama.StringEncoder(fmt.Sprint(i))})
		}
	}
}

// TestTaskWritesOffsetSyncs: a task's CommitRecord and Commit write Java's
// offset syncs, by Java's rules, to partition 0 of the offset-syncs topic on
// the source cluster; Stop flushes them.
func TestTaskWritesOffsetSyncs(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	const syncsTopic = "mm2-offset-syncs.target.internal"
	createTopics(t, newAdmin(t, src), map[string]int32{"orders": 2, syncsTopic: 1})
	produceSyncTestRecords(t, src, "orders", 2, 10)

	props := taskProps(src, "orders-0,orders-1")
	props["offset.lag.max"] = "3"
	task := startTask(t, props, nil)
	recs := pollN(t, task, 20)
	ackAtShift(t, task, recs, map[int32]int64{0: 1000, 1: 2000})
	if err := task.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := task.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	// Stop flushed: everything is in the topic now.
	got := syncsByPartition(readOffsetSyncs(t, src, syncsTopic))
	// Lag 3: the first record, then every record 3 past the last sync + 1
	// (0, 4, 8), then the last one, delayed until the commit.
	want := map[topicPartition][]offsetSync{
		{"orders", 0}: {mkSync("orders", 0, 0, 1000), mkSync("orders", 0, 4, 1004), mkSync("orders", 0, 8, 1008), mkSync("orders", 0, 9, 1009)},
		{"orders", 1}: {mkSync("orders", 1, 0, 2000), mkSync("orders", 1, 4, 2004), mkSync("orders", 1, 8, 2008), mkSync("orders", 1, 9, 2009)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("offset syncs:\n got %v\nwant %v", got, want)
	}

	// Acknowledgements arriving after Stop (the runtime stops the task
	// before closing its producer) are ignored.
	ackAtShift(t, task, recs[:1], map[int32]int64{0: 5000, 1: 5000})
	if err := task.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestTaskOffsetSyncsOnTarget: offset-syncs.topic.location=target writes
// mm2-offset-syncs.<source>.internal on the target cluster.
func TestTaskOffsetSyncsOnTarget(t *testing.T) {
	src, tgt := testkit.NewCluster(t, 1), testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"orders": 1, "mm2-offset-syncs.target.internal": 1})
	createTopics(t, newAdmin(t, tgt), map[string]int32{"mm2-offset-syncs.source.internal": 1})
	produceSyncTestRecords(t, src, "orders", 1, 3)

	props := baseProps(src, tgt)
	props["task.assigned.partitions"] = "orders-0"
	props["task.index"] = "0"
	props["offset-syncs.topic.location"] = "target"
	task := startTask(t, props, nil)
	recs := pollN(t, task, 3)
	ackAtShift(t, task, recs, map[int32]int64{0: 10})
	if err := task.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		got := readOffsetSyncs(t, tgt, "mm2-offset-syncs.source.internal")
		want := []offsetSync{mkSync("orders", 0, 0, 10), mkSync("orders", 0, 2, 12)}
		if !reflect.DeepEqual(got, want) {
			return fmt.Errorf("syncs on target %v; want %v", got, want)
		}
		return nil
	})
	if got := readOffsetSyncs(t, src, "mm2-offset-syncs.target.internal"); len(got) != 0 {
		t.Errorf("syncs on the source cluster: %v", got)
	}
}

// TestTaskOffsetSyncsDisabled: emit.offset-syncs.enabled=false means no
// producer and no syncs, and the connector does not create the topic.
func TestTaskOffsetSyncsDisabled(t *testing.T) {
	src, tgt := testkit.NewCluster(t, 1), testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"orders": 1})
	produceSyncTestRecords(t, src, "orders", 1, 2)

	props := baseProps(src, tgt)
	props["emit.offset-syncs.enabled"] = "false"
	props["offset-syncs.topic.replication.factor"] = "1"
	c, _ := startConnector(t, props)
	defer func() { _ = c.Stop(context.Background()) }()
	for _, cl := range []*testkit.Cluster{src, tgt} {
		parts, _ := topicCounts(t, newAdmin(t, cl))
		for topic := range parts {
			if strings.HasPrefix(topic, "mm2-offset-syncs") {
				t.Errorf("the connector created %s with emit.offset-syncs.enabled=false", topic)
			}
		}
	}

	props["task.assigned.partitions"] = "orders-0"
	props["task.index"] = "0"
	task := startTask(t, props, nil)
	if task.offsetSyncs != nil {
		t.Fatal("the task has an offset-syncs writer")
	}
	recs := pollN(t, task, 2)
	ackAtShift(t, task, recs, nil)
	if err := task.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// syncLogBuffer is a zerolog sink tests read while the task writes to it.
type syncLogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncLogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncLogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestTaskOffsetSyncsClusterUnreachable: replication does not wait for the
// offset-syncs cluster; the producer keeps trying to connect and says so,
// and Stop returns promptly.
func TestTaskOffsetSyncsClusterUnreachable(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"orders": 1})
	produceSyncTestRecords(t, src, "orders", 1, 3)

	props := baseProps(src, src)
	props["target.cluster.bootstrap.servers"] = testkit.ClosedAddr(t)
	props["offset-syncs.topic.location"] = "target"
	props["task.assigned.partitions"] = "orders-0"
	props["task.index"] = "0"
	logs := &syncLogBuffer{}
	task := NewMirrorSourceTask()
	tctx := &testTaskContext{log: zerolog.New(logs), offsets: mapOffsetReader{cluster: "source"}}
	if err := task.Start(context.Background(), tctx, props); err != nil {
		t.Fatalf("Start: %v", err)
	}
	stopped := false
	defer func() {
		if !stopped {
			_ = task.Stop(context.Background())
		}
	}()
	recs := pollN(t, task, 3)
	ackAtShift(t, task, recs, map[int32]int64{0: 0})
	if err := task.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		if !strings.Contains(logs.String(), "cannot connect the offset-syncs producer") {
			return fmt.Errorf("no warning about the offset-syncs producer in %s", logs)
		}
		return nil
	})
	for _, want := range []string{`"cluster":"target"`, `"offset_syncs_topic":"mm2-offset-syncs.source.internal"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the warning does not say %s: %s", want, logs)
		}
	}
	began := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = task.Stop(ctx)
	stopped = true
	if d := time.Since(began); d > 4*time.Second {
		t.Errorf("Stop took %v", d)
	}
}
