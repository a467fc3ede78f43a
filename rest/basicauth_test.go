package rest

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect/workerconfig"
)

// writeCredentials writes a credentials file in PropertyFileLoginModule's
// format and returns its path.
func writeCredentials(t *testing.T, dir, content string) string {
	t.Helper()
	p := filepath.Join(dir, "credentials.properties")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func basic(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// expectUnauthorized checks Java's 401 and Ferry's WWW-Authenticate.
func expectUnauthorized(t *testing.T, what string, status int, header http.Header, body string) {
	t.Helper()
	if status != 401 || body != "User cannot access the resource." {
		t.Errorf("%s: %d %q, want 401 User cannot access the resource.", what, status, body)
	}
	if got := header.Get("WWW-Authenticate"); got != `Basic realm="KafkaConnect", charset="UTF-8"` {
		t.Errorf("%s: WWW-Authenticate %q", what, got)
	}
}

func TestBasicAuth(t *testing.T) {
	dir := t.TempDir()
	creds := writeCredentials(t, dir, "# users\nadmin: s3cret-pw\nops=0ps:pw with spaces\n")
	h := newFakeHerder()
	h.add("c", map[string]string{"name": "c"})
	logs := &syncBuffer{}
	s, err := New(Config{BasicAuth: workerconfig.BasicAuthSettings{CredentialsFile: creds}}, h, zerolog.New(logs).Level(zerolog.TraceLevel))
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct{ what, auth string }{
		{"no credentials", ""},
		{"wrong password", basic("admin", "s3cret-pX")},
		{"password of another user", basic("ops", "s3cret-pw")},
		{"unknown user", basic("nobody", "s3cret-pw")},
		{"empty user", basic("", "s3cret-pw")},
		{"no colon", "Basic " + base64.StdEncoding.EncodeToString([]byte("admins3cret-pw"))},
		{"not Base64", "Basic s3cret-pw!"},
		{"bearer", "Bearer s3cret-pw"},
		{"no scheme", base64.StdEncoding.EncodeToString([]byte("admin:s3cret-pw"))},
	} {
		rec := call(t, s, "GET", "/connectors", "", "Authorization", tc.auth)
		expectUnauthorized(t, tc.what, rec.Code, rec.Header(), rec.Body.String())
		if n := h.callCount(); n != 0 {
			t.Fatalf("%s: the herder was called", tc.what)
		}
	}
	// Unknown paths need credentials too.
	rec := call(t, s, "GET", "/nowhere", "")
	expectUnauthorized(t, "unknown path", rec.Code, rec.Header(), rec.Body.String())

	expect(t, call(t, s, "GET", "/connectors", "", "Authorization", basic("admin", "s3cret-pw")), 200, `["c"]`)
	expect(t, call(t, s, "GET", "/connectors", "", "Authorization", "basic "+strings.TrimPrefix(basic("ops", "0ps:pw with spaces"), "Basic ")), 200, `["c"]`)

	// Internal requests between workers need no credentials (the
	// endpoints check their signatures).
	expect(t, call(t, s, "POST", "/connectors/c/tasks", `[{"k":"v"}]`), 204, "")
	if h.lastCall() != "PutTaskConfigs(c, 1)" {
		t.Errorf("herder call %q", h.lastCall())
	}
	if rec := call(t, s, "PUT", "/connectors/c/fence", ""); rec.Code == 401 {
		t.Error("PUT /connectors/c/fence needs credentials")
	}
	// But only those: another method on the same path, or a path below.
	for _, tc := range [][2]string{{"GET", "/connectors/c/tasks"}, {"POST", "/connectors/c/tasks/0/restart"}, {"PUT", "/connectors/c/tasks"}} {
		rec := call(t, s, tc[0], tc[1], "")
		expectUnauthorized(t, tc[0]+" "+tc[1], rec.Code, rec.Header(), rec.Body.String())
	}

	// No secret reaches the logs, whatever the level.
	for _, secret := range []string{"s3cret", "0ps:pw", "pw with spaces", base64.StdEncoding.EncodeToString([]byte("admin:s3cret-pw"))[:12], "Authorization"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("logs hold %q:\n%s", secret, logs.String())
		}
	}
	if !strings.Contains(logs.String(), "Request failed authentication") {
		t.Errorf("no debug line for failed authentication:\n%s", logs.String())
	}
}

func TestBasicAuthFromJAASFile(t *testing.T) {
	dir := t.TempDir()
	creds := writeCredentials(t, dir, "admin=pw\n")
	jaas := filepath.Join(dir, "connect_jaas.conf")
	if err := os.WriteFile(jaas, []byte(`KafkaConnect {
  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required
  file="`+creds+`";
};
`), 0o600); err != nil {
		t.Fatal(err)
	}
	s, _ := newTestServer(t, newFakeHerder(), Config{BasicAuth: workerconfig.BasicAuthSettings{JAASConfigFile: jaas}})
	rec := call(t, s, "GET", "/connectors", "")
	expectUnauthorized(t, "no credentials", rec.Code, rec.Header(), rec.Body.String())
	expect(t, call(t, s, "GET", "/connectors", "", "Authorization", basic("admin", "pw")), 200, `[]`)

	other := filepath.Join(dir, "other_jaas.conf")
	if err := os.WriteFile(other, []byte("KafkaServer { some.LoginModule required; };\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{BasicAuth: workerconfig.BasicAuthSettings{JAASConfigFile: other}}, newFakeHerder(), zerolog.Nop()); err == nil ||
		!strings.Contains(err.Error(), "No LoginModules configured for KafkaConnect") {
		t.Errorf("a JAAS file without KafkaConnect: %v", err)
	}
}

func TestBasicAuthEmptyFilePermitsAll(t *testing.T) {
	creds := writeCredentials(t, t.TempDir(), "# nobody\n")
	s, logs := newTestServer(t, newFakeHerder(), Config{BasicAuth: workerconfig.BasicAuthSettings{CredentialsFile: creds}})
	expect(t, call(t, s, "GET", "/connectors", ""), 200, `[]`)
	if !strings.Contains(logs.String(), "is empty; all requests will be permitted") {
		t.Errorf("no warning about the empty file:\n%s", logs.String())
	}
}

func TestBasicAuthRereadsChangedFile(t *testing.T) {
	dir := t.TempDir()
	creds := writeCredentials(t, dir, "admin: old-pw\n")
	s, logs := newTestServer(t, newFakeHerder(), Config{BasicAuth: workerconfig.BasicAuthSettings{CredentialsFile: creds}})
	s.auth.recheck = 0 // look at the file on every request
	expect(t, call(t, s, "GET", "/connectors", "", "Authorization", basic("admin", "old-pw")), 200, `[]`)

	// Replace the file as an editor would (a new file renamed over it).
	tmp := filepath.Join(dir, "new")
	if err := os.WriteFile(tmp, []byte("admin: new-pw\nother: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, creds); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for call(t, s, "GET", "/connectors", "", "Authorization", basic("admin", "new-pw")).Code != 200 {
		if time.Now().After(deadline) {
			t.Fatalf("the new password is not accepted:\n%s", logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	rec := call(t, s, "GET", "/connectors", "", "Authorization", basic("admin", "old-pw"))
	expectUnauthorized(t, "old password", rec.Code, rec.Header(), rec.Body.String())

	// A file that disappears keeps the credentials read before.
	if err := os.Remove(creds); err != nil {
		t.Fatal(err)
	}
	expect(t, call(t, s, "GET", "/connectors", "", "Authorization", basic("admin", "new-pw")), 200, `[]`)
	if !strings.Contains(logs.String(), "cannot re-read the REST credentials file") {
		t.Errorf("no warning about the missing file:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "new-pw") || strings.Contains(logs.String(), "old-pw") {
		t.Errorf("logs hold a password:\n%s", logs.String())
	}
}

// TestBasicAuthForwardsAuthorization runs a follower and a leader, both
// authenticating: the user's credentials reach the leader with the
// forwarded request.
func TestBasicAuthForwardsAuthorization(t *testing.T) {
	creds := writeCredentials(t, t.TempDir(), "admin: pw\n")
	auth := workerconfig.BasicAuthSettings{CredentialsFile: creds}
	hF, hL := newFakeHerder(), newFakeHerder()
	leader := startServer(t, hL, Config{Listeners: []string{"http://127.0.0.1:0"}, BasicAuth: auth})
	follower := startServer(t, hF, Config{Listeners: []string{"http://127.0.0.1:0"}, BasicAuth: auth})
	hF.fail = notLeader(leader.AdvertisedURL())

	post := func(authz string) (int, string) {
		req, _ := http.NewRequestWithContext(context.Background(), "POST", follower.URLs()[0]+"/connectors",
			strings.NewReader(`{"name":"c","config":{"tasks.max":"1"}}`))
		req.Header.Set("Content-Type", "application/json")
		if authz != "" {
			req.Header.Set("Authorization", authz)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		b := new(strings.Builder)
		_, _ = io.Copy(b, resp.Body)
		return resp.StatusCode, b.String()
	}
	if status, _ := post(""); status != 401 {
		t.Errorf("without credentials: %d", status)
	}
	if hL.callCount() != 0 {
		t.Error("a request without credentials reached the leader")
	}
	if status, body := post(basic("admin", "pw")); status != 201 || body != infoC {
		t.Errorf("with credentials: %d %s", status, body)
	}
	if got := hL.config("c"); got["tasks.max"] != "1" {
		t.Errorf("leader config %v", got)
	}
}
