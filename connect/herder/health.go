package herder

import (
	"context"

	"github.com/ferrykafka/ferry/rest/entities"
)

// Health answers GET /health (KIP-1017): a no-op request must get through
// the herder loop before ctx ends. Before the loop has finished starting
// the worker is "starting" (503); a loop that does not answer afterwards
// is "unhealthy" (500). Both quote the loop's current stage.
func (h *Herder) Health(ctx context.Context) entities.WorkerStatus {
	select {
	case <-h.ready:
		if err := h.run(ctx, func(context.Context) error { return nil }); err == nil {
			return entities.WorkerStatus{Status: entities.HealthHealthy,
				Message: "Worker has completed startup and is ready to handle requests."}
		}
		return entities.WorkerStatus{Status: entities.HealthUnhealthy,
			Message: withDetails("Worker was unable to handle this request and may be unable to handle other requests.", h.stages.summary())}
	case <-ctx.Done():
		return entities.WorkerStatus{Status: entities.HealthStarting,
			Message: withDetails("Worker is still starting up.", h.stages.summary())}
	}
}

func withDetails(msg, details string) string {
	if details == "" {
		return msg
	}
	return msg + " " + details
}
