package e2e

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/test/kafkaharness"
	"github.com/ferrykafka/ferry/test/testkit"
)

// TestDedicatedHandover hands one dedicated MirrorMaker 2 deployment (one
// mm2.properties, A->B) from Java's connect-mirror-maker 4.3.1 to Ferry's
// and back, on two real clusters:
//
//  1. Java copies 300 records (3 partitions) and checkpoints a group; the
//     herder's config topic mm2-configs.A.internal is recorded when Java
//     has stopped gracefully, with the source offsets it committed in
//     mm2-offsets.A.internal.
//  2. 200 more are produced; Ferry runs the same file and resumes from
//     Java's source offsets: B's A.<topic> holds the 500 source records
//     exactly once, in order, at the source offsets. Ferry's leader finds
//     the three connector configs Java wrote up to date (it writes no
//     connector-* record), and checkpoints go on: a new commit of the
//     group on A gets a newer checkpoint on B.
//  3. Ferry stops (SIGTERM, clean exit) having committed its source
//     offsets; 100 more are produced; Java runs the file again, resumes
//     from Ferry's offsets and completes the 600, exactly once again; a
//     last commit of the group is checkpointed by Java.
func TestDedicatedHandover(t *testing.T) {
	if testkit.KafkaMode() != testkit.KafkaReal {
		t.Skip("hands dedicated MirrorMaker over between Java and Ferry on real Kafka: runs with FERRY_TEST_KAFKA=real")
	}
	kafkaharness.RequireKafka(t)
	t.Parallel()
	began := time.Now()
	ks := kafkaharness.StartClusters(t, []string{"dh-a", "dh-b"})
	_, clientA := saramaConfig(t, ks[0].Addrs())
	_, clientB := saramaConfig(t, ks[1].Addrs())
	cs := map[string]dmCluster{
		"A": {alias: "A", k: ks[0], client: clientA},
		"B": {alias: "B", k: ks[1], client: clientB},
	}
	a, b := cs["A"], cs["B"]
	clustersAt := time.Now()

	const nparts = 3
	topic, group := testkit.UniqueName("dh-orders"), testkit.UniqueName("dh-group")
	remote := "A." + topic
	createTopic(t, a.addrs(), topic, nparts)

	props := dmBaseProps(cs, "A", "B")
	props["A->B.enabled"] = "true"
	props["B->A.enabled"] = "false"
	props["topics"] = topic
	props["groups"] = group
	// Worker settings per target cluster (Java's workerConfig ignores a
	// top-level offset.flush.interval.ms).
	props["A.offset.flush.interval.ms"] = "1000"
	props["B.offset.flush.interval.ms"] = "1000"
	path := dmWrite(t, props)
	t.Logf("mm2.properties:\n%s", dmFormat(props))

	// 1. Java.
	produce(t, a.addrs(), topic, nparts, 0, 300)
	foCommit(t, a.addrs(), group, topic, map[int32]int64{0: 50, 1: 50, 2: 50}, "")
	java := kafkaharness.StartJavaMirrorMaker(t, path)
	javaAlive := func() {
		if !java.Running() {
			t.Fatalf("Java's MirrorMaker exited:\n%s", java.LogTail(60))
		}
	}
	dhWaitCopied(t, javaAlive, a, b, topic, remote, 120*time.Second)
	cp1 := dmWaitCheckpoints(t, b, group, "A", remote, map[int32]int64{0: 50, 1: 50, 2: 50}, 90*time.Second)
	t.Logf("Java: 300 records copied, checkpoints of %s: %v", group, cp1)
	javaCopiedAt := time.Now()
	java.Stop()
	javaStoppedAt := time.Now()
	if code, ok := java.ExitCode(); ok {
		t.Logf("Java's MirrorMaker exited with %d after SIGTERM", code)
	}
	dhCheckSourceOffsets(t, b, topic, map[int32]int64{0: 99, 1: 99, 2: 99}, "Java (graceful stop)")

	const configTopic = "mm2-configs.A.internal"
	javaCfg, err := dmReadConfigTopic(b, configTopic, nil)
	if err != nil {
		t.Fatalf("read %s: %v", configTopic, err)
	}
	javaRecs, err := dmReadTopic(b, configTopic)
	if err != nil {
		t.Fatalf("read %s: %v", configTopic, err)
	}
	javaEnd := endOffsets(t, b.client, configTopic)
	if len(javaCfg.Connectors) != 3 {
		t.Fatalf("Java left connector configs %v in %s; want the three", dmKeys(javaCfg.Connectors), configTopic)
	}
	t.Logf("%s after Java: end offset %d, records %v; connectors %v, tasks %v, task counts %v",
		configTopic, javaEnd, dhKeys(javaRecs), dmKeys(javaCfg.Connectors), dmKeys(javaCfg.Tasks), javaCfg.Commits)

	// 2. Ferry, on the same file.
	produce(t, a.addrs(), topic, nparts, 300, 200)
	ferryStartAt := time.Now()
	ferry := dmStart(t, path)
	ferryAlive := func() { dmAlive(t, ferry) }
	dhWaitCopied(t, ferryAlive, a, b, topic, remote, 90*time.Second)
	ferryCopiedAt := time.Now()
	dupsFerry := dhExactlyOnce(t, a, b, topic, remote, 500, "Java -> Ferry")
	dmWaitFlows(t, ferry, map[string]bool{"A->B": true, "B->A": false}, 60*time.Second)

	foCommit(t, a.addrs(), group, topic, map[int32]int64{0: 150, 1: 150, 2: 150}, "")
	cp2 := dmWaitCheckpoints(t, b, group, "A", remote, map[int32]int64{0: 150, 1: 150, 2: 150}, 60*time.Second)
	for p, cp := range cp2 {
		if cp.DownstreamOffset <= cp1[p].DownstreamOffset {
			t.Errorf("Ferry's checkpoint %v does not advance on Java's %v", cp, cp1[p])
		}
	}
	t.Logf("Ferry: checkpoints of %s advanced from %v to %v", group, cp1, cp2)

	// What Ferry's leader wrote into the config topic after Java.
	ferryRecs, err := dmReadTopic(b, configTopic)
	if err != nil {
		t.Fatalf("read %s: %v", configTopic, err)
	}
	added := dhKeys(dhFrom(ferryRecs, javaEnd))
	ferryCfg, err := dmReadConfigTopic(b, configTopic, nil)
	if err != nil {
		t.Fatalf("read %s: %v", configTopic, err)
	}
	connectorRecs := slices.DeleteFunc(slices.Clone(added), func(k string) bool { return !strings.HasPrefix(k, "connector-") })
	if len(connectorRecs) == 0 {
		t.Logf("Ferry's leader found the three connector configs up to date: no connector-* record after Java's (offset %d); it added %v", javaEnd, added)
	} else {
		t.Logf("Ferry's leader wrote connector records %v after Java's (offset %d); comparing the configs", connectorRecs, javaEnd)
		t.Errorf("Ferry's leader rewrote connector configs Java had written from the same file: %v", connectorRecs)
	}
	for _, name := range dmKeys(javaCfg.Connectors) {
		if d := dmMapDiff(javaCfg.Connectors[name], ferryCfg.Connectors[name]); d != "" {
			t.Errorf("connector %s: config after Ferry differs from Java's: %s", name, d)
		}
	}
	if !slices.Equal(dmKeys(javaCfg.Connectors), dmKeys(ferryCfg.Connectors)) {
		t.Errorf("connectors after Ferry %v; Java's %v", dmKeys(ferryCfg.Connectors), dmKeys(javaCfg.Connectors))
	}
	upToDate := dhUpToDateLogs(ferry.output(), "A->B")
	t.Logf("Ferry logged \"already up to date\" for A->B's %v", upToDate)
	if len(connectorRecs) == 0 && !slices.Equal(upToDate, dmConnectors) {
		t.Errorf("Ferry logged \"already up to date\" for A->B's %v; want %v", upToDate, dmConnectors)
	}
	var taskNotes []string
	for _, name := range dmKeys(ferryCfg.Tasks) {
		if d := dmMapDiff(javaCfg.Tasks[name], ferryCfg.Tasks[name]); d != "" {
			taskNotes = append(taskNotes, name+": "+d)
		}
	}
	t.Logf("task configs after Ferry against Java's (lists sorted): %d differ %v; task counts Java %v, after Ferry %v",
		len(taskNotes), taskNotes, javaCfg.Commits, ferryCfg.Commits)
	for _, note := range dhRewrites(javaRecs, dhFrom(ferryRecs, javaEnd)) {
		t.Logf("Ferry rewrote %s", note)
	}

	ferryStopAt := time.Now()
	ferry.stop()
	ferryStoppedAt := time.Now()
	dhCheckSourceOffsets(t, b, topic, map[int32]int64{0: 166, 1: 166, 2: 165}, "Ferry (SIGTERM)")
	ferryEnd := endOffsets(t, b.client, configTopic)

	// 3. Back to Java.
	produce(t, a.addrs(), topic, nparts, 500, 100)
	javaAgainAt := time.Now()
	java2 := kafkaharness.StartJavaMirrorMaker(t, path)
	java2Alive := func() {
		if !java2.Running() {
			t.Fatalf("Java's MirrorMaker exited:\n%s", java2.LogTail(60))
		}
	}
	dhWaitCopied(t, java2Alive, a, b, topic, remote, 120*time.Second)
	java2CopiedAt := time.Now()
	dupsJava := dhExactlyOnce(t, a, b, topic, remote, 600, "Ferry -> Java")
	foCommit(t, a.addrs(), group, topic, map[int32]int64{0: 190, 1: 190, 2: 190}, "")
	cp3 := dmWaitCheckpoints(t, b, group, "A", remote, map[int32]int64{0: 190, 1: 190, 2: 190}, 60*time.Second)
	for p, cp := range cp3 {
		if cp.DownstreamOffset <= cp2[p].DownstreamOffset {
			t.Errorf("Java's checkpoint %v does not advance on Ferry's %v", cp, cp2[p])
		}
	}
	java2Recs, err := dmReadTopic(b, configTopic)
	if err != nil {
		t.Fatalf("read %s: %v", configTopic, err)
	}
	t.Logf("Java again: checkpoints of %s advanced to %v; %s records after Ferry's (offset %d): %v",
		group, cp3, configTopic, ferryEnd, dhKeys(dhFrom(java2Recs, ferryEnd)))
	for _, note := range dhRewrites(dhUntil(java2Recs, ferryEnd), dhFrom(java2Recs, ferryEnd)) {
		t.Logf("Java rewrote %s", note)
	}
	java2.Stop()

	t.Logf("DEDICATED HANDOVER: duplicates Java->Ferry %d, Ferry->Java %d; clusters %v, Java copy+checkpoint %v, Java stop %v, Ferry start to 500 copied %v, Ferry checks %v, Ferry stop %v, Java start to 600 copied %v, %v in all",
		dupsFerry, dupsJava,
		clustersAt.Sub(began).Round(100*time.Millisecond),
		javaCopiedAt.Sub(clustersAt).Round(100*time.Millisecond),
		javaStoppedAt.Sub(javaCopiedAt).Round(100*time.Millisecond),
		ferryCopiedAt.Sub(ferryStartAt).Round(100*time.Millisecond),
		ferryStopAt.Sub(ferryCopiedAt).Round(100*time.Millisecond),
		ferryStoppedAt.Sub(ferryStopAt).Round(100*time.Millisecond),
		java2CopiedAt.Sub(javaAgainAt).Round(100*time.Millisecond),
		time.Since(began).Round(100*time.Millisecond))
}

