package mirrorclient

import "strings"

// DefaultReplicationPolicy prefixes remote topics with the source cluster
// alias and a separator ("us-west.orders"), as Java's
// org.apache.kafka.connect.mirror.DefaultReplicationPolicy.
type DefaultReplicationPolicy struct {
	separator                string
	internalSeparatorEnabled bool
}

// NewDefaultReplicationPolicy returns a policy using separator in remote topic
// names. internalSeparatorEnabled is
// replication.policy.internal.topic.separator.enabled: when false, internal
// topic names (offset-syncs, checkpoints) use "." whatever the separator.
func NewDefaultReplicationPolicy(separator string, internalSeparatorEnabled bool) *DefaultReplicationPolicy {
	return &DefaultReplicationPolicy{separator: separator, internalSeparatorEnabled: internalSeparatorEnabled}
}

// Separator returns the separator of remote topic names.
func (p *DefaultReplicationPolicy) Separator() string { return p.separator }

// FormatRemoteTopic returns source + separator + topic.
func (p *DefaultReplicationPolicy) FormatRemoteTopic(sourceClusterAlias, topic string) string {
	return sourceClusterAlias + p.separator + topic
}

// TopicSource returns the text before the first separator, if splitting the
// topic at the separator (Java split semantics) yields at least two parts.
func (p *DefaultReplicationPolicy) TopicSource(topic string) (string, bool) {
	parts := javaSplit(topic, p.separator)
	if len(parts) < 2 {
		return "", false
	}
	return parts[0], true
}

// UpstreamTopic returns topic without its "source + separator" prefix.
func (p *DefaultReplicationPolicy) UpstreamTopic(topic string) (string, bool) {
	source, ok := p.TopicSource(topic)
	if !ok {
		return "", false
	}
	return topic[len(source)+len(p.separator):], true
}

// OriginalTopic follows UpstreamTopic until topic is not a remote topic.
func (p *DefaultReplicationPolicy) OriginalTopic(topic string) string { return originalTopic(p, topic) }

// HeartbeatsTopic returns "heartbeats".
func (p *DefaultReplicationPolicy) HeartbeatsTopic() string { return heartbeatsTopic }

// IsHeartbeatsTopic reports whether the original topic is "heartbeats".
func (p *DefaultReplicationPolicy) IsHeartbeatsTopic(topic string) bool {
	return p.OriginalTopic(topic) == heartbeatsTopic
}

// OffsetSyncsTopic returns "mm2-offset-syncs<s><alias><s>internal", where <s>
// is the internal separator.
func (p *DefaultReplicationPolicy) OffsetSyncsTopic(clusterAlias string) string {
	return "mm2-offset-syncs" + p.internalSeparator() + clusterAlias + p.internalSuffix()
}

// CheckpointsTopic returns "<alias><s>checkpoints<s>internal".
func (p *DefaultReplicationPolicy) CheckpointsTopic(clusterAlias string) string {
	return clusterAlias + p.checkpointsSuffix()
}

// IsCheckpointsTopic reports whether topic ends with "<s>checkpoints<s>internal".
func (p *DefaultReplicationPolicy) IsCheckpointsTopic(topic string) bool {
	return strings.HasSuffix(topic, p.checkpointsSuffix())
}

// IsMM2InternalTopic reports whether topic ends with "<s>internal".
func (p *DefaultReplicationPolicy) IsMM2InternalTopic(topic string) bool {
	return strings.HasSuffix(topic, p.internalSuffix())
}

// IsInternalTopic reports MirrorMaker, Kafka and Connect internal topics.
func (p *DefaultReplicationPolicy) IsInternalTopic(topic string) bool {
	return isInternalTopic(p, topic)
}

func (p *DefaultReplicationPolicy) internalSeparator() string {
	if p.internalSeparatorEnabled {
		return p.separator
	}
	return "."
}

func (p *DefaultReplicationPolicy) internalSuffix() string { return p.internalSeparator() + "internal" }

func (p *DefaultReplicationPolicy) checkpointsSuffix() string {
	return p.internalSeparator() + "checkpoints" + p.internalSuffix()
}
