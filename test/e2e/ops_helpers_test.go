package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Helpers of ops_test.go: running the docs/ops scripts and a TCP gate that
// makes a Kafka cluster unreachable until it is opened.

// opsDir is where the operator scripts live, from this package's directory.
const opsDir = "../../docs/ops"

// requireOpsTools skips the test, loudly, without bash, curl or jq (CI
// installs them).
func requireOpsTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("\n*** SKIPPED: the docs/ops scripts need %s on PATH (Debian packages bash, curl, jq; CI installs them) ***", tool)
		}
	}
}

// opsResult is what one script run gave.
type opsResult struct {
	code   int
	stdout string
	stderr string
}

func (r opsResult) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%sstderr:\n%s", r.code, indent(r.stdout), indent(r.stderr))
}

func indent(text string) string {
	if text == "" {
		return ""
	}
	return "  | " + strings.ReplaceAll(strings.TrimSuffix(text, "\n"), "\n", "\n  | ") + "\n"
}

// lines returns stdout's lines.
func (r opsResult) lines() []string {
	return strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
}

// runOps runs a docs/ops script with bash and returns its exit code and
// output. env adds to the test process's environment, from which any
// CONNECT_* setting is removed first so that the caller's shell cannot leak
// in.
func runOps(t *testing.T, env []string, script string, args ...string) opsResult {
	t.Helper()
	dir, err := filepath.Abs(opsDir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append([]string{filepath.Join(dir, script)}, args...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CONNECT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	res := opsResult{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		res.code = exit.ExitCode()
	default:
		t.Fatalf("%s %q: %v", script, args, err)
	}
	t.Logf("%s %q: %s", script, args, res)
	return res
}

// wantExit fails the test unless the script exited with code.
func wantExit(t *testing.T, r opsResult, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit code %d, want %d\n%s", r.code, code, r)
	}
}

// wantLines fails the test unless stdout holds exactly these lines, in any
// order.
func wantLines(t *testing.T, r opsResult, want ...string) {
	t.Helper()
	got := map[string]int{}
	for _, l := range r.lines() {
		got[l]++
	}
	for _, w := range want {
		if got[w] == 0 {
			t.Fatalf("stdout lacks the line %q\n%s", w, r)
		}
		got[w]--
	}
	for l, n := range got {
		if n > 0 {
			t.Fatalf("stdout has the unexpected line %q\n%s", l, r)
		}
	}
}

// statusRow finds the line of connector name (task "-" for the connector
// itself) in connect-status.sh's output and returns its other columns:
// type, state, worker and, if any, the trace.
func statusRow(out, name, task string) ([]string, bool) {
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(name) + ` +` + regexp.QuoteMeta(task) + ` +(\S+) +(\S+) +(\S+)(?: +(.*))?$`)
	for _, line := range strings.Split(out, "\n") {
		if m := re.FindStringSubmatch(line); m != nil {
			return m[1:], true
		}
	}
	return nil, false
}

// opsFileName is the backup file name of a connector as docs/ops/README.md
// defines it: every byte other than A-Z a-z 0-9 - _ . ~ percent-encoded
// (upper-case hex), a leading '.' too, plus ".json".
func opsFileName(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9',
			c == '-', c == '_', c == '~', c == '.' && i > 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String() + ".json"
}

// connectorURL is the REST URL of a connector (or of path under it).
func connectorURL(base, name string, path ...string) string {
	return base + "/connectors/" + url.PathEscape(name) + strings.Join(append([]string{""}, path...), "/")
}

// statusOf reads a connector's status through the REST API.
func statusOf(t *testing.T, base, name string) (connectorStatus, error) {
	code, body := call(t, http.MethodGet, connectorURL(base, name, "status"), nil)
	var st connectorStatus
	if code != http.StatusOK {
		return st, fmt.Errorf("status of %s: %d %s", name, code, body)
	}
	return st, json.Unmarshal(body, &st)
}

// inState returns nil once the connector is in state (PAUSED, STOPPED)
// and every task it lists is too, or, unless strict, UNASSIGNED: Ferry
// lists the tasks of a STOPPED connector, and the last tasks of a deleted
// connector of the same name, as UNASSIGNED where Java lists none (see
// TestOpsScriptsFerry).
func inState(t *testing.T, base, name, state string, strict bool) error {
	st, err := statusOf(t, base, name)
	if err != nil {
		return err
	}
	if st.Connector.State != state {
		return fmt.Errorf("%s: connector %s, want %s", name, st.Connector.State, state)
	}
	for _, task := range st.Tasks {
		if task.State != state && (strict || task.State != "UNASSIGNED") {
			return fmt.Errorf("%s: task %d %s, want %s", name, task.ID, task.State, state)
		}
	}
	if strict && len(st.Tasks) == 0 {
		return fmt.Errorf("%s: no tasks", name)
	}
	return nil
}

// configOf reads a connector's config through the REST API.
func configOf(t *testing.T, base, name string) map[string]string {
	t.Helper()
	code, body := call(t, http.MethodGet, connectorURL(base, name, "config"), nil)
	if code != http.StatusOK {
		t.Fatalf("config of %s: %d %s", name, code, body)
	}
	var cfg map[string]string
	if err := json.Unmarshal(body, &cfg); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// gate is a TCP endpoint on 127.0.0.1 standing in for a Kafka bootstrap
// server. Closed, it accepts every connection and closes it at once: a
// client cannot fetch metadata, as with a broker it cannot talk to. Opened,
// it forwards connections to upstream (the real broker, which then
// advertises its own address).
type gate struct {
	ln       net.Listener
	upstream string
	open     atomic.Bool
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    []net.Conn
	closed   bool
}

func startGate(t *testing.T, upstream string) *gate {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{ln: ln, upstream: upstream}
	g.wg.Add(1)
	go g.accept()
	t.Cleanup(g.close)
	return g
}

func (g *gate) addr() string { return g.ln.Addr().String() }

func (g *gate) accept() {
	defer g.wg.Done()
	for {
		c, err := g.ln.Accept()
		if err != nil {
			return
		}
		if !g.open.Load() || !g.track(c) {
			_ = c.Close()
			continue
		}
		g.wg.Add(1)
		go g.forward(c)
	}
}

// track remembers a connection so that close can end it; false once
// closed.
func (g *gate) track(c net.Conn) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.conns = append(g.conns, c)
	return true
}

func (g *gate) forward(c net.Conn) {
	defer g.wg.Done()
	up, err := net.DialTimeout("tcp", g.upstream, 10*time.Second)
	if err != nil || !g.track(up) {
		_ = c.Close()
		if up != nil {
			_ = up.Close()
		}
		return
	}
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		_ = dst.Close()
		_ = src.Close()
		done <- struct{}{}
	}
	go pipe(up, c)
	go pipe(c, up)
	<-done
	<-done
}

func (g *gate) close() {
	_ = g.ln.Close()
	g.mu.Lock()
	g.closed = true
	for _, c := range g.conns {
		_ = c.Close()
	}
	g.mu.Unlock()
	g.wg.Wait()
}
