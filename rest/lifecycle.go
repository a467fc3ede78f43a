package rest

import "net/http"

// Target-state changes of a connector (Java's ConnectorsResource
// pauseConnector, resumeConnector and stopConnector).

// pauseConnector: PUT /connectors/{connector}/pause. Any worker writes the
// PAUSED target state itself, so it is never forwarded. 202 without a
// body; idempotent.
func (s *Server) pauseConnector(r *http.Request) (reply, error) {
	if err := s.herderFor(r).PauseConnector(r.Context(), pathVar(r, "connector")); err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusAccepted}, nil
}

// resumeConnector: PUT /connectors/{connector}/resume, the STARTED target
// state (also for a STOPPED connector), as pauseConnector.
func (s *Server) resumeConnector(r *http.Request) (reply, error) {
	if err := s.herderFor(r).ResumeConnector(r.Context(), pathVar(r, "connector")); err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusAccepted}, nil
}

// stopConnector: PUT /connectors/{connector}/stop (KIP-875). The leader
// writes an empty set of task configs and the STOPPED target state; other
// workers forward the request. 204 without a body; idempotent.
func (s *Server) stopConnector(r *http.Request) (reply, error) {
	if err := s.herderFor(r).StopConnector(r.Context(), pathVar(r, "connector")); err != nil {
		return s.completeOrForward(r, nil, err)
	}
	return reply{status: http.StatusNoContent}, nil
}
