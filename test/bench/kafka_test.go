package bench

import (
	"context"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/test/testkit"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// The first record in a target topic counts as soon as its partition
// answers, while partitions the broker has not set up yet answer
// NOT_LEADER_OR_FOLLOWER (as a real broker does for a topic created a
// moment ago); RecordCount, which wants all of them, fails meanwhile.
func TestRecordsSoFarCountsThePartitionsThatAnswer(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	client, err := NewClient(cl.Addrs(), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	if n, err := RecordsSoFar(ctx, client, "target"); err != nil || n != 0 {
		t.Fatalf("RecordsSoFar of a topic that does not exist: %d, %v; want 0, nil", n, err)
	}
	if err := CreateTopic(ctx, client, "target", 4); err != nil {
		t.Fatal(err)
	}
	for _, p := range []int32{0, 2, 2} {
		if err := client.ProduceSync(ctx, &kgo.Record{Topic: "target", Partition: p, Value: []byte("v")}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := RecordsSoFar(ctx, client, "target"); err != nil || n != 3 {
		t.Fatalf("RecordsSoFar with every partition answering: %d, %v; want 3, nil", n, err)
	}

	cl.Kfake().Fault(kfake.Fault{
		Keys: []kmsg.Key{kmsg.ListOffsets}, Topic: "target", Partitions: []int32{2, 3}, Err: kerr.NotLeaderForPartition, Count: -1,
	})
	if n, err := RecordsSoFar(ctx, client, "target"); err != nil || n != 1 {
		t.Fatalf("RecordsSoFar with partitions 2 and 3 not set up: %d, %v; want 1 (partition 0's record), nil", n, err)
	}
	short, cancelShort := context.WithTimeout(ctx, 2*time.Second)
	defer cancelShort()
	if n, err := RecordCount(short, client, "target", 4); err == nil {
		t.Fatalf("RecordCount with partitions 2 and 3 not set up: %d, nil; want an error", n)
	}
}

// WarmBroker goes through a topic's creation, produce, a group's join,
// fetch and commit, and leaves nothing behind.
func TestWarmBrokerLeavesNoTopic(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := WarmBroker(ctx, cl.Addrs()); err != nil {
		t.Fatalf("WarmBroker: %v", err)
	}
	client, err := NewClient(cl.Addrs())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	req := kmsg.NewPtrMetadataRequest()
	resp, err := req.RequestWith(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	for _, topic := range resp.Topics {
		if topic.Topic != nil && *topic.Topic == "ferry-bench-warm-up" {
			t.Fatal("the warm-up topic is still there")
		}
	}
	groups := kmsg.NewPtrListGroupsRequest()
	gr, err := groups.RequestWith(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, g := range gr.Groups {
		found = found || g.Group == "ferry-bench-warm-up"
	}
	if !found {
		t.Fatal("the warm-up group never committed (ListGroups does not list it)")
	}
}
