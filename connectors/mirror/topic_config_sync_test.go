package mirror

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/test/testkit"
)

// sourceTopicEntries is a source topic's DescribeConfigs answer with one
// entry of every kind targetConfig tells apart.
var sourceTopicEntries = []sarama.ConfigEntry{
	{Name: "retention.ms", Value: "3600000", Source: sarama.SourceTopic},
	{Name: "retention.bytes", Value: "1000", Source: sarama.SourceDynamicBroker},
	{Name: "compression.type", Value: "lz4", Source: sarama.SourceDynamicDefaultBroker},
	{Name: "segment.bytes", Value: "8388608", Source: sarama.SourceStaticBroker},
	{Name: "cleanup.policy", Value: "delete", Source: sarama.SourceDefault, Default: true},
	{Name: "max.message.bytes", Value: "1048588", Source: sarama.SourceTopic, ReadOnly: true},
	{Name: "secret.thing", Value: "", Source: sarama.SourceTopic, Sensitive: true},
	{Name: "min.insync.replicas", Value: "2", Source: sarama.SourceTopic},                              // excluded by default
	{Name: "message.timestamp.type", Value: "CreateTime", Source: sarama.SourceDefault, Default: true}, // excluded by default
}

func TestNewTopicConfigs(t *testing.T) {
	cases := []struct {
		name  string
		props map[string]string
		want  map[string]string
	}{
		{
			name: "defaults: topic and dynamic broker values, no defaults",
			want: map[string]string{"retention.ms": "3600000", "retention.bytes": "1000", "compression.type": "lz4"},
		},
		{
			name:  "use.defaults.from=source also copies source defaults",
			props: map[string]string{"use.defaults.from": " source "},
			want: map[string]string{"retention.ms": "3600000", "retention.bytes": "1000", "compression.type": "lz4",
				"cleanup.policy": "delete"},
		},
		{
			name:  "use.defaults.from=target is the default",
			props: map[string]string{"use.defaults.from": "target"},
			want:  map[string]string{"retention.ms": "3600000", "retention.bytes": "1000", "compression.type": "lz4"},
		},
		{
			name:  "config.properties.exclude replaces the default list",
			props: map[string]string{"config.properties.exclude": `retention\..*`},
			want:  map[string]string{"compression.type": "lz4", "min.insync.replicas": "2"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := selectionConfig(t, tc.props).newTopicConfigs(sourceTopicEntries)
			if !maps.Equal(got, tc.want) {
				t.Errorf("newTopicConfigs = %v; want %v", got, tc.want)
			}
		})
	}
}

func TestTopicConfigOps(t *testing.T) {
	set := func(v string) sarama.IncrementalAlterConfigsEntry {
		return sarama.IncrementalAlterConfigsEntry{Operation: sarama.IncrementalAlterConfigsOperationSet, Value: &v}
	}
	del := sarama.IncrementalAlterConfigsEntry{Operation: sarama.IncrementalAlterConfigsOperationDelete}
	cases := []struct {
		name  string
		props map[string]string
		want  map[string]sarama.IncrementalAlterConfigsEntry
	}{
		{
			name: "defaults are deleted on the target",
			want: map[string]sarama.IncrementalAlterConfigsEntry{
				"retention.ms": set("3600000"), "retention.bytes": set("1000"), "compression.type": set("lz4"),
				"cleanup.policy": del,
			},
		},
		{
			name:  "use.defaults.from=source sets them",
			props: map[string]string{"use.defaults.from": "source"},
			want: map[string]sarama.IncrementalAlterConfigsEntry{
				"retention.ms": set("3600000"), "retention.bytes": set("1000"), "compression.type": set("lz4"),
				"cleanup.policy": set("delete"),
			},
		},
		{
			name:  "excluded properties are neither set nor deleted",
			props: map[string]string{"config.properties.exclude": "cleanup.policy,retention.ms,compression.type"},
			want: map[string]sarama.IncrementalAlterConfigsEntry{
				"retention.bytes": set("1000"), "min.insync.replicas": set("2"), "message.timestamp.type": del,
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := selectionConfig(t, tc.props).topicConfigOps(sourceTopicEntries)
			if len(got) != len(tc.want) {
				t.Errorf("ops %v; want %v", describeOps(got), describeOps(tc.want))
			}
			for name, w := range tc.want {
				g, ok := got[name]
				if !ok || g.Operation != w.Operation || (w.Value != nil) != (g.Value != nil) ||
					(w.Value != nil && *w.Value != *g.Value) {
					t.Errorf("ops %v; want %v", describeOps(got), describeOps(tc.want))
					break
				}
			}
		})
	}
}

