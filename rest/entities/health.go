package entities

// WorkerStatus is the body of GET /health: status is "healthy",
// "starting" or "unhealthy" and message explains it.
type WorkerStatus struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// Health states and the HTTP status each answers with.
const (
	HealthHealthy   = "healthy"   // 200
	HealthStarting  = "starting"  // 503
	HealthUnhealthy = "unhealthy" // 500
)

// LoggerLevel is one logger's entry in GET /admin/loggers and the body of
// GET /admin/loggers/{name}: its level and when it was last set through
// the API (ms since the epoch), null when never.
type LoggerLevel struct {
	Level        string `json:"level"`
	LastModified *int64 `json:"last_modified"`
}
