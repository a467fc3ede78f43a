package mmconfig

import "strings"

// The connectors every herder runs, by Java class name.
const (
	SourceConnector     = "org.apache.kafka.connect.mirror.MirrorSourceConnector"
	HeartbeatConnector  = "org.apache.kafka.connect.mirror.MirrorHeartbeatConnector"
	CheckpointConnector = "org.apache.kafka.connect.mirror.MirrorCheckpointConnector"
)

// ConnectorClasses are the three connectors of each flow, in the order of
// Java's MirrorMaker.CONNECTOR_CLASSES.
var ConnectorClasses = []string{SourceConnector, HeartbeatConnector, CheckpointConnector}

// connectorConfigNames are the keys of Kafka 4.3.1's MirrorSourceConnector,
// MirrorCheckpointConnector and MirrorHeartbeatConnector together
// (MirrorMakerConfig.allConfigNames: Connect's connector keys, the
// MirrorMaker keys, and every client key but bootstrap.servers). Top-level
// keys among them reach every connector config.
var connectorConfigNames = func() map[string]bool {
	m := setOf(
		"admin.timeout.ms", "checkpoints.topic.replication.factor", "config.action.reload",
		"config.properties.exclude", "config.property.filter.class", "config.providers",
		"connector.class", "connector.plugin.version", "consumer.poll.timeout.ms",
		"emit.checkpoints.enabled", "emit.checkpoints.interval.seconds", "emit.heartbeats.enabled",
		"emit.heartbeats.interval.seconds", "emit.offset-syncs.enabled", "enabled", "errors.log.enable",
		"errors.log.include.messages", "errors.retry.delay.max.ms", "errors.retry.timeout",
		"errors.tolerance", "forwarding.admin.class", "group.filter.class", "groups", "groups.exclude",
		"header.converter", "header.converter.plugin.version", "heartbeats.replication.enabled",
		"heartbeats.topic.replication.factor", "key.converter", "key.converter.plugin.version",
		"metric.names.formats", "metric.reporters", "name", "offset-syncs.topic.location",
		"offset-syncs.topic.replication.factor", "offset.lag.max", "predicates", "refresh.groups.enabled",
		"refresh.groups.interval.seconds", "refresh.topics.enabled", "refresh.topics.interval.seconds",
		"replication.factor", "replication.policy.class",
		"replication.policy.internal.topic.separator.enabled", "replication.policy.separator",
		"source.cluster.alias", "sync.group.offsets.enabled", "sync.group.offsets.interval.seconds",
		"sync.topic.acls.enabled", "sync.topic.acls.interval.seconds", "sync.topic.configs.enabled",
		"sync.topic.configs.interval.seconds", "target.cluster.alias", "tasks.max", "tasks.max.enforce",
		"topic.filter.class", "topics", "topics.exclude", "transforms", "value.converter",
		"value.converter.plugin.version",
	)
	for k := range clientConfigNames {
		if k != keyBootstrap {
			m[k] = true
		}
	}
	return m
}()

// ConnectorConfig returns the config of one of the flow's connectors, as
// Java's connectorBaseConfig builds it, later steps winning:
//
//  1. the top-level keys that any MirrorMaker connector defines
//     (topics, tasks.max, replication.factor, security.protocol, ...);
//  2. the top-level config.providers* and replication.policy* keys;
//  3. the source cluster's settings (ClusterProps) as source.cluster.<key>,
//     except its producer*, consumer* and admin* keys, which become
//     source.<key>; then the target's likewise (target.cluster.*,
//     target.*);
//  4. name (the class's simple name), connector.class, source.cluster.alias
//     and target.cluster.alias, if still unset;
//  5. the flow's own settings, A->B.<key> as <key>;
//  6. enabled = false, if still unset: only a flow enabled with
//     A->B.enabled = true runs its connectors for replication.
//
// connectorClass is a Java class name, normally one of ConnectorClasses.
// Config provider references are left unresolved, as Java leaves them.
func (c *Config) ConnectorConfig(f Flow, connectorClass string) map[string]string {
	props := map[string]string{}
	for k, v := range c.raw {
		if connectorConfigNames[k] {
			props[k] = v
		}
	}
	for _, p := range []string{keyConfigProviders, "replication.policy"} {
		for k, v := range withPrefix(c.raw, p) {
			props[k] = v
		}
	}
	addCluster(props, "source.", c.ClusterProps(f.Source))
	addCluster(props, "target.", c.ClusterProps(f.Target))

	putIfAbsent(props, keyName, simpleClassName(connectorClass))
	putIfAbsent(props, keyConnectorClass, connectorClass)
	putIfAbsent(props, "source.cluster.alias", f.Source)
	putIfAbsent(props, "target.cluster.alias", f.Target)

	for k, v := range withPrefixStripped(c.raw, f.prefix()) {
		props[k] = v
	}
	putIfAbsent(props, keyEnabled, "false")
	return props
}

// addCluster copies a cluster's settings into a connector config under
// side ("source." or "target."): client role keys as side+key, the others
// as side+"cluster."+key.
func addCluster(props map[string]string, side string, cluster map[string]string) {
	for k, v := range cluster {
		if isClientRoleKey(k) {
			props[side+k] = v
		} else {
			props[side+"cluster."+k] = v
		}
	}
}

// isClientRoleKey is Java's test key.matches("(^consumer.*|^producer.*|^admin.*)"):
// the key starts with consumer, producer or admin (no dot needed) and, as
// "." matches no line terminator, has none.
func isClientRoleKey(k string) bool {
	var rest string
	switch {
	case strings.HasPrefix(k, "consumer"):
		rest = k[len("consumer"):]
	case strings.HasPrefix(k, "producer"):
		rest = k[len("producer"):]
	case strings.HasPrefix(k, "admin"):
		rest = k[len("admin"):]
	default:
		return false
	}
	return !strings.ContainsAny(rest, "\n\r\u0085\u2028\u2029")
}

// simpleClassName is Java's Class.getSimpleName for a class name:
// the part after the last "." and, for a nested class, after the last "$".
func simpleClassName(class string) string {
	s := class[strings.LastIndex(class, ".")+1:]
	return s[strings.LastIndex(s, "$")+1:]
}
