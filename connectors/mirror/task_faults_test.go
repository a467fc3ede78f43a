package mirror

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/test/testkit"
)

// fastFaults reports source faults at once and often, so tests need not
// wait for the production intervals. Tests that never acknowledge records
// would see target stalls: stall is long unless a test shortens it.
var fastFaults = faultTiming{tick: 50 * time.Millisecond, report: 300 * time.Millisecond, stall: time.Hour,
	topicRecheck: time.Hour}

// startWatchedTask starts a task whose log the test captures, with the given
// fault timing and quick consumer retries.
func startWatchedTask(t *testing.T, props map[string]string, offsets map[string]int64, timing faultTiming) (*MirrorSourceTask, *logCapture) {
	t.Helper()
	props = maps.Clone(props)
	props["consumer.retry.backoff.ms"] = "100"
	logs, log := newLogCapture(t)
	task := NewMirrorSourceTask()
	task.faults.timing = timing
	tctx := &testTaskContext{log: log.With().Str("connector", "mm2").Int("task", 0).Logger(),
		offsets: mapOffsetReader{cluster: props["source.cluster.alias"], offsets: offsets}}
	logs.tctx = tctx
	if err := task.Start(context.Background(), tctx, props); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = task.Stop(ctx)
	})
	return task, logs
}

// waitProblem waits until the last problem the task reported satisfies ok.
func waitProblem(t *testing.T, logs *logCapture, what string, ok func(string) bool) {
	t.Helper()
	waitUntil(t, func() error {
		got := logs.tctx.reported()
		if len(got) == 0 || !ok(got[len(got)-1]) {
			return fmt.Errorf("reported problems %q; want the last to be %s", got, what)
		}
		return nil
	})
}

func sendValues(t *testing.T, p sarama.SyncProducer, topic string, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		send(t, p, &sarama.ProducerMessage{Topic: topic, Partition: 0, Value: sarama.StringEncoder(fmt.Sprint(i))})
	}
}

// pollFailure polls until Poll fails and returns its error.
func pollFailure(t *testing.T, task *MirrorSourceTask) error {
	t.Helper()
	var pollErr error
	waitUntil(t, func() error {
		if _, pollErr = task.Poll(context.Background()); pollErr == nil {
			return errors.New("Poll has not failed")
		}
		return nil
	})
	return pollErr
}

// pollQuietly polls for d and fails the test on a Poll error; it returns
// the records that came.
func pollQuietly(t *testing.T, task *MirrorSourceTask, d time.Duration) []*connect.SourceRecord {
	t.Helper()
	var got []*connect.SourceRecord
	for end := time.Now().Add(d); time.Now().Before(end); {
		recs, err := task.Poll(context.Background())
		if err != nil {
			t.Fatalf("Poll failed: %v", err)
		}
		got = append(got, recs...)
	}
	return got
}

