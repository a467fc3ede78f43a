package rest

import (
	"net/http"
	"net/url"
)

// The connector config writes besides POST /connectors (Java's
// ConnectorsResource.putConnectorConfig and patchConnectorConfig). Both run
// on the leader: a herder that is not the leader fails with a request
// target and the request is forwarded (forward.go) with its body as sent.

// putConnectorConfig: PUT /connectors/{connector}/config with a flat config
// map. As for POST /connectors, the config's "name", if any, must be the
// URL's name (not trimmed, unlike POST's) and is set when missing. 201 with
// the connector's info and its URL in Location when the connector is new,
// 200 when it was updated; when the leader wrote it, its status decides.
func (s *Server) putConnectorConfig(r *http.Request) (reply, error) {
	body, err := readJSONBody(r)
	if err != nil {
		return reply{}, err
	}
	config, err := decodeConfigMap(body)
	if err != nil {
		return reply{}, err
	}
	name := pathVar(r, "connector")
	if err := checkAndPutConnectorName(name, config); err != nil {
		return reply{}, err
	}
	location := absoluteURL(r, flowPath(r, "/connectors/"+url.PathEscape(name)))
	created, info, err := s.herderFor(r).PutConnectorConfig(r.Context(), name, config, true, nil)
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
	if created {
		return reply{status: http.StatusCreated, body: info, location: location}, nil
	}
	return reply{status: http.StatusOK, body: info}, nil
}

// patchConnectorConfig: PATCH /connectors/{connector}/config (KIP-477)
// with a partial config map whose null values remove keys. 200 with the
// connector's info. A "name" in the patch must be the URL's name, as for
// PUT; Java passes any name on to the herder, which writes it into the
// config (a connector whose config names another one).
func (s *Server) patchConnectorConfig(r *http.Request) (reply, error) {
	body, err := readJSONBody(r)
	if err != nil {
		return reply{}, err
	}
	patch, err := decodeConfigPatch(body)
	if err != nil {
		return reply{}, err
	}
	name := pathVar(r, "connector")
	if included := patch[connectorNameConfig]; included != nil && *included != name {
		return reply{}, badRequest("Connector name configuration (%s) doesn't match connector name in the URL (%s)", *included, name)
	}
	info, err := s.herderFor(r).PatchConnectorConfig(r.Context(), name, patch)
	if err != nil {
		return s.completeOrForward(r, body, err)
	}
	return reply{status: http.StatusOK, body: info}, nil
}
