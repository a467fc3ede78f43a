package kafkalog

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ferrykafka/ferry/test/testkit"
)

// A log that creates its topic knows it is empty: Start neither lists its
// offsets nor waits for its partitions to answer, which a broker's new
// partitions do only a moment after CreateTopics returns. Reading and
// writing then wait for them; a second instance, on the topic that now
// exists, reads it to the end at Start as before.
func TestStartOfCreatedTopicSkipsTheInitialRead(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	// Until the fault is removed the topic's partitions answer ListOffsets
	// with NOT_LEADER_OR_FOLLOWER, as a broker's new partitions do while it
	// sets up their logs.
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
	if err := l.Send(ctx, []byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	read := make(chan error, 1)
	go func() { read <- l.ReadToEnd(ctx) }()
	// ReadToEnd keeps asking while the partitions are not ready...
	if err := notReady.Wait(ctx, 3); err != nil {
		t.Fatalf("ReadToEnd did not retry the partitions that were not ready: %v", err)
	}
	select {
	case err := <-read:
		t.Fatalf("ReadToEnd returned (%v) while the partitions could not answer", err)
	default:
	}
	// ...and completes once they are.
	notReady.Remove()
	if err := <-read; err != nil {
		t.Fatal(err)
	}
	if _, st := seen.snapshot(); st["k"] != "v" {
		t.Fatalf("state after ReadToEnd = %v, want k=v", st)
	}

	again := newCollector()
	startLog(t, cl, Config{Topic: "fresh", Partitions: 5, ReplicationFactor: 1}, again)
	if recs, _ := again.snapshot(); len(recs) != 1 || string(recs[0].Value) != "v" {
		t.Fatalf("an instance on the existing topic read %d records at Start, want the 1 written", len(recs))
	}
}
