package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
	"github.com/ferrykafka/ferry/test/kafkaharness"
	"github.com/ferrykafka/ferry/test/testkit"
)

// TestDedicatedMatchesJava runs Java's connect-mirror-maker 4.3.1 and
// Ferry's on the same mm2.properties (identical but for the two
// bootstrap.servers lines), each between its own pair of real clusters A
// and B prepared alike (two source topics, one with non-default configs,
// the same records, the same consumer group offsets), and compares what
// they leave on the clusters: the topic names on both clusters (mirrored
// topics, heartbeats, checkpoints, offset syncs, the herders' internal
// topics), every topic's partition count and non-default configs (the
// configs MirrorSourceConnector synced to the remote topics, the internal
// topics' cleanup.policy), the checkpoints of the group, and the
// connector and task configs, task counts and record keys in the herders'
// config topics mm2-configs.<source>.internal (addresses replaced by the
// cluster aliases).
//
// The flows: A->B enabled; B->A disabled, so (heartbeats being on) it has
// a herder of its own that only emits heartbeats into A. The file also
// sets a client setting for every cluster at the top level
// (security.protocol), a consumer setting of cluster A and a per-flow
// connector setting, which Java's MirrorMakerConfig spreads into the
// connector configs in its own way.
func TestDedicatedMatchesJava(t *testing.T) {
	if testkit.KafkaMode() != testkit.KafkaReal {
		t.Skip("compares with Java's connect-mirror-maker on real Kafka: runs with FERRY_TEST_KAFKA=real")
	}
	kafkaharness.RequireKafka(t)
	t.Parallel()
	began := time.Now()
	ks := kafkaharness.StartClusters(t, []string{"java-a", "java-b", "ferry-a", "ferry-b"})
	side := func(a, b *kafkaharness.Cluster) map[string]dmCluster {
		_, ca := saramaConfig(t, a.Addrs())
		_, cb := saramaConfig(t, b.Addrs())
		return map[string]dmCluster{"A": {alias: "A", k: a, client: ca}, "B": {alias: "B", k: b, client: cb}}
	}
	javaCs, ferryCs := side(ks[0], ks[1]), side(ks[2], ks[3])
	clustersAt := time.Now()

	orders, events := testkit.UniqueName("orders"), testkit.UniqueName("events")
	group := testkit.UniqueName("dm-java-group")
	ordersConfig := map[string]string{
		"retention.ms":           "7200000",
		"max.message.bytes":      "2097152",
		"cleanup.policy":         "compact",
		"min.insync.replicas":    "1",             // not synced (Java's DefaultConfigPropertyFilter)
		"message.timestamp.type": "LogAppendTime", // not synced either
	}
	for _, cs := range []map[string]dmCluster{javaCs, ferryCs} {
		dmCreateTopic(t, cs["A"], orders, 2, ordersConfig)
		createTopic(t, cs["A"].addrs(), events, 1)
		produce(t, cs["A"].addrs(), orders, 2, 0, 20)
		produce(t, cs["A"].addrs(), events, 1, 0, 5)
		foCommit(t, cs["A"].addrs(), group, orders, map[int32]int64{0: 10, 1: 10}, "dm-java")
	}

	props := func(cs map[string]dmCluster) map[string]string {
		p := dmBaseProps(cs, "A", "B")
		p["A->B.enabled"] = "true"
		p["B->A.enabled"] = "false"
		p["topics"] = ".*"
		p["security.protocol"] = "PLAINTEXT"
		p["A.consumer.max.poll.records"] = "300"
		p["A->B.sync.topic.configs.interval.seconds"] = "2"
		return p
	}
	javaFile, ferryFile := dmFormat(props(javaCs)), dmFormat(props(ferryCs))
	if diff := dmLineDiff(javaFile, ferryFile); len(diff) != 2 ||
		!strings.HasPrefix(diff[0], "A.bootstrap.servers = ") || !strings.HasPrefix(diff[1], "B.bootstrap.servers = ") {
		t.Fatalf("the two files differ in more than the bootstrap.servers lines: %q", diff)
	}
	t.Logf("mm2.properties (Java's; Ferry's differs in the bootstrap.servers lines only):\n%s", javaFile)

	ferry := dmStart(t, dmWrite(t, props(ferryCs)))
	java := kafkaharness.StartJavaMirrorMaker(t, dmWrite(t, props(javaCs)))
	startedAt := time.Now()

	// What both must reach. B: the copies, the heartbeats of A->B and the
	// copy of A's (which B->A's heartbeat connector writes), the
	// checkpoints, A->B's herder topics. A: the sources, B->A's heartbeats,
	// A->B's offset syncs, B->A's herder topics; nothing of B->A's source
	// or checkpoint connectors (disabled).
	wantB := append([]string{"A." + orders, "A." + events, "heartbeats", "A.heartbeats", "A.checkpoints.internal"}, dmInternalTopics("A")...)
	wantA := append([]string{orders, events, "heartbeats", "mm2-offset-syncs.B.internal"}, dmInternalTopics("B")...)
	for _, s := range []struct {
		name string
		cs   map[string]dmCluster
	}{{"Java", javaCs}, {"Ferry", ferryCs}} {
		testkit.Eventually(t, 120*time.Second, dmThrottle(500*time.Millisecond, func() error {
			if !java.Running() {
				t.Fatalf("Java's MirrorMaker exited:\n%s", java.LogTail(60))
			}
			dmAlive(t, ferry)
			for _, w := range []struct {
				c    dmCluster
				want []string
			}{{s.cs["A"], wantA}, {s.cs["B"], wantB}} {
				if err := dmSameTopics(w.c, w.want); err != nil {
					return fmt.Errorf("%s: %w", s.name, err)
				}
			}
			if n := dmCount(t, s.cs["B"], "A."+orders); n != 20 {
				return fmt.Errorf("%s: A.%s holds %d records; want 20", s.name, orders, n)
			}
			if n := dmCount(t, s.cs["B"], "A."+events); n != 5 {
				return fmt.Errorf("%s: A.%s holds %d records; want 5", s.name, events, n)
			}
			return nil
		}))
	}
	topicsAt := time.Now()
	dmWaitFlows(t, ferry, map[string]bool{"A->B": true, "B->A": false}, 60*time.Second)

	// Checkpoints of the group, on both sides, to the same offsets.
	var cps [2]string
	for i, cs := range []map[string]dmCluster{javaCs, ferryCs} {
		got := dmWaitCheckpoints(t, cs["B"], group, "A", "A."+orders, map[int32]int64{0: 10, 1: 10}, 90*time.Second)
		cps[i] = fmt.Sprint(got)
	}
	testkit.Eventually(t, 60*time.Second, dmThrottle(time.Second, func() error {
		j, err := dmReadCheckpoints(javaCs["B"], group, "A")
		if err != nil {
			return err
		}
		f, err := dmReadCheckpoints(ferryCs["B"], group, "A")
		if err != nil {
			return err
		}
		if !maps.Equal(j, f) {
			return fmt.Errorf("checkpoints of %s: Java %v, Ferry %v", group, j, f)
		}
		return nil
	}))
	t.Logf("checkpoints of %s: Java %s, Ferry %s", group, cps[0], cps[1])

	// Partition counts and non-default topic configs, topic by topic.
	for _, alias := range []string{"A", "B"} {
		jc, fc := javaCs[alias], ferryCs[alias]
		topics, err := dmTopics(jc)
		if err != nil {
			t.Fatal(err)
		}
		for _, topic := range topics {
			jp, jerr := jc.client.Partitions(topic)
			fp, ferr := fc.client.Partitions(topic)
			if jerr != nil || ferr != nil || len(jp) != len(fp) {
				t.Errorf("%s on %s: %d partitions with Java (%v), %d with Ferry (%v)", topic, alias, len(jp), jerr, len(fp), ferr)
			}
		}
		// Remote topics get their configs at creation and from the
		// periodic sync: wait for them to settle on both sides.
		err = dmSettle(60*time.Second, time.Second, func() error {
			var diffs []string
			for _, topic := range topics {
				jcfg, err := dmTopicConfig(jc, topic)
				if err != nil {
					return err
				}
				fcfg, err := dmTopicConfig(fc, topic)
				if err != nil {
					return err
				}
				if !maps.Equal(jcfg, fcfg) {
					diffs = append(diffs, fmt.Sprintf("%s on %s: Java %v, Ferry %v", topic, alias, jcfg, fcfg))
				}
			}
			if len(diffs) > 0 {
				return errors.New("non-default topic configs differ:\n" + strings.Join(diffs, "\n"))
			}
			return nil
		})
		if err != nil {
			t.Errorf("cluster %s: %v", alias, err)
		}
	}
	// The synced configs are there at all (else both sides may agree on
	// nothing): retention.ms and max.message.bytes copied, the excluded
	// ones not, compaction on every internal topic.
	remoteCfg, err := dmTopicConfig(javaCs["B"], "A."+orders)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"retention.ms": "7200000", "max.message.bytes": "2097152", "cleanup.policy": "compact"} {
		if remoteCfg[k] != v {
			t.Errorf("Java's A.%s on B: %s = %q; want %q (all: %v)", orders, k, remoteCfg[k], v, remoteCfg)
		}
	}
	for _, k := range []string{"min.insync.replicas", "message.timestamp.type"} {
		if _, ok := remoteCfg[k]; ok {
			t.Errorf("Java's A.%s on B has %s (%v): the test's idea of the config filter is wrong", orders, k, remoteCfg)
		}
	}
	for alias, topics := range map[string][]string{
		"A": append([]string{"heartbeats", "mm2-offset-syncs.B.internal"}, dmInternalTopics("B")...),
		"B": append([]string{"heartbeats", "A.checkpoints.internal"}, dmInternalTopics("A")...),
	} {
		for _, topic := range topics {
			cfg, err := dmTopicConfig(ferryCs[alias], topic)
			if err != nil {
				t.Fatal(err)
			}
			if cfg["cleanup.policy"] != "compact" {
				t.Errorf("Ferry's %s on %s: cleanup.policy %q; want compact (configs %v)", topic, alias, cfg["cleanup.policy"], cfg)
			}
		}
	}

	// The herders' config topics: connector configs (the ones each flow's
	// leader wrote from the file), task configs and counts, record keys.
	addrs := func(cs map[string]dmCluster) map[string]string {
		return map[string]string{join(cs["A"].addrs()): "${A}", join(cs["B"].addrs()): "${B}"}
	}
	var last [2]dmConfigTopic
	for _, ct := range []struct {
		alias, topic string
	}{{"B", "mm2-configs.A.internal"}, {"A", "mm2-configs.B.internal"}} {
		err := dmSettle(30*time.Second, time.Second, func() error {
			j, err := dmReadConfigTopic(javaCs[ct.alias], ct.topic, addrs(javaCs))
			if err != nil {
				return fmt.Errorf("Java's %s: %w", ct.topic, err)
			}
			f, err := dmReadConfigTopic(ferryCs[ct.alias], ct.topic, addrs(ferryCs))
			if err != nil {
				return fmt.Errorf("Ferry's %s: %w", ct.topic, err)
			}
			last = [2]dmConfigTopic{j, f}
			if len(j.Connectors) != 3 {
				return fmt.Errorf("Java's %s holds connector configs %v; want the three", ct.topic, dmKeys(j.Connectors))
			}
			return j.diff(f)
		})
		if ct.topic == "mm2-configs.A.internal" {
			t.Logf("Java's MirrorSourceConnector config for A->B (addresses replaced): %v", last[0].Connectors["MirrorSourceConnector"])
		}
		if err != nil {
			t.Errorf("%s differs between Java (reference) and Ferry:\n%v", ct.topic, err)
			continue
		}
		t.Logf("%s: the same with Java and Ferry: connectors %v, tasks %v, task counts %v, keys %v", ct.topic,
			dmKeys(last[0].Connectors), dmKeys(last[0].Tasks), last[0].Commits, last[0].Keys)
	}
	t.Logf("MM2 COMPARISON: clusters %v, set-up %v, topics settled %v after the start, compared in %v in all",
		clustersAt.Sub(began).Round(100*time.Millisecond), startedAt.Sub(clustersAt).Round(100*time.Millisecond),
		topicsAt.Sub(startedAt).Round(100*time.Millisecond), time.Since(began).Round(100*time.Millisecond))
	ferry.stop()
	java.Stop()
}

