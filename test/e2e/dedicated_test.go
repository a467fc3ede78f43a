package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/test/kafkaharness"
	"github.com/ferrykafka/ferry/test/testkit"
)

// TestDedicatedBidirectional runs one connect-mirror-maker node with A->B
// and B->A enabled and every topic replicated (topics=.*): A's topic
// reaches B as A.<topic> and B's reaches A as B.<topic>, record for record;
// nothing loops (each cluster ends with exactly the expected topics: no
// A.B.x or B.A.x, A's copies never come back); heartbeats flow both ways
// and are replicated onward (A.heartbeats on B, B.heartbeats on A); a
// consumer group committed on each side gets checkpoints on the other,
// which mirrorclient translates; GET /flows lists both flows with the
// three connectors running, and the per-flow REST API answers under
// /A/B/ and /B/A/.
func TestDedicatedBidirectional(t *testing.T) {
	t.Parallel()
	cs := dmClusters(t, "A", "B")
	a, b := cs["A"], cs["B"]
	t1, t2 := testkit.UniqueName("orders"), testkit.UniqueName("payments")
	createTopic(t, a.addrs(), t1, 2)
	createTopic(t, b.addrs(), t2, 1)
	produce(t, a.addrs(), t1, 2, 0, 20)
	produce(t, b.addrs(), t2, 1, 0, 10)

	props := dmBaseProps(cs, "A", "B")
	props["A->B.enabled"] = "true"
	props["B->A.enabled"] = "true"
	props["topics"] = ".*"
	p := dmStart(t, dmWrite(t, props))
	rest := p.restURL()
	dmWaitFlows(t, p, map[string]bool{"A->B": true, "B->A": true}, 120*time.Second)

	// The Connect REST API of each flow under /{source}/{target}/.
	for _, flow := range [][2]string{{"A", "B"}, {"B", "A"}} {
		prefix := rest + "/" + flow[0] + "/" + flow[1]
		names, err := dmSortedConnectors(t, prefix+"/connectors")
		if err != nil || !slices.Equal(names, dmConnectors) {
			t.Errorf("GET %s/connectors = %v (%v); want %v", prefix, names, err, dmConnectors)
		}
		if err := runningStatus(t, prefix, "MirrorHeartbeatConnector", 1); err != nil {
			t.Errorf("GET %s/connectors/MirrorHeartbeatConnector/status: %v", prefix, err)
		}
		code, body := call(t, http.MethodGet, prefix+"/connectors/MirrorSourceConnector/config", nil)
		var cfg map[string]string
		if code != http.StatusOK || json.Unmarshal(body, &cfg) != nil {
			t.Errorf("GET %s/connectors/MirrorSourceConnector/config = %d %s", prefix, code, body)
		}
		// Java's MirrorMakerConfig.connectorBaseConfig.
		want := map[string]string{
			"name":                             "MirrorSourceConnector",
			"connector.class":                  "org.apache.kafka.connect.mirror.MirrorSourceConnector",
			"source.cluster.alias":             flow[0],
			"target.cluster.alias":             flow[1],
			"source.cluster.bootstrap.servers": join(cs[flow[0]].addrs()),
			"target.cluster.bootstrap.servers": join(cs[flow[1]].addrs()),
			"enabled":                          "true",
			"topics":                           ".*",
			"replication.factor":               "1",
		}
		for k, v := range want {
			if cfg[k] != v {
				t.Errorf("flow %s->%s: MirrorSourceConnector config %s = %q; want %q (config %v)", flow[0], flow[1], k, cfg[k], v, cfg)
			}
		}
	}

	// The data, both ways.
	dmWaitCount(t, p, b, "A."+t1, 20, 60*time.Second)
	dmWaitCount(t, p, a, "B."+t2, 10, 60*time.Second)
	for _, c := range []struct {
		from, to      dmCluster
		topic, remote string
	}{{a, b, t1, "A." + t1}, {b, a, t2, "B." + t2}} {
		src, dst := readAll(t, c.from.addrs(), c.topic), readAll(t, c.to.addrs(), c.remote)
		if len(src) == 0 {
			t.Fatalf("%s on %s is empty", c.topic, c.from.alias)
		}
		for _, part := range partitionsOf(src) {
			if err := sameRecords(src[part], dst[part]); err != nil {
				t.Errorf("%s partition %d: %v", c.remote, part, err)
			}
		}
	}

	// Checkpoints, both ways: a group that read everything on each side.
	gA, gB := testkit.UniqueName("dm-group-a"), testkit.UniqueName("dm-group-b")
	foCommit(t, a.addrs(), gA, t1, map[int32]int64{0: 10, 1: 10}, "")
	foCommit(t, b.addrs(), gB, t2, map[int32]int64{0: 10}, "")
	cpB := dmWaitCheckpoints(t, b, gA, "A", "A."+t1, map[int32]int64{0: 10, 1: 10}, 90*time.Second)
	cpA := dmWaitCheckpoints(t, a, gB, "B", "B."+t2, map[int32]int64{0: 10}, 90*time.Second)
	t.Logf("checkpoints of %s on B: %v; of %s on A: %v", gA, cpB, gB, cpA)

	// Heartbeats, both ways, and replicated onward.
	for _, hb := range []struct {
		c              dmCluster
		topic          string
		source, target string
	}{
		{b, "heartbeats", "A", "B"}, // A->B's MirrorHeartbeatConnector
		{a, "heartbeats", "B", "A"}, // B->A's
		{b, "A.heartbeats", "B", "A"},
		{a, "B.heartbeats", "A", "B"},
	} {
		testkit.Eventually(t, 60*time.Second, dmThrottle(250*time.Millisecond, func() error {
			return dmHeartbeat(hb.c, hb.topic, hb.source, hb.target)
		}))
	}

	// Lifecycle calls under a flow's prefix reach that flow's herder only:
	// pause B->A's source connector, A->B's keeps running; resume it and
	// what was produced meanwhile is copied; restart A->B's heartbeat
	// connector.
	code, body := call(t, http.MethodPut, rest+"/B/A/connectors/MirrorSourceConnector/pause", nil)
	if code != http.StatusAccepted {
		t.Fatalf("PUT /B/A/connectors/MirrorSourceConnector/pause = %d %s; want 202", code, body)
	}
	testkit.Eventually(t, 60*time.Second, dmThrottle(250*time.Millisecond, func() error {
		flows, err := dmGetFlows(t, rest)
		if err != nil {
			return err
		}
		paused, running := flows["B->A"].Connectors["MirrorSourceConnector"], flows["A->B"].Connectors["MirrorSourceConnector"]
		if paused.Connector.State != "PAUSED" || len(paused.Tasks) == 0 || paused.Tasks[0].State != "PAUSED" {
			return fmt.Errorf("B->A MirrorSourceConnector: %+v; want it and its tasks PAUSED", paused)
		}
		if running.Connector.State != "RUNNING" || len(running.Tasks) == 0 || running.Tasks[0].State != "RUNNING" {
			return fmt.Errorf("A->B MirrorSourceConnector: %+v; want it and its tasks RUNNING", running)
		}
		return nil
	}))
	produce(t, b.addrs(), t2, 1, 10, 5)
	code, body = call(t, http.MethodPut, rest+"/B/A/connectors/MirrorSourceConnector/resume", nil)
	if code != http.StatusAccepted {
		t.Fatalf("PUT /B/A/connectors/MirrorSourceConnector/resume = %d %s; want 202", code, body)
	}
	dmWaitCount(t, p, a, "B."+t2, 15, 60*time.Second)
	code, body = call(t, http.MethodPost, rest+"/A/B/connectors/MirrorHeartbeatConnector/restart", nil)
	if code != http.StatusNoContent {
		t.Errorf("POST /A/B/connectors/MirrorHeartbeatConnector/restart = %d %s; want 204", code, body)
	}
	dmWaitFlows(t, p, map[string]bool{"A->B": true, "B->A": true}, 60*time.Second)

	// No loops: each cluster holds exactly its topic, the other's copy,
	// the heartbeats (its own and the other's), the checkpoints of the
	// other's groups, the offset syncs of its outgoing flow and the
	// internal topics of its incoming flow's herder.
	wantA := append([]string{t1, "B." + t2, "heartbeats", "B.heartbeats", "B.checkpoints.internal", "mm2-offset-syncs.B.internal"}, dmInternalTopics("B")...)
	wantB := append([]string{t2, "A." + t1, "heartbeats", "A.heartbeats", "A.checkpoints.internal", "mm2-offset-syncs.A.internal"}, dmInternalTopics("A")...)
	testkit.Eventually(t, 60*time.Second, dmThrottle(250*time.Millisecond, func() error {
		if err := dmSameTopics(a, wantA); err != nil {
			return err
		}
		return dmSameTopics(b, wantB)
	}))
	// A few refresh intervals later, still nothing more, still running.
	produce(t, a.addrs(), t1, 2, 20, 10)
	dmWaitCount(t, p, b, "A."+t1, 30, 60*time.Second)
	if err := dmSameTopics(a, wantA); err != nil {
		t.Error(err)
	}
	if err := dmSameTopics(b, wantB); err != nil {
		t.Error(err)
	}
	if _, err := dmFlowsRunning(t, rest, map[string]bool{"A->B": true, "B->A": true}); err != nil {
		t.Error(err)
	}
	p.stop()
}