// dhWaitCopied waits until remote on b ends, in every partition, with the
// last record of the same partition of topic on a (so a copy that rewound
// and copied records again is complete too), calling alive on each poll.
func dhWaitCopied(t *testing.T, alive func(), a, b dmCluster, topic, remote string, timeout time.Duration) {
	t.Helper()
	src, err := dmReadTopic(a, topic)
	if err != nil {
		t.Fatalf("read %s on A: %v", topic, err)
	}
	last := dhLastKeys(src)
	testkit.Eventually(t, timeout, dmThrottle(500*time.Millisecond, func() error {
		alive()
		ends, err := foEnds(b.client, remote)
		if err != nil {
			return fmt.Errorf("%s on B: %w", remote, err)
		}
		for p := range last {
			if ends[p] == 0 {
				return fmt.Errorf("%s on B: partition %d empty (ends %v)", remote, p, ends)
			}
		}
		dst, err := dmReadTopic(b, remote)
		if err != nil {
			return err
		}
		got := dhLastKeys(dst)
		for p, key := range last {
			if got[p] != key {
				return fmt.Errorf("%s-%d on B ends with key %q; the source with %q (%d of %d records copied)",
					remote, p, got[p], key, len(dst), len(src))
			}
		}
		return nil
	}))
}

// dhLastKeys returns the key of the last record of each partition.
func dhLastKeys(recs []record) map[int32]string {
	out := map[int32]string{}
	for _, r := range recs {
		out[r.Partition] = string(r.Key)
	}
	return out
}