// dmReadCheckpoints returns the checkpoints of group from source on c.
func dmReadCheckpoints(c dmCluster, group, source string) (map[mirrorclient.TopicPartition]mirrorclient.Checkpoint, error) {
	mc, err := mirrorclient.NewClient(map[string]string{"bootstrap.servers": join(c.addrs())})
	if err != nil {
		return nil, err
	}
	defer func() { _ = mc.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return mc.Checkpoints(ctx, group, source)
}

// dmSettle polls cond every interval until it returns nil or timeout has
// passed, and returns its last answer. Unlike testkit.Eventually it does
// not fail the test: a comparison reports its difference and the test
// goes on to the next.
func dmSettle(timeout, interval time.Duration, cond func() error) error {
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		err := cond()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		<-tick.C
	}
}

// dmCreateTopic creates a topic with configs.
func dmCreateTopic(t *testing.T, c dmCluster, topic string, partitions int32, configs map[string]string) {
	t.Helper()
	admin, err := sarama.NewClusterAdminFromClient(c.client)
	if err != nil {
		t.Fatal(err)
	}
	entries := map[string]*string{}
	for k, v := range configs {
		entries[k] = &v
	}
	if err := admin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: partitions, ReplicationFactor: 1, ConfigEntries: entries}, false); err != nil {
		t.Fatalf("create topic %s on %s: %v", topic, c.alias, err)
	}
}

