package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
	"github.com/ferrykafka/ferry/test/testkit"
)

// The failover suites (failover_test.go, checkpoint_latency_test.go) run
// MirrorMaker 2's three connectors on Ferry workers for a flow A->B: the
// worker's Kafka cluster is B, so every connector's records (copies,
// checkpoints, heartbeats) go to B, and the offset syncs go to A. Every
// alias, topic and group is a UniqueName, so the suites also run on shared
// clusters (FERRY_TEST_KAFKA=external).

// foFlow is one MirrorMaker 2 flow A->B and the names it uses.
type foFlow struct {
	a, b           testkit.Kafka
	aliasA, aliasB string
	// topic is the upstream topic on A; remote its copy on B.
	topic, remote string
	partitions    int32
	// syncsTopic is on A (offset-syncs.topic.location=source);
	// checkpointsTopic on B.
	syncsTopic, checkpointsTopic string
	// rfA and rfB are the replication factors the connectors' topics get
	// on A and B: 1 on a one-broker cluster, at most 3.
	rfA, rfB string
	// run tells this test's record values apart from any other's.
	run string

	client *mirrorclient.Client // on B
}

// newFoFlow names a flow between two clusters and creates its upstream
// topic on A.
func newFoFlow(t *testing.T, a, b testkit.Kafka, base string, partitions int32) *foFlow {
	t.Helper()
	f := &foFlow{
		a: a, b: b,
		aliasA:     testkit.UniqueName("a"),
		aliasB:     testkit.UniqueName("b"),
		topic:      testkit.UniqueName(base),
		partitions: partitions,
		rfA:        foReplicationFactor(t, a.Addrs()),
		rfB:        foReplicationFactor(t, b.Addrs()),
		run:        testkit.UniqueName("run"),
	}
	f.remote = f.aliasA + "." + f.topic
	f.syncsTopic = "mm2-offset-syncs." + f.aliasB + ".internal"
	f.checkpointsTopic = f.aliasA + ".checkpoints.internal"
	createTopic(t, a.Addrs(), f.topic, partitions)
	// The syncs topic, created here without compaction, so the test reads
	// every sync written and not only the latest of each partition (the
	// in-process Kafka compacts within 200 ms); the connector finds it
	// there.
	createTopic(t, a.Addrs(), f.syncsTopic, 1)
	c, err := mirrorclient.NewClient(map[string]string{"bootstrap.servers": join(b.Addrs())})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	f.client = c
	return f
}

// foReplicationFactor is the replication factor for topics the connectors
// create on a cluster: its broker count, at most 3.
func foReplicationFactor(t *testing.T, addrs []string) string {
	t.Helper()
	_, client := saramaConfig(t, addrs)
	return strconv.Itoa(min(len(client.Brokers()), 3))
}

// foStartWorker starts a Ferry worker whose Kafka cluster is addrs, with the
// given offset.flush.interval.ms.
func foStartWorker(t *testing.T, addrs []string, flushMs string) *workerProcess {
	t.Helper()
	props := workerProps(addrs, testkit.UniqueName("e2e-failover"))
	props["offset.flush.interval.ms"] = flushMs
	return startWorker(t, writeProps(t, props))
}

// sourceConfig is MirrorSourceConnector A->B for the flow's topic (its
// heartbeats topic too: heartbeats.replication.enabled is on by default).
func (f *foFlow) sourceConfig() map[string]string {
	cfg := mirrorConfig(f.a.Addrs(), f.b.Addrs(), f.topic)
	cfg["source.cluster.alias"] = f.aliasA
	cfg["target.cluster.alias"] = f.aliasB
	cfg["replication.factor"] = f.rfB
	cfg["offset-syncs.topic.replication.factor"] = f.rfA
	cfg["sync.topic.acls.enabled"] = "false"
	return cfg
}

// checkpointConfig is MirrorCheckpointConnector A->B for the flow's topic
// and the given groups (one task, so one loop handles every group),
// checkpoints every second unless extra says otherwise.
func (f *foFlow) checkpointConfig(groups []string, extra map[string]string) map[string]string {
	cfg := map[string]string{
		"connector.class":                      "MirrorCheckpointConnector",
		"source.cluster.alias":                 f.aliasA,
		"target.cluster.alias":                 f.aliasB,
		"source.cluster.bootstrap.servers":     join(f.a.Addrs()),
		"target.cluster.bootstrap.servers":     join(f.b.Addrs()),
		"topics":                               f.topic,
		"groups":                               strings.Join(groups, ","),
		"emit.checkpoints.interval.seconds":    "1",
		"refresh.groups.interval.seconds":      "1",
		"checkpoints.topic.replication.factor": f.rfB,
		"tasks.max":                            "1",
	}
	for k, v := range extra {
		if v == "" {
			delete(cfg, k)
		} else {
			cfg[k] = v
		}
	}
	return cfg
}

