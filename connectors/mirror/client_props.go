package mirror

import (
	"strconv"
	"strings"
)

// Prefixes of client settings in a MirrorMaker connector config (Java's
// MirrorConnectorConfig and MirrorMakerConfig).
const (
	prefixSourceCluster  = "source.cluster."
	prefixTargetCluster  = "target.cluster."
	prefixProducer       = "producer."
	prefixConsumer       = "consumer."
	prefixAdmin          = "admin."
	prefixSourceProducer = "source.producer."
	prefixSourceConsumer = "source.consumer."
	prefixSourceAdmin    = "source.admin."
	prefixTargetProducer = "target.producer."
	prefixTargetConsumer = "target.consumer."
	prefixTargetAdmin    = "target.admin."
)

// Client roles, the last part of the client ids Java builds.
const (
	roleSourceAdmin = "replication-source-admin"
	roleTargetAdmin = "replication-target-admin"
	roleConsumer    = "replication-consumer"
	// The offset-syncs topic's admin, by the cluster holding it (Java's
	// OFFSET_SYNCS_SOURCE_ADMIN_ROLE and OFFSET_SYNCS_TARGET_ADMIN_ROLE).
	roleOffsetSyncsSourceAdmin = "offset-syncs-source-admin"
	roleOffsetSyncsTargetAdmin = "offset-syncs-target-admin"
)

// clusterClientKeys are the keys of Kafka 4.3.1's
// MirrorClientConfig.CLIENT_CONFIG_DEF: bootstrap.servers,
// security.protocol and every ssl.* and sasl.* client key. They are the only
// settings taken from source.cluster.* and target.cluster.* (connection and
// security). Anything else, client.id and timeouts included, must come
// through a role prefix such as consumer.* or admin.*.
var clusterClientKeys = func() map[string]bool {
	m := map[string]bool{"bootstrap.servers": true}
	for _, k := range clientKeys {
		if k.name == "security.protocol" || strings.HasPrefix(k.name, "ssl.") || strings.HasPrefix(k.name, "sasl.") {
			m[k.name] = true
		}
	}
	return m
}()

// clientProps builds one client's settings with Java's precedence: the
// cluster's connection settings (clusterPrefix, only clusterClientKeys),
// then each role prefix in order, later ones overriding earlier ones.
func clientProps(props map[string]string, clusterPrefix string, rolePrefixes ...string) map[string]string {
	out := map[string]string{}
	for k, v := range withPrefix(props, clusterPrefix) {
		if clusterClientKeys[k] {
			out[k] = v
		}
	}
	for _, p := range rolePrefixes {
		for k, v := range withPrefix(props, p) {
			out[k] = v
		}
	}
	return out
}

// withPrefix is Java's originalsWithPrefix: the entries whose key starts with
// prefix, with the prefix removed.
func withPrefix(props map[string]string, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range props {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			out[rest] = v
		}
	}
	return out
}

// The client settings of each role, as Java's MirrorConnectorConfig builds
// them: the cluster's connection settings (source.cluster.* or
// target.cluster.*, only clusterClientKeys), then the role's prefix for
// every cluster (producer., consumer., admin.), then the role's prefix for
// this cluster (source.consumer., target.admin., ...), later ones winning,
// and client.id labelled with the flow and the role. The un-prefixed
// security.protocol, ssl.* and sasl.* keys of the connector config are not
// used, as in Java (MirrorMaker's dedicated mode copies its top-level client
// settings into source.cluster.* and target.cluster.* itself).

// sourceAdminProps is Java's sourceAdminConfig.
func (c *mirrorConfig) sourceAdminProps(role string) map[string]string {
	return c.roleProps(prefixSourceCluster, prefixAdmin, prefixSourceAdmin, role)
}

// targetAdminProps is Java's targetAdminConfig.
func (c *mirrorConfig) targetAdminProps(role string) map[string]string {
	return c.roleProps(prefixTargetCluster, prefixAdmin, prefixTargetAdmin, role)
}

// sourceProducerProps is Java's sourceProducerConfig.
func (c *mirrorConfig) sourceProducerProps(role string) map[string]string {
	return c.roleProps(prefixSourceCluster, prefixProducer, prefixSourceProducer, role)
}

// targetProducerProps is Java's targetProducerConfig.
func (c *mirrorConfig) targetProducerProps(role string) map[string]string {
	return c.roleProps(prefixTargetCluster, prefixProducer, prefixTargetProducer, role)
}

// sourceConsumerProps is Java's sourceConsumerConfig: auto-commit is always
// off and auto.offset.reset defaults to earliest.
func (c *mirrorConfig) sourceConsumerProps(role string) map[string]string {
	return c.consumerProps(prefixSourceCluster, prefixSourceConsumer, role)
}

// targetConsumerProps is Java's targetConsumerConfig, with the consumer
// defaults of sourceConsumerProps.
func (c *mirrorConfig) targetConsumerProps(role string) map[string]string {
	return c.consumerProps(prefixTargetCluster, prefixTargetConsumer, role)
}

// offsetSyncsAdminProps is Java's offsetSyncsTopicAdminConfig: the admin of
// the cluster holding the offset-syncs topic (offset-syncs.topic.location).
func (c *sourceConfig) offsetSyncsAdminProps() map[string]string {
	if c.offsetSyncsLocation == "target" {
		return c.targetAdminProps(roleOffsetSyncsTargetAdmin)
	}
	return c.sourceAdminProps(roleOffsetSyncsSourceAdmin)
}

func (c *mirrorConfig) consumerProps(clusterPrefix, sidePrefix, role string) map[string]string {
	out := clientProps(c.props, clusterPrefix, prefixConsumer, sidePrefix)
	out["enable.auto.commit"] = "false"
	if _, ok := out["auto.offset.reset"]; !ok {
		out["auto.offset.reset"] = "earliest"
	}
	c.addClientID(out, role)
	return out
}

func (c *mirrorConfig) roleProps(clusterPrefix, rolePrefix, sidePrefix, role string) map[string]string {
	out := clientProps(c.props, clusterPrefix, rolePrefix, sidePrefix)
	c.addClientID(out, role)
	return out
}

// addClientID sets client.id to "[<user client.id>|]<entity label>|<role>",
// as Java's addClientId.
func (c *mirrorConfig) addClientID(props map[string]string, role string) {
	id := c.entityLabel() + "|" + role
	if user, ok := props["client.id"]; ok {
		id = user + "|" + id
	}
	props["client.id"] = id
}

// entityLabel is "<source>-><target>|<connector name>", with "-<task index>"
// appended in task configs ("-?" when the index is missing), as in Java.
func (c *mirrorConfig) entityLabel() string {
	label := c.sourceAlias + "->" + c.targetAlias + "|" + c.connectorName
	if c.isTask {
		if c.taskIndex != nil {
			label += "-" + strconv.FormatInt(int64(*c.taskIndex), 10)
		} else {
			label += "-?"
		}
	}
	return label
}
