package rest

import (
	"context"

	"github.com/ferrykafka/ferry/rest/entities"
	"github.com/ferrykafka/ferry/storage"
)

// Herder is what the REST API needs from the herder; the distributed
// herder implements it and cmd passes it in. Every method takes the
// request's context, which carries the REST request timeout (90 s by
// default) and is cancelled if the client goes away.
//
// Errors wrap connect's sentinel kinds, and their Error() text is what the
// client sees (use connect.Errorf / connect.KindError for Connect's exact
// texts): connect.ErrNotFound -> 404, connect.ErrAlreadyExists and
// connect.ErrConflict -> 409, connect.ErrBadRequest -> 400, anything else
// -> 500. An error with an HTTPStatus() int method answers that status.
type Herder interface {
	// ServerInfo describes this worker and the Kafka cluster it uses (GET /).
	ServerInfo(ctx context.Context) (entities.ServerInfo, error)

	// Connectors lists the configured connectors (GET /connectors).
	Connectors(ctx context.Context) ([]string, error)

	// ConnectorInfo describes one connector: config, tasks and type.
	// Unknown: ErrNotFound "Connector <name> not found".
	ConnectorInfo(ctx context.Context, name string) (entities.ConnectorInfo, error)

	// ConnectorConfig returns a connector's raw configuration (config
	// provider references unresolved). Unknown: ErrNotFound
	// "Connector <name> not found".
	ConnectorConfig(ctx context.Context, name string) (map[string]string, error)

	// ConnectorStatus returns the connector's and its tasks' states as
	// last recorded in the status topic. No status: ErrNotFound
	// "No status found for connector <name>".
	ConnectorStatus(ctx context.Context, name string) (entities.ConnectorStateInfo, error)

	// PutConnectorConfig validates and writes a connector's configuration
	// (which includes "name"). allowReplace is false for POST /connectors:
	// an existing connector is then ErrAlreadyExists "Connector <name>
	// already exists". initialState, when set, is written as the
	// connector's target state before its config. Invalid config:
	// ErrBadRequest with Connect's "Connector configuration is invalid and
	// contains the following N error(s): ..." text (an empty name is
	// caught here, by validation, as in Java). created reports whether the
	// connector is new.
	PutConnectorConfig(ctx context.Context, name string, config map[string]string, allowReplace bool,
		initialState *storage.TargetState) (created bool, info entities.ConnectorInfo, err error)

	// DeleteConnector removes a connector. Unknown: ErrNotFound
	// "Connector <name> not found".
	DeleteConnector(ctx context.Context, name string) error
}
