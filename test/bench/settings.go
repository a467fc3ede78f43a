package bench

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The mirroring processes compared. RunnerOrder decides the order they
// run in on each dataset and round.
const (
	RunnerFerry = "ferry" // Ferry's connect-mirror-maker binary
	RunnerMM2   = "mm2"   // Java's connect-mirror-maker (Kafka 4.3.1)
	RunnerNull  = "null"  // cmd/nullpipe
)

// Dataset is one backlog preloaded into the source cluster: Records
// records with a null key and a ValueBytes value each, spread round-robin
// over the partitions, produced with Compression ("none" or "lz4") on the
// source.
type Dataset struct {
	Name        string `json:"name"`
	Records     int    `json:"records"`
	ValueBytes  int    `json:"value_bytes"`
	Compression string `json:"compression"`
}

func newDataset(records, valueBytes int, compression string) Dataset {
	return Dataset{Name: datasetName(records, valueBytes, compression), Records: records, ValueBytes: valueBytes, Compression: compression}
}

// Bytes is the dataset's payload (values; keys are null), uncompressed.
func (d Dataset) Bytes() int64 { return int64(d.Records) * int64(d.ValueBytes) }

// Settings are the benchmark's knobs. FromEnv applies the environment to
// defaults (FullSettings for `make bench`, QuickSettings for `make
// bench-quick`).
type Settings struct {
	Scale      float64   `json:"scale"`
	Partitions int       `json:"partitions"`
	Tasks      int       `json:"tasks_max"`
	Datasets   []Dataset `json:"datasets"`
	// The latency run: once the mirror has copied a first record, a
	// producer sends LatencyRate records/s of LatencyValueBytes; the
	// window opens LatencyWarmup later and lasts LatencyDuration.
	LatencyRate       int           `json:"latency_rate"`
	LatencyValueBytes int           `json:"latency_value_bytes"`
	LatencyDuration   time.Duration `json:"latency_duration_ns"`
	LatencyWarmup     time.Duration `json:"latency_warmup_ns"`
	// RunTimeout bounds one runner on one dataset, from its start to the
	// complete copy; a runner over it is reported as failed.
	RunTimeout time.Duration `json:"run_timeout_ns"`
	Runners    []string      `json:"runners"`
	// Rounds is how many times every runner copies each dataset, in an
	// order that RunnerOrder rotates, so that each runner takes each slot
	// (right after the load, after another runner's copy) equally often
	// when Rounds is a multiple of the runner count. The table shows the
	// median of the rounds.
	Rounds int `json:"rounds"`
	// JavaHeap is Java MirrorMaker's maximum heap: 2G, as
	// bin/connect-mirror-maker.sh sets it (KAFKA_HEAP_OPTS="-Xms256M
	// -Xmx2G"), instead of kafkaharness's -Xmx512m.
	JavaHeap string `json:"java_heap"`
	// LZ4Block is the block size of the lz4 datasets' frames:
	// DefaultLZ4Block (64KB, as Java's producer writes) unless set.
	LZ4Block string `json:"lz4_block"`
	Out      string `json:"-"`
}

// FullSettings are the defaults of `make bench`.
func FullSettings() Settings {
	return Settings{
		Scale:      1,
		Partitions: 12,
		Tasks:      4,
		Datasets: []Dataset{
			newDataset(2_000_000, 100, "none"),
			newDataset(2_000_000, 100, "lz4"),
			newDataset(500_000, 1024, "none"),
			newDataset(500_000, 1024, "lz4"),
		},
		LatencyRate:       5000,
		LatencyValueBytes: 100,
		LatencyDuration:   60 * time.Second,
		LatencyWarmup:     10 * time.Second,
		RunTimeout:        5 * time.Minute,
		Runners:           []string{RunnerFerry, RunnerMM2, RunnerNull},
		Rounds:            3,
		JavaHeap:          "2G",
		LZ4Block:          DefaultLZ4Block,
		Out:               "results/bench-results.json",
	}
}

// QuickSettings are the defaults of `make bench-quick` (in-process kfake
// clusters; Java's MirrorMaker needs real brokers).
func QuickSettings() Settings {
	return Settings{
		Scale:      1,
		Partitions: 12,
		Tasks:      4,
		Datasets: []Dataset{
			newDataset(500_000, 100, "none"),
			newDataset(500_000, 100, "lz4"),
		},
		LatencyRate:       2000,
		LatencyValueBytes: 100,
		LatencyDuration:   15 * time.Second,
		LatencyWarmup:     3 * time.Second,
		RunTimeout:        2 * time.Minute,
		Runners:           []string{RunnerFerry, RunnerNull},
		Rounds:            2,
		JavaHeap:          "2G",
		LZ4Block:          DefaultLZ4Block,
		Out:               "results/bench-quick-results.json",
	}
}

