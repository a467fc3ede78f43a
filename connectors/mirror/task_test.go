package mirror

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/test/testkit"
)

// taskProps is a task config as MirrorSourceConnector.TaskConfigs writes it.
func taskProps(src *testkit.Cluster, partitions string) map[string]string {
	props := baseProps(src, src)
	props["task.assigned.partitions"] = partitions
	props["task.index"] = "0"
	return props
}

func startTask(t *testing.T, props map[string]string, offsets map[string]int64) *MirrorSourceTask {
	t.Helper()
	task := NewMirrorSourceTask()
	reader := mapOffsetReader{cluster: props["source.cluster.alias"], offsets: offsets}
	if err := task.Start(context.Background(), newTaskContext(t, reader), props); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = task.Stop(ctx)
	})
	return task
}

// pollN polls until n records arrived (failing on a Poll error) and returns
// them.
func pollN(t *testing.T, task *MirrorSourceTask, n int) []*connect.SourceRecord {
	t.Helper()
	var got []*connect.SourceRecord
	testkit.Eventually(t, 10*time.Second, func() error {
		recs, err := task.Poll(context.Background())
		if err != nil {
			t.Fatalf("Poll: %v", err)
		}
		got = append(got, recs...)
		if len(got) < n {
			return fmt.Errorf("%d of %d records", len(got), n)
		}
		return nil
	})
	if len(got) != n {
		t.Fatalf("got %d records; want %d", len(got), n)
	}
	return got
}

// upstreamOffsets returns "topic-partition@offset" of each record, in order.
func upstreamOffsets(recs []*connect.SourceRecord) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = fmt.Sprintf("%s-%d@%d", r.SourcePartition["topic"], r.SourcePartition["partition"], r.Offset()["offset"])
	}
	return out
}

func TestTaskCopiesRecords(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"orders": 2, "other": 1})
	p := newProducer(t, src)
	ts := time.UnixMilli(1_600_000_000_123)
	send(t, p,
		&sarama.ProducerMessage{Topic: "orders", Partition: 0, Key: sarama.ByteEncoder("k0"), Value: sarama.ByteEncoder("v0"),
			Timestamp: ts, Headers: []sarama.RecordHeader{{Key: []byte("h1"), Value: []byte("x")}, {Key: []byte("nil"), Value: nil}, {Key: []byte("empty"), Value: []byte{}}}},
		&sarama.ProducerMessage{Topic: "orders", Partition: 0, Value: sarama.ByteEncoder("no key"), Timestamp: ts.Add(time.Second)},
		&sarama.ProducerMessage{Topic: "orders", Partition: 1, Key: sarama.ByteEncoder("tombstone"), Timestamp: ts.Add(2 * time.Second)},
		&sarama.ProducerMessage{Topic: "other", Partition: 0, Value: sarama.ByteEncoder("not assigned")},
	)

	task := startTask(t, taskProps(src, "orders-0,orders-1"), nil)
	recs := pollN(t, task, 3)
	byOffset := map[string]*connect.SourceRecord{}
	for _, r := range recs {
		byOffset[fmt.Sprintf("%d@%d", *r.Partition, r.Offset()["offset"])] = r
	}

	r := byOffset["0@0"]
	if r == nil {
		t.Fatalf("no record for orders-0 offset 0 in %v", upstreamOffsets(recs))
	}
	if r.Topic != "source.orders" || *r.Partition != 0 {
		t.Errorf("record goes to %s-%d; want source.orders-0", r.Topic, *r.Partition)
	}
	if !bytes.Equal(r.Key.([]byte), []byte("k0")) || !bytes.Equal(r.Value.([]byte), []byte("v0")) {
		t.Errorf("key/value = %q/%q", r.Key, r.Value)
	}
	if r.KeySchema != connect.OptionalBytesSchema || r.ValueSchema != connect.BytesSchema {
		t.Errorf("schemas = %v / %v; want optional bytes", r.KeySchema, r.ValueSchema)
	}
	if !r.Timestamp.Equal(ts) {
		t.Errorf("timestamp = %v; want %v", r.Timestamp, ts)
	}
	wantPartition := map[string]any{"cluster": "source", "partition": 0, "topic": "orders"}
	if !reflect.DeepEqual(r.SourcePartition, wantPartition) {
		t.Errorf("source partition = %#v; want %#v", r.SourcePartition, wantPartition)
	}
	if !reflect.DeepEqual(r.Offset(), map[string]any{"offset": int64(0)}) {
		t.Errorf("source offset = %#v", r.Offset())
	}
	if len(r.Headers) != 3 {
		t.Fatalf("headers = %+v", r.Headers)
	}
	for i, want := range []struct {
		key   string
		value any
	}{{"h1", []byte("x")}, {"nil", nil}, {"empty", []byte{}}} {
		h := r.Headers[i]
		if h.Key != want.key || h.Schema != connect.OptionalBytesSchema || !reflect.DeepEqual(h.Value, want.value) {
			t.Errorf("header %d = %q %v %#v; want %q optional bytes %#v", i, h.Key, h.Schema, h.Value, want.key, want.value)
		}
	}

	if r := byOffset["0@1"]; r == nil || r.Key != nil || !bytes.Equal(r.Value.([]byte), []byte("no key")) || r.Headers != nil {
		t.Errorf("record without key = %+v", r)
	}
	if r := byOffset["1@0"]; r == nil || r.Value != nil || !bytes.Equal(r.Key.([]byte), []byte("tombstone")) ||
		!r.Timestamp.Equal(ts.Add(2*time.Second)) || r.SourcePartition["partition"] != 1 {
		t.Errorf("tombstone = %+v", r)
	}

	// Nothing more: Poll waits consumer.poll.timeout.ms and returns nil.
	began := time.Now()
	more, err := task.Poll(context.Background())
	if err != nil || more != nil {
		t.Fatalf("idle Poll = %v, %v", more, err)
	}
	if d := time.Since(began); d < 150*time.Millisecond || d > 2*time.Second {
		t.Errorf("idle Poll returned after %v; consumer.poll.timeout.ms is 200", d)
	}
}

