package mirror

import (
	"fmt"
	"strings"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
)

// Configuration keys, with the names of Java's MirrorConnectorConfig and
// MirrorSourceConfig.
const (
	keyName                          = "name" // Connect's connector name
	keyEnabled                       = "enabled"
	keySourceClusterAlias            = "source.cluster.alias"
	keyTargetClusterAlias            = "target.cluster.alias"
	keyAdminTimeoutMs                = "admin.timeout.ms"
	keyReplicationPolicyClass        = "replication.policy.class"
	keyReplicationPolicySeparator    = mirrorclient.SeparatorConfig
	keyInternalTopicSeparatorEnabled = mirrorclient.InternalTopicSeparatorEnabledConfig
	keyForwardingAdminClass          = "forwarding.admin.class"
	keyTopics                        = "topics"
	keyTopicsExclude                 = "topics.exclude"
	keyConsumerPollTimeoutMs         = "consumer.poll.timeout.ms"
	keyRefreshTopicsEnabled          = "refresh.topics.enabled"
	keyRefreshTopicsIntervalSeconds  = "refresh.topics.interval.seconds"
	keyReplicationFactor             = "replication.factor"
	keyHeartbeatsReplicationEnabled  = "heartbeats.replication.enabled"
	keyEmitOffsetSyncsEnabled        = "emit.offset-syncs.enabled"
	keyOffsetSyncsTopicLocation      = "offset-syncs.topic.location"
	keyOffsetSyncsReplicationFactor  = "offset-syncs.topic.replication.factor"
	keyConfigPropertiesExclude       = "config.properties.exclude"
	keySyncTopicConfigsEnabled       = "sync.topic.configs.enabled"
	keySyncTopicConfigsInterval      = "sync.topic.configs.interval.seconds"
	keySyncTopicAclsEnabled          = "sync.topic.acls.enabled"
	keySyncTopicAclsInterval         = "sync.topic.acls.interval.seconds"
	keyOffsetLagMax                  = "offset.lag.max"
	keyTopicFilterClass              = "topic.filter.class"
	keyConfigPropertyFilterClass     = "config.property.filter.class"
	keyMetricNamesFormats            = "metric.names.formats"

	// Task-only keys written by MirrorSourceConnector.TaskConfigs.
	keyTaskAssignedPartitions = "task.assigned.partitions"
	keyTaskIndex              = "task.index"
)

// Defaults, as in Java.
const (
	defaultTargetClusterAlias = "target"
	defaultTopics             = ".*"
	defaultTopicsExclude      = `mm2.*\.internal,.*\.replica,__.*` // Kafka 4.x's default
	defaultReplicationFactor  = 2
	// defaultForwardingAdminClass is KIP-787's ForwardingAdmin, which
	// forwards every call to the cluster's admin client.
	defaultForwardingAdminClass = "org.apache.kafka.clients.admin.ForwardingAdmin"
	// defaultConfigPropertiesExclude is Kafka 4.x's
	// DefaultConfigPropertyFilter.CONFIG_PROPERTIES_EXCLUDE_DEFAULT.
	defaultConfigPropertiesExclude = "follower.replication.throttled.replicas,leader.replication.throttled.replicas," +
		"message.timestamp.difference.max.ms,log.message.timestamp.before.max.ms,log.message.timestamp.after.max.ms," +
		"message.timestamp.type,unclean.leader.election.enable,min.insync.replicas"
)

