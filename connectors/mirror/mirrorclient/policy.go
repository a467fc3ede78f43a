package mirrorclient

import "strings"

// ReplicationPolicy decides how topics are named between a source and a
// target cluster, as Java's org.apache.kafka.connect.mirror.ReplicationPolicy.
//
// Where Java returns null, the Go methods return ok=false: TopicSource and
// UpstreamTopic distinguish "not a remote topic" (ok=false) from an empty
// alias or name (ok=true with ""), because Java does (".a" has source "").
type ReplicationPolicy interface {
	// FormatRemoteTopic returns the name topic gets on a cluster replicating
	// from sourceClusterAlias.
	FormatRemoteTopic(sourceClusterAlias, topic string) string
	// TopicSource returns the alias of the cluster a remote topic was
	// replicated from; ok is false when topic is not a remote topic.
	TopicSource(topic string) (source string, ok bool)
	// UpstreamTopic returns the topic's name on the cluster it was
	// replicated from (itself possibly a remote topic); ok is false when
	// topic is not a remote topic.
	UpstreamTopic(topic string) (upstream string, ok bool)
	// OriginalTopic follows UpstreamTopic through every hop and returns the
	// name of the topic that was first replicated (topic itself if it is
	// not a remote topic).
	OriginalTopic(topic string) string
	// HeartbeatsTopic is the name of the heartbeats topic ("heartbeats").
	HeartbeatsTopic() string
	// IsHeartbeatsTopic reports whether topic is a heartbeats topic or a
	// (possibly multi-hop) replica of one.
	IsHeartbeatsTopic(topic string) bool
	// OffsetSyncsTopic is the offset-syncs topic that names clusterAlias
	// (the "other" cluster of the flow).
	OffsetSyncsTopic(clusterAlias string) string
	// CheckpointsTopic is the checkpoints topic for checkpoints of groups
	// on clusterAlias.
	CheckpointsTopic(clusterAlias string) string
	// IsCheckpointsTopic reports whether topic is a checkpoints topic.
	IsCheckpointsTopic(topic string) bool
	// IsMM2InternalTopic reports whether topic is one of MirrorMaker's own
	// internal topics.
	IsMM2InternalTopic(topic string) bool
	// IsInternalTopic reports whether topic is internal to Kafka, Connect
	// or MirrorMaker and so must never be replicated.
	IsInternalTopic(topic string) bool
}

// heartbeatsTopic is the name every policy here uses for heartbeats.
const heartbeatsTopic = "heartbeats"

// originalTopic is Java's ReplicationPolicy.originalTopic default method. It
// takes the policy as an interface so that an overriding UpstreamTopic (the
// identity policy's) is the one followed, as with Java's virtual dispatch.
func originalTopic(p ReplicationPolicy, topic string) string {
	for {
		upstream, ok := p.UpstreamTopic(topic)
		if !ok || upstream == topic {
			return topic
		}
		topic = upstream
	}
}

// isInternalTopic is Java's ReplicationPolicy.isInternalTopic default method:
// MirrorMaker internal topics, Kafka's internal topics ("__" or "." prefix)
// and Connect's default internal topic names ("-internal" or ".internal"
// suffix).
func isInternalTopic(p ReplicationPolicy, topic string) bool {
	kafkaInternal := strings.HasPrefix(topic, "__") || strings.HasPrefix(topic, ".")
	connectInternal := strings.HasSuffix(topic, "-internal") || strings.HasSuffix(topic, ".internal")
	return p.IsMM2InternalTopic(topic) || kafkaInternal || connectInternal
}

// javaSplit splits s around every occurrence of sep the way Java's
// Pattern.compile(Pattern.quote(sep)).split(s) does: trailing empty strings
// are dropped (so "a." yields ["a"] and "." yields []), a leading one is kept
// (".a" yields ["", "a"]), and an empty separator splits between characters.
func javaSplit(s, sep string) []string {
	var parts []string
	if sep == "" {
		for _, r := range s {
			parts = append(parts, string(r))
		}
	} else {
		parts = strings.Split(s, sep)
	}
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}
