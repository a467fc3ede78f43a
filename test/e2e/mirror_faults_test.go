package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ferrykafka/ferry/test/testkit"
)

// The faults of issue 6 item 7, end to end: a worker process mirrors between
// two clusters (kfake, or real Kafka with FERRY_TEST_KAFKA=real) while the
// test deletes a source topic, sends a record the target refuses, lets
// "retention" delete records not copied yet, and gives the target topics
// fewer or more partitions than their sources, and (kfake only) cuts the
// source off for a while. (A target cluster that goes away and comes back
// is tested at unit level: it is the worker's own cluster, and testkit
// cannot restart a cluster under a running worker.)

// faultMirrorConfig mirrors the topics matching topics with one task and a
// topic refresh every second; the topic config and ACL syncs are off so the
// remote topics keep the settings a test gives them.
func faultMirrorConfig(source, target []string, topics string) map[string]string {
	cfg := mirrorConfig(source, target, topics)
	cfg["tasks.max"] = "1"
	cfg["refresh.topics.interval.seconds"] = "1"
	cfg["sync.topic.configs.enabled"] = "false"
	cfg["sync.topic.acls.enabled"] = "false"
	return cfg
}

// startFaultMirror starts a worker on the target cluster running the
// connector "mirror" with cfg, and waits until it runs.
func startFaultMirror(t *testing.T, target []string, cfg map[string]string) *workerProcess {
	t.Helper()
	w := startWorker(t, writeProps(t, workerProps(target, testkit.UniqueName("e2e-faults"))))
	code, body := call(t, http.MethodPost, w.restURL()+"/connectors", map[string]any{"name": "mirror", "config": cfg})
	if code != http.StatusCreated {
		t.Fatalf("create connector: %d %s", code, body)
	}
	testkit.Eventually(t, 60*time.Second, func() error { return runningStatus(t, w.restURL(), "mirror", 1) })
	return w
}

func clusterAdmin(t *testing.T, addrs []string) sarama.ClusterAdmin {
	t.Helper()
	_, client := saramaConfig(t, addrs)
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	return admin
}

// waitCopied waits until topic on the cluster of client holds n records.
func waitCopied(t *testing.T, client sarama.Client, topic string, n int64) {
	t.Helper()
	testkit.Eventually(t, 60*time.Second, func() error {
		if got := endOffsets(t, client, topic); got != n {
			return fmt.Errorf("%s holds %d records, want %d", topic, got, n)
		}
		return nil
	})
}

// workerLogLines returns the worker's JSON log lines at level ("" for any)
// whose message contains every part.
func workerLogLines(w *workerProcess, level string, parts ...string) []map[string]any {
	var out []map[string]any
	for _, raw := range strings.Split(w.output(), "\n") {
		var line map[string]any
		if json.Unmarshal([]byte(raw), &line) != nil {
			continue
		}
		msg, _ := line["message"].(string)
		if level != "" && line["level"] != level {
			continue
		}
		match := true
		for _, p := range parts {
			match = match && strings.Contains(msg, p)
		}
		if match {
			out = append(out, line)
		}
	}
	return out
}

// assignedPartitions is the union of the task.assigned.partitions of the
// connector's current task configs, sorted.
func assignedPartitions(t *testing.T, rest, name string) ([]string, error) {
	code, body := call(t, http.MethodGet, connectorURL(rest, name, "tasks"), nil)
	if code != http.StatusOK {
		return nil, fmt.Errorf("tasks: %d %s", code, body)
	}
	var tasks []struct {
		Config map[string]string `json:"config"`
	}
	if err := json.Unmarshal(body, &tasks); err != nil {
		return nil, err
	}
	var out []string
	for _, task := range tasks {
		if s := task.Config["task.assigned.partitions"]; s != "" {
			out = append(out, strings.Split(s, ",")...)
		}
	}
	sort.Strings(out)
	return out, nil
}

