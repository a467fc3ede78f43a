package rest

import (
	"testing"
	"time"
)

// GET /health waits for the herder at most healthCheckTimeout (Java's 10 s),
// not the 90 s request timeout.
func TestHealthWaitsTenSeconds(t *testing.T) {
	h := newFakeHerder()
	s, _ := newTestServer(t, h, Config{})
	start := time.Now()
	expect(t, call(t, s, "GET", "/health", ""), 200,
		`{"status":"healthy","message":"Worker has completed startup and is ready to handle requests."}`)
	h.mu.Lock()
	ctx := h.lastCtx
	h.mu.Unlock()
	deadline, ok := ctx.Deadline()
	if !ok {
		t.Fatal("the health check has no deadline")
	}
	if d := deadline.Sub(start); d < healthCheckTimeout-time.Second || d > healthCheckTimeout+time.Second {
		t.Errorf("health check deadline %v after the request, want %v", d, healthCheckTimeout)
	}
	if healthCheckTimeout != 10*time.Second {
		t.Errorf("healthCheckTimeout = %v, Java's DEFAULT_HEALTH_CHECK_TIMEOUT_MS is 10 s", healthCheckTimeout)
	}

	// A shorter request timeout still bounds it.
	h.starting = true
	s, _ = newTestServer(t, h, Config{RequestTimeout: 30 * time.Millisecond})
	start = time.Now()
	rec := call(t, s, "GET", "/health", "")
	if rec.Code != 503 {
		t.Errorf("starting worker: %d %s", rec.Code, rec.Body)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("health check took %v", d)
	}
}
