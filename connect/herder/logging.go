package herder

// WithLoggerLevels gives the herder the function that applies a
// cluster-wide logger level (KIP-976): when the config store reports a
// logger-cluster-<namespace> record read after this worker started, the
// herder calls apply(namespace, level) with the record's namespace and level
// text as written (e.g. "org.apache.kafka.connect", "debug"), as Java's
// DistributedHerder calls setWorkerLoggerLevel. apply sets the level of the
// namespace and its descendants on this worker and records when; it must
// not block (it runs on the config store's reader) and handles an invalid
// level itself (Java logs a warning and ignores it).
func WithLoggerLevels(apply func(namespace, level string)) Option {
	return func(h *Herder) { h.applyLoggerLevel = apply }
}
