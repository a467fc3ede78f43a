package rest

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/connect/workerconfig"
	"github.com/ferrykafka/ferry/test/testkit"
)

func TestNewValidatesConfig(t *testing.T) {
	h := newFakeHerder()
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Listeners: []string{"http://:0", " "}}, "rest: invalid listeners: Empty URL found when parsing listeners list."},
		{Config{Listeners: []string{"https://:0"}}, "rest: https listeners: no certificate for the https listener: set ssl.certificate.location and ssl.key.location, " +
			"or ssl.keystore.location (or ssl.keystore.certificate.chain and ssl.keystore.key with ssl.keystore.type=PEM)"},
		{Config{Listeners: []string{"http://:0"}, AdminListeners: []string{"https://:0"}}, "rest: https admin listeners: no certificate for the https listener: " +
			"set ssl.certificate.location and ssl.key.location, or ssl.keystore.location (or ssl.keystore.certificate.chain and ssl.keystore.key with ssl.keystore.type=PEM)"},
		{Config{AdminListeners: []string{"http://:0", ""}}, "rest: invalid admin.listeners: Empty URL found when parsing admin.listeners list."},
		{Config{AdvertisedListener: "spdy"}, `rest: rest.advertised.listener "spdy" is not supported (http or https)`},
		{Config{ResponseHeaders: "sett X-A:b"}, "rest: response.http.headers.config: Invalid header config action: 'sett'. Expected one of [set, add, setDate, addDate]"},
		{Config{AllowOrigin: "https://*.(x"}, "rest: access.control.allow.origin: invalid origin pattern \"https://*.(x\": error parsing regexp: missing closing ): `^(?:https://.*\\.(x)$`"},
		{Config{BasicAuth: workerconfig.BasicAuthSettings{CredentialsFile: "/nonexistent/creds"}},
			"rest: basic authentication: Error loading Property Credentials file: stat /nonexistent/creds: no such file or directory"},
		{Config{AdvertisedPort: 70000}, "rest: rest.advertised.port 70000 out of range"},
	} {
		if _, err := New(tc.cfg, h, testkit.Logger(t)); err == nil || err.Error() != tc.want {
			t.Errorf("New(%+v) error = %v, want %q", tc.cfg, err, tc.want)
		}
	}
	s, err := New(Config{Listeners: []string{"http://127.0.0.1:0"}}, nil, testkit.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err == nil || err.Error() != "rest: herder is required" {
		t.Errorf("Start without a herder: %v", err)
	}
}

func TestStartServesAndStops(t *testing.T) {
	h := newFakeHerder()
	h.add("c", map[string]string{"name": "c"})
	s, err := New(Config{Listeners: []string{"http://127.0.0.1:0", "http://127.0.0.1:0"}}, h, testkit.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Stop(context.Background()) })
	if err := s.Start(ctx); err == nil {
		t.Error("second Start succeeded")
	}

	urls := s.URLs()
	if len(urls) != 2 || urls[0] == urls[1] {
		t.Fatalf("URLs() = %v", urls)
	}
	for _, u := range urls {
		resp, err := http.Get(u + "/connectors")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != `["c"]` {
			t.Errorf("GET %s/connectors: %d %s", u, resp.StatusCode, body)
		}
	}

	// Created connectors get an absolute Location on the real server.
	resp, err := http.Post(urls[0]+"/connectors", "application/json", strings.NewReader(`{"name":"d","config":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != 201 || loc != urls[0]+"/connectors/d" {
		t.Errorf("POST: %d Location %q", resp.StatusCode, loc)
	}

	// Advertised: the first listener's host and bound port, Java's form.
	port := strings.TrimPrefix(urls[0], "http://127.0.0.1:")
	if got, want := s.AdvertisedURL(), "http://127.0.0.1:"+port+"/"; got != want {
		t.Errorf("AdvertisedURL() = %q, want %q", got, want)
	}

	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(urls[0] + "/"); err == nil {
		t.Error("server still answering after Stop")
	}
	if err := s.Stop(ctx); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

func TestStartReportsBindErrors(t *testing.T) {
	a, err := New(Config{Listeners: []string{"http://127.0.0.1:0"}}, newFakeHerder(), testkit.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = a.Stop(context.Background()) }()
	taken := a.URLs()[0] // http://127.0.0.1:port

	b, err := New(Config{Listeners: []string{"http://127.0.0.1:0", taken}}, newFakeHerder(), testkit.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Start(context.Background()); err == nil || !strings.Contains(err.Error(), "rest: listen on "+taken) {
		t.Errorf("Start on a taken port: %v", err)
	}
	if err := b.Stop(context.Background()); err != nil {
		t.Errorf("Stop after failed Start: %v", err)
	}
}

func TestStopForcesHangingRequests(t *testing.T) {
	h := newFakeHerder()
	h.block = true
	s, err := New(Config{Listeners: []string{"http://127.0.0.1:0"}}, h, testkit.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		resp, err := http.Get(s.URLs()[0] + "/connectors")
		if err == nil {
			_ = resp.Body.Close()
		}
	}()
	testkit.Eventually(t, 5*time.Second, func() error {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.lastCtx == nil {
			return io.EOF
		}
		return nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s.Stop(ctx); err == nil {
		t.Error("Stop with a hanging request reported a graceful shutdown")
	}
	h.mu.Lock()
	herderCtx := h.lastCtx
	h.mu.Unlock()
	if herderCtx.Err() == nil {
		t.Error("the hanging herder call was not cancelled")
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("client still waiting after Stop")
	}
}

func TestAdvertisedURL(t *testing.T) {
	ctx := context.Background()
	ls := []Listener{{Protocol: "http", Host: "", Port: 8083}}
	if got := advertisedURL(ctx, Config{AdvertisedHostName: "w1.example", AdvertisedPort: 18083}, ls, []int{8083}); got != "http://w1.example:18083/" {
		t.Errorf("overrides: %s", got)
	}
	ls = []Listener{{Protocol: "http", Host: "10.1.2.3", Port: 0}}
	if got := advertisedURL(ctx, Config{}, ls, []int{40000}); got != "http://10.1.2.3:40000/" {
		t.Errorf("bound port: %s", got)
	}
	ls = []Listener{{Protocol: "https", Host: "a", Port: 8443}, {Protocol: "http", Host: "", Port: 8083}}
	if got := advertisedURL(ctx, Config{}, ls, []int{8443, 8083}); got != "http://a:8083/" {
		t.Errorf("http listener preferred, host from the first: %s", got)
	}
	ls = []Listener{{Protocol: "http", Host: "::1", Port: 8083}}
	if got := advertisedURL(ctx, Config{}, ls, []int{8083}); got != "http://[::1]:8083/" {
		t.Errorf("ipv6: %s", got)
	}
	// All interfaces: this machine's address, as Java's Jetty reports it.
	ls = []Listener{{Protocol: "http", Host: "", Port: 8083}}
	got := advertisedURL(ctx, Config{}, ls, []int{8083})
	if !strings.HasPrefix(got, "http://") || !strings.HasSuffix(got, ":"+strconv.Itoa(8083)+"/") || got == "http://:8083/" {
		t.Errorf("wildcard: %s", got)
	}
}
