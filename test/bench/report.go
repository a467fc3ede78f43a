package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// LatencyDataset is the Dataset name of the latency runs.
const LatencyDataset = "latency"

// Run is what one runner did on one dataset (or the latency run).
type Run struct {
	Runner  string `json:"runner"`
	Dataset string `json:"dataset"`
	// Round is which of Settings.Rounds copies of the dataset this was
	// (from 1; the latency run has one).
	Round       int    `json:"round"`
	SourceAlias string `json:"source_alias"`
	SourceTopic string `json:"source_topic"`
	TargetTopic string `json:"target_topic"`
	Records     int64  `json:"records"` // records copied
	Bytes       int64  `json:"bytes"`   // their payload, uncompressed
	// Failed says why the run failed; its figures are then not shown.
	Failed string `json:"failed,omitempty"`

	// FirstRecord: process start to the first record in the target.
	FirstRecord float64 `json:"first_record_s"`
	// Copy: first record in the target to the complete copy (catch-up).
	Copy             float64 `json:"copy_s,omitempty"`
	RecordsPerSecond float64 `json:"records_per_s,omitempty"`
	MBPerSecond      float64 `json:"mb_per_s,omitempty"` // 10^6 bytes of payload
	// CPU is the process's CPU time from its start to the complete copy,
	// CPUCopy the part of it after the first record arrived.
	CPU          float64 `json:"cpu_s"`
	CPUCopy      float64 `json:"cpu_copy_s,omitempty"`
	CPUPerGB     float64 `json:"cpu_s_per_gb,omitempty"`      // CPU / 10^9 bytes of payload
	CPUPerGBCopy float64 `json:"cpu_copy_s_per_gb,omitempty"` // CPUCopy / 10^9 bytes
	PeakRSS      int64   `json:"peak_rss_bytes"`              // VmHWM just before the stop

	// The latency run: arrival in the target minus the record timestamp,
	// over the records produced in the measurement window.
	LatencyP50     float64 `json:"latency_p50_ms,omitempty"`
	LatencyP99     float64 `json:"latency_p99_ms,omitempty"`
	LatencyMax     float64 `json:"latency_max_ms,omitempty"`
	LatencySamples int     `json:"latency_samples,omitempty"`
	// CPUCores is the CPU time used during the window over its length.
	CPUCores float64 `json:"cpu_cores,omitempty"`

	// LoadAverage is the machine's 1-minute load average at the end of
	// the run: well above the CPU count, other processes competed for the
	// CPUs and the figures are skewed.
	LoadAverage float64 `json:"loadavg_1m"`
}

// Load is how a dataset was loaded into the source.
type Load struct {
	Dataset string  `json:"dataset"`
	Topic   string  `json:"topic"`
	Seconds float64 `json:"seconds"`
	// DiskBytes is the topic's size in the source's log directory
	// (DescribeLogDirs; 0 where the broker does not say).
	DiskBytes int64 `json:"disk_bytes"`
}

// Machine describes where the benchmark ran.
type Machine struct {
	CPUs     int     `json:"cpus"`
	CPUModel string  `json:"cpu_model"`
	MemGiB   float64 `json:"mem_gib"`
	Kernel   string  `json:"kernel"`
	Go       string  `json:"go"`
	Java     string  `json:"java,omitempty"`
	Kafka    string  `json:"kafka"`
	// LoadAverage is the 1-minute load average before the benchmark began.
	LoadAverage float64 `json:"loadavg_1m_before"`
}

// Report is the benchmark's JSON output.
type Report struct {
	Name     string    `json:"name"`
	Started  time.Time `json:"started"`
	Seconds  float64   `json:"seconds"`
	Machine  Machine   `json:"machine"`
	Settings Settings  `json:"settings"`
	Loads    []Load    `json:"loads"`
	Runs     []Run     `json:"runs"`
	Table    []Row     `json:"table"`
}