func TestMirrorDeletedSourceTopic(t *testing.T) {
	t.Parallel()
	ks := testkit.StartKafkas(t, "source", "target")
	source, target := ks[0], ks[1]
	base := testkit.UniqueName("deleted")
	kept, dropped := base+"-kept", base+"-dropped"
	createTopic(t, source.Addrs(), kept, 1)
	createTopic(t, source.Addrs(), dropped, 1)
	produce(t, source.Addrs(), kept, 1, 0, 10)
	produce(t, source.Addrs(), dropped, 1, 0, 10)

	w := startFaultMirror(t, target.Addrs(), faultMirrorConfig(source.Addrs(), target.Addrs(), base+"-.*"))
	_, tgt := saramaConfig(t, target.Addrs())
	waitCopied(t, tgt, sourceAlias+"."+kept, 10)
	waitCopied(t, tgt, sourceAlias+"."+dropped, 10)
	if got, err := assignedPartitions(t, w.restURL(), "mirror"); err != nil || !slices.Equal(got, []string{dropped + "-0", kept + "-0"}) {
		t.Fatalf("assigned %v (%v); want both topics", got, err)
	}

	if err := clusterAdmin(t, source.Addrs()).DeleteTopic(dropped); err != nil {
		t.Fatal(err)
	}
	// The connector's topic refresh drops the deleted topic's partition
	// and reconfigures the tasks; replication of the rest goes on.
	testkit.Eventually(t, 60*time.Second, func() error {
		got, err := assignedPartitions(t, w.restURL(), "mirror")
		if err == nil && !slices.Equal(got, []string{kept + "-0"}) {
			err = fmt.Errorf("assigned %v", got)
		}
		return err
	})
	testkit.Eventually(t, 60*time.Second, func() error { return runningStatus(t, w.restURL(), "mirror", 1) })
	produce(t, source.Addrs(), kept, 1, 10, 10)
	waitCopied(t, tgt, sourceAlias+"."+kept, 20)

	// Nothing failed, and nothing kept retrying the deleted topic: at most
	// the one line of a task that noticed it before being reconfigured.
	if errs := workerLogLines(w, "error", dropped); len(errs) != 0 {
		t.Errorf("errors about the deleted topic: %v", errs)
	}
	if warns := workerLogLines(w, "warn", dropped); len(warns) > 1 {
		t.Errorf("%d warnings about the deleted topic; want at most 1: %v", len(warns), warns)
	}
}

func TestMirrorRecordTooLargeForTarget(t *testing.T) {
	t.Parallel()
	ks := testkit.StartKafkas(t, "source", "target")
	source, target := ks[0], ks[1]
	topic := testkit.UniqueName("large")
	remote := sourceAlias + "." + topic
	createTopic(t, source.Addrs(), topic, 1)
	limit := "100000"
	if err := clusterAdmin(t, target.Addrs()).CreateTopic(remote, &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1,
		ConfigEntries: map[string]*string{"max.message.bytes": &limit}}, false); err != nil {
		t.Fatal(err)
	}
	produce(t, source.Addrs(), topic, 1, 0, 3)
	w := startFaultMirror(t, target.Addrs(), faultMirrorConfig(source.Addrs(), target.Addrs(), topic))
	_, tgt := saramaConfig(t, target.Addrs())
	waitCopied(t, tgt, remote, 3)

	// Offset 3: 200 kB, fine for the source (1 MB), too large for the
	// remote topic.
	_, src := saramaConfig(t, source.Addrs())
	p, err := sarama.NewSyncProducerFromClient(src)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = p.Close() }()
	if _, off, err := p.SendMessage(&sarama.ProducerMessage{Topic: topic, Partition: 0,
		Value: sarama.ByteEncoder(bytes.Repeat([]byte{'x'}, 200_000))}); err != nil || off != 3 {
		t.Fatalf("produce the large record: offset %d, %v", off, err)
	}

	var trace string
	testkit.Eventually(t, 60*time.Second, func() error {
		st, err := statusOf(t, w.restURL(), "mirror")
		if err != nil {
			return err
		}
		if len(st.Tasks) != 1 || st.Tasks[0].State != "FAILED" {
			return fmt.Errorf("tasks %+v", st.Tasks)
		}
		if st.Connector.State != "RUNNING" {
			return fmt.Errorf("connector %s", st.Connector.State)
		}
		trace = st.Tasks[0].Trace
		return nil
	})
	for _, want := range []string{
		"failed to send a record to topic " + remote + " partition 0",
		"source partition {cluster=" + sourceAlias + ", partition=0, topic=" + topic + "}",
		"source offset {offset=3}",
		sarama.ErrMessageSizeTooLarge.Error(),
	} {
		if !strings.Contains(trace, want) {
			t.Errorf("trace %q lacks %q", trace, want)
		}
	}
	if n := endOffsets(t, tgt, remote); n != 3 {
		t.Errorf("%s holds %d records; want the 3 before the large one", remote, n)
	}
}