// foHeartbeatConfig is MirrorHeartbeatConnector source->target: it writes
// heartbeats keyed (source, target) to `heartbeats` on the worker's
// cluster, which must be target's.
func foHeartbeatConfig(source, target string, sourceAddrs, targetAddrs []string, rf string) map[string]string {
	return map[string]string{
		"connector.class":                     "MirrorHeartbeatConnector",
		"source.cluster.alias":                source,
		"target.cluster.alias":                target,
		"source.cluster.bootstrap.servers":    join(sourceAddrs),
		"target.cluster.bootstrap.servers":    join(targetAddrs),
		"heartbeats.topic.replication.factor": rf,
		"tasks.max":                           "1",
	}
}

// foCreateConnector creates a connector and waits until it and at least
// minTasks tasks run.
func foCreateConnector(t *testing.T, w *workerProcess, name string, cfg map[string]string, minTasks int) {
	t.Helper()
	code, body := call(t, http.MethodPost, w.restURL()+"/connectors", map[string]any{"name": name, "config": cfg})
	if code != http.StatusCreated {
		t.Fatalf("create connector %s: %d %s", name, code, body)
	}
	testkit.Eventually(t, 120*time.Second, func() error { return runningStatus(t, w.restURL(), name, minTasks) })
}

// key and value of record i of a partition of the flow's topic: unique
// across partitions and test runs.
func (f *foFlow) key(p int32, i int64) string { return fmt.Sprintf("%s-p%d-k%d", f.topic, p, i) }
func (f *foFlow) value(p int32, i int64) string {
	return fmt.Sprintf("%s-p%d-v%d", f.run, p, i)
}

// produce writes records [from, to) of partition p to the flow's topic on
// A (record i at offset i: the topic is written only by this call).
func (f *foFlow) produce(t testing.TB, p int32, from, to int64) {
	t.Helper()
	if to <= from {
		return
	}
	_, client := saramaConfig(t, f.a.Addrs())
	prod, err := sarama.NewSyncProducerFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = prod.Close() }()
	const batch = 500
	for start := from; start < to; start += batch {
		var msgs []*sarama.ProducerMessage
		for i := start; i < min(start+batch, to); i++ {
			msgs = append(msgs, &sarama.ProducerMessage{Topic: f.topic, Partition: p,
				Key: sarama.StringEncoder(f.key(p, i)), Value: sarama.StringEncoder(f.value(p, i))})
		}
		if err := prod.SendMessages(msgs); err != nil {
			t.Fatalf("produce to %s-%d: %v", f.topic, p, err)
		}
	}
}

// foEnds returns a topic's end offset per partition (nil when the topic is
// not there yet).
func foEnds(client sarama.Client, topic string) (map[int32]int64, error) {
	if err := client.RefreshMetadata(topic); err != nil {
		return nil, err
	}
	parts, err := client.Partitions(topic)
	if err != nil {
		return nil, err
	}
	out := map[int32]int64{}
	for _, p := range parts {
		off, err := client.GetOffset(topic, p, sarama.OffsetNewest)
		if err != nil {
			return nil, err
		}
		out[p] = off
	}
	return out, nil
}

// waitCopiedAndSynced waits until B holds the first ends[p] records of every
// partition and A's offset syncs include the last of them (MirrorSourceTask
// writes that sync at its next offset commit): once it has, no sync for
// these records is still to come.
func (f *foFlow) waitCopiedAndSynced(t *testing.T, ends map[int32]int64, timeout time.Duration) {
	t.Helper()
	_, tgt := saramaConfig(t, f.b.Addrs())
	testkit.Eventually(t, timeout, func() error {
		got, err := foEnds(tgt, f.remote)
		if err != nil {
			return fmt.Errorf("%s on B: %w", f.remote, err)
		}
		for p, want := range ends {
			if got[p] != want {
				return fmt.Errorf("%s-%d on B ends at %d; want %d", f.remote, p, got[p], want)
			}
		}
		return nil
	})
	testkit.Eventually(t, timeout, func() error {
		last := lastSyncs(f.syncs(t), f.topic)
		for p, want := range ends {
			if s, ok := last[p]; !ok || s.Upstream != want-1 {
				return fmt.Errorf("partition %d: last offset sync %v; want one for upstream offset %d", p, s, want-1)
			}
		}
		return nil
	})
}

