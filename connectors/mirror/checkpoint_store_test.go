package mirror

import (
	"context"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
	"github.com/ferrykafka/ferry/test/testkit"
)

// TestCheckpointStoreLoad reads a checkpoints topic written the way a
// worker with exactly-once support writes it (in transactions, so the log
// ends with a transaction marker), with records to ignore.
func TestCheckpointStoreLoad(t *testing.T) {
	tgt := testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, tgt), map[string]int32{testCheckpointsTopic: 1})
	kc := clientConfig(t, tgt)
	kc.Sarama.Producer.Idempotent = true
	kc.Sarama.Producer.RequiredAcks = sarama.WaitForAll
	kc.Sarama.Producer.Return.Successes = true
	kc.Sarama.Producer.Transaction.ID = "checkpoint-store-test"
	kc.Sarama.Net.MaxOpenRequests = 1
	p, err := sarama.NewSyncProducer(kc.Brokers, kc.Sarama)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })

	msg := func(cp mirrorclient.Checkpoint) *sarama.ProducerMessage {
		r, err := checkpointRecord(testCheckpointsTopic, cp, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return &sarama.ProducerMessage{Topic: testCheckpointsTopic, Partition: 0,
			Key: sarama.ByteEncoder(r.Key.([]byte)), Value: sarama.ByteEncoder(r.Value.([]byte))}
	}
	txn := func(commit bool, msgs ...*sarama.ProducerMessage) {
		t.Helper()
		if err := p.BeginTxn(); err != nil {
			t.Fatal(err)
		}
		send(t, p, msgs...)
		if commit {
			err = p.CommitTxn()
		} else {
			err = p.AbortTxn()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	committed := mirrorclient.Checkpoint{ConsumerGroupID: "app", Topic: "source.orders", Partition: 0, UpstreamOffset: 10, DownstreamOffset: 20, Metadata: "m"}
	aborted := committed
	aborted.UpstreamOffset, aborted.DownstreamOffset = 99, 99
	other := mirrorclient.Checkpoint{ConsumerGroupID: "app", Topic: "source.orders", Partition: 1, UpstreamOffset: 1, DownstreamOffset: 2}
	txn(true,
		msg(committed),
		msg(mirrorclient.Checkpoint{ConsumerGroupID: "not-mine", Topic: "source.orders", Partition: 0, UpstreamOffset: 1, DownstreamOffset: 1}),
		&sarama.ProducerMessage{Topic: testCheckpointsTopic, Partition: 0, Key: sarama.StringEncoder("junk"), Value: sarama.StringEncoder("x")},
		&sarama.ProducerMessage{Topic: testCheckpointsTopic, Partition: 0, Key: sarama.ByteEncoder(nil)}, // a tombstone
		msg(other))
	txn(false, msg(aborted))

	for _, tc := range []struct {
		isolation string
		want      mirrorclient.Checkpoint
	}{
		{"read_committed", committed},
		{"read_uncommitted", aborted}, // what Java's default consumer sees too
	} {
		t.Run(tc.isolation, func(t *testing.T) {
			logs, log := newLogCapture(t)
			s := newCheckpointStore([]string{"app", "idle"})
			props := map[string]string{"bootstrap.servers": bootstrap(tgt), "isolation.level": tc.isolation}
			if err := s.load(t.Context(), testCheckpointsTopic, props, log); err != nil {
				t.Fatal(err)
			}
			got := s.all()
			if len(got) != 1 || len(got["app"]) != 2 {
				t.Fatalf("loaded %v; want two checkpoints of app", got)
			}
			if cp := got["app"][mirrorclient.TopicPartition{Topic: "source.orders", Partition: 0}]; cp != tc.want {
				t.Errorf("source.orders-0: %v; want %v", cp, tc.want)
			}
			if cp := got["app"][mirrorclient.TopicPartition{Topic: "source.orders", Partition: 1}]; cp != other {
				t.Errorf("source.orders-1: %v; want %v", cp, other)
			}
			if len(logs.find("warn", "ignored invalid checkpoint record")) != 1 {
				t.Errorf("the undecodable record was not reported once")
			}
		})
	}

	// A topic that does not exist fails the load once the context ends,
	// without creating the topic.
	s := newCheckpointStore([]string{"app"})
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	if err := s.load(ctx, "absent.checkpoints.internal", map[string]string{"bootstrap.servers": bootstrap(tgt)}, testkit.Logger(t)); err == nil {
		t.Error("loading a missing topic succeeded")
	}
	if parts, _ := topicCounts(t, newAdmin(t, tgt)); parts["absent.checkpoints.internal"] != 0 {
		t.Error("loading created the missing topic")
	}
}
