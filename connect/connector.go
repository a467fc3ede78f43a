package connect

import (
	"context"

	"github.com/rs/zerolog"
)

// Connector manages the tasks that move data. The runtime calls Start once,
// TaskConfigs whenever it needs task configurations (after Start and after
// ConnectorContext.RequestTaskReconfiguration), and Stop once.
//
// Every method takes the context of the call; Start's context is cancelled
// when the connector is stopped, so goroutines a connector starts should
// watch it.
type Connector interface {
	// Version is the plugin version reported by the REST API.
	Version() string
	// Config is the connector's ConfigDef (its own keys only; the runtime
	// adds Connect's framework keys).
	Config() *ConfigDef
	// Start begins the connector with its full configuration.
	Start(ctx context.Context, cctx ConnectorContext, props map[string]string) error
	// TaskConfigs returns at most maxTasks task configurations.
	TaskConfigs(ctx context.Context, maxTasks int) ([]map[string]string, error)
	// Stop releases everything Start acquired.
	Stop(ctx context.Context) error
}

// SourceConnector is a Connector whose tasks read from an external system and
// produce to Kafka.
type SourceConnector interface {
	Connector
	// ExactlyOnceSupport tells whether the connector, with this
	// configuration, can deliver exactly once (Java's
	// SourceConnector.exactlyOnceSupport).
	ExactlyOnceSupport(props map[string]string) ExactlyOnceSupport
}

// ExactlyOnceSupport is a source connector's answer about exactly-once
// delivery.
type ExactlyOnceSupport int

// Exactly-once answers; Unknown is Java's null (the connector does not say).
const (
	ExactlyOnceUnknown ExactlyOnceSupport = iota
	ExactlyOnceSupported
	ExactlyOnceUnsupported
)

// SourceConnectorBase can be embedded by source connectors for the defaults
// of the optional SourceConnector methods.
type SourceConnectorBase struct{}

// ExactlyOnceSupport answers Unknown, as Java's default does.
func (SourceConnectorBase) ExactlyOnceSupport(map[string]string) ExactlyOnceSupport {
	return ExactlyOnceUnknown
}

// ConfigValidator is implemented by connectors that validate more than their
// ConfigDef can express (Java's Connector.validate override). The result
// replaces the ConfigDef's own validation.
type ConfigValidator interface {
	Validate(props map[string]string) []ConfigValue
}

// SourceTask reads records from an external system.
//
// The runtime calls Start, then Poll in a loop from one goroutine. When the
// task is stopped, the Poll context is cancelled and Stop is called after Poll
// has returned. Commit is called after the runtime has flushed the offsets of
// acknowledged records; CommitRecord after each record is acknowledged by
// Kafka (or dropped by a transform, with a nil metadata).
type SourceTask interface {
	Version() string
	Start(ctx context.Context, tctx SourceTaskContext, props map[string]string) error
	Poll(ctx context.Context) ([]*SourceRecord, error)
	Commit(ctx context.Context) error
	CommitRecord(ctx context.Context, rec *SourceRecord, meta *RecordMetadata) error
	Stop(ctx context.Context) error
}

// ConnectorContext is the runtime's handle given to a running connector.
type ConnectorContext interface {
	// RequestTaskReconfiguration asks the runtime to call TaskConfigs again
	// (for example when the set of source partitions changed).
	RequestTaskReconfiguration()
	// RaiseError fails the connector with err; its status becomes FAILED
	// with err's text as the trace.
	RaiseError(err error)
	// Logger is pre-scoped with the connector name.
	Logger() zerolog.Logger
}

// SourceTaskContext is the runtime's handle given to a running source task.
type SourceTaskContext interface {
	// Offsets reads the stored offsets of this connector.
	Offsets() OffsetReader
	// Logger is pre-scoped with the connector name and task id.
	Logger() zerolog.Logger
}

// OffsetReader reads the last flushed source offsets of the connector.
type OffsetReader interface {
	// Offset returns the stored offset of one source partition, or nil if
	// none is stored.
	Offset(ctx context.Context, partition map[string]any) (map[string]any, error)
	// Offsets returns the stored offsets of several partitions, in the same
	// order (nil entries where nothing is stored).
	Offsets(ctx context.Context, partitions []map[string]any) ([]map[string]any, error)
}

// Version is the version Ferry reports for itself and its built-in plugins.
const Version = "0.1.0"

// PartitionOffset is a source partition and its offset; a nil Offset
// removes the partition's offset.
type PartitionOffset struct {
	Partition map[string]any
	Offset    map[string]any
}

// OffsetAlterer is implemented by source connectors that check, or act on,
// offsets an operator writes through the REST API (PATCH and DELETE
// /connectors/{name}/offsets; Java's SourceConnector.alterOffsets). It is
// called with the connector's config while the connector is STOPPED; an
// error rejects the request and nothing is written. It returns true when
// the connector keeps no offsets of its own outside Connect's offsets
// topic. Connectors without it are treated as returning false.
type OffsetAlterer interface {
	AlterOffsets(config map[string]string, offsets []PartitionOffset) (bool, error)
}

// ProblemReporter is implemented by the runtime's SourceTaskContext: a task
// that rides out a fault (a cluster unreachable, records not acknowledged)
// and keeps running says so in its status, so GET .../status shows the task
// RUNNING with the problem as its trace. An empty message clears it. The
// status is written only when the message changes.
type ProblemReporter interface {
	ReportProblem(msg string)
}