// dhExactlyOnce checks that remote on b holds every record of topic on a
// exactly once: the same partition, the same offset, key, value, headers
// and timestamp, in order, and want records in all. It returns the number
// of records copied twice (coveredWithDuplicates), which must be 0.
func dhExactlyOnce(t *testing.T, a, b dmCluster, topic, remote string, want int, phase string) int {
	t.Helper()
	src, dst := readAll(t, a.addrs(), topic), readAll(t, b.addrs(), remote)
	nsrc, ndst, dups := 0, 0, 0
	for _, p := range partitionsOf(dst) {
		if _, ok := src[p]; !ok {
			t.Errorf("%s: %s-%d on B holds %d records; the source partition is empty", phase, remote, p, len(dst[p]))
		}
	}
	for _, p := range partitionsOf(src) {
		nsrc += len(src[p])
		ndst += len(dst[p])
		n, err := coveredWithDuplicates(src[p], dst[p])
		dups += n
		if err != nil {
			t.Errorf("%s: partition %d: %v", phase, p, err)
		}
		if err := sameRecords(src[p], dst[p]); err != nil {
			t.Errorf("%s: partition %d: %v", phase, p, err)
		}
		for i := range min(len(src[p]), len(dst[p])) {
			s, d := src[p][i], dst[p][i]
			if d.Partition != s.Partition || d.Offset != s.Offset {
				t.Errorf("%s: record %d of partition %d is at %s-%d@%d; the source record at %s-%d@%d",
					phase, i, p, remote, d.Partition, d.Offset, topic, s.Partition, s.Offset)
				break
			}
		}
	}
	if nsrc != want {
		t.Errorf("%s: the source holds %d records; want %d", phase, nsrc, want)
	}
	if ndst != want || dups != 0 {
		t.Errorf("%s: B holds %d records with %d duplicates; want exactly %d, each once", phase, ndst, dups, want)
	}
	t.Logf("%s: %s on B holds %d records for the source's %d, %d duplicates", phase, remote, ndst, nsrc, dups)
	return dups
}

