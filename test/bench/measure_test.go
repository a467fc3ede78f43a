//go:build linux

package bench

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ferrykafka/ferry/test/testkit"
)

// bench holds what every run of one benchmark shares.
type bench struct {
	s              Settings
	source, target []string
	ferryBin       string
	nullBin        string
	src, dst       *kgo.Client // the benchmark's own clients
	loads          []Load
	runs           []Run
}

// Polling intervals: the first record is looked for often (it times the
// start-up), the complete copy a little less.
const (
	firstPoll = 25 * time.Millisecond
	countPoll = 50 * time.Millisecond
)

func (b *bench) start(t *testing.T, runner string, f flow) *mirror {
	t.Helper()
	switch runner {
	case RunnerFerry:
		return startFerry(t, b.ferryBin, f)
	case RunnerMM2:
		return startJava(t, f, b.s.JavaHeap)
	default:
		// The null pipeline needs its target topic; MirrorMaker creates
		// its own, inside its measured start-up.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := CreateTopic(ctx, b.dst, f.targetTopic(), b.s.Partitions); err != nil {
			t.Fatal(err)
		}
		return startNull(t, b.nullBin, f)
	}
}

// load creates a source topic for d and fills it.
func (b *bench) load(t *testing.T, d Dataset) string {
	t.Helper()
	topic := testkit.UniqueName("bench")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	if err := CreateTopic(ctx, b.src, topic, b.s.Partitions); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	if err := LoadDataset(ctx, b.source, topic, b.s.Partitions, d, b.s.LZ4Block); err != nil {
		t.Fatalf("load %s into %s: %v", d.Name, topic, err)
	}
	took := time.Since(began)
	n, err := RecordCount(ctx, b.src, topic, b.s.Partitions)
	if err != nil || n != int64(d.Records) {
		t.Fatalf("source topic %s holds %d records (%v); want %d", topic, n, err, d.Records)
	}
	disk := TopicDiskBytes(ctx, b.src, topic, b.s.Partitions)
	b.loads = append(b.loads, Load{Dataset: d.Name, Topic: topic, Seconds: took.Seconds(), DiskBytes: disk})
	t.Logf("loaded %s into %s in %.1f s (%.0f records/s); %.1f MB on the source's disk", d.Name, topic, took.Seconds(),
		float64(d.Records)/took.Seconds(), float64(disk)/1e6)
	return topic
}

// record runs one runner's measurement as a subtest and keeps its Run; a
// subtest that failed (a runner that could not start, say) is recorded as
// failed.
func (b *bench) record(t *testing.T, runner, dataset string, round int, measure func(t *testing.T) Run) {
	name := runner + "/" + dataset
	if b.s.Rounds > 1 && dataset != LatencyDataset {
		name += "/round " + strconv.Itoa(round)
	}
	t.Run(name, func(t *testing.T) {
		run := Run{Runner: runner, Dataset: dataset, Failed: "did not finish (see the test log)"}
		defer func() {
			run.Round = round
			run.LoadAverage = LoadAverage()
			if t.Failed() && run.Failed == "" {
				run.Failed = "the subtest failed (see the test log)"
			}
			b.runs = append(b.runs, run)
			t.Log(run.Describe())
		}()
		run = measure(t)
	})
}

// failed marks run failed with err and logs the end of the process's log.
func failed(t *testing.T, m *mirror, run Run, err error) Run {
	t.Logf("%s on %s failed: %v\nlast lines of its log:\n%s", run.Runner, run.Dataset, err, m.logTail(60))
	run.Failed = err.Error()
	return run
}

