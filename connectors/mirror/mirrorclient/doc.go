// Package mirrorclient is Ferry's counterpart of Kafka's connect-mirror-client
// module: the parts of MirrorMaker 2 that tools and the mirror connectors
// share.
//
// It owns the replication policies (ReplicationPolicy, DefaultReplicationPolicy,
// IdentityReplicationPolicy): how a topic is renamed on the target cluster,
// how a remote topic's source cluster and upstream name are recovered, and
// the names of MirrorMaker's internal topics (heartbeats, checkpoints,
// offset-syncs). The functions of remote_topics.go answer Java
// MirrorClient's questions about a cluster's topic list (remote topics,
// heartbeats and checkpoints topics, upstream clusters, replication hops)
// for callers that list the topics themselves.
//
// It owns MirrorMaker's record formats too: Heartbeat and Checkpoint, byte
// for byte as Java writes and reads them (records_codec.go describes the
// encoding; the golden bytes of records_test.go come from Kafka's own
// classes), with their Connect source partitions and offsets.
//
// Client (client.go) is Java's MirrorClient: connected to one cluster, it
// lists the topics and answers the same questions, and reads a checkpoints
// topic to translate a remote consumer group's offsets. The one-shot
// functions of remote_cluster_utils.go are Java's RemoteClusterUtils
// (TranslateOffsets and the "...On" functions).
//
// Dependency rule: the standard library, github.com/IBM/sarama and
// github.com/ferrykafka/ferry/connect/kafkaclient (Java client properties to
// a sarama configuration), nothing else. It must not import connect, the
// runtime, herder, storage or rest, so tools can use it without a worker;
// it does not log (what it skips, it returns).
package mirrorclient
