package rest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ferrykafka/ferry/rest/entities"
	"github.com/ferrykafka/ferry/storage"
)

// Forwarding of the endpoints added with Connect 4.x's full API: a worker
// whose herder names another worker (the leader, or a connector's or
// task's owner) sends the request there and answers with its reply.
// Unlike forward_test.go's canned leader, the target here is a real
// server over its own fake herder, so the tests also check that the
// forwarded request does what the user asked on the target.

// targetWorker is the worker a request is forwarded to: a real server,
// recording every request it gets.
type targetWorker struct {
	*httptest.Server
	h    *fakeHerder
	mu   sync.Mutex
	reqs []captured
}

func newTargetWorker(t *testing.T, h *fakeHerder) *targetWorker {
	t.Helper()
	s, _ := newTestServer(t, h, Config{})
	w := &targetWorker{h: h}
	w.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.mu.Lock()
		w.reqs = append(w.reqs, captured{method: r.Method, path: r.URL.EscapedPath(), query: r.URL.RawQuery,
			header: r.Header.Clone(), body: string(b)})
		w.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(b))
		s.Handler().ServeHTTP(rw, r)
	}))
	t.Cleanup(w.Close)
	return w
}

// requests returns what the worker got so far.
func (w *targetWorker) requests() []captured {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]captured(nil), w.reqs...)
}

// only returns the one request the worker got.
func (w *targetWorker) only(t *testing.T) captured {
	t.Helper()
	reqs := w.requests()
	if len(reqs) != 1 {
		t.Fatalf("target got %d requests, want 1: %+v", len(reqs), reqs)
	}
	return reqs[0]
}

// pointingAt is a herder whose every call names url's worker as the one
// to serve it.
func pointingAt(url, msg string) *fakeHerder {
	h := newFakeHerder()
	h.fail = &targetError{msg: msg, url: url + "/"}
	return h
}

