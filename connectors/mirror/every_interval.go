package mirror

import (
	"context"
	"time"

	"github.com/rs/zerolog"
)

// everyInterval calls run every interval, the first time after one interval
// (Java's scheduleRepeatingDelayed), until ctx ends. A failed run is logged,
// at WARN when it is worth retrying and at ERROR otherwise, and the next
// interval tries again.
func everyInterval(ctx context.Context, interval time.Duration, what string, log zerolog.Logger, run func(context.Context) error) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		err := run(ctx)
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return
		case isRetriable(err):
			log.Warn().Err(err).Msgf("%s failed; retrying at the next interval", what)
		default:
			log.Error().Err(err).Msgf("%s failed; retrying at the next interval", what)
		}
	}
}