// dmTopicConfig returns a topic's configs set on the topic itself
// (DYNAMIC_TOPIC_CONFIG), not the defaults.
func dmTopicConfig(c dmCluster, topic string) (map[string]string, error) {
	admin, err := sarama.NewClusterAdminFromClient(c.client)
	if err != nil {
		return nil, err
	}
	// Not closed: closing it would close the shared client.
	results, err := admin.DescribeConfigs([]*sarama.ConfigResource{{Type: sarama.TopicResource, Name: topic}}, sarama.DescribeConfigsOptions{})
	if err != nil {
		return nil, fmt.Errorf("describe %s on %s: %w", topic, c.alias, err)
	}
	out := map[string]string{}
	for _, r := range results {
		if r.Name != topic {
			continue
		}
		if r.ErrorCode != sarama.ErrNoError {
			return nil, fmt.Errorf("describe %s on %s: %v %s", topic, c.alias, r.ErrorCode, r.ErrorMsg)
		}
		for _, e := range r.Configs {
			if e.Source == sarama.SourceTopic {
				out[e.Name] = e.Value
			}
		}
	}
	return out, nil
}

// dmConfigTopic is the state a Connect config topic holds: the latest
// record of each key (tombstones remove it).
type dmConfigTopic struct {
	Connectors map[string]map[string]string // connector-<name>
	Tasks      map[string]map[string]string // task-<name>-<n>
	Commits    map[string]int               // commit-<name>: task count
	Keys       []string                     // every live key, sorted
}

