package kafkaharness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// ConnectWorker is a Java Kafka Connect worker in distributed mode
// (org.apache.kafka.connect.cli.ConnectDistributed) with its REST listener
// on 127.0.0.1. Every jar of the harness is on its classpath, so Kafka's
// MirrorMaker 2 connectors (MirrorSourceConnector, MirrorCheckpointConnector,
// MirrorHeartbeatConnector), converters and transforms are there without
// plugin.path; the file connectors (connect-file) are not fetched.
type ConnectWorker struct {
	dir     string
	port    int
	props   map[string]string
	proc    *proc
	startup time.Duration
	t       testing.TB
	// waitHealthy: start-up waits for GET /health, not only GET /.
	waitHealthy bool

	mu      sync.Mutex
	stopped bool
}

// connectDefaults are the worker.properties entries StartConnectWorker
// supplies unless props sets them; group and topic names are made unique so
// that several workers or tests can share a cluster.
func connectDefaults(port int, group string) map[string]string {
	return map[string]string{
		"group.id":                          group,
		"config.storage.topic":              group + "-configs",
		"offset.storage.topic":              group + "-offsets",
		"status.storage.topic":              group + "-status",
		"config.storage.replication.factor": "1",
		"offset.storage.replication.factor": "1",
		"status.storage.replication.factor": "1",
		"key.converter":                     "org.apache.kafka.connect.json.JsonConverter",
		"value.converter":                   "org.apache.kafka.connect.json.JsonConverter",
		"listeners":                         "http://127.0.0.1:" + strconv.Itoa(port),
		"rest.advertised.host.name":         "127.0.0.1",
		"rest.advertised.port":              strconv.Itoa(port),
		"rest.advertised.listener":          "http",
		// Only ServiceLoader manifests, no reflective scan of ~95 jars:
		// Kafka's own plugins all have manifests. Pass "hybrid_warn" to scan.
		"plugin.discovery": "service_load",
	}
}

// StartConnectWorker starts a Java Connect worker and returns once GET / on
// its REST listener answers 200 and GET /health reports it ready. props are
// worker.properties entries; bootstrap.servers is required, everything else
// defaults (see below) and props override the defaults. The worker is
// stopped gracefully and its directory removed when the test ends; if the
// test failed, the tail of its log is logged first.
//
// Defaults: group.id ferry-harness-<random> with <group.id>-configs,
// -offsets and -status storage topics at replication factor 1, JsonConverter
// for keys and values, listeners=http://127.0.0.1:<free port> with matching
// rest.advertised.*, plugin.discovery=service_load. Kafka's own defaults hold
// for the rest, among them offset.flush.interval.ms=60000 and
// scheduled.rebalance.max.delay.ms=300000 (a departed worker's tasks wait
// five minutes before reassignment): hand-over tests will want to lower them.
func StartConnectWorker(t testing.TB, props map[string]string) *ConnectWorker {
	t.Helper()
	return startConnectWorker(t, props, true)
}

// StartConnectWorkerServing is StartConnectWorker returning as soon as the
// REST API serves its resources (GET / answers 200), without waiting for
// GET /health: the herder may still be reading the internal topics and
// joining the group, so a test can watch what the worker shows before it
// runs anything itself (e.g. the statuses another worker left behind).
func StartConnectWorkerServing(t testing.TB, props map[string]string) *ConnectWorker {
	t.Helper()
	return startConnectWorker(t, props, false)
}

func startConnectWorker(t testing.TB, props map[string]string, waitHealthy bool) *ConnectWorker {
	t.Helper()
	RequireKafka(t)
	if props["bootstrap.servers"] == "" {
		t.Fatalf("kafkaharness: StartConnectWorker needs bootstrap.servers (e.g. cluster.Bootstrap())")
	}
	libDir := mustJars(t)
	group := "ferry-harness-" + newClusterID()[:8]
	for attempt := 1; ; attempt++ {
		w, err := startWorker(t, libDir, group, props, waitHealthy)
		if err == nil {
			t.Logf("kafkaharness: Connect worker (Kafka %s, group %s) at %s in %v; log %s",
				KafkaVersion, w.props["group.id"], w.URL(), w.startup.Round(time.Millisecond), w.proc.logPath)
			return w
		}
		var bc errBindConflict
		if errors.As(err, &bc) && attempt < bindAttempts {
			t.Logf("kafkaharness: Connect worker lost a port race (%v); retrying on a new port", err)
			continue
		}
		t.Fatalf("kafkaharness: start Connect worker: %v", err)
	}
}

