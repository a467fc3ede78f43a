package kafkaharness

import (
	"net"
	"strings"
	"testing"
)

// takenPorts makes the next pickPorts call return a port that a listener
// of the test holds, as if another process had won the race for it.
func takenPorts(t *testing.T, index int) *int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	taken := l.Addr().(*net.TCPAddr).Port
	calls := 0
	pickPorts = func(n int) ([]int, error) {
		calls++
		ports, err := freePorts(n)
		if err == nil && calls == 1 {
			ports[index] = taken
		}
		return ports, err
	}
	t.Cleanup(func() { pickPorts = freePorts })
	return &calls
}

// logRecorder keeps what the harness logs, to see the retry.
type logRecorder struct {
	testing.TB
	lines []string
}

func (r *logRecorder) Logf(format string, args ...any) {
	r.Helper()
	r.TB.Logf(format, args...)
	r.lines = append(r.lines, format)
}

func (r *logRecorder) logged(s string) bool {
	for _, l := range r.lines {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

// TestStartRetriesOnBindConflict stages a lost port race for a cluster (on
// its controller port, which the JVM binds first) and for a Connect worker
// (its REST port): each must start on new ports.
func TestStartRetriesOnBindConflict(t *testing.T) {
	RequireKafka(t)
	calls := takenPorts(t, 1)
	rec := &logRecorder{TB: t}
	c := Start(rec, WithName("retry"))
	if *calls != 2 || !rec.logged("lost a port race") {
		t.Fatalf("cluster: no retry: %d port picks, log %q", *calls, rec.lines)
	}
	if !c.Running() {
		t.Fatal("cluster not running after the retry")
	}

	calls = takenPorts(t, 0)
	rec = &logRecorder{TB: t}
	w := StartConnectWorker(rec, map[string]string{"bootstrap.servers": c.Bootstrap()})
	if *calls != 2 || !rec.logged("lost a port race") {
		t.Fatalf("worker: no retry: %d port picks, log %q", *calls, rec.lines)
	}
	if !w.Running() {
		t.Fatal("worker not running after the retry")
	}
}