// syncs reads the offset syncs of the flow's topic (the syncs topic also
// holds those of A's heartbeats topic).
func (f *foFlow) syncs(t *testing.T) []offsetSyncRecord {
	t.Helper()
	var out []offsetSyncRecord
	for _, s := range readOffsetSyncs(t, f.a.Addrs(), f.syncsTopic) {
		if s.Topic == f.topic {
			out = append(out, s)
		}
	}
	return out
}

// modelTranslation is what Java's OffsetSyncStore translates each upstream
// offset to, given every sync of the flow's topic written so far (the
// syncStore model of offsetsync_store_test.go).
func (f *foFlow) modelTranslation(t *testing.T, upstream map[int32]int64) map[int32]int64 {
	t.Helper()
	store := syncStore{}
	for _, s := range f.syncs(t) {
		store.add(s)
	}
	out := map[int32]int64{}
	for p, up := range upstream {
		down, ok := store.translate(f.topic, p, up)
		if !ok {
			t.Fatalf("no offset sync for %s-%d", f.topic, p)
		}
		out[p] = down
	}
	return out
}

// checkpoints returns group's latest checkpoint of each partition of the
// remote topic, read from B with Ferry's mirrorclient (nil, error while
// the checkpoints topic does not exist yet).
func (f *foFlow) checkpoints(t *testing.T, group string) (map[int32]mirrorclient.Checkpoint, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cps, err := f.client.Checkpoints(ctx, group, f.aliasA)
	if err != nil {
		return nil, err
	}
	out := map[int32]mirrorclient.Checkpoint{}
	for tp, cp := range cps {
		if tp.Topic != f.remote {
			t.Fatalf("checkpoint of group %s for topic %q; want only %q: %v", group, tp.Topic, f.remote, cp)
		}
		out[tp.Partition] = cp
	}
	return out, nil
}

// waitCheckpoints waits until group has a checkpoint for every partition of
// upstream whose upstream offset is that one and whose downstream offset
// is at least the model's translation of the syncs written (a checkpoint
// computed before the task had read every sync may be better, never worse:
// a worse one is not emitted), and returns them.
func (f *foFlow) waitCheckpoints(t *testing.T, group string, upstream map[int32]int64, metadata string, timeout time.Duration) map[int32]mirrorclient.Checkpoint {
	t.Helper()
	model := f.modelTranslation(t, upstream)
	var got map[int32]mirrorclient.Checkpoint
	testkit.Eventually(t, timeout, func() error {
		var err error
		if got, err = f.checkpoints(t, group); err != nil {
			return err
		}
		for p, up := range upstream {
			cp, ok := got[p]
			switch {
			case !ok:
				return fmt.Errorf("group %s: no checkpoint for partition %d yet (%d partitions)", group, p, len(got))
			case cp.UpstreamOffset != up:
				return fmt.Errorf("group %s partition %d: checkpoint %v; want upstream offset %d", group, p, cp, up)
			case cp.DownstreamOffset < model[p]:
				return fmt.Errorf("group %s partition %d: checkpoint %v; want downstream offset at least %d (the model's translation)", group, p, cp, model[p])
			case cp.Metadata != metadata:
				return fmt.Errorf("group %s partition %d: checkpoint %v; want metadata %q", group, p, cp, metadata)
			}
		}
		return nil
	})
	return got
}

// foOffset is a committed offset with its metadata.
type foOffset struct {
	Offset   int64
	Metadata string
}

// foCommitted returns group's committed offsets for topic's partitions
// (those with a commit only).
func foCommitted(t *testing.T, addrs []string, group, topic string, partitions int32) map[int32]foOffset {
	t.Helper()
	_, client := saramaConfig(t, addrs)
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	parts := make([]int32, partitions)
	for i := range parts {
		parts[i] = int32(i)
	}
	var resp *sarama.OffsetFetchResponse
	testkit.Eventually(t, 60*time.Second, func() error {
		resp, err = admin.ListConsumerGroupOffsets(group, map[string][]int32{topic: parts})
		if err == nil && !errors.Is(resp.Err, sarama.ErrNoError) {
			err = resp.Err
		}
		if errors.Is(err, sarama.ErrGroupIDNotFound) {
			return nil // no offsets
		}
		return err
	})
	out := map[int32]foOffset{}
	if err != nil {
		return out
	}
	for _, p := range parts {
		if b := resp.GetBlock(topic, p); b != nil && b.Offset >= 0 {
			out[p] = foOffset{b.Offset, b.Metadata}
		}
	}
	return out
}

