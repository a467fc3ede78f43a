package rest

import (
	"net/http"
	"strings"

	"github.com/ferrykafka/ferry/rest/entities"
)

// The admin resource /admin/loggers (Java's LoggingResource, KIP-495 and,
// for cluster-wide levels, KIP-976): read and change the levels of this
// worker's loggers while it runs. It is served only when Config.Loggers is
// set.

// Scopes of PUT /admin/loggers/{name}.
const (
	scopeWorker  = "worker"
	scopeCluster = "cluster"
)

// loggerRoutes are GET /admin/loggers, GET and PUT /admin/loggers/{name}.
func (s *Server) loggerRoutes() []route {
	if s.cfg.Loggers == nil {
		return nil
	}
	return []route{
		{http.MethodGet, "/admin/loggers", s.listLoggers},
		{http.MethodGet, "/admin/loggers/{logger}", s.getLogger},
		{http.MethodPut, "/admin/loggers/{logger}", s.setLoggerLevel},
	}
}

// listLoggers: GET /admin/loggers, every known logger not at OFF with its
// level and last_modified (null when never changed), in name order.
func (s *Server) listLoggers(*http.Request) (reply, error) {
	levels := s.cfg.Loggers.Levels()
	if levels == nil {
		levels = map[string]entities.LoggerLevel{}
	}
	return reply{status: http.StatusOK, body: levels}, nil
}

// getLogger: GET /admin/loggers/{logger}. A logger never used nor set is a
// 404 "Logger <name> not found.".
func (s *Server) getLogger(r *http.Request) (reply, error) {
	name := pathVar(r, "logger")
	level, ok := s.cfg.Loggers.Level(name)
	if !ok {
		return reply{}, &restError{status: http.StatusNotFound, msg: "Logger " + name + " not found."}
	}
	return reply{status: http.StatusOK, body: level}, nil
}

// setLoggerLevel: PUT /admin/loggers/{logger} with {"level": "DEBUG"}. As
// Java checks, in order: no level is a 400, a level Log4j does not know is
// a 404 "invalid log level '<level>'.". Then by the scope query parameter
// (default worker, any case; an unknown one is logged and taken as
// worker): worker sets the level of the namespace and its descendants here
// and answers 200 with the loggers whose level changed; cluster has the
// herder write logger-cluster-<namespace> to the config topic, which every
// worker applies when it reads it, and answers 204.
func (s *Server) setLoggerLevel(r *http.Request) (reply, error) {
	namespace := pathVar(r, "logger")
	scope := scopeWorker
	if vals, ok := r.URL.Query()["scope"]; ok {
		scope = vals[0]
	}
	body, err := readJSONBody(r)
	if err != nil {
		return reply{}, err
	}
	fields, err := decodeConfigMap(body) // a Map<String, String> in Java too
	if err != nil {
		return reply{}, err
	}
	level, ok := fields["level"]
	if !ok {
		return reply{}, badRequest("Desired 'level' parameter was not specified in request.")
	}
	if !s.cfg.Loggers.ValidLevel(level) {
		return reply{}, &restError{status: http.StatusNotFound, msg: "invalid log level '" + level + "'."}
	}
	switch strings.ToLower(scope) {
	case scopeCluster:
		if err := s.herderFor(r).SetClusterLoggerLevel(r.Context(), namespace, level); err != nil {
			return reply{}, err
		}
		return reply{status: http.StatusNoContent}, nil
	case scopeWorker:
	default:
		s.log.Warn().Str("scope", scope).
			Msg("received invalid scope in request to adjust logging level; will default to " + scopeWorker)
	}
	affected, err := s.cfg.Loggers.SetLevel(namespace, level)
	if err != nil {
		return reply{}, err
	}
	if affected == nil {
		affected = []string{}
	}
	return reply{status: http.StatusOK, body: affected}, nil
}
