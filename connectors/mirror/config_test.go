package mirror

import (
	"encoding/json"
	"errors"
	"maps"
	"os"
	"strconv"
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

// TestConfigDefMatchesJava compares the ConfigDef with Kafka 4.3.1's
// MirrorSourceConnector keys as Java's REST API lists them (the connector's
// own keys, without the framework's): same order, names, types, required
// flags, defaults and importance.
func TestConfigDefMatchesJava(t *testing.T) {
	keys := newSourceConfigDef().Keys()
	checkKeysMatchJava(t, "testdata/java-4.3.1-mirror-source-keys.json", keys)
}

// checkKeysMatchJava compares ConfigDef keys with a Kafka 4.3.1 connector's
// keys as Java's REST API lists them (the JSON testdata/MirrorKeys.java
// writes: the connector's own keys, without the framework's): same order,
// names, types, required flags, defaults and importance, and every key
// documented.
func checkKeysMatchJava(t *testing.T, path string, keys []*connect.ConfigKey) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var java []struct {
		Name       string  `json:"name"`
		Type       string  `json:"type"`
		Required   bool    `json:"required"`
		Default    *string `json:"default_value"`
		Importance string  `json:"importance"`
	}
	if err := json.Unmarshal(raw, &java); err != nil {
		t.Fatal(err)
	}
	if len(keys) != len(java) {
		t.Errorf("%d keys; Java has %d", len(keys), len(java))
	}
	for i := 0; i < len(keys) && i < len(java); i++ {
		k, j := keys[i], java[i]
		if k.Name != j.Name {
			t.Fatalf("key %d is %s; Java's is %s", i, k.Name, j.Name)
		}
		var dflt *string
		if !k.Required {
			dflt = connect.ConvertToString(k.Default)
		}
		if string(k.Type) != j.Type || k.Required != j.Required || string(k.Importance) != j.Importance || !equalPtr(dflt, j.Default) {
			t.Errorf("%s: type %s required %v default %s importance %s; Java: %s %v %s %s", k.Name,
				k.Type, k.Required, showPtr(dflt), k.Importance, j.Type, j.Required, showPtr(j.Default), j.Importance)
		}
		if k.Doc == "" {
			t.Errorf("%s has no documentation", k.Name)
		}
	}
}

