package e2e

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/test/testkit"
)

// assertOneClearLine checks that a failed start printed one "error:" line
// naming the problem, and no panic or stack trace.
func assertOneClearLine(t *testing.T, out string, want ...string) {
	t.Helper()
	if strings.Contains(out, "panic") || strings.Contains(out, "goroutine ") {
		t.Fatalf("output has a panic or stack trace:\n%s", out)
	}
	var errLines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "error: ") {
			errLines = append(errLines, l)
		}
	}
	if len(errLines) != 1 {
		t.Fatalf("want exactly one error line, got %d:\n%s", len(errLines), out)
	}
	for _, w := range want {
		if !strings.Contains(errLines[0], w) {
			t.Errorf("error line %q does not mention %q", errLines[0], w)
		}
	}
}

func TestWorkerRejectsMalformedProperties(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "worker.properties")
	if err := os.WriteFile(path, []byte("group.id=x\nbad=\\uZZZZ\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := runBinary(t, bins.connectDistributed, path)
	if code := p.wait(30 * time.Second); code == 0 {
		t.Fatal("exit code 0 for a malformed file")
	}
	assertOneClearLine(t, p.output(), path, "line 2")
}

func TestWorkerRejectsMissingFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nope.properties")
	p := runBinary(t, bins.connectDistributed, path)
	if code := p.wait(30 * time.Second); code == 0 {
		t.Fatal("exit code 0 for a missing file")
	}
	assertOneClearLine(t, p.output(), path)
}

func TestWorkerRejectsMissingRequiredKeys(t *testing.T) {
	t.Parallel()
	props := workerProps([]string{"127.0.0.1:1"}, "g")
	delete(props, "group.id")
	delete(props, "offset.storage.topic")
	p := runBinary(t, bins.connectDistributed, "--log-format", "json", writeProps(t, props))
	if code := p.wait(30 * time.Second); code == 0 {
		t.Fatal("exit code 0 without group.id")
	}
	assertOneClearLine(t, p.output(), `Missing required configuration "group.id" which has no default value.`,
		`Missing required configuration "offset.storage.topic" which has no default value.`)
}

func TestWorkerReportsUnreachableKafka(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	_ = l.Close()
	p := runBinary(t, bins.connectDistributed, "--log-format", "json", writeProps(t, workerProps([]string{closed}, "g")))
	if code := p.wait(60 * time.Second); code == 0 {
		t.Fatal("exit code 0 with an unreachable Kafka")
	}
	assertOneClearLine(t, p.output(), "cannot reach Kafka at "+closed)
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	if code := runBinary(t, bins.connectDistributed).wait(30 * time.Second); code != 2 {
		t.Errorf("connect-distributed without arguments: exit %d, want 2", code)
	}
	// Java's connect-mirror-maker checks its file argument is readable:
	// exit 255 (Exit.exit(-1)) naming the file.
	p := runBinary(t, bins.mirrorMaker, "no-such-mm2.properties")
	if code := p.wait(30 * time.Second); code != 255 {
		t.Errorf("connect-mirror-maker with a missing file: exit %d, want 255", code)
	}
	assertOneClearLine(t, p.output(), "no-such-mm2.properties")
}

// TestRESTBadInput checks Connect's error bodies for bad requests against a
// running worker.
func TestRESTBadInput(t *testing.T) {
	t.Parallel()
	ks := testkit.StartKafkas(t, "source", "target")
	source, target := ks[0], ks[1]
	w := startWorker(t, writeProps(t, workerProps(target.Addrs(), testkit.UniqueName("e2e-rest"))))
	rest := w.restURL()

	expect := func(method, path string, body any, code int, msg string) {
		t.Helper()
		got, b := call(t, method, rest+path, body)
		if got != code || !strings.Contains(string(b), `"error_code":`) || !strings.Contains(string(b), msg) {
			t.Errorf("%s %s: %d %s; want %d with %q", method, path, got, b, code, msg)
		}
	}
	cfg := mirrorConfig(source.Addrs(), target.Addrs(), testkit.UniqueName("orders"))
	cfg["connector.class"] = "org.example.NoSuchConnector"
	expect(http.MethodPost, "/connectors", map[string]any{"name": "bad", "config": cfg}, 400,
		"Failed to find any class that implements Connector and which name matches org.example.NoSuchConnector")
	expect(http.MethodPost, "/connectors", map[string]any{"name": "bad", "config": map[string]string{"connector.class": "MirrorSource"}}, 400,
		`Missing required configuration \"source.cluster.alias\" which has no default value.`)
	expect(http.MethodPost, "/connectors", []byte(`{"name": "x", "config": {`), 400, "Unexpected end-of-input")
	expect(http.MethodGet, "/connectors/nope", nil, 404, "Connector nope not found")
	expect(http.MethodGet, "/connectors/nope/status", nil, 404, "No status found for connector nope")
	expect(http.MethodDelete, "/connectors/nope", nil, 404, "Connector nope not found")

	// Internal requests must be signed with the group's session key.
	expect(http.MethodPost, "/connectors/x/tasks", []map[string]string{}, 400, "Internal request missing required signature")
	forged, err := http.NewRequest(http.MethodPost, rest+"/connectors/x/tasks", strings.NewReader("[]"))
	if err != nil {
		t.Fatal(err)
	}
	forged.Header.Set("Content-Type", "application/json")
	forged.Header.Set("X-Connect-Authorization", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	forged.Header.Set("X-Connect-Request-Signature-Algorithm", "HmacSHA256")
	testkit.Eventually(t, 30*time.Second, func() error {
		resp, err := httpClient.Do(forged)
		if err != nil {
			return err
		}
		defer func() { _ = resp.Body.Close() }()
		if resp.StatusCode != http.StatusForbidden {
			return errStatus(resp.StatusCode)
		}
		return nil
	})
	if !strings.Contains(w.output(), "rejected an internal request") {
		t.Error("the forged internal request was not logged")
	}

	good := mirrorConfig(source.Addrs(), target.Addrs(), testkit.UniqueName("orders"))
	if code, b := call(t, http.MethodPost, rest+"/connectors", map[string]any{"name": "dup", "config": good}); code != 201 {
		t.Fatalf("create: %d %s", code, b)
	}
	expect(http.MethodPost, "/connectors", map[string]any{"name": "dup", "config": good}, 409, "Connector dup already exists")
	if code, b := call(t, http.MethodDelete, rest+"/connectors/dup", nil); code != 204 {
		t.Fatalf("delete: %d %s", code, b)
	}
	testkit.Eventually(t, 30*time.Second, func() error {
		code, _ := call(t, http.MethodGet, rest+"/connectors/dup/status", nil)
		if code != 404 {
			return errStatus(code)
		}
		return nil
	})
	w.stop()
}
