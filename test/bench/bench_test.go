//go:build linux

package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ferrykafka/ferry/test/kafkaharness"
	"github.com/ferrykafka/ferry/test/testkit"
)

// TestBenchmarkMirrorMaker is `make bench`: Ferry, Java's MirrorMaker 2 and
// the null pipeline on two real Kafka 4.3.1 brokers (FullSettings and the
// environment, see FromEnv).
func TestBenchmarkMirrorMaker(t *testing.T) {
	requireBench(t)
	kafkaharness.RequireKafka(t)
	s, err := FromEnv(FullSettings())
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	m := machine("Apache Kafka "+kafkaharness.KafkaVersion+
		" (two single-node KRaft brokers, JVM -Xmx512m each; Java MirrorMaker -Xms256M -Xmx"+s.JavaHeap+")", true)
	b := &bench{s: s}
	b.ferryBin, b.nullBin = buildBinaries(t)
	cs := kafkaharness.StartClusters(t, []string{"bench-source", "bench-target"})
	b.source, b.target = cs[0].Addrs(), cs[1].Addrs()
	b.runAll(t)
	b.report(t, "make bench", began, m)
}

// TestBenchmarkQuick is `make bench-quick`: Ferry and the null pipeline
// on in-process kfake clusters (or FERRY_TEST_KAFKA's), small datasets
// (QuickSettings and the environment), for regression checks.
func TestBenchmarkQuick(t *testing.T) {
	requireBench(t)
	s, err := FromEnv(QuickSettings())
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	m := machine(testkit.KafkaMode()+" clusters (testkit.StartKafkas; kfake runs inside the test process)", false)
	b := &bench{s: s}
	b.ferryBin, b.nullBin = buildBinaries(t)
	ks := testkit.StartKafkas(t, "bench-source", "bench-target")
	b.source, b.target = ks[0].Addrs(), ks[1].Addrs()
	b.runAll(t)
	b.report(t, "make bench-quick", began, m)
}

func requireBench(t *testing.T) {
	if os.Getenv("FERRY_BENCH") == "" {
		t.Skip("benchmark: runs only with FERRY_BENCH=1 (make bench, make bench-quick)")
	}
}

// buildBinaries builds Ferry's connect-mirror-maker and the null pipeline
// as a release would (go build -trimpath, no -race), with FERRY_BENCH_GO
// (the Makefile's $(GO)) or go.
func buildBinaries(t *testing.T) (ferry, null string) {
	t.Helper()
	goCmd := os.Getenv("FERRY_BENCH_GO")
	if goCmd == "" {
		goCmd = "go"
	}
	dir := t.TempDir()
	ferry, null = filepath.Join(dir, "connect-mirror-maker"), filepath.Join(dir, "nullpipe")
	for bin, pkg := range map[string]string{
		ferry: "github.com/ferrykafka/ferry/cmd/connect-mirror-maker",
		null:  "github.com/ferrykafka/ferry/test/bench/cmd/nullpipe",
	} {
		out, err := exec.Command(goCmd, "build", "-trimpath", "-o", bin, pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	return ferry, null
}

// runAll loads each dataset and lets every runner copy it, then runs the
// latency measurement of every runner.
func (b *bench) runAll(t *testing.T) {
	var err error
	if b.src, err = NewClient(b.source); err != nil {
		t.Fatal(err)
	}
	defer b.src.Close()
	if b.dst, err = NewClient(b.target); err != nil {
		t.Fatal(err)
	}
	defer b.dst.Close()
	for i, cl := range []*kgo.Client{b.src, b.dst} {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		began := time.Now()
		err := WarmGroupCoordinator(ctx, cl)
		if err == nil {
			err = WarmBroker(ctx, [][]string{b.source, b.target}[i])
		}
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("warmed cluster %d of 2 in %.1f s", i+1, time.Since(began).Seconds())
	}
	t.Logf("settings: %d partitions, tasks.max %d, runners %v, %d rounds, datasets %v, latency %d records/s x %d B for %v, bound %v per run",
		b.s.Partitions, b.s.Tasks, b.s.Runners, b.s.Rounds, b.s.Datasets, b.s.LatencyRate, b.s.LatencyValueBytes, b.s.LatencyDuration, b.s.RunTimeout)
	for i, d := range b.s.Datasets {
		topic := b.load(t, d)
		for round := range b.s.Rounds {
			for _, runner := range RunnerOrder(b.s.Runners, i, round) {
				b.record(t, runner, d.Name, round+1, func(t *testing.T) Run { return b.catchUp(t, runner, d, topic, i+1, round+1) })
			}
		}
	}
	for _, runner := range b.s.Runners {
		b.record(t, runner, LatencyDataset, 1, func(t *testing.T) Run { return b.latency(t, runner) })
	}
}

// report prints the table and writes the JSON report; failed runs fail
// the test after that.
func (b *bench) report(t *testing.T, name string, began time.Time, m Machine) {
	label := fmt.Sprintf("latency %d/s x %d B", b.s.LatencyRate, b.s.LatencyValueBytes)
	r := Report{
		Name: name, Started: began, Seconds: time.Since(began).Seconds(), Machine: m, Settings: b.s,
		Loads: b.loads, Runs: b.runs, Table: BuildTable(b.s, b.runs, label),
	}
	out, err := filepath.Abs(b.s.Out)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(out, r); err != nil {
		t.Errorf("write %s: %v", out, err)
	}
	fmt.Printf("\n%s: %d partitions, tasks.max=%d, %s; %s, %d CPUs; load average %.1f before, %.1f after; took %s\n\n%s\n%s\nCatch-up figures are medians of %d rounds. JSON: %s\n",
		name, b.s.Partitions, b.s.Tasks, m.Kafka, m.CPUModel, m.CPUs, m.LoadAverage, LoadAverage(), time.Since(began).Round(time.Second),
		ByRound(b.s, b.runs), Markdown(r.Table), b.s.Rounds, out)
	for _, run := range b.runs {
		if run.Failed != "" {
			t.Errorf("%s on %s failed: %s", run.Runner, run.Dataset, run.Failed)
		}
	}
}

// machine describes this machine.
func machine(kafka string, withJava bool) Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), Kafka: kafka, LoadAverage: LoadAverage()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				if f := strings.Fields(rest); len(f) > 0 {
					kb, _ := strconv.ParseFloat(f[0], 64)
					m.MemGiB = kb / (1 << 20)
				}
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = "Linux " + strings.TrimSpace(string(b))
	}
	if withJava {
		if out, err := exec.Command("java", "-version").CombinedOutput(); err == nil {
			m.Java = strings.Join(strings.Fields(strings.ReplaceAll(string(out), "\n", "; ")), " ")
		}
	}
	return m
}
