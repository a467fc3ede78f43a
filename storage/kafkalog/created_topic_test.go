package kafkalog

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ferrykafka/ferry/test/testkit"
)

// A log that creates its topic knows it is empty and has the partitions it
// asked for: Start neither waits for their leaders nor lists their offsets,
// which a broker's new partitions show and answer only a moment after
// CreateTopics returns. Sends and ReadToEnd wait for them instead; a
// second instance, on the topic that now exists, reads it to the end at
// Start as before.
func TestStartOfCreatedTopicDoesNotWaitForItsPartitions(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	// Until the faults are removed the topic's partitions have no leader in
	// metadata and answer ListOffsets with NOT_LEADER_OR_FOLLOWER.
	leaderless := cl.Kfake().Fault(kfake.Fault{
		Keys: []kmsg.Key{kmsg.Metadata}, Topic: "fresh", Err: kerr.LeaderNotAvailable, Count: -1,
	})
	notReady := cl.Kfake().Fault(kfake.Fault{
		Keys: []kmsg.Key{kmsg.ListOffsets}, Topic: "fresh", Err: kerr.NotLeaderForPartition, Count: -1,
	})
	seen := newCollector()
	l := startLog(t, cl, Config{Topic: "fresh", Partitions: 5, ReplicationFactor: 1}, seen)
	if n := notReady.Hits(); n != 0 {
		t.Fatalf("Start of the topic it created listed its offsets %d times; want none", n)
	}
	if l.PartitionCount() != 5 {
		t.Fatalf("partitions = %d, want 5", l.PartitionCount())
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	first := make(chan error, 1)
	l.SendAsync([]byte("k"), []byte("v0"), func(err error) { first <- err })
	sent := make(chan error, 1)
	go func() { sent <- l.Send(ctx, []byte("k"), []byte("v")) }()
	// The sends wait while the partitions have no leader, and are written
	// once they have one.
	heldUntilRemoved(t, ctx, leaderless, sent, "Send")
	if err := <-first; err != nil {
		t.Fatalf("the first send failed: %v", err)
	}

	read := make(chan error, 1)
	go func() { read <- l.ReadToEnd(ctx) }()
	// ReadToEnd keeps asking while the partitions do not answer, and
	// completes once they do.
	heldUntilRemoved(t, ctx, notReady, read, "ReadToEnd")
	// In the order they were made.
	if recs, st := seen.snapshot(); st["k"] != "v" || len(recs) != 2 || string(recs[0].Value) != "v0" {
		t.Fatalf("read %d records, state %v after ReadToEnd; want v0 then v", len(recs), st)
	}

	again := newCollector()
	startLog(t, cl, Config{Topic: "fresh", Partitions: 5, ReplicationFactor: 1}, again)
	if recs, st := again.snapshot(); len(recs) != 2 || st["k"] != "v" {
		t.Fatalf("an instance on the existing topic read %d records at Start, want the 2 written", len(recs))
	}
}

// heldUntilRemoved checks that the call whose result done will carry is
// still waiting after fault has hit three requests, then removes fault
// and expects the call to succeed.
func heldUntilRemoved(t *testing.T, ctx context.Context, fault *kfake.FaultHandle, done <-chan error, call string) {
	t.Helper()
	if err := fault.Wait(ctx, 3); err != nil {
		t.Fatalf("%s: the faulted requests were not retried: %v", call, err)
	}
	select {
	case err := <-done:
		t.Fatalf("%s returned (%v) while the partitions were not ready", call, err)
	default:
	}
	fault.Remove()
	if err := <-done; err != nil {
		t.Fatalf("%s failed once the partitions were ready: %v", call, err)
	}
}

// A log stopped while it still waits for the leaders of the topic it
// created stops at once, and a send then fails rather than hang.
func TestStopWhileWaitingForLeaders(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	cl.Kfake().Fault(kfake.Fault{
		Keys: []kmsg.Key{kmsg.Metadata}, Topic: "never", Err: kerr.LeaderNotAvailable, Count: -1,
	})
	l := New(cl.Addrs(), baseConfig(t, cl.Addrs()), Config{Topic: "never", Partitions: 2, ReplicationFactor: 1}, nil, testkit.Logger(t))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := l.Start(ctx); err != nil {
		t.Fatal(err)
	}
	sent := make(chan error, 1)
	go func() { sent <- l.Send(ctx, []byte("k"), []byte("v")) }()
	if err := l.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-sent:
		if err == nil {
			t.Fatal("a send to a topic without leaders succeeded after Stop")
		}
	case <-ctx.Done():
		t.Fatal("a send waiting for the leaders did not end with Stop")
	}
}