// TestDedicatedFanIn runs A->C and B->C on one node: C receives A.<topic>
// and B.<topic> and holds both herders' internal topics
// (mm2-configs.A.internal, mm2-configs.B.internal, ...). With heartbeats on
// by default, Java's MirrorMakerConfig.clusterPairs gives every ordered
// pair of clusters a herder (A->B, B->A, C->A, C->B emit heartbeats only),
// so GET /flows lists six flows, the four disabled ones with no source or
// checkpoint task.
func TestDedicatedFanIn(t *testing.T) {
	t.Parallel()
	cs := dmClusters(t, "A", "B", "C")
	a, b, c := cs["A"], cs["B"], cs["C"]
	ta, tb := testkit.UniqueName("orders"), testkit.UniqueName("payments")
	createTopic(t, a.addrs(), ta, 1)
	createTopic(t, b.addrs(), tb, 1)
	produce(t, a.addrs(), ta, 1, 0, 5)
	produce(t, b.addrs(), tb, 1, 0, 7)

	props := dmBaseProps(cs, "A", "B", "C")
	props["A->C.enabled"] = "true"
	props["B->C.enabled"] = "true"
	p := dmStart(t, dmWrite(t, props))
	want := map[string]bool{"A->C": true, "B->C": true, "A->B": false, "B->A": false, "C->A": false, "C->B": false}
	flows := dmWaitFlows(t, p, want, 150*time.Second)
	dmDisabledIdle(t, flows)

	dmWaitCount(t, p, c, "A."+ta, 5, 60*time.Second)
	dmWaitCount(t, p, c, "B."+tb, 7, 60*time.Second)
	for _, src := range []string{"A", "B"} {
		names, err := dmSortedConnectors(t, p.restURL()+"/"+src+"/C/connectors")
		if err != nil || !slices.Equal(names, dmConnectors) {
			t.Errorf("GET /%s/C/connectors = %v (%v); want %v", src, names, err, dmConnectors)
		}
	}
	for _, src := range []string{"A", "B"} {
		testkit.Eventually(t, 60*time.Second, dmThrottle(250*time.Millisecond, func() error {
			return dmHeartbeat(c, "heartbeats", src, "C")
		}))
	}
	wantC := []string{"A." + ta, "B." + tb, "heartbeats", "A.heartbeats", "B.heartbeats", "A.checkpoints.internal", "B.checkpoints.internal"}
	wantC = append(append(wantC, dmInternalTopics("A")...), dmInternalTopics("B")...)
	wantA := append(append([]string{ta, "heartbeats", "mm2-offset-syncs.C.internal"}, dmInternalTopics("B")...), dmInternalTopics("C")...)
	wantB := append(append([]string{tb, "heartbeats", "mm2-offset-syncs.C.internal"}, dmInternalTopics("A")...), dmInternalTopics("C")...)
	testkit.Eventually(t, 60*time.Second, dmThrottle(250*time.Millisecond, func() error {
		for _, w := range []struct {
			c    dmCluster
			want []string
		}{{c, wantC}, {a, wantA}, {b, wantB}} {
			if err := dmSameTopics(w.c, w.want); err != nil {
				return err
			}
		}
		return nil
	}))
	p.stop()
}

