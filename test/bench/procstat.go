package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// The CPU time and memory of a mirroring process, read from Linux's /proc
// as the kernel accounts them: the JVM's every thread (JIT, GC) for Java,
// the Go runtime's for Ferry and the null pipeline.

// clockTicks is the unit of the times in /proc/<pid>/stat (getconf
// CLK_TCK; 100 on every Linux this runs on, the fallback).
var clockTicks = sync.OnceValue(func() float64 {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err != nil {
		return 100
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil || n <= 0 {
		return 100
	}
	return n
})

// procStat is what /proc/<pid>/stat says of a process.
type procStat struct {
	ppid int
	// cpu is utime+stime+cutime+cstime in seconds: the process's own CPU
	// time and that of its children it has waited for.
	cpu float64
}

func readProcStat(pid int) (procStat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStat{}, err
	}
	// The command name (field 2) is in parentheses and may hold spaces:
	// the fields after the last ')' start with field 3, the state.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("/proc/%d/stat: no ')' in %q", pid, s)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 15 {
		return procStat{}, fmt.Errorf("/proc/%d/stat: %d fields after the name", pid, len(f))
	}
	field := func(n int) (float64, error) { return strconv.ParseFloat(f[n-3], 64) } // n: proc(5)'s field number
	ppid, err := field(4)
	if err != nil {
		return procStat{}, err
	}
	var ticks float64
	for _, n := range []int{14, 15, 16, 17} { // utime, stime, cutime, cstime
		v, err := field(n)
		if err != nil {
			return procStat{}, fmt.Errorf("/proc/%d/stat field %d: %w", pid, n, err)
		}
		ticks += v
	}
	return procStat{ppid: int(ppid), cpu: ticks / clockTicks()}, nil
}

// descendants returns the live processes below pid (children, their
// children, ...).
func descendants(pid int) []int {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	children := map[int][]int{}
	for _, d := range dirs {
		p, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		if st, err := readProcStat(p); err == nil {
			children[st.ppid] = append(children[st.ppid], p)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// CPUSeconds is the CPU time (user and system) pid and its descendants,
// live or reaped, have used since they started.
func CPUSeconds(pid int) (float64, error) {
	st, err := readProcStat(pid)
	if err != nil {
		return 0, err
	}
	total := st.cpu
	for _, c := range descendants(pid) {
		if cs, err := readProcStat(c); err == nil {
			total += cs.cpu
		}
	}
	return total, nil
}

// PeakRSSBytes is the peak resident set size (VmHWM) of pid plus that of
// its live descendants.
func PeakRSSBytes(pid int) (int64, error) {
	total, err := vmHWM(pid)
	if err != nil {
		return 0, err
	}
	for _, c := range descendants(pid) {
		if n, err := vmHWM(c); err == nil {
			total += n
		}
	}
	return total, nil
}

func vmHWM(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest) // "123456 kB"
			if len(f) != 2 || f[1] != "kB" {
				return 0, fmt.Errorf("/proc/%d/status: %q", pid, line)
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("/proc/%d/status: no VmHWM", pid)
}

// ChildWithArg returns the pid of a live child of this process whose
// command line has an argument containing substr (how the benchmark finds
// the JVM kafkaharness started: its -Dkafka.logs.dir names its directory).
func ChildWithArg(substr string) (int, error) {
	self := os.Getpid()
	for _, c := range descendants(self) {
		st, err := readProcStat(c)
		if err != nil || st.ppid != self {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", c))
		if err != nil {
			continue
		}
		for _, arg := range strings.Split(string(b), "\x00") {
			if strings.Contains(arg, substr) {
				return c, nil
			}
		}
	}
	return 0, fmt.Errorf("no child process with an argument containing %q", substr)
}

// LoadAverage is the 1-minute load average (/proc/loadavg; 0 if unknown):
// the benchmark records it with every run, since other processes on the
// machine skew what it measures.
func LoadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}
