package bench

import (
	"os"
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
