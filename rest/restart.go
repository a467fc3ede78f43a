package rest

import "net/http"

// restartConnector: POST /connectors/{connector}/restart?includeTasks=&onlyFailed=
// (KIP-745). Both flags are java.lang.Boolean defaulting to false (see
// boolQueryParam). With neither set, only the connector instance restarts,
// on the worker that runs it: 204 without a body. Otherwise the leader
// records a restart request and answers 202 with the connector's status,
// RESTARTING for every instance that will restart. Both are forwarded
// when the herder names another worker, with the request's query
// parameters (Java forwards the 202 case with includeTasks and onlyFailed
// as it parsed them, and the 204 case without them: the target parses
// the same values either way).
func (s *Server) restartConnector(r *http.Request) (reply, error) {
	name := pathVar(r, "connector")
	includeTasks := boolQueryParam(r, "includeTasks", false)
	onlyFailed := boolQueryParam(r, "onlyFailed", false)
	if !includeTasks && !onlyFailed {
		if err := s.herderFor(r).RestartConnector(r.Context(), name); err != nil {
			return s.completeOrForward(r, nil, err)
		}
		return reply{status: http.StatusNoContent}, nil
	}
	state, err := s.herderFor(r).RestartConnectorAndTasks(r.Context(), name, onlyFailed, includeTasks)
	if err != nil {
		return s.completeOrForward(r, nil, err)
	}
	return reply{status: http.StatusAccepted, body: state}, nil
}