// Row is one figure of the table: its value per runner.
type Row struct {
	Figure string `json:"figure"`
	Better string `json:"better"` // "higher" or "lower"
	// Values by runner; a runner that failed or did not run has none.
	Values map[string]float64 `json:"values"`
	// Status by runner, for those without a value: "FAILED" or "-".
	Status map[string]string `json:"status,omitempty"`
	digits int
}

// figure is how a Row is computed from a Run.
type figure struct {
	name   string
	better string
	digits int
	value  func(Run) float64
}

var catchUpFigures = []figure{
	{"records/s", "higher", 0, func(r Run) float64 { return r.RecordsPerSecond }},
	{"MB/s", "higher", 1, func(r Run) float64 { return r.MBPerSecond }},
	{"CPU s per GB, copy", "lower", 1, func(r Run) float64 { return r.CPUPerGBCopy }},
	{"CPU s per GB, whole process", "lower", 1, func(r Run) float64 { return r.CPUPerGB }},
	{"peak RSS MiB", "lower", 0, func(r Run) float64 { return float64(r.PeakRSS) / (1 << 20) }},
	{"start to first record s", "lower", 1, func(r Run) float64 { return r.FirstRecord }},
}

var latencyFigures = []figure{
	{"p50 ms", "lower", 1, func(r Run) float64 { return r.LatencyP50 }},
	{"p99 ms", "lower", 1, func(r Run) float64 { return r.LatencyP99 }},
	{"max ms", "lower", 1, func(r Run) float64 { return r.LatencyMax }},
	{"CPU cores used", "lower", 2, func(r Run) float64 { return r.CPUCores }},
	{"peak RSS MiB", "lower", 0, func(r Run) float64 { return float64(r.PeakRSS) / (1 << 20) }},
	{"start to first record s", "lower", 1, func(r Run) float64 { return r.FirstRecord }},
}

// BuildTable computes the rows from the runs: per dataset the catch-up
// figures, then the latency figures (labelled latencyLabel, e.g. "latency
// 5000/s x 100 B"). A runner's value is the median of its rounds, figure
// by figure; a runner with a failed round shows FAILED, so that a failure
// is never hidden behind the other rounds.
func BuildTable(s Settings, runs []Run, latencyLabel string) []Row {
	var rows []Row
	add := func(dataset, label string, figs []figure) {
		for _, f := range figs {
			row := Row{Figure: label + ": " + f.name, Better: f.better, Values: map[string]float64{}, Status: map[string]string{}, digits: f.digits}
			for _, runner := range []string{RunnerFerry, RunnerMM2, RunnerNull} {
				rounds := findRuns(runs, runner, dataset)
				switch {
				case len(rounds) == 0:
					row.Status[runner] = "-"
				case slices.ContainsFunc(rounds, func(r Run) bool { return r.Failed != "" }):
					row.Status[runner] = "FAILED"
				default:
					vs := make([]float64, len(rounds))
					for i, r := range rounds {
						vs[i] = f.value(r)
					}
					row.Values[runner] = Median(vs)
				}
			}
			if len(row.Status) == 0 {
				row.Status = nil
			}
			rows = append(rows, row)
		}
	}
	for _, d := range s.Datasets {
		add(d.Name, d.Name, catchUpFigures)
	}
	add(LatencyDataset, latencyLabel, latencyFigures)
	return rows
}

// findRuns returns runner's rounds on dataset.
func findRuns(runs []Run, runner, dataset string) []Run {
	var out []Run
	for _, r := range runs {
		if r.Runner == runner && r.Dataset == dataset {
			out = append(out, r)
		}
	}
	return out
}

