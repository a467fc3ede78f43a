package mirrorclient

import "context"

// This file is the counterpart of Java's RemoteClusterUtils: one-shot calls
// that open a Client from props (see NewClient for the keys), ask it one
// question and close it.
//
// The Java names replicationHops, heartbeatTopics, checkpointTopics and
// upstreamClusters are taken in this package by the functions over a topic
// list (remote_topics.go), so the one-shot forms end in "On": they ask the
// cluster props point to.

// TranslateOffsets returns where consumer group group, which consumes on
// the remote cluster remoteClusterAlias, should resume on the cluster props
// describe: its latest checkpointed downstream offsets, keyed by the
// downstream (renamed) partitions. See Client.RemoteConsumerOffsets.
func TranslateOffsets(ctx context.Context, props map[string]string, remoteClusterAlias, group string) (map[TopicPartition]OffsetAndMetadata, error) {
	c, err := NewClient(props)
	if err != nil {
		return nil, err
	}
	defer func() { _ = c.Close() }()
	return c.RemoteConsumerOffsets(ctx, group, remoteClusterAlias)
}

// ReplicationHopsOn returns the fewest replication hops from
// upstreamClusterAlias to the cluster props describe, or -1 when it does
// not replicate into it (Java's RemoteClusterUtils.replicationHops).
func ReplicationHopsOn(ctx context.Context, props map[string]string, upstreamClusterAlias string) (int, error) {
	c, err := NewClient(props)
	if err != nil {
		return 0, err
	}
	defer func() { _ = c.Close() }()
	return c.ReplicationHops(ctx, upstreamClusterAlias)
}

// HeartbeatTopicsOn returns the heartbeats topics of the cluster props
// describe, sorted (Java's RemoteClusterUtils.heartbeatTopics).
func HeartbeatTopicsOn(ctx context.Context, props map[string]string) ([]string, error) {
	c, err := NewClient(props)
	if err != nil {
		return nil, err
	}
	defer func() { _ = c.Close() }()
	return c.HeartbeatTopics(ctx)
}

// CheckpointTopicsOn returns the checkpoints topics of the cluster props
// describe, sorted (Java's RemoteClusterUtils.checkpointTopics).
func CheckpointTopicsOn(ctx context.Context, props map[string]string) ([]string, error) {
	c, err := NewClient(props)
	if err != nil {
		return nil, err
	}
	defer func() { _ = c.Close() }()
	return c.CheckpointTopics(ctx)
}

// UpstreamClustersOn returns the clusters replicating, directly or not,
// into the cluster props describe, sorted (Java's
// RemoteClusterUtils.upstreamClusters).
func UpstreamClustersOn(ctx context.Context, props map[string]string) ([]string, error) {
	c, err := NewClient(props)
	if err != nil {
		return nil, err
	}
	defer func() { _ = c.Close() }()
	return c.UpstreamClusters(ctx)
}