// dmListKeys are task config keys whose value is a comma-separated list
// in no particular order.
var dmListKeys = []string{"task.assigned.partitions", "task.assigned.groups"}

// dmReadConfigTopic reads a herder's config topic, replacing the addresses
// of replace in every value.
func dmReadConfigTopic(c dmCluster, topic string, replace map[string]string) (dmConfigTopic, error) {
	recs, err := dmReadTopic(c, topic)
	if err != nil {
		return dmConfigTopic{}, err
	}
	latest := map[string][]byte{}
	for _, r := range recs {
		if r.Value == nil {
			delete(latest, string(r.Key))
		} else {
			latest[string(r.Key)] = r.Value
		}
	}
	out := dmConfigTopic{Connectors: map[string]map[string]string{}, Tasks: map[string]map[string]string{}, Commits: map[string]int{}}
	for key, value := range latest {
		out.Keys = append(out.Keys, key)
		var v struct {
			Properties map[string]string `json:"properties"`
			Tasks      *int              `json:"tasks"`
		}
		switch {
		case strings.HasPrefix(key, "connector-"), strings.HasPrefix(key, "task-"):
			if err := json.Unmarshal(value, &v); err != nil {
				return out, fmt.Errorf("%s: %v: %s", key, err, value)
			}
			props := map[string]string{}
			for k, val := range v.Properties {
				for addr, alias := range replace {
					val = strings.ReplaceAll(val, addr, alias)
				}
				if slices.Contains(dmListKeys, k) {
					parts := strings.Split(val, ",")
					sort.Strings(parts)
					val = strings.Join(parts, ",")
				}
				props[k] = val
			}
			if strings.HasPrefix(key, "connector-") {
				out.Connectors[strings.TrimPrefix(key, "connector-")] = props
			} else {
				out.Tasks[strings.TrimPrefix(key, "task-")] = props
			}
		case strings.HasPrefix(key, "commit-"):
			if err := json.Unmarshal(value, &v); err != nil || v.Tasks == nil {
				return out, fmt.Errorf("%s: %v: %s", key, err, value)
			}
			out.Commits[strings.TrimPrefix(key, "commit-")] = *v.Tasks
		}
	}
	sort.Strings(out.Keys)
	return out, nil
}

