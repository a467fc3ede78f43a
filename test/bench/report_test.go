package bench

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// The benchmark's arithmetic and formatting, checked without Kafka.

func TestMarkdownTable(t *testing.T) {
	s := Settings{Datasets: []Dataset{newDataset(2_000_000, 100, "lz4")}}
	runs := []Run{
		{Runner: RunnerFerry, Dataset: "2M x 100 B lz4", RecordsPerSecond: 150_000, MBPerSecond: 15, PeakRSS: 100 << 20, FirstRecord: 2},
		{Runner: RunnerMM2, Dataset: "2M x 100 B lz4", RecordsPerSecond: 300_000, MBPerSecond: 30, PeakRSS: 400 << 20, FirstRecord: 8},
		{Runner: RunnerNull, Dataset: "2M x 100 B lz4", Failed: "timed out"},
		{Runner: RunnerFerry, Dataset: LatencyDataset, LatencyP50: 2.5},
	}
	got := Markdown(BuildTable(s, runs, "latency 5000/s x 100 B"))
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if want := 2 + len(catchUpFigures) + len(latencyFigures); len(lines) != want {
		t.Fatalf("%d lines; want %d:\n%s", len(lines), want, got)
	}
	for _, l := range lines {
		if len(l) != len(lines[0]) {
			t.Errorf("columns not aligned:\n%s", got)
			break
		}
	}
	collapsed := strings.Join(strings.Fields(got), " ")
	for _, want := range []string{
		"| 2M x 100 B lz4: records/s | 150,000 | 300,000 | FAILED | 0.50x | - | higher |",
		"| 2M x 100 B lz4: peak RSS MiB | 100 | 400 | FAILED | 0.25x | - | lower |",
		"| latency 5000/s x 100 B: p50 ms | 2.5 | - | - | - | - | lower |",
	} {
		if !strings.Contains(collapsed, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
}

func TestBuildTableTakesMediansOfRounds(t *testing.T) {
	s := Settings{Datasets: []Dataset{newDataset(500_000, 1024, "none")}}
	d := s.Datasets[0].Name
	runs := []Run{
		{Runner: RunnerFerry, Dataset: d, Round: 1, RecordsPerSecond: 90_000, PeakRSS: 130 << 20},
		{Runner: RunnerFerry, Dataset: d, Round: 2, RecordsPerSecond: 150_000, PeakRSS: 110 << 20},
		{Runner: RunnerFerry, Dataset: d, Round: 3, RecordsPerSecond: 100_000, PeakRSS: 120 << 20},
		{Runner: RunnerNull, Dataset: d, Round: 1, RecordsPerSecond: 120_000},
		{Runner: RunnerNull, Dataset: d, Round: 2, RecordsPerSecond: 200_000},
		{Runner: RunnerMM2, Dataset: d, Round: 1, RecordsPerSecond: 25_000},
		{Runner: RunnerMM2, Dataset: d, Round: 2, Failed: "timed out"},
	}
	rows := BuildTable(s, runs, "latency")
	if got := rows[0].Values[RunnerFerry]; got != 100_000 {
		t.Errorf("Ferry records/s %v; want the median of three rounds, 100,000", got)
	}
	if got := rows[0].Values[RunnerNull]; got != 160_000 {
		t.Errorf("null records/s %v; want the mean of the middle two, 160,000", got)
	}
	if _, ok := rows[0].Values[RunnerMM2]; ok || rows[0].Status[RunnerMM2] != "FAILED" {
		t.Errorf("MM2 with a failed round: value %v, status %q; want FAILED", rows[0].Values[RunnerMM2], rows[0].Status[RunnerMM2])
	}
	for _, r := range rows {
		if r.Figure == d+": peak RSS MiB" {
			if got := r.Values[RunnerFerry]; got != 120 {
				t.Errorf("Ferry peak RSS %v MiB; want 120, the median", got)
			}
		}
	}
	want := "500k x 1 KiB, ferry: records/s by round 90,000 / 150,000 / 100,000\n" +
		"500k x 1 KiB, mm2: records/s by round 25,000 / FAILED\n" +
		"500k x 1 KiB, null: records/s by round 120,000 / 200,000\n"
	if got := ByRound(s, runs); got != want {
		t.Errorf("ByRound:\n%s\nwant:\n%s", got, want)
	}
}

func TestRunnerOrderRotates(t *testing.T) {
	runners := []string{RunnerFerry, RunnerMM2, RunnerNull}
	first := map[string]int{}
	for dataset := range 4 {
		for round := range 3 {
			order := RunnerOrder(runners, dataset, round)
			if len(order) != 3 || !slices.Contains(order, RunnerFerry) || !slices.Contains(order, RunnerMM2) || !slices.Contains(order, RunnerNull) {
				t.Fatalf("dataset %d round %d: order %v is not a permutation of %v", dataset, round, order, runners)
			}
			if dataset == 2 {
				first[order[0]]++
			}
		}
	}
	if first[RunnerFerry] != 1 || first[RunnerMM2] != 1 || first[RunnerNull] != 1 {
		t.Errorf("over three rounds of one dataset each runner should go first once: %v", first)
	}
	if got := RunnerOrder(runners, 0, 0); !slices.Equal(got, runners) {
		t.Errorf("first dataset, first round: %v; want the configured order", got)
	}
	if got := RunnerOrder(runners, 1, 0); !slices.Equal(got, []string{RunnerMM2, RunnerNull, RunnerFerry}) {
		t.Errorf("second dataset: %v", got)
	}
	if RunnerOrder(nil, 1, 1) != nil {
		t.Error("no runners, some order")
	}
	if !slices.Equal(runners, []string{RunnerFerry, RunnerMM2, RunnerNull}) {
		t.Errorf("RunnerOrder modified its argument: %v", runners)
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		in := slices.Clone(c.in)
		if got := Median(in); got != c.want {
			t.Errorf("Median(%v) = %v; want %v", c.in, got, c.want)
		}
		if !slices.Equal(in, c.in) {
			t.Errorf("Median sorted its argument: %v", in)
		}
	}
}

func TestFormatNumber(t *testing.T) {
	for _, c := range []struct {
		v      float64
		digits int
		want   string
	}{
		{0, 0, "0"}, {999, 0, "999"}, {1000, 0, "1,000"}, {1234567.891, 1, "1,234,567.9"}, {-12345, 0, "-12,345"}, {0.456, 2, "0.46"},
	} {
		if got := formatNumber(c.v, c.digits); got != c.want {
			t.Errorf("formatNumber(%v, %d) = %q; want %q", c.v, c.digits, got, c.want)
		}
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for q, want := range map[float64]float64{0.5: 50, 0.99: 99, 1: 100, 0.001: 1} {
		if got := Percentile(d, q); got != want {
			t.Errorf("Percentile(1..100 ms, %v) = %v; want %v", q, got, want)
		}
	}
	if got := Percentile(nil, 0.5); got != 0 {
		t.Errorf("Percentile(nil) = %v", got)
	}
}

func TestFromEnvScales(t *testing.T) {
	t.Setenv("FERRY_BENCH_SCALE", "0.1")
	t.Setenv("FERRY_BENCH_RUNNERS", "ferry,null")
	t.Setenv("FERRY_BENCH_DATASETS", "KiB")
	s, err := FromEnv(FullSettings())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Datasets) != 2 || s.Datasets[0].Name != "50k x 1 KiB" || s.Datasets[0].Records != 50_000 || s.Datasets[1].Name != "50k x 1 KiB lz4" {
		t.Errorf("datasets %+v", s.Datasets)
	}
	if s.LatencyDuration != 10*time.Second || len(s.Runners) != 2 {
		t.Errorf("latency %v, runners %v", s.LatencyDuration, s.Runners)
	}
	if s.Rounds != 3 {
		t.Errorf("rounds %d; want 3 by default", s.Rounds)
	}
	t.Setenv("FERRY_BENCH_ROUNDS", "1")
	if s, err := FromEnv(FullSettings()); err != nil || s.Rounds != 1 {
		t.Errorf("FERRY_BENCH_ROUNDS=1: rounds %d, %v", s.Rounds, err)
	}
	t.Setenv("FERRY_BENCH_ROUNDS", "0")
	if _, err := FromEnv(FullSettings()); err == nil {
		t.Error("FERRY_BENCH_ROUNDS=0 accepted")
	}
	t.Setenv("FERRY_BENCH_ROUNDS", "")
	t.Setenv("FERRY_BENCH_RUNNERS", "kafka")
	if _, err := FromEnv(FullSettings()); err == nil {
		t.Error("unknown runner accepted")
	}
}

func TestProcStatSelf(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	cpu, err := CPUSeconds(os.Getpid())
	if err != nil || cpu < 0 {
		t.Errorf("CPUSeconds(self) = %v, %v", cpu, err)
	}
	rss, err := PeakRSSBytes(os.Getpid())
	if err != nil || rss < 1<<20 {
		t.Errorf("PeakRSSBytes(self) = %v, %v", rss, err)
	}
}
