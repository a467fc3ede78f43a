package rest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/rest/entities"
)

// targetError is a request target, as the herder returns when another
// worker must serve the request (Java's NotLeaderException).
type targetError struct{ msg, url string }

func (e *targetError) Error() string      { return e.msg }
func (e *targetError) ForwardURL() string { return e.url }

func notLeader(url string) error {
	return &targetError{msg: "Only the leader can set connector configs.", url: url}
}

// captured is one request a fake leader received.
type captured struct {
	method, path, query string
	header              http.Header
	body                string
}

// fakeLeader is a second worker that records what it gets and answers
// with a canned reply.
type fakeLeader struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []captured
}

func newFakeLeader(t *testing.T, status int, body string, headers ...string) *fakeLeader {
	t.Helper()
	l := &fakeLeader{}
	l.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		l.mu.Lock()
		l.reqs = append(l.reqs, captured{method: r.Method, path: r.URL.EscapedPath(), query: r.URL.RawQuery,
			header: r.Header.Clone(), body: string(b)})
		l.mu.Unlock()
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		if body != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(l.Close)
	return l
}

// only returns the one request the leader got.
func (l *fakeLeader) only(t *testing.T) captured {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.reqs) != 1 {
		t.Fatalf("leader got %d requests, want 1", len(l.reqs))
	}
	return l.reqs[0]
}

func (l *fakeLeader) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.reqs)
}

// checkForwardedHeaders: Java's RestClient headers, Authorization copied
// when sent, nothing else of the original request.
func checkForwardedHeaders(t *testing.T, got captured, auth string, withBody bool) {
	t.Helper()
	if v := got.header.Get("Accept"); v != "application/json" {
		t.Errorf("Accept = %q", v)
	}
	if v := got.header.Get("User-Agent"); v != "kafka-connect" {
		t.Errorf("User-Agent = %q", v)
	}
	if v := got.header.Get("Authorization"); v != auth {
		t.Errorf("Authorization = %q, want %q", v, auth)
	}
	wantCT := ""
	if withBody {
		wantCT = "application/json"
	}
	if v := got.header.Get("Content-Type"); v != wantCT {
		t.Errorf("Content-Type = %q, want %q", v, wantCT)
	}
	// Go's transport adds Accept-Encoding and Content-Length itself.
	allowed := []string{"Accept", "User-Agent", "Authorization", "Content-Type", "Accept-Encoding", "Content-Length"}
	for name := range got.header {
		if !slices.Contains(allowed, name) {
			t.Errorf("header %s copied to the forwarded request", name)
		}
	}
}

const infoC = `{"name":"c","config":{"name":"c","tasks.max":"1"},"tasks":[],"type":"unknown"}`

func TestForwardCreateConnectorToLeader(t *testing.T) {
	leader := newFakeLeader(t, 201, infoC, "Location", "http://leader:8083/connectors/c")
	h := newFakeHerder()
	h.fail = notLeader(leader.URL + "/")
	s, logs := newTestServer(t, h, Config{})

	body := "{\"name\":\"c\",\n \"config\":{\"tasks.max\":1, \"password\":\"hunter2\"}}"
	rec := call(t, s, "POST", "/connectors", body,
		"Authorization", "Basic dXNlcjpwYXNz", "X-Custom", "x", "Cookie", "session=1",
		entities.SignatureHeader, "c2ln", entities.SignatureAlgorithmHeader, "HmacSHA256")
	expect(t, rec, 201, infoC)
	if loc := rec.Header().Get("Location"); loc != "http://worker1:8083/connectors/c" {
		t.Errorf("Location = %q, want this worker's URL", loc)
	}

	got := leader.only(t)
	if got.method != "POST" || got.path != "/connectors" || got.query != "forward=true" {
		t.Errorf("forwarded %s %s?%s", got.method, got.path, got.query)
	}
	if got.body != body {
		t.Errorf("forwarded body %q, want %q", got.body, body)
	}
	checkForwardedHeaders(t, got, "Basic dXNlcjpwYXNz", true)

	// The forward is logged at debug with its URL; never the body, the
	// headers or the query string.
	out := logs.String()
	if !strings.Contains(out, `{"level":"debug","method":"POST","url":"`+leader.URL+`/connectors","forward":true,"message":"forwarding REST request"}`) {
		t.Errorf("forward not logged with its URL:\n%s", out)
	}
	for _, secret := range []string{"hunter2", "dXNlcjpwYXNz", "c2ln"} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
}