func equalPtr(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func showPtr(p *string) string {
	if p == nil {
		return "null"
	}
	return strconv.Quote(*p)
}

// TestConfigValidationJavaMessages checks values against the messages
// Kafka 4.3.1's MirrorSourceConnector.validate gives for them (recorded
// from Java). An empty want means Java accepts the value.
func TestConfigValidationJavaMessages(t *testing.T) {
	cases := []struct{ key, value, want string }{
		{"topics", "a,a", "Configuration 'topics' values must not be duplicated."},
		{"topics", "", ""},
		{"topics", "a,,b", "Configuration 'topics' values must not be empty."},
		{"topics", " , ", "Configuration 'topics' values must not be duplicated."},
		{"topics.exclude", "", ""},
		{"config.properties.exclude", "", ""},
		{"config.properties.exclude", "x,x", "Configuration 'config.properties.exclude' values must not be duplicated."},
		{"metric.names.formats", "foo", "Invalid value foo for configuration metric.names.formats: String must be one of: legacy, new"},
		{"metric.names.formats", "", "Configuration 'metric.names.formats' must not be empty. Valid values include: [legacy, new]"},
		{"metric.names.formats", "legacy,new", ""},
		{"metric.names.formats", "new,new", "Configuration 'metric.names.formats' values must not be duplicated."},
		{"metric.names.formats", "legacy,,new", "Configuration 'metric.names.formats' values must not be empty."},
		{"metric.names.formats", "legacy, foo", "Invalid value foo for configuration metric.names.formats: String must be one of: legacy, new"},
		{"security.protocol", "tls", "Invalid value tls for configuration security.protocol: String must be one of (case insensitive): SASL_SSL, PLAINTEXT, SSL, SASL_PLAINTEXT"},
		{"security.protocol", "sasl_ssl", ""},
		{"ssl.cipher.suites", "a,a", "Configuration 'ssl.cipher.suites' values must not be duplicated."},
		{"ssl.enabled.protocols", "", ""},
		{"ssl.enabled.protocols", "TLSv1.2,", "Configuration 'ssl.enabled.protocols' values must not be empty."},
		{"config.providers", "a,a", "Configuration 'config.providers' values must not be duplicated."},
		{"metric.reporters", "", ""},
		{"metric.reporters", "a,a", "Configuration 'metric.reporters' values must not be duplicated."},
		{"sasl.oauthbearer.expected.audience", "a,a", "Configuration 'sasl.oauthbearer.expected.audience' values must not be duplicated."},
		{"sasl.login.refresh.window.factor", "0.1", "Invalid value 0.1 for configuration sasl.login.refresh.window.factor: Value must be at least 0.5"},
		{"sasl.login.refresh.window.jitter", "0.3", "Invalid value 0.3 for configuration sasl.login.refresh.window.jitter: Value must be no more than 0.25"},
		{"sasl.login.refresh.min.period.seconds", "1000", "Invalid value 1000 for configuration sasl.login.refresh.min.period.seconds: Value must be no more than 900"},
		{"sasl.login.refresh.buffer.seconds", "-1", "Invalid value -1 for configuration sasl.login.refresh.buffer.seconds: Value must be at least 0"},
		{"sasl.oauthbearer.assertion.algorithm", "x", "Invalid value x for configuration sasl.oauthbearer.assertion.algorithm: String must be one of (case insensitive): ES256, RS256"},
		{"sasl.oauthbearer.assertion.claim.exp.seconds", "-1", "Invalid value -1 for configuration sasl.oauthbearer.assertion.claim.exp.seconds: Value must be at least 0"},
		{"sasl.oauthbearer.assertion.claim.nbf.seconds", "3601", "Invalid value 3601 for configuration sasl.oauthbearer.assertion.claim.nbf.seconds: Value must be no more than 3600"},
		{"sasl.kerberos.ticket.renew.window.factor", "abc", "Invalid value abc for configuration sasl.kerberos.ticket.renew.window.factor: Not a number of type DOUBLE"},
		{"sasl.login.connect.timeout.ms", "x", "Invalid value x for configuration sasl.login.connect.timeout.ms: Not a number of type INT"},
		{"offset-syncs.topic.location", "Source", "Invalid value Source for configuration offset-syncs.topic.location: String must be one of: source, target"},
		{"topic.filter.class", "Nope", "Invalid value Nope for configuration topic.filter.class: Class Nope could not be found."},
		{"forwarding.admin.class", "Nope", "Invalid value Nope for configuration forwarding.admin.class: Class Nope could not be found."},
		{"config.property.filter.class", "Nope", "Invalid value Nope for configuration config.property.filter.class: Class Nope could not be found."},
		{"ssl.provider", "", ""},
		{"sasl.mechanism", "SCRAM-SHA-512", ""},
		{"sasl.jaas.config", "x required;", ""},
	}
	for _, tc := range cases {
		t.Run(tc.key+"="+tc.value, func(t *testing.T) {
			props := map[string]string{"name": "x", "source.cluster.alias": "A", tc.key: tc.value}
			var got []string
			for _, cv := range (&MirrorSourceConnector{}).Validate(props) {
				if cv.Name == tc.key {
					got = cv.Errors
				} else if len(cv.Errors) > 0 {
					t.Errorf("unexpected errors on %s: %v", cv.Name, cv.Errors)
				}
			}
			switch {
			case tc.want == "" && len(got) > 0:
				t.Errorf("errors %q; Java accepts the value", got)
			case tc.want != "" && (len(got) != 1 || !strings.HasPrefix(got[0], tc.want)):
				t.Errorf("errors %q; want one starting with %q", got, tc.want)
			}
		})
	}
}

func TestValidateEmitOffsetSyncs(t *testing.T) {
	const msg = "MirrorSourceConnector can't setup offset-syncs feature while emit.offset-syncs.enabled set to false"
	cases := []struct {
		extra map[string]string
		want  bool
	}{
		{map[string]string{"emit.offset-syncs.enabled": "false", "offset-syncs.topic.location": "target"}, true},
		{map[string]string{"emit.offset-syncs.enabled": "false", "offset-syncs-source-producer.acks": "1"}, true},
		{map[string]string{"emit.offset-syncs.enabled": "FALSE", "offset-syncs.topic.location": "target"}, false}, // Java compares "false" exactly
		{map[string]string{"emit.offset-syncs.enabled": "false"}, false},
		{map[string]string{"offset-syncs.topic.location": "target"}, false},
	}
	for _, tc := range cases {
		props := map[string]string{"source.cluster.alias": "A"}
		maps.Copy(props, tc.extra)
		var got []string
		for _, cv := range (&MirrorSourceConnector{}).Validate(props) {
			if cv.Name == "emit.offset-syncs.enabled" {
				got = cv.Errors
			}
		}
		if has := len(got) == 1 && got[0] == msg; has != tc.want || (!tc.want && len(got) > 0) {
			t.Errorf("%v: errors %q; want the offset-syncs error: %v", tc.extra, got, tc.want)
		}
	}
}

func TestClassKeysSelectFerryImplementations(t *testing.T) {
	for key, classes := range map[string][]string{
		"topic.filter.class":           {"org.apache.kafka.connect.mirror.DefaultTopicFilter", "DefaultTopicFilter"},
		"config.property.filter.class": {"org.apache.kafka.connect.mirror.DefaultConfigPropertyFilter", "DefaultConfigPropertyFilter"},
		"forwarding.admin.class":       {"org.apache.kafka.clients.admin.ForwardingAdmin", "ForwardingAdmin"},
		"replication.policy.class":     {"org.apache.kafka.connect.mirror.IdentityReplicationPolicy", "DefaultReplicationPolicy"},
	} {
		for _, class := range classes {
			if _, err := parseSourceConfig(newSourceConfigDef(), map[string]string{"source.cluster.alias": "A", key: class}); err != nil {
				t.Errorf("%s=%s: %v", key, class, err)
			}
		}
		_, err := parseSourceConfig(newSourceConfigDef(), map[string]string{"source.cluster.alias": "A", key: "com.example.Custom"})
		if err == nil || !strings.Contains(err.Error(), "Class com.example.Custom could not be found. Ferry provides org.apache.kafka.") {
			t.Errorf("%s=com.example.Custom: error %v does not name the classes Ferry provides", key, err)
		}
	}
}