// newSourceConfigDef returns MirrorSourceConnector's ConfigDef: every key of
// Kafka 4.3.1's MirrorSourceConfig, in Java's order, with Java's names,
// types, defaults, importance and validators. Keys it does not define
// (client overrides such as source.cluster.*, consumer.*) are accepted and
// ignored by ConfigDef.Parse, as in Java.
//
// Validation is Java's (types, required keys, lists without duplicates,
// resolvable classes) plus a few range checks for values Java accepts at
// validation time but fails on later (a zero timeout, a replication factor
// the broker must reject, a pattern Go's regexp cannot compile). Class keys
// accept the Java class names of the implementations Ferry provides.
func newSourceConfigDef() *connect.ConfigDef {
	low, high := connect.ImportanceLow, connect.ImportanceHigh
	return newBaseConfigDef().
		Define(connect.ConfigKey{Name: keyTopics, Type: connect.TypeListConfig, Default: defaultTopics,
			Validator: patternList(keyTopics), Importance: high,
			Doc: "Topics to replicate. Supports comma-separated topic names and regexes."}).
		Define(connect.ConfigKey{Name: keyTopicsExclude, Type: connect.TypeListConfig, Default: defaultTopicsExclude,
			Validator: patternList(keyTopicsExclude), Importance: high,
			Doc: "Excluded topics. Supports comma-separated topic names and regexes. Excludes take precedence over includes."}).
		Define(connect.ConfigKey{Name: keyConfigPropertiesExclude, Type: connect.TypeListConfig, Default: defaultConfigPropertiesExclude,
			Validator: patternList(keyConfigPropertiesExclude), Importance: high,
			Doc: "Topic config properties that should not be replicated. Supports comma-separated property names and regexes."}).
		Define(connect.ConfigKey{Name: keyTopicFilterClass, Type: connect.TypeClassConfig, Default: defaultTopicFilterClass,
			Validator: knownClass(defaultTopicFilterClass), Importance: low,
			Doc: "TopicFilter to use. Selects topics to replicate."}).
		Define(connect.ConfigKey{Name: keyConfigPropertyFilterClass, Type: connect.TypeClassConfig, Default: defaultConfigPropertyFilterClass,
			Validator: knownClass(defaultConfigPropertyFilterClass), Importance: low,
			Doc: "ConfigPropertyFilter to use. Selects topic config properties to replicate."}).
		Define(connect.ConfigKey{Name: keyConsumerPollTimeoutMs, Type: connect.TypeLongConfig, Default: int64(1000),
			Validator: connect.AtLeast(0), Importance: low, Doc: "Timeout when polling source cluster."}).
		Define(connect.ConfigKey{Name: keyRefreshTopicsEnabled, Type: connect.TypeBooleanConfig, Default: true,
			Importance: low, Doc: "Whether to periodically check for new topics and partitions."}).
		Define(connect.ConfigKey{Name: keyRefreshTopicsIntervalSeconds, Type: connect.TypeLongConfig, Default: int64(600),
			Validator: nonZero, Importance: low, Doc: "Frequency of topic refresh."}).
		Define(connect.ConfigKey{Name: keySyncTopicConfigsEnabled, Type: connect.TypeBooleanConfig, Default: true,
			Importance: low, Doc: "Whether to periodically configure remote topics to match their corresponding upstream topics."}).
		Define(connect.ConfigKey{Name: keySyncTopicConfigsInterval, Type: connect.TypeLongConfig, Default: int64(600), Validator: nonZero,
			Importance: low, Doc: "Frequency of topic config sync."}).
		Define(connect.ConfigKey{Name: keySyncTopicAclsEnabled, Type: connect.TypeBooleanConfig, Default: true,
			Importance: low, Doc: "Whether to periodically configure remote topic ACLs to match their corresponding upstream topics."}).
		Define(connect.ConfigKey{Name: keySyncTopicAclsInterval, Type: connect.TypeLongConfig, Default: int64(600), Validator: nonZero,
			Importance: low, Doc: "Frequency of topic ACL sync."}).
		Define(connect.ConfigKey{Name: keyReplicationFactor, Type: connect.TypeIntConfig, Default: int32(defaultReplicationFactor),
			Validator: replicationFactor, Importance: low,
			Doc: "Replication factor for newly created remote topics."}).
		Define(connect.ConfigKey{Name: keyOffsetSyncsReplicationFactor, Type: connect.TypeShortConfig, Default: int16(3),
			Validator: replicationFactor, Importance: low, Doc: "Replication factor for offset-syncs topic."}).
		Define(connect.ConfigKey{Name: keyOffsetLagMax, Type: connect.TypeLongConfig, Default: int64(100),
			Importance: low, Doc: "How out-of-sync a remote partition can be before it is resynced."}).
		Define(connect.ConfigKey{Name: keyOffsetSyncsTopicLocation, Type: connect.TypeStringConfig, Default: "source",
			Validator: connect.In("source", "target"), Importance: low,
			Doc: "The location (source/target) of the offset-syncs topic."}).
		Define(connect.ConfigKey{Name: keyEmitOffsetSyncsEnabled, Type: connect.TypeBooleanConfig, Default: true,
			Importance: low,
			Doc: "Whether to write offset syncs (upstream and downstream offsets of replicated records) to the offset-syncs topic. " +
				"MirrorCheckpointConnector needs them to emit checkpoints and sync group offsets."}).
		Define(connect.ConfigKey{Name: keyHeartbeatsReplicationEnabled, Type: connect.TypeBooleanConfig, Default: true,
			Importance: low,
			Doc: "Whether heartbeats topics (as the replication policy identifies them) are replicated even when the topic filter " +
				"does not select them. false replicates them only if the filter does."}).
		Define(connect.ConfigKey{Name: keyMetricNamesFormats, Type: connect.TypeListConfig, Default: "legacy",
			Validator: javaList(keyMetricNamesFormats, false, "legacy", "new"), Importance: low,
			Doc: "Deprecated. Formats of MirrorMaker's metric names, legacy and/or new. Ferry emits no MirrorMaker metrics yet: " +
				"the value is validated and not used."})
}

