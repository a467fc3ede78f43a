package rest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// FuzzRequest sends arbitrary requests (method, target, Content-Type,
// body) to a server over a fake herder holding goldenFixture and checks
// what must hold for any input: no panic, no 5xx (the fake herder never
// fails, so a 5xx can only come from the REST layer mishandling input),
// and every error answered with Connect's body {"error_code":N,
// "message":"..."}, N the status. Its seed corpus runs as a unit test;
// `go test -fuzz=FuzzRequest ./rest` explores further.
func FuzzRequest(f *testing.F) {
	const json = "application/json"
	seeds := []struct{ method, target, contentType, body string }{
		{"GET", "/", "", ""},
		{"GET", "/health", "", ""},
		{"GET", "/connectors?expand=status&expand=info&expand=x", "", ""},
		{"POST", "/connectors", json, `{"name":"n","config":{"connector.class":"FileStreamSink"},"initial_state":"STOPPED"}`},
		{"POST", "/connectors", json, `{"name":" ","config":{"name":" "}}`},
		{"POST", "/connectors", json, `{"name":"n","config":{"a":[1,{"b":null}]}}`},
		{"GET", "/connectors/src", "", ""},
		{"DELETE", "/connectors/%2F", "", ""},
		{"PUT", "/connectors/src/config", json, `{"name":"src","tasks.max":1e400}`},
		{"PUT", "/connectors/n%00/config", json, "{\"k\":\"\\ud800\"}"},
		{"PUT", "/connectors/n/config", "text/plain; charset=x", `{}`},
		{"PUT", "/connectors/n/config", "a/b/c", `{}`},
		{"PATCH", "/connectors/src/config", json, `{"name":null,"a":null}`},
		{"PATCH", "/connectors/src/config", json, `{"a":"b"} trailing`},
		{"PATCH", "/connectors/src/config", json, "\ufeff{\"a\":1}"},
		{"PATCH", "/connectors/src/config", json, strings.Repeat("[", 1200)},
		{"POST", "/connectors/src/restart?includeTasks=true&onlyFailed=yes&forward=true", "", ""},
		{"POST", "/connectors/src/restart?includeTasks=%zz", "", ""},
		{"PUT", "/connectors/src/pause", "", ""},
		{"PUT", "/connectors/src/resume", "", "x"},
		{"PUT", "/connectors/src/stop?forward=false", "", ""},
		{"GET", "/connectors/src/tasks", "", ""},
		{"POST", "/connectors/src/tasks", "text/plain", `[{"a":"b"},null]`},
		{"GET", "/connectors/src/tasks/-2147483648/status", "", ""},
		{"GET", "/connectors/src/tasks/%EF%BC%91/status", "", ""},
		{"POST", "/connectors/src/tasks/99999999999999999999/restart", "", ""},
		{"GET", "/connectors/src/topics", "", ""},
		{"PUT", "/connectors/src/topics/reset", "", ""},
		{"GET", "/connectors/stopped/offsets", "", ""},
		{"PATCH", "/connectors/stopped/offsets", json, `{"offsets":[{"partition":{"a":[1,2,{"b":-0.0e-5}]},"offset":{"o":null}}]}`},
		{"PATCH", "/connectors/stopped/offsets", json, `{"offsets":[{"offset":{},"partition":{},"x":[]}],"offsets":null}`},
		{"PATCH", "/connectors/stopped/offsets", json, `{"offsets":[{"partition":{"a":"\u0000"}}`},
		{"DELETE", "/connectors/stopped/offsets", "", ""},
		{"GET", "/connector-plugins?connectorsOnly=%20", "", ""},
		{"GET", "/connector-plugins/%2E%2E/config", "", ""},
		{"PUT", "/connector-plugins/Connector/config/validate", json, `{"connector.class":"Connector"}`},
		{"PUT", "/connector-plugins/FileStreamSink/config/validate", json, `{"connector.class":"FileStreamSinkConnector","tasks.max":"-1"}`},
		{"PUT", "/connectors/src/fence", "", ""},
		{"GET", "/connectors/src/tasks-config", "", ""},
		{"OPTIONS", "/connectors", "", ""},
		{"BREW", "/connectors/src/config/", "", ""},
		{"GET", "//connectors", "", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.target, s.contentType, s.body)
	}
	f.Fuzz(func(t *testing.T, method, target, contentType, body string) {
		req := fuzzRequest(method, target, contentType, body)
		if req == nil {
			return // net/http would refuse it before any handler
		}
		s, err := New(Config{}, goldenFixture(), zerolog.Nop())
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q (Content-Type %q, body %q) answered %d: %s", method, target, contentType, body, rec.Code, rec.Body)
		}
		checkConnectAnswer(t, method, req.URL.Path, rec)
	})
}

// fuzzRequest builds the request a server would hand to its handler, or
// nil for one net/http refuses (bad method or target).
func fuzzRequest(method, target, contentType, body string) *http.Request {
	if method == "" || strings.IndexFunc(method, func(r rune) bool {
		return r <= ' ' || r >= 0x7f || strings.ContainsRune(`()<>@,;:\"/[]?={}`, r)
	}) >= 0 {
		return nil
	}
	if !strings.HasPrefix(target, "/") || strings.ContainsAny(target, " \t\r\n") {
		return nil
	}
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return nil
	}
	req := &http.Request{
		Method:        method,
		URL:           u,
		RequestURI:    target,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{},
		Host:          "worker1:8083",
		RemoteAddr:    "127.0.0.1:40000",
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)),
	}
	if contentType != "" {
		if strings.ContainsAny(contentType, "\r\n\x00") {
			return nil
		}
		req.Header.Set("Content-Type", contentType)
	}
	return req.WithContext(context.Background())
}
