package rest

import "github.com/ferrykafka/ferry/rest/entities"

// Loggers is what the admin endpoints (loggers.go) need from the worker's
// logger registry; cmd adapts connect/logging's Registry to it and passes
// it in Config.Loggers. Level names are Log4j's (ALL, TRACE, DEBUG, INFO,
// WARN, ERROR, FATAL, OFF), read in any case. Implementations are safe for
// concurrent use.
type Loggers interface {
	// Levels lists every known logger whose level is not OFF, by name
	// ("root" for the root logger), with its level and when it was last
	// changed (GET /admin/loggers).
	Levels() map[string]entities.LoggerLevel

	// Level is the logger called exactly name ("root", in any case, is the
	// root logger); ok is false when no such logger was ever used or set
	// (GET /admin/loggers/{name}).
	Level(name string) (level entities.LoggerLevel, ok bool)

	// ValidLevel reports whether level names a Log4j level.
	ValidLevel(level string) bool

	// SetLevel sets the level of namespace and its descendants on this
	// worker, creating namespace's logger if it is new, and returns the
	// names of the loggers whose level changed, sorted (PUT
	// /admin/loggers/{name}?scope=worker).
	SetLevel(namespace, level string) ([]string, error)
}