func TestForwardNewEndpoints(t *testing.T) {
	sig := []string{entities.SignatureHeader, "c2lnbmF0dXJl", entities.SignatureAlgorithmHeader, "HmacSHA256"}
	cases := []struct {
		name            string
		method, target  string
		body            string
		headers         []string
		wantStatus      int
		wantBody        string // "" : none; "*": any
		wantLocation    string
		wantQuery       string // the query the target got
		wantTargetCall  string // the target herder's call
		check           func(t *testing.T, h *fakeHerder)
		targetSetup     func(h *fakeHerder)
		wantContentType string // of the forwarded request
	}{
		{name: "put config creates", method: "PUT", target: "/connectors/new/config",
			body: `{"connector.class":"FileStreamSink","tasks.max":1}`, wantStatus: 201,
			wantBody:     `{"name":"new","config":{"connector.class":"FileStreamSink","name":"new","tasks.max":"1"},"tasks":[],"type":"sink"}`,
			wantLocation: "http://worker1:8083/connectors/new", wantQuery: "forward=true",
			wantTargetCall: "PutConnectorConfig(new, true)", wantContentType: "application/json"},
		{name: "put config updates", method: "PUT", target: "/connectors/src/config",
			body: `{"connector.class":"FileStreamSource","topic":"t2"}`, wantStatus: 200, wantBody: "*",
			wantQuery: "forward=true", wantTargetCall: "PutConnectorConfig(src, true)", wantContentType: "application/json",
			check: func(t *testing.T, h *fakeHerder) {
				if got := h.config("src")["topic"]; got != "t2" {
					t.Errorf("target's topic = %q", got)
				}
			}},
		{name: "patch config", method: "PATCH", target: "/connectors/src/config?forward=true",
			body: `{"file":null,"topic":"t3"}`, wantStatus: 200,
			wantBody:  `{"name":"src","config":{"connector.class":"FileStreamSource","name":"src","tasks.max":"2","topic":"t3"},"tasks":[{"connector":"src","task":0},{"connector":"src","task":1}],"type":"source"}`,
			wantQuery: "forward=false", wantTargetCall: "PatchConnectorConfig(src)", wantContentType: "application/json"},
		{name: "restart connector", method: "POST", target: "/connectors/src/restart", wantStatus: 204,
			wantQuery: "forward=true", wantTargetCall: "RestartConnector(src)"},
		{name: "restart keeps its flags", method: "POST", target: "/connectors/src/restart?includeTasks=true&onlyFailed=TRUE",
			wantStatus: 202, wantBody: "*", wantQuery: "forward=true&includeTasks=true&onlyFailed=TRUE",
			wantTargetCall: "RestartConnectorAndTasks(src, onlyFailed=true, includeTasks=true)"},
		{name: "restart keeps flags on the second hop", method: "POST", target: "/connectors/src/restart?forward=true&onlyFailed=true",
			wantStatus: 202, wantBody: "*", wantQuery: "forward=false&onlyFailed=true",
			wantTargetCall: "RestartConnectorAndTasks(src, onlyFailed=true, includeTasks=false)"},
		{name: "restart flags that are not true", method: "POST", target: "/connectors/src/restart?includeTasks=yes",
			wantStatus: 204, wantQuery: "forward=true&includeTasks=yes", wantTargetCall: "RestartConnector(src)"},
		{name: "stop", method: "PUT", target: "/connectors/src/stop", wantStatus: 204,
			wantQuery: "forward=true", wantTargetCall: "StopConnector(src)",
			check: func(t *testing.T, h *fakeHerder) {
				if ts, _ := h.target("src"); ts != storage.TargetStopped {
					t.Errorf("target state on the target: %s", ts)
				}
			}},
		{name: "restart task", method: "POST", target: "/connectors/src/tasks/1/restart", wantStatus: 204,
			wantQuery: "forward=true", wantTargetCall: "RestartTask(src-1)"},
		{name: "alter offsets", method: "PATCH", target: "/connectors/stopped/offsets",
			body: `{"offsets":[{"partition":{"filename":"/c"},"offset":{"position":5}}]}`, wantStatus: 200,
			wantBody:  `{"message":"The Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses."}`,
			wantQuery: "forward=true", wantTargetCall: "AlterConnectorOffsets(stopped, 1)", wantContentType: "application/json",
			check: func(t *testing.T, h *fakeHerder) {
				if got := h.storedOffsets("stopped"); len(got) != 3 {
					t.Errorf("target's offsets: %v", got)
				}
			}},
		{name: "alter offsets refused by the target", method: "PATCH", target: "/connectors/src/offsets",
			body: `{"offsets":[{"partition":{"filename":"/c"},"offset":null}]}`, wantStatus: 400,
			wantBody: errorBody(400, "Connectors must be in the STOPPED state before their offsets can be modified. "+
				"This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/src/stop' endpoint"),
			wantQuery: "forward=true", wantTargetCall: "AlterConnectorOffsets(src, 1)", wantContentType: "application/json"},
		{name: "reset offsets", method: "DELETE", target: "/connectors/stopped/offsets", wantStatus: 200, wantBody: "*",
			wantQuery: "forward=true", wantTargetCall: "ResetConnectorOffsets(stopped)",
			check: func(t *testing.T, h *fakeHerder) {
				if got := h.storedOffsets("stopped"); len(got) != 0 {
					t.Errorf("target's offsets: %v", got)
				}
			}},
		{name: "fence", method: "PUT", target: "/connectors/src/fence", headers: sig, wantStatus: 204,
			wantQuery: "forward=true", wantTargetCall: "FenceZombies(src)"},
		// As in Java, the signature is not forwarded: a leader that
		// requires signed requests refuses the forwarded one.
		{name: "fence unsigned on the target", method: "PUT", target: "/connectors/src/fence", headers: sig, wantStatus: 400,
			wantBody: errorBody(400, "Internal request missing required signature"), wantQuery: "forward=true",
			wantTargetCall: "FenceZombies(src)", targetSetup: func(h *fakeHerder) { h.signed = true }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			th := goldenFixture()
			if tc.targetSetup != nil {
				tc.targetSetup(th)
			}
			target := newTargetWorker(t, th)
			s, _ := newTestServer(t, pointingAt(target.URL, "Only the leader can set connector configs."), Config{})
			headers := append([]string{"Authorization", "Bearer token"}, tc.headers...)
			rec := call(t, s, tc.method, tc.target, tc.body, headers...)
			switch tc.wantBody {
			case "*":
				if rec.Code != tc.wantStatus || !strings.HasPrefix(rec.Body.String(), "{") {
					t.Errorf("%d %s, want %d with a body", rec.Code, rec.Body, tc.wantStatus)
				}
			default:
				expect(t, rec, tc.wantStatus, tc.wantBody)
			}
			if loc := rec.Header().Get("Location"); loc != tc.wantLocation {
				t.Errorf("Location = %q, want %q", loc, tc.wantLocation)
			}

			got := target.only(t)
			wantPath, _, _ := strings.Cut(tc.target, "?")
			if got.method != tc.method || got.path != wantPath || got.query != tc.wantQuery {
				t.Errorf("forwarded %s %s?%s, want %s %s?%s", got.method, got.path, got.query, tc.method, wantPath, tc.wantQuery)
			}
			if got.body != tc.body {
				t.Errorf("forwarded body %q, want %q", got.body, tc.body)
			}
			checkForwardedHeaders(t, got, "Bearer token", tc.wantContentType != "")
			if call := th.lastCall(); call != tc.wantTargetCall {
				t.Errorf("target herder: %s, want %s", call, tc.wantTargetCall)
			}
			if tc.check != nil {
				tc.check(t, th)
			}
		})
	}
}

