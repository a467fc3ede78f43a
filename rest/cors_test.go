package rest

import (
	"net/http/httptest"
	"testing"

	"github.com/ferrykafka/ferry/connect/workerconfig"
)

// corsHeaders are the response headers CORS may set.
var corsHeaders = []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Vary",
	"Access-Control-Max-Age", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"}

// expectCORS checks every CORS header of rec against want ("" = absent).
func expectCORS(t *testing.T, what string, rec *httptest.ResponseRecorder, want map[string]string) {
	t.Helper()
	for _, h := range corsHeaders {
		if got := rec.Header().Get(h); got != want[h] {
			t.Errorf("%s: %s = %q, want %q", what, h, got, want[h])
		}
	}
}

func TestCORS(t *testing.T) {
	h := newFakeHerder()
	h.add("c", map[string]string{"name": "c"})
	h.add("d", map[string]string{"name": "d"})
	s, _ := newTestServer(t, h, Config{AllowOrigin: "https://ui.example.com, https://*.corp.example"})
	simple := map[string]string{"Access-Control-Allow-Origin": "https://ui.example.com",
		"Access-Control-Allow-Credentials": "true", "Vary": "Origin"}

	// Simple requests from an allowed origin get the origin back.
	rec := call(t, s, "GET", "/connectors", "", "Origin", "https://ui.example.com")
	expect(t, rec, 200, `["c","d"]`)
	expectCORS(t, "simple GET", rec, simple)
	// Other requests too (the browser checked them with a preflight).
	rec = call(t, s, "DELETE", "/connectors/d", "", "Origin", "https://ui.example.com")
	expect(t, rec, 204, "")
	expectCORS(t, "DELETE", rec, simple)
	// Wildcard origins match any subdomain; the dots are literal.
	rec = call(t, s, "GET", "/", "", "Origin", "https://a.b.corp.example")
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "https://a.b.corp.example" {
		t.Errorf("wildcard origin: %q", got)
	}
	for _, o := range []string{"https://evil.example", "https://corpXexample", "https://ui.example.com.evil"} {
		rec = call(t, s, "GET", "/connectors", "", "Origin", o)
		expect(t, rec, 200, `["c"]`)
		expectCORS(t, "origin "+o, rec, nil)
	}
	// No Origin: no CORS headers.
	expectCORS(t, "same origin", call(t, s, "GET", "/connectors", ""), nil)

	// A preflight for an allowed method and headers is answered here.
	calls := h.callCount()
	rec = call(t, s, "OPTIONS", "/connectors", "", "Origin", "https://ui.example.com",
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type, accept")
	if rec.Code != 200 || rec.Body.Len() != 0 {
		t.Errorf("preflight: %d %q", rec.Code, rec.Body.String())
	}
	expectCORS(t, "preflight", rec, map[string]string{"Access-Control-Allow-Origin": "https://ui.example.com",
		"Access-Control-Allow-Credentials": "true", "Vary": "Origin", "Access-Control-Max-Age": "1800",
		"Access-Control-Allow-Methods": "GET,POST,HEAD", "Access-Control-Allow-Headers": "X-Requested-With,Content-Type,Accept,Origin"})
	if h.callCount() != calls {
		t.Errorf("herder calls %d: the preflight reached the API", h.callCount())
	}
	// Methods beyond the default, headers beyond the allowed ones and
	// other origins get no CORS answer (the API's own reply: 405).
	for _, tc := range [][]string{
		{"Origin", "https://ui.example.com", "Access-Control-Request-Method", "DELETE"},
		{"Origin", "https://ui.example.com", "Access-Control-Request-Method", "post"},
		{"Origin", "https://ui.example.com", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "X-Secret"},
		{"Origin", "https://evil.example", "Access-Control-Request-Method", "GET"},
	} {
		rec = call(t, s, "OPTIONS", "/connectors", "", tc...)
		if rec.Code != 405 {
			t.Errorf("refused preflight %v: %d", tc, rec.Code)
		}
		expectCORS(t, "refused preflight", rec, nil)
	}
}

func TestCORSMethodsAndAnyOrigin(t *testing.T) {
	s, _ := newTestServer(t, newFakeHerder(), Config{AllowOrigin: "*", AllowMethods: "GET, PUT,DELETE"})
	rec := call(t, s, "OPTIONS", "/connectors/c", "", "Origin", "https://anywhere.example", "Access-Control-Request-Method", "DELETE")
	if rec.Code != 200 {
		t.Errorf("preflight: %d", rec.Code)
	}
	// Any origin: the origin is echoed and Vary is not needed.
	expectCORS(t, "preflight", rec, map[string]string{"Access-Control-Allow-Origin": "https://anywhere.example",
		"Access-Control-Allow-Credentials": "true", "Access-Control-Max-Age": "1800",
		"Access-Control-Allow-Methods": "GET,PUT,DELETE", "Access-Control-Allow-Headers": "X-Requested-With,Content-Type,Accept,Origin"})
	rec = call(t, s, "OPTIONS", "/connectors", "", "Origin", "https://anywhere.example", "Access-Control-Request-Method", "POST")
	expectCORS(t, "POST not allowed", rec, nil)
}

func TestCORSOffByDefault(t *testing.T) {
	s, _ := newTestServer(t, newFakeHerder(), Config{AllowMethods: "GET"})
	rec := call(t, s, "GET", "/connectors", "", "Origin", "https://ui.example.com")
	expectCORS(t, "no allow origin", rec, nil)
	rec = call(t, s, "OPTIONS", "/connectors", "", "Origin", "https://ui.example.com", "Access-Control-Request-Method", "GET")
	if rec.Code != 405 {
		t.Errorf("preflight without CORS: %d", rec.Code)
	}
}

// TestCORSPreflightWithBasicAuth: browsers send preflights without
// credentials; they are answered before authentication.
func TestCORSPreflightWithBasicAuth(t *testing.T) {
	creds := writeCredentials(t, t.TempDir(), "admin: pw\n")
	s, _ := newTestServer(t, newFakeHerder(), Config{AllowOrigin: "https://ui.example.com",
		BasicAuth: workerconfig.BasicAuthSettings{CredentialsFile: creds}})
	rec := call(t, s, "OPTIONS", "/connectors", "", "Origin", "https://ui.example.com", "Access-Control-Request-Method", "POST")
	if rec.Code != 200 || rec.Header().Get("Access-Control-Allow-Origin") != "https://ui.example.com" {
		t.Errorf("preflight: %d %v", rec.Code, rec.Header())
	}
	// The request itself needs credentials, and a 401 still carries CORS
	// headers so the page can read it.
	rec = call(t, s, "POST", "/connectors", `{}`, "Origin", "https://ui.example.com")
	if rec.Code != 401 || rec.Header().Get("Access-Control-Allow-Origin") != "https://ui.example.com" {
		t.Errorf("POST without credentials: %d %v", rec.Code, rec.Header())
	}
}
