package mirror

import (
	"maps"
	"slices"
	"testing"

	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
)

// flowConfig parses a connector config for the flow source -> target.
func flowConfig(t *testing.T, source, target string, props map[string]string) *sourceConfig {
	t.Helper()
	all := map[string]string{"source.cluster.alias": source, "target.cluster.alias": target}
	maps.Copy(all, props)
	c, err := parseSourceConfig(newSourceConfigDef(), all)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestShouldReplicateTopicJavaCases holds the cases of Java's
// MirrorSourceConnectorTest (flow source -> target). Java's tests build
// the connector with an unconfigured DefaultTopicFilter, which matches
// nothing: topics="" here.
func TestShouldReplicateTopicJavaCases(t *testing.T) {
	const identity = "org.apache.kafka.connect.mirror.IdentityReplicationPolicy"
	cases := []struct {
		name  string
		props map[string]string
		want  map[string]bool
	}{
		{"testReplicatesHeartbeatsByDefault", map[string]string{"topics": ""},
			map[string]bool{"heartbeats": true, "us-west.heartbeats": true}},
		{"testReplicatesHeartbeatsDespiteFilter", map[string]string{"topics": "", "topics.exclude": ".*"},
			map[string]bool{"heartbeats": true, "us-west.heartbeats": true}},
		{"testReplicatesHeartbeatsDespiteFilter, separator _", map[string]string{"topics": "", "replication.policy.separator": "_"},
			map[string]bool{"heartbeats": true, "us-west.heartbeats": false, "us-west_heartbeats": true}},
		{"testDoesNotReplicateHeartbeatsWhenDisabled", map[string]string{"topics": "", "heartbeats.replication.enabled": "false"},
			map[string]bool{"heartbeats": false, "us-west.heartbeats": false}},
		{"testReplicatesHeartbeatsWhenDisabledButFilterAllows", map[string]string{"topics": ".*", "topics.exclude": "", "heartbeats.replication.enabled": "false"},
			map[string]bool{"heartbeats": true, "us-west.heartbeats": true}},
		{"testNoCycles", map[string]string{"topics": ".*", "topics.exclude": ""},
			map[string]bool{
				"target.topic1":               false,
				"target.source.topic1":        false,
				"source.target.topic1":        false,
				"target.source.target.topic1": false,
				"source.target.source.topic1": false,
				"topic1":                      true,
				"source.topic1":               true,
			}},
		{"testIdentityReplication", map[string]string{"topics": ".*", "topics.exclude": "", "replication.policy.class": identity},
			map[string]bool{
				"target.topic1":                   true,
				"target.source.topic1":            true,
				"source.target.topic1":            true,
				"target.source.target.topic1":     true,
				"source.target.source.topic1":     true,
				"topic1":                          true,
				"othersource.topic1":              true,
				"target.heartbeats":               false,
				"target.source.heartbeats":        false,
				"source.target.heartbeats":        false,
				"target.source.target.heartbeats": false,
				"source.target.source.heartbeats": false,
				"heartbeats":                      true,
				"othersource.heartbeats":          true,
			}},
		// The same cycles with multi-character separators.
		{"no cycles, separator __", map[string]string{"topics": ".*", "topics.exclude": "", "replication.policy.separator": "__"},
			map[string]bool{
				"target__topic1":                 false,
				"source__target__topic1":         false,
				"x__target__source__topic1":      false,
				"target.topic1":                  true, // "." is no separator here
				"source__topic1":                 true,
				"target___topic1":                false, // source "target", upstream "_topic1"
				"source__target__heartbeats":     false,
				"othersource__heartbeats":        true,
				"othersource__target_heartbeats": true,
			}},
		{"no cycles, separator -->", map[string]string{"topics": ".*", "topics.exclude": "", "replication.policy.separator": "-->"},
			map[string]bool{"target-->t": false, "a-->target-->t": false, "target->t": true, "a-->b-->t": true}},
		// Internal topics are never replicated, heartbeats or not.
		{"internal topics", map[string]string{"topics": ".*", "topics.exclude": ""},
			map[string]bool{
				"__consumer_offsets":               false,
				".hidden":                          false,
				"mm2-offset-syncs.target.internal": false,
				"source.checkpoints.internal":      false,
				"connect-offsets-internal":         false,
				"heartbeats.internal":              false,
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := flowConfig(t, "source", "target", tc.props)
			for topic, want := range tc.want {
				if got := c.shouldReplicateTopic(topic); got != want {
					t.Errorf("shouldReplicateTopic(%q) = %v; want %v", topic, got, want)
				}
			}
		})
	}
}

// upstreamAlwaysNil is Java's testIsCycleWithNullUpstreamTopic policy: it
// names sources but never an upstream topic.
type upstreamAlwaysNil struct {
	*mirrorclient.DefaultReplicationPolicy
}

func (upstreamAlwaysNil) UpstreamTopic(string) (string, bool) { return "", false }

func TestIsCycleWithoutUpstreamTopic(t *testing.T) {
	c := flowConfig(t, "source", "target", nil)
	c.policy = upstreamAlwaysNil{mirrorclient.NewDefaultReplicationPolicy(".", true)}
	if c.isCycle(".b") {
		t.Error(`isCycle(".b") = true; the source "" is not the target`)
	}
	if !c.isCycle("target.b") {
		t.Error(`isCycle("target.b") = false`)
	}
	if c.isCycle("other.target.b") {
		t.Error(`isCycle("other.target.b") = true although the policy names no upstream topic`)
	}
}

// TestFlowsNeverLoop replicates topic names round by round through every
// flow of a topology until nothing changes, as the connectors' topic
// refreshes would: with a policy that names sources, every topic reaches
// every cluster once and nothing comes back (no "A.B.A.orders", no
// "A.B.A.heartbeats").
func TestFlowsNeverLoop(t *testing.T) {
	type flow struct{ source, target string }
	cases := []struct {
		name  string
		sep   string
		flows []flow
		start map[string][]string
		want  map[string][]string
	}{
		{
			name:  "A->B and B->A",
			sep:   ".",
			flows: []flow{{"A", "B"}, {"B", "A"}},
			start: map[string][]string{"A": {"orders", "heartbeats"}, "B": {"payments", "heartbeats"}},
			want: map[string][]string{
				"A": {"B.heartbeats", "B.payments", "heartbeats", "orders"},
				"B": {"A.heartbeats", "A.orders", "heartbeats", "payments"},
			},
		},
		{
			name:  "A->B and B->A, separator __",
			sep:   "__",
			flows: []flow{{"A", "B"}, {"B", "A"}},
			start: map[string][]string{"A": {"orders", "x.y"}, "B": {"heartbeats"}},
			want: map[string][]string{
				"A": {"B__heartbeats", "orders", "x.y"},
				"B": {"A__orders", "A__x.y", "heartbeats"},
			},
		},
		{
			name:  "ring A->B->C->A",
			sep:   ".",
			flows: []flow{{"A", "B"}, {"B", "C"}, {"C", "A"}},
			start: map[string][]string{"A": {"orders"}, "B": {}, "C": {"heartbeats"}},
			want: map[string][]string{
				"A": {"C.heartbeats", "orders"},
				"B": {"A.C.heartbeats", "A.orders"},
				"C": {"B.A.orders", "heartbeats"},
			},
		},
		{
			name:  "full mesh of three",
			sep:   "-",
			flows: []flow{{"A", "B"}, {"B", "A"}, {"A", "C"}, {"C", "A"}, {"B", "C"}, {"C", "B"}},
			start: map[string][]string{"A": {"t"}, "B": {}, "C": {}},
			want: map[string][]string{
				"A": {"t"},
				"B": {"A-t", "C-A-t"},
				"C": {"A-t", "B-A-t"},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clusters := map[string]map[string]bool{}
			for name, topics := range tc.start {
				clusters[name] = map[string]bool{}
				for _, topic := range topics {
					clusters[name][topic] = true
				}
			}
			props := map[string]string{"replication.policy.separator": tc.sep}
			for round := 0; ; round++ {
				if round > 10 {
					t.Fatalf("still creating topics after %d rounds: %v", round, clusters)
				}
				changed := false
				for _, f := range tc.flows {
					c := flowConfig(t, f.source, f.target, props)
					for _, topic := range slices.Sorted(maps.Keys(clusters[f.source])) {
						if !c.shouldReplicateTopic(topic) {
							continue
						}
						remote := c.policy.FormatRemoteTopic(f.source, topic)
						if !clusters[f.target][remote] {
							clusters[f.target][remote] = true
							changed = true
						}
					}
				}
				if !changed {
					break
				}
			}
			for name, want := range tc.want {
				if got := slices.Sorted(maps.Keys(clusters[name])); !slices.Equal(got, want) {
					t.Errorf("cluster %s holds %q; want %q", name, got, want)
				}
			}
		})
	}
}
