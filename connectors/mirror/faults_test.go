package mirror

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/test/testkit"
)

func waitUntil(t *testing.T, cond func() error) {
	t.Helper()
	testkit.Eventually(t, 20*time.Second, cond)
}

var testTiming = faultTiming{tick: time.Second, report: 30 * time.Second, stall: 30 * time.Second, quiet: 3 * time.Second}

func TestSourceHealthReportsAnOutage(t *testing.T) {
	logs, log := newLogCapture(t)
	h := newSourceHealth("east", 4, testTiming, log)
	t0 := time.Unix(1000, 0)
	a, b := topicPartition{"orders", 0}, topicPartition{"orders", 1}
	probes := map[topicPartition]error{}
	probe := func(tp topicPartition) error { return probes[tp] }

	// Nothing failing: nothing said, records cost no lock.
	h.progressed(a, t0)
	h.check(t0, probe)
	if logs.count() != 0 {
		t.Fatalf("healthy source logged %v", logs.since(0))
	}

	h.failed(a, io.EOF, t0)
	first := logs.find("warn", `cannot consume orders-0 from source cluster "east"`)
	if len(first) != 1 || first[0]["topic"] != "orders" || number(first[0], "partition") != 0 || first[0]["error"] != "EOF" {
		t.Fatalf("first failure: %v", logs.since(0))
	}
	// A second partition and repeated errors are not warned one by one.
	h.failed(b, sarama.ErrOutOfBrokers, t0.Add(time.Second))
	h.failed(a, sarama.ErrOutOfBrokers, t0.Add(2*time.Second))
	if n := len(logs.find("warn")); n != 1 {
		t.Errorf("%d WARN lines after three errors; want 1", n)
	}

	// Before the report interval: no summary. After it: one, with the
	// duration, the count and the last error; then not again until the
	// next interval.
	probes[a], probes[b] = sarama.ErrOutOfBrokers, sarama.ErrOutOfBrokers
	h.check(t0.Add(10*time.Second), probe)
	if n := len(logs.find("warn", "still retrying")); n != 0 {
		t.Fatalf("summary before the report interval")
	}
	h.check(t0.Add(31*time.Second), probe)
	sum := logs.find("warn", `source cluster "east": 2 of 4 assigned partitions cannot be consumed for 31s; still retrying`)
	if len(sum) != 1 || number(sum[0], "failing_partitions") != 2 || sum[0]["partitions"] != "orders-0,orders-1" ||
		number(sum[0], "failed_for") != 31000 || !strings.Contains(sum[0]["error"].(string), "run out of available brokers") {
		t.Fatalf("summary: %v", logs.since(0))
	}
	h.check(t0.Add(40*time.Second), probe)
	if n := len(logs.find("warn", "still retrying")); n != 1 {
		t.Errorf("%d summaries within one report interval", n)
	}
	h.check(t0.Add(62*time.Second), probe)
	if got := logs.find("warn", "cannot be consumed for 1m2s"); len(got) != 1 {
		t.Errorf("no second summary with the longer duration: %v", logs.find("warn"))
	}

	// a delivers a record: recovered, but the outage goes on (b).
	h.progressed(a, t0.Add(63*time.Second))
	if len(logs.find("info")) != 0 {
		t.Fatal("outage reported over while a partition still fails")
	}
	// b is quiet and its probe now succeeds: the outage is over.
	probes[b] = nil
	h.check(t0.Add(70*time.Second), probe)
	over := logs.find("info", `source cluster "east": every assigned partition is consumed again after`)
	if len(over) != 1 {
		t.Fatalf("no recovery line: %v", logs.since(0))
	}
	if h.nFailing.Load() != 0 {
		t.Errorf("%d partitions still failing", h.nFailing.Load())
	}
	// A new failure starts a new outage with a new WARN.
	h.failed(b, io.EOF, t0.Add(100*time.Second))
	if n := len(logs.find("warn", "cannot consume orders-1")); n != 1 {
		t.Errorf("new outage not warned: %v", logs.find("warn"))
	}
}

func TestSourceHealthProbesOnlyQuietPartitions(t *testing.T) {
	_, log := newLogCapture(t)
	h := newSourceHealth("east", 1, testTiming, log)
	t0 := time.Unix(1000, 0)
	tp := topicPartition{"orders", 0}
	probed := 0
	probe := func(topicPartition) error { probed++; return nil }
	h.failed(tp, io.EOF, t0)
	// sarama reported it a second ago: not quiet yet, no probe.
	h.check(t0.Add(time.Second), probe)
	if probed != 0 || h.nFailing.Load() != 1 {
		t.Fatalf("probed %d times, %d failing", probed, h.nFailing.Load())
	}
	h.check(t0.Add(testTiming.quiet), probe)
	if probed != 1 || h.nFailing.Load() != 0 {
		t.Fatalf("probed %d times, %d failing; want one probe that ends the outage", probed, h.nFailing.Load())
	}
}

