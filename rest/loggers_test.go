package rest

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ferrykafka/ferry/rest/entities"
)

// fakeLoggers is a Loggers over a fixed map; SetLevel records its calls and
// answers affected.
type fakeLoggers struct {
	mu       sync.Mutex
	levels   map[string]entities.LoggerLevel
	affected []string
	sets     []string // "namespace=level"
}

func (f *fakeLoggers) Levels() map[string]entities.LoggerLevel {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.levels == nil {
		return nil
	}
	out := map[string]entities.LoggerLevel{}
	for k, v := range f.levels {
		out[k] = v
	}
	return out
}

func (f *fakeLoggers) Level(name string) (entities.LoggerLevel, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if strings.EqualFold(name, "root") {
		name = "root"
	}
	l, ok := f.levels[name]
	return l, ok
}

func (f *fakeLoggers) ValidLevel(level string) bool {
	return slices.Contains([]string{"ALL", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF"}, strings.ToUpper(level))
}

func (f *fakeLoggers) SetLevel(namespace, level string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sets = append(f.sets, namespace+"="+level)
	return f.affected, nil
}

func (f *fakeLoggers) setCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sets)
}

// clusterLevelHerder is a Herder that only implements
// SetClusterLoggerLevel: it records the calls and fails with err.
type clusterLevelHerder struct {
	Herder // nil: any other call panics
	mu     sync.Mutex
	calls  []string
	err    error
}

func (h *clusterLevelHerder) SetClusterLoggerLevel(_ context.Context, namespace, level string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, namespace+"="+level)
	return h.err
}

func (h *clusterLevelHerder) clusterCalls() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.calls)
}

func ms(v int64) *int64 { return &v }

func newLoggersServer(t *testing.T) (*Server, *fakeLoggers, *clusterLevelHerder, *syncBuffer) {
	t.Helper()
	loggers := &fakeLoggers{levels: map[string]entities.LoggerLevel{
		"root":    {Level: "INFO"},
		"org.foo": {Level: "DEBUG", LastModified: ms(1700000000000)},
		"a/b":     {Level: "WARN"},
	}}
	h := &clusterLevelHerder{}
	s, logs := newTestServer(t, h, Config{Loggers: loggers})
	return s, loggers, h, logs
}

func TestListLoggers(t *testing.T) {
	s, _, _, _ := newLoggersServer(t)
	want := `{"a/b":{"level":"WARN","last_modified":null},"org.foo":{"level":"DEBUG","last_modified":1700000000000},"root":{"level":"INFO","last_modified":null}}`
	expect(t, call(t, s, http.MethodGet, "/admin/loggers", ""), http.StatusOK, want)
	expect(t, call(t, s, http.MethodGet, "/admin/loggers/", ""), http.StatusOK, want)
	rec := call(t, s, http.MethodHead, "/admin/loggers", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("HEAD: status %d", rec.Code)
	}

	empty, _ := newTestServer(t, &clusterLevelHerder{}, Config{Loggers: &fakeLoggers{}})
	expect(t, call(t, empty, http.MethodGet, "/admin/loggers", ""), http.StatusOK, `{}`)
}

func TestGetLogger(t *testing.T) {
	s, _, _, _ := newLoggersServer(t)
	expect(t, call(t, s, http.MethodGet, "/admin/loggers/org.foo", ""), http.StatusOK,
		`{"level":"DEBUG","last_modified":1700000000000}`)
	expect(t, call(t, s, http.MethodGet, "/admin/loggers/ROOT", ""), http.StatusOK,
		`{"level":"INFO","last_modified":null}`)
	expect(t, call(t, s, http.MethodGet, "/admin/loggers/a%2Fb", ""), http.StatusOK,
		`{"level":"WARN","last_modified":null}`)
	expect(t, call(t, s, http.MethodGet, "/admin/loggers/org.bar", ""), http.StatusNotFound,
		errorBody(404, "Logger org.bar not found."))
}

func TestSetLoggerLevelForTheWorker(t *testing.T) {
	s, loggers, h, logs := newLoggersServer(t)
	loggers.affected = []string{"org.foo", "org.foo.Bar"}
	for _, target := range []string{
		"/admin/loggers/org.foo",
		"/admin/loggers/org.foo?scope=worker",
		"/admin/loggers/org.foo?scope=WORKER",
		"/admin/loggers/org.foo?scope=galaxy",
		"/admin/loggers/org.foo?scope=",
		"/admin/loggers/org.foo?scope=worker&scope=cluster",
	} {
		expect(t, call(t, s, http.MethodPut, target, `{"level":"debug","other":"ignored"}`), http.StatusOK,
			`["org.foo","org.foo.Bar"]`)
	}
	if got := loggers.setCalls(); len(got) != 6 || got[0] != "org.foo=debug" || got[5] != "org.foo=debug" {
		t.Fatalf("SetLevel calls: %q", got)
	}
	if got := h.clusterCalls(); len(got) != 0 {
		t.Fatalf("cluster calls for worker scope: %q", got)
	}
	if n := strings.Count(logs.String(), "received invalid scope"); n != 2 {
		t.Fatalf("%d warnings about an invalid scope, want 2 (galaxy and empty):\n%s", n, logs)
	}
	// Nothing changed: an empty list.
	loggers.affected = nil
	expect(t, call(t, s, http.MethodPut, "/admin/loggers/org.foo", `{"level":"DEBUG"}`), http.StatusOK, `[]`)
}