func TestTaskResumesAfterStoredOffset(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"orders": 2})
	p := newProducer(t, src)
	for i := 0; i < 5; i++ {
		send(t, p, &sarama.ProducerMessage{Topic: "orders", Partition: 0, Value: sarama.StringEncoder(fmt.Sprint(i))})
	}
	send(t, p, &sarama.ProducerMessage{Topic: "orders", Partition: 1, Value: sarama.StringEncoder("p1")})

	// orders-0 replicated up to offset 2; orders-1 never: earliest.
	task := startTask(t, taskProps(src, "orders-0,orders-1"), map[string]int64{"orders-0": 2})
	got := upstreamOffsets(pollN(t, task, 3))
	for _, want := range []string{"orders-0@3", "orders-0@4", "orders-1@0"} {
		if !strings.Contains(strings.Join(got, " "), want) {
			t.Errorf("records %v lack %s", got, want)
		}
	}
}

func TestTaskStoredOffsetOutOfRangeUsesReset(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"orders": 1})
	p := newProducer(t, src)
	send(t, p, &sarama.ProducerMessage{Topic: "orders", Value: sarama.StringEncoder("a")},
		&sarama.ProducerMessage{Topic: "orders", Value: sarama.StringEncoder("b")})
	// A stored offset past the end (the source topic was recreated):
	// auto.offset.reset (earliest) applies, as with Java's consumer.
	task := startTask(t, taskProps(src, "orders-0"), map[string]int64{"orders-0": 100})
	if got := upstreamOffsets(pollN(t, task, 2)); !reflect.DeepEqual(got, []string{"orders-0@0", "orders-0@1"}) {
		t.Errorf("records %v", got)
	}
}

func TestTaskLatestSkipsExistingRecords(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"orders": 2})
	p := newProducer(t, src)
	for i := 0; i < 3; i++ {
		send(t, p, &sarama.ProducerMessage{Topic: "orders", Partition: 0, Value: sarama.StringEncoder("old")},
			&sarama.ProducerMessage{Topic: "orders", Partition: 1, Value: sarama.StringEncoder("old")})
	}
	props := taskProps(src, "orders-0,orders-1")
	props["source.consumer.auto.offset.reset"] = "latest"
	// A stored offset still wins over auto.offset.reset.
	task := startTask(t, props, map[string]int64{"orders-1": 0})

	send(t, p, &sarama.ProducerMessage{Topic: "orders", Partition: 0, Value: sarama.StringEncoder("new")},
		&sarama.ProducerMessage{Topic: "orders", Partition: 0, Value: sarama.StringEncoder("new")})
	got := upstreamOffsets(pollN(t, task, 4))
	want := map[string]bool{"orders-0@3": true, "orders-0@4": true, "orders-1@1": true, "orders-1@2": true}
	for _, g := range got {
		if !want[g] {
			t.Errorf("unexpected record %s (all: %v)", g, got)
		}
	}
}

