package mirrorclient

import (
	"slices"
	"testing"
)

// The cases below are those of Java's MirrorClientTest, asked of the
// topic-list functions instead of a MirrorClient over an admin client.

func identityFrom(alias string) ReplicationPolicy {
	return NewIdentityReplicationPolicy(".", true).WithSourceClusterAlias(alias)
}

func TestIsHeartbeatAndCheckpointTopic(t *testing.T) {
	p := NewDefaultReplicationPolicy(".", true)
	for topic, want := range map[string]bool{
		"heartbeats":                 true,
		"source1.heartbeats":         true,
		"source2.source1.heartbeats": true,
		"heartbeats!":                false,
		"!heartbeats":                false,
		"source1heartbeats":          false,
		"source1-heartbeats":         false,
		"source1.heartbeats.x":       false,
	} {
		if got := p.IsHeartbeatsTopic(topic); got != want {
			t.Errorf("IsHeartbeatsTopic(%q) = %v; want %v", topic, got, want)
		}
	}
	for topic, want := range map[string]bool{
		"source1.checkpoints.internal": true,
		"a.b.checkpoints.internal":     true,
		"checkpoints.internal":         false,
		"checkpoints-internal":         false,
		"checkpoints.internal!":        false,
		"!checkpoints.internal":        false,
		"source1checkpointsinternal":   false,
	} {
		if got := p.IsCheckpointsTopic(topic); got != want {
			t.Errorf("IsCheckpointsTopic(%q) = %v; want %v", topic, got, want)
		}
	}
}

func TestCountHops(t *testing.T) {
	p := NewDefaultReplicationPolicy(".", true)
	cases := []struct {
		topic, source string
		want          int
	}{
		{"topic", "source", -1},
		{"source", "source", -1},
		{"sourcetopic", "source", -1},
		{"source1.topic", "source2", -1},
		{"source1.topic", "source1", 1},
		{"source2.source1.topic", "source2", 1},
		{"source2.source1.topic", "source1", 2},
		{"source3.source2.source1.topic", "source1", 3},
		{"source3.source2.source1.topic", "source4", -1},
		// A name that loops back through a source stops the walk.
		{"a.b.a.topic", "c", -1},
		{"a.b.a.topic", "b", 2},
	}
	for _, c := range cases {
		if got := CountHops(p, c.topic, c.source); got != c.want {
			t.Errorf("CountHops(%q, %q) = %d; want %d", c.topic, c.source, got, c.want)
		}
	}
	// The identity policy reports its alias for every topic and the topic
	// as its own upstream: without the visited check this never ends.
	id := identityFrom("primary")
	if got := CountHops(id, "orders", "elsewhere"); got != -1 {
		t.Errorf("identity CountHops(orders, elsewhere) = %d; want -1", got)
	}
	if got := CountHops(id, "orders", "primary"); got != 1 {
		t.Errorf("identity CountHops(orders, primary) = %d; want 1", got)
	}
	if got := CountHops(NewIdentityReplicationPolicy(".", true), "orders", "primary"); got != -1 {
		t.Errorf("identity without alias CountHops = %d; want -1", got)
	}
}

func TestTopicListQueries(t *testing.T) {
	p := NewDefaultReplicationPolicy(".", true)
	topics := []string{"topic1", "topic2", "heartbeats", "source1.heartbeats", "source2.source1.heartbeats",
		"source3.heartbeats", "source1.topic4", "source1.source2.topic5", "__consumer_offsets",
		"mm2-offsets.source1.internal", "source1.checkpoints.internal", "checkpoints.internal"}

	check := func(name string, got, want []string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s = %q; want %q", name, got, want)
		}
	}
	check("HeartbeatTopics", HeartbeatTopics(p, topics),
		[]string{"heartbeats", "source1.heartbeats", "source2.source1.heartbeats", "source3.heartbeats"})
	check("CheckpointTopics", CheckpointTopics(p, topics), []string{"source1.checkpoints.internal"})
	// Internal topics are never remote, even when their name has a source.
	check("RemoteTopics", RemoteTopics(p, topics),
		[]string{"source1.heartbeats", "source1.source2.topic5", "source1.topic4", "source2.source1.heartbeats", "source3.heartbeats"})
	check("RemoteTopicsFrom(source1)", RemoteTopicsFrom(p, topics, "source1"),
		[]string{"source1.heartbeats", "source1.source2.topic5", "source1.topic4"})
	check("UpstreamClusters", UpstreamClusters(p, topics), []string{"source1", "source2", "source3"})
	check("AllSources", AllSources(p, "c.b.a.t"), []string{"c", "b", "a"})
	check("AllSources of a local topic", AllSources(p, "t"), nil)

	hops := []string{"topic1", "heartbeats", "source1.heartbeats", "source1.source2.heartbeats", "source3.heartbeats"}
	for alias, want := range map[string]int{"source1": 1, "source2": 2, "source3": 1, "source4": -1} {
		if got := ReplicationHops(p, hops, alias); got != want {
			t.Errorf("ReplicationHops(%s) = %d; want %d", alias, got, want)
		}
	}
}

func TestTopicListQueriesCustomSeparator(t *testing.T) {
	p := NewDefaultReplicationPolicy("__", true)
	topics := []string{"topic1", "topic2", "topic3", "source1__topic4", "source1__source2__topic5",
		"source3__source4__source5__topic6", "source1.topic7"}
	want := []string{"source1__source2__topic5", "source1__topic4", "source3__source4__source5__topic6"}
	if got := RemoteTopics(p, topics); !slices.Equal(got, want) {
		t.Errorf("RemoteTopics = %q; want %q", got, want)
	}
	if got := UpstreamClusters(p, []string{"source3__source4__source5__heartbeats"}); !slices.Equal(got, []string{"source3", "source4", "source5"}) {
		t.Errorf("UpstreamClusters = %q", got)
	}
}

func TestTopicListQueriesIdentity(t *testing.T) {
	p := identityFrom("source")
	// Heartbeats keep their prefixes, so upstream clusters are found as
	// with the default policy; the alias of the policy itself is not a
	// heartbeats source.
	topics := []string{"topic1", "topic2", "heartbeats", "source1.heartbeats", "source1.source2.heartbeats",
		"source3.source4.source5.heartbeats"}
	if got, want := UpstreamClusters(p, topics), []string{"source1", "source2", "source3", "source4", "source5"}; !slices.Equal(got, want) {
		t.Errorf("UpstreamClusters = %q; want %q", got, want)
	}
	// Any topic is remote except the unprefixed heartbeats topic.
	remote := RemoteTopics(p, []string{"topic1", "topic2", "topic3", "heartbeats", "backup.heartbeats"})
	if want := []string{"backup.heartbeats", "topic1", "topic2", "topic3"}; !slices.Equal(remote, want) {
		t.Errorf("RemoteTopics = %q; want %q", remote, want)
	}
	if got := p.FormatRemoteTopic("primary", "topic1"); got != "topic1" {
		t.Errorf("FormatRemoteTopic(primary, topic1) = %q", got)
	}
	if got := p.FormatRemoteTopic("backup", "heartbeats"); got != "backup.heartbeats" {
		t.Errorf("FormatRemoteTopic(backup, heartbeats) = %q", got)
	}
	if src, ok := p.TopicSource("backup.heartbeats"); !ok || src != "backup" {
		t.Errorf("TopicSource(backup.heartbeats) = %q, %v", src, ok)
	}
	// AllSources stops at the first repeated source instead of looping.
	if got := AllSources(p, "orders"); !slices.Equal(got, []string{"source"}) {
		t.Errorf("AllSources(orders) = %q", got)
	}
}