// A topic another worker created a moment ago can be known to the
// controller (TOPIC_ALREADY_EXISTS) but not yet to the broker that answers
// DescribeConfigs (UNKNOWN_TOPIC_OR_PARTITION): Start asks again, verifies
// the policy once the broker knows the topic, and still refuses a
// non-compact one.
func TestStartVerifiesATopicTheBrokerLearnsLate(t *testing.T) {
	for _, policy := range []string{"compact", "delete"} {
		t.Run(policy, func(t *testing.T) {
			cl := testkit.NewCluster(t, 1)
			p := policy
			if err := newAdmin(t, cl).CreateTopic("late", &sarama.TopicDetail{NumPartitions: 2, ReplicationFactor: 1,
				ConfigEntries: map[string]*string{"cleanup.policy": &p}}, false); err != nil {
				t.Fatal(err)
			}
			unknown := cl.Kfake().Fault(kfake.Fault{
				Keys: []kmsg.Key{kmsg.DescribeConfigs}, Resource: "late", Err: kerr.UnknownTopicOrPartition, Count: 3,
			})
			l := New(cl.Addrs(), baseConfig(t, cl.Addrs()), Config{Topic: "late", Partitions: 2, ReplicationFactor: 1}, nil, testkit.Logger(t))
			t.Cleanup(func() { _ = l.Stop(context.Background()) })
			err := l.Start(ctxT(t))
			if n := unknown.Hits(); n != 3 {
				t.Fatalf("DescribeConfigs answered UNKNOWN_TOPIC_OR_PARTITION %d times, want 3 (then the real answer)", n)
			}
			var pe *PolicyError
			switch {
			case policy == "compact" && err != nil:
				t.Fatalf("start on a compact topic the broker learnt late: %v", err)
			case policy == "delete" && !errors.As(err, &pe):
				t.Fatalf("start on a delete topic the broker learnt late: %v, want a PolicyError", err)
			}
		})
	}
}

// The partitions of a topic the log created that have never answered
// cannot hold a record: ReadToEnd takes them as empty while their broker
// still says it is not their leader, rather than wait for it to set them
// up. A partition that did answer once is waited for again as any other.
func TestReadToEndOfCreatedTopicSkipsPartitionsNotSetUpYet(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	notSetUp := []int32{1, 2, 3}
	listing := cl.Kfake().Fault(kfake.Fault{
		Keys: []kmsg.Key{kmsg.ListOffsets}, Topic: "fresh", Partitions: notSetUp, Err: kerr.NotLeaderForPartition, Count: -1,
	})
	fetching := cl.Kfake().Fault(kfake.Fault{
		Keys: []kmsg.Key{kmsg.Fetch}, Topic: "fresh", Partitions: notSetUp, Err: kerr.NotLeaderForPartition, Count: -1,
	})
	l := startLog(t, cl, Config{Topic: "fresh", Partitions: 4, ReplicationFactor: 1}, newCollector())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := l.ReadToEnd(ctx); err != nil {
		t.Fatalf("ReadToEnd: %v", err)
	}
	if listing.Hits() == 0 {
		t.Fatal("ReadToEnd did not ask for the end offsets of the partitions not set up")
	}
	if l.fresh.emptyWhileNotReady(0, sarama.ErrNotLeaderForPartition) {
		t.Fatal("partition 0 answered, yet it still counts as never seen working")
	}

	// Partition 1 is set up and read; then its broker is not its leader.
	listing.Remove()
	fetching.Remove()
	testkit.Eventually(t, 10*time.Second, func() error {
		if l.fresh.emptyWhileNotReady(1, sarama.ErrNotLeaderForPartition) {
			return errors.New("partition 1 not read yet")
		}
		return nil
	})
	moved := cl.Kfake().Fault(kfake.Fault{
		Keys: []kmsg.Key{kmsg.ListOffsets}, Topic: "fresh", Partitions: []int32{1}, Err: kerr.NotLeaderForPartition, Count: -1,
	})
	read := make(chan error, 1)
	go func() { read <- l.ReadToEnd(ctx) }()
	heldUntilRemoved(t, ctx, moved, read, "ReadToEnd")
}
