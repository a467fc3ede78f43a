package kafkaclient_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/test/testkit"
)

func TestLeaderPoll(t *testing.T) {
	for n, want := range map[int]time.Duration{
		0: 20 * time.Millisecond, 24: 20 * time.Millisecond,
		25: 100 * time.Millisecond, 26: 200 * time.Millisecond, 27: 400 * time.Millisecond,
		28: 800 * time.Millisecond, 29: time.Second, 100: time.Second,
	} {
		if got := kafkaclient.LeaderPoll(n); got != want {
			t.Errorf("LeaderPoll(%d) = %v, want %v", n, got, want)
		}
	}
}

func leadersClient(t *testing.T, cl *testkit.Cluster) sarama.Client {
	t.Helper()
	kc, err := kafkaclient.Parse(map[string]string{"bootstrap.servers": strings.Join(cl.Addrs(), ",")})
	if err != nil {
		t.Fatal(err)
	}
	c, err := sarama.NewClient(cl.Addrs(), kc.Sarama)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// WaitForLeaders returns once every partition has a leader, however the
// metadata answered before, and leaves the client's metadata fresh.
func TestWaitForLeaders(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	client := leadersClient(t, cl)
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.CreateTopic("led", &sarama.TopicDetail{NumPartitions: 4, ReplicationFactor: 1}, false); err != nil {
		t.Fatal(err)
	}
	// The first two look-ups see partitions without a leader.
	leaderless := cl.Kfake().Fault(kfake.Fault{
		Keys: []kmsg.Key{kmsg.Metadata}, Topic: "led", Err: kerr.LeaderNotAvailable, Count: 2,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	parts, err := kafkaclient.WaitForLeaders(ctx, client, "led")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(parts, []int32{0, 1, 2, 3}) {
		t.Fatalf("partitions = %v, want 0..3", parts)
	}
	if n := leaderless.Hits(); n != 2 {
		t.Fatalf("%d leaderless answers were seen, want 2 (then a look-up that found the leaders)", n)
	}
	for _, p := range parts {
		if _, err := client.Leader("led", p); err != nil {
			t.Errorf("client has no leader for partition %d afterwards: %v", p, err)
		}
	}
}

// A topic that never shows up: the error, once the context ends, names the
// topic and what the broker said.
func TestWaitForLeadersGivesUpWithTheLastAnswer(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	client := leadersClient(t, cl)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := kafkaclient.WaitForLeaders(ctx, client, "missing")
	if err == nil {
		t.Fatal("WaitForLeaders of a topic that does not exist succeeded")
	}
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "missing") ||
		!strings.Contains(err.Error(), sarama.ErrUnknownTopicOrPartition.Error()) {
		t.Fatalf("error = %v; want the deadline, the topic and UNKNOWN_TOPIC_OR_PARTITION", err)
	}
}