// dhCheckSourceOffsets reads the source offsets MirrorSourceConnector
// committed for topic in A->B's offset topic (mm2-offsets.A.internal on B:
// key ["MirrorSourceConnector",{"cluster":"A","partition":p,"topic":t}],
// value {"offset":n}, n the last upstream offset copied) and checks they
// are want, and that each source partition has one key only (Connect looks
// offsets up by the key's bytes).
func dhCheckSourceOffsets(t *testing.T, b dmCluster, topic string, want map[int32]int64, who string) {
	t.Helper()
	const offsetTopic = "mm2-offsets.A.internal"
	recs, err := dmReadTopic(b, offsetTopic)
	if err != nil {
		t.Fatalf("read %s: %v", offsetTopic, err)
	}
	latest := map[string][]byte{}
	var order []string
	for _, r := range recs {
		if _, seen := latest[string(r.Key)]; !seen {
			order = append(order, string(r.Key))
		}
		latest[string(r.Key)] = r.Value
	}
	got := map[int32]int64{}
	rawKeys := map[int32][]string{}
	for _, key := range order {
		var k []json.RawMessage
		if json.Unmarshal([]byte(key), &k) != nil || len(k) != 2 {
			continue
		}
		var name string
		var part struct {
			Cluster   string `json:"cluster"`
			Partition *int32 `json:"partition"`
			Topic     string `json:"topic"`
		}
		if json.Unmarshal(k[0], &name) != nil || name != "MirrorSourceConnector" ||
			json.Unmarshal(k[1], &part) != nil || part.Topic != topic || part.Partition == nil {
			continue
		}
		if part.Cluster != "A" {
			t.Errorf("%s: source offset key %s names cluster %q; want A", offsetTopic, key, part.Cluster)
		}
		value := latest[key]
		if value == nil {
			continue // tombstone
		}
		var v struct {
			Offset *int64 `json:"offset"`
		}
		if err := json.Unmarshal(value, &v); err != nil || v.Offset == nil {
			t.Errorf("%s: source offset %s = %s: not {\"offset\":n} (%v)", offsetTopic, key, value, err)
			continue
		}
		got[*part.Partition] = *v.Offset
		rawKeys[*part.Partition] = append(rawKeys[*part.Partition], key)
	}
	for p, keys := range rawKeys {
		if len(keys) > 1 {
			t.Errorf("%s: source partition %d has %d distinct keys (Connect finds offsets by key bytes): %q", offsetTopic, p, len(keys), keys)
		}
	}
	var sample string
	if len(order) > 0 {
		sample = order[0]
	}
	t.Logf("source offsets in %s after %s: %v (%d records, first key %s)", offsetTopic, who, got, len(recs), sample)
	if !maps.Equal(got, want) {
		t.Errorf("source offsets committed by %s: %v; want the last copied upstream offsets %v", who, got, want)
	}
}