// Median is the middle value of vs (the mean of the two middle ones for
// an even count; 0 for none). vs is not modified.
func Median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(vs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// ByRound lists every runner's records/s on each dataset round by round
// (in round order), one line per dataset and runner, for the spread behind
// the table's medians.
func ByRound(s Settings, runs []Run) string {
	var b strings.Builder
	for _, d := range s.Datasets {
		for _, runner := range []string{RunnerFerry, RunnerMM2, RunnerNull} {
			rounds := findRuns(runs, runner, d.Name)
			if len(rounds) == 0 {
				continue
			}
			slices.SortFunc(rounds, func(x, y Run) int { return x.Round - y.Round })
			cells := make([]string, len(rounds))
			for i, r := range rounds {
				cells[i] = "FAILED"
				if r.Failed == "" {
					cells[i] = formatNumber(r.RecordsPerSecond, 0)
				}
			}
			fmt.Fprintf(&b, "%s, %s: records/s by round %s\n", d.Name, runner, strings.Join(cells, " / "))
		}
	}
	return b.String()
}

// Markdown renders rows as a markdown table whose columns are padded, so
// that it reads as well in a terminal as pasted into a document.
func Markdown(rows []Row) string {
	header := []string{"Figure", "Ferry", "MM2", "null", "Ferry/MM2", "Ferry/null", "better"}
	cells := [][]string{header}
	for _, r := range rows {
		cells = append(cells, []string{
			r.Figure, r.cell(RunnerFerry), r.cell(RunnerMM2), r.cell(RunnerNull),
			r.ratio(RunnerFerry, RunnerMM2), r.ratio(RunnerFerry, RunnerNull), r.Better,
		})
	}
	width := make([]int, len(header))
	for _, row := range cells {
		for i, c := range row {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	var b strings.Builder
	line := func(row []string) {
		for i, c := range row {
			pad := strings.Repeat(" ", width[i]-len([]rune(c)))
			if i == 0 || i == len(row)-1 {
				b.WriteString("| " + c + pad + " ")
			} else {
				b.WriteString("| " + pad + c + " ")
			}
		}
		b.WriteString("|\n")
	}
	line(header)
	for i, w := range width {
		if i == 0 || i == len(width)-1 {
			b.WriteString("|" + strings.Repeat("-", w+2))
		} else {
			b.WriteString("|" + strings.Repeat("-", w+1) + ":")
		}
	}
	b.WriteString("|\n")
	for _, row := range cells[1:] {
		line(row)
	}
	return b.String()
}

func (r Row) cell(runner string) string {
	if v, ok := r.Values[runner]; ok {
		return formatNumber(v, r.digits)
	}
	if s := r.Status[runner]; s != "" {
		return s
	}
	return "-"
}

func (r Row) ratio(a, b string) string {
	va, oka := r.Values[a]
	vb, okb := r.Values[b]
	if !oka || !okb || vb == 0 {
		return "-"
	}
	return strconv.FormatFloat(va/vb, 'f', 2, 64) + "x"
}

// formatNumber writes v with digits decimals and thousands separators.
func formatNumber(v float64, digits int) string {
	s := strconv.FormatFloat(v, 'f', digits, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(intPart, "-")
	intPart = strings.TrimPrefix(intPart, "-")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if neg {
		out = "-" + out
	}
	if frac != "" {
		out += "." + frac
	}
	return out
}

// WriteJSON writes the report to path (its directory created).
func WriteJSON(path string, r Report) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// Describe is a one-line summary of a run for the test log.
func (r Run) Describe() string {
	if r.Failed != "" {
		return fmt.Sprintf("%s %s: FAILED: %s", r.Runner, r.Dataset, r.Failed)
	}
	if r.Dataset == LatencyDataset {
		return fmt.Sprintf("%s %s: p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d records; %.2f cores; peak RSS %.0f MiB; first record after %.1f s; load average %.1f",
			r.Runner, r.Dataset, r.LatencyP50, r.LatencyP99, r.LatencyMax, r.LatencySamples, r.CPUCores, float64(r.PeakRSS)/(1<<20), r.FirstRecord, r.LoadAverage)
	}
	return fmt.Sprintf("%s %s, round %d: %d records in %.2f s: %.0f records/s, %.1f MB/s; CPU %.1f s (%.1f s copying): %.1f s/GB; peak RSS %.0f MiB; first record after %.1f s; load average %.1f",
		r.Runner, r.Dataset, r.Round, r.Records, r.Copy, r.RecordsPerSecond, r.MBPerSecond, r.CPU, r.CPUCopy, r.CPUPerGBCopy, float64(r.PeakRSS)/(1<<20), r.FirstRecord, r.LoadAverage)
}
