package rest

import (
	"net/http"

	"github.com/ferrykafka/ferry/rest/entities"
)

// A connector's active topics (KIP-558; Java's ConnectorsResource
// getConnectorActiveTopics and resetConnectorActiveTopics). Whether
// topic tracking and its reset are enabled is worker configuration, which
// the herder holds: it answers 403 "Topic tracking is disabled." or
// "Topic tracking reset is disabled." itself. Neither endpoint is
// forwarded.

// getActiveTopics: GET /connectors/{connector}/topics,
// {"<connector>":{"topics":[...]}}; a connector that never used a topic,
// or does not exist, has none (as in Java).
func (s *Server) getActiveTopics(r *http.Request) (reply, error) {
	name := pathVar(r, "connector")
	topics, err := s.herderFor(r).ConnectorActiveTopics(r.Context(), name)
	if err != nil {
		return reply{}, err
	}
	if topics == nil {
		topics = entities.ActiveTopics{name: {}}
	}
	return reply{status: http.StatusOK, body: topics}, nil
}

// resetActiveTopics: PUT /connectors/{connector}/topics/reset, 202
// without a body.
func (s *Server) resetActiveTopics(r *http.Request) (reply, error) {
	if err := s.herderFor(r).ResetConnectorActiveTopics(r.Context(), pathVar(r, "connector")); err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusAccepted}, nil
}