// A request that already made its two hops is not forwarded again.
func TestForwardNewEndpointsThirdHop(t *testing.T) {
	target := newTargetWorker(t, goldenFixture())
	s, _ := newTestServer(t, pointingAt(target.URL, "Only the leader can process restart requests."), Config{})
	conflict := errorBody(409, "Cannot complete request because of a conflicting operation (e.g. worker rebalance)")
	for _, r := range []struct{ method, target, body string }{
		{"PUT", "/connectors/src/config?forward=false", `{}`},
		{"PATCH", "/connectors/src/config?forward=false", `{}`},
		{"POST", "/connectors/src/restart?forward=false", ""},
		{"POST", "/connectors/src/restart?includeTasks=true&forward=false", ""},
		{"PUT", "/connectors/src/stop?forward=no", ""},
		{"POST", "/connectors/src/tasks/0/restart?forward=false", ""},
		{"PATCH", "/connectors/stopped/offsets?forward=false", `{"offsets":[{"partition":{},"offset":null}]}`},
		{"DELETE", "/connectors/stopped/offsets?forward=false", ""},
		{"PUT", "/connectors/src/fence?forward=false", ""},
	} {
		expect(t, call(t, s, r.method, r.target, r.body), 409, conflict)
	}
	if n := len(target.requests()); n != 0 {
		t.Errorf("target got %d requests", n)
	}
}

// Endpoints Java does not forward answer a request target with 500 and its
// message, as Java's exception mapper does.
func TestNotForwardedEndpoints(t *testing.T) {
	target := newTargetWorker(t, goldenFixture())
	s, _ := newTestServer(t, pointingAt(target.URL, "Only the leader can set connector configs."), Config{})
	internal := errorBody(500, "Only the leader can set connector configs.")
	for _, r := range []struct{ method, target, body string }{
		{"PUT", "/connectors/src/pause", ""},
		{"PUT", "/connectors/src/resume", ""},
		{"PUT", "/connectors/src/topics/reset", ""},
		{"GET", "/connectors/src/topics", ""},
		{"GET", "/connectors/src/tasks", ""},
		{"GET", "/connectors/src/tasks/0/status", ""},
		{"GET", "/connectors/src/offsets", ""},
		{"GET", "/connector-plugins", ""},
		{"GET", "/connector-plugins/FileStreamSource/config", ""},
		{"PUT", "/connector-plugins/FileStreamSource/config/validate", `{"connector.class":"FileStreamSource"}`},
	} {
		expect(t, call(t, s, r.method, r.target, r.body), 500, internal)
	}
	if n := len(target.requests()); n != 0 {
		t.Errorf("target got %d requests", n)
	}
}

// TestForwardRestartTwoHops: A's herder names B, B's names C, which runs
// the restart; includeTasks and onlyFailed reach C through both hops.
func TestForwardRestartTwoHops(t *testing.T) {
	c := newTargetWorker(t, goldenFixture())
	b := newTargetWorker(t, pointingAt(c.URL, "Only the leader can process restart requests."))
	sA, _ := newTestServer(t, pointingAt(b.URL, "Only the leader can process restart requests."), Config{})

	rec := call(t, sA, "POST", "/connectors/sink/restart?onlyFailed=true&includeTasks=true", "")
	expect(t, rec, 202, `{"name":"sink","connector":{"state":"RESTARTING","worker_id":"10.0.0.2:8083","trace":"java.lang.IllegalStateException: nope"},`+
		`"tasks":[{"id":0,"state":"RUNNING","worker_id":"10.0.0.2:8083"}],"type":"sink"}`)
	if got := b.only(t); got.query != "forward=true&onlyFailed=true&includeTasks=true" {
		t.Errorf("B got ?%s", got.query)
	}
	if got := c.only(t); got.query != "forward=false&onlyFailed=true&includeTasks=true" {
		t.Errorf("C got ?%s", got.query)
	}
	if call := c.h.lastCall(); call != "RestartConnectorAndTasks(sink, onlyFailed=true, includeTasks=true)" {
		t.Errorf("C's herder: %s", call)
	}

	// The owner moved on: C names B again, which may not forward a
	// third time; its 409 comes back to the user.
	c.h.mu.Lock()
	c.h.fail = &targetError{msg: "Cannot restart task since it is not assigned to this member", url: b.URL + "/"}
	c.h.mu.Unlock()
	expect(t, call(t, sA, "POST", "/connectors/src/tasks/0/restart", ""), 409,
		errorBody(409, "Cannot complete request because of a conflicting operation (e.g. worker rebalance)"))
}
