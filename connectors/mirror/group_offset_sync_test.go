package mirror

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"testing"

	"github.com/IBM/sarama"
)

// idleHandler holds its claims without consuming, until the session ends.
type idleHandler struct{}

func (idleHandler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (idleHandler) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (idleHandler) ConsumeClaim(s sarama.ConsumerGroupSession, _ sarama.ConsumerGroupClaim) error {
	<-s.Context().Done()
	return nil
}

// joinGroup makes a consumer of group on topic join the cluster's group and
// stay in it until the returned function is called.
func joinGroup(t *testing.T, f *checkpointFixture, group, topic string) (leave func()) {
	t.Helper()
	kc := clientConfig(t, f.tgt)
	kc.Sarama.Consumer.Offsets.Initial = sarama.OffsetOldest
	cg, err := sarama.NewConsumerGroup(kc.Brokers, group, kc.Sarama)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			if err := cg.Consume(ctx, []string{topic}, idleHandler{}); err != nil && ctx.Err() == nil {
				t.Logf("consumer group %s: %v", group, err)
				return
			}
		}
	}()
	var once sync.Once
	leave = func() {
		once.Do(func() {
			cancel()
			_ = cg.Close()
			wg.Wait()
		})
	}
	t.Cleanup(leave)
	waitUntil(t, func() error {
		descs, err := f.tgtAdmin.DescribeConsumerGroups([]string{group})
		if err != nil {
			return err
		}
		if len(descs) != 1 || descs[0].State != "Stable" {
			return fmt.Errorf("group %s not stable yet: %+v", group, descs)
		}
		return nil
	})
	return leave
}

func TestGroupOffsetSync(t *testing.T) {
	f := newCheckpointFixture(t, true)
	createTopics(t, f.srcAdmin, map[string]int32{"gone": 1}) // never replicated to the target
	writeOffsetSyncs(t, f.srcProducer,
		offsetSyncOf("orders", 0, 0, 0), offsetSyncOf("orders", 0, 10, 20),
		offsetSyncOf("orders", 1, 5, 7),
		offsetSyncOf("gone", 0, 0, 0))
	for _, g := range []string{"fresh", "idle", "busy"} {
		commitOffsets(t, f.srcAdmin, g, map[string]map[int32]int64{"orders": {0: 10, 1: 8}, "gone": {0: 3}})
	}
	// On the target, "idle" already consumed partition 0 further than the
	// source did, partition 1 less; "busy" has a consumer running.
	commitOffsets(t, f.tgtAdmin, "idle", map[string]map[int32]int64{"source.orders": {0: 50, 1: 2}})
	leaveBusy := joinGroup(t, f, "busy", "source.orders")

	f.props["sync.group.offsets.enabled"] = "true"
	f.props["sync.group.offsets.interval.seconds"] = "1"
	logs, log := newLogCapture(t)
	task := startCheckpointTask(t, f.props, log, "busy", "fresh", "idle")
	if recs := emitRound(t, task); len(recs) != 9 {
		t.Fatalf("%d checkpoints; want 3 per group", len(recs))
	}

	want := map[string]int64{"source.orders-0": 20, "source.orders-1": 8}
	waitUntil(t, func() error {
		if got := groupOffsetsOf(t, f.tgtAdmin, "fresh"); !maps.Equal(got, want) {
			return fmt.Errorf("fresh group on the target: %v; want %v", got, want)
		}
		return nil
	})
	if len(logs.find("info", "created consumer group on the target cluster")) != 1 {
		t.Error("creating the group was not said once at INFO")
	}
	// An Empty group only moves forward. It is synced after "fresh" in the
	// same pass, so it may not be there yet when "fresh" is.
	waitUntil(t, func() error {
		if got, want := groupOffsetsOf(t, f.tgtAdmin, "idle"), map[string]int64{"source.orders-0": 50, "source.orders-1": 8}; !maps.Equal(got, want) {
			return fmt.Errorf("idle group on the target: %v; want %v", got, want)
		}
		return nil
	})

	// The active group is left alone, said once at INFO, then at DEBUG.
	activeMsg := "consumer group has active members on the target cluster"
	waitUntil(t, func() error {
		if n := len(logs.find("debug", activeMsg)); n < 2 {
			return fmt.Errorf("%d passes skipped the busy group at DEBUG", n)
		}
		return nil
	})
	info := logs.find("info", activeMsg)
	if len(info) != 1 || info[0]["group"] != "busy" || info[0]["state"] != "Stable" {
		t.Errorf("INFO lines about the active group: %v", info)
	}
	if got := groupOffsetsOf(t, f.tgtAdmin, "busy"); got["source.orders-0"] == 20 || got["source.orders-1"] == 8 {
		t.Errorf("offsets written to a group with active members: %v", got)
	}

	// Once its consumers leave, the group is synced again.
	leaveBusy()
	waitUntil(t, func() error {
		if got := groupOffsetsOf(t, f.tgtAdmin, "busy"); !maps.Equal(got, want) {
			return fmt.Errorf("busy group after its consumer left: %v; want %v", got, want)
		}
		return nil
	})
	if len(logs.find("info", "no active members on the target cluster any more")) != 1 {
		t.Error("the group becoming idle again was not said at INFO")
	}
	// Partitions of topics missing on the target were never written.
	for _, g := range []string{"fresh", "idle", "busy"} {
		if _, ok := groupOffsetsOf(t, f.tgtAdmin, g)["source.gone-0"]; ok {
			t.Errorf("group %s got an offset for a topic the target does not have", g)
		}
	}
	if warns := logs.find("warn"); len(warns) > 0 {
		t.Errorf("warnings: %v", warns)
	}
}