// dmDisabledIdle checks that the source and checkpoint connectors of the
// disabled flows run no task (Java's connectors return no task configs
// when enabled=false).
func dmDisabledIdle(t *testing.T, flows map[string]dmFlow) {
	t.Helper()
	for name, f := range flows {
		if f.Enabled {
			continue
		}
		for _, c := range []string{"MirrorSourceConnector", "MirrorCheckpointConnector"} {
			if n := len(f.Connectors[c].Tasks); n != 0 {
				t.Errorf("disabled flow %s: %s runs %d tasks; want none", name, c, n)
			}
		}
	}
}

// TestDedicatedDisabledFlowHeartbeats: with A->B.enabled=false and B->A
// enabled, A->B still gets a herder whose MirrorHeartbeatConnector writes
// heartbeats into B (which B->A replicates back to A as B.heartbeats), but
// nothing of A is copied to B.
func TestDedicatedDisabledFlowHeartbeats(t *testing.T) {
	t.Parallel()
	cs := dmClusters(t, "A", "B")
	a, b := cs["A"], cs["B"]
	t1, t2 := testkit.UniqueName("orders"), testkit.UniqueName("payments")
	createTopic(t, a.addrs(), t1, 1)
	createTopic(t, b.addrs(), t2, 1)
	produce(t, a.addrs(), t1, 1, 0, 5)
	produce(t, b.addrs(), t2, 1, 0, 5)

	props := dmBaseProps(cs, "A", "B")
	props["A->B.enabled"] = "false"
	props["B->A.enabled"] = "true"
	p := dmStart(t, dmWrite(t, props))
	flows := dmWaitFlows(t, p, map[string]bool{"A->B": false, "B->A": true}, 120*time.Second)
	dmDisabledIdle(t, flows)

	dmWaitCount(t, p, a, "B."+t2, 5, 60*time.Second)
	testkit.Eventually(t, 60*time.Second, dmThrottle(250*time.Millisecond, func() error {
		return dmHeartbeat(b, "heartbeats", "A", "B")
	}))
	// A->B's heartbeats land in B's heartbeats topic, which B->A
	// replicates to A.
	testkit.Eventually(t, 60*time.Second, dmThrottle(250*time.Millisecond, func() error {
		return dmHeartbeat(a, "B.heartbeats", "A", "B")
	}))
	before := dmCount(t, b, "heartbeats")
	testkit.Eventually(t, 30*time.Second, dmThrottle(250*time.Millisecond, func() error {
		if n := dmCount(t, b, "heartbeats"); n <= before {
			return fmt.Errorf("B's heartbeats topic stays at %d records", n)
		}
		return nil
	}))
	wantA := append([]string{t1, "B." + t2, "heartbeats", "B.heartbeats", "B.checkpoints.internal"}, dmInternalTopics("B")...)
	wantB := append([]string{t2, "heartbeats", "mm2-offset-syncs.A.internal"}, dmInternalTopics("A")...)
	testkit.Eventually(t, 60*time.Second, dmThrottle(250*time.Millisecond, func() error {
		if err := dmSameTopics(a, wantA); err != nil {
			return err
		}
		return dmSameTopics(b, wantB)
	}))
	p.stop()
}

