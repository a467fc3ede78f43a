package mmconfig

// The role prefixes of MirrorClientConfig (ADMIN_CLIENT_PREFIX,
// CONSUMER_CLIENT_PREFIX, PRODUCER_CLIENT_PREFIX).
const (
	adminClientPrefix    = "admin."
	consumerClientPrefix = "consumer."
	producerClientPrefix = "producer."
)

// ClientConfig is the configuration of the clients that reach one cluster
// of the file, as Java's MirrorMakerConfig.clientConfig(alias) builds it:
// a MirrorClientConfig, the config of MirrorClient and RemoteClusterUtils
// ("use to connect to a cluster based on the MirrorMaker top-level config
// file").
//
// Its settings are every setting of the file (Originals) overridden by the
// cluster's own (ClusterProps). The clients take from them only the client
// keys (bootstrap.servers, security.protocol and the client ssl.* and
// sasl.* keys of Java's MirrorClientConfig.CLIENT_CONFIG_DEF), each role
// preferring its prefixed key: see AdminConfig.
//
// As in Java, ${provider:[path:]key} references come resolved with the
// file's config.providers (resolved once, by Parse).
//
// It differs from Java's in what Java's ConfigDef does when it parses the
// settings: values are kept as written (Java trims strings, splits lists
// and parses numbers), the clients' defaults are not filled in (Java adds
// e.g. security.protocol = PLAINTEXT) and nothing is validated (Java
// rejects e.g. A.security.protocol = TLS when it builds the config; here
// the client that reads the value does).
type ClientConfig struct {
	props map[string]string
}

// ClientConfig returns the client configuration of the cluster alias
// (Java's clientConfig(alias)). As in Java, an alias that "clusters" does
// not list is not an error: its settings are the top-level ones only (see
// ClusterProps).
func (c *Config) ClientConfig(alias string) *ClientConfig {
	props := copyMap(c.raw)
	for k, v := range c.ClusterProps(alias) {
		props[k] = v
	}
	return &ClientConfig{props: c.resolve(props)}
}

// Originals returns every setting of the client configuration (Java's
// originals()): the file's settings overridden by ClusterProps(alias),
// references resolved.
// MirrorClientConfig reads its replication policy from them
// (replication.policy.class, replication.policy.separator,
// replication.policy.internal.topic.separator.enabled), so that
// <alias>.replication.policy.* beats the top-level keys.
func (cc *ClientConfig) Originals() map[string]string { return copyMap(cc.props) }

// AdminConfig returns the settings of the cluster's admin clients (Java's
// adminConfig()): for each client key, admin.<key> if set, else <key>.
// With ClusterProps' layering that makes <alias>.admin.<key> beat
// <alias>.<key>, which beats a top-level <key>. Keys set nowhere are
// absent (Java fills in the defaults).
func (cc *ClientConfig) AdminConfig() map[string]string { return cc.roleConfig(adminClientPrefix) }

// ConsumerConfig returns the settings of the cluster's consumers (Java's
// consumerConfig()), as AdminConfig does with consumer.<key>:
// <alias>.consumer.<key> beats <alias>.<key>, which beats a top-level
// <key>.
func (cc *ClientConfig) ConsumerConfig() map[string]string {
	return cc.roleConfig(consumerClientPrefix)
}

// ProducerConfig returns the settings of the cluster's producers (Java's
// producerConfig()), as AdminConfig does with producer.<key>.
func (cc *ClientConfig) ProducerConfig() map[string]string {
	return cc.roleConfig(producerClientPrefix)
}

// roleConfig is MirrorClientConfig.clientConfig(prefix):
// valuesWithPrefixOverride(prefix) (the prefixed setting, else the plain
// one) kept to the CLIENT_CONFIG_DEF names, unset keys dropped.
func (cc *ClientConfig) roleConfig(prefix string) map[string]string {
	out := map[string]string{}
	for k := range clientConfigNames {
		if v, ok := cc.props[prefix+k]; ok {
			out[k] = v
		} else if v, ok := cc.props[k]; ok {
			out[k] = v
		}
	}
	return out
}
