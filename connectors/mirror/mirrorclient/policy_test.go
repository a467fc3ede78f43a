package mirrorclient

import (
	"errors"
	"strings"
	"testing"
)

var (
	_ ReplicationPolicy = (*DefaultReplicationPolicy)(nil)
	_ ReplicationPolicy = (*IdentityReplicationPolicy)(nil)
)

// nameCase checks TopicSource, UpstreamTopic and OriginalTopic of one topic.
type nameCase struct {
	topic      string
	source     string
	isRemote   bool
	upstream   string // when isRemote
	original   string
	heartbeats bool
}

func checkNames(t *testing.T, p ReplicationPolicy, cases []nameCase) {
	t.Helper()
	for _, c := range cases {
		src, ok := p.TopicSource(c.topic)
		if ok != c.isRemote || src != c.source {
			t.Errorf("TopicSource(%q) = %q, %v; want %q, %v", c.topic, src, ok, c.source, c.isRemote)
		}
		up, ok := p.UpstreamTopic(c.topic)
		if ok != c.isRemote || (ok && up != c.upstream) {
			t.Errorf("UpstreamTopic(%q) = %q, %v; want %q, %v", c.topic, up, ok, c.upstream, c.isRemote)
		}
		if got := p.OriginalTopic(c.topic); got != c.original {
			t.Errorf("OriginalTopic(%q) = %q; want %q", c.topic, got, c.original)
		}
		if got := p.IsHeartbeatsTopic(c.topic); got != c.heartbeats {
			t.Errorf("IsHeartbeatsTopic(%q) = %v; want %v", c.topic, got, c.heartbeats)
		}
	}
}

func TestDefaultPolicyNames(t *testing.T) {
	p := NewDefaultReplicationPolicy(".", true)
	if got := p.FormatRemoteTopic("us-west", "orders"); got != "us-west.orders" {
		t.Errorf("FormatRemoteTopic = %q", got)
	}
	checkNames(t, p, []nameCase{
		{topic: "orders", original: "orders"},
		{topic: "us-west.orders", source: "us-west", isRemote: true, upstream: "orders", original: "orders"},
		{topic: "a.b.c", source: "a", isRemote: true, upstream: "b.c", original: "c"},
		// Java's split drops trailing empty strings: "a." is a local topic.
		{topic: "a.", original: "a."},
		{topic: "a..", original: "a.."},
		{topic: ".", original: "."},
		{topic: "", original: ""},
		// ...but keeps a leading one: ".a" comes from the cluster "".
		{topic: ".a", source: "", isRemote: true, upstream: "a", original: "a"},
		{topic: "..a", source: "", isRemote: true, upstream: ".a", original: "a"},
		{topic: "a..b", source: "a", isRemote: true, upstream: ".b", original: "b"},
		{topic: "a.b.", source: "a", isRemote: true, upstream: "b.", original: "b."},
		{topic: "heartbeats", original: "heartbeats", heartbeats: true},
		{topic: "A.heartbeats", source: "A", isRemote: true, upstream: "heartbeats", original: "heartbeats", heartbeats: true},
		{topic: "B.A.heartbeats", source: "B", isRemote: true, upstream: "A.heartbeats", original: "heartbeats", heartbeats: true},
		{topic: "A.myheartbeats", source: "A", isRemote: true, upstream: "myheartbeats", original: "myheartbeats"},
		{topic: "heartbeats.x", source: "heartbeats", isRemote: true, upstream: "x", original: "x"},
	})
}

func TestDefaultPolicyCustomSeparators(t *testing.T) {
	t.Run("underscore", func(t *testing.T) {
		p := NewDefaultReplicationPolicy("_", true)
		if got := p.FormatRemoteTopic("A", "t.x"); got != "A_t.x" {
			t.Errorf("FormatRemoteTopic = %q", got)
		}
		checkNames(t, p, []nameCase{
			{topic: "A.t", original: "A.t"},
			{topic: "A_t", source: "A", isRemote: true, upstream: "t", original: "t"},
			{topic: "B_A_heartbeats", source: "B", isRemote: true, upstream: "A_heartbeats", original: "heartbeats", heartbeats: true},
			{topic: "A.heartbeats", original: "A.heartbeats"},
		})
	})
	t.Run("multi-character", func(t *testing.T) {
		p := NewDefaultReplicationPolicy("--", true)
		checkNames(t, p, []nameCase{
			{topic: "A--t", source: "A", isRemote: true, upstream: "t", original: "t"},
			{topic: "A---t", source: "A", isRemote: true, upstream: "-t", original: "-t"},
			{topic: "A-t", original: "A-t"},
			{topic: "A--", original: "A--"},
		})
	})
	t.Run("regex metacharacters are literal", func(t *testing.T) {
		p := NewDefaultReplicationPolicy("|", true)
		checkNames(t, p, []nameCase{
			{topic: "A|t", source: "A", isRemote: true, upstream: "t", original: "t"},
			{topic: "At", original: "At"},
		})
	})
	t.Run("empty separator splits between characters", func(t *testing.T) {
		p := NewDefaultReplicationPolicy("", true)
		if got := p.FormatRemoteTopic("A", "t"); got != "At" {
			t.Errorf("FormatRemoteTopic = %q", got)
		}
		checkNames(t, p, []nameCase{
			{topic: "abc", source: "a", isRemote: true, upstream: "bc", original: "c"},
			{topic: "a", original: "a"},
		})
	})
}

