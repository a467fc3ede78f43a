package mirrorclient

import "strings"

// IdentityReplicationPolicy keeps topic names unchanged on the target cluster,
// as Java's org.apache.kafka.connect.mirror.IdentityReplicationPolicy. Topics
// whose names end with "heartbeats" are the exception: they are named as by
// DefaultReplicationPolicy, so heartbeats still show where they came from.
//
// Because names carry no source, MirrorMaker cannot detect replication
// cycles with this policy: the replication topology must be acyclic.
type IdentityReplicationPolicy struct {
	base        DefaultReplicationPolicy
	sourceAlias string
	aliasKnown  bool
}

// NewIdentityReplicationPolicy returns an identity policy whose heartbeat
// topics use separator (and internalSeparatorEnabled for internal topics), as
// DefaultReplicationPolicy. It knows no source cluster alias; see
// WithSourceClusterAlias.
func NewIdentityReplicationPolicy(separator string, internalSeparatorEnabled bool) *IdentityReplicationPolicy {
	return &IdentityReplicationPolicy{base: *NewDefaultReplicationPolicy(separator, internalSeparatorEnabled)}
}

// WithSourceClusterAlias returns a copy of p that reports alias as the source
// of every topic that does not look like a heartbeats topic (Java's
// source.cluster.alias setting of the policy).
func (p *IdentityReplicationPolicy) WithSourceClusterAlias(alias string) *IdentityReplicationPolicy {
	c := *p
	c.sourceAlias, c.aliasKnown = alias, true
	return &c
}

// Separator returns the separator used for heartbeats topics.
func (p *IdentityReplicationPolicy) Separator() string { return p.base.separator }

// FormatRemoteTopic returns topic unchanged, except for heartbeats topics.
func (p *IdentityReplicationPolicy) FormatRemoteTopic(sourceClusterAlias, topic string) string {
	if looksLikeHeartbeat(topic) {
		return p.base.FormatRemoteTopic(sourceClusterAlias, topic)
	}
	return topic
}

// TopicSource returns the configured source cluster alias (ok=false when none
// is configured), or for heartbeats topics the default policy's answer.
func (p *IdentityReplicationPolicy) TopicSource(topic string) (string, bool) {
	if looksLikeHeartbeat(topic) {
		return p.base.TopicSource(topic)
	}
	return p.sourceAlias, p.aliasKnown
}

// UpstreamTopic returns topic itself, or for heartbeats topics the default
// policy's answer.
func (p *IdentityReplicationPolicy) UpstreamTopic(topic string) (string, bool) {
	if looksLikeHeartbeat(topic) {
		return p.base.UpstreamTopic(topic)
	}
	return topic, true
}

// OriginalTopic follows UpstreamTopic until the name stops changing.
func (p *IdentityReplicationPolicy) OriginalTopic(topic string) string {
	return originalTopic(p, topic)
}

// HeartbeatsTopic returns "heartbeats".
func (p *IdentityReplicationPolicy) HeartbeatsTopic() string { return heartbeatsTopic }

// IsHeartbeatsTopic reports whether the original topic is "heartbeats".
func (p *IdentityReplicationPolicy) IsHeartbeatsTopic(topic string) bool {
	return p.OriginalTopic(topic) == heartbeatsTopic
}

// OffsetSyncsTopic is as DefaultReplicationPolicy's.
func (p *IdentityReplicationPolicy) OffsetSyncsTopic(clusterAlias string) string {
	return p.base.OffsetSyncsTopic(clusterAlias)
}

// CheckpointsTopic is as DefaultReplicationPolicy's.
func (p *IdentityReplicationPolicy) CheckpointsTopic(clusterAlias string) string {
	return p.base.CheckpointsTopic(clusterAlias)
}

// IsCheckpointsTopic is as DefaultReplicationPolicy's.
func (p *IdentityReplicationPolicy) IsCheckpointsTopic(topic string) bool {
	return p.base.IsCheckpointsTopic(topic)
}

// IsMM2InternalTopic is as DefaultReplicationPolicy's.
func (p *IdentityReplicationPolicy) IsMM2InternalTopic(topic string) bool {
	return p.base.IsMM2InternalTopic(topic)
}

// IsInternalTopic reports MirrorMaker, Kafka and Connect internal topics.
func (p *IdentityReplicationPolicy) IsInternalTopic(topic string) bool {
	return isInternalTopic(p, topic)
}

// looksLikeHeartbeat is Java's suffix test: "myheartbeats" counts too.
func looksLikeHeartbeat(topic string) bool { return strings.HasSuffix(topic, heartbeatsTopic) }
