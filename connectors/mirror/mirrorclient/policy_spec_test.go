package mirrorclient

import "testing"

// Table tests for every rule of connect-spec §4.4 and the cases of Java's
// ReplicationPolicyTest, with the default separator, a one-character one and
// multi-character ones (including separators that overlap themselves).

func TestSpecDefaultPolicyRules(t *testing.T) {
	type topicCase struct {
		topic    string
		source   string // "-" when not a remote topic
		upstream string // "-" when not a remote topic
		original string
	}
	cases := []struct {
		sep    string
		remote string // FormatRemoteTopic("src", "t")
		topics []topicCase
	}{
		{sep: ".", remote: "src.t", topics: []topicCase{
			{"t", "-", "-", "t"},
			{"src.t", "src", "t", "t"},
			{"b.a.t", "b", "a.t", "t"},
			{"a.", "-", "-", "a."},   // trailing empty parts dropped
			{".a", "", "a", "a"},     // leading empty part kept
			{"a..", "-", "-", "a.."}, // all trailing empties dropped
			{"a..b", "a", ".b", "b"}, // the upstream keeps the second separator
			{"..", "-", "-", ".."},   // nothing but separators
			{"a.b.c.", "a", "b.c.", "c."},
		}},
		{sep: "_", remote: "src_t", topics: []topicCase{
			{"src_t", "src", "t", "t"},
			{"src.t", "-", "-", "src.t"},
			{"c_b_a_t", "c", "b_a_t", "t"},
		}},
		{sep: "__", remote: "src__t", topics: []topicCase{
			{"src__t", "src", "t", "t"},
			{"src_t", "-", "-", "src_t"},
			// Non-overlapping matches from the left, as Java's regex split.
			{"a___b", "a", "_b", "_b"},
			{"a____b", "a", "__b", "b"},
			{"__b", "", "b", "b"},
			{"a__", "-", "-", "a__"},
		}},
		{sep: "-->", remote: "src-->t", topics: []topicCase{
			{"src-->t", "src", "t", "t"},
			{"a-->b-->c", "a", "b-->c", "c"},
			{"a->b", "-", "-", "a->b"},
			{"a--->b", "a-", "b", "b"},
		}},
		{sep: ".*", remote: "src.*t", topics: []topicCase{ // regex metacharacters are literal
			{"src.*t", "src", "t", "t"},
			{"srcXt", "-", "-", "srcXt"},
		}},
	}
	for _, c := range cases {
		p := NewDefaultReplicationPolicy(c.sep, true)
		if got := p.FormatRemoteTopic("src", "t"); got != c.remote {
			t.Errorf("sep %q: FormatRemoteTopic = %q; want %q", c.sep, got, c.remote)
		}
		for _, tc := range c.topics {
			src, ok := p.TopicSource(tc.topic)
			if !ok {
				src = "-"
			}
			up, ok := p.UpstreamTopic(tc.topic)
			if !ok {
				up = "-"
			}
			if src != tc.source || up != tc.upstream {
				t.Errorf("sep %q, %q: source %q upstream %q; want %q and %q", c.sep, tc.topic, src, up, tc.source, tc.upstream)
			}
			if got := p.OriginalTopic(tc.topic); got != tc.original {
				t.Errorf("sep %q: OriginalTopic(%q) = %q; want %q", c.sep, tc.topic, got, tc.original)
			}
			// A remote topic is its source, the separator and its upstream.
			if src != "-" && p.FormatRemoteTopic(src, up) != tc.topic {
				t.Errorf("sep %q: FormatRemoteTopic(%q, %q) does not give back %q", c.sep, src, up, tc.topic)
			}
		}
	}
}

func TestSpecInternalTopicNames(t *testing.T) {
	cases := []struct {
		name                  string
		props                 map[string]string
		offsetSyncs, checkpts string
		mm2Internal           []string // IsMM2InternalTopic
		notMM2Internal        []string
	}{
		{"default", nil, "mm2-offset-syncs.CLUSTER.internal", "CLUSTER.checkpoints.internal",
			[]string{"x.internal"}, []string{"x__internal", "x-internal"}},
		{"__ with internal separator", map[string]string{SeparatorConfig: "__", InternalTopicSeparatorEnabledConfig: "true"},
			"mm2-offset-syncs__CLUSTER__internal", "CLUSTER__checkpoints__internal",
			[]string{"x__internal"}, []string{"x.internal"}},
		{"__, internal separator disabled", map[string]string{SeparatorConfig: "__", InternalTopicSeparatorEnabledConfig: "false"},
			"mm2-offset-syncs.CLUSTER.internal", "CLUSTER.checkpoints.internal",
			[]string{"x.internal"}, []string{"x__internal"}},
		{"__, flag absent means enabled", map[string]string{SeparatorConfig: "__"},
			"mm2-offset-syncs__CLUSTER__internal", "CLUSTER__checkpoints__internal", nil, nil},
		// Java reads the flag with Boolean.parseBoolean on the original
		// value: case does not matter, surrounding blanks make it false.
		{"flag TRUE", map[string]string{SeparatorConfig: "_", InternalTopicSeparatorEnabledConfig: "TRUE"},
			"mm2-offset-syncs_CLUSTER_internal", "CLUSTER_checkpoints_internal", nil, nil},
		{"flag with blanks", map[string]string{SeparatorConfig: "_", InternalTopicSeparatorEnabledConfig: " true"},
			"mm2-offset-syncs.CLUSTER.internal", "CLUSTER.checkpoints.internal", nil, nil},
		{"flag without a separator is ignored", map[string]string{InternalTopicSeparatorEnabledConfig: "false"},
			"mm2-offset-syncs.CLUSTER.internal", "CLUSTER.checkpoints.internal", nil, nil},
	}
	for _, class := range []string{DefaultReplicationPolicyClass, IdentityReplicationPolicyClass} {
		for _, c := range cases {
			p, err := NewReplicationPolicy(class, c.props)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.OffsetSyncsTopic("CLUSTER"); got != c.offsetSyncs {
				t.Errorf("%s, %s: OffsetSyncsTopic = %q; want %q", class, c.name, got, c.offsetSyncs)
			}
			if got := p.CheckpointsTopic("CLUSTER"); got != c.checkpts {
				t.Errorf("%s, %s: CheckpointsTopic = %q; want %q", class, c.name, got, c.checkpts)
			}
			if !p.IsCheckpointsTopic(c.checkpts) || !p.IsMM2InternalTopic(c.checkpts) || !p.IsInternalTopic(c.offsetSyncs) {
				t.Errorf("%s, %s: its own checkpoints/offset-syncs topics are not recognised as internal", class, c.name)
			}
			// The heartbeats topic never depends on the separators.
			if got := p.HeartbeatsTopic(); got != "heartbeats" {
				t.Errorf("%s, %s: HeartbeatsTopic = %q", class, c.name, got)
			}
			for _, tp := range c.mm2Internal {
				if !p.IsMM2InternalTopic(tp) {
					t.Errorf("%s, %s: IsMM2InternalTopic(%q) = false", class, c.name, tp)
				}
			}
			for _, tp := range c.notMM2Internal {
				if p.IsMM2InternalTopic(tp) {
					t.Errorf("%s, %s: IsMM2InternalTopic(%q) = true", class, c.name, tp)
				}
			}
		}
	}
}