// diff describes how f differs from the reference j (nil if it does not).
func (j dmConfigTopic) diff(f dmConfigTopic) error {
	var out []string
	for _, name := range dmKeys(j.Connectors) {
		if d := dmMapDiff(j.Connectors[name], f.Connectors[name]); d != "" {
			out = append(out, "connector "+name+": "+d)
		}
	}
	for _, name := range dmKeys(f.Connectors) {
		if _, ok := j.Connectors[name]; !ok {
			out = append(out, "connector "+name+": Ferry only")
		}
	}
	for _, name := range dmKeys(j.Tasks) {
		if d := dmMapDiff(j.Tasks[name], f.Tasks[name]); d != "" {
			out = append(out, "task "+name+": "+d)
		}
	}
	if !maps.Equal(j.Commits, f.Commits) {
		out = append(out, fmt.Sprintf("task counts: Java %v, Ferry %v", j.Commits, f.Commits))
	}
	if !slices.Equal(j.Keys, f.Keys) {
		out = append(out, fmt.Sprintf("record keys: Java %q, Ferry %q", j.Keys, f.Keys))
	}
	if len(out) == 0 {
		return nil
	}
	return errors.New(strings.Join(out, "\n"))
}

// dmMapDiff lists the keys whose values differ between Java's map j and
// Ferry's f.
func dmMapDiff(j, f map[string]string) string {
	if f == nil {
		return "missing with Ferry"
	}
	var out []string
	for _, k := range dmKeys(j) {
		if fv, ok := f[k]; !ok {
			out = append(out, fmt.Sprintf("%s=%q Java only", k, j[k]))
		} else if fv != j[k] {
			out = append(out, fmt.Sprintf("%s: Java %q, Ferry %q", k, j[k], fv))
		}
	}
	for _, k := range dmKeys(f) {
		if _, ok := j[k]; !ok {
			out = append(out, fmt.Sprintf("%s=%q Ferry only", k, f[k]))
		}
	}
	return strings.Join(out, "; ")
}

// dmReadTopic reads every record of a topic (all partitions, in partition
// then offset order) with the cluster's shared client.
func dmReadTopic(c dmCluster, topic string) ([]record, error) {
	if err := c.client.RefreshMetadata(topic); err != nil {
		return nil, err
	}
	parts, err := c.client.Partitions(topic)
	if err != nil {
		return nil, err
	}
	consumer, err := sarama.NewConsumerFromClient(c.client)
	if err != nil {
		return nil, err
	}
	defer func() { _ = consumer.Close() }()
	var out []record
	for _, p := range parts {
		end, err := c.client.GetOffset(topic, p, sarama.OffsetNewest)
		if err != nil {
			return nil, err
		}
		start, err := c.client.GetOffset(topic, p, sarama.OffsetOldest)
		if err != nil {
			return nil, err
		}
		if end <= start {
			continue
		}
		pc, err := consumer.ConsumePartition(topic, p, start)
		if err != nil {
			return nil, err
		}
		timer := time.NewTimer(30 * time.Second)
	read:
		for {
			select {
			case m := <-pc.Messages():
				out = append(out, record{Partition: m.Partition, Offset: m.Offset, Key: m.Key, Value: m.Value})
				if m.Offset+1 >= end {
					break read
				}
			case err := <-pc.Errors():
				timer.Stop()
				_ = pc.Close()
				return nil, err
			case <-timer.C:
				_ = pc.Close()
				return nil, fmt.Errorf("%s-%d on %s: timed out reading to %d", topic, p, c.alias, end)
			}
		}
		timer.Stop()
		_ = pc.Close()
	}
	return out, nil
}

// dmLineDiff returns the lines of a that differ from b's line at the same
// position (or why the files cannot be compared so).
func dmLineDiff(a, b string) []string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(la) != len(lb) {
		return []string{fmt.Sprintf("%d lines against %d", len(la), len(lb))}
	}
	var out []string
	for i := range la {
		if la[i] != lb[i] {
			out = append(out, la[i])
		}
	}
	return out
}
