package e2e

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/test/kafkaharness"
	"github.com/ferrykafka/ferry/test/testkit"
)

// The mixed-cluster tests put a Java Connect worker and two Ferry workers in
// one group with the same internal topics: the group forms whichever
// implementation leads, the work is spread over both, and the stream is
// copied completely. They need real Kafka and a JVM.

func TestMixedClusterJavaLeads(t *testing.T)  { testMixedCluster(t, true) }
func TestMixedClusterFerryLeads(t *testing.T) { testMixedCluster(t, false) }

func testMixedCluster(t *testing.T, javaFirst bool) {
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
	topic := testkit.UniqueName("orders")
	remote := sourceAlias + "." + topic
	const parts = 6
	createTopic(t, source.Addrs(), topic, parts)
	shared := clusterProps(target.Addrs(), testkit.UniqueName("mixed"))
	delete(shared, "listeners")

	startFerry := func() *workerProcess {
		p := maps.Clone(shared)
		p["listeners"] = "http://127.0.0.1:0"
		return startWorker(t, writeProps(t, p))
	}
	var java *kafkaharness.ConnectWorker
	var ferry []*workerProcess
	if javaFirst {
		java = kafkaharness.StartConnectWorker(t, shared)
		ferry = append(ferry, startFerry(), startFerry())
	} else {
		ferry = append(ferry, startFerry())
		java = kafkaharness.StartConnectWorker(t, shared)
		ferry = append(ferry, startFerry())
	}
	javaID := strings.TrimPrefix(java.URL(), "http://")

	cfg := mirrorConfig(source.Addrs(), target.Addrs(), topic)
	cfg["tasks.max"] = "6"
	cfg["offset-syncs.topic.replication.factor"] = "1"
	cfg["sync.topic.acls.enabled"] = "false"
	cfg["key.converter"] = "org.apache.kafka.connect.converters.ByteArrayConverter"
	cfg["value.converter"] = "org.apache.kafka.connect.converters.ByteArrayConverter"
	cfg["header.converter"] = "org.apache.kafka.connect.converters.ByteArrayConverter"
	// Created through a Ferry worker, forwarded to the leader, whichever
	// implementation that is; retried while the group is still forming.
	testkit.Eventually(t, 90*time.Second, func() error {
		code, body := call(t, http.MethodPost, ferry[1].restURL()+"/connectors", map[string]any{"name": "mirror", "config": cfg})
		if code == http.StatusCreated {
			return nil
		}
		return fmt.Errorf("create: %d %s", code, body)
	})

	stream := startStream(t, source.Addrs(), topic, parts)
	var spread map[string][]int
	testkit.Eventually(t, 120*time.Second, func() error {
		pl, st, err := placement(t, java.URL(), "mirror")
		if err != nil {
			return err
		}
		if len(st.Tasks) != parts {
			return fmt.Errorf("%d tasks", len(st.Tasks))
		}
		if _, ok := pl[javaID]; !ok || len(pl) < 2 {
			return fmt.Errorf("tasks are not on both implementations yet: %v (Java is %s)", pl, javaID)
		}
		spread = pl
		return nil
	})
	// Ferry's REST API shows the same placement.
	ferryView, _, err := placement(t, ferry[0].restURL(), "mirror")
	if err != nil {
		t.Fatalf("Ferry's status: %v", err)
	}
	t.Logf("MIXED (Java first: %v): tasks per worker %v (Java %s); Ferry sees %v", javaFirst, spread, javaID, ferryView)
	// Who leads: the first worker to join (Java's URL or the first Ferry's),
	// as every Ferry worker's log of its last join says.
	wantLeader := java.URL() + "/"
	if !javaFirst {
		wantLeader = ferry[0].restURL() + "/"
	}
	for i, w := range ferry {
		if got := lastLeaderURL(w.output()); got != wantLeader {
			t.Errorf("Ferry worker %d last joined with leader %q, want %q", i, got, wantLeader)
		}
	}

	_, tgt := saramaConfig(t, target.Addrs())
	testkit.Eventually(t, 60*time.Second, func() error {
		if n := endOffsets(t, tgt, remote); n < 20000 {
			return fmt.Errorf("%d copied", n)
		}
		return nil
	})
	produced := stream.stop()
	testkit.Eventually(t, 120*time.Second, func() error {
		if n := endOffsets(t, tgt, remote); n < int64(produced) {
			return fmt.Errorf("%d of %d copied; per partition: %v", n, produced, partitionEnds(t, tgt, remote))
		}
		return nil
	})
	src := readAll(t, source.Addrs(), topic)
	dst := readAll(t, target.Addrs(), remote)
	for _, p := range partitionsOf(src) {
		if err := sameRecords(src[p], dst[p]); err != nil {
			t.Errorf("partition %d: %v", p, err)
		}
	}
	for _, w := range ferry {
		w.stop()
	}
	java.Stop()
}

// partitionEnds lists a topic's end offsets by partition, for diagnostics.
func partitionEnds(t *testing.T, c interface {
	Partitions(string) ([]int32, error)
	GetOffset(string, int32, int64) (int64, error)
}, topic string) map[int32]int64 {
	out := map[int32]int64{}
	parts, err := c.Partitions(topic)
	if err != nil {
		return out
	}
	for _, p := range parts {
		if off, err := c.GetOffset(topic, p, -1); err == nil {
			out[p] = off
		}
	}
	return out
}

// lastLeaderURL is the leader URL of a Ferry worker's last group join, from
// its JSON log.
func lastLeaderURL(out string) string {
	url := ""
	for _, line := range strings.Split(out, "\n") {
		var ev struct {
			Message   string `json:"message"`
			LeaderURL string `json:"leader_url"`
		}
		if json.Unmarshal([]byte(line), &ev) == nil && ev.Message == "joined the Connect group" {
			url = ev.LeaderURL
		}
	}
	return url
}
