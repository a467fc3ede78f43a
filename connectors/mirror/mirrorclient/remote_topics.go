package mirrorclient

import (
	"slices"
	"sort"
)

// This file holds the questions Java's MirrorClient answers about a
// cluster's topic list with a replication policy (remoteTopics,
// heartbeatTopics, checkpointTopics, upstreamClusters, replicationHops,
// countHopsForTopic). Java lists the topics with an admin client; here the
// caller passes the names, so the package stays free of Kafka clients.

// IsRemoteTopic reports whether topic was replicated from another cluster:
// it is not internal and the policy knows its source (MirrorClient's
// isRemoteTopic). With IdentityReplicationPolicy configured with a source
// alias, every non-internal topic except an unprefixed heartbeats topic is
// remote.
func IsRemoteTopic(p ReplicationPolicy, topic string) bool {
	if p.IsInternalTopic(topic) {
		return false
	}
	_, ok := p.TopicSource(topic)
	return ok
}

// CountHops returns how many replication hops separate topic from the
// cluster sourceClusterAlias (1 when topic was replicated straight from
// it), or -1 when sourceClusterAlias is not among the topic's sources. A
// source seen twice stops the walk with -1: policies that cannot see cycles
// (IdentityReplicationPolicy) would otherwise loop forever.
func CountHops(p ReplicationPolicy, topic, sourceClusterAlias string) int {
	visited := map[string]bool{}
	for hops := 1; ; hops++ {
		source, ok := p.TopicSource(topic)
		if !ok {
			return -1
		}
		if source == sourceClusterAlias {
			return hops
		}
		if visited[source] {
			return -1
		}
		visited[source] = true
		upstream, ok := p.UpstreamTopic(topic)
		if !ok {
			return -1
		}
		topic = upstream
	}
}

// AllSources returns every cluster topic passed through, nearest first
// (MirrorClient's allSources). It stops at the first repeated source, so a
// policy that cannot see cycles never loops.
func AllSources(p ReplicationPolicy, topic string) []string {
	var sources []string
	source, ok := p.TopicSource(topic)
	for ok && !slices.Contains(sources, source) {
		sources = append(sources, source)
		upstream, isRemote := p.UpstreamTopic(topic)
		if !isRemote {
			break
		}
		topic = upstream
		source, ok = p.TopicSource(topic)
	}
	return sources
}

// RemoteTopics returns the remote topics among topics, sorted.
func RemoteTopics(p ReplicationPolicy, topics []string) []string {
	return filterSorted(topics, func(t string) bool { return IsRemoteTopic(p, t) })
}

// RemoteTopicsFrom returns the remote topics among topics whose immediate
// source is sourceClusterAlias, sorted.
func RemoteTopicsFrom(p ReplicationPolicy, topics []string, sourceClusterAlias string) []string {
	return filterSorted(topics, func(t string) bool {
		if !IsRemoteTopic(p, t) {
			return false
		}
		source, _ := p.TopicSource(t)
		return source == sourceClusterAlias
	})
}

// HeartbeatTopics returns the heartbeats topics (local or replicated) among
// topics, sorted.
func HeartbeatTopics(p ReplicationPolicy, topics []string) []string {
	return filterSorted(topics, p.IsHeartbeatsTopic)
}

// CheckpointTopics returns the checkpoints topics among topics, sorted.
func CheckpointTopics(p ReplicationPolicy, topics []string) []string {
	return filterSorted(topics, p.IsCheckpointsTopic)
}

// UpstreamClusters returns every cluster the heartbeats topics among topics
// passed through, sorted: the clusters replicating, directly or not, into
// the cluster holding topics.
func UpstreamClusters(p ReplicationPolicy, topics []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range topics {
		if !p.IsHeartbeatsTopic(t) {
			continue
		}
		for _, s := range AllSources(p, t) {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	sort.Strings(out)
	return out
}

// ReplicationHops returns the fewest hops between the cluster holding topics
// and upstreamClusterAlias, judged by the heartbeats topics, or -1 when no
// heartbeats topic came from it.
func ReplicationHops(p ReplicationPolicy, topics []string, upstreamClusterAlias string) int {
	best := -1
	for _, t := range HeartbeatTopics(p, topics) {
		if n := CountHops(p, t, upstreamClusterAlias); n != -1 && (best == -1 || n < best) {
			best = n
		}
	}
	return best
}

func filterSorted(topics []string, keep func(string) bool) []string {
	var out []string
	for _, t := range topics {
		if keep(t) {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}