// TestDedicatedTwoNodes runs two connect-mirror-maker processes on the same
// file (A->B only; B->A's heartbeats disabled, so it is the only flow):
// they share the flow's group, its connectors' tasks are spread over both,
// a topic created on A after both run is picked up by the connector
// (wherever it runs) and its task reconfiguration reaches the leader, and
// when one node stops the other carries on, copying what follows without
// loss or duplicates.
func TestDedicatedTwoNodes(t *testing.T) {
	t.Parallel()
	cs := dmClusters(t, "A", "B")
	a, b := cs["A"], cs["B"]
	const refresh = 5 // refresh.topics.interval.seconds
	t0 := testkit.UniqueName("orders")
	createTopic(t, a.addrs(), t0, 4)
	produce(t, a.addrs(), t0, 4, 0, 40)

	props := dmBaseProps(cs, "A", "B")
	props["A->B.enabled"] = "true"
	props["B->A.emit.heartbeats.enabled"] = "false"
	props["topics"] = ".*"
	props["refresh.topics.interval.seconds"] = fmt.Sprint(refresh)
	// Four source tasks (one per partition) and one heartbeat task: a
	// balanced assignment of five or six tasks over two workers gives each
	// worker at least one source task.
	props["tasks.max"] = "4"
	props["B.scheduled.rebalance.max.delay.ms"] = "0"
	path := dmWrite(t, props)
	n1 := dmStart(t, path)
	n2 := dmStart(t, path)
	if n1.restURL() == n2.restURL() {
		t.Fatalf("both nodes listen on %s", n1.restURL())
	}
	want := map[string]bool{"A->B": true}
	for _, n := range []*workerProcess{n1, n2} {
		dmWaitFlows(t, n, want, 120*time.Second)
	}
	status := n1.restURL() + "/A/B/connectors/MirrorSourceConnector/status"
	ids := func() (map[string][]int, connectorStatus, error) {
		code, body := call(t, http.MethodGet, status, nil)
		var st connectorStatus
		if code != http.StatusOK || json.Unmarshal(body, &st) != nil {
			return nil, st, fmt.Errorf("GET %s: %d %s", status, code, body)
		}
		out := map[string][]int{}
		for _, task := range st.Tasks {
			if task.State != "RUNNING" {
				return nil, st, fmt.Errorf("task %d is %s on %s: %s", task.ID, task.State, task.WorkerID, task.Trace)
			}
			out[task.WorkerID] = append(out[task.WorkerID], task.ID)
		}
		if len(st.Tasks) != 4 {
			return nil, st, fmt.Errorf("%d tasks; want 4: %s", len(st.Tasks), body)
		}
		return out, st, nil
	}
	// Spread: the source tasks run on both nodes. Each task's worker id
	// must name the node it runs on by its REST address (Java names every
	// dedicated worker of a flow alike, "A->B", which would leave the
	// status unable to tell the nodes apart).
	nodeOf := func(pl map[string][]int) (map[string][]int, error) {
		out := map[string][]int{}
		for id, tasks := range pl {
			var node string
			for _, n := range []*workerProcess{n1, n2} {
				if strings.Contains(id, strings.TrimPrefix(n.restURL(), "http://")) {
					node = n.restURL()
				}
			}
			if node == "" {
				return nil, fmt.Errorf("worker id %q names neither node (%s, %s)", id, n1.restURL(), n2.restURL())
			}
			out[node] = append(out[node], tasks...)
		}
		return out, nil
	}
	var spread map[string][]int
	testkit.Eventually(t, 90*time.Second, dmThrottle(250*time.Millisecond, func() error {
		dmAlive(t, n1)
		dmAlive(t, n2)
		pl, _, err := ids()
		if err != nil {
			return err
		}
		if spread, err = nodeOf(pl); err != nil {
			return err
		}
		if len(spread) != 2 {
			return fmt.Errorf("source tasks on %d nodes: %v; want both", len(spread), pl)
		}
		return nil
	}))
	t.Logf("source tasks per node: %v", spread)
	for _, n := range []*workerProcess{n1, n2} {
		if !dmStartedSourceTask(n) {
			t.Errorf("node %s runs source tasks but logged no MirrorSourceConnector task start", n.restURL())
		}
	}

	// A new topic: picked up within a few refresh intervals.
	t1 := testkit.UniqueName("invoices")
	createTopic(t, a.addrs(), t1, 1)
	produce(t, a.addrs(), t1, 1, 0, 10)
	created := time.Now()
	dmWaitCount(t, n1, b, "A."+t1, 10, 6*refresh*time.Second)
	t.Logf("new topic copied %v after its creation (refresh.topics.interval.seconds=%d)", time.Since(created).Round(100*time.Millisecond), refresh)
	dmWaitCount(t, n1, b, "A."+t0, 40, 30*time.Second)

	// One node leaves; the other copies on, nothing lost or duplicated.
	n1.stop()
	produce(t, a.addrs(), t0, 4, 40, 40)
	t2 := testkit.UniqueName("refunds")
	createTopic(t, a.addrs(), t2, 1)
	produce(t, a.addrs(), t2, 1, 0, 10)
	dmWaitCount(t, n2, b, "A."+t0, 80, 90*time.Second)
	dmWaitCount(t, n2, b, "A."+t2, 10, 90*time.Second)
	src, dst := readAll(t, a.addrs(), t0), readAll(t, b.addrs(), "A."+t0)
	for _, part := range partitionsOf(src) {
		if err := sameRecords(src[part], dst[part]); err != nil {
			t.Errorf("A.%s partition %d: %v", t0, part, err)
		}
	}
	status = n2.restURL() + "/A/B/connectors/MirrorSourceConnector/status"
	testkit.Eventually(t, 60*time.Second, dmThrottle(250*time.Millisecond, func() error {
		pl, _, err := ids()
		if err != nil {
			return err
		}
		nodes, err := nodeOf(pl)
		if err != nil {
			return err
		}
		if len(nodes[n2.restURL()]) != 4 {
			return fmt.Errorf("source tasks per node %v after %s stopped; want all four on %s", nodes, n1.restURL(), n2.restURL())
		}
		return nil
	}))
	dmWaitFlows(t, n2, want, 60*time.Second)
	n2.stop()
}

