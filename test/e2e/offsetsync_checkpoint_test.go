package e2e

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/test/kafkaharness"
	"github.com/ferrykafka/ferry/test/testkit"
)

// TestJavaCheckpointsFromFerryOffsetSyncs: Ferry's MirrorSourceConnector
// copies a topic and writes offset syncs; a Java MirrorCheckpointConnector
// (Kafka 4.3.1, in a Java Connect worker) reads them and translates
// consumer groups' committed offsets on the source into checkpoints on the
// target. Every checkpoint must carry the offset Java's OffsetSyncStore
// rules give for the syncs in the topic (connect-spec §4.6), which here
// also means: a group at the end of the topic lands at the end of the
// remote topic, a group at the last synced record lands on its copy. The
// remote topic starts with a few records, so downstream offsets are not
// upstream ones. It needs real Kafka and a JVM.
func TestJavaCheckpointsFromFerryOffsetSyncs(t *testing.T) {
	t.Parallel()
	kafkaharness.RequireKafka(t)
	var source, target testkit.Kafka
	if testkit.KafkaMode() == testkit.KafkaExternal {
		ks := testkit.StartKafkas(t, "source", "target")
		source, target = ks[0], ks[1]
	} else {
		cs := kafkaharness.StartClusters(t, []string{"source", "target"})
		source, target = cs[0], cs[1]
	}
	// Aliases of their own, so every topic is this test's even on a
	// shared cluster.
	srcAlias, tgtAlias := testkit.UniqueName("east"), testkit.UniqueName("west")
	topic := testkit.UniqueName("orders")
	remote := srcAlias + "." + topic
	syncsTopic := "mm2-offset-syncs." + tgtAlias + ".internal"
	checkpointsTopic := srcAlias + ".checkpoints.internal"
	const parts, perPartition = 2, 1000
	shift := map[int32]int64{0: 5, 1: 17}
	createTopic(t, source.Addrs(), topic, parts)
	createTopic(t, target.Addrs(), remote, parts)
	for p, n := range shift {
		produceTo(t, target.Addrs(), remote, p, int(n))
	}
	produce(t, source.Addrs(), topic, parts, 0, parts*perPartition)

	// Ferry copies the topic (offset.lag.max at its default, 100).
	ferry := startWorker(t, writeProps(t, workerProps(target.Addrs(), testkit.UniqueName("offsetsync-ferry"))))
	cfg := mirrorConfig(source.Addrs(), target.Addrs(), topic)
	cfg["source.cluster.alias"] = srcAlias
	cfg["target.cluster.alias"] = tgtAlias
	cfg["sync.topic.acls.enabled"] = "false"
	code, body := call(t, http.MethodPost, ferry.restURL()+"/connectors", map[string]any{"name": "mirror", "config": cfg})
	if code != http.StatusCreated {
		t.Fatalf("create MirrorSourceConnector on Ferry: %d %s", code, body)
	}
	_, tgt := saramaConfig(t, target.Addrs())
	testkit.Eventually(t, 120*time.Second, func() error {
		if n := endOffsets(t, tgt, remote); n < parts*perPartition+shift[0]+shift[1] {
			return fmt.Errorf("%d records on the target", n)
		}
		return nil
	})
	// The last record of each partition is synced at the next offset
	// commit; after that Ferry writes no more syncs.
	var syncs []offsetSyncRecord
	testkit.Eventually(t, 30*time.Second, func() error {
		syncs = readOffsetSyncs(t, source.Addrs(), syncsTopic)
		last := lastSyncs(syncs, topic)
		for p := int32(0); p < parts; p++ {
			if want := (offsetSyncRecord{topic, p, perPartition - 1, perPartition - 1 + shift[p]}); last[p] != want {
				return fmt.Errorf("partition %d: last sync %v; want %v", p, last[p], want)
			}
		}
		return nil
	})

	// Consumer groups on the source, committed at the end, at the last
	// record, in the middle and at the start.
	groups := map[string]map[int32]int64{
		testkit.UniqueName("end"):    {0: perPartition, 1: perPartition},
		testkit.UniqueName("last"):   {0: perPartition - 1, 1: perPartition - 1},
		testkit.UniqueName("middle"): {0: 537, 1: 250},
		testkit.UniqueName("start"):  {0: 0, 1: 1},
	}
	var names []string
	for g, offs := range groups {
		commitGroupOffsets(t, source.Addrs(), g, topic, offs)
		names = append(names, g)
	}
	sort.Strings(names)

	// What Java's OffsetSyncStore makes of these syncs.
	store := syncStore{}
	for _, s := range syncs {
		store.add(s)
	}
	want := map[string]int64{} // "group/partition" -> downstream offset
	for g, offs := range groups {
		for p, up := range offs {
			down, ok := store.translate(topic, p, up)
			if ok && down >= 0 {
				want[fmt.Sprintf("%s/%d", g, p)] = down
			}
		}
	}
	// Derived by hand as well: the end lands at the end of the remote
	// topic, the last record on its copy.
	for g, offs := range groups {
		for p, up := range offs {
			key := fmt.Sprintf("%s/%d", g, p)
			if up >= perPartition-1 && want[key] != up+shift[p] {
				t.Fatalf("the model translates %s@%d to %d; want %d", key, up, want[key], up+shift[p])
			}
		}
	}

	java := kafkaharness.StartConnectWorker(t, map[string]string{"bootstrap.servers": strings.Join(target.Addrs(), ",")})
	code, body = call(t, http.MethodPost, java.URL()+"/connectors", map[string]any{"name": "checkpoints", "config": map[string]string{
		"connector.class":                      "org.apache.kafka.connect.mirror.MirrorCheckpointConnector",
		"source.cluster.alias":                 srcAlias,
		"target.cluster.alias":                 tgtAlias,
		"source.cluster.bootstrap.servers":     strings.Join(source.Addrs(), ","),
		"target.cluster.bootstrap.servers":     strings.Join(target.Addrs(), ","),
		"topics":                               topic,
		"groups":                               strings.Join(names, ","),
		"emit.checkpoints.interval.seconds":    "1",
		"refresh.groups.interval.seconds":      "1",
		"checkpoints.topic.replication.factor": "1",
		"tasks.max":                            "1",
		"key.converter":                        "org.apache.kafka.connect.converters.ByteArrayConverter",
		"value.converter":                      "org.apache.kafka.connect.converters.ByteArrayConverter",
		"header.converter":                     "org.apache.kafka.connect.converters.ByteArrayConverter",
	}})
	if code != http.StatusCreated {
		t.Fatalf("create MirrorCheckpointConnector on Java: %d %s", code, body)
	}

	var got map[string]checkpointRecord
	testkit.Eventually(t, 120*time.Second, func() error {
		if err := runningStatus(t, java.URL(), "checkpoints", 1); err != nil {
			return err
		}
		if endOffsets(t, tgt, checkpointsTopic) == 0 {
			return fmt.Errorf("no checkpoints yet")
		}
		got = map[string]checkpointRecord{}
		for _, r := range readAll(t, target.Addrs(), checkpointsTopic)[0] {
			c, err := decodeCheckpointRecord(r.Key, r.Value)
			if err != nil {
				t.Fatalf("%s offset %d: %v", checkpointsTopic, r.Offset, err)
			}
			if c.Topic != remote {
				t.Fatalf("checkpoint for topic %q; want the remote topic %q: %+v", c.Topic, remote, c)
			}
			key := fmt.Sprintf("%s/%d", c.Group, c.Partition)
			if c.Upstream != groups[c.Group][c.Partition] {
				t.Fatalf("checkpoint %+v: upstream offset is not the group's %d", c, groups[c.Group][c.Partition])
			}
			if prev, ok := got[key]; ok && c.Downstream < prev.Downstream {
				t.Fatalf("checkpoint %s went back from %d to %d", key, prev.Downstream, c.Downstream)
			}
			got[key] = c
		}
		if len(got) != len(want) {
			return fmt.Errorf("%d checkpoints, want %d", len(got), len(want))
		}
		for key, down := range want {
			if c, ok := got[key]; !ok || c.Downstream != down {
				return fmt.Errorf("checkpoint %s: %+v; want downstream %d", key, c, down)
			}
		}
		return nil
	})
	for _, g := range names {
		for p := int32(0); p < parts; p++ {
			key := fmt.Sprintf("%s/%d", g, p)
			c, ok := got[key]
			if !ok {
				t.Logf("CHECKPOINT %s upstream %d: none (older than every sync kept)", key, groups[g][p])
				continue
			}
			t.Logf("CHECKPOINT %s upstream %d -> downstream %d (remote topic shifted by %d)", key, c.Upstream, c.Downstream, shift[p])
		}
	}
	t.Logf("OFFSET SYNCS read by Java (%d): %v", len(syncs), syncs)
	java.Stop()
	ferry.stop()
}