func TestTaskReportsRetentionGapAtStart(t *testing.T) {
	cases := []struct {
		reset      string
		wantMsg    []string
		wantFields map[string]float64
		wantCopied []string // after one more record is produced
	}{
		{"earliest", []string{"source records were deleted before they were copied: gap of 3 records (offsets 3 to 5); continuing at offset 6"},
			map[string]float64{"gap_records": 3, "deleted_records": 3, "from_offset": 3, "to_offset": 6, "log_start_offset": 6, "log_end_offset": 10},
			[]string{"orders-0@6", "orders-0@7", "orders-0@8", "orders-0@9", "orders-0@10"}},
		{"latest", []string{"gap of 7 records (offsets 3 to 9, 3 of them deleted); continuing at offset 10"},
			map[string]float64{"gap_records": 7, "deleted_records": 3, "from_offset": 3, "to_offset": 10},
			[]string{"orders-0@10"}},
	}
	for _, tc := range cases {
		t.Run(tc.reset, func(t *testing.T) {
			src := testkit.NewCluster(t, 1)
			createTopics(t, newAdmin(t, src), map[string]int32{"orders": 1})
			p := newProducer(t, src)
			sendValues(t, p, "orders", 10)
			// Retention deleted offsets 0 to 5; the mirror had copied up
			// to offset 2.
			if err := src.Kfake().DeleteRecords("orders", 0, 6); err != nil {
				t.Fatal(err)
			}
			props := taskProps(src, "orders-0")
			props["consumer.auto.offset.reset"] = tc.reset
			task, logs := startWatchedTask(t, props, map[string]int64{"orders-0": 2}, fastFaults)

			line := logs.waitFor(t, "warn", tc.wantMsg...)
			for k, v := range tc.wantFields {
				if got := number(line, k); got != v {
					t.Errorf("field %s = %v; want %v", k, got, v)
				}
			}
			if line["topic"] != "orders" || number(line, "partition") != 0 || line["auto_offset_reset"] != tc.reset ||
				line["source_cluster"] != "source" || line["connector"] != "mm2" {
				t.Errorf("the line does not name the partition, the policy, the cluster and the connector: %v", line)
			}
			sendValues(t, p, "orders", 1)
			if got := upstreamOffsets(pollN(t, task, len(tc.wantCopied))); !reflect.DeepEqual(got, tc.wantCopied) {
				t.Errorf("copied %v after the reset; want %v", got, tc.wantCopied)
			}
		})
	}

	t.Run("none", func(t *testing.T) {
		src := testkit.NewCluster(t, 1)
		createTopics(t, newAdmin(t, src), map[string]int32{"orders": 1})
		sendValues(t, newProducer(t, src), "orders", 10)
		if err := src.Kfake().DeleteRecords("orders", 0, 6); err != nil {
			t.Fatal(err)
		}
		props := taskProps(src, "orders-0")
		props["consumer.auto.offset.reset"] = "none"
		task, _ := startWatchedTask(t, props, map[string]int64{"orders-0": 2}, fastFaults)
		err := pollFailure(t, task)
		for _, want := range []string{"orders-0", `source cluster "source"`,
			"offset 3 is out of range (the partition holds offsets 6 to 10) and auto.offset.reset is none"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("Poll error %q lacks %q", err, want)
			}
		}
	})
}

// TestTaskReportsRetentionGapWhileRunning holds the task's fetch at offset 5
// while retention deletes offsets 5 to 7 that it has not copied yet.
func TestTaskReportsRetentionGapWhileRunning(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"orders": 1})
	p := newProducer(t, src)
	sendValues(t, p, "orders", 5)

	var holding, held atomic.Bool
	holding.Store(true)
	release := make(chan struct{})
	kc := src.Kfake()
	kc.ControlKey(int16(kmsg.Fetch), func(req kmsg.Request) (kmsg.Response, error, bool) {
		for _, topic := range req.(*kmsg.FetchRequest).Topics {
			for _, part := range topic.Partitions {
				if part.FetchOffset >= 5 && holding.Load() {
					held.Store(true)
					kc.SleepControl(func() { <-release })
				}
			}
		}
		return nil, nil, false
	})

	task, logs := startWatchedTask(t, taskProps(src, "orders-0"), nil, fastFaults)
	if got := upstreamOffsets(pollN(t, task, 5)); got[4] != "orders-0@4" {
		t.Fatalf("copied %v", got)
	}
	waitUntil(t, func() error {
		if !held.Load() {
			return errors.New("the fetch at offset 5 has not arrived")
		}
		return nil
	})
	sendValues(t, p, "orders", 5)
	if err := kc.DeleteRecords("orders", 0, 8); err != nil {
		t.Fatal(err)
	}
	holding.Store(false)
	close(release)

	if got := upstreamOffsets(pollN(t, task, 2)); !reflect.DeepEqual(got, []string{"orders-0@8", "orders-0@9"}) {
		t.Errorf("copied %v after the gap; want offsets 8 and 9", got)
	}
	line := logs.waitFor(t, "warn", "gap of 3 records (offsets 5 to 7); continuing at offset 8")
	if number(line, "gap_records") != 3 || number(line, "from_offset") != 5 || number(line, "to_offset") != 8 {
		t.Errorf("gap line %v", line)
	}
}

