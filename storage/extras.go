package storage

// Records of the config and status topics that the core interfaces do not
// surface yet. Stores parse them and report them through these optional
// listener interfaces: a ConfigUpdateListener that also implements one of
// them is called for those records too.

// RestartRequest is a restart-connector-<name> record (KIP-745).
type RestartRequest struct {
	Connector    string
	OnlyFailed   bool
	IncludeTasks bool
}

// RestartRequestListener hears restart requests read after the store
// started (older ones are history, as in Java).
type RestartRequestListener interface {
	OnRestartRequest(r RestartRequest)
}

// LoggingLevelListener hears logger-cluster-<namespace> records (KIP-976)
// read after the store started.
type LoggingLevelListener interface {
	OnLoggingLevelUpdate(namespace, level string)
}

// TopicStatus is a status-topic-<topic>:connector-<name> record (KIP-558):
// a topic a connector's task used, and when it was first seen.
type TopicStatus struct {
	Topic             string
	Connector         string
	Task              int32
	DiscoverTimestamp int64 // ms since the epoch
}