func startWorker(t testing.TB, libDir, group string, userProps map[string]string, waitHealthy bool) (*ConnectWorker, error) {
	ports, err := pickPorts(1)
	if err != nil {
		return nil, err
	}
	dir, err := makeProcDir("ferry-connect-")
	if err != nil {
		return nil, err
	}
	w := &ConnectWorker{dir: dir, port: ports[0], t: t, waitHealthy: waitHealthy}
	fail := func(err error) (*ConnectWorker, error) {
		if w.proc != nil {
			w.proc.kill()
		}
		if err != nil && w.proc != nil {
			err = fmt.Errorf("%w\n--- last lines of %s ---\n%s", err, w.proc.logPath, w.proc.tail(60))
		}
		if keepDirs() {
			keepDir(dir)
		} else {
			_ = os.RemoveAll(dir)
		}
		return nil, err
	}
	props := connectDefaults(w.port, group)
	for k, v := range userProps {
		props[k] = v
	}
	w.props = props
	workerProps := filepath.Join(dir, "worker.properties")
	if err := writeProperties(workerProps, "Written by Ferry's kafkaharness", props); err != nil {
		return fail(err)
	}
	logPath := filepath.Join(dir, "connect.log")
	log4j := filepath.Join(dir, "log4j2.properties")
	// As Kafka's config/connect-log4j2.yaml: quiet the reflections library.
	quiet := map[string]string{"org.reflections": "ERROR"}
	if err := os.WriteFile(log4j, []byte(log4j2Config(logPath, logLevel(), quiet)), 0o644); err != nil {
		return fail(err)
	}
	args := []string{
		"-Xmx512m",
		"-Djava.awt.headless=true",
		"-Dlog4j2.configurationFile=" + log4j,
		"-Dkafka.logs.dir=" + dir,
		"-cp", classpath(libDir),
		"org.apache.kafka.connect.cli.ConnectDistributed", workerProps,
	}
	start := time.Now()
	w.proc, err = startJava("connect worker", dir, logPath, args)
	if err != nil {
		return fail(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := w.waitReady(ctx); err != nil {
		var bc errBindConflict
		if errors.As(err, &bc) {
			_, _ = fail(nil) // kill, remove the directory; no log tail
			return nil, err
		}
		return fail(err)
	}
	w.startup = time.Since(start)
	t.Cleanup(w.cleanup)
	return w, nil
}

// connectFatal is what ConnectDistributed logs before it exits on a
// start-up error.
const connectFatal = "Stopping due to error"

// waitReady polls GET / until it answers 200, then GET /health until the
// herder reports itself ready (200).
func (w *ConnectWorker) waitReady(ctx context.Context) error {
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	path := "/"
	var last string
	for {
		code, body, err := get(ctx, client, w.URL()+path)
		switch {
		case err != nil:
			last = err.Error()
		case code == http.StatusOK && path == "/" && !w.waitHealthy:
			return nil
		case code == http.StatusOK && path == "/":
			path = "/health"
			continue
		case code == http.StatusOK:
			return nil
		default:
			last = fmt.Sprintf("GET %s: %d %s", path, code, body)
		}
		if found, ok := w.proc.scanLog(bindConflictMarker, connectFatal); ok {
			if found == bindConflictMarker || w.proc.logContains(bindConflictMarker) {
				return errBindConflict{fmt.Errorf("port %d taken", w.port)}
			}
			return errors.New("the worker logged: " + found)
		}
		select {
		case <-w.proc.done:
			if w.proc.logContains(bindConflictMarker) {
				return errBindConflict{fmt.Errorf("port %d taken", w.port)}
			}
			return fmt.Errorf("worker exited during start-up: %s", w.proc.exitError())
		case <-ctx.Done():
			return fmt.Errorf("worker REST API at %s not ready: %s: %w", w.URL(), last, ctx.Err())
		case <-tick.C:
		}
	}
}

func get(ctx context.Context, client *http.Client, url string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return resp.StatusCode, string(b), nil
}

// URL returns the REST API's base URL, http://127.0.0.1:<port>.
func (w *ConnectWorker) URL() string { return "http://127.0.0.1:" + strconv.Itoa(w.port) }

// Props returns the worker.properties the worker runs with (a copy).
func (w *ConnectWorker) Props() map[string]string {
	m := make(map[string]string, len(w.props))
	for k, v := range w.props {
		m[k] = v
	}
	return m
}

// Dir returns the worker's temporary directory: worker.properties,
// log4j2.properties and connect.log.
func (w *ConnectWorker) Dir() string { return w.dir }

// LogPath returns the worker log file.
func (w *ConnectWorker) LogPath() string { return w.proc.logPath }

// StartupTime returns how long the worker took to become ready.
func (w *ConnectWorker) StartupTime() time.Duration { return w.startup }

// Running reports whether the worker process is still alive.
func (w *ConnectWorker) Running() bool { return !w.proc.exited() }

// Stop shuts the worker down gracefully (SIGTERM runs Connect's shutdown
// hook: tasks stop, offsets are committed, the worker leaves its group;
// SIGKILL if it has not exited after 30 s) and waits for it. Safe to call
// more than once, and after Kill.
func (w *ConnectWorker) Stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return
	}
	w.stopped = true
	start := time.Now()
	if !w.proc.stop(stopTimeout) {
		w.t.Logf("kafkaharness: Connect worker ignored SIGTERM for %v; killed it", stopTimeout)
	} else {
		w.t.Logf("kafkaharness: Connect worker stopped in %v (%s)", time.Since(start).Round(time.Millisecond), w.proc.exitError())
	}
}

// Kill ends the worker with SIGKILL, as a crash would: no offset commit, no
// group leave. It waits for the process to end.
func (w *ConnectWorker) Kill() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
	w.proc.kill()
}

// LogTail returns the last n lines of the worker log (its stdout and stderr
// are in the same file).
func (w *ConnectWorker) LogTail(n int) string { return w.proc.tail(n) }

func (w *ConnectWorker) cleanup() {
	if w.t.Failed() {
		w.t.Logf("kafkaharness: last 50 lines of Connect worker log %s (FERRY_KAFKA_KEEP=1 keeps it):\n%s", w.proc.logPath, w.LogTail(50))
	}
	w.Stop()
	if keepDirs() {
		keepDir(w.dir)
		w.t.Logf("kafkaharness: kept Connect worker directory %s", w.dir)
		return
	}
	if err := os.RemoveAll(w.dir); err != nil {
		w.t.Logf("kafkaharness: remove %s: %v", w.dir, err)
	}
}
