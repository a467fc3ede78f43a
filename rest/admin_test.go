package rest

import (
	"net/http"
	"strings"
	"testing"
)

// TestAdminListeners checks where /admin/loggers is served for the three
// shapes of admin.listeners. Whether the logger routes exist is read from
// the route table, so the test holds however many admin routes there are.
func TestAdminListeners(t *testing.T) {
	ca := newTestCA(t, "ca")
	adminTLS := ca.serverSettings(t, ca.issue(t, "admin"), "none")
	for _, tc := range []struct {
		name  string
		cfg   Config
		where string // regular, admin or none
	}{
		{"unset", Config{}, "regular"},
		{"empty", Config{AdminListeners: []string{}}, "none"},
		{"separate", Config{AdminListeners: []string{"http://127.0.0.1:0"}}, "admin"},
		{"separate https", Config{AdminListeners: []string{"https://127.0.0.1:0"}, AdminTLS: adminTLS}, "admin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newFakeHerder()
			h.add("c", map[string]string{"name": "c"})
			cfg := tc.cfg
			cfg.Listeners = []string{"http://127.0.0.1:0"}
			cfg.Loggers = &fakeLoggers{}
			s := startServer(t, h, cfg)
			served := len(s.adminRoutes()) > 0 // the logger routes exist

			status := func(client *http.Client, url string) int {
				t.Helper()
				code, _, err := get(client, url)
				if err != nil {
					t.Fatal(err)
				}
				return code
			}
			want := func(here bool) int {
				if here && served {
					return 200
				}
				return 404
			}
			regular := s.URLs()[0]
			if got := status(http.DefaultClient, regular+"/admin/loggers"); got != want(tc.where == "regular") {
				t.Errorf("regular listener: GET /admin/loggers %d, want %d", got, want(tc.where == "regular"))
			}
			if got := status(http.DefaultClient, regular+"/connectors"); got != 200 {
				t.Errorf("regular listener: GET /connectors %d", got)
			}
			admin := s.AdminURLs()
			if tc.where != "admin" {
				if len(admin) != 0 || s.AdminHandler() != nil {
					t.Fatalf("admin URLs %v", admin)
				}
				return
			}
			client := http.DefaultClient
			if strings.HasPrefix(admin[0], "https://") {
				client = ca.client(nil)
			}
			if got := status(client, admin[0]+"/admin/loggers"); got != want(true) {
				t.Errorf("admin listener: GET /admin/loggers %d, want %d", got, want(true))
			}
			// The admin listener serves the admin routes only.
			if got := status(client, admin[0]+"/connectors"); got != 404 {
				t.Errorf("admin listener: GET /connectors %d, want 404", got)
			}
		})
	}
}
