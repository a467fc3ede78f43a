package rest

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/rest/entities"
	"github.com/ferrykafka/ferry/storage"
)

// The golden tests send one request per case (golden_cases_test.go) to a
// server over a fake herder holding goldenFixture, and compare the whole
// answer (status, the headers clients use, the exact body bytes) and the
// herder calls it made with
// testdata/golden/<case>.json. Run `go test ./rest -run Golden -update` to
// rewrite the files after a deliberate change, and review the diff: the
// files are what a Connect client sees.

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// goldenDir holds one file per golden case.
var goldenDir = filepath.Join("testdata", "golden")

// goldenCase is one request and the fake herder's state for it.
type goldenCase struct {
	name           string
	method, target string
	body           string
	headers        []string // pairs of name, value
	setup          func(h *fakeHerder)
	timeout        time.Duration // the request timeout; 0: the default
}

// goldenHeaders are the response headers a golden file records.
var goldenHeaders = []string{"Allow", "Content-Type", "Location"}

// goldenFile is the content of a golden file.
type goldenFile struct {
	Request goldenRequest `json:"request"`
	// HerderCalls are the herder calls the request made, with their
	// arguments.
	HerderCalls []string          `json:"herder_calls"`
	Status      int               `json:"status"`
	Headers     map[string]string `json:"headers"`
	Body        string            `json:"body"`
	BodyJSON    json.RawMessage   `json:"body_json,omitempty"`
}