func TestForwardDeleteKeepsPathAndQuery(t *testing.T) {
	leader := newFakeLeader(t, 204, "")
	h := newFakeHerder()
	h.fail = notLeader(leader.URL + "/")
	s, _ := newTestServer(t, h, Config{})

	// Already forwarded once: forwarded again with forward=false. The
	// path keeps its escaping; other query parameters follow forward.
	rec := call(t, s, "DELETE", "/connectors/a%2Fb%20c?x=1&forward=TRUE&y=a%20b&forward=false", "")
	expect(t, rec, 204, "")
	got := leader.only(t)
	if got.method != "DELETE" || got.path != "/connectors/a%2Fb%20c" || got.query != "forward=false&x=1&y=a%20b" {
		t.Errorf("forwarded %s %s?%s", got.method, got.path, got.query)
	}
	if got.body != "" {
		t.Errorf("DELETE forwarded with body %q", got.body)
	}
	checkForwardedHeaders(t, got, "", false)
}

func TestForwardRelaysErrors(t *testing.T) {
	redirected := newFakeLeader(t, 204, "")
	for _, tc := range []struct {
		name         string
		status       int
		body         string
		headers      []string
		wantStatus   int
		wantBody     string
		wantFollowed bool
	}{
		{name: "conflict", status: 409, body: `{"error_code":409,"message":"Connector c already exists"}`,
			wantStatus: 409, wantBody: `{"error_code":409,"message":"Connector c already exists"}`},
		{name: "bad request", status: 400, body: `{"error_code":400,"message":"Connector configuration is invalid and contains the following 1 error(s):\nx"}`,
			wantStatus: 400, wantBody: errorBody(400, "Connector configuration is invalid and contains the following 1 error(s):\nx")},
		{name: "error code kept", status: 500, body: `{"error_code":503,"message":"Request timed out"}`,
			wantStatus: 500, wantBody: `{"error_code":503,"message":"Request timed out"}`},
		{name: "redirect", status: 307, headers: []string{"Location", "REDIRECT"},
			wantStatus: 500, wantBody: errorBody(500, "Unexpected status code when handling forwarded request: 307")},
		{name: "200 passes", status: 200, body: infoC, wantStatus: 200, wantBody: infoC},
		{name: "html error", status: 502, body: `<html>Bad Gateway</html>`,
			wantStatus: 500, wantBody: errorBody(500, "IO Error trying to forward REST request: reading the error reply (status 502): invalid character '<' looking for beginning of value")},
		{name: "2xx not json", status: 201, body: `created`,
			wantStatus: 500, wantBody: errorBody(500, "IO Error trying to forward REST request: the reply is not valid JSON")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			headers := slices.Clone(tc.headers)
			for i := range headers {
				if headers[i] == "REDIRECT" {
					headers[i] = redirected.URL + "/connectors"
				}
			}
			leader := newFakeLeader(t, tc.status, tc.body, headers...)
			h := newFakeHerder()
			h.fail = notLeader(leader.URL)
			s, _ := newTestServer(t, h, Config{})
			rec := call(t, s, "POST", "/connectors", `{"name":"c","config":{}}`)
			expect(t, rec, tc.wantStatus, tc.wantBody)
			if leader.count() != 1 {
				t.Errorf("leader got %d requests", leader.count())
			}
			if tc.wantStatus != 201 && rec.Header().Get("Location") != "" {
				t.Errorf("Location %q on a %d", rec.Header().Get("Location"), rec.Code)
			}
		})
	}
	if redirected.count() != 0 {
		t.Error("redirect followed")
	}
}

func TestForwardUnreachableTarget(t *testing.T) {
	gone := httptest.NewServer(http.NotFoundHandler())
	url := gone.URL
	gone.Close()

	h := newFakeHerder()
	h.fail = notLeader(url + "/")
	s, _ := newTestServer(t, h, Config{})
	rec := call(t, s, "DELETE", "/connectors/c", "")
	if rec.Code != 500 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var em entities.ErrorMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &em); err != nil {
		t.Fatal(err)
	}
	const prefix = "IO Error trying to forward REST request: "
	if em.ErrorCode != 500 || !strings.HasPrefix(em.Message, prefix) || !strings.Contains(em.Message, strings.TrimPrefix(url, "http://")) {
		t.Errorf("error body %s", rec.Body)
	}
}