func TestTaskParksDeletedTopic(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"gone": 1, "kept": 1})
	p := newProducer(t, src)
	sendValues(t, p, "gone", 1)
	sendValues(t, p, "kept", 1)
	// Count the task's lookups of the deleted topic.
	var lookups atomic.Int32
	src.Kfake().ControlKey(int16(kmsg.Metadata), func(req kmsg.Request) (kmsg.Response, error, bool) {
		for _, topic := range req.(*kmsg.MetadataRequest).Topics {
			if topic.Topic != nil && *topic.Topic == "gone" {
				lookups.Add(1)
			}
		}
		return nil, nil, false
	})
	task, logs := startWatchedTask(t, taskProps(src, "gone-0,kept-0"), nil, fastFaults)
	pollN(t, task, 2)

	if err := src.Kfake().DeleteTopic("gone"); err != nil {
		t.Fatal(err)
	}
	parked := logs.waitFor(t, "warn", `source topic "gone" no longer exists on source cluster "source" (deleted?): stopped replicating gone-0`)
	if parked["topic"] != "gone" || number(parked, "next_offset") != 1 {
		t.Errorf("parked line %v", parked)
	}
	mark := logs.count()
	lookups.Store(0)

	// The other partition goes on; the task does not fail; and nothing more
	// is done or said about the deleted topic: no retry (each would look
	// the topic up at once, retry.backoff.ms is 100), no warning.
	sendValues(t, p, "kept", 1)
	if got := upstreamOffsets(pollN(t, task, 1)); got[0] != "kept-0@1" {
		t.Errorf("copied %v", got)
	}
	pollQuietly(t, task, 1500*time.Millisecond)
	if n := lookups.Load(); n != 0 {
		t.Errorf("the task looked the deleted topic up %d times after parking it", n)
	}
	for _, l := range logs.since(mark) {
		if l["topic"] == "gone" || strings.Contains(fmt.Sprint(l["message"]), "gone") {
			t.Errorf("still busy with the deleted topic: %v", l)
		}
	}
	if n := len(logs.find("warn", "no longer exists")); n != 1 {
		t.Errorf("%d lines about the deleted topic; want 1", n)
	}
}

func TestTaskResumesRecreatedTopicAndSaysSo(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	admin := newAdmin(t, src)
	createTopics(t, admin, map[string]int32{"orders": 1})
	p := newProducer(t, src)
	sendValues(t, p, "orders", 3)
	timing := fastFaults
	timing.topicRecheck = 200 * time.Millisecond
	task, logs := startWatchedTask(t, taskProps(src, "orders-0"), nil, timing)
	pollN(t, task, 3)

	if err := src.Kfake().DeleteTopic("orders"); err != nil {
		t.Fatal(err)
	}
	logs.waitFor(t, "warn", `source topic "orders" no longer exists`)
	createTopics(t, admin, map[string]int32{"orders": 1})
	sendValues(t, p, "orders", 1)
	logs.waitFor(t, "info", `source topic "orders" exists again; resuming orders-0`)
	// Copying the new topic from its start is never silent.
	line := logs.waitFor(t, "warn", "offset 3 is past the end of the partition", "the topic was recreated or truncated")
	if number(line, "from_offset") != 3 || number(line, "to_offset") != 0 {
		t.Errorf("reset line %v", line)
	}
	if got := upstreamOffsets(pollN(t, task, 1)); got[0] != "orders-0@0" {
		t.Errorf("copied %v from the recreated topic", got)
	}
}

func TestTaskRidesOutSourceOutage(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"orders": 2})
	p := newProducer(t, src)
	sendValues(t, p, "orders", 1)
	task, logs := startWatchedTask(t, taskProps(src, "orders-0,orders-1"), nil, fastFaults)
	pollN(t, task, 1)

	// The source cluster drops every connection while down.
	var down atomic.Bool
	kc := src.Kfake()
	kc.Control(func(kmsg.Request) (kmsg.Response, error, bool) {
		if !down.Load() {
			return nil, nil, false
		}
		kc.KeepControl()
		return nil, errors.New("source cluster down"), true
	})
	down.Store(true)
	first := logs.waitFor(t, "warn", `from source cluster "source"; retrying with backoff`)
	if first["topic"] != "orders" || first["error"] == nil {
		t.Errorf("first outage line %v", first)
	}
	summary := logs.waitFor(t, "warn", `source cluster "source": 2 of 2 assigned partitions cannot be consumed for`, "still retrying")
	if number(summary, "failed_for") <= 0 || number(summary, "failing_partitions") != 2 || summary["partitions"] != "orders-0,orders-1" {
		t.Errorf("summary line %v", summary)
	}
	// The task keeps running through it.
	if recs := pollQuietly(t, task, 300*time.Millisecond); len(recs) != 0 {
		t.Errorf("records during the outage: %v", upstreamOffsets(recs))
	}

	down.Store(false)
	logs.waitFor(t, "info", `source cluster "source": every assigned partition is consumed again after`)
	sendValues(t, p, "orders", 1)
	if got := upstreamOffsets(pollN(t, task, 1)); got[0] != "orders-0@1" {
		t.Errorf("copied %v after the outage", got)
	}
}