type goldenRequest struct {
	Method  string            `json:"method"`
	Target  string            `json:"target"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
}

// goldenFixture is the cluster state every golden case starts from:
//   - src: a FileStreamSource with two tasks (task 1 failed), active
//     topics and an offset;
//   - sink: a FileStreamSink with one task;
//   - stopped: a STOPPED FileStreamSource without tasks, with offsets;
//   - nostatus: a connector with no status record yet.
func goldenFixture() *fakeHerder {
	h := newFakeHerder()
	h.add("src", map[string]string{"name": "src", "connector.class": "FileStreamSource", "tasks.max": "2",
		"file": "/tmp/in.txt", "topic": "lines"})
	h.setTasks("src",
		map[string]string{"task.class": "org.apache.kafka.connect.file.FileStreamSourceTask", "file": "/tmp/in.txt", "topic": "lines"},
		map[string]string{"task.class": "org.apache.kafka.connect.file.FileStreamSourceTask", "file": "/tmp/in2.txt", "topic": "lines"})
	h.setTarget("src", storage.TargetStarted)
	h.setStatus(entities.ConnectorStateInfo{
		Name:      "src",
		Connector: entities.ConnectorState{State: storage.StateRunning, WorkerID: "10.0.0.1:8083"},
		Tasks: []entities.TaskState{
			{ID: 0, State: storage.StateRunning, WorkerID: "10.0.0.1:8083"},
			{ID: 1, State: storage.StateFailed, WorkerID: "10.0.0.2:8083",
				Trace: "org.apache.kafka.connect.errors.ConnectException: boom\n\tat X.poll(X.java:1)"},
		},
		Type: entities.ConnectorTypeSource,
	})
	h.setTopics("src", "lines", "audit")
	h.setOffsets("src", entities.ConnectorOffset{
		Partition: map[string]any{"filename": "/tmp/in.txt"},
		Offset:    map[string]any{"position": json.Number("42")},
	})

	h.add("sink", map[string]string{"name": "sink", "connector.class": "FileStreamSink", "tasks.max": "1",
		"file": "/tmp/out.txt", "topics": "lines"})
	h.setTasks("sink", map[string]string{"task.class": "org.apache.kafka.connect.file.FileStreamSinkTask", "file": "/tmp/out.txt"})
	h.setStatus(entities.ConnectorStateInfo{
		Name:      "sink",
		Connector: entities.ConnectorState{State: storage.StateFailed, WorkerID: "10.0.0.2:8083", Trace: "java.lang.IllegalStateException: nope"},
		Tasks:     []entities.TaskState{{ID: 0, State: storage.StateRunning, WorkerID: "10.0.0.2:8083"}},
		Type:      entities.ConnectorTypeSink,
	})

	h.add("stopped", map[string]string{"name": "stopped", "connector.class": "FileStreamSource", "topic": "t"})
	h.setTasks("stopped")
	h.setTarget("stopped", storage.TargetStopped)
	h.setStatus(entities.ConnectorStateInfo{
		Name:      "stopped",
		Connector: entities.ConnectorState{State: storage.StateStopped, WorkerID: "10.0.0.1:8083"},
		Type:      entities.ConnectorTypeSource,
	})
	h.setOffsets("stopped",
		entities.ConnectorOffset{Partition: map[string]any{"filename": "/a"}, Offset: map[string]any{"position": json.Number("7")}},
		entities.ConnectorOffset{Partition: map[string]any{"filename": "/b"}, Offset: map[string]any{"position": json.Number("1000")}})

	h.add("nostatus", map[string]string{"name": "nostatus", "connector.class": "FileStreamSource"})
	return h
}

// serve sends tc's request to a server over h.
func (tc goldenCase) serve(t *testing.T, h *fakeHerder) *httptest.ResponseRecorder {
	t.Helper()
	s, _ := newTestServer(t, h, Config{RequestTimeout: tc.timeout})
	headers := tc.headers
	if tc.body != "" && !slices.Contains(headers, "Content-Type") {
		headers = append([]string{"Content-Type", "application/json"}, headers...)
	}
	return call(t, s, tc.method, tc.target, tc.body, headers...)
}

// render is the golden file for tc's answer rec.
func (tc goldenCase) render(t *testing.T, h *fakeHerder, rec *httptest.ResponseRecorder) []byte {
	t.Helper()
	h.mu.Lock()
	calls := append([]string{}, h.calls...)
	h.mu.Unlock()
	g := goldenFile{
		Request:     goldenRequest{Method: tc.method, Target: tc.target, Body: tc.body},
		HerderCalls: calls,
		Status:      rec.Code,
		Headers:     map[string]string{},
		Body:        rec.Body.String(),
	}
	for i := 0; i+1 < len(tc.headers); i += 2 {
		if g.Request.Headers == nil {
			g.Request.Headers = map[string]string{}
		}
		g.Request.Headers[tc.headers[i]] = tc.headers[i+1]
	}
	for _, name := range goldenHeaders {
		if v := rec.Header().Values(name); len(v) > 0 {
			g.Headers[name] = strings.Join(v, ", ")
		}
	}
	if rec.Body.Len() > 0 && json.Valid(rec.Body.Bytes()) {
		g.BodyJSON = json.RawMessage(rec.Body.Bytes())
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(g); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	cases := goldenCases()
	names := map[string]bool{}
	for _, tc := range cases {
		if names[tc.name] {
			t.Fatalf("two golden cases named %s", tc.name)
		}
		names[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			h := goldenFixture()
			if tc.setup != nil {
				tc.setup(h)
			}
			h.calls = nil
			rec := tc.serve(t, h)
			checkConnectAnswer(t, tc.method, tc.target, rec)
			got := tc.render(t, h, rec)
			path := filepath.Join(goldenDir, tc.name+".json")
			if *update {
				if err := os.MkdirAll(goldenDir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./rest -run Golden -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("answer differs from %s (rerun with -update if the change is meant):\n got: %s\nwant: %s", path, got, want)
			}
		})
	}

	// Every golden file belongs to a case: a renamed or dropped case
	// leaves no stale file behind.
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		if names[name] {
			continue
		}
		if *update {
			if err := os.Remove(f); err != nil {
				t.Error(err)
			}
			continue
		}
		t.Errorf("golden file %s has no case (rerun with -update to remove it)", f)
	}
}

// checkConnectAnswer checks what every answer of a Connect worker
// satisfies: a JSON content type on every body, Connect's error body
// {"error_code":N,"message":"..."} (and nothing else) with N the status on
// every error, a JSON body or none on success, and an Allow header on a
// 405. GET /health is the exception: it answers its {"status","message"}
// with 500 and 503 too.
func checkConnectAnswer(t *testing.T, method, target string, rec *httptest.ResponseRecorder) {
	t.Helper()
	body := rec.Body.Bytes()
	if len(body) > 0 && rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("body with Content-Type %q", rec.Header().Get("Content-Type"))
	}
	if rec.Code == http.StatusMethodNotAllowed && rec.Header().Get("Allow") == "" {
		t.Error("405 without Allow")
	}
	if rec.Code >= 200 && rec.Code < 300 {
		if len(body) > 0 && !json.Valid(body) {
			t.Errorf("%d with a body that is not JSON: %q", rec.Code, body)
		}
		if (rec.Code == http.StatusNoContent) && len(body) > 0 {
			t.Errorf("204 with a body: %q", body)
		}
		return
	}
	if strings.HasPrefix(target, "/health") && strings.HasPrefix(string(body), `{"status":`) {
		return
	}
	if err := checkErrorBody(body, rec.Code); err != nil {
		t.Errorf("%s answered %d: %v", method, rec.Code, err)
	}
}

// checkErrorBody checks that body is exactly Connect's error body for
// status.
func checkErrorBody(body []byte, status int) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var em struct {
		ErrorCode *int    `json:"error_code"`
		Message   *string `json:"message"`
	}
	if err := dec.Decode(&em); err != nil {
		return &errorBodyError{"not Connect's error body: " + err.Error(), body}
	}
	if dec.More() {
		return &errorBodyError{"trailing data after the error body", body}
	}
	switch {
	case em.ErrorCode == nil || em.Message == nil:
		return &errorBodyError{"error_code or message missing", body}
	case *em.ErrorCode != status:
		return &errorBodyError{"error_code differs from the status", body}
	}
	// Field order and spelling as Jackson writes ErrorMessage.
	if !bytes.HasPrefix(body, []byte(`{"error_code":`+strconv.Itoa(status)+`,"message":`)) {
		return &errorBodyError{"not in Jackson's field order", body}
	}
	return nil
}

type errorBodyError struct {
	msg  string
	body []byte
}

func (e *errorBodyError) Error() string { return e.msg + ": " + string(e.body) }
