package mmconfig

import "strings"

// The client role prefixes of a cluster's settings.
var rolePrefixes = []string{"producer.", "consumer.", "admin."}

// clientConfigNames are the keys of Kafka 4.3.1's
// MirrorClientConfig.CLIENT_CONFIG_DEF: bootstrap.servers,
// security.protocol and the client ssl.* and sasl.* keys. Only these are
// copied from a cluster's settings, or the top level, to its clients.
var clientConfigNames = setOf(
	"bootstrap.servers", "security.protocol",
	"sasl.client.callback.handler.class", "sasl.jaas.config",
	"sasl.kerberos.kinit.cmd", "sasl.kerberos.min.time.before.relogin", "sasl.kerberos.service.name",
	"sasl.kerberos.ticket.renew.jitter", "sasl.kerberos.ticket.renew.window.factor",
	"sasl.login.callback.handler.class", "sasl.login.class", "sasl.login.connect.timeout.ms",
	"sasl.login.read.timeout.ms", "sasl.login.refresh.buffer.seconds",
	"sasl.login.refresh.min.period.seconds", "sasl.login.refresh.window.factor",
	"sasl.login.refresh.window.jitter", "sasl.login.retry.backoff.max.ms",
	"sasl.login.retry.backoff.ms", "sasl.mechanism", "sasl.oauthbearer.assertion.algorithm",
	"sasl.oauthbearer.assertion.claim.aud", "sasl.oauthbearer.assertion.claim.exp.seconds",
	"sasl.oauthbearer.assertion.claim.iss", "sasl.oauthbearer.assertion.claim.jti.include",
	"sasl.oauthbearer.assertion.claim.nbf.seconds", "sasl.oauthbearer.assertion.claim.sub",
	"sasl.oauthbearer.assertion.file", "sasl.oauthbearer.assertion.private.key.file",
	"sasl.oauthbearer.assertion.private.key.passphrase", "sasl.oauthbearer.assertion.template.file",
	"sasl.oauthbearer.client.credentials.client.id",
	"sasl.oauthbearer.client.credentials.client.secret", "sasl.oauthbearer.clock.skew.seconds",
	"sasl.oauthbearer.expected.audience", "sasl.oauthbearer.expected.issuer",
	"sasl.oauthbearer.header.urlencode", "sasl.oauthbearer.jwks.endpoint.refresh.ms",
	"sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms",
	"sasl.oauthbearer.jwks.endpoint.retry.backoff.ms", "sasl.oauthbearer.jwks.endpoint.url",
	"sasl.oauthbearer.jwt.retriever.class", "sasl.oauthbearer.jwt.validator.class",
	"sasl.oauthbearer.scope", "sasl.oauthbearer.scope.claim.name", "sasl.oauthbearer.sub.claim.name",
	"sasl.oauthbearer.token.endpoint.url",
	"ssl.cipher.suites", "ssl.enabled.protocols", "ssl.endpoint.identification.algorithm",
	"ssl.engine.factory.class", "ssl.key.password", "ssl.keymanager.algorithm",
	"ssl.keystore.certificate.chain", "ssl.keystore.key", "ssl.keystore.location",
	"ssl.keystore.password", "ssl.keystore.type", "ssl.protocol", "ssl.provider",
	"ssl.secure.random.implementation", "ssl.trustmanager.algorithm",
	"ssl.truststore.certificates", "ssl.truststore.location", "ssl.truststore.password",
	"ssl.truststore.type",
)

// workerKeyPrefixes select the top-level keys every herder's worker config
// takes (Java's workerConfig; a bare prefix such as "task" also takes
// tasks.max). config.providers* is added separately, after the references
// are resolved, as Java adds it.
var workerKeyPrefixes = []string{
	"offset.storage", "config.storage", "status.storage",
	"key.converter", "value.converter", "header.converter",
	"task", "worker", "replication.policy",
}

const byteArrayConverter = "org.apache.kafka.connect.converters.ByteArrayConverter"

// ClusterProps returns the settings of one cluster as Java's clusterProps
// builds them: every <alias>.* key with the alias stripped; each client key
// (clientConfigNames) given there is also copied under producer.,
// consumer. and admin. unless the cluster sets that one; then each
// top-level client key fills in the bare key and the three role keys the
// cluster left unset. So A.consumer.security.protocol beats
// A.security.protocol, which beats a top-level security.protocol.
//
// As in Java, an alias "clusters" does not list gets the top-level client
// keys only.
func (c *Config) ClusterProps(alias string) map[string]string {
	props := withPrefixStripped(c.raw, alias+".")
	for k := range clientConfigNames {
		if v, ok := props[k]; ok {
			for _, role := range rolePrefixes {
				putIfAbsent(props, role+k, v)
			}
		}
	}
	for k := range clientConfigNames {
		if v, ok := c.raw[k]; ok {
			for _, role := range rolePrefixes {
				putIfAbsent(props, role+k, v)
			}
			putIfAbsent(props, k, v)
		}
	}
	return props
}

// WorkerConfig returns the worker config of the flow's herder, as Java's
// workerConfig builds it: the target cluster's settings (ClusterProps),
// overridden by the top-level offset.storage*, config.storage*,
// status.storage*, key.converter*, value.converter*, header.converter*,
// task*, worker*, replication.policy* and config.providers* keys, then
// defaults for what is still unset: client.id "A->B", group.id "A-mm2",
// the topics mm2-offsets.A.internal, mm2-status.A.internal and
// mm2-configs.A.internal (A being the source), and ByteArrayConverter for
// keys, values and headers. Per-herder worker settings go in the target's
// settings (B.group.id, B.offset.flush.timeout.ms).
//
// As in Java, the ${provider:[path:]key} references of these settings
// come resolved with the file's config.providers (resolved once, by
// Parse), and the config.providers* keys are passed on as written, so
// that the worker resolves the references of the connector configs with
// the same providers.
func (c *Config) WorkerConfig(f Flow) map[string]string {
	props := c.ClusterProps(f.Target)
	for _, p := range workerKeyPrefixes {
		for k, v := range withPrefix(c.raw, p) {
			props[k] = v
		}
	}
	props = c.resolve(props)
	for k, v := range withPrefix(c.raw, keyConfigProviders) {
		props[k] = v
	}
	putIfAbsent(props, "client.id", f.String())
	putIfAbsent(props, "group.id", f.Source+"-mm2")
	putIfAbsent(props, "offset.storage.topic", "mm2-offsets."+f.Source+".internal")
	putIfAbsent(props, "status.storage.topic", "mm2-status."+f.Source+".internal")
	putIfAbsent(props, "config.storage.topic", "mm2-configs."+f.Source+".internal")
	putIfAbsent(props, "key.converter", byteArrayConverter)
	putIfAbsent(props, "value.converter", byteArrayConverter)
	putIfAbsent(props, "header.converter", byteArrayConverter)
	return props
}

// withPrefix returns the entries whose key starts with prefix, keys kept
// (Java's Utils.entriesWithPrefix(map, prefix, false, true)).
func withPrefix(m map[string]string, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if strings.HasPrefix(k, prefix) {
			out[k] = v
		}
	}
	return out
}

// withPrefixStripped returns the entries whose key starts with prefix and
// goes on after it, prefix removed (Java's Utils.entriesWithPrefix(map,
// prefix)).
func withPrefixStripped(m map[string]string, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if len(k) > len(prefix) && strings.HasPrefix(k, prefix) {
			out[k[len(prefix):]] = v
		}
	}
	return out
}

func putIfAbsent(m map[string]string, k, v string) {
	if _, ok := m[k]; !ok {
		m[k] = v
	}
}

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}
