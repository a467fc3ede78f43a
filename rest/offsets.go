package rest

import (
	"net/http"

	"github.com/ferrykafka/ferry/rest/entities"
)

// A connector's offsets (KIP-875; Java's ConnectorsResource getOffsets,
// alterConnectorOffsets and resetConnectorOffsets). The writes need a
// STOPPED connector (the herder checks) and run on the leader, forwarded
// there with their body as sent.

// getOffsets: GET /connectors/{connector}/offsets,
// {"offsets":[{"partition":{...},"offset":{...}}]}.
func (s *Server) getOffsets(r *http.Request) (reply, error) {
	offsets, err := s.herderFor(r).ConnectorOffsets(r.Context(), pathVar(r, "connector"))
	if err != nil {
		return reply{}, err
	}
	if offsets.Offsets == nil {
		offsets.Offsets = []entities.ConnectorOffset{}
	}
	return reply{status: http.StatusOK, body: offsets}, nil
}

// alterOffsets: PATCH /connectors/{connector}/offsets with
// {"offsets":[{"partition":{...},"offset":{...}|null}]} (a null offset
// resets its partition). A missing, null or empty list is refused here,
// before the herder, as Java's resource does. 200 with Connect's message.
func (s *Server) alterOffsets(r *http.Request) (reply, error) {
	body, err := readJSONBody(r)
	if err != nil {
		return reply{}, err
	}
	offsets, err := decodeConnectorOffsets(body)
	if err != nil {
		return reply{}, err
	}
	if len(offsets.Offsets) == 0 {
		return reply{}, badRequest("Partitions / offsets need to be provided for an alter offsets request")
	}
	msg, err := s.herderFor(r).AlterConnectorOffsets(r.Context(), pathVar(r, "connector"), offsets)
	if err != nil {
		return s.completeOrForward(r, body, err)
	}
	return reply{status: http.StatusOK, body: msg}, nil
}

// resetOffsets: DELETE /connectors/{connector}/offsets, every offset of
// the connector removed. 200 with Connect's message.
func (s *Server) resetOffsets(r *http.Request) (reply, error) {
	msg, err := s.herderFor(r).ResetConnectorOffsets(r.Context(), pathVar(r, "connector"))
	if err != nil {
		return s.completeOrForward(r, nil, err)
	}
	return reply{status: http.StatusOK, body: msg}, nil
}