// foCommit commits group's offsets (with metadata) for the partitions of
// topic as an admin client does (generation -1, no member), and reads them
// back.
func foCommit(t *testing.T, addrs []string, group, topic string, offsets map[int32]int64, metadata string) {
	t.Helper()
	_, client := saramaConfig(t, addrs)
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	req := map[string]map[int32]sarama.OffsetAndMetadata{topic: {}}
	var parts []int32
	for p, off := range offsets {
		req[topic][p] = sarama.OffsetAndMetadata{Offset: off, Metadata: metadata, LeaderEpoch: -1}
		parts = append(parts, p)
	}
	testkit.Eventually(t, 60*time.Second, func() error {
		resp, err := admin.AlterConsumerGroupOffsets(group, req, nil)
		if err != nil {
			return err
		}
		for p := range offsets {
			if kerr := resp.Errors[topic][p]; !errors.Is(kerr, sarama.ErrNoError) {
				return fmt.Errorf("commit %s-%d of group %s: %w", topic, p, group, kerr)
			}
		}
		fetched, err := admin.ListConsumerGroupOffsets(group, map[string][]int32{topic: parts})
		if err != nil {
			return err
		}
		for p, off := range offsets {
			if b := fetched.GetBlock(topic, p); b == nil || b.Offset != off || b.Metadata != metadata {
				return fmt.Errorf("group %s partition %d: committed %+v; want %d %q", group, p, b, off, metadata)
			}
		}
		return nil
	})
}

// foClientConfig is a sarama configuration of its own (not shared with a
// running client, so the caller may change it).
func foClientConfig(t testing.TB, addrs []string) *kafkaclient.Config {
	t.Helper()
	kc, err := kafkaclient.Parse(map[string]string{"bootstrap.servers": join(addrs), "client.id": "ferry-e2e-failover"})
	if err != nil {
		t.Fatal(err)
	}
	return kc
}

// foGroupState returns a consumer group's state and member count.
func foGroupState(t *testing.T, addrs []string, group string) (string, int, error) {
	t.Helper()
	_, client := saramaConfig(t, addrs)
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		return "", 0, err
	}
	descs, err := admin.DescribeConsumerGroups([]string{group})
	if err != nil {
		return "", 0, err
	}
	if len(descs) != 1 {
		return "", 0, fmt.Errorf("%d descriptions of group %s", len(descs), group)
	}
	if !errors.Is(descs[0].Err, sarama.ErrNoError) {
		return "", 0, descs[0].Err
	}
	return descs[0].State, len(descs[0].Members), nil
}

// foMember is a running member of a consumer group (sarama's
// ConsumerGroup), recording what it reads.
type foMember struct {
	cancel context.CancelFunc
	done   chan struct{}
	cg     sarama.ConsumerGroup
	stop1  sync.Once
	commit bool

	mu      sync.Mutex
	records map[int32][]record
	errs    []error
}

// foJoin starts a member of group consuming topics on addrs. With commit
// it marks every record read (and auto-commit commits them); without, it
// commits nothing.
func foJoin(t *testing.T, addrs []string, group string, topics []string, commit bool) *foMember {
	t.Helper()
	kc := foClientConfig(t, addrs)
	sc := kc.Sarama
	sc.Consumer.Offsets.Initial = sarama.OffsetOldest
	sc.Consumer.Offsets.AutoCommit.Enable = commit
	sc.Consumer.Offsets.AutoCommit.Interval = 200 * time.Millisecond
	sc.Consumer.Return.Errors = false
	cg, err := sarama.NewConsumerGroup(kc.Brokers, group, sc)
	if err != nil {
		t.Fatalf("consumer group %s: %v", group, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &foMember{cancel: cancel, done: make(chan struct{}), cg: cg, commit: commit, records: map[int32][]record{}}
	go func() {
		defer close(m.done)
		for ctx.Err() == nil {
			if err := cg.Consume(ctx, topics, m); err != nil && ctx.Err() == nil {
				m.mu.Lock()
				m.errs = append(m.errs, err)
				m.mu.Unlock()
				if errors.Is(err, sarama.ErrClosedConsumerGroup) {
					return
				}
			}
		}
	}()
	t.Cleanup(m.stop)
	return m
}

func (m *foMember) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (m *foMember) Cleanup(sarama.ConsumerGroupSession) error { return nil }

func (m *foMember) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for {
		select {
		case msg, ok := <-claim.Messages():
			if !ok {
				return nil
			}
			m.mu.Lock()
			m.records[msg.Partition] = append(m.records[msg.Partition],
				record{Partition: msg.Partition, Offset: msg.Offset, Key: msg.Key, Value: msg.Value})
			m.mu.Unlock()
			if m.commit {
				sess.MarkMessage(msg, "")
			}
		case <-sess.Context().Done():
			return nil
		}
	}
}

// read returns a copy of the records read so far, per partition.
func (m *foMember) read() map[int32][]record {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[int32][]record{}
	for p, recs := range m.records {
		out[p] = append([]record(nil), recs...)
	}
	return out
}

func (m *foMember) errors() []error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]error(nil), m.errs...)
}