func TestSpecIsInternalTopic(t *testing.T) {
	// Java's ReplicationPolicyTest.testInternalTopic plus the rule's edges.
	p := NewDefaultReplicationPolicy(".", true)
	for topic, want := range map[string]bool{
		"__consumer_offsets":           true, // Kafka internal: "__" prefix
		".hiddentopic":                 true, // "." prefix
		"mm2-offsets.CLUSTER.internal": true, // ".internal" suffix
		"mm2-offsets-CLUSTER-internal": true, // "-internal" suffix
		"mm2-offsets_CLUSTER_internal": false,
		"_single_underscore":           false,
		"internal":                     false,
		"internal.topic":               false,
		"connect-configs":              false,
	} {
		if got := p.IsInternalTopic(topic); got != want {
			t.Errorf("IsInternalTopic(%q) = %v; want %v", topic, got, want)
		}
	}
	// With a custom separator, "<sep>internal" is MirrorMaker-internal too,
	// and Connect's ".internal"/"-internal" stay internal.
	q := NewDefaultReplicationPolicy("__", true)
	for topic, want := range map[string]bool{"a__internal": true, "a.internal": true, "a-internal": true, "a_internal": false} {
		if got := q.IsInternalTopic(topic); got != want {
			t.Errorf("sep __: IsInternalTopic(%q) = %v; want %v", topic, got, want)
		}
	}
}

func TestSpecIdentityPolicyRules(t *testing.T) {
	p := identityFrom("A")
	cases := []struct {
		topic    string
		remote   string // FormatRemoteTopic("A", topic)
		source   string // "-" when none
		upstream string // "-" when none
		original string
		hb       bool
	}{
		{"orders", "orders", "A", "orders", "orders", false},
		{"B.orders", "B.orders", "A", "B.orders", "B.orders", false},
		{"heartbeats", "A.heartbeats", "-", "-", "heartbeats", true},
		{"B.heartbeats", "A.B.heartbeats", "B", "heartbeats", "heartbeats", true},
		{"C.B.heartbeats", "A.C.B.heartbeats", "C", "B.heartbeats", "heartbeats", true},
		// Java's suffix test: anything ending in "heartbeats" is renamed,
		// but only "heartbeats" itself is a heartbeats topic.
		{"myheartbeats", "A.myheartbeats", "-", "-", "myheartbeats", false},
		{"B.myheartbeats", "A.B.myheartbeats", "B", "myheartbeats", "myheartbeats", false},
	}
	for _, c := range cases {
		if got := p.FormatRemoteTopic("A", c.topic); got != c.remote {
			t.Errorf("FormatRemoteTopic(A, %q) = %q; want %q", c.topic, got, c.remote)
		}
		src, ok := p.TopicSource(c.topic)
		if !ok {
			src = "-"
		}
		up, ok := p.UpstreamTopic(c.topic)
		if !ok {
			up = "-"
		}
		if src != c.source || up != c.upstream {
			t.Errorf("%q: source %q upstream %q; want %q and %q", c.topic, src, up, c.source, c.upstream)
		}
		if got := p.OriginalTopic(c.topic); got != c.original {
			t.Errorf("OriginalTopic(%q) = %q; want %q", c.topic, got, c.original)
		}
		if got := p.IsHeartbeatsTopic(c.topic); got != c.hb {
			t.Errorf("IsHeartbeatsTopic(%q) = %v; want %v", c.topic, got, c.hb)
		}
	}
	// A custom separator applies to the heartbeats topics only.
	q := NewIdentityReplicationPolicy("_", true).WithSourceClusterAlias("A")
	if got := q.FormatRemoteTopic("A", "heartbeats"); got != "A_heartbeats" {
		t.Errorf("sep _: FormatRemoteTopic(heartbeats) = %q", got)
	}
	if got := q.FormatRemoteTopic("A", "a_b"); got != "a_b" {
		t.Errorf("sep _: FormatRemoteTopic(a_b) = %q", got)
	}
	if !q.IsHeartbeatsTopic("B_A_heartbeats") || q.IsHeartbeatsTopic("B.heartbeats") {
		t.Error("sep _: heartbeats detection does not follow the separator")
	}
}
