package e2e

import (
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/test/kafkaharness"
	"github.com/ferrykafka/ferry/test/testkit"
)

// The operator scripts of docs/ops (curl + jq against any Connect REST API)
// run here with bash against a real Ferry worker process and, in the
// integration suite, a real Java Connect worker: each run's exit code and
// output are checked, and so is its effect, through the REST API.

var opsScripts = []string{
	"connect-backup.sh", "connect-pause-resume.sh", "connect-restart-failed.sh",
	"connect-restore.sh", "connect-status.sh", "connect-wait-running.sh",
}

// opsWorker is the Connect worker a scenario drives.
type opsWorker struct {
	url      string
	workerID string
	kafka    []string // source and target of the mirror connectors: one cluster
	// names of three connectors; a is paused, b stopped and c left running
	// when the backup is taken.
	a, b, c string
	// failing returns a connector config whose task fails when it starts,
	// and a function that removes the cause (nil if the cause stays: the
	// restarted task fails again).
	failing func(t *testing.T, cfg map[string]string) (map[string]string, func())
}

func opsConnectorConfig(kafka []string, topic string) map[string]string {
	cfg := mirrorConfig(kafka, kafka, topic)
	cfg["key.converter"] = "org.apache.kafka.connect.converters.ByteArrayConverter"
	cfg["value.converter"] = "org.apache.kafka.connect.converters.ByteArrayConverter"
	cfg["header.converter"] = "org.apache.kafka.connect.converters.ByteArrayConverter"
	return cfg
}

// TestOpsScriptsFerry: every script against a Ferry worker. The connector
// names hold spaces, '/', '%', '#', '?', '&', '+', quotes and non-ASCII, which
// the scripts must URL-encode and turn into safe file names.
//
// Where Ferry differs from Java, the checks of a STOPPED or re-created
// connector accept UNASSIGNED tasks (inState): Ferry lists a STOPPED
// connector's former tasks as UNASSIGNED (Java lists none), and a deleted
// connector keeps answering its last status, UNASSIGNED, instead of 404, so
// one re-created under the same name shows its predecessor's tasks.
func TestOpsScriptsFerry(t *testing.T) {
	t.Parallel()
	requireOpsTools(t)
	kafka := testkit.StartKafkas(t, "ops")[0]
	w := startWorker(t, writeProps(t, workerProps(kafka.Addrs(), testkit.UniqueName("e2e-ops"))))
	testOpsScripts(t, opsWorker{
		url:      w.restURL(),
		workerID: strings.TrimPrefix(w.restURL(), "http://"),
		kafka:    kafka.Addrs(),
		a:        "orders",
		b:        "team payments #1 ?&+é'()*!",
		c:        "eu/west 100%",
		// An invalid consumer setting fails the task when it starts, every
		// time, as with Java. (A source it cannot reach no longer fails it:
		// like Java's, the task keeps running and retries, saying so in the
		// log; see connectors/mirror/faults.go.)
		failing: func(t *testing.T, cfg map[string]string) (map[string]string, func()) {
			cfg = maps.Clone(cfg)
			cfg["source.consumer.isolation.level"] = "bogus"
			return cfg, nil
		},
	})
}

// TestOpsScriptsJavaConnect: the same against the real Java Connect 4.3.1
// worker (integration suite). Java's Jetty refuses '/' and '%' encoded in a
// path (docs/ops/README.md, known limits), so the names avoid those.
func TestOpsScriptsJavaConnect(t *testing.T) {
	t.Parallel()
	requireOpsTools(t)
	kafkaharness.RequireKafka(t)
	var kafka testkit.Kafka
	if testkit.KafkaMode() == testkit.KafkaExternal {
		kafka = testkit.StartKafkas(t, "ops")[0]
	} else {
		kafka = kafkaharness.StartClusters(t, []string{"ops"})[0]
	}
	w := kafkaharness.StartConnectWorker(t, map[string]string{"bootstrap.servers": join(kafka.Addrs())})
	testOpsScripts(t, opsWorker{
		url:      w.URL(),
		workerID: strings.TrimPrefix(w.URL(), "http://"),
		kafka:    kafka.Addrs(),
		a:        "orders",
		b:        "team payments #1 ?&+é'()*!",
		c:        "inventory",
		// Java's MirrorSourceTask creates its consumer in start(); an
		// invalid consumer setting fails it there, every time.
		failing: func(t *testing.T, cfg map[string]string) (map[string]string, func()) {
			cfg = maps.Clone(cfg)
			cfg["source.consumer.isolation.level"] = "bogus"
			return cfg, nil
		},
	})
}

