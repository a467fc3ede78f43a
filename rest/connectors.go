package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/storage"
)

// The /connectors resource family (Java's ConnectorsResource). The writes
// (POST /connectors, DELETE /connectors/{connector}) run on the leader: on
// another worker the herder fails with a request target and the request is
// forwarded (forward.go), counting hops with the forward query parameter.
// The reads are answered locally and ignore forward.

// connectorNameConfig is the config key that holds a connector's name.
const connectorNameConfig = "name"

// listConnectors: GET /connectors, or with ?expand=status / ?expand=info
// (repeatable) a map from connector name to the requested expansions.
// Unknown expansions are ignored; connectors that vanish while being
// expanded are left out.
func (s *Server) listConnectors(r *http.Request) (reply, error) {
	ctx := r.Context()
	h := s.herderFor(r)
	names, err := h.Connectors(ctx)
	if err != nil {
		return reply{}, err
	}
	if names == nil {
		names = []string{}
	}
	expand, ok := r.URL.Query()["expand"]
	if !ok {
		return reply{status: http.StatusOK, body: names}, nil
	}
	out := make(map[string]*expansions, len(names))
names:
	for _, name := range names {
		ex := &expansions{}
		for _, kind := range expand {
			var v any
			switch kind {
			case "status":
				v, err = h.ConnectorStatus(ctx, name)
			case "info":
				v, err = h.ConnectorInfo(ctx, name)
			default:
				s.log.Debug().Str("expand", kind).Msg("ignoring unknown expansion type")
				continue
			}
			if errors.Is(err, connect.ErrNotFound) {
				continue names
			}
			if err != nil {
				return reply{}, err
			}
			ex.put(kind, v)
		}
		out[name] = ex
	}
	return reply{status: http.StatusOK, body: out}, nil
}

// expansions is one connector's entry in GET /connectors?expand=...: keys
// in the order first requested, which is the order Java's HashMap yields
// for "status" and "info" (they share a bucket).
type expansions struct {
	keys   []string
	values map[string]any
}

func (e *expansions) put(k string, v any) {
	if e.values == nil {
		e.values = map[string]any{}
	}
	if _, ok := e.values[k]; !ok {
		e.keys = append(e.keys, k)
	}
	e.values[k] = v
}

func (e *expansions) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range e.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		buf.Write(kb)
		buf.WriteByte(':')
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(e.values[k]); err != nil {
			return nil, err
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// createConnector: POST /connectors with {"name", "config", "initial_state"}.
// Answers 201 with the connector's info and its absolute URL in Location,
// also when the leader wrote it (Location then points at this worker, as
// in Java).
func (s *Server) createConnector(r *http.Request) (reply, error) {
	body, err := readJSONBody(r)
	if err != nil {
		return reply{}, err
	}
	req, err := decodeCreateConnectorRequest(body)
	if err != nil {
		return reply{}, err
	}
	// As in Java: trim the name; a missing one becomes "" and is
	// rejected by the herder's config validation.
	name := javaTrim(req.Name)
	config := req.Config
	if config == nil {
		config = map[string]string{}
	}
	if err := checkAndPutConnectorName(name, config); err != nil {
		return reply{}, err
	}
	var initial *storage.TargetState
	if req.InitialState != nil {
		ts := req.InitialState.TargetState()
		initial = &ts
	}
	// Java builds the Location with UriBuilder.path, which leaves a '/'
	// in the name as is; escaping it keeps the URL pointing at the
	// connector.
	location := absoluteURL(r, flowPath(r, "/connectors/"+url.PathEscape(name)))
	_, info, err := s.herderFor(r).PutConnectorConfig(r.Context(), name, config, false, initial)
	if err != nil {
		rep, err := s.completeOrForward(r, body, err)
		if err != nil {
			return reply{}, err
		}
		if rep.status == http.StatusCreated {
			rep.location = location
		}
		return rep, nil
	}
	return reply{status: http.StatusCreated, body: info, location: location}, nil
}

// checkAndPutConnectorName requires config's "name", if present, to equal
// name, and sets it otherwise.
func checkAndPutConnectorName(name string, config map[string]string) error {
	included, ok := config[connectorNameConfig]
	if !ok {
		config[connectorNameConfig] = name
		return nil
	}
	if included != name {
		return badRequest("Connector name configuration (%s) doesn't match connector name in the URL (%s)", included, name)
	}
	return nil
}

// getConnector: GET /connectors/{connector}.
func (s *Server) getConnector(r *http.Request) (reply, error) {
	info, err := s.herderFor(r).ConnectorInfo(r.Context(), pathVar(r, "connector"))
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusOK, body: info}, nil
}

// getConnectorConfig: GET /connectors/{connector}/config.
func (s *Server) getConnectorConfig(r *http.Request) (reply, error) {
	config, err := s.herderFor(r).ConnectorConfig(r.Context(), pathVar(r, "connector"))
	if err != nil {
		return reply{}, err
	}
	if config == nil {
		config = map[string]string{}
	}
	return reply{status: http.StatusOK, body: config}, nil
}

// getConnectorStatus: GET /connectors/{connector}/status.
func (s *Server) getConnectorStatus(r *http.Request) (reply, error) {
	status, err := s.herderFor(r).ConnectorStatus(r.Context(), pathVar(r, "connector"))
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusOK, body: status}, nil
}

// deleteConnector: DELETE /connectors/{connector}, 204 without a body.
func (s *Server) deleteConnector(r *http.Request) (reply, error) {
	if err := s.herderFor(r).DeleteConnector(r.Context(), pathVar(r, "connector")); err != nil {
		return s.completeOrForward(r, nil, err)
	}
	return reply{status: http.StatusNoContent}, nil
}
