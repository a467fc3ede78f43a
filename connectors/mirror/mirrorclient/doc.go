// Package mirrorclient is Ferry's counterpart of Kafka's connect-mirror-client
// module: the parts of MirrorMaker 2 that tools and the mirror connectors
// share.
//
// It owns the replication policies (ReplicationPolicy, DefaultReplicationPolicy,
// IdentityReplicationPolicy): how a topic is renamed on the target cluster,
// how a remote topic's source cluster and upstream name are recovered, and
// the names of MirrorMaker's internal topics (heartbeats, checkpoints,
// offset-syncs). It also answers Java MirrorClient's questions about a
// cluster's topic list (remote topics, heartbeats and checkpoints topics,
// upstream clusters, replication hops) for callers that list the topics
// themselves. Later issues add the record formats (Heartbeat, Checkpoint,
// OffsetSync) and offset translation for tools.
//
// Dependency rule: standard library only. It must not import connect,
// runtime, herder, storage, rest, sarama or any client library, so tools can
// use it without a worker.
package mirrorclient