// newBaseConfigDef returns the keys every MirrorMaker connector has (Java's
// MirrorConnectorConfig.BASE_CONNECTOR_CONFIG_DEF), in Java's order: the
// flow's aliases, replication policy, admin timeout, forwarding admin and
// the client keys (metric reporters, security protocol, SSL and SASL).
func newBaseConfigDef() *connect.ConfigDef {
	low, high := connect.ImportanceLow, connect.ImportanceHigh
	d := connect.NewConfigDef().
		Define(connect.ConfigKey{Name: keyEnabled, Type: connect.TypeBooleanConfig, Default: true,
			Importance: low, Doc: "Whether to replicate source->target."}).
		Define(connect.ConfigKey{Name: keySourceClusterAlias, Type: connect.TypeStringConfig, Required: true,
			Importance: high, Doc: "Alias of source cluster"}).
		Define(connect.ConfigKey{Name: keyTargetClusterAlias, Type: connect.TypeStringConfig, Default: defaultTargetClusterAlias,
			Importance: high, Doc: "Alias of target cluster. Used in metrics reporting."}).
		Define(connect.ConfigKey{Name: keyAdminTimeoutMs, Type: connect.TypeLongConfig, Default: int64(60000),
			Validator: connect.AtLeast(1), Importance: low,
			Doc: "Timeout for administrative tasks, e.g. detecting new topics."}).
		Define(connect.ConfigKey{Name: keyReplicationPolicyClass, Type: connect.TypeClassConfig,
			Default: mirrorclient.DefaultReplicationPolicyClass, Validator: knownPolicyClass,
			Importance: low, Doc: "Class which defines the remote topic naming convention."}).
		Define(connect.ConfigKey{Name: keyReplicationPolicySeparator, Type: connect.TypeStringConfig,
			Default: mirrorclient.SeparatorDefault, Importance: low,
			Doc: "Separator used in remote topic naming convention."}).
		Define(connect.ConfigKey{Name: keyInternalTopicSeparatorEnabled, Type: connect.TypeBooleanConfig, Default: true,
			Importance: low,
			Doc: "Whether the names of MirrorMaker's internal topics (offset syncs, checkpoints) use replication.policy.separator. " +
				"false keeps \".\" in them with a custom separator, for compatibility with older versions."}).
		Define(connect.ConfigKey{Name: keyForwardingAdminClass, Type: connect.TypeClassConfig, Default: defaultForwardingAdminClass,
			Validator: knownClass(defaultForwardingAdminClass), Importance: low,
			Doc: "Class through which remote topics, partitions, configs and ACLs are managed (KIP-787). " +
				"Ferry provides the default, which calls the target cluster's admin API directly."})
	return defineClientKeys(d)
}

// newSourceTaskConfigDef is the connector's ConfigDef plus the keys
// TaskConfigs adds (Java's MirrorSourceTaskConfig).
func newSourceTaskConfigDef() *connect.ConfigDef {
	return newSourceConfigDef().
		Define(connect.ConfigKey{Name: keyTaskAssignedPartitions, Type: connect.TypeListConfig,
			Importance: connect.ImportanceLow, Doc: "Topic-partitions assigned to this task to replicate."}).
		Define(connect.ConfigKey{Name: keyTaskIndex, Type: connect.TypeIntConfig,
			Importance: connect.ImportanceLow, Doc: "The index of the task"})
}

// sourceConfig is a parsed MirrorSourceConnector (or task) configuration.
type sourceConfig struct {
	mirrorConfig

	filter                *topicFilter
	heartbeatsReplication bool
	replicationFactor     int16
	// refreshInterval is 0 when the topic refresh is disabled.
	refreshInterval time.Duration
	pollTimeout     time.Duration
	// Offset syncs: whether they are on, on which cluster their topic
	// lives ("source" or "target") and its replication factor.
	emitOffsetSyncs       bool
	offsetSyncsLocation   string
	offsetSyncsReplFactor int16
	// offsetLagMax is offset.lag.max: how far the downstream offset may
	// move past the last sync before a new one is emitted.
	offsetLagMax int64
	// configPropertiesExclude are the topic config names (regexes) never
	// copied to remote topics.
	configPropertiesExclude []string
	// propertyFilter is the config.property.filter.class instance; use
	// shouldReplicateConfigProperty.
	propertyFilter *configPropertyFilter
	// syncTopicConfigsInterval and syncTopicAclsInterval are 0 when that
	// sync is disabled.
	syncTopicConfigsInterval time.Duration
	syncTopicAclsInterval    time.Duration

	// partitions are a task's task.assigned.partitions.
	partitions []topicPartition
}

