package rest

import "net/http"

// serverInfo: GET / — version, commit and Kafka cluster id.
func (s *Server) serverInfo(r *http.Request) (reply, error) {
	info, err := s.herderFor(r).ServerInfo(r.Context())
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusOK, body: info}, nil
}
