package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"go.uber.org/fx"

	"github.com/ferrykafka/ferry/connect/logging"
	"github.com/ferrykafka/ferry/rest/entities"
	"github.com/ferrykafka/ferry/test/testkit"
)

// lockedBuffer collects a worker's JSON log lines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// loggerNames returns the distinct "logger" fields of the lines so far.
func (b *lockedBuffer) loggerNames(t *testing.T) []string {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if n, ok := m[logging.FieldName].(string); ok && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// startLoggingWorker starts a worker whose logs (at INFO) go to the
// returned buffer.
func startLoggingWorker(t *testing.T, props WorkerProps) (*Worker, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	var w *Worker
	a := New(zerolog.New(logs).Level(zerolog.InfoLevel), fx.Supply(props), WorkerModule, fx.Populate(&w))
	if err := a.Err(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), StartTimeout)
	defer cancel()
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), StopTimeout)
		defer cancel()
		if err := a.Stop(ctx); err != nil {
			t.Errorf("stop worker: %v", err)
		}
	})
	return w, logs
}

// request sends a request to a worker and returns the status and body.
func request(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func getLoggerLevel(t *testing.T, base, name string) (entities.LoggerLevel, error) {
	status, body := request(t, http.MethodGet, base+"/admin/loggers/"+name, "")
	if status != http.StatusOK {
		return entities.LoggerLevel{}, fmt.Errorf("GET %s: %d %s", name, status, body)
	}
	var l entities.LoggerLevel
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		return l, err
	}
	return l, nil
}

// Two workers over in-process Kafka: components log under their Java
// names, a worker-scoped level changes one worker only, a cluster-scoped
// one reaches both through the config topic.
func TestAdminLoggersOnAWorkerCluster(t *testing.T) {
	kafka := testkit.NewCluster(t, 1)
	props := WorkerProps{
		"bootstrap.servers": strings.Join(kafka.Addrs(), ","), "group.id": "loggers",
		"config.storage.topic": "loggers-configs", "offset.storage.topic": "loggers-offsets", "status.storage.topic": "loggers-status",
		"config.storage.replication.factor": "1", "offset.storage.replication.factor": "1", "status.storage.replication.factor": "1",
		"key.converter": "org.apache.kafka.connect.converters.ByteArrayConverter", "value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
		"listeners": "http://127.0.0.1:0",
	}
	w1, logs1 := startLoggingWorker(t, props)
	w2, _ := startLoggingWorker(t, props)
	url1, url2 := w1.REST.URLs()[0], w2.REST.URLs()[0]

	// Components log under their Java class names.
	testkit.Eventually(t, 30*time.Second, func() error {
		names := logs1.loggerNames(t)
		for _, want := range []string{logging.DistributedHerder, logging.KafkaConfigBackingStore, logging.RestServer, logging.ConnectDistributed} {
			if !slices.Contains(names, want) {
				return fmt.Errorf("no line from %s yet (loggers seen: %q)", want, names)
			}
		}
		return nil
	})

	status, body := request(t, http.MethodGet, url1+"/admin/loggers", "")
	var all map[string]entities.LoggerLevel
	if err := json.Unmarshal([]byte(body), &all); status != http.StatusOK || err != nil {
		t.Fatalf("GET /admin/loggers: %d %s (%v)", status, body, err)
	}
	for _, name := range []string{"root", logging.DistributedHerder, logging.Worker, logging.WorkerCoordinator,
		logging.KafkaOffsetBackingStore, logging.KafkaStatusBackingStore, logging.RestServer} {
		if l, ok := all[name]; !ok || l.Level != "INFO" || l.LastModified != nil {
			t.Errorf("GET /admin/loggers: %s = %+v (present %v), want INFO never modified", name, l, ok)
		}
	}

	// Worker scope: this worker only.
	status, body = request(t, http.MethodPut, url1+"/admin/loggers/org.apache.kafka.connect.runtime.distributed", `{"level":"DEBUG"}`)
	want := fmt.Sprintf(`["org.apache.kafka.connect.runtime.distributed",%q,%q]`, logging.DistributedHerder, logging.WorkerCoordinator)
	if status != http.StatusOK || body != want {
		t.Fatalf("PUT worker scope: %d %s, want 200 %s", status, body, want)
	}
	if l, err := getLoggerLevel(t, url1, logging.DistributedHerder); err != nil || l.Level != "DEBUG" || l.LastModified == nil {
		t.Fatalf("worker 1 herder logger: %+v, %v", l, err)
	}
	if l, err := getLoggerLevel(t, url2, logging.DistributedHerder); err != nil || l.Level != "INFO" || l.LastModified != nil {
		t.Fatalf("worker 2 herder logger: %+v, %v", l, err)
	}

	// Errors, as Java answers them.
	if status, body := request(t, http.MethodPut, url1+"/admin/loggers/root", `{"level":"LOUD"}`); status != http.StatusNotFound ||
		body != `{"error_code":404,"message":"invalid log level 'LOUD'."}` {
		t.Fatalf("invalid level: %d %s", status, body)
	}
	if status, body := request(t, http.MethodGet, url1+"/admin/loggers/no.such.Logger", ""); status != http.StatusNotFound ||
		body != `{"error_code":404,"message":"Logger no.such.Logger not found."}` {
		t.Fatalf("unknown logger: %d %s", status, body)
	}

	// Cluster scope: written to the config topic, applied by both workers.
	if status, body := request(t, http.MethodPut, url2+"/admin/loggers/org.apache.kafka.connect.storage?scope=cluster", `{"level":"warn"}`); status != http.StatusNoContent {
		t.Fatalf("PUT cluster scope: %d %s", status, body)
	}
	for _, url := range []string{url1, url2} {
		testkit.Eventually(t, 30*time.Second, func() error {
			l, err := getLoggerLevel(t, url, logging.KafkaConfigBackingStore)
			if err != nil {
				return err
			}
			if l.Level != "WARN" || l.LastModified == nil {
				return fmt.Errorf("%s: config store logger %+v, want WARN with last_modified", url, l)
			}
			return nil
		})
	}
}