// dhFrom returns the records at or after offset (of a one-partition
// topic).
func dhFrom(recs []record, offset int64) []record {
	var out []record
	for _, r := range recs {
		if r.Offset >= offset {
			out = append(out, r)
		}
	}
	return out
}

// dhUntil returns the records before offset (of a one-partition topic).
func dhUntil(recs []record, offset int64) []record {
	var out []record
	for _, r := range recs {
		if r.Offset < offset {
			out = append(out, r)
		}
	}
	return out
}

// dhRewrites describes each connector or task config record of added whose
// key before already had a value: whether the bytes are the same, else
// which properties differ as written (lists not sorted).
func dhRewrites(before, added []record) []string {
	latest := map[string][]byte{}
	for _, r := range before {
		latest[string(r.Key)] = r.Value
	}
	var out []string
	for _, r := range added {
		key := string(r.Key)
		old, ok := latest[key]
		if !ok || (!strings.HasPrefix(key, "task-") && !strings.HasPrefix(key, "connector-")) {
			continue
		}
		if string(old) == string(r.Value) {
			out = append(out, fmt.Sprintf("%s at offset %d with the same bytes", key, r.Offset))
			continue
		}
		var o, n struct {
			Properties map[string]string `json:"properties"`
		}
		if json.Unmarshal(old, &o) != nil || json.Unmarshal(r.Value, &n) != nil {
			out = append(out, fmt.Sprintf("%s at offset %d: %s -> %s", key, r.Offset, old, r.Value))
			continue
		}
		var diffs []string
		for _, k := range dmKeys(o.Properties) {
			if nv, ok := n.Properties[k]; !ok || nv != o.Properties[k] {
				diffs = append(diffs, fmt.Sprintf("%s: %q -> %q", k, o.Properties[k], nv))
			}
		}
		for _, k := range dmKeys(n.Properties) {
			if _, ok := o.Properties[k]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s: added %q", k, n.Properties[k]))
			}
		}
		if len(diffs) == 0 {
			out = append(out, fmt.Sprintf("%s at offset %d with the same properties, other bytes: %s -> %s", key, r.Offset, old, r.Value))
		} else {
			out = append(out, fmt.Sprintf("%s at offset %d: %s", key, r.Offset, strings.Join(diffs, "; ")))
		}
		latest[key] = r.Value
	}
	return out
}

// dhKeys lists the records' keys, in order.
func dhKeys(recs []record) []string {
	out := make([]string, 0, len(recs))
	for _, r := range recs {
		out = append(out, string(r.Key))
	}
	return out
}

// dhUpToDateLogs returns, sorted, the connectors for which connect-mirror-
// maker logged that flow's configuration was already up to date.
func dhUpToDateLogs(output, flow string) []string {
	var out []string
	for _, line := range strings.Split(output, "\n") {
		var ev struct {
			Message   string `json:"message"`
			Flow      string `json:"flow"`
			Connector string `json:"connector"`
		}
		if json.Unmarshal([]byte(line), &ev) != nil || ev.Flow != flow ||
			!strings.Contains(ev.Message, "already up to date") {
			continue
		}
		out = append(out, ev.Connector)
	}
	sort.Strings(out)
	return out
}