func TestForwardBoundedByRequestTimeout(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(slow.Close)
	h := newFakeHerder()
	h.fail = notLeader(slow.URL)
	s, _ := newTestServer(t, h, Config{RequestTimeout: 100 * time.Millisecond})
	start := time.Now()
	rec := call(t, s, "DELETE", "/connectors/c", "")
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), "IO Error trying to forward REST request: ") ||
		!strings.Contains(rec.Body.String(), "context deadline exceeded") {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("forward took %v", d)
	}
}

func TestForwardHopLimits(t *testing.T) {
	leader := newFakeLeader(t, 204, "")
	h := newFakeHerder()
	s, logs := newTestServer(t, h, Config{})
	conflicting := errorBody(409, "Cannot complete request because of a conflicting operation (e.g. worker rebalance)")
	noLeader := errorBody(409, "Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway.")

	// Forwarded twice already: no third hop.
	h.fail = notLeader(leader.URL)
	expect(t, call(t, s, "DELETE", "/connectors/c?forward=false", ""), 409, conflicting)
	expect(t, call(t, s, "POST", "/connectors?forward=no", `{"name":"c","config":{}}`), 409, conflicting)
	if !strings.Contains(logs.String(), "couldn't find the target Connect worker within two hops") {
		t.Errorf("two-hop failure not logged:\n%s", logs)
	}

	// No known leader.
	h.fail = notLeader("")
	expect(t, call(t, s, "DELETE", "/connectors/c", ""), 409, noLeader)
	expect(t, call(t, s, "DELETE", "/connectors/c?forward=true", ""), 409, noLeader)
	// The hop check comes first, as in Java.
	expect(t, call(t, s, "DELETE", "/connectors/c?forward=false", ""), 409, conflicting)

	// Reads are not forwarded: a request target there is a 500 (Java's
	// exception mapper).
	h.fail = notLeader(leader.URL)
	expect(t, call(t, s, "GET", "/connectors/c", ""), 500, errorBody(500, "Only the leader can set connector configs."))

	// Other errors are not forwarded either.
	h.fail = connect.Errorf(connect.ErrNotFound, "Connector c not found")
	expect(t, call(t, s, "DELETE", "/connectors/c", ""), 404, errorBody(404, "Connector c not found"))

	if n := leader.count(); n != 0 {
		t.Errorf("leader got %d requests", n)
	}
}

// TestForwardTwoHops runs three real servers: a user's request reaches A,
// whose herder points at B, whose herder points at C, the leader.
func TestForwardTwoHops(t *testing.T) {
	hA, hB, hC := newFakeHerder(), newFakeHerder(), newFakeHerder()
	sA, _ := newTestServer(t, hA, Config{})
	sB, _ := newTestServer(t, hB, Config{})
	sC, _ := newTestServer(t, hC, Config{})
	b := httptest.NewServer(sB.Handler())
	c := httptest.NewServer(sC.Handler())
	t.Cleanup(b.Close)
	t.Cleanup(c.Close)
	hA.fail = notLeader(b.URL + "/")
	hB.fail = notLeader(c.URL + "/")

	rec := call(t, sA, "POST", "/connectors", `{"name":"c","config":{"tasks.max":"1"}}`, "Authorization", "Bearer t")
	expect(t, rec, 201, infoC)
	if loc := rec.Header().Get("Location"); loc != "http://worker1:8083/connectors/c" {
		t.Errorf("Location = %q", loc)
	}
	if got := hC.config("c"); got["tasks.max"] != "1" {
		t.Errorf("leader config %v", got)
	}

	// The leader moved on meanwhile: B's forward=false request to C
	// fails on C with the two-hop conflict, relayed to the user.
	hC.fail = notLeader(b.URL)
	expect(t, call(t, sA, "DELETE", "/connectors/c", ""), 409,
		errorBody(409, "Cannot complete request because of a conflicting operation (e.g. worker rebalance)"))
}