func TestInternalTopicNames(t *testing.T) {
	cases := []struct {
		name                   string
		p                      ReplicationPolicy
		offsetSyncs, checkpts  string
		checkpointsTopics      []string
		notCheckpointsTopics   []string
		mm2Internal, notMM2Int []string
	}{
		{
			name: "default", p: NewDefaultReplicationPolicy(".", true),
			offsetSyncs: "mm2-offset-syncs.B.internal", checkpts: "A.checkpoints.internal",
			checkpointsTopics:    []string{"A.checkpoints.internal", "x.y.checkpoints.internal"},
			notCheckpointsTopics: []string{"A_checkpoints_internal", "checkpoints.internal.x"},
			mm2Internal:          []string{"mm2-configs.A.internal", "a.internal"},
			notMM2Int:            []string{"a-internal", "a_internal", "internal"},
		},
		{
			name: "custom separator", p: NewDefaultReplicationPolicy("_", true),
			offsetSyncs: "mm2-offset-syncs_B_internal", checkpts: "A_checkpoints_internal",
			checkpointsTopics:    []string{"A_checkpoints_internal"},
			notCheckpointsTopics: []string{"A.checkpoints.internal"},
			mm2Internal:          []string{"x_internal"},
			notMM2Int:            []string{"x.internal"},
		},
		{
			name: "custom separator, internal separator disabled", p: NewDefaultReplicationPolicy("_", false),
			offsetSyncs: "mm2-offset-syncs.B.internal", checkpts: "A.checkpoints.internal",
			checkpointsTopics:    []string{"A.checkpoints.internal"},
			notCheckpointsTopics: []string{"A_checkpoints_internal"},
			mm2Internal:          []string{"x.internal"},
			notMM2Int:            []string{"x_internal"},
		},
		{
			name: "identity", p: NewIdentityReplicationPolicy(".", true).WithSourceClusterAlias("A"),
			offsetSyncs: "mm2-offset-syncs.B.internal", checkpts: "A.checkpoints.internal",
			checkpointsTopics: []string{"A.checkpoints.internal"},
			mm2Internal:       []string{"x.internal"},
			notMM2Int:         []string{"x-internal"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.p.OffsetSyncsTopic("B"); got != c.offsetSyncs {
				t.Errorf("OffsetSyncsTopic = %q; want %q", got, c.offsetSyncs)
			}
			if got := c.p.CheckpointsTopic("A"); got != c.checkpts {
				t.Errorf("CheckpointsTopic = %q; want %q", got, c.checkpts)
			}
			if got := c.p.HeartbeatsTopic(); got != "heartbeats" {
				t.Errorf("HeartbeatsTopic = %q", got)
			}
			for _, tp := range c.checkpointsTopics {
				if !c.p.IsCheckpointsTopic(tp) {
					t.Errorf("IsCheckpointsTopic(%q) = false", tp)
				}
			}
			for _, tp := range c.notCheckpointsTopics {
				if c.p.IsCheckpointsTopic(tp) {
					t.Errorf("IsCheckpointsTopic(%q) = true", tp)
				}
			}
			for _, tp := range c.mm2Internal {
				if !c.p.IsMM2InternalTopic(tp) || !c.p.IsInternalTopic(tp) {
					t.Errorf("%q: IsMM2InternalTopic = %v, IsInternalTopic = %v; want both true", tp, c.p.IsMM2InternalTopic(tp), c.p.IsInternalTopic(tp))
				}
			}
			for _, tp := range c.notMM2Int {
				if c.p.IsMM2InternalTopic(tp) {
					t.Errorf("IsMM2InternalTopic(%q) = true", tp)
				}
			}
		})
	}
}

func TestIsInternalTopic(t *testing.T) {
	p := NewDefaultReplicationPolicy("_", true)
	internal := []string{
		"__consumer_offsets", "__transaction_state", ".hidden",
		"connect-configs-internal", "mm2-offsets.A.internal", "x_internal",
	}
	for _, tp := range internal {
		if !p.IsInternalTopic(tp) {
			t.Errorf("IsInternalTopic(%q) = false", tp)
		}
	}
	for _, tp := range []string{"orders", "_single", "internal", "a.internalx", "A_orders"} {
		if p.IsInternalTopic(tp) {
			t.Errorf("IsInternalTopic(%q) = true", tp)
		}
	}
}

