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
// -> 500. An error with an HTTPStatus() int method answers that status;
// whichever comes first in the error's tree (outermost first, as errors.As
// walks it) decides, so a connect.KindError whose Kind has HTTPStatus()
// (e.g. 403, 503) answers that status with the KindError's message.
//
// Request targets: a method that must run on another worker (the leader,
// or the owner of a connector or task) fails with an error that has a
// ForwardURL() string method returning that worker's advertised URL, e.g.
// "http://10.0.0.5:8083/" (Java's NotLeaderException and
// NotAssignedException); "" when the leader is not known, e.g. during a
// rebalance. The endpoints that write (POST /connectors, DELETE
// /connectors/{c}, POST /connectors/{c}/tasks) then forward the request
// there, as Java's HerderRequestHandler does (see forward.go); other
// endpoints answer such an error with 500 and its message, as Java does.
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
	// connector is new. Not the leader: a request target (see above).
	PutConnectorConfig(ctx context.Context, name string, config map[string]string, allowReplace bool,
		initialState *storage.TargetState) (created bool, info entities.ConnectorInfo, err error)

	// DeleteConnector removes a connector. Unknown: ErrNotFound
	// "Connector <name> not found". Not the leader: a request target
	// (see above).
	DeleteConnector(ctx context.Context, name string) error

	// PutTaskConfigs writes a connector's task configurations, sent by
	// the worker that runs the connector (POST /connectors/{c}/tasks, an
	// internal endpoint). sig is nil when the request carried no
	// signature headers; otherwise the herder verifies it as Java's
	// requestNotSignedProperly does, before anything else: missing
	// (when the group signs requests): ErrBadRequest "Internal request
	// missing required signature"; an algorithm Java does not know:
	// ErrBadRequest "Algorithm <alg> not available" (Java checks this in
	// its REST layer, before the Base64 of the signature; here it is the
	// herder's); algorithm not allowed: ErrBadRequest; no session key
	// yet: 503; wrong signature: 403 "Internal request contained invalid
	// signature." (errors with HTTPStatus()). Not the
	// leader: a request target with the leader's URL ("Only the leader
	// may write task configurations."). Unknown connector: ErrNotFound
	// "Connector <name> not found".
	PutTaskConfigs(ctx context.Context, connector string, configs []map[string]string,
		sig *entities.InternalRequestSignature) error
}
