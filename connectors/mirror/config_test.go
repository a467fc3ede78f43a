package mirror

import (
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
)

func TestConfigDefaults(t *testing.T) {
	c, err := parseSourceConfig(newSourceConfigDef(), map[string]string{"source.cluster.alias": "A", "name": "flow"})
	if err != nil {
		t.Fatal(err)
	}
	if !c.enabled || c.sourceAlias != "A" || c.targetAlias != "target" || c.connectorName != "flow" {
		t.Errorf("enabled/aliases/name = %v %q %q %q", c.enabled, c.sourceAlias, c.targetAlias, c.connectorName)
	}
	if c.replicationFactor != 2 || !c.heartbeatsReplication {
		t.Errorf("replication factor %d, heartbeats replication %v", c.replicationFactor, c.heartbeatsReplication)
	}
	if c.refreshInterval != 600*time.Second || c.pollTimeout != time.Second || c.adminTimeout != time.Minute {
		t.Errorf("refresh %v, poll %v, admin %v", c.refreshInterval, c.pollTimeout, c.adminTimeout)
	}
	if _, ok := c.policy.(*mirrorclient.DefaultReplicationPolicy); !ok || c.policy.FormatRemoteTopic("A", "t") != "A.t" {
		t.Errorf("policy = %T", c.policy)
	}
	// Default topics.exclude.
	for topic, want := range map[string]bool{
		"orders": true, "mm2-offset-syncs.a.internal": false, "mm2-configs.b.internal": false, "a.replica": false, "__x": false,
		"a-internal": true, "a.internal": true, "internal": true, "a_internal": true, "replica": true, "_x": true,
	} {
		if got := c.filter.shouldReplicateTopic(topic); got != want {
			t.Errorf("default filter on %q = %v; want %v", topic, got, want)
		}
	}

	// The ConfigDef shows Java's defaults.
	def := newSourceConfigDef()
	for key, want := range map[string]string{
		"target.cluster.alias":                                "target",
		"topics":                                              ".*",
		"topics.exclude":                                      `mm2.*\.internal,.*\.replica,__.*`,
		"replication.policy.class":                            mirrorclient.DefaultReplicationPolicyClass,
		"replication.policy.separator":                        ".",
		"replication.factor":                                  "2",
		"refresh.topics.enabled":                              "true",
		"refresh.topics.interval.seconds":                     "600",
		"heartbeats.replication.enabled":                      "true",
		"consumer.poll.timeout.ms":                            "1000",
		"admin.timeout.ms":                                    "60000",
		"replication.policy.internal.topic.separator.enabled": "true",
	} {
		k := def.Key(key)
		if k == nil {
			t.Errorf("key %s not defined", key)
			continue
		}
		if got := connect.ConvertToString(k.Default); got == nil || *got != want {
			t.Errorf("default of %s = %v; want %q", key, got, want)
		}
	}
	if k := def.Key("source.cluster.alias"); k == nil || !k.Required {
		t.Error("source.cluster.alias is not required")
	}
}

