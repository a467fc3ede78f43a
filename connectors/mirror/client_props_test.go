package mirror

import (
	"maps"
	"testing"
)

// TestClientPropsMatchJava feeds the props below to Kafka 4.3.1's
// MirrorSourceConfig and to Ferry: the client settings of every role must be
// the ones Java's MirrorConnectorConfig built (recorded from Java).
func TestClientPropsMatchJava(t *testing.T) {
	props := map[string]string{
		"name": "n", "source.cluster.alias": "A", "target.cluster.alias": "B",
		// Top-level client keys are not applied to MirrorMaker's clients.
		"security.protocol":       "SSL",
		"ssl.truststore.location": "/top",
		// Cluster settings: only connection and security keys survive.
		"source.cluster.bootstrap.servers":  "s:1",
		"source.cluster.security.protocol":  "SASL_SSL",
		"source.cluster.client.id":          "cid",
		"source.cluster.request.timeout.ms": "5",
		"target.cluster.bootstrap.servers":  "t:1",
		// Role prefixes beat cluster settings; cluster-specific role
		// prefixes beat the general ones.
		"consumer.security.protocol":      "SASL_PLAINTEXT",
		"consumer.fetch.min.bytes":        "3",
		"source.consumer.fetch.min.bytes": "4",
		"admin.request.timeout.ms":        "7",
		"target.admin.request.timeout.ms": "8",
		"producer.acks":                   "1",
		"target.producer.acks":            "all",
		"source.producer.linger.ms":       "9",
		"consumer.enable.auto.commit":     "true",
		"consumer.auto.offset.reset":      "latest",
		"consumer.client.id":              "u",
	}
	c, err := parseSourceConfig(newSourceConfigDef(), props)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		got  map[string]string
		want map[string]string
	}{
		{"sourceConsumerConfig", c.sourceConsumerProps("role"), map[string]string{"auto.offset.reset": "latest", "bootstrap.servers": "s:1",
			"client.id": "u|A->B|n|role", "enable.auto.commit": "false", "fetch.min.bytes": "4", "security.protocol": "SASL_PLAINTEXT"}},
		{"sourceAdminConfig", c.sourceAdminProps("role"), map[string]string{"bootstrap.servers": "s:1", "client.id": "A->B|n|role",
			"request.timeout.ms": "7", "security.protocol": "SASL_SSL"}},
		{"targetAdminConfig", c.targetAdminProps("role"), map[string]string{"bootstrap.servers": "t:1", "client.id": "A->B|n|role",
			"request.timeout.ms": "8"}},
		{"sourceProducerConfig", c.sourceProducerProps("role"), map[string]string{"acks": "1", "bootstrap.servers": "s:1",
			"client.id": "A->B|n|role", "linger.ms": "9", "security.protocol": "SASL_SSL"}},
		{"targetProducerConfig", c.targetProducerProps("role"), map[string]string{"acks": "all", "bootstrap.servers": "t:1",
			"client.id": "A->B|n|role"}},
		{"targetConsumerConfig", c.targetConsumerProps("role"), map[string]string{"auto.offset.reset": "latest", "bootstrap.servers": "t:1",
			"client.id": "u|A->B|n|role", "enable.auto.commit": "false", "fetch.min.bytes": "3", "security.protocol": "SASL_PLAINTEXT"}},
		{"offsetSyncsTopicAdminConfig", c.offsetSyncsAdminProps(), map[string]string{"bootstrap.servers": "s:1",
			"client.id": "A->B|n|offset-syncs-source-admin", "request.timeout.ms": "7", "security.protocol": "SASL_SSL"}},
	} {
		if !maps.Equal(tc.got, tc.want) {
			t.Errorf("%s:\n got %v\nwant %v", tc.name, tc.got, tc.want)
		}
	}

	props["offset-syncs.topic.location"] = "target"
	c, err = parseSourceConfig(newSourceConfigDef(), props)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.offsetSyncsAdminProps(), (map[string]string{"bootstrap.servers": "t:1",
		"client.id": "A->B|n|offset-syncs-target-admin", "request.timeout.ms": "8"}); !maps.Equal(got, want) {
		t.Errorf("offset-syncs admin on the target:\n got %v\nwant %v", got, want)
	}
}

// TestClusterClientKeys: every security key of Kafka 4.3.1's
// CLIENT_CONFIG_DEF passes from source.cluster.*; other keys do not.
func TestClusterClientKeys(t *testing.T) {
	if len(clusterClientKeys) != 66 { // MirrorClientConfig.CLIENT_CONFIG_DEF.names().size() in 4.3.1
		t.Errorf("%d cluster client keys; Java has 66", len(clusterClientKeys))
	}
	for _, k := range []string{"bootstrap.servers", "security.protocol", "ssl.truststore.location", "ssl.keystore.key",
		"sasl.jaas.config", "sasl.mechanism", "sasl.oauthbearer.jwt.retriever.class", "sasl.oauthbearer.header.urlencode"} {
		if !clusterClientKeys[k] {
			t.Errorf("%s is not a cluster client key", k)
		}
	}
	for _, k := range []string{"client.id", "request.timeout.ms", "metric.reporters", "config.providers", "acks"} {
		if clusterClientKeys[k] {
			t.Errorf("%s is a cluster client key; Java keeps only connection and security keys", k)
		}
	}
}
