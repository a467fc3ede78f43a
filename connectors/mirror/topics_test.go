package mirror

import (
	"context"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ferrykafka/ferry/test/testkit"
)

func selectionConfig(t *testing.T, props map[string]string) *sourceConfig {
	t.Helper()
	all := map[string]string{"source.cluster.alias": "A", "target.cluster.alias": "B"}
	for k, v := range props {
		all[k] = v
	}
	c, err := parseSourceConfig(newSourceConfigDef(), all)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestShouldReplicateTopic(t *testing.T) {
	cases := []struct {
		name  string
		props map[string]string
		want  map[string]bool
	}{
		{
			name: "defaults",
			want: map[string]bool{
				"orders":                      true,
				"C.orders":                    true,  // from a third cluster: replicate
				"B.orders":                    false, // came from the target: cycle
				"C.B.orders":                  false, // came from the target two hops ago
				"B.":                          true,  // "B." is a local topic (Java split)
				"heartbeats":                  true,
				"C.heartbeats":                true,
				"B.heartbeats":                false, // cycle wins over heartbeats
				"__consumer_offsets":          false,
				".hidden":                     false,
				"mm2-offsets.A.internal":      false,
				"mm2-offset-syncs.B.internal": false,
				"A.checkpoints.internal":      false,
				"connect-status-internal":     false,
				"orders.replica":              false, // default topics.exclude
			},
		},
		{
			name:  "topics filter still lets heartbeats through",
			props: map[string]string{"topics": "orders"},
			want: map[string]bool{
				"orders": true, "payments": false, "heartbeats": true, "C.heartbeats": true, "B.heartbeats": false,
			},
		},
		{
			name:  "heartbeats replication disabled",
			props: map[string]string{"topics": "orders", "heartbeats.replication.enabled": "false"},
			want:  map[string]bool{"orders": true, "heartbeats": false, "C.heartbeats": false},
		},
		{
			name:  "exclude beats include",
			props: map[string]string{"topics": "orders.*", "topics.exclude": "orders-secret"},
			want:  map[string]bool{"orders": true, "orders-1": true, "orders-secret": false, "xorders": false},
		},
		{
			name:  "empty include list replicates only heartbeats",
			props: map[string]string{"topics": ""},
			want:  map[string]bool{"orders": false, "heartbeats": true},
		},
		{
			name:  "custom separator",
			props: map[string]string{"replication.policy.separator": "_"},
			want:  map[string]bool{"B_orders": false, "B.orders": true, "C_B_orders": false, "C_heartbeats": true},
		},
		{
			name:  "identity policy cannot see cycles",
			props: map[string]string{"replication.policy.class": "org.apache.kafka.connect.mirror.IdentityReplicationPolicy"},
			want:  map[string]bool{"orders": true, "B.orders": true, "B.heartbeats": false, "C.heartbeats": true},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := selectionConfig(t, tc.props)
			for topic, want := range tc.want {
				if got := c.shouldReplicateTopic(topic); got != want {
					t.Errorf("shouldReplicateTopic(%q) = %v; want %v", topic, got, want)
				}
			}
		})
	}
}

func TestDiffPartitions(t *testing.T) {
	added, removed := diffPartitions(
		[]topicPartition{{"a", 0}, {"a", 1}, {"b", 0}},
		[]topicPartition{{"a", 0}, {"c", 0}, {"c", 1}},
	)
	if added != 2 || removed != 2 {
		t.Errorf("added %d removed %d; want 2 and 2", added, removed)
	}
}

func TestCreateRemoteTopicsWhenSourceConfigsCannotBeRead(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	tgt := testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"orders": 2, "denied": 1})
	props := baseProps(src, tgt)
	props["topics"] = "nothing-at-start"
	props["sync.topic.configs.enabled"] = "false"
	props["sync.topic.acls.enabled"] = "false"
	c, _ := startConnector(t, props)
	src.Kfake().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.DescribeConfigs}, Resource: "denied", Err: kerr.TopicAuthorizationFailed, Count: -1})

	// "gone" was listed but deleted before its configs were read: skipped.
	err := c.createRemoteTopics(context.Background(), map[string]int32{"orders": 2, "denied": 1, "gone": 1}, map[string]int32{})
	if err == nil {
		t.Fatal("no error for a topic whose configs could not be read")
	}
	for _, w := range []string{`"denied"`, `source cluster "source"`, "authorized"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	if strings.Contains(err.Error(), "gone") {
		t.Errorf("a deleted source topic is reported: %v", err)
	}
	parts, _ := topicCounts(t, newAdmin(t, tgt))
	if parts["source.orders"] != 2 {
		t.Errorf("source.orders has %d partitions; want 2", parts["source.orders"])
	}
	for _, topic := range []string{"source.denied", "source.gone"} {
		if _, ok := parts[topic]; ok {
			t.Errorf("%s created", topic)
		}
	}
}