func TestSetLoggerLevelForTheCluster(t *testing.T) {
	s, loggers, h, _ := newLoggersServer(t)
	for _, scope := range []string{"cluster", "Cluster"} {
		expect(t, call(t, s, http.MethodPut, "/admin/loggers/org.apache.kafka?scope="+scope, `{"level":"trace"}`),
			http.StatusNoContent, "")
	}
	if got := h.clusterCalls(); !slices.Equal(got, []string{"org.apache.kafka=trace", "org.apache.kafka=trace"}) {
		t.Fatalf("cluster calls: %q", got)
	}
	if got := loggers.setCalls(); len(got) != 0 {
		t.Fatalf("cluster scope set levels here: %q", got)
	}
	h.err = errors.New("error writing logger level to Kafka: timed out")
	expect(t, call(t, s, http.MethodPut, "/admin/loggers/org.apache.kafka?scope=cluster", `{"level":"INFO"}`),
		http.StatusInternalServerError, errorBody(500, "error writing logger level to Kafka: timed out"))
}

func TestSetLoggerLevelErrors(t *testing.T) {
	s, loggers, h, _ := newLoggersServer(t)
	missing := errorBody(400, "Desired 'level' parameter was not specified in request.")
	for _, c := range []struct {
		target, body string
		status       int
		want         string
	}{
		{"/admin/loggers/org.foo", `{}`, 400, missing},
		{"/admin/loggers/org.foo", `{"level":null}`, 400, missing},
		{"/admin/loggers/org.foo?scope=cluster", `{"Level":"DEBUG"}`, 400, missing},
		{"/admin/loggers/org.foo", `{"level":"LOUD"}`, 404, errorBody(404, "invalid log level 'LOUD'.")},
		{"/admin/loggers/org.foo", `{"level":""}`, 404, errorBody(404, "invalid log level ''.")},
		{"/admin/loggers/org.foo", `{"level":5}`, 404, errorBody(404, "invalid log level '5'.")},
		{"/admin/loggers/org.foo?scope=cluster", `{"level":"WARNING"}`, 404, errorBody(404, "invalid log level 'WARNING'.")},
		{"/admin/loggers/org.foo", ``, 400, errorBody(400, "HTTP 400 Bad Request")},
		{"/admin/loggers/org.foo", `null`, 400, errorBody(400, "HTTP 400 Bad Request")},
	} {
		t.Run(c.target+" "+c.body, func(t *testing.T) {
			expect(t, call(t, s, http.MethodPut, c.target, c.body), c.status, c.want)
		})
	}
	rec := call(t, s, http.MethodPut, "/admin/loggers/org.foo", `{"level":"DEBUG"}`, "Content-Type", "text/plain")
	if rec.Code != http.StatusUnsupportedMediaType {
		t.Fatalf("text/plain body: status %d, want 415", rec.Code)
	}
	rec = call(t, s, http.MethodPut, "/admin/loggers/org.foo", `{"level":["DEBUG"]}`)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Cannot deserialize value of type `java.lang.String`") {
		t.Fatalf("array level: %d %s", rec.Code, rec.Body)
	}
	if got := loggers.setCalls(); len(got) != 0 {
		t.Fatalf("SetLevel called for a refused request: %q", got)
	}
	if got := h.clusterCalls(); len(got) != 0 {
		t.Fatalf("SetClusterLoggerLevel called for a refused request: %q", got)
	}
	rec = call(t, s, http.MethodPost, "/admin/loggers/org.foo", `{"level":"DEBUG"}`)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST: status %d, want 405", rec.Code)
	}
}

func TestLoggersNotServedWithoutARegistry(t *testing.T) {
	s, _ := newTestServer(t, &clusterLevelHerder{}, Config{})
	expect(t, call(t, s, http.MethodGet, "/admin/loggers", ""), http.StatusNotFound, errorBody(404, "HTTP 404 Not Found"))
	expect(t, call(t, s, http.MethodPut, "/admin/loggers/root", `{"level":"DEBUG"}`), http.StatusNotFound,
		errorBody(404, "HTTP 404 Not Found"))
}