// parseSourceConfig parses props with def (the connector's or the task's
// ConfigDef). The error lists every invalid key.
func parseSourceConfig(def *connect.ConfigDef, props map[string]string) (*sourceConfig, error) {
	v := connect.Values{}
	var errs []string
	for _, cv := range validateSourceConfig(def, props) {
		v[cv.Name] = cv.Value
		errs = append(errs, cv.Errors...)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("invalid MirrorSourceConnector configuration: %w",
			&connect.KindError{Kind: connect.ErrBadRequest, Msg: strings.Join(errs, "\n")})
	}
	var err error
	base, err := parseBaseConfig(v, props)
	if err != nil {
		return nil, fmt.Errorf("invalid MirrorSourceConnector configuration: %w", err)
	}
	c := &sourceConfig{
		mirrorConfig:          base,
		heartbeatsReplication: v[keyHeartbeatsReplicationEnabled].(bool),
		replicationFactor:     int16(v[keyReplicationFactor].(int32)),
		pollTimeout:           time.Duration(v[keyConsumerPollTimeoutMs].(int64)) * time.Millisecond,
		emitOffsetSyncs:       v[keyEmitOffsetSyncsEnabled].(bool),
		offsetSyncsLocation:   v[keyOffsetSyncsTopicLocation].(string),
		offsetSyncsReplFactor: v[keyOffsetSyncsReplicationFactor].(int16),
	}
	if secs := v[keyRefreshTopicsIntervalSeconds].(int64); v[keyRefreshTopicsEnabled].(bool) && secs > 0 {
		c.refreshInterval = time.Duration(secs) * time.Second
	}
	c.offsetLagMax = v[keyOffsetLagMax].(int64)
	c.configPropertiesExclude = v[keyConfigPropertiesExclude].([]string)
	if secs := v[keySyncTopicConfigsInterval].(int64); v[keySyncTopicConfigsEnabled].(bool) && secs > 0 {
		c.syncTopicConfigsInterval = time.Duration(secs) * time.Second
	}
	if secs := v[keySyncTopicAclsInterval].(int64); v[keySyncTopicAclsEnabled].(bool) && secs > 0 {
		c.syncTopicAclsInterval = time.Duration(secs) * time.Second
	}
	if c.filter, err = newTopicFilter(v[keyTopics].([]string), v[keyTopicsExclude].([]string)); err != nil {
		return nil, fmt.Errorf("invalid MirrorSourceConnector configuration: %w", err)
	}
	if c.propertyFilter, err = newConfigPropertyFilter(c.configPropertiesExclude); err != nil {
		return nil, fmt.Errorf("invalid MirrorSourceConnector configuration: %w", err)
	}
	if list, ok := v[keyTaskAssignedPartitions].([]string); ok {
		seen := map[topicPartition]bool{}
		for _, s := range list {
			if s == "" {
				continue
			}
			tp, err := decodeTopicPartition(s)
			if err != nil {
				return nil, fmt.Errorf("invalid MirrorSourceTask configuration %s: %w", keyTaskAssignedPartitions, err)
			}
			// Java keeps the assignment in a Set.
			if !seen[tp] {
				seen[tp] = true
				c.partitions = append(c.partitions, tp)
			}
		}
	}
	return c, nil
}

// splitDefaultList splits a LIST default the way ConfigDef parses it.
func splitDefaultList(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

func copyProps(props map[string]string) map[string]string {
	out := make(map[string]string, len(props))
	for k, v := range props {
		out[k] = v
	}
	return out
}

// offsetSyncsTopic is the name of the offset-syncs topic: it is named after
// the other cluster of the flow (Java's MirrorSourceConfig.offsetSyncsTopic).
func (c *sourceConfig) offsetSyncsTopic() string {
	other := c.targetAlias
	if c.offsetSyncsLocation == "target" {
		other = c.sourceAlias
	}
	return c.policy.OffsetSyncsTopic(other)
}