func TestTaskAutoOffsetResetNone(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"orders": 1})
	props := taskProps(src, "orders-0")
	props["consumer.auto.offset.reset"] = "none"
	task := NewMirrorSourceTask()
	err := task.Start(context.Background(), newTaskContext(t, mapOffsetReader{cluster: "source"}), props)
	if err == nil || !strings.Contains(err.Error(), "orders-0") || !strings.Contains(err.Error(), "auto.offset.reset is none") {
		t.Fatalf("Start = %v; want an error naming the partition and auto.offset.reset", err)
	}
	_ = task.Stop(context.Background())
}

func TestTaskPollHonoursContext(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"orders": 1})
	props := taskProps(src, "orders-0")
	props["consumer.poll.timeout.ms"] = "60000"
	task := startTask(t, props, nil)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		recs, err := task.Poll(ctx)
		if recs != nil {
			err = fmt.Errorf("records %v", recs)
		}
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Poll after cancel: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Poll ignored its cancelled context")
	}
}

func TestTaskFatalConsumerErrorFailsPoll(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"secret": 1})
	task := startTask(t, taskProps(src, "secret-0"), nil)
	src.Kfake().Fault(kfake.Fault{
		Keys:  []kmsg.Key{kmsg.Fetch},
		Topic: "secret",
		Err:   kerr.TopicAuthorizationFailed,
		Count: -1,
	})
	var pollErr error
	testkit.Eventually(t, 10*time.Second, func() error {
		_, pollErr = task.Poll(context.Background())
		if pollErr == nil {
			return errors.New("Poll has not failed yet")
		}
		return nil
	})
	for _, w := range []string{"secret-0", `source cluster "source"`} {
		if !strings.Contains(pollErr.Error(), w) {
			t.Errorf("Poll error %q lacks %q", pollErr, w)
		}
	}
	if !errors.Is(pollErr, sarama.ErrTopicAuthorizationFailed) {
		t.Errorf("Poll error %v does not wrap TOPIC_AUTHORIZATION_FAILED", pollErr)
	}
	// The failure sticks.
	if _, err := task.Poll(context.Background()); err == nil {
		t.Error("second Poll succeeded")
	}
}

func TestTaskWithoutPartitions(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	props := taskProps(src, "")
	props["consumer.poll.timeout.ms"] = "10"
	task := startTask(t, props, nil)
	if recs, err := task.Poll(context.Background()); recs != nil || err != nil {
		t.Fatalf("Poll = %v, %v", recs, err)
	}
}

// A fetch.max.bytes and max.partition.fetch.bytes far below a record batch
// still copy every record of every partition, as with Java's consumer: the
// broker returns the first batch whatever the limits (KIP-74).
func TestTaskFetchLimitsBelowABatchCopyEverything(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"orders": 3})
	p := newProducer(t, src)
	value := bytes.Repeat([]byte("v"), 1000) // each batch is ten times fetch.max.bytes
	for part := int32(0); part < 3; part++ {
		for i := 0; i < 20; i++ {
			send(t, p, &sarama.ProducerMessage{Topic: "orders", Partition: part, Value: sarama.ByteEncoder(value)})
		}
	}
	props := taskProps(src, "orders-0,orders-1,orders-2")
	props["source.consumer.fetch.max.bytes"] = "100"
	props["source.consumer.max.partition.fetch.bytes"] = "100"
	got := upstreamOffsets(pollN(t, startTask(t, props, nil), 60))
	seen := map[string]bool{}
	for _, g := range got {
		seen[g] = true
	}
	for part := 0; part < 3; part++ {
		for i := 0; i < 20; i++ {
			if want := fmt.Sprintf("orders-%d@%d", part, i); !seen[want] {
				t.Errorf("record %s missing from %v", want, got)
			}
		}
	}
}