// dmStartedSourceTask reports whether the node logged the start of a
// MirrorSourceConnector task.
func dmStartedSourceTask(p *workerProcess) bool {
	for _, line := range workerLogLines(p, "", "task started") {
		if line["connector"] == "MirrorSourceConnector" {
			return true
		}
	}
	return false
}

// TestDedicatedClustersFlag: with A->B and B->A enabled, a node started
// with --clusters B runs only the flows into B: GET /flows lists A->B
// alone, B receives A's topic, and A sees nothing of B->A (no copy of B's
// topic, no heartbeats, no herder topics).
func TestDedicatedClustersFlag(t *testing.T) {
	t.Parallel()
	cs := dmClusters(t, "A", "B")
	a, b := cs["A"], cs["B"]
	t1, t2 := testkit.UniqueName("orders"), testkit.UniqueName("payments")
	createTopic(t, a.addrs(), t1, 1)
	createTopic(t, b.addrs(), t2, 1)
	produce(t, a.addrs(), t1, 1, 0, 5)
	produce(t, b.addrs(), t2, 1, 0, 5)

	props := dmBaseProps(cs, "A", "B")
	props["A->B.enabled"] = "true"
	props["B->A.enabled"] = "true"
	p := dmStart(t, dmWrite(t, props), "--clusters", "B")
	dmWaitFlows(t, p, map[string]bool{"A->B": true}, 120*time.Second)
	dmWaitCount(t, p, b, "A."+t1, 5, 60*time.Second)
	testkit.Eventually(t, 60*time.Second, dmThrottle(250*time.Millisecond, func() error {
		return dmHeartbeat(b, "heartbeats", "A", "B")
	}))
	code, body := call(t, http.MethodGet, p.restURL()+"/B/A/connectors", nil)
	if code == http.StatusOK {
		t.Errorf("GET /B/A/connectors on a --clusters B node = %d %s; want no such flow", code, body)
	}
	wantA := []string{t1, "mm2-offset-syncs.B.internal"}
	wantB := append([]string{t2, "A." + t1, "heartbeats", "A.checkpoints.internal"}, dmInternalTopics("A")...)
	testkit.Eventually(t, 60*time.Second, dmThrottle(250*time.Millisecond, func() error {
		if err := dmSameTopics(a, wantA); err != nil {
			return err
		}
		return dmSameTopics(b, wantB)
	}))
	p.stop()
}

