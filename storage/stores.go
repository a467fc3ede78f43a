package storage

import "context"

// ConfigUpdateListener hears about config-topic records as they are read. It
// is called from the store's reader goroutine: implementations record what
// changed and wake their owner; they never act inline.
type ConfigUpdateListener interface {
	OnConnectorConfigUpdate(connector string)
	OnConnectorConfigRemove(connector string)
	OnTaskConfigUpdate(tasks []ConnectorTaskID)
	OnConnectorTargetStateChange(connector string)
	OnSessionKeyUpdate(key SessionKey)
}

// ConfigStore is the config topic (Java's ConfigBackingStore).
type ConfigStore interface {
	// Start creates or verifies the topic and reads it to the end.
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	// Snapshot returns the state read so far.
	Snapshot() ClusterConfigState
	// Refresh reads the topic to its current end.
	Refresh(ctx context.Context) error
	// PutConnectorConfig writes connector-<name> (after target-state-<name>
	// when targetState is not nil) and reads back to the end.
	PutConnectorConfig(ctx context.Context, connector string, props map[string]string, targetState *TargetState) error
	// RemoveConnectorConfig tombstones connector-<name> and target-state-<name>.
	RemoveConnectorConfig(ctx context.Context, connector string) error
	// PutTaskConfigs writes task-<name>-<i> for every config, then
	// commit-<name>, and reads back to the end.
	PutTaskConfigs(ctx context.Context, connector string, configs []map[string]string) error
	// PutTargetState writes target-state-<name>.
	PutTargetState(ctx context.Context, connector string, state TargetState) error
	// PutSessionKey writes the session-key record (the leader's KIP-507
	// key for signing internal requests) and reads back to the end.
	PutSessionKey(ctx context.Context, key SessionKey) error
	SetUpdateListener(l ConfigUpdateListener)
	// PutRestartRequest writes restart-connector-<name> (KIP-745); every
	// worker acts on it when it reads it back.
	PutRestartRequest(ctx context.Context, r RestartRequest) error
	// PutLoggerLevel writes logger-cluster-<namespace> (KIP-976).
	PutLoggerLevel(ctx context.Context, namespace, level string) error
}

// OffsetStore is the offsets topic (Java's OffsetBackingStore) at the level
// of raw key and value bytes; see OffsetKey and OffsetValue for the encoding.
type OffsetStore interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	// Get reads the topic to its end, then returns the stored value of each
	// key that has one, indexed by string(key).
	Get(ctx context.Context, keys [][]byte) (map[string][]byte, error)
	// ConnectorPartitions lists the source partitions a connector has
	// offsets for (a null offset removes one), as read so far.
	ConnectorPartitions(connector string) []map[string]any
	// Set writes the entries and returns once all are acknowledged.
	Set(ctx context.Context, entries []OffsetEntry) error
}

// StatusStore is the status topic (Java's StatusBackingStore). Reads come
// from a cache filled by reading the topic back, so every worker sees the
// same statuses.
type StatusStore interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	// Put writes a status unconditionally; DESTROYED writes a tombstone.
	// Transient send failures are retried in the background until a newer
	// status for the same key supersedes them.
	Put(s Status)
	// PutSafe writes a status only if there is no cached status for the
	// key, the cached one came from the same worker, or its generation is
	// not newer (Java's putSafe).
	PutSafe(s Status)
	// Flush waits until every write issued so far is acknowledged.
	Flush(ctx context.Context) error
	// Connector returns a connector's status.
	Connector(connector string) (Status, bool)
	// Task returns a task's status.
	Task(id ConnectorTaskID) (Status, bool)
	// Tasks returns every task status of a connector, ordered by task id.
	Tasks(connector string) []Status
	// Connectors returns the names of connectors with a status, sorted.
	Connectors() []string
	// PutTopic records a connector's active topic (KIP-558); DeleteTopic
	// tombstones it; Topics lists a connector's active topics as read
	// back, sorted by topic.
	PutTopic(t TopicStatus)
	DeleteTopic(connector, topic string)
	Topics(connector string) []TopicStatus
}