func TestMirrorRetentionGapIsReported(t *testing.T) {
	t.Parallel()
	ks := testkit.StartKafkas(t, "source", "target")
	source, target := ks[0], ks[1]
	topic := testkit.UniqueName("gap")
	remote := sourceAlias + "." + topic
	createTopic(t, source.Addrs(), topic, 1)
	produce(t, source.Addrs(), topic, 1, 0, 100)
	w := startFaultMirror(t, target.Addrs(), faultMirrorConfig(source.Addrs(), target.Addrs(), topic))
	_, tgt := saramaConfig(t, target.Addrs())
	waitCopied(t, tgt, remote, 100)

	// Stop the connector (its tasks flush their offsets), let the source
	// take 100 more records and "retention" delete offsets up to 149, then
	// resume: offsets 100 to 149 were never copied.
	if code, body := call(t, http.MethodPut, connectorURL(w.restURL(), "mirror", "stop"), nil); code != http.StatusNoContent && code != http.StatusAccepted {
		t.Fatalf("stop: %d %s", code, body)
	}
	testkit.Eventually(t, 60*time.Second, func() error { return inState(t, w.restURL(), "mirror", "STOPPED", false) })
	produce(t, source.Addrs(), topic, 1, 100, 100)
	if err := clusterAdmin(t, source.Addrs()).DeleteRecords(topic, map[int32]int64{0: 150}); err != nil {
		t.Fatal(err)
	}
	if code, body := call(t, http.MethodPut, connectorURL(w.restURL(), "mirror", "resume"), nil); code != http.StatusAccepted {
		t.Fatalf("resume: %d %s", code, body)
	}
	waitCopied(t, tgt, remote, 150)

	var gap []map[string]any
	testkit.Eventually(t, 30*time.Second, func() error {
		gap = workerLogLines(w, "warn", "source records were deleted before they were copied: gap of 50 records (offsets 100 to 149); continuing at offset 150")
		if len(gap) == 0 {
			return fmt.Errorf("no gap line")
		}
		return nil
	})
	line := gap[0]
	if line["gap_records"] != float64(50) || line["from_offset"] != float64(100) || line["to_offset"] != float64(150) ||
		line["topic"] != topic || line["partition"] != float64(0) || line["connector"] != "mirror" || line["source_cluster"] != sourceAlias {
		t.Errorf("gap line %v", line)
	}

	// What was copied after the gap is the source from offset 150 on.
	src, dst := readAll(t, source.Addrs(), topic)[0], readAll(t, target.Addrs(), remote)[0]
	if len(src) != 50 || src[0].Offset != 150 {
		t.Fatalf("source holds %d records from offset %d", len(src), src[0].Offset)
	}
	if err := sameRecords(src, dst[100:]); err != nil {
		t.Errorf("records after the gap: %v", err)
	}
}