// TestDedicatedExitCodes checks connect-mirror-maker's exit codes against
// Java's MirrorMaker.main: 255 for argument errors (argparse4j; a missing
// or unreadable file is one, verifyCanRead), 2 for a configuration it
// cannot run (no clusters, a cluster without bootstrap.servers, --clusters
// naming no target of any flow), 2 or 3 for a cluster it cannot reach, each
// with one clear error line. With FERRY_TEST_KAFKA=real, Java's
// connect-mirror-maker (kafkaharness) runs the same command lines, and
// Ferry's code must equal Java's.
func TestDedicatedExitCodes(t *testing.T) {
	t.Parallel()
	cs := dmClusters(t, "A")
	reachable := join(cs["A"].addrs())
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	_ = l.Close()

	dir := t.TempDir()
	file := func(name string, lines ...string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	rf := []string{"replication.factor=1", "offset-syncs.topic.replication.factor=1", "heartbeats.topic.replication.factor=1",
		"checkpoints.topic.replication.factor=1", "config.storage.replication.factor=1", "offset.storage.replication.factor=1",
		"status.storage.replication.factor=1"}
	good := file("good.properties", append([]string{"clusters=A, B", "A.bootstrap.servers=" + reachable,
		"B.bootstrap.servers=" + reachable, "A->B.enabled=true"}, rf...)...)
	noClusters := file("noclusters.properties", "A.bootstrap.servers="+reachable, "A->B.enabled=true")
	noBootstrap := file("nobootstrap.properties", append([]string{"clusters=A, B", "A.bootstrap.servers=" + reachable,
		"A->B.enabled=true", "B->A.emit.heartbeats.enabled=false"}, rf...)...)
	unreachable := file("unreachable.properties", append([]string{"clusters=A, B", "A.bootstrap.servers=" + reachable,
		"B.bootstrap.servers=" + closed, "A->B.enabled=true", "B->A.emit.heartbeats.enabled=false"}, rf...)...)
	missing := filepath.Join(dir, "nope.properties")

	cases := []struct {
		name string
		args []string
		code int
		// line must be in the single "error: " line.
		line []string
	}{
		{"no arguments", nil, 255, []string{"mm2.properties"}},
		{"unknown flag", []string{"--bogus", good}, 255, []string{"--bogus"}},
		{"--clusters without a value", []string{good, "--clusters"}, 255, []string{"--clusters"}},
		{"missing file", []string{missing}, 255, []string{missing}},
		{"no clusters", []string{noClusters}, 2, []string{"clusters"}},
		{"cluster without bootstrap.servers", []string{noBootstrap}, 2, []string{"bootstrap.servers"}},
		{"--clusters names no target", []string{good, "--clusters", "Z"}, 2, []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := runBinary(t, bins.mirrorMaker, c.args...)
			code := p.wait(60 * time.Second)
			if code != c.code {
				t.Errorf("connect-mirror-maker %q: exit %d; want %d\n%s", c.args, code, c.code, p.output())
			}
			line := dmErrorLine(t, p.output())
			for _, w := range c.line {
				if !strings.Contains(line, w) {
					t.Errorf("error line %q does not mention %q", line, w)
				}
			}
			if testkit.KafkaMode() == testkit.KafkaReal {
				jcode, jout := kafkaharness.RunJavaMirrorMaker(t, 2*time.Minute, c.args...)
				if jcode != c.code || jcode != code {
					t.Errorf("Java's connect-mirror-maker %q: exit %d, Ferry's %d, this test expects %d\n%s", c.args, jcode, code, c.code, jout)
				}
			}
		})
	}
	t.Run("unreachable cluster", func(t *testing.T) {
		t.Parallel()
		began := time.Now()
		p := runBinary(t, bins.mirrorMaker, "--log-format", "json", unreachable)
		// Java gives up after default.api.timeout.ms (60 s) with exit 2.
		code := p.wait(100 * time.Second)
		if code != 2 && code != 3 {
			t.Errorf("exit %d; want 2 or 3\n%s", code, p.output())
		}
		line := dmErrorLine(t, p.output())
		if !strings.Contains(line, closed) {
			t.Errorf("error line %q does not name the unreachable address %s", line, closed)
		}
		t.Logf("unreachable B: exit %d after %v: %s", code, time.Since(began).Round(100*time.Millisecond), line)
	})
}

// dmKeys returns a map's keys, sorted.
func dmKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
