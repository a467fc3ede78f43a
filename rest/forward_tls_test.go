package rest

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/ferrykafka/ferry/connect/workerconfig"
	"github.com/ferrykafka/ferry/test/testkit"
)

// TestForwardHTTPSToHTTPSLeader runs two https workers that require client
// certificates: a user's request to the follower is forwarded to the
// leader over https, the follower presenting its own certificate and
// trusting the leader's through its trust store; the same client carries
// the herder's internal requests.
func TestForwardHTTPSToHTTPSLeader(t *testing.T) {
	ca := newTestCA(t, "cluster CA")
	hF, hL := newFakeHerder(), newFakeHerder()
	leader := startServer(t, hL, Config{Listeners: []string{"https://127.0.0.1:0"}, TLS: ca.serverSettings(t, ca.issue(t, "leader"), "required")})
	follower := startServer(t, hF, Config{Listeners: []string{"https://127.0.0.1:0"}, TLS: ca.serverSettings(t, ca.issue(t, "follower"), "required")})
	if !strings.HasPrefix(leader.AdvertisedURL(), "https://") {
		t.Fatalf("leader advertises %s", leader.AdvertisedURL())
	}
	hF.fail = notLeader(leader.AdvertisedURL())

	user := ca.client(ca.issue(t, "user"))
	req, _ := http.NewRequestWithContext(context.Background(), "POST", follower.URLs()[0]+"/connectors",
		strings.NewReader(`{"name":"c","config":{"tasks.max":"1"}}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := user.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("POST via the follower: %d", resp.StatusCode)
	}
	if got := hL.config("c"); got["tasks.max"] != "1" {
		t.Errorf("leader config %v", got)
	}

	// The herder's internal requests go through the same client.
	hL.add("d", map[string]string{"name": "d"})
	status, body, err := get(follower.HTTPClient(), leader.AdvertisedURL()+"connectors")
	if err != nil || status != 200 || body != `["c","d"]` {
		t.Errorf("internal client: %d %s %v", status, body, err)
	}
	// A plain client (no certificate, no trust store) is refused.
	if _, _, err := get(http.DefaultClient, leader.AdvertisedURL()+"connectors"); err == nil {
		t.Error("a client without the CA reached the leader")
	}
}

// TestForwardTLSSettingsUnusable: an http worker whose TLS settings cannot
// be used starts (Java builds its TLS client only for https URLs), and a
// request it must forward to an https leader fails with why.
func TestForwardTLSSettingsUnusable(t *testing.T) {
	bad := workerconfig.SSLSettings{Prefix: "listeners.https.", TruststoreType: "PEM", TruststoreLocation: "/nonexistent/ca.pem"}
	h := newFakeHerder()
	s, err := New(Config{TLS: bad}, h, testkit.Logger(t))
	if err != nil {
		t.Fatalf("an http worker with unusable TLS settings: %v", err)
	}
	h.fail = notLeader("https://127.0.0.1:1/")
	expect(t, call(t, s, "DELETE", "/connectors/c", ""), 500, errorBody(500, "IO Error trying to forward REST request: "+
		"Delete \"https://127.0.0.1:1/connectors/c?forward=true\": the worker's TLS client settings cannot be used: "+
		"listeners.https.ssl.truststore.location: open /nonexistent/ca.pem: no such file or directory"))

	// A worker listening on https must have usable settings.
	ca := newTestCA(t, "ca")
	withCert := ca.serverSettings(t, ca.issue(t, "w"), "none")
	withCert.Prefix, withCert.TruststoreLocation = bad.Prefix, bad.TruststoreLocation
	if _, err := New(Config{Listeners: []string{"https://127.0.0.1:0"}, TLS: withCert}, h, testkit.Logger(t)); err == nil ||
		!strings.Contains(err.Error(), "listeners.https.ssl.truststore.location: open /nonexistent/ca.pem") {
		t.Errorf("an https worker with unusable TLS settings: %v", err)
	}
}