func describeOps(ops map[string]sarama.IncrementalAlterConfigsEntry) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(ops)) {
		e := ops[k]
		switch {
		case e.Operation == sarama.IncrementalAlterConfigsOperationDelete:
			parts = append(parts, "DELETE "+k)
		case e.Value != nil:
			parts = append(parts, "SET "+k+"="+*e.Value)
		default:
			parts = append(parts, fmt.Sprintf("op %d %s", e.Operation, k))
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// topicConfig returns a topic config's value and where it comes from.
func topicConfig(t *testing.T, admin sarama.ClusterAdmin, topic, name string) (string, sarama.ConfigSource, error) {
	t.Helper()
	entries, err := kafkaclient.DescribeTopicConfig(admin, topic, name)
	if err != nil {
		return "", 0, err
	}
	for _, e := range entries {
		if e.Name == name {
			return e.Value, e.Source, nil
		}
	}
	return "", 0, fmt.Errorf("%s has no config %s", topic, name)
}

// wantTopicConfig is a polling condition: topic's config name has value,
// set on the topic itself (or not set on it when value is "").
func wantTopicConfig(t *testing.T, admin sarama.ClusterAdmin, topic, name, value string) error {
	t.Helper()
	v, src, err := topicConfig(t, admin, topic, name)
	switch {
	case err != nil:
		return err
	case value == "" && src == sarama.SourceTopic:
		return fmt.Errorf("%s: %s=%s is set on the topic; want it unset", topic, name, v)
	case value != "" && (src != sarama.SourceTopic || v != value):
		return fmt.Errorf("%s: %s=%s (source %v); want %s set on the topic", topic, name, v, src, value)
	}
	return nil
}

func alterTopicConfig(t *testing.T, admin sarama.ClusterAdmin, topic string, set map[string]string, remove ...string) {
	t.Helper()
	entries := map[string]sarama.IncrementalAlterConfigsEntry{}
	for k, v := range set {
		entries[k] = sarama.IncrementalAlterConfigsEntry{Operation: sarama.IncrementalAlterConfigsOperationSet, Value: &v}
	}
	for _, k := range remove {
		entries[k] = sarama.IncrementalAlterConfigsEntry{Operation: sarama.IncrementalAlterConfigsOperationDelete}
	}
	if err := admin.IncrementalAlterConfig(sarama.TopicResource, topic, entries, false); err != nil {
		t.Fatalf("alter configs of %s: %v", topic, err)
	}
}

func createTopicWithConfigs(t *testing.T, admin sarama.ClusterAdmin, topic string, partitions int32, configs map[string]string) {
	t.Helper()
	entries := map[string]*string{}
	for k, v := range configs {
		entries[k] = &v
	}
	if err := admin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: partitions, ReplicationFactor: 1, ConfigEntries: entries}, false); err != nil {
		t.Fatalf("create %s: %v", topic, err)
	}
}

func TestConnectorCreatesRemoteTopicsWithSourceConfigs(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	tgt := testkit.NewCluster(t, 1)
	srcAdmin, tgtAdmin := newAdmin(t, src), newAdmin(t, tgt)
	createTopicWithConfigs(t, srcAdmin, "orders", 2, map[string]string{
		"retention.ms":        "3600000",
		"cleanup.policy":      "compact",
		"min.insync.replicas": "1", // in the default config.properties.exclude
	})
	props := baseProps(src, tgt)
	props["sync.topic.configs.enabled"] = "false"
	startConnector(t, props)

	for name, value := range map[string]string{"retention.ms": "3600000", "cleanup.policy": "compact", "min.insync.replicas": ""} {
		if err := wantTopicConfig(t, tgtAdmin, "source.orders", name, value); err != nil {
			t.Error(err)
		}
	}
	if parts, _ := topicCounts(t, tgtAdmin); parts["source.orders"] != 2 {
		t.Errorf("source.orders has %d partitions; want 2", parts["source.orders"])
	}
}

func TestConnectorSyncsTopicConfigs(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	tgt := testkit.NewCluster(t, 1)
	srcAdmin, tgtAdmin := newAdmin(t, src), newAdmin(t, tgt)
	createTopicWithConfigs(t, srcAdmin, "orders", 1, map[string]string{"retention.ms": "3600000"})
	createTopics(t, srcAdmin, map[string]int32{"payments": 1})
	props := baseProps(src, tgt)
	props["sync.topic.configs.interval.seconds"] = "1"
	props["refresh.topics.interval.seconds"] = "1"
	props["config.properties.exclude"] = `segment\.ms`
	_, cctx := startConnector(t, props)

	// A target-only override of an excluded property is left alone.
	alterTopicConfig(t, tgtAdmin, "source.orders", map[string]string{"segment.ms": "1234"})
	// Changes on the source reach the target: a new value, a new
	// override, an excluded property (not copied), and on another topic.
	alterTopicConfig(t, srcAdmin, "orders", map[string]string{"retention.ms": "7200000", "retention.bytes": "1048576", "segment.ms": "999"})
	alterTopicConfig(t, srcAdmin, "payments", map[string]string{"cleanup.policy": "compact"})
	testkit.Eventually(t, 10*time.Second, func() error {
		for _, c := range []struct{ topic, name, value string }{
			{"source.orders", "retention.ms", "7200000"},
			{"source.orders", "retention.bytes", "1048576"},
			{"source.payments", "cleanup.policy", "compact"},
		} {
			if err := wantTopicConfig(t, tgtAdmin, c.topic, c.name, c.value); err != nil {
				return err
			}
		}
		return nil
	})
	if err := wantTopicConfig(t, tgtAdmin, "source.orders", "segment.ms", "1234"); err != nil {
		t.Errorf("excluded property: %v", err)
	}

	// An override removed on the source is removed on the target.
	alterTopicConfig(t, srcAdmin, "orders", nil, "retention.bytes")
	testkit.Eventually(t, 10*time.Second, func() error {
		return wantTopicConfig(t, tgtAdmin, "source.orders", "retention.bytes", "")
	})

	// A topic created later is created with its configs and then synced.
	createTopicWithConfigs(t, srcAdmin, "fresh", 1, map[string]string{"retention.ms": "60000"})
	testkit.Eventually(t, 10*time.Second, func() error {
		return wantTopicConfig(t, tgtAdmin, "source.fresh", "retention.ms", "60000")
	})
	alterTopicConfig(t, srcAdmin, "fresh", map[string]string{"retention.ms": "120000"})
	testkit.Eventually(t, 10*time.Second, func() error {
		return wantTopicConfig(t, tgtAdmin, "source.fresh", "retention.ms", "120000")
	})
	if errs := cctx.raisedErrors(); len(errs) > 0 {
		t.Fatalf("connector raised %v", errs)
	}
}