func TestMirrorRemoteTopicPartitionCounts(t *testing.T) {
	t.Parallel()
	ks := testkit.StartKafkas(t, "source", "target")
	source, target := ks[0], ks[1]
	base := testkit.UniqueName("parts")
	fewer, more := base+"-fewer", base+"-more"
	createTopic(t, source.Addrs(), fewer, 3)
	createTopic(t, source.Addrs(), more, 2)
	createTopic(t, target.Addrs(), sourceAlias+"."+fewer, 1)
	createTopic(t, target.Addrs(), sourceAlias+"."+more, 4)
	produce(t, source.Addrs(), fewer, 3, 0, 30)
	produce(t, source.Addrs(), more, 2, 0, 20)

	w := startFaultMirror(t, target.Addrs(), faultMirrorConfig(source.Addrs(), target.Addrs(), base+"-.*"))
	_, tgt := saramaConfig(t, target.Addrs())
	waitCopied(t, tgt, sourceAlias+"."+fewer, 30)
	waitCopied(t, tgt, sourceAlias+"."+more, 20)

	for topic, want := range map[string]int{fewer: 3, more: 4} {
		if err := tgt.RefreshMetadata(sourceAlias + "." + topic); err != nil {
			t.Fatal(err)
		}
		parts, err := tgt.Partitions(sourceAlias + "." + topic)
		if err != nil || len(parts) != want {
			t.Errorf("%s.%s has partitions %v (%v); want %d", sourceAlias, topic, parts, err, want)
		}
	}
	// Every record lands in the partition of its number; the extra
	// partitions of the larger remote topic stay empty.
	for _, topic := range []string{fewer, more} {
		src, dst := readAll(t, source.Addrs(), topic), readAll(t, target.Addrs(), sourceAlias+"."+topic)
		if !slices.Equal(partitionsOf(dst), partitionsOf(src)) {
			t.Errorf("%s: records in partitions %v of the remote topic; want %v", topic, partitionsOf(dst), partitionsOf(src))
		}
		for _, p := range partitionsOf(src) {
			if err := sameRecords(src[p], dst[p]); err != nil {
				t.Errorf("%s partition %d: %v", topic, p, err)
			}
		}
	}
	if lines := workerLogLines(w, "warn", `remote topic "`+sourceAlias+"."+more+`" has 4 partitions, more than the 2 of source topic`); len(lines) != 1 {
		t.Errorf("%d warnings about the larger remote topic; want 1", len(lines))
	}
}

// TestMirrorSourceOutageThenBack cuts every connection to the source
// cluster (kfake's request control) while the mirror runs: the task stays
// RUNNING and says it cannot consume, and once the source is back it says
// so and copies what was produced, each record once.
func TestMirrorSourceOutageThenBack(t *testing.T) {
	t.Parallel()
	if testkit.KafkaMode() != testkit.KafkaInProcess {
		t.Skip("cutting a cluster off needs kfake's request control")
	}
	ks := testkit.StartKafkas(t, "source", "target")
	source, target := ks[0], ks[1]
	topic := testkit.UniqueName("outage")
	remote := sourceAlias + "." + topic
	createTopic(t, source.Addrs(), topic, 2)
	produce(t, source.Addrs(), topic, 2, 0, 10)
	w := startFaultMirror(t, target.Addrs(), faultMirrorConfig(source.Addrs(), target.Addrs(), topic))
	_, tgt := saramaConfig(t, target.Addrs())
	waitCopied(t, tgt, remote, 10)

	kc := source.(*testkit.Cluster).Kfake()
	var down atomic.Bool
	kc.Control(func(kmsg.Request) (kmsg.Response, error, bool) {
		if !down.Load() {
			return nil, nil, false
		}
		kc.KeepControl()
		return nil, errors.New("source cut off"), true
	})
	down.Store(true)
	testkit.Eventually(t, 60*time.Second, func() error {
		if len(workerLogLines(w, "warn", `from source cluster "`+sourceAlias+`"; retrying with backoff`)) == 0 {
			return errors.New("the outage is not reported")
		}
		return nil
	})
	if err := runningStatus(t, w.restURL(), "mirror", 1); err != nil {
		t.Errorf("during the outage: %v", err)
	}

	down.Store(false)
	produce(t, source.Addrs(), topic, 2, 10, 10)
	waitCopied(t, tgt, remote, 20)
	testkit.Eventually(t, 30*time.Second, func() error {
		if len(workerLogLines(w, "info", `source cluster "`+sourceAlias+`": every assigned partition is consumed again after`)) == 0 {
			return errors.New("the end of the outage is not reported")
		}
		return nil
	})
	src, dst := readAll(t, source.Addrs(), topic), readAll(t, target.Addrs(), remote)
	for _, p := range partitionsOf(src) {
		if err := sameRecords(src[p], dst[p]); err != nil {
			t.Errorf("partition %d: %v", p, err)
		}
	}
}
