package app

import (
	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect/logging"
	"github.com/ferrykafka/ferry/rest/entities"
)

// newLoggerRegistry is the worker's registry of named loggers over the
// process logger; the root logger starts at the process logger's level
// (--log-level). Components get loggers named after their Java classes
// (connect/logging's names.go), whose levels /admin/loggers changes.
func newLoggerRegistry(log zerolog.Logger) *logging.Registry {
	return logging.New(log)
}

// restLoggers adapts the registry to rest.Loggers.
type restLoggers struct{ r *logging.Registry }

func (a restLoggers) Levels() map[string]entities.LoggerLevel {
	all := a.r.Levels()
	out := make(map[string]entities.LoggerLevel, len(all))
	for name, l := range all {
		out[name] = loggerLevelEntity(l)
	}
	return out
}

func (a restLoggers) Level(name string) (entities.LoggerLevel, bool) {
	l, ok := a.r.Level(name)
	if !ok {
		return entities.LoggerLevel{}, false
	}
	return loggerLevelEntity(l), true
}

func (a restLoggers) ValidLevel(level string) bool { return logging.ValidLevel(level) }

func (a restLoggers) SetLevel(namespace, level string) ([]string, error) {
	return a.r.SetLevel(namespace, level)
}

// loggerLevelEntity is a level as the REST API shows it: last_modified in
// ms since the epoch, null when never changed.
func loggerLevelEntity(l logging.LoggerLevel) entities.LoggerLevel {
	e := entities.LoggerLevel{Level: l.Level.String()}
	if !l.LastModified.IsZero() {
		ms := l.LastModified.UnixMilli()
		e.LastModified = &ms
	}
	return e
}

// clusterLoggerLevels is what the herder calls for a cluster-wide level
// (logger-cluster-<namespace>, KIP-976) read from the config topic: set it
// on this worker, as Java's setWorkerLoggerLevel does, ignoring an invalid
// level with a warning.
func clusterLoggerLevels(r *logging.Registry, log zerolog.Logger) func(namespace, level string) {
	return func(namespace, level string) {
		if _, err := r.SetLevel(namespace, level); err != nil {
			log.Warn().Str("namespace", namespace).Str("level", level).
				Msg("ignoring request to set invalid level for namespace")
		}
	}
}