// catchUp measures runner copying the preloaded topic of dataset d (the
// n-th) in the given round, into a target topic of its own: from the
// start of the process to the first record in the target, then to the
// complete copy (the sum of the target's end offsets equal to the records
// loaded), with the process's CPU time at both moments and its peak RSS
// just before it is stopped.
func (b *bench) catchUp(t *testing.T, runner string, d Dataset, topic string, n, round int) Run {
	alias, targetAlias := aliases(runner, strconv.Itoa(n)+"r"+strconv.Itoa(round))
	f := flow{alias: alias, targetAlias: targetAlias, source: b.source, target: b.target, topic: topic, tasks: b.s.Tasks}
	run := Run{Runner: runner, Dataset: d.Name, SourceAlias: alias, SourceTopic: topic, TargetTopic: f.targetTopic(),
		Records: int64(d.Records), Bytes: d.Bytes()}
	m := b.start(t, runner, f)
	defer m.stop()
	deadline := m.started.Add(b.s.RunTimeout)

	firstAt, cpuFirst, err := b.waitFirst(m, f.targetTopic(), deadline)
	if err != nil {
		return failed(t, m, run, err)
	}
	doneAt, cpuDone, err := b.waitRecords(m, f.targetTopic(), int64(d.Records), countPoll, deadline)
	if err != nil {
		return failed(t, m, run, err)
	}
	rss, err := PeakRSSBytes(m.pid)
	if err != nil {
		t.Errorf("peak RSS of %s: %v", runner, err)
	}
	m.stop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if got, err := RecordCount(ctx, b.dst, f.targetTopic(), b.s.Partitions); err != nil || got != int64(d.Records) {
		return failed(t, m, run, fmt.Errorf("after the stop the target holds %d records (%v); want %d", got, err, d.Records))
	}
	gb := float64(d.Bytes()) / 1e9
	run.FirstRecord = firstAt.Sub(m.started).Seconds()
	run.Copy = doneAt.Sub(firstAt).Seconds()
	run.RecordsPerSecond = float64(d.Records) / run.Copy
	run.MBPerSecond = float64(d.Bytes()) / 1e6 / run.Copy
	run.CPU = cpuDone
	run.CPUCopy = cpuDone - cpuFirst
	run.CPUPerGB = run.CPU / gb
	run.CPUPerGBCopy = run.CPUCopy / gb
	run.PeakRSS = rss
	return run
}

// latency measures runner under the steady producer. The fresh source
// topic holds one record when the process starts; once it reaches the
// target (the mirror runs), the producer starts at the steady rate, and
// the window opens LatencyWarmup later and lasts LatencyDuration. Then the
// producer stops and every record must arrive.
func (b *bench) latency(t *testing.T, runner string) Run {
	s := b.s
	topic := testkit.UniqueName("bench-latency")
	alias, targetAlias := aliases(runner, "L")
	f := flow{alias: alias, targetAlias: targetAlias, source: b.source, target: b.target, topic: topic, tasks: s.Tasks}
	run := Run{Runner: runner, Dataset: LatencyDataset, SourceAlias: alias, SourceTopic: topic, TargetTopic: f.targetTopic()}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := CreateTopic(ctx, b.src, topic, s.Partitions); err != nil {
		t.Fatal(err)
	}
	if err := ProduceStamped(ctx, b.src, topic, s.LatencyValueBytes); err != nil {
		t.Fatal(err)
	}
	m := b.start(t, runner, f)
	defer m.stop()
	firstAt, _, err := b.waitFirst(m, f.targetTopic(), m.started.Add(s.RunTimeout))
	if err != nil {
		return failed(t, m, run, err)
	}
	run.FirstRecord = firstAt.Sub(m.started).Seconds()

	prod, err := StartSteadyProducer(b.source, topic, s.Partitions, s.LatencyRate, s.LatencyValueBytes)
	if err != nil {
		t.Fatal(err)
	}
	from := time.Now().Add(s.LatencyWarmup)
	to := from.Add(s.LatencyDuration)
	cons, err := StartLatencyConsumer(b.target, f.targetTopic(), s.Partitions, from, to)
	if err != nil {
		t.Fatal(err)
	}
	cpuFrom, err1 := b.cpuAt(m, from)
	cpuTo, err2 := b.cpuAt(m, to)
	stopCtx, stopCancel := context.WithTimeout(context.Background(), time.Minute)
	defer stopCancel()
	produced, err3 := prod.Stop(stopCtx)
	if err := errors.Join(err1, err2, err3); err != nil {
		_, _ = cons.Stop()
		return failed(t, m, run, err)
	}
	total := produced + 1 // and the first record
	_, _, err = b.waitRecords(m, f.targetTopic(), total, countPoll, time.Now().Add(time.Minute))
	if err == nil {
		err = poll(m, time.Now().Add(time.Minute), countPoll, func() (bool, string, error) {
			seen := cons.Seen()
			return seen >= total, fmt.Sprintf("the latency consumer has read %d of %d records", seen, total), nil
		})
	}
	samples, cerr := cons.Stop()
	if err = errors.Join(err, cerr); err != nil {
		return failed(t, m, run, err)
	}
	rss, err := PeakRSSBytes(m.pid)
	if err != nil {
		t.Errorf("peak RSS of %s: %v", runner, err)
	}
	run.Records = total
	run.Bytes = total * int64(max(s.LatencyValueBytes, 8))
	run.PeakRSS = rss
	run.CPU = cpuTo
	run.CPUCores = (cpuTo - cpuFrom) / s.LatencyDuration.Seconds()
	run.LatencySamples = len(samples)
	run.LatencyP50 = Percentile(samples, 0.50)
	run.LatencyP99 = Percentile(samples, 0.99)
	run.LatencyMax = Percentile(samples, 1)
	if want := float64(s.LatencyRate) * s.LatencyDuration.Seconds(); float64(len(samples)) < 0.9*want {
		run.Failed = fmt.Sprintf("only %d records in the window; the producer was to send about %.0f", len(samples), want)
	}
	return run
}

