package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
	"github.com/ferrykafka/ferry/test/testkit"
)

// The dedicated-mode suites (dedicated_*_test.go) run `connect-mirror-maker
// mm2.properties`, Ferry's counterpart of Java's dedicated MirrorMaker 2:
// one herder per flow, each flow's connectors created by its leader, and
// (with dedicated.mode.enable.internal.rest) the Connect REST API of every
// flow under /{source}/{target}/ plus GET /flows. They replicate every
// topic (topics=.*), so they need clusters of their own: kfake, or real
// Kafka started for the test (FERRY_TEST_KAFKA=real); shared external
// clusters are skipped.

// dmConnectors are the connectors each flow's leader creates, sorted.
var dmConnectors = []string{"MirrorCheckpointConnector", "MirrorHeartbeatConnector", "MirrorSourceConnector"}

// dmCluster is a cluster of a dedicated-mode test and its alias.
type dmCluster struct {
	alias  string
	k      testkit.Kafka
	client sarama.Client // shared by the polls
}

func (c dmCluster) addrs() []string { return c.k.Addrs() }

// dmClusters starts one cluster per alias (kfake, or real Kafka with
// FERRY_TEST_KAFKA=real). External clusters are shared, and these tests
// replicate every topic and check the complete topic lists, so they skip
// there.
func dmClusters(t *testing.T, aliases ...string) map[string]dmCluster {
	t.Helper()
	if testkit.KafkaMode() == testkit.KafkaExternal {
		t.Skip("dedicated MirrorMaker tests replicate every topic and check complete topic lists: they need clusters of their own, not shared external ones")
	}
	names := make([]string, len(aliases))
	for i, a := range aliases {
		names[i] = strings.ToLower(a)
	}
	ks := testkit.StartKafkas(t, names...)
	out := map[string]dmCluster{}
	for i, a := range aliases {
		_, client := saramaConfig(t, ks[i].Addrs())
		out[a] = dmCluster{alias: a, k: ks[i], client: client}
	}
	return out
}

// dmBaseProps is an mm2.properties for the clusters (aliases in order):
// replication factor 1 for every topic MirrorMaker creates (single-broker
// clusters), one-second refresh, checkpoint, heartbeat and config-sync
// intervals, half-second offset flushes, and the internal REST server on an
// ephemeral port. Flows are left to the caller. Worker settings are per
// target cluster (<alias>.offset.flush.interval.ms), as Java's
// MirrorMakerConfig.workerConfig reads them.
func dmBaseProps(clusters map[string]dmCluster, aliases ...string) map[string]string {
	p := map[string]string{
		"clusters":                              strings.Join(aliases, ", "),
		"replication.factor":                    "1",
		"offset-syncs.topic.replication.factor": "1",
		"heartbeats.topic.replication.factor":   "1",
		"checkpoints.topic.replication.factor":  "1",
		"config.storage.replication.factor":     "1",
		"offset.storage.replication.factor":     "1",
		"status.storage.replication.factor":     "1",
		"refresh.topics.interval.seconds":       "1",
		"refresh.groups.interval.seconds":       "1",
		"emit.checkpoints.interval.seconds":     "1",
		"emit.heartbeats.interval.seconds":      "1",
		"sync.topic.configs.interval.seconds":   "1",
		"dedicated.mode.enable.internal.rest":   "true",
		"listeners":                             "http://127.0.0.1:0",
	}
	for _, a := range aliases {
		p[a+".bootstrap.servers"] = join(clusters[a].addrs())
		p[a+".offset.flush.interval.ms"] = "500"
	}
	return p
}

// dmFormat renders an mm2.properties: "key = value" lines sorted by key,
// so that two files from maps differing in one key differ in that line
// only.
func dmFormat(props map[string]string) string {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("# mm2.properties written by the e2e suite\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "%s = %s\n", k, props[k])
	}
	return b.String()
}