func TestClusterLoggerLevelsIgnoreAnInvalidLevel(t *testing.T) {
	reg := logging.New(zerolog.New(io.Discard).Level(zerolog.InfoLevel))
	var warnings lockedBuffer
	apply := clusterLoggerLevels(reg, zerolog.New(&warnings))
	apply("org.example", "LOUD")
	if _, ok := reg.Level("org.example"); ok {
		t.Fatal("an invalid cluster-wide level created a logger")
	}
	if out := warnings.buf.String(); !strings.Contains(out, "ignoring request to set invalid level") || !strings.Contains(out, `"level":"LOUD"`) {
		t.Fatalf("warning: %q", out)
	}
	apply("org.example", "debug")
	if l, ok := reg.Level("org.example"); !ok || l.Level != logging.Debug || l.LastModified.IsZero() {
		t.Fatalf("org.example = %+v, %v", l, ok)
	}
}

func TestRESTLoggersAdapter(t *testing.T) {
	at := time.UnixMilli(1700000000000)
	reg := logging.New(zerolog.New(io.Discard).Level(zerolog.WarnLevel), logging.WithClock(func() time.Time { return at }))
	a := restLoggers{reg}
	if !a.ValidLevel("trace") || a.ValidLevel("verbose") {
		t.Fatal("ValidLevel")
	}
	if names, err := a.SetLevel("org.x", "ERROR"); err != nil || !slices.Equal(names, []string{"org.x"}) {
		t.Fatalf("SetLevel = %q, %v", names, err)
	}
	if l, ok := a.Level("org.x"); !ok || l.Level != "ERROR" || l.LastModified == nil || *l.LastModified != 1700000000000 {
		t.Fatalf("Level(org.x) = %+v, %v", l, ok)
	}
	all := a.Levels()
	if l := all["root"]; l.Level != "WARN" || l.LastModified != nil {
		t.Fatalf("Levels()[root] = %+v", l)
	}
	if _, ok := a.Level("org.y"); ok {
		t.Fatal("unknown logger found")
	}
}
