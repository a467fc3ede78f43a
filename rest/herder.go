package rest

import (
	"context"

	"github.com/ferrykafka/ferry/connect"
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
// rebalance. The endpoints that write (POST /connectors, PUT and PATCH
// /connectors/{c}/config, DELETE /connectors/{c}, the restarts, stop,
// PATCH and DELETE offsets, and the internal task-config and fence
// requests) then forward the request there, as Java's HerderRequestHandler
// does (see forward.go); other endpoints answer such an error with 500 and
// its message, as Java does.
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

	// PatchConnectorConfig merges patch into a connector's config (a nil
	// value removes the key), validates and writes the result (PATCH
	// /connectors/{c}/config). Unknown: ErrNotFound "Connector <name> not
	// found". Invalid: as PutConnectorConfig. Not the leader: a request
	// target.
	PatchConnectorConfig(ctx context.Context, name string, patch map[string]*string) (entities.ConnectorInfo, error)

	// RestartConnector restarts the connector instance only (POST
	// /connectors/{c}/restart without flags). Unknown: ErrNotFound
	// "Unknown connector: <name>". Run by the worker that owns the
	// connector: elsewhere a request target naming the owner ("" when no
	// worker owns it yet, as Java's leader answers).
	RestartConnector(ctx context.Context, name string) error

	// RestartConnectorAndTasks handles POST /connectors/{c}/restart with
	// includeTasks or onlyFailed: the leader writes a restart request to
	// the config topic and answers the connector's status with
	// RESTARTING for every instance that will restart. Unknown:
	// ErrNotFound "Unknown connector: <name>". Not the leader: a request
	// target.
	RestartConnectorAndTasks(ctx context.Context, name string, onlyFailed, includeTasks bool) (entities.ConnectorStateInfo, error)

	// PauseConnector and ResumeConnector write the connector's target
	// state (PAUSED, STARTED) from any worker (PUT /connectors/{c}/pause,
	// /resume). Unknown: ErrNotFound "Unknown connector <name>".
	PauseConnector(ctx context.Context, name string) error
	ResumeConnector(ctx context.Context, name string) error

	// StopConnector writes an empty task-config set and the STOPPED
	// target state (PUT /connectors/{c}/stop). Unknown: ErrNotFound
	// "Unknown connector <name>". Not the leader: a request target.
	StopConnector(ctx context.Context, name string) error

	// TaskConfigs lists a connector's committed tasks with their configs
	// (GET /connectors/{c}/tasks). Unknown: ErrNotFound "Connector <name>
	// not found".
	TaskConfigs(ctx context.Context, name string) ([]entities.TaskInfo, error)

	// TaskStatus is one task's last recorded state (GET
	// /connectors/{c}/tasks/{t}/status). None: ErrNotFound "No status
	// found for task <c>-<t>".
	TaskStatus(ctx context.Context, id storage.ConnectorTaskID) (entities.TaskState, error)

	// RestartTask restarts one task (POST /connectors/{c}/tasks/{t}/restart).
	// Unknown connector: ErrNotFound "Unknown connector: <c>"; unknown
	// task: ErrNotFound "Unknown task: <c>-<t>". Run by the task's owner:
	// elsewhere a request target naming it.
	RestartTask(ctx context.Context, id storage.ConnectorTaskID) error

	// ConnectorActiveTopics lists the topics a connector's tasks used
	// since the last reset (GET /connectors/{c}/topics). Tracking off
	// (topic.tracking.enable=false): a 403 "Topic tracking is disabled.".
	ConnectorActiveTopics(ctx context.Context, name string) (entities.ActiveTopics, error)

	// ResetConnectorActiveTopics forgets a connector's active topics
	// (PUT /connectors/{c}/topics/reset). Tracking or reset off
	// (topic.tracking.allow.reset=false): a 403 "Topic tracking is
	// disabled." / "Topic tracking reset is disabled.".
	ResetConnectorActiveTopics(ctx context.Context, name string) error

	// ConnectorOffsets reads a connector's committed source offsets (GET
	// /connectors/{c}/offsets). Unknown: ErrNotFound "Connector <name>
	// not found".
	ConnectorOffsets(ctx context.Context, name string) (entities.ConnectorOffsets, error)

	// AlterConnectorOffsets and ResetConnectorOffsets write offsets for a
	// STOPPED connector (PATCH and DELETE /connectors/{c}/offsets) and
	// answer Connect's success message. Not stopped: ErrBadRequest with
	// Connect's text. Not the leader: a request target.
	AlterConnectorOffsets(ctx context.Context, name string, offsets entities.ConnectorOffsets) (entities.Message, error)
	ResetConnectorOffsets(ctx context.Context, name string) (entities.Message, error)

	// ConnectorPlugins lists the plugins (GET /connector-plugins); with
	// connectorsOnly false, converters and other plugin kinds too.
	ConnectorPlugins(ctx context.Context, connectorsOnly bool) ([]entities.PluginInfo, error)

	// ConnectorPluginConfig is a plugin's config definition, its own keys
	// then the framework's (GET /connector-plugins/{p}/config). Unknown:
	// ErrNotFound "Unknown plugin <p>.".
	ConnectorPluginConfig(ctx context.Context, plugin string) ([]connect.ConfigKeyInfo, error)

	// ValidateConfig validates a connector config (PUT
	// /connector-plugins/{p}/config/validate; the REST layer checks the
	// plugin name against connector.class). Missing connector.class:
	// ErrBadRequest "Connector config {...} contains no connector type".
	ValidateConfig(ctx context.Context, config map[string]string) (connect.ConfigInfos, error)

	// Health reports whether the worker's herder is responsive (GET
	// /health): healthy (200), starting (503) or unhealthy (500) with
	// Connect's messages, waiting at most until ctx ends.
	Health(ctx context.Context) entities.WorkerStatus

	// SetClusterLoggerLevel writes logger-cluster-<namespace> to the
	// config topic so every worker applies the level (PUT
	// /admin/loggers/{name}?scope=cluster).
	SetClusterLoggerLevel(ctx context.Context, namespace, level string) error

	// FenceZombies is the internal PUT /connectors/{c}/fence (KIP-618).
	// Exactly-once source support is off in Ferry, so it answers as
	// Java does then: ErrBadRequest.
	FenceZombies(ctx context.Context, name string, sig *entities.InternalRequestSignature) error
}