func testOpsScripts(t *testing.T, w opsWorker) {
	topic := testkit.UniqueName("orders")
	createTopic(t, w.kafka, topic, 2)
	cfg := opsConnectorConfig(w.kafka, topic)
	names := []string{w.a, w.b, w.c}
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	for _, name := range names {
		code, body := call(t, http.MethodPost, w.url+"/connectors", map[string]any{"name": name, "config": cfg})
		if code != http.StatusCreated {
			t.Fatalf("create %q: %d %s", name, code, body)
		}
	}

	t.Run("wait-running", func(t *testing.T) {
		// The URL three ways: argument, --url, CONNECT_URL.
		r := runOps(t, nil, "connect-wait-running.sh", w.url, w.a, "90")
		wantExit(t, r, 0)
		r2 := runOps(t, nil, "connect-wait-running.sh", "--url", w.url, w.b, "90")
		wantExit(t, r2, 0)
		r3 := runOps(t, []string{"CONNECT_URL=" + w.url}, "connect-wait-running.sh", w.c, "90")
		wantExit(t, r3, 0)
		for i, r := range []opsResult{r, r2, r3} {
			lines := r.lines()
			if last := lines[len(lines)-1]; last != names[i]+" is RUNNING" {
				t.Errorf("last line %q, want %q", last, names[i]+" is RUNNING")
			}
		}
		for _, name := range names {
			if err := runningStatus(t, w.url, url0(name), 1); err != nil {
				t.Fatalf("the script said RUNNING, the REST API says: %v", err)
			}
		}
	})

	t.Run("status", func(t *testing.T) {
		r := runOps(t, nil, "connect-status.sh", w.url)
		wantExit(t, r, 0)
		if head := r.lines()[0]; strings.Join(strings.Fields(head), " ") != "CONNECTOR TASK TYPE STATE WORKER TRACE" {
			t.Fatalf("header %q\n%s", head, r)
		}
		for _, name := range names {
			st, err := statusOf(t, w.url, name)
			if err != nil {
				t.Fatal(err)
			}
			wantRow(t, r, name, "-", "source", "RUNNING", w.workerID)
			for _, task := range st.Tasks {
				wantRow(t, r, name, fmt.Sprint(task.ID), "source", "RUNNING", w.workerID)
			}
			if n := countRows(r, name); n != 1+len(st.Tasks) {
				t.Errorf("%d lines for %q, want %d\n%s", n, name, 1+len(st.Tasks), r)
			}
		}
	})

	t.Run("pause-resume-stop", func(t *testing.T) {
		r := runOps(t, nil, "connect-pause-resume.sh", w.url, "pause")
		wantExit(t, r, 0)
		wantLines(t, r, prefixed("paused ", sorted)...)
		for _, name := range names {
			testkit.Eventually(t, 60*time.Second, func() error { return inState(t, w.url, name, "PAUSED", true) })
		}

		r = runOps(t, nil, "connect-pause-resume.sh", w.url, "resume", w.b, w.c)
		wantExit(t, r, 0)
		wantLines(t, r, "resumed "+w.b, "resumed "+w.c)
		for _, name := range []string{w.b, w.c} {
			testkit.Eventually(t, 60*time.Second, func() error { return runningStatus(t, w.url, url0(name), 1) })
		}
		if err := inState(t, w.url, w.a, "PAUSED", true); err != nil {
			t.Fatalf("resuming others changed %q: %v", w.a, err)
		}

		r = runOps(t, nil, "connect-pause-resume.sh", w.url, "stop", w.b)
		wantExit(t, r, 0)
		wantLines(t, r, "stopped "+w.b)
		testkit.Eventually(t, 60*time.Second, func() error { return inState(t, w.url, w.b, "STOPPED", false) })

		// An unknown name fails the run but not the others.
		r = runOps(t, nil, "connect-pause-resume.sh", w.url, "pause", "no-such-connector", w.a)
		wantExit(t, r, 1)
		wantLines(t, r, "paused "+w.a)
		if !strings.Contains(r.stderr, "no-such-connector") || !strings.Contains(r.stderr, "404") {
			t.Fatalf("stderr does not name the unknown connector and the 404\n%s", r)
		}
		if err := inState(t, w.url, w.a, "PAUSED", true); err != nil {
			t.Fatal(err)
		}

		r = runOps(t, nil, "connect-pause-resume.sh", w.url, "freeze")
		wantExit(t, r, 2)
	})

	t.Run("wait-running-fails", func(t *testing.T) {
		r := runOps(t, nil, "connect-wait-running.sh", w.url, w.a, "2")
		wantExit(t, r, 1)
		if !strings.Contains(r.stderr, "is not RUNNING after 2s") || !strings.Contains(r.stdout, "PAUSED") {
			t.Fatalf("a paused connector: want a timeout naming its state\n%s", r)
		}
		r = runOps(t, nil, "connect-wait-running.sh", w.url, "no-such-connector", "1")
		wantExit(t, r, 1)
		if !strings.Contains(r.stdout, "no status yet") {
			t.Fatalf("an unknown connector: want 'no status yet'\n%s", r)
		}
	})

	backup := filepath.Join(t.TempDir(), "backup", "today")
	want := map[string]string{w.a: "PAUSED", w.b: "STOPPED", w.c: "RUNNING"}
	configs := map[string]map[string]string{}
	t.Run("backup", func(t *testing.T) {
		var lines []string
		for _, name := range names {
			lines = append(lines, fmt.Sprintf("saved %s (%s) to %s", name, want[name], filepath.Join(backup, opsFileName(name))))
		}
		lines = append(lines, fmt.Sprintf("backed up 3 connector(s) to %s", backup))
		r := runOps(t, nil, "connect-backup.sh", w.url, backup)
		wantExit(t, r, 0)
		wantLines(t, r, lines...)
		if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o700 {
			t.Fatalf("the backup directory: %v, %v; want mode 0700", fi, err)
		}

		// Again, over the first backup, with a file of no connector in it.
		stale := filepath.Join(backup, "deleted-long-ago.json")
		if err := os.WriteFile(stale, []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
		r = runOps(t, []string{"CONNECT_URL=" + w.url}, "connect-backup.sh", backup)
		wantExit(t, r, 0)
		wantLines(t, r, lines...)
		if !strings.Contains(r.stderr, "warning: "+stale+" is not a connector") {
			t.Fatalf("no warning about the stale file\n%s", r)
		}
		if err := os.Remove(stale); err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			path := filepath.Join(backup, opsFileName(name))
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s has mode %v, want 0600", path, fi.Mode().Perm())
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var saved struct {
				Name         string            `json:"name"`
				Config       map[string]string `json:"config"`
				InitialState string            `json:"initial_state"`
			}
			if err := json.Unmarshal(raw, &saved); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			live := configOf(t, w.url, name)
			if saved.Name != name || saved.InitialState != want[name] || !maps.Equal(saved.Config, live) {
				t.Fatalf("%s holds %s; want name %q, state %s, config %v", path, raw, name, want[name], live)
			}
			configs[name] = live
		}
		entries, err := os.ReadDir(backup)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != len(names) {
			t.Fatalf("%d files in the backup, want %d: %v", len(entries), len(names), entries)
		}
	})

	t.Run("restore", func(t *testing.T) {
		if len(configs) != len(names) {
			t.Skip("no backup")
		}
		for _, name := range names {
			if code, body := call(t, http.MethodDelete, connectorURL(w.url, name), nil); code != http.StatusNoContent {
				t.Fatalf("delete %q: %d %s", name, code, body)
			}
		}
		testkit.Eventually(t, 60*time.Second, func() error {
			code, body := call(t, http.MethodGet, w.url+"/connectors", nil)
			if code != http.StatusOK || string(body) != "[]" {
				return fmt.Errorf("connectors: %d %s", code, body)
			}
			return nil
		})

		r := runOps(t, nil, "connect-restore.sh", w.url, backup)
		wantExit(t, r, 0)
		wantLines(t, r, "created "+w.a+" (PAUSED)", "created "+w.b+" (STOPPED)", "created "+w.c+" (RUNNING)")
		waitRestored := func() {
			for _, name := range names {
				if got := configOf(t, w.url, name); !maps.Equal(got, configs[name]) {
					t.Fatalf("config of %q after restore: %v, want %v", name, got, configs[name])
				}
			}
			testkit.Eventually(t, 60*time.Second, func() error { return inState(t, w.url, w.a, "PAUSED", false) })
			testkit.Eventually(t, 60*time.Second, func() error { return inState(t, w.url, w.b, "STOPPED", false) })
			testkit.Eventually(t, 60*time.Second, func() error { return runningStatus(t, w.url, url0(w.c), 1) })
		}
		waitRestored()

		// Idempotent: nothing to do the second time.
		r = runOps(t, nil, "connect-restore.sh", w.url, backup)
		wantExit(t, r, 0)
		wantLines(t, r, "unchanged "+w.a+" (PAUSED)", "unchanged "+w.b+" (STOPPED)", "unchanged "+w.c+" (RUNNING)")

		// Drift: c's config changed, a resumed. Restore puts both back.
		drifted := maps.Clone(configs[w.c])
		drifted["tasks.max"] = "1"
		if code, body := call(t, http.MethodPut, connectorURL(w.url, w.c, "config"), drifted); code != http.StatusOK {
			t.Fatalf("put config of %q: %d %s", w.c, code, body)
		}
		if code, body := call(t, http.MethodPut, connectorURL(w.url, w.a, "resume"), nil); code != http.StatusAccepted {
			t.Fatalf("resume %q: %d %s", w.a, code, body)
		}
		testkit.Eventually(t, 60*time.Second, func() error { return runningStatus(t, w.url, url0(w.a), 1) })
		r = runOps(t, nil, "connect-restore.sh", w.url, backup)
		wantExit(t, r, 0)
		wantLines(t, r, "restored "+w.a+" (PAUSED): paused", "unchanged "+w.b+" (STOPPED)",
			"restored "+w.c+" (RUNNING): config updated")
		waitRestored()

		// A broken file is reported; the others are still restored.
		if err := os.WriteFile(filepath.Join(backup, "broken.json"), []byte(`{"name":"x"}`), 0o600); err != nil {
			t.Fatal(err)
		}
		r = runOps(t, nil, "connect-restore.sh", w.url, backup)
		wantExit(t, r, 1)
		wantLines(t, r, "unchanged "+w.a+" (PAUSED)", "unchanged "+w.b+" (STOPPED)", "unchanged "+w.c+" (RUNNING)")
		if !strings.Contains(r.stderr, "broken.json") || !strings.Contains(r.stderr, `no "config" object`) {
			t.Fatalf("the broken file is not reported\n%s", r)
		}

		r = runOps(t, nil, "connect-restore.sh", w.url, filepath.Join(backup, "missing"))
		wantExit(t, r, 2)
	})

	t.Run("restart-failed", func(t *testing.T) {
		r := runOps(t, nil, "connect-restart-failed.sh", w.url)
		wantExit(t, r, 0)
		wantLines(t, r, "nothing to restart: no FAILED connector or task")

		const broken = "broken mirror"
		cfg1 := maps.Clone(cfg)
		cfg1["tasks.max"] = "1"
		failing, heal := w.failing(t, cfg1)
		if code, body := call(t, http.MethodPost, w.url+"/connectors", map[string]any{"name": broken, "config": failing}); code != http.StatusCreated {
			t.Fatalf("create %q: %d %s", broken, code, body)
		}
		var trace string
		testkit.Eventually(t, 90*time.Second, func() error {
			st, err := statusOf(t, w.url, broken)
			if err != nil {
				return err
			}
			if st.Connector.State != "RUNNING" || len(st.Tasks) != 1 || st.Tasks[0].State != "FAILED" {
				return fmt.Errorf("want connector RUNNING and task 0 FAILED, have %+v", st)
			}
			trace = st.Tasks[0].Trace
			return nil
		})
		firstLine := strings.TrimSpace(printable(strings.SplitN(trace, "\n", 2)[0]))
		if firstLine == "" {
			t.Fatalf("the FAILED task has no trace")
		}

		// The status script shows the FAILED task with its trace and exits 1.
		r = runOps(t, nil, "connect-status.sh", w.url)
		wantExit(t, r, 1)
		row, ok := statusRow(r.stdout, broken, "0")
		if !ok || row[1] != "FAILED" || row[3] != firstLine {
			t.Fatalf("want the line %q 0 source FAILED %s %s\n%s", broken, w.workerID, firstLine, r)
		}
		wantRow(t, r, broken, "-", "source", "RUNNING", w.workerID)
		if !strings.Contains(r.stderr, "1 connector(s)/task(s) FAILED") {
			t.Fatalf("stderr does not count the FAILED task\n%s", r)
		}

		// Waiting for it ends at once, with the trace.
		r = runOps(t, nil, "connect-wait-running.sh", w.url, broken, "60")
		wantExit(t, r, 1)
		if !strings.Contains(r.stderr, "task 0 FAILED on "+w.workerID) || !strings.Contains(r.stderr, firstLine) {
			t.Fatalf("stderr lacks the FAILED task and its trace\n%s", r)
		}

		if heal != nil {
			heal()
		}
		r = runOps(t, nil, "connect-restart-failed.sh", "--dry-run", w.url)
		wantExit(t, r, 0)
		wantLines(t, r, "would restart "+broken+": task 0")
		if st, err := statusOf(t, w.url, broken); err != nil || len(st.Tasks) != 1 || st.Tasks[0].State != "FAILED" {
			t.Fatalf("after a dry run: %+v, %v; want task 0 still FAILED", st, err)
		}

		// Only the named connectors: the others are not looked at.
		r = runOps(t, nil, "connect-restart-failed.sh", w.url, w.a, "no-such-connector")
		wantExit(t, r, 1)
		if !strings.Contains(r.stderr, "no connector named no-such-connector") {
			t.Fatalf("the unknown name is not reported\n%s", r)
		}
		if st, err := statusOf(t, w.url, broken); err != nil || len(st.Tasks) != 1 || st.Tasks[0].State != "FAILED" {
			t.Fatalf("restarting others: %+v, %v; want task 0 still FAILED", st, err)
		}

		r = runOps(t, nil, "connect-restart-failed.sh", w.url)
		wantExit(t, r, 0)
		wantLines(t, r, "restarted "+broken+": task 0")
		if heal == nil {
			return // the cause stays: the task fails again
		}
		// The cause is gone and nothing else restarts a FAILED task: it
		// runs because the script restarted it.
		testkit.Eventually(t, 60*time.Second, func() error { return runningStatus(t, w.url, url0(broken), 1) })
		r = runOps(t, nil, "connect-wait-running.sh", w.url, broken, "30")
		wantExit(t, r, 0)
		r = runOps(t, nil, "connect-status.sh", w.url)
		wantExit(t, r, 0)
	})
}