// flakyProxy forwards TCP connections to a broker while up and closes them
// at once while down, like a broker that is not there.
type flakyProxy struct {
	l      net.Listener
	target string
	up     atomic.Bool
	mu     sync.Mutex
	conns  []net.Conn
}

func newFlakyProxy(t *testing.T, target string) *flakyProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fp := &flakyProxy{l: l, target: target}
	go fp.serve()
	t.Cleanup(func() {
		_ = l.Close()
		fp.mu.Lock()
		defer fp.mu.Unlock()
		for _, c := range fp.conns {
			_ = c.Close()
		}
	})
	return fp
}

func (fp *flakyProxy) serve() {
	for {
		c, err := fp.l.Accept()
		if err != nil {
			return
		}
		if !fp.up.Load() {
			_ = c.Close()
			continue
		}
		b, err := net.Dial("tcp", fp.target)
		if err != nil {
			_ = c.Close()
			continue
		}
		fp.mu.Lock()
		fp.conns = append(fp.conns, c, b)
		fp.mu.Unlock()
		go func() { _, _ = io.Copy(b, c); _ = b.Close() }()
		go func() { _, _ = io.Copy(c, b); _ = c.Close() }()
	}
}

func TestTaskStartsWhileSourceUnreachable(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"orders": 1})
	sendValues(t, newProducer(t, src), "orders", 2)
	proxy := newFlakyProxy(t, src.Addrs()[0])

	props := taskProps(src, "orders-0")
	props["source.cluster.bootstrap.servers"] = proxy.l.Addr().String()
	props["admin.timeout.ms"] = "2000"
	task, logs := startWatchedTask(t, props, nil, fastFaults)

	first := logs.waitFor(t, "warn", `cannot connect to source cluster "source"; the task keeps running and retries with backoff`)
	if first["bootstrap_servers"] != proxy.l.Addr().String() || first["error"] == nil {
		t.Errorf("first line %v", first)
	}
	again := logs.waitFor(t, "warn", `source cluster "source" still unreachable after`)
	if number(again, "unreachable_for") <= 0 {
		t.Errorf("repeat line %v", again)
	}
	if recs := pollQuietly(t, task, 200*time.Millisecond); len(recs) != 0 {
		t.Fatalf("records without a source: %v", recs)
	}
	// The task's status shows it too (RUNNING, with the problem as trace).
	waitProblem(t, logs, "the unreachable source", func(p string) bool {
		return strings.HasPrefix(p, `Cannot connect to source cluster "source" for `) && strings.Contains(p, "retrying with backoff")
	})

	proxy.up.Store(true)
	logs.waitFor(t, "info", `connected to source cluster "source" after`)
	waitProblem(t, logs, "cleared", func(p string) bool { return p == "" })
	if got := upstreamOffsets(pollN(t, task, 2)); !reflect.DeepEqual(got, []string{"orders-0@0", "orders-0@1"}) {
		t.Errorf("copied %v once connected", got)
	}
}

func TestTaskReportsTargetNotAcknowledging(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"orders": 1})
	sendValues(t, newProducer(t, src), "orders", 3)
	props := taskProps(src, "orders-0")
	props["emit.offset-syncs.enabled"] = "false"
	timing := fastFaults
	timing.stall = 300 * time.Millisecond
	task, logs := startWatchedTask(t, props, nil, timing)
	recs := pollN(t, task, 3)

	// The runtime acknowledges nothing (its producer cannot reach the
	// target).
	stall := logs.waitFor(t, "warn", `target cluster "target" has acknowledged no record for`, "(3 records waiting)")
	if number(stall, "waiting_records") != 3 || number(stall, "stalled_for") < 300 {
		t.Errorf("stall line %v", stall)
	}
	waitProblem(t, logs, "the stalled target", func(p string) bool {
		return strings.HasPrefix(p, `Target cluster "target" has acknowledged no record for `) && strings.Contains(p, "(3 records waiting)")
	})
	// ...and again while it lasts.
	waitUntil(t, func() error {
		if n := len(logs.find("warn", `target cluster "target" has acknowledged no record for`)); n < 2 {
			return fmt.Errorf("%d stall lines", n)
		}
		return nil
	})
	for _, r := range recs {
		if err := task.CommitRecord(context.Background(), r, &connect.RecordMetadata{Topic: r.Topic, Partition: *r.Partition}); err != nil {
			t.Fatal(err)
		}
	}
	logs.waitFor(t, "info", `target cluster "target" acknowledges records again after`)
	waitProblem(t, logs, "cleared", func(p string) bool { return p == "" })
}
