package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/test/testkit"
)

// flowConfig is a MirrorSourceConnector config for the flow from -> to that
// replicates every topic whose name contains base (so remote topics match
// too, and only cycle detection can keep them from going back).
func flowConfig(from, to string, fromAddrs, toAddrs []string, base string) map[string]string {
	return map[string]string{
		"connector.class":                       "MirrorSourceConnector",
		"source.cluster.alias":                  from,
		"target.cluster.alias":                  to,
		"source.cluster.bootstrap.servers":      join(fromAddrs),
		"target.cluster.bootstrap.servers":      join(toAddrs),
		"topics":                                ".*" + base + ".*",
		"tasks.max":                             "1",
		"refresh.topics.interval.seconds":       "1",
		"replication.factor":                    "1",
		"offset-syncs.topic.replication.factor": "1",
	}
}

// topicsWith lists the cluster's topics whose name contains base, sorted.
func topicsWith(t *testing.T, addrs []string, base string) []string {
	t.Helper()
	_, client := saramaConfig(t, addrs)
	if err := client.RefreshMetadata(); err != nil {
		t.Fatal(err)
	}
	all, err := client.Topics()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, topic := range all {
		if strings.Contains(topic, base) {
			out = append(out, topic)
		}
	}
	sort.Strings(out)
	return out
}

// TestMirrorBidirectionalNeverLoops runs A->B and B->A at once, each
// replicating every topic of the test (remote ones included by the topic
// filter): cycle detection alone keeps "A.x" from coming back to A as
// "B.A.x", and every record is copied exactly once.
func TestMirrorBidirectionalNeverLoops(t *testing.T) {
	t.Parallel()
	ks := testkit.StartKafkas(t, "a", "b")
	a, b := ks[0], ks[1]
	base := testkit.UniqueName("cycle")
	orders, payments := base+"-orders", base+"-payments"
	createTopic(t, a.Addrs(), orders, 2)
	createTopic(t, b.Addrs(), payments, 1)
	produce(t, a.Addrs(), orders, 2, 0, 20)
	produce(t, b.Addrs(), payments, 1, 0, 10)

	start := func(target []string, name string, cfg map[string]string) {
		w := startWorker(t, writeProps(t, workerProps(target, testkit.UniqueName("e2e-cycle"))))
		if code, body := call(t, http.MethodPost, w.restURL()+"/connectors", map[string]any{"name": name, "config": cfg}); code != http.StatusCreated {
			t.Fatalf("create %s: %d %s", name, code, body)
		}
		testkit.Eventually(t, 60*time.Second, func() error { return runningStatus(t, w.restURL(), name, 1) })
	}
	start(b.Addrs(), "a-to-b", flowConfig("A", "B", a.Addrs(), b.Addrs(), base))
	start(a.Addrs(), "b-to-a", flowConfig("B", "A", b.Addrs(), a.Addrs(), base))

	_, clientA := saramaConfig(t, a.Addrs())
	_, clientB := saramaConfig(t, b.Addrs())
	waitCopied(t, clientB, "A."+orders, 20)
	waitCopied(t, clientA, "B."+payments, 10)

	// A topic created on each side after the remote topics exist: once
	// each flow has picked its marker up, its topic refresh has also seen
	// the other flow's remote topic, and would have replicated it back.
	markerA, markerB := base+"-marker-a", base+"-marker-b"
	createTopic(t, a.Addrs(), markerA, 1)
	createTopic(t, b.Addrs(), markerB, 1)
	testkit.Eventually(t, 60*time.Second, func() error {
		onA, onB := topicsWith(t, a.Addrs(), base), topicsWith(t, b.Addrs(), base)
		if !slices.Contains(onA, "B."+markerB) || !slices.Contains(onB, "A."+markerA) {
			return fmt.Errorf("markers not replicated yet: A %v, B %v", onA, onB)
		}
		return nil
	})

	wantA := []string{"B." + markerB, "B." + payments, markerA, orders}
	wantB := []string{"A." + markerA, "A." + orders, markerB, payments}
	sort.Strings(wantA)
	sort.Strings(wantB)
	if got := topicsWith(t, a.Addrs(), base); !slices.Equal(got, wantA) {
		t.Errorf("cluster A holds %v; want %v (nothing came back)", got, wantA)
	}
	if got := topicsWith(t, b.Addrs(), base); !slices.Equal(got, wantB) {
		t.Errorf("cluster B holds %v; want %v (nothing came back)", got, wantB)
	}
	// Each record was copied once, in its partition.
	for _, c := range []struct {
		from, to []string
		topic    string
		remote   string
	}{{a.Addrs(), b.Addrs(), orders, "A." + orders}, {b.Addrs(), a.Addrs(), payments, "B." + payments}} {
		src, dst := readAll(t, c.from, c.topic), readAll(t, c.to, c.remote)
		for _, p := range partitionsOf(src) {
			if err := sameRecords(src[p], dst[p]); err != nil {
				t.Errorf("%s partition %d: %v", c.remote, p, err)
			}
		}
	}
}
