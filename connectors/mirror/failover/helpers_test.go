package failover

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
	"github.com/ferrykafka/ferry/test/testkit"
)

// wait is how long tests poll for a cluster-side condition.
const wait = 30 * time.Second

// kafka is a test's handle on one in-process cluster.
type kafka struct {
	t     *testing.T
	addrs string
	admin sarama.ClusterAdmin
}

func newKafka(t *testing.T) *kafka {
	t.Helper()
	c := testkit.NewCluster(t, 1)
	k := &kafka{t: t, addrs: strings.Join(c.Addrs(), ",")}
	admin, err := sarama.NewClusterAdmin(c.Addrs(), k.config())
	if err != nil {
		t.Fatalf("admin: %v", err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	k.admin = admin
	return k
}

func (k *kafka) config() *sarama.Config {
	sc := sarama.NewConfig()
	sc.Version = kafkaclient.Version
	sc.Producer.Return.Successes = true
	sc.Producer.RequiredAcks = sarama.WaitForAll
	return sc
}

func (k *kafka) props() map[string]string { return map[string]string{"bootstrap.servers": k.addrs} }

func (k *kafka) createTopic(name string, partitions int32, configs map[string]*string) {
	k.t.Helper()
	if err := k.admin.CreateTopic(name, &sarama.TopicDetail{NumPartitions: partitions, ReplicationFactor: 1, ConfigEntries: configs}, false); err != nil {
		k.t.Fatalf("create topic %s: %v", name, err)
	}
}

// commit commits offsets (topic -> partition -> offset) to group as an
// admin client does.
func (k *kafka) commit(group string, offsets map[string]map[int32]int64) {
	k.t.Helper()
	req := map[string]map[int32]sarama.OffsetAndMetadata{}
	for topic, parts := range offsets {
		req[topic] = map[int32]sarama.OffsetAndMetadata{}
		for p, o := range parts {
			req[topic][p] = sarama.OffsetAndMetadata{Offset: o, LeaderEpoch: -1}
		}
	}
	resp, err := k.admin.AlterConsumerGroupOffsets(group, req, nil)
	if err != nil {
		k.t.Fatalf("commit %s: %v", group, err)
	}
	for topic, parts := range resp.Errors {
		for p, kerr := range parts {
			if !errors.Is(kerr, sarama.ErrNoError) {
				k.t.Fatalf("commit %s %s-%d: %v", group, topic, p, kerr)
			}
		}
	}
}

// offsets returns group's committed offsets (topic-partition -> offset); a
// group that never committed has none.
func (k *kafka) offsets(group string) map[string]int64 {
	k.t.Helper()
	resp, err := k.admin.ListConsumerGroupOffsets(group, nil)
	if errors.Is(err, sarama.ErrGroupIDNotFound) {
		return map[string]int64{}
	}
	if err != nil {
		k.t.Fatalf("offsets of %s: %v", group, err)
	}
	out := map[string]int64{}
	for topic, blocks := range resp.Blocks {
		for p, b := range blocks {
			if b.Err == sarama.ErrNoError && b.Offset >= 0 {
				out[fmt.Sprintf("%s-%d", topic, p)] = b.Offset
			}
		}
	}
	return out
}

// writeCheckpoints produces checkpoint records, in order, to topic (created
// as MirrorCheckpointConnector creates it: one compacted partition).
func (k *kafka) writeCheckpoints(topic string, cps ...mirrorclient.Checkpoint) {
	k.t.Helper()
	compact := "compact"
	k.createTopic(topic, 1, map[string]*string{"cleanup.policy": &compact})
	k.appendCheckpoints(topic, cps...)
}

func (k *kafka) appendCheckpoints(topic string, cps ...mirrorclient.Checkpoint) {
	k.t.Helper()
	p, err := sarama.NewSyncProducer(strings.Split(k.addrs, ","), k.config())
	if err != nil {
		k.t.Fatalf("producer: %v", err)
	}
	defer func() { _ = p.Close() }()
	for _, cp := range cps {
		key, err := cp.RecordKey()
		if err != nil {
			k.t.Fatal(err)
		}
		value, err := cp.RecordValue()
		if err != nil {
			k.t.Fatal(err)
		}
		if _, _, err := p.SendMessage(&sarama.ProducerMessage{Topic: topic, Partition: 0,
			Key: sarama.ByteEncoder(key), Value: sarama.ByteEncoder(value)}); err != nil {
			k.t.Fatalf("produce checkpoint: %v", err)
		}
	}
}

// joinGroup starts a consumer group member of group on topics and waits
// until the group is Stable with it; the member leaves when the test ends.
func (k *kafka) joinGroup(group string, topics ...string) {
	k.t.Helper()
	cfg := k.config()
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cg, err := sarama.NewConsumerGroup(strings.Split(k.addrs, ","), group, cfg)
	if err != nil {
		k.t.Fatalf("consumer group: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			if err := cg.Consume(ctx, topics, idleHandler{}); err != nil && ctx.Err() == nil {
				k.t.Logf("consume: %v", err)
				return
			}
		}
	}()
	k.t.Cleanup(func() {
		cancel()
		wg.Wait()
		_ = cg.Close()
	})
	testkit.Eventually(k.t, wait, func() error {
		descs, err := k.admin.DescribeConsumerGroups([]string{group})
		if err != nil {
			return err
		}
		if len(descs) != 1 || descs[0].State != "Stable" || len(descs[0].Members) != 1 {
			return fmt.Errorf("group %s not Stable with one member: %+v", group, descs)
		}
		return nil
	})
}

// idleHandler claims partitions and consumes nothing.
type idleHandler struct{}

func (idleHandler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (idleHandler) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (idleHandler) ConsumeClaim(s sarama.ConsumerGroupSession, c sarama.ConsumerGroupClaim) error {
	for {
		select {
		case _, ok := <-c.Messages():
			if !ok {
				return nil
			}
		case <-s.Context().Done():
			return nil
		}
	}
}

// deadAddr returns a loopback address nothing listens on.

func i64(v int64) *int64 { return &v }

func fmtPtr(v *int64) string {
	if v == nil {
		return "nil"
	}
	return fmt.Sprint(*v)
}
