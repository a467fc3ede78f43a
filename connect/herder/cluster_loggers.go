package herder

import "context"

// SetClusterLoggerLevel writes logger-cluster-<namespace> (KIP-976); every
// worker applies it when it reads the record back (OnLoggingLevelUpdate).
// Any worker may write it, as in Java.
func (h *Herder) SetClusterLoggerLevel(ctx context.Context, namespace, level string) error {
	if err := h.configs.PutLoggerLevel(ctx, namespace, level); err != nil {
		return h.timedOut(err)
	}
	h.log.Info().Str("namespace", namespace).Str("level", level).Msg("cluster-wide logger level written")
	return nil
}

// OnLoggingLevelUpdate implements storage.LoggingLevelListener: a
// cluster-wide level read from the config topic is applied at once.
func (l listener) OnLoggingLevelUpdate(namespace, level string) {
	if f := l.h.applyLoggerLevel; f != nil {
		f(namespace, level)
	}
}
