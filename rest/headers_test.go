package rest

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/connect/workerconfig"
)

func TestResponseHeaders(t *testing.T) {
	creds := writeCredentials(t, t.TempDir(), "admin: pw\n")
	s, _ := newTestServer(t, newFakeHerder(), Config{
		ResponseHeaders: `set X-Frame-Options: DENY, "add Cache-Control: no-cache, no-store", add Cache-Control:must-revalidate, ` +
			`setDate Expires: 3600000, addDate X-Checked: 0, addDate X-Checked: -60000, set Content-Type: text/html`,
		BasicAuth: workerconfig.BasicAuthSettings{CredentialsFile: creds},
	})
	auth := []string{"Authorization", basic("admin", "pw")}
	for _, tc := range []struct {
		what   string
		method string
		path   string
		status int
		auth   []string
	}{
		{"an API reply", "GET", "/connectors", 200, auth},
		{"an error", "GET", "/connectors/missing", 404, auth},
		{"an unknown route", "GET", "/nowhere", 404, auth},
		{"a 401", "GET", "/connectors", 401, nil},
	} {
		before := time.Now().Truncate(time.Second)
		rec := call(t, s, tc.method, tc.path, "", tc.auth...)
		after := time.Now()
		if rec.Code != tc.status {
			t.Errorf("%s: status %d, want %d", tc.what, rec.Code, tc.status)
		}
		h := rec.Header()
		if got := h.Values("X-Frame-Options"); !slices.Equal(got, []string{"DENY"}) {
			t.Errorf("%s: set: X-Frame-Options %q", tc.what, got)
		}
		if got := h.Values("Cache-Control"); !slices.Equal(got, []string{"no-cache, no-store", "must-revalidate"}) {
			t.Errorf("%s: add: Cache-Control %q", tc.what, got)
		}
		expires, err := http.ParseTime(h.Get("Expires"))
		if err != nil || expires.Before(before.Add(time.Hour)) || expires.After(after.Add(time.Hour)) {
			t.Errorf("%s: setDate: Expires %q, want an hour from now", tc.what, h.Get("Expires"))
		}
		checked := h.Values("X-Checked")
		if len(checked) != 2 {
			t.Fatalf("%s: addDate: X-Checked %q", tc.what, checked)
		}
		for i, offset := range []time.Duration{0, -time.Minute} {
			d, err := http.ParseTime(checked[i])
			if err != nil || d.Before(before.Add(offset)) || d.After(after.Add(offset)) {
				t.Errorf("%s: addDate: X-Checked %q, want now %v", tc.what, checked[i], offset)
			}
		}
		// The handler's own Content-Type wins over a set rule, as in Java.
		if ct := h.Get("Content-Type"); ct == "text/html" {
			t.Errorf("%s: Content-Type %q", tc.what, ct)
		}
	}
}

func TestResponseHeadersOnAdminListener(t *testing.T) {
	s := startServer(t, newFakeHerder(), Config{Listeners: []string{"http://127.0.0.1:0"}, AdminListeners: []string{"http://127.0.0.1:0"},
		ResponseHeaders: "set X-Content-Type-Options:nosniff"})
	resp, err := http.Get(s.AdminURLs()[0] + "/admin/loggers")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("admin listener: X-Content-Type-Options %q", got)
	}
}