func TestConnectorSyncsSourceDefaults(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	tgt := testkit.NewCluster(t, 1)
	srcAdmin, tgtAdmin := newAdmin(t, src), newAdmin(t, tgt)
	createTopics(t, srcAdmin, map[string]int32{"orders": 1})
	createTopicWithConfigs(t, tgtAdmin, "source.orders", 1, map[string]string{"retention.ms": "1000"})
	props := baseProps(src, tgt)
	props["sync.topic.configs.interval.seconds"] = "1"
	props["use.defaults.from"] = "source"
	startConnector(t, props)
	// The source's default is written onto the target topic.
	testkit.Eventually(t, 10*time.Second, func() error {
		return wantTopicConfig(t, tgtAdmin, "source.orders", "retention.ms", "604800000")
	})
}

func TestConnectorConfigSyncSkipsRefusedTopics(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	tgt := testkit.NewCluster(t, 1)
	srcAdmin, tgtAdmin := newAdmin(t, src), newAdmin(t, tgt)
	createTopics(t, srcAdmin, map[string]int32{"orders": 1, "payments": 1})
	tgt.Kfake().Fault(kfake.Fault{
		Keys:     []kmsg.Key{kmsg.IncrementalAlterConfigs},
		Resource: "source.orders",
		Err:      kerr.PolicyViolation,
		Count:    -1,
	})
	props := baseProps(src, tgt)
	props["sync.topic.configs.interval.seconds"] = "1"
	_, cctx := startConnector(t, props)
	alterTopicConfig(t, srcAdmin, "orders", map[string]string{"retention.ms": "7200000"})
	alterTopicConfig(t, srcAdmin, "payments", map[string]string{"retention.ms": "7200000"})
	testkit.Eventually(t, 10*time.Second, func() error {
		return wantTopicConfig(t, tgtAdmin, "source.payments", "retention.ms", "7200000")
	})
	if err := wantTopicConfig(t, tgtAdmin, "source.orders", "retention.ms", ""); err != nil {
		t.Errorf("refused topic: %v", err)
	}
	if errs := cctx.raisedErrors(); len(errs) > 0 {
		t.Fatalf("a refused topic failed the connector: %v", errs)
	}
}

func TestConnectorConfigSyncFailsOnIncompatibleTarget(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	tgt := testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"orders": 1})
	tgt.Kfake().Fault(kfake.Fault{
		Keys:  []kmsg.Key{kmsg.IncrementalAlterConfigs},
		Err:   kerr.UnsupportedVersion,
		Count: -1,
	})
	props := baseProps(src, tgt)
	props["sync.topic.configs.interval.seconds"] = "1"
	_, cctx := startConnector(t, props)
	testkit.Eventually(t, 10*time.Second, func() error {
		errs := cctx.raisedErrors()
		if len(errs) == 0 {
			return fmt.Errorf("nothing raised")
		}
		if want := "the target cluster 'target' is not compatible with IncrementalAlterConfigs API"; !strings.Contains(errs[0].Error(), want) {
			t.Fatalf("raised %q; want it to contain %q", errs[0], want)
		}
		return nil
	})
}

func TestTopicsBeingReplicated(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	tgt := testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"orders": 2, "payments": 1})
	props := baseProps(src, tgt)
	props["sync.topic.configs.enabled"] = "false"
	c, _ := startConnector(t, props)
	if err := newAdmin(t, tgt).DeleteTopic("source.payments"); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		got, err := c.topicsBeingReplicated(context.Background())
		if err != nil {
			return err
		}
		if strings.Join(got, ",") != "orders" {
			return fmt.Errorf("topics being replicated %v; want [orders]", got)
		}
		return nil
	})
}
