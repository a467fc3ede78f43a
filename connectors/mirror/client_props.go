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
	prefixConsumer       = "consumer."
	prefixAdmin          = "admin."
	prefixSourceConsumer = "source.consumer."
	prefixSourceAdmin    = "source.admin."
	prefixTargetAdmin    = "target.admin."
)

// Client roles, the last part of the client ids Java builds.
const (
	roleSourceAdmin = "replication-source-admin"
	roleTargetAdmin = "replication-target-admin"
	roleConsumer    = "replication-consumer"
)

// clusterClientKeys are the keys of Java's MirrorClientConfig.CLIENT_CONFIG_DEF:
// the only settings taken from source.cluster.* and target.cluster.*
// (connection and security). Anything else, client.id and timeouts
// included, must come through a role prefix such as consumer.* or admin.*.
var clusterClientKeys = func() map[string]bool {
	keys := []string{
		"bootstrap.servers", "security.protocol",
		// SslConfigs.addClientSslSupport
		"ssl.protocol", "ssl.provider", "ssl.cipher.suites", "ssl.enabled.protocols",
		"ssl.keystore.type", "ssl.keystore.location", "ssl.keystore.password", "ssl.key.password",
		"ssl.keystore.key", "ssl.keystore.certificate.chain", "ssl.truststore.certificates",
		"ssl.truststore.type", "ssl.truststore.location", "ssl.truststore.password",
		"ssl.keymanager.algorithm", "ssl.trustmanager.algorithm", "ssl.endpoint.identification.algorithm",
		"ssl.secure.random.implementation", "ssl.engine.factory.class",
		// SaslConfigs.addClientSaslSupport
		"sasl.kerberos.service.name", "sasl.kerberos.kinit.cmd", "sasl.kerberos.ticket.renew.window.factor",
		"sasl.kerberos.ticket.renew.jitter", "sasl.kerberos.min.time.before.relogin",
		"sasl.login.refresh.window.factor", "sasl.login.refresh.window.jitter",
		"sasl.login.refresh.min.period.seconds", "sasl.login.refresh.buffer.seconds",
		"sasl.mechanism", "sasl.jaas.config", "sasl.client.callback.handler.class",
		"sasl.login.callback.handler.class", "sasl.login.class", "sasl.login.connect.timeout.ms",
		"sasl.login.read.timeout.ms", "sasl.login.retry.backoff.max.ms", "sasl.login.retry.backoff.ms",
		"sasl.oauthbearer.scope.claim.name", "sasl.oauthbearer.sub.claim.name",
		"sasl.oauthbearer.token.endpoint.url", "sasl.oauthbearer.jwks.endpoint.url",
		"sasl.oauthbearer.jwks.endpoint.refresh.ms", "sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms",
		"sasl.oauthbearer.jwks.endpoint.retry.backoff.ms", "sasl.oauthbearer.clock.skew.seconds",
		"sasl.oauthbearer.expected.audience", "sasl.oauthbearer.expected.issuer",
		"sasl.oauthbearer.header.urlencode",
	}
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
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

// sourceAdminProps: source.cluster.*, then admin.*, then source.admin.*.
func (c *sourceConfig) sourceAdminProps(role string) map[string]string {
	out := clientProps(c.props, prefixSourceCluster, prefixAdmin, prefixSourceAdmin)
	c.addClientID(out, role)
	return out
}

// targetAdminProps: target.cluster.*, then admin.*, then target.admin.*.
func (c *sourceConfig) targetAdminProps(role string) map[string]string {
	out := clientProps(c.props, prefixTargetCluster, prefixAdmin, prefixTargetAdmin)
	c.addClientID(out, role)
	return out
}

// sourceConsumerProps: source.cluster.*, then consumer.*, then
// source.consumer.*; auto-commit is always off and auto.offset.reset
// defaults to earliest.
func (c *sourceConfig) sourceConsumerProps(role string) map[string]string {
	out := clientProps(c.props, prefixSourceCluster, prefixConsumer, prefixSourceConsumer)
	out["enable.auto.commit"] = "false"
	if _, ok := out["auto.offset.reset"]; !ok {
		out["auto.offset.reset"] = "earliest"
	}
	c.addClientID(out, role)
	return out
}

// addClientID sets client.id to "[<user client.id>|]<entity label>|<role>",
// as Java's addClientId.
func (c *sourceConfig) addClientID(props map[string]string, role string) {
	id := c.entityLabel() + "|" + role
	if user, ok := props["client.id"]; ok {
		id = user + "|" + id
	}
	props["client.id"] = id
}

// entityLabel is "<source>-><target>|<connector name>", with "-<task index>"
// appended in task configs ("-?" when the index is missing), as in Java.
func (c *sourceConfig) entityLabel() string {
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