// stop leaves the group (sarama sends LeaveGroup on Close) and waits for
// the consume loop to end.
func (m *foMember) stop() {
	m.stop1.Do(func() {
		m.cancel()
		_ = m.cg.Close()
		<-m.done
	})
}

// foWaitMember waits until group on addrs is Stable with exactly one member.
func foWaitMember(t *testing.T, addrs []string, group string) {
	t.Helper()
	testkit.Eventually(t, 120*time.Second, func() error {
		state, members, err := foGroupState(t, addrs, group)
		if err != nil {
			return err
		}
		if state != "Stable" || members != 1 {
			return fmt.Errorf("group %s: state %s, %d members; want Stable with 1", group, state, members)
		}
		return nil
	})
}

// foCLI is one run of `connect-mirror-maker failover`.
type foCLI struct {
	code           int
	stdout, stderr string
}

// runFailoverCommand runs the built connect-mirror-maker with args and
// returns its exit code and output.
func runFailoverCommand(t *testing.T, args ...string) foCLI {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bins.mirrorMaker, append([]string{"failover"}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("connect-mirror-maker failover %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	if ctx.Err() != nil {
		t.Fatalf("connect-mirror-maker failover %s: timed out\n%s", strings.Join(args, " "), stderr.String())
	}
	return foCLI{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}
}

// foReport is the JSON report of the failover command (package failover's
// Report), as a client would read it.
type foReport struct {
	Group            string `json:"group"`
	From             string `json:"from"`
	To               string `json:"to"`
	CheckpointsTopic string `json:"checkpoints_topic"`
	Source           struct {
		Queried bool   `json:"queried"`
		Error   string `json:"error"`
	} `json:"source"`
	TargetGroup struct {
		State   string `json:"state"`
		Members int    `json:"members"`
	} `json:"target_group"`
	Partitions []struct {
		Topic              string `json:"topic"`
		Partition          int32  `json:"partition"`
		UpstreamTopic      string `json:"upstream_topic"`
		SourceCommitted    *int64 `json:"source_committed"`
		CheckpointUpstream int64  `json:"checkpoint_upstream"`
		CheckpointLag      *int64 `json:"checkpoint_lag"`
		Translated         int64  `json:"translated"`
		TargetCommitted    *int64 `json:"target_committed"`
		Action             string `json:"action"`
		Metadata           string `json:"metadata"`
	} `json:"partitions"`
	Outcome string `json:"outcome"`
	Summary string `json:"summary"`
	Applied []struct {
		Topic     string `json:"topic"`
		Partition int32  `json:"partition"`
		Old       *int64 `json:"old"`
		New       int64  `json:"new"`
	} `json:"applied"`
}

// report decodes the run's JSON report.
func (r foCLI) report(t *testing.T) foReport {
	t.Helper()
	var rep foReport
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("failover --output json printed no report we can read (%v):\n%s\nstderr:\n%s", err, r.stdout, r.stderr)
	}
	return rep
}

func (r foCLI) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// foDistinct returns the sorted, distinct elements of s.
func foDistinct(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

// foContains reports whether s holds every one of want.
func foContains(s []string, want ...string) error {
	have := map[string]bool{}
	for _, x := range s {
		have[x] = true
	}
	for _, w := range want {
		if !have[w] {
			return fmt.Errorf("%q missing from %q", w, s)
		}
	}
	return nil
}