// commitGroupOffsets commits a consumer group's offsets for the partitions
// of topic, as a consumer outside any generation would.
func commitGroupOffsets(t testing.TB, addrs []string, group, topic string, offsets map[int32]int64) {
	t.Helper()
	kc, _ := saramaConfig(t, addrs)
	kc.Sarama.Consumer.Offsets.AutoCommit.Enable = false
	client, err := sarama.NewClient(kc.Brokers, kc.Sarama)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close() }() // closes the client too
	om, err := sarama.NewOffsetManagerFromClient(group, client)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = om.Close() }()
	parts := make([]int32, 0, len(offsets))
	for p, off := range offsets {
		pom, err := om.ManagePartition(topic, p)
		if err != nil {
			t.Fatal(err)
		}
		// Close would wait for the offset manager's Close (auto-commit is
		// off), which releases the partition managers.
		defer pom.AsyncClose()
		pom.MarkOffset(off, "")
		parts = append(parts, p)
	}
	// Commit reports nothing: read the offsets back.
	testkit.Eventually(t, 30*time.Second, func() error {
		om.Commit()
		resp, err := admin.ListConsumerGroupOffsets(group, map[string][]int32{topic: parts})
		if err != nil {
			return err
		}
		for p, off := range offsets {
			if b := resp.GetBlock(topic, p); b == nil || b.Offset != off {
				return fmt.Errorf("group %s partition %d: committed %+v; want %d", group, p, b, off)
			}
		}
		return nil
	})
}