// waitRecords polls the target topic until it holds at least n records
// and returns when it saw them and the process's CPU seconds then. It
// fails if the process exits, the topic holds more than n records when n
// is the complete copy, or deadline passes.
func (b *bench) waitRecords(m *mirror, topic string, n int64, every time.Duration, deadline time.Time) (time.Time, float64, error) {
	var at time.Time
	var cpu float64
	err := poll(m, deadline, every, func() (bool, string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		got, err := RecordCount(ctx, b.dst, topic, b.s.Partitions)
		if err != nil {
			return false, fmt.Sprintf("%s: %v", topic, err), nil
		}
		if got < n {
			return false, fmt.Sprintf("%s holds %d of %d records", topic, got, n), nil
		}
		at = time.Now()
		if n > 1 && got > n {
			return false, "", fmt.Errorf("%s holds %d records; want %d: duplicates", topic, got, n)
		}
		cpu, err = CPUSeconds(m.pid)
		return true, "", err
	})
	return at, cpu, err
}

// waitFirst polls the target topic every firstPoll until one of its
// partitions holds a record (RecordsSoFar: partitions not set up yet do not
// count) and returns when it saw it and the process's CPU seconds then.
func (b *bench) waitFirst(m *mirror, topic string, deadline time.Time) (time.Time, float64, error) {
	var at time.Time
	var cpu float64
	err := poll(m, deadline, firstPoll, func() (bool, string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		got, err := RecordsSoFar(ctx, b.dst, topic)
		if err != nil {
			return false, fmt.Sprintf("%s: %v", topic, err), nil
		}
		if got == 0 {
			return false, topic + " holds no record yet", nil
		}
		at = time.Now()
		cpu, err = CPUSeconds(m.pid)
		return true, "", err
	})
	return at, cpu, err
}

// cpuAt returns the process's CPU seconds once the clock reaches at (the
// edges of the latency window), checking that it still runs meanwhile.
func (b *bench) cpuAt(m *mirror, at time.Time) (float64, error) {
	var cpu float64
	err := poll(m, at.Add(time.Minute), 10*time.Millisecond, func() (bool, string, error) {
		if time.Now().Before(at) {
			return false, "", nil
		}
		var err error
		cpu, err = CPUSeconds(m.pid)
		return true, "", err
	})
	return cpu, err
}

// poll calls cond every interval until it is done, fails, the process
// exits or deadline passes (then the error says what cond last reported).
func poll(m *mirror, deadline time.Time, every time.Duration, cond func() (done bool, state string, err error)) error {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if exited, how := m.exited(); exited {
			return errors.New(how)
		}
		done, state, err := cond()
		if err != nil || done {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not done by the deadline: %s", state)
		}
		<-tick.C
	}
}
