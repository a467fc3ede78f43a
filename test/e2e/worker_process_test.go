package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/test/testkit"
)

// workerProcess is a running connect-distributed binary.
type workerProcess struct {
	t    testing.TB
	cmd  *exec.Cmd
	done chan struct{}
	err  error // set when done is closed

	mu    sync.Mutex
	lines []string
	rest  string // REST base URL, once the worker listens
}

// writeProps writes a worker.properties file and returns its path.
func writeProps(t testing.TB, props map[string]string) string {
	t.Helper()
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("# written by the e2e suite\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s\n", k, props[k])
	}
	path := filepath.Join(t.TempDir(), "worker.properties")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startWorker runs connect-distributed with the given properties file and
// waits until its REST API listens. The process is killed when the test ends
// if it is still running.
func startWorker(t testing.TB, propsPath string) *workerProcess {
	t.Helper()
	w := runBinary(t, bins.connectDistributed, "--log-format", "json", propsPath)
	testkit.Eventually(t, 90*time.Second, func() error {
		select {
		case <-w.done:
			return fmt.Errorf("worker exited early: %v\n%s", w.err, w.output())
		default:
		}
		if w.restURL() == "" {
			return fmt.Errorf("REST API not listening yet")
		}
		return nil
	})
	return w
}

// runBinary starts a binary and collects its log lines.
func runBinary(t testing.TB, bin string, args ...string) *workerProcess {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = nil
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w := &workerProcess{t: t, cmd: cmd, done: make(chan struct{})}
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			w.addLine(sc.Text())
		}
	}()
	go func() {
		<-scanned
		w.err = cmd.Wait()
		close(w.done)
	}()
	t.Cleanup(func() {
		select {
		case <-w.done:
		default:
			_ = cmd.Process.Kill()
			<-w.done
		}
		if t.Failed() {
			t.Logf("output of %s:\n%s", filepath.Base(bin), w.output())
		}
	})
	return w
}

func (w *workerProcess) addLine(line string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lines = append(w.lines, line)
	var ev struct {
		Message string   `json:"message"`
		URLs    []string `json:"urls"`
	}
	if json.Unmarshal([]byte(line), &ev) == nil && ev.Message == "REST server listening" && len(ev.URLs) > 0 {
		w.rest = ev.URLs[0]
	}
}

func (w *workerProcess) restURL() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.rest
}

func (w *workerProcess) output() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.lines, "\n")
}

// stop sends SIGTERM and waits for a clean exit.
func (w *workerProcess) stop() {
	w.t.Helper()
	if err := w.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		w.t.Fatalf("signal worker: %v", err)
	}
	select {
	case <-w.done:
	case <-time.After(90 * time.Second):
		w.t.Fatalf("worker did not stop within 90s:\n%s", w.output())
	}
	if w.err != nil {
		w.t.Fatalf("worker exited with %v:\n%s", w.err, w.output())
	}
}

// wait waits for the process to exit on its own and returns its exit code.
func (w *workerProcess) wait(timeout time.Duration) int {
	w.t.Helper()
	select {
	case <-w.done:
	case <-time.After(timeout):
		w.t.Fatalf("process still running after %v:\n%s", timeout, w.output())
	}
	return w.cmd.ProcessState.ExitCode()
}