func TestConfigValues(t *testing.T) {
	c, err := parseSourceConfig(newSourceConfigDef(), map[string]string{
		"source.cluster.alias":         "A",
		"target.cluster.alias":         "B",
		"topics":                       "orders, pay.*",
		"topics.exclude":               "",
		"replication.policy.class":     "IdentityReplicationPolicy",
		"replication.policy.separator": "_",
		"replication.policy.internal.topic.separator.enabled": "false",
		"replication.factor":              "-1",
		"refresh.topics.interval.seconds": "5",
		"heartbeats.replication.enabled":  "false",
		"consumer.poll.timeout.ms":        "0",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.targetAlias != "B" || c.replicationFactor != -1 || c.heartbeatsReplication || c.refreshInterval != 5*time.Second || c.pollTimeout != 0 {
		t.Errorf("parsed %+v", c)
	}
	if got := c.policy.FormatRemoteTopic("A", "heartbeats"); got != "A_heartbeats" {
		t.Errorf("identity policy heartbeats topic = %q", got)
	}
	if got, ok := c.policy.TopicSource("orders"); !ok || got != "A" {
		t.Errorf("identity policy does not know its source alias: %q %v", got, ok)
	}
	if got := c.policy.OffsetSyncsTopic("B"); got != "mm2-offset-syncs.B.internal" {
		t.Errorf("internal separator disabled, offset syncs topic = %q", got)
	}
	for topic, want := range map[string]bool{"orders": true, "payments": true, "orders2": false, "x.orders": false, "a-internal": false} {
		if got := c.filter.shouldReplicateTopic(topic); got != want {
			t.Errorf("filter on %q = %v; want %v", topic, got, want)
		}
	}

	// Refresh disabled by flag or by a negative interval (Java).
	for _, props := range []map[string]string{
		{"source.cluster.alias": "A", "refresh.topics.enabled": "false"},
		{"source.cluster.alias": "A", "refresh.topics.interval.seconds": "-1"},
	} {
		c, err := parseSourceConfig(newSourceConfigDef(), props)
		if err != nil || c.refreshInterval != 0 {
			t.Errorf("%v: refresh interval %v, %v; want disabled", props, c.refreshInterval, err)
		}
	}
}

func TestConfigValidationErrors(t *testing.T) {
	cases := []struct {
		key, value string
		want       string
	}{
		{"source.cluster.alias", "", `Missing required configuration "source.cluster.alias" which has no default value.`},
		{"replication.factor", "two", "Invalid value two for configuration replication.factor: Not a number of type INT"},
		{"replication.factor", "0", "Invalid value 0 for configuration replication.factor: Value must be -1"},
		{"replication.factor", "40000", "Invalid value 40000 for configuration replication.factor"},
		{"refresh.topics.enabled", "yes", "Invalid value yes for configuration refresh.topics.enabled: Expected value to be either true or false"},
		{"refresh.topics.interval.seconds", "0", "Invalid value 0 for configuration refresh.topics.interval.seconds: Value must not be 0"},
		{"admin.timeout.ms", "0", "Invalid value 0 for configuration admin.timeout.ms: Value must be at least 1"},
		{"consumer.poll.timeout.ms", "-5", "Invalid value -5 for configuration consumer.poll.timeout.ms: Value must be at least 0"},
		{"replication.policy.class", "com.example.Custom", "Invalid value com.example.Custom for configuration replication.policy.class: Class com.example.Custom could not be found."},
		{"topics", "(unclosed", "Invalid value (unclosed for configuration topics: invalid regular expression"},
		{"topics.exclude", "a(?=b)", "configuration topics.exclude: invalid regular expression"},
	}
	for _, tc := range cases {
		t.Run(tc.key+"="+tc.value, func(t *testing.T) {
			props := map[string]string{"source.cluster.alias": "A"}
			if tc.key == "source.cluster.alias" {
				delete(props, tc.key)
			} else {
				props[tc.key] = tc.value
			}
			_, err := parseSourceConfig(newSourceConfigDef(), props)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v; want it to contain %q", err, tc.want)
			}
			if !errors.Is(err, connect.ErrBadRequest) {
				t.Errorf("error is not a bad request: %v", err)
			}
			// The same ConfigDef drives the REST validation.
			var found bool
			for _, cv := range newSourceConfigDef().Validate(props) {
				if cv.Name == tc.key && len(cv.Errors) > 0 {
					found = true
				}
			}
			if !found {
				t.Errorf("Validate reports no error on %s", tc.key)
			}
		})
	}
}

func TestTaskConfigParsing(t *testing.T) {
	props := map[string]string{
		"source.cluster.alias":     "A",
		"task.assigned.partitions": "my-topic-12, a--1,my-topic-12",
		"task.index":               "3",
	}
	c, err := parseSourceConfig(newSourceTaskConfigDef(), props)
	if err != nil {
		t.Fatal(err)
	}
	want := []topicPartition{{"my-topic", 12}, {"a-", 1}}
	if len(c.partitions) != 2 || c.partitions[0] != want[0] || c.partitions[1] != want[1] {
		t.Errorf("partitions = %v; want %v", c.partitions, want)
	}
	if c.taskIndex == nil || *c.taskIndex != 3 {
		t.Errorf("task index = %v", c.taskIndex)
	}
	props["task.assigned.partitions"] = "orders-0,nodash"
	if _, err := parseSourceConfig(newSourceTaskConfigDef(), props); err == nil || !strings.Contains(err.Error(), `"nodash"`) {
		t.Errorf("bad partition: %v", err)
	}
}

func TestClientPropsPrecedence(t *testing.T) {
	props := map[string]string{
		"name":                                   "flow",
		"source.cluster.alias":                   "A",
		"target.cluster.alias":                   "B",
		"source.cluster.bootstrap.servers":       "a:9092",
		"source.cluster.security.protocol":       "SASL_PLAINTEXT",
		"source.cluster.sasl.mechanism":          "PLAIN",
		"source.cluster.client.id":               "dropped", // not a cluster connection key in Java
		"source.cluster.request.timeout.ms":      "1",       // idem
		"target.cluster.bootstrap.servers":       "b:9092",
		"consumer.request.timeout.ms":            "2000",     // all consumers
		"source.consumer.request.timeout.ms":     "3000",     // source consumers win
		"consumer.enable.auto.commit":            "true",     // always forced off
		"consumer.client.id":                     "user",     // prefixes the generated id
		"admin.retry.backoff.ms":                 "10",       // all admins
		"source.admin.retry.backoff.ms":          "20",       // source admin wins
		"target.admin.metadata.max.age.ms":       "30",       // target admin only
		"admin.sasl.mechanism":                   "OVERRIDE", // role prefixes beat cluster settings
		"target.producer.unrelated":              "x",
		"consumer.poll.timeout.ms":               "5", // a connector key that looks like a consumer key
		"source.cluster.ssl.truststore.location": "/tmp/ca.pem",
	}
	c, err := parseSourceConfig(newSourceConfigDef(), props)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, got, want map[string]string) {
		t.Helper()
		if !maps.Equal(got, want) {
			t.Errorf("%s props:\n got %v\nwant %v", name, got, want)
		}
	}
	check("source consumer", c.sourceConsumerProps(roleConsumer), map[string]string{
		"bootstrap.servers":       "a:9092",
		"security.protocol":       "SASL_PLAINTEXT",
		"sasl.mechanism":          "PLAIN",
		"ssl.truststore.location": "/tmp/ca.pem",
		"request.timeout.ms":      "3000",
		"enable.auto.commit":      "false",
		"auto.offset.reset":       "earliest",
		"poll.timeout.ms":         "5",
		"client.id":               "user|A->B|flow|replication-consumer",
	})
	check("source admin", c.sourceAdminProps(roleSourceAdmin), map[string]string{
		"bootstrap.servers":       "a:9092",
		"security.protocol":       "SASL_PLAINTEXT",
		"sasl.mechanism":          "OVERRIDE",
		"ssl.truststore.location": "/tmp/ca.pem",
		"retry.backoff.ms":        "20",
		"client.id":               "A->B|flow|replication-source-admin",
	})
	check("target admin", c.targetAdminProps(roleTargetAdmin), map[string]string{
		"bootstrap.servers":   "b:9092",
		"sasl.mechanism":      "OVERRIDE",
		"retry.backoff.ms":    "10",
		"metadata.max.age.ms": "30",
		"client.id":           "A->B|flow|replication-target-admin",
	})

	// Tasks label their clients with the task index.
	props["task.index"] = "2"
	props["source.consumer.auto.offset.reset"] = "latest"
	tc, err := parseSourceConfig(newSourceTaskConfigDef(), props)
	if err != nil {
		t.Fatal(err)
	}
	tc.isTask = true
	got := tc.sourceConsumerProps(roleConsumer)
	if got["client.id"] != "user|A->B|flow-2|replication-consumer" || got["auto.offset.reset"] != "latest" {
		t.Errorf("task consumer client.id %q, auto.offset.reset %q", got["client.id"], got["auto.offset.reset"])
	}
}
