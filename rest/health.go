package rest

import (
	"context"
	"net/http"
	"time"

	"github.com/ferrykafka/ferry/rest/entities"
)

// healthCheckTimeout bounds GET /health's wait for the herder (Java's
// RestServer.DEFAULT_HEALTH_CHECK_TIMEOUT_MS), instead of the request
// timeout.
const healthCheckTimeout = 10 * time.Second

// health: GET /health (KIP-1017). The herder reports whether its loop
// answers within healthCheckTimeout: {"status","message"} with 200 when
// healthy, 503 while the worker is still starting, 500 when unhealthy
// (and for any status Ferry does not know, which should not happen).
func (s *Server) health(r *http.Request) (reply, error) {
	ctx, cancel := context.WithTimeout(r.Context(), healthCheckTimeout)
	defer cancel()
	return healthReply(s.herderFor(r).Health(ctx)), nil
}

// healthReply answers a herder's health status with its HTTP status.
func healthReply(st entities.WorkerStatus) reply {
	code := http.StatusInternalServerError
	switch st.Status {
	case entities.HealthHealthy:
		code = http.StatusOK
	case entities.HealthStarting:
		code = http.StatusServiceUnavailable
	}
	return reply{status: code, body: st}
}