// dmWrite writes an mm2.properties and returns its path.
func dmWrite(t testing.TB, props map[string]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mm2.properties")
	if err := os.WriteFile(path, []byte(dmFormat(props)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// dmStart runs connect-mirror-maker on an mm2.properties with internal REST
// and waits until it serves REST.
func dmStart(t *testing.T, path string, args ...string) *workerProcess {
	t.Helper()
	p := runBinary(t, bins.mirrorMaker, append([]string{"--log-format", "json", path}, args...)...)
	testkit.Eventually(t, 90*time.Second, func() error {
		dmAlive(t, p)
		if p.restURL() == "" {
			return errors.New("REST server not listening yet")
		}
		return nil
	})
	return p
}

// dmAlive fails the test at once if the process has exited.
func dmAlive(t *testing.T, p *workerProcess) {
	t.Helper()
	select {
	case <-p.done:
		t.Fatalf("connect-mirror-maker exited: %v\n%s", p.err, p.output())
	default:
	}
}

// dmThrottle runs cond at most once per d and returns its last answer in
// between, so that expensive checks inside testkit.Eventually (which polls
// every 20 ms) do not hammer a busy process.
func dmThrottle(d time.Duration, cond func() error) func() error {
	var last time.Time
	lastErr := errors.New("not checked yet")
	return func() error {
		if time.Since(last) < d {
			return lastErr
		}
		last = time.Now()
		lastErr = cond()
		return lastErr
	}
}

// dmFlow is one element of GET /flows.
type dmFlow struct {
	Source     string                     `json:"source"`
	Target     string                     `json:"target"`
	Flow       string                     `json:"flow"`
	Enabled    bool                       `json:"enabled"`
	Connectors map[string]connectorStatus `json:"connectors"`
}

// dmGetFlows returns GET /flows, keyed by "source->target".
func dmGetFlows(t *testing.T, rest string) (map[string]dmFlow, error) {
	code, body := call(t, http.MethodGet, rest+"/flows", nil)
	if code != http.StatusOK {
		return nil, fmt.Errorf("GET /flows: %d %s", code, body)
	}
	var flows []dmFlow
	if err := json.Unmarshal(body, &flows); err != nil {
		return nil, fmt.Errorf("GET /flows: %v: %s", err, body)
	}
	out := map[string]dmFlow{}
	for _, f := range flows {
		if f.Flow != f.Source+"->"+f.Target {
			t.Fatalf("GET /flows: flow %q for source %q and target %q: %s", f.Flow, f.Source, f.Target, body)
		}
		if _, dup := out[f.Flow]; dup {
			t.Fatalf("GET /flows lists %s twice: %s", f.Flow, body)
		}
		out[f.Flow] = f
	}
	return out, nil
}

// dmFlowsRunning checks GET /flows: exactly the flows of want (flow ->
// enabled), each with the three connectors RUNNING and every task of
// theirs RUNNING, the heartbeat connector with at least one task, and the
// source connector of an enabled flow too.
func dmFlowsRunning(t *testing.T, rest string, want map[string]bool) (map[string]dmFlow, error) {
	flows, err := dmGetFlows(t, rest)
	if err != nil {
		return nil, err
	}
	var got []string
	for name := range flows {
		got = append(got, name)
	}
	sort.Strings(got)
	var wantNames []string
	for name := range want {
		wantNames = append(wantNames, name)
	}
	sort.Strings(wantNames)
	if !slices.Equal(got, wantNames) {
		return nil, fmt.Errorf("GET /flows lists %v; want %v", got, wantNames)
	}
	for name, f := range flows {
		if f.Enabled != want[name] {
			return nil, fmt.Errorf("flow %s: enabled %v; want %v", name, f.Enabled, want[name])
		}
		var conns []string
		for c := range f.Connectors {
			conns = append(conns, c)
		}
		sort.Strings(conns)
		if !slices.Equal(conns, dmConnectors) {
			return nil, fmt.Errorf("flow %s: connectors %v; want %v", name, conns, dmConnectors)
		}
		for _, c := range dmConnectors {
			st := f.Connectors[c]
			if st.Connector.State != "RUNNING" {
				return nil, fmt.Errorf("flow %s: %s is %q %s", name, c, st.Connector.State, st.Connector.Trace)
			}
			for _, task := range st.Tasks {
				if task.State != "RUNNING" {
					return nil, fmt.Errorf("flow %s: %s task %d is %s %s", name, c, task.ID, task.State, task.Trace)
				}
			}
		}
		if n := len(f.Connectors["MirrorHeartbeatConnector"].Tasks); n < 1 {
			return nil, fmt.Errorf("flow %s: MirrorHeartbeatConnector has no task yet", name)
		}
		if n := len(f.Connectors["MirrorSourceConnector"].Tasks); f.Enabled && n < 1 {
			return nil, fmt.Errorf("flow %s: MirrorSourceConnector has no task yet", name)
		}
	}
	return flows, nil
}

// dmWaitFlows waits until dmFlowsRunning holds and returns the flows.
func dmWaitFlows(t *testing.T, p *workerProcess, want map[string]bool, timeout time.Duration) map[string]dmFlow {
	t.Helper()
	var flows map[string]dmFlow
	testkit.Eventually(t, timeout, dmThrottle(250*time.Millisecond, func() error {
		dmAlive(t, p)
		var err error
		flows, err = dmFlowsRunning(t, p.restURL(), want)
		return err
	}))
	return flows
}

// dmTopics lists a cluster's topics, sorted, without the broker's own
// (__consumer_offsets and the like).
func dmTopics(c dmCluster) ([]string, error) {
	if err := c.client.RefreshMetadata(); err != nil {
		return nil, err
	}
	all, err := c.client.Topics()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, topic := range all {
		if !strings.HasPrefix(topic, "__") {
			out = append(out, topic)
		}
	}
	sort.Strings(out)
	return out, nil
}

// dmSameTopics returns nil when the cluster holds exactly want (sorted or
// not), else what is missing and what is extra.
func dmSameTopics(c dmCluster, want []string) error {
	got, err := dmTopics(c)
	if err != nil {
		return err
	}
	w := slices.Clone(want)
	sort.Strings(w)
	if slices.Equal(got, w) {
		return nil
	}
	var missing, extra []string
	for _, x := range w {
		if !slices.Contains(got, x) {
			missing = append(missing, x)
		}
	}
	for _, x := range got {
		if !slices.Contains(w, x) {
			extra = append(extra, x)
		}
	}
	return fmt.Errorf("cluster %s: missing %q, unexpected %q (holds %q)", c.alias, missing, extra, got)
}

// dmInternalTopics are the internal topics of the herder of flow
// source->x on its target cluster x.
func dmInternalTopics(source string) []string {
	return []string{"mm2-configs." + source + ".internal", "mm2-offsets." + source + ".internal", "mm2-status." + source + ".internal"}
}

// dmCount returns the number of records in topic (the sum of its end
// offsets; 0 while it does not exist).
func dmCount(t *testing.T, c dmCluster, topic string) int64 {
	return endOffsets(t, c.client, topic)
}

// dmWaitCount waits until topic on c holds exactly n records.
func dmWaitCount(t *testing.T, p *workerProcess, c dmCluster, topic string, n int64, timeout time.Duration) {
	t.Helper()
	testkit.Eventually(t, timeout, dmThrottle(100*time.Millisecond, func() error {
		if p != nil {
			dmAlive(t, p)
		}
		if got := dmCount(t, c, topic); got != n {
			return fmt.Errorf("%s on %s holds %d records; want %d", topic, c.alias, got, n)
		}
		return nil
	}))
}

// dmHeartbeat returns nil once the newest record of some partition of
// topic on c is a heartbeat source->target (heartbeat topics are compacted:
// only the newest record of each key is sure to stay).
func dmHeartbeat(c dmCluster, topic, source, target string) error {
	ends, err := foEnds(c.client, topic)
	if err != nil {
		return fmt.Errorf("%s on %s: %w", topic, c.alias, err)
	}
	consumer, err := sarama.NewConsumerFromClient(c.client)
	if err != nil {
		return err
	}
	defer func() { _ = consumer.Close() }()
	var seen []string
	for p, end := range ends {
		if end == 0 {
			continue
		}
		pc, err := consumer.ConsumePartition(topic, p, end-1)
		if err != nil {
			return fmt.Errorf("consume %s-%d on %s: %w", topic, p, c.alias, err)
		}
		var m *sarama.ConsumerMessage
		timer := time.NewTimer(30 * time.Second)
		select {
		case m = <-pc.Messages():
		case err = <-pc.Errors():
		case <-timer.C:
			err = fmt.Errorf("no record at offset %d within 30s", end-1)
		}
		timer.Stop()
		_ = pc.Close()
		if err != nil {
			return fmt.Errorf("consume %s-%d on %s: %w", topic, p, c.alias, err)
		}
		hb, err := mirrorclient.DecodeHeartbeat(m.Key, m.Value)
		if err != nil {
			return fmt.Errorf("%s-%d offset %d on %s is not a heartbeat: %v", topic, p, m.Offset, c.alias, err)
		}
		if hb.SourceClusterAlias == source && hb.TargetClusterAlias == target {
			return nil
		}
		seen = append(seen, hb.String())
	}
	return fmt.Errorf("%s on %s: no heartbeat %s->%s among the newest records %v", topic, c.alias, source, target, seen)
}

// dmWaitCheckpoints waits until the checkpoints of group from source on c
// (source.checkpoints.internal, read with Ferry's mirrorclient) cover every
// partition of committed with its committed upstream offset and a
// downstream offset in [1, committed], and returns them. Then mirrorclient's
// TranslateOffsets (Java's RemoteClusterUtils.translateOffsets) must give
// the same downstream offsets.
func dmWaitCheckpoints(t *testing.T, c dmCluster, group, source, remote string, committed map[int32]int64, timeout time.Duration) map[int32]mirrorclient.Checkpoint {
	t.Helper()
	mc, err := mirrorclient.NewClient(map[string]string{"bootstrap.servers": join(c.addrs())})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = mc.Close() }()
	got := map[int32]mirrorclient.Checkpoint{}
	testkit.Eventually(t, timeout, dmThrottle(250*time.Millisecond, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		cps, err := mc.Checkpoints(ctx, group, source)
		if err != nil {
			return err
		}
		for p, up := range committed {
			cp, ok := cps[mirrorclient.TopicPartition{Topic: remote, Partition: p}]
			switch {
			case !ok:
				return fmt.Errorf("group %s: no checkpoint for %s-%d on %s yet: %v", group, remote, p, c.alias, cps)
			case cp.UpstreamOffset != up:
				return fmt.Errorf("group %s: checkpoint %v; want upstream offset %d", group, cp, up)
			case cp.DownstreamOffset < 1 || cp.DownstreamOffset > up:
				return fmt.Errorf("group %s: checkpoint %v; want a downstream offset in [1, %d]", group, cp, up)
			}
			got[p] = cp
		}
		return nil
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tr, err := mirrorclient.TranslateOffsets(ctx, map[string]string{"bootstrap.servers": join(c.addrs())}, source, group)
	if err != nil {
		t.Fatalf("TranslateOffsets(%s, %s) on %s: %v", source, group, c.alias, err)
	}
	for p, cp := range got {
		// A newer checkpoint may have come since: never a smaller one.
		om, ok := tr[mirrorclient.TopicPartition{Topic: remote, Partition: p}]
		if !ok || om.Offset < cp.DownstreamOffset || om.Offset > committed[p] {
			t.Errorf("TranslateOffsets(%s, %s) on %s = %v; want %s-%d at %d..%d", source, group, c.alias, tr, remote, p, cp.DownstreamOffset, committed[p])
		}
	}
	return got
}

// dmSortedConnectors returns GET <prefix>/connectors, sorted.
func dmSortedConnectors(t *testing.T, url string) ([]string, error) {
	code, body := call(t, http.MethodGet, url, nil)
	if code != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %d %s", url, code, body)
	}
	var names []string
	if err := json.Unmarshal(body, &names); err != nil {
		return nil, fmt.Errorf("GET %s: %v: %s", url, err, body)
	}
	sort.Strings(names)
	return names, nil
}

// dmErrorLine returns the output's single "error: " line, failing the test
// unless there is exactly one and no panic.
func dmErrorLine(t *testing.T, out string) string {
	t.Helper()
	if strings.Contains(out, "panic") || strings.Contains(out, "goroutine ") {
		t.Fatalf("output has a panic or stack trace:\n%s", out)
	}
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "error: ") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 {
		t.Fatalf("want exactly one \"error: \" line, got %d:\n%s", len(lines), out)
	}
	return lines[0]
}