func TestSourceHealthForgetIsSilentButEndsTheOutage(t *testing.T) {
	logs, log := newLogCapture(t)
	h := newSourceHealth("east", 2, testTiming, log)
	t0 := time.Unix(1000, 0)
	h.failed(topicPartition{"gone", 0}, sarama.ErrUnknownTopicOrPartition, t0)
	h.forget(topicPartition{"gone", 0}, t0.Add(time.Second))
	h.check(t0.Add(time.Hour), func(topicPartition) error { return errors.New("no probe expected") })
	if n := len(logs.find("warn", "still retrying")); n != 0 || h.nFailing.Load() != 0 {
		t.Errorf("a forgotten partition is still reported: %v", logs.since(0))
	}
}

func TestAckWatch(t *testing.T) {
	logs, log := newLogCapture(t)
	w := newAckWatch("west", testTiming, log)
	t0 := time.Unix(1000, 0)
	w.check(t0)

	// Records acknowledged in time: nothing said.
	w.handedOut(3)
	for range 3 {
		w.acknowledged()
	}
	w.check(t0.Add(10 * time.Second))
	w.check(t0.Add(time.Hour))
	if logs.count() != 0 {
		t.Fatalf("healthy target logged %v", logs.since(0))
	}

	// Records waiting past the stall limit without an acknowledgement:
	// WARN, then again each report interval, each with the duration.
	t1 := t0.Add(time.Hour)
	w.handedOut(5)
	w.check(t1.Add(29 * time.Second))
	if logs.count() != 0 {
		t.Fatal("stall reported early")
	}
	w.check(t1.Add(30 * time.Second))
	w.check(t1.Add(45 * time.Second))
	w.check(t1.Add(61 * time.Second))
	warns := logs.find("warn", `target cluster "west" has acknowledged no record for`)
	if len(warns) != 2 || number(warns[0], "waiting_records") != 5 || number(warns[0], "stalled_for") != 30000 ||
		!strings.Contains(warns[1]["message"].(string), "for 1m1s (5 records waiting)") {
		t.Fatalf("stall reports: %v", logs.since(0))
	}
	// Handing out more while stalled does not hide the stall; one
	// acknowledgement ends it.
	w.handedOut(2)
	w.check(t1.Add(62 * time.Second))
	w.acknowledged()
	w.check(t1.Add(70 * time.Second))
	back := logs.find("info", `target cluster "west" acknowledges records again after 1m10s`)
	if len(back) != 1 || number(back[0], "waiting_records") != 6 {
		t.Fatalf("recovery: %v", logs.since(0))
	}
	// The wait restarts at the tick that saw the acknowledgement.
	w.check(t1.Add(99 * time.Second))
	if n := len(logs.find("warn")); n != 2 {
		t.Errorf("stall reported again within %v of the last acknowledgement", 29*time.Second)
	}
	w.check(t1.Add(100 * time.Second))
	if n := len(logs.find("warn")); n != 3 {
		t.Errorf("%d stall reports once the records waited 30s again; want 3", n)
	}

	var nilWatch *ackWatch
	nilWatch.handedOut(1) // Poll/CommitRecord before Start must not panic
	nilWatch.acknowledged()
}

func TestFaultTimingDefaults(t *testing.T) {
	got := faultTiming{report: time.Minute}.withDefaults(2 * time.Second)
	want := faultTiming{tick: time.Second, report: time.Minute, stall: 30 * time.Second, quiet: 3 * time.Second, topicRecheck: 30 * time.Second}
	if got != want {
		t.Errorf("withDefaults = %+v; want %+v", got, want)
	}
	if d := roundDuration(1500 * time.Millisecond); d != 2*time.Second {
		t.Errorf("roundDuration(1.5s) = %v", d)
	}
	if d := roundDuration(1234567 * time.Microsecond); d != time.Second {
		t.Errorf("roundDuration(1.234567s) = %v", d)
	}
	if d := roundDuration(1500 * time.Microsecond); d != 2*time.Millisecond {
		t.Errorf("roundDuration(1.5ms) = %v", d)
	}
}

func TestSummarizePartitions(t *testing.T) {
	tps := []topicPartition{{"a", 0}, {"a", 1}, {"b", 0}}
	if got := summarizePartitions(tps, 10); got != "a-0,a-1,b-0" {
		t.Errorf("got %q", got)
	}
	if got := summarizePartitions(tps, 2); got != "a-0,a-1 and 1 more" {
		t.Errorf("got %q", got)
	}
}
