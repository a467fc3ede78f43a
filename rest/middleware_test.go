package rest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestPanicBecomes500(t *testing.T) {
	h := newFakeHerder()
	h.panicWith = "nil map write"
	s, logs := newTestServer(t, h, Config{})
	expect(t, call(t, s, "GET", "/connectors", ""), 500,
		`{"error_code":500,"message":"Unexpected error while handling the request"}`)
	out := logs.String()
	if !strings.Contains(out, "panic while handling a REST request") || !strings.Contains(out, "nil map write") {
		t.Errorf("panic not logged:\n%s", out)
	}
	// The request is still logged, with the status the client got.
	if !strings.Contains(out, `"status":500`) {
		t.Errorf("request log misses the 500:\n%s", out)
	}
}

func TestAbortHandlerPanicPassesThrough(t *testing.T) {
	h := newFakeHerder()
	h.panicWith = http.ErrAbortHandler
	s, _ := newTestServer(t, h, Config{})
	defer func() {
		if p := recover(); p != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", p)
		}
	}()
	call(t, s, "GET", "/connectors", "")
}

func TestRequestLogNeverHoldsBodies(t *testing.T) {
	h := newFakeHerder()
	s, logs := newTestServer(t, h, Config{})
	const secret = "hunter2-s3cr3t"
	call(t, s, "POST", "/connectors?forward=true",
		`{"name":"jdbc","config":{"connection.password":"`+secret+`"}}`)
	// Errors echo nothing from the body into logs either.
	call(t, s, "POST", "/connectors", `{"name":"jdbc","config":{"connection.password":"`+secret+`"}}`)
	call(t, s, "POST", "/connectors", `{"name":"x","config":{"connection.password":"`+secret+`"},"bad":`)
	out := logs.String()
	if strings.Contains(out, secret) {
		t.Fatalf("secret leaked into logs:\n%s", out)
	}

	var line map[string]any
	first := strings.SplitN(out, "\n", 2)[0]
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, `"message":"REST request"`) {
			first = l
			break
		}
	}
	if err := json.Unmarshal([]byte(first), &line); err != nil {
		t.Fatalf("log line %q: %v", first, err)
	}
	for _, k := range []string{"method", "path", "status", "duration", "bytes"} {
		if _, ok := line[k]; !ok {
			t.Errorf("request log line lacks %q: %s", k, first)
		}
	}
	if line["method"] != "POST" || line["path"] != "/connectors" || line["status"] != float64(201) {
		t.Errorf("request log line: %s", first)
	}
	if strings.Contains(first, "forward") {
		t.Errorf("query string logged: %s", first)
	}
}