// FromEnv applies the environment to s:
//
//	FERRY_BENCH_SCALE=0.1          multiplies the dataset sizes and the latency duration (at least 10 s)
//	FERRY_BENCH_TASKS=4            tasks.max (and the null pipeline's tasks)
//	FERRY_BENCH_PARTITIONS=12      partitions of every source topic
//	FERRY_BENCH_DATASETS=a,b       only the datasets whose names contain one of these (case-insensitive)
//	FERRY_BENCH_RATE=5000          records/s of the latency run's producer
//	FERRY_BENCH_LATENCY_SECONDS=60 length of the latency window (not scaled)
//	FERRY_BENCH_RUN_TIMEOUT=5m     bound on one runner and dataset
//	FERRY_BENCH_RUNNERS=ferry,null only these runners (ferry, mm2, null)
//	FERRY_BENCH_ROUNDS=3           copies of each dataset per runner, in rotated order (the table shows medians)
//	FERRY_BENCH_JAVA_HEAP=2G       Java MirrorMaker's -Xmx (-Xms256M as the script)
//	FERRY_BENCH_LZ4_BLOCK=4MB      block size of the lz4 datasets' frames (64KB, 256KB, 1MB, 4MB)
//	FERRY_BENCH_OUT=path           the JSON report (relative to test/bench)
func FromEnv(s Settings) (Settings, error) {
	num := func(key string, set func(float64)) error {
		v := strings.TrimSpace(os.Getenv(key))
		if v == "" {
			return nil
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 {
			return fmt.Errorf("%s=%q: want a positive number", key, v)
		}
		set(f)
		return nil
	}
	explicitLatency := false
	for _, e := range []struct {
		key string
		set func(float64)
	}{
		{"FERRY_BENCH_SCALE", func(f float64) { s.Scale = f }},
		{"FERRY_BENCH_TASKS", func(f float64) { s.Tasks = int(f) }},
		{"FERRY_BENCH_PARTITIONS", func(f float64) { s.Partitions = int(f) }},
		{"FERRY_BENCH_RATE", func(f float64) { s.LatencyRate = int(f) }},
		{"FERRY_BENCH_ROUNDS", func(f float64) { s.Rounds = int(f) }},
		{"FERRY_BENCH_LATENCY_SECONDS", func(f float64) {
			s.LatencyDuration = time.Duration(f * float64(time.Second))
			explicitLatency = true
		}},
	} {
		if err := num(e.key, e.set); err != nil {
			return s, err
		}
	}
	if v := strings.TrimSpace(os.Getenv("FERRY_BENCH_RUN_TIMEOUT")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return s, fmt.Errorf("FERRY_BENCH_RUN_TIMEOUT=%q: want a duration such as 10m", v)
		}
		s.RunTimeout = d
	}
	if v := strings.TrimSpace(os.Getenv("FERRY_BENCH_RUNNERS")); v != "" {
		var rs []string
		for _, r := range strings.Split(v, ",") {
			r = strings.TrimSpace(r)
			if !slices.Contains([]string{RunnerFerry, RunnerMM2, RunnerNull}, r) {
				return s, fmt.Errorf("FERRY_BENCH_RUNNERS: unknown runner %q (want ferry, mm2, null)", r)
			}
			rs = append(rs, r)
		}
		s.Runners = rs
	}
	if v := strings.TrimSpace(os.Getenv("FERRY_BENCH_DATASETS")); v != "" {
		var keep []Dataset
		for _, d := range s.Datasets {
			for _, want := range strings.Split(v, ",") {
				if strings.Contains(strings.ToLower(d.Name), strings.ToLower(strings.TrimSpace(want))) {
					keep = append(keep, d)
					break
				}
			}
		}
		s.Datasets = keep
	}
	if v := strings.TrimSpace(os.Getenv("FERRY_BENCH_JAVA_HEAP")); v != "" {
		s.JavaHeap = v
	}
	if v := strings.TrimSpace(os.Getenv("FERRY_BENCH_LZ4_BLOCK")); v != "" {
		b, _, err := parseLZ4Block(v)
		if err != nil {
			return s, fmt.Errorf("FERRY_BENCH_LZ4_BLOCK: %w", err)
		}
		s.LZ4Block = b
	}
	if v := strings.TrimSpace(os.Getenv("FERRY_BENCH_OUT")); v != "" {
		s.Out = v
	}
	if s.Scale != 1 {
		ds := slices.Clone(s.Datasets)
		for i := range ds {
			ds[i].Records = max(1000, int(math.Round(float64(ds[i].Records)*s.Scale)))
			ds[i].Name = datasetName(ds[i].Records, ds[i].ValueBytes, ds[i].Compression)
		}
		s.Datasets = ds
		if !explicitLatency {
			s.LatencyDuration = max(10*time.Second, time.Duration(float64(s.LatencyDuration)*s.Scale))
		}
	}
	if s.Tasks < 1 || s.Partitions < 1 || s.LatencyRate < 1 || s.Rounds < 1 {
		return s, fmt.Errorf("tasks, partitions, rate and rounds must be positive: %d, %d, %d, %d", s.Tasks, s.Partitions, s.LatencyRate, s.Rounds)
	}
	return s, nil
}

// RunnerOrder is the order runners copy the dataset-th dataset (from 0)
// in the round-th round (from 0): the list rotated left by dataset+round.
// On a busy two-core machine the slot matters (the copy right after the
// load ran slower in the early benchmarks), so no runner keeps one.
func RunnerOrder(runners []string, dataset, round int) []string {
	if len(runners) == 0 {
		return nil
	}
	k := (dataset + round) % len(runners)
	return append(slices.Clone(runners[k:]), runners[:k]...)
}

// datasetName is "2M x 100 B", "500k x 1 KiB lz4" and the like.
func datasetName(records, valueBytes int, compression string) string {
	size := strconv.Itoa(valueBytes) + " B"
	if valueBytes%1024 == 0 {
		size = strconv.Itoa(valueBytes/1024) + " KiB"
	}
	name := short(records) + " x " + size
	if compression != "none" {
		name += " " + compression
	}
	return name
}

// short writes a record count as 2M, 1.5M, 500k or 1234.
func short(n int) string {
	switch {
	case n >= 1_000_000 && n%100_000 == 0:
		return strconv.FormatFloat(float64(n)/1e6, 'f', -1, 64) + "M"
	case n >= 1000 && n%1000 == 0:
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}
