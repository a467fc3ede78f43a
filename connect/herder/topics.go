package herder

import (
	"context"
	"net/http"

	"github.com/ferrykafka/ferry/rest/entities"
)

// Active topics (KIP-558): the worker's source tasks record each topic they
// produce to in the status topic (runtime, when topic.tracking.enable);
// these answer GET /connectors/{c}/topics and PUT .../topics/reset from the
// status cache, as Java's AbstractHerder does.

// ConnectorActiveTopics lists the topics connector name's tasks used.
func (h *Herder) ConnectorActiveTopics(_ context.Context, name string) (entities.ActiveTopics, error) {
	if !h.cfg.TopicTracking {
		return nil, &statusError{status: http.StatusForbidden, msg: "Topic tracking is disabled."}
	}
	topics := []string{}
	for _, t := range h.statuses.Topics(name) {
		topics = append(topics, t.Topic)
	}
	return entities.ActiveTopics{name: {Topics: topics}}, nil
}

// ResetConnectorActiveTopics forgets connector name's active topics.
func (h *Herder) ResetConnectorActiveTopics(_ context.Context, name string) error {
	if !h.cfg.TopicTracking {
		return &statusError{status: http.StatusForbidden, msg: "Topic tracking is disabled."}
	}
	if !h.cfg.TopicTrackingAllowReset {
		return &statusError{status: http.StatusForbidden, msg: "Topic tracking reset is disabled."}
	}
	h.resetActiveTopics(name)
	return nil
}

func (h *Herder) resetActiveTopics(name string) {
	for _, t := range h.statuses.Topics(name) {
		h.statuses.DeleteTopic(name, t.Topic)
	}
}