func TestIdentityPolicy(t *testing.T) {
	p := NewIdentityReplicationPolicy(".", true).WithSourceClusterAlias("A")
	for topic, want := range map[string]string{
		"orders":       "orders",
		"B.orders":     "B.orders",
		"heartbeats":   "A.heartbeats",
		"B.heartbeats": "A.B.heartbeats",
		"myheartbeats": "A.myheartbeats",
	} {
		if got := p.FormatRemoteTopic("A", topic); got != want {
			t.Errorf("FormatRemoteTopic(A, %q) = %q; want %q", topic, got, want)
		}
	}
	checkNames(t, p, []nameCase{
		{topic: "orders", source: "A", isRemote: true, upstream: "orders", original: "orders"},
		{topic: "B.orders", source: "A", isRemote: true, upstream: "B.orders", original: "B.orders"},
		{topic: "heartbeats", original: "heartbeats", heartbeats: true},
		{topic: "B.heartbeats", source: "B", isRemote: true, upstream: "heartbeats", original: "heartbeats", heartbeats: true},
		{topic: "C.B.heartbeats", source: "C", isRemote: true, upstream: "B.heartbeats", original: "heartbeats", heartbeats: true},
	})

	// Without a configured alias, non-heartbeat topics have no known source
	// but are still their own upstream topic.
	q := NewIdentityReplicationPolicy(".", true)
	if src, ok := q.TopicSource("orders"); ok {
		t.Errorf("TopicSource(orders) = %q without a configured alias", src)
	}
	if got := q.OriginalTopic("orders"); got != "orders" {
		t.Errorf("OriginalTopic(orders) = %q", got)
	}
	if up, ok := q.UpstreamTopic("orders"); !ok || up != "orders" {
		t.Errorf("UpstreamTopic(orders) = %q, %v", up, ok)
	}
	if p.Separator() != "." {
		t.Errorf("Separator = %q", p.Separator())
	}
}

func TestNewReplicationPolicy(t *testing.T) {
	cases := []struct {
		name      string
		class     string
		props     map[string]string
		remote    string // FormatRemoteTopic("A", "t")
		heartbeat string // FormatRemoteTopic("A", "heartbeats")
		offsetSyn string // OffsetSyncsTopic("B")
		source    string // TopicSource("t"); "-" for none
	}{
		{"default by class", DefaultReplicationPolicyClass, nil, "A.t", "A.heartbeats", "mm2-offset-syncs.B.internal", "-"},
		{"default by simple name", " DefaultReplicationPolicy ", nil, "A.t", "A.heartbeats", "mm2-offset-syncs.B.internal", "-"},
		{"custom separator", DefaultReplicationPolicyClass,
			map[string]string{SeparatorConfig: "_"}, "A_t", "A_heartbeats", "mm2-offset-syncs_B_internal", "-"},
		{"internal separator disabled", DefaultReplicationPolicyClass,
			map[string]string{SeparatorConfig: "_", InternalTopicSeparatorEnabledConfig: "False"}, "A_t", "A_heartbeats", "mm2-offset-syncs.B.internal", "-"},
		{"internal separator flag ignored without a separator", DefaultReplicationPolicyClass,
			map[string]string{InternalTopicSeparatorEnabledConfig: "false"}, "A.t", "A.heartbeats", "mm2-offset-syncs.B.internal", "-"},
		{"identity", IdentityReplicationPolicyClass,
			map[string]string{SourceClusterAliasConfig: "A", "unrelated": "x"}, "t", "A.heartbeats", "mm2-offset-syncs.B.internal", "A"},
		{"identity by simple name without alias", "IdentityReplicationPolicy", nil, "t", "A.heartbeats", "mm2-offset-syncs.B.internal", "-"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := NewReplicationPolicy(c.class, c.props)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.FormatRemoteTopic("A", "t"); got != c.remote {
				t.Errorf("FormatRemoteTopic = %q; want %q", got, c.remote)
			}
			if got := p.FormatRemoteTopic("A", "heartbeats"); got != c.heartbeat {
				t.Errorf("FormatRemoteTopic(heartbeats) = %q; want %q", got, c.heartbeat)
			}
			if got := p.OffsetSyncsTopic("B"); got != c.offsetSyn {
				t.Errorf("OffsetSyncsTopic = %q; want %q", got, c.offsetSyn)
			}
			src, ok := p.TopicSource("t")
			if !ok {
				src = "-"
			}
			if src != c.source {
				t.Errorf("TopicSource(t) = %q; want %q", src, c.source)
			}
		})
	}
}

func TestNewReplicationPolicyUnknownClass(t *testing.T) {
	for _, name := range []string{"", "com.example.MyPolicy", "org.apache.kafka.connect.mirror.ReplicationPolicy"} {
		p, err := NewReplicationPolicy(name, nil)
		if p != nil || !errors.Is(err, ErrUnknownReplicationPolicy) {
			t.Fatalf("NewReplicationPolicy(%q) = %v, %v", name, p, err)
		}
		if !strings.Contains(err.Error(), `"`+name+`"`) || !strings.Contains(err.Error(), DefaultReplicationPolicyClass) {
			t.Errorf("error does not name the class and the alternatives: %v", err)
		}
	}
}