// url0 escapes a connector name for the shared REST helpers, which paste
// the name into the path.
func url0(name string) string {
	return strings.TrimPrefix(connectorURL("", name), "/connectors/")
}

// printable is text as the scripts print it: control characters as '?'.
func printable(text string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, text)
}

func prefixed(prefix string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}

// wantRow fails the test unless connect-status.sh printed this line (with
// no trace).
func wantRow(t *testing.T, r opsResult, name, task, typ, state, worker string) {
	t.Helper()
	row, ok := statusRow(r.stdout, name, task)
	if !ok || row[0] != typ || row[1] != state || row[2] != worker || row[3] != "" {
		t.Fatalf("want the line %q %s %s %s %s, have %q\n%s", name, task, typ, state, worker, row, r)
	}
}

// countRows counts connect-status.sh lines of a connector.
func countRows(r opsResult, name string) int {
	n := 0
	for _, l := range r.lines() {
		if strings.HasPrefix(l, name+" ") {
			n++
		}
	}
	return n
}

// TestOpsScriptsOffline: what needs no Connect worker: usage texts, bad
// arguments, an unreachable worker, basic authentication (sent, never
// printed), HTTPS with --cacert or --insecure, and shellcheck.
func TestOpsScriptsOffline(t *testing.T) {
	t.Parallel()
	requireOpsTools(t)

	t.Run("usage", func(t *testing.T) {
		for _, s := range opsScripts {
			r := runOps(t, nil, s, "--help")
			wantExit(t, r, 0)
			if !strings.HasPrefix(r.stdout, "Usage: "+s) || !strings.Contains(r.stdout, "Exit codes:") {
				t.Errorf("%s --help: no usage text\n%s", s, r)
			}
			r = runOps(t, nil, s, "--no-such-option")
			wantExit(t, r, 2)
			if !strings.Contains(r.stderr, "unknown option: --no-such-option") {
				t.Errorf("%s: unclear usage error\n%s", s, r)
			}
		}
		for _, args := range [][]string{
			{"connect-wait-running.sh"}, {"connect-wait-running.sh", "c", "soon"},
			{"connect-backup.sh"}, {"connect-restore.sh"}, {"connect-pause-resume.sh"},
			{"connect-status.sh", "ftp://host"},
		} {
			wantExit(t, runOps(t, nil, args[0], args[1:]...), 2)
		}
	})

	// A worker that cannot be talked to: the gate accepts and hangs up.
	t.Run("unreachable", func(t *testing.T) {
		g := startGate(t, "127.0.0.1:1")
		u := "http://" + g.addr()
		for _, args := range [][]string{
			{"connect-status.sh", u}, {"connect-restart-failed.sh", u}, {"connect-pause-resume.sh", u, "pause"},
			{"connect-backup.sh", u, t.TempDir()},
		} {
			r := runOps(t, nil, args[0], args[1:]...)
			wantExit(t, r, 3)
			if !strings.Contains(r.stderr, "cannot reach Connect") || !strings.Contains(r.stderr, g.addr()) {
				t.Errorf("%s: unclear error\n%s", args[0], r)
			}
		}
		r := runOps(t, nil, "connect-wait-running.sh", u, "c", "1")
		wantExit(t, r, 1)
	})

	// Basic auth reaches the server; the password is never printed, not
	// even from a URL with user:password@ in it.
	t.Run("basic-auth", func(t *testing.T) {
		const user, password = "ops admin", `s3cr"e\t:$x'y`
		var mu sync.Mutex
		var got []string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			got = append(got, r.Header.Get("Authorization"))
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			if r.Header.Get("Authorization") == "" {
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = w.Write([]byte(`{"error_code":401,"message":"Credentials are required"}`))
				return
			}
			_, _ = w.Write([]byte(`{}`))
		}))
		t.Cleanup(srv.Close)
		env := []string{"CONNECT_USER=" + user, "CONNECT_PASSWORD=" + password}
		r := runOps(t, env, "connect-status.sh", srv.URL)
		wantExit(t, r, 0)
		wantLines(t, r, "no connectors")
		mu.Lock()
		sent := append([]string(nil), got...)
		mu.Unlock()
		wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
		if len(sent) != 1 || sent[0] != wantAuth {
			t.Fatalf("Authorization headers %q, want [%q]", sent, wantAuth)
		}

		r = runOps(t, nil, "connect-status.sh", srv.URL)
		wantExit(t, r, 3)
		if !strings.Contains(r.stderr, "HTTP 401: Credentials are required") {
			t.Fatalf("a 401 is not reported clearly\n%s", r)
		}

		withCreds := strings.Replace(srv.URL, "http://", "http://someone:hunter2@", 1)
		r = runOps(t, []string{"CONNECT_URL=" + withCreds}, "connect-wait-running.sh", "c", "1")
		wantExit(t, r, 1)
		if strings.Contains(r.stdout+r.stderr, "hunter2") || strings.Contains(r.stdout+r.stderr, password) {
			t.Fatalf("a password was printed\n%s", r)
		}
	})

	t.Run("https", func(t *testing.T) {
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{}`))
		}))
		srv.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
		srv.StartTLS()
		t.Cleanup(srv.Close)
		ca := filepath.Join(t.TempDir(), "ca.pem")
		if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
			t.Fatal(err)
		}
		wantExit(t, runOps(t, nil, "connect-status.sh", srv.URL), 3)
		wantExit(t, runOps(t, nil, "connect-status.sh", "--cacert", ca, srv.URL), 0)
		wantExit(t, runOps(t, []string{"CONNECT_CACERT=" + ca}, "connect-status.sh", srv.URL), 0)
		wantExit(t, runOps(t, nil, "connect-status.sh", "--insecure", srv.URL), 0)
	})

	t.Run("shellcheck", func(t *testing.T) {
		bin, err := exec.LookPath("shellcheck")
		if err != nil {
			t.Skip("\n*** SKIPPED: shellcheck is not on PATH (Debian package shellcheck) ***")
		}
		// As make lint runs it; docs/ops/.shellcheckrc follows connect-lib.sh.
		cmd := exec.Command(bin, append([]string{"connect-lib.sh"}, opsScripts...)...)
		cmd.Dir = opsDir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("shellcheck: %v\n%s", err, out)
		}
	})
}
