package mirror

import (
	"errors"
	"fmt"
	"math"
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
)

// newSourceConfigDef returns MirrorSourceConnector's ConfigDef: the keys this
// first cut implements, with Java's names, types, defaults and docs. Keys it
// does not define (the rest of MirrorSourceConfig, client overrides) are
// accepted and ignored by ConfigDef.Parse, as in Java.
//
// Validation is Java's (types, required keys, resolvable classes) plus a few
// range checks for values Java accepts at validation time but fails on later
// (a zero timeout, a replication factor the broker must reject, a pattern
// Go's regexp cannot compile).
func newSourceConfigDef() *connect.ConfigDef {
	return connect.NewConfigDef().
		Define(connect.ConfigKey{Name: keyEnabled, Type: connect.TypeBooleanConfig, Default: true,
			Importance: connect.ImportanceLow, Doc: "Whether to replicate source->target."}).
		Define(connect.ConfigKey{Name: keySourceClusterAlias, Type: connect.TypeStringConfig, Required: true,
			Importance: connect.ImportanceHigh, Doc: "Alias of source cluster"}).
		Define(connect.ConfigKey{Name: keyTargetClusterAlias, Type: connect.TypeStringConfig, Default: defaultTargetClusterAlias,
			Importance: connect.ImportanceHigh, Doc: "Alias of target cluster. Used in metrics reporting."}).
		Define(connect.ConfigKey{Name: keyAdminTimeoutMs, Type: connect.TypeLongConfig, Default: int64(60000),
			Validator: connect.AtLeast(1), Importance: connect.ImportanceLow,
			Doc: "Timeout for administrative tasks, e.g. detecting new topics."}).
		Define(connect.ConfigKey{Name: keyReplicationPolicyClass, Type: connect.TypeClassConfig,
			Default: mirrorclient.DefaultReplicationPolicyClass, Validator: knownPolicyClass,
			Importance: connect.ImportanceLow, Doc: "Class which defines the remote topic naming convention."}).
		Define(connect.ConfigKey{Name: keyReplicationPolicySeparator, Type: connect.TypeStringConfig,
			Default: mirrorclient.SeparatorDefault, Importance: connect.ImportanceLow,
			Doc: "Separator used in remote topic naming convention."}).
		Define(connect.ConfigKey{Name: keyInternalTopicSeparatorEnabled, Type: connect.TypeBooleanConfig, Default: true,
			Importance: connect.ImportanceLow,
			Doc: "Whether to use replication.policy.separator to control the names of topics used by MirrorMaker 2 internally. " +
				"Set to false to keep \".\" for internal topics when using a custom separator."}).
		Define(connect.ConfigKey{Name: keyTopics, Type: connect.TypeListConfig, Default: defaultTopics,
			Validator: compilablePatterns, Importance: connect.ImportanceHigh,
			Doc: "Topics to replicate. Supports comma-separated topic names and regexes."}).
		Define(connect.ConfigKey{Name: keyTopicsExclude, Type: connect.TypeListConfig, Default: defaultTopicsExclude,
			Validator: compilablePatterns, Importance: connect.ImportanceHigh,
			Doc: "Excluded topics. Supports comma-separated topic names and regexes. Excludes take precedence over includes."}).
		Define(connect.ConfigKey{Name: keyConsumerPollTimeoutMs, Type: connect.TypeLongConfig, Default: int64(1000),
			Validator: connect.AtLeast(0), Importance: connect.ImportanceLow, Doc: "Timeout when polling source cluster."}).
		Define(connect.ConfigKey{Name: keyRefreshTopicsEnabled, Type: connect.TypeBooleanConfig, Default: true,
			Importance: connect.ImportanceLow, Doc: "Whether to periodically check for new topics and partitions."}).
		Define(connect.ConfigKey{Name: keyRefreshTopicsIntervalSeconds, Type: connect.TypeLongConfig, Default: int64(600),
			Validator: nonZero, Importance: connect.ImportanceLow, Doc: "Frequency of topic refresh."}).
		Define(connect.ConfigKey{Name: keyReplicationFactor, Type: connect.TypeIntConfig, Default: int32(defaultReplicationFactor),
			Validator: replicationFactor, Importance: connect.ImportanceLow,
			Doc: "Replication factor for newly created remote topics."}).
		Define(connect.ConfigKey{Name: keyOffsetSyncsReplicationFactor, Type: connect.TypeShortConfig, Default: int16(3),
			Validator: replicationFactor, Importance: connect.ImportanceLow, Doc: "Replication factor for offset-syncs topic."}).
		Define(connect.ConfigKey{Name: keyOffsetSyncsTopicLocation, Type: connect.TypeStringConfig, Default: "source",
			Validator: connect.In("source", "target"), Importance: connect.ImportanceLow,
			Doc: "The location (source/target) of the offset-syncs topic."}).
		Define(connect.ConfigKey{Name: keyEmitOffsetSyncsEnabled, Type: connect.TypeBooleanConfig, Default: true,
			Importance: connect.ImportanceLow, Doc: "Whether to store the new offset of the replicated records in offset-syncs topic or not."}).
		Define(connect.ConfigKey{Name: keyHeartbeatsReplicationEnabled, Type: connect.TypeBooleanConfig, Default: true,
			Importance: connect.ImportanceLow,
			Doc: "Whether to replicate the heartbeats topics even when the topic filter does not include them. " +
				"If set to true, heartbeats topics identified by the replication policy will always be replicated, regardless of the topic filter configuration. " +
				"If set to false, heartbeats topics will only be replicated if the topic filter allows."})
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

// knownPolicyClass rejects replication policies Ferry does not provide, with
// the message Java's CLASS type gives for a missing class.
func knownPolicyClass(v any) error {
	s, _ := v.(string)
	if _, err := mirrorclient.NewReplicationPolicy(s, nil); err != nil {
		return fmt.Errorf("Class %s could not be found. Ferry provides %s and %s", s,
			mirrorclient.DefaultReplicationPolicyClass, mirrorclient.IdentityReplicationPolicyClass)
	}
	return nil
}

func compilablePatterns(v any) error {
	list, _ := v.([]string)
	if _, err := compilePatternList(list); err != nil {
		return err
	}
	return nil
}

// nonZero rejects 0; a negative refresh interval disables the refresh, as in
// Java, but a zero one makes Java's scheduler throw.
func nonZero(v any) error {
	if n, ok := v.(int64); ok && n == 0 {
		return errors.New("Value must not be 0 (use refresh.topics.enabled=false to disable the refresh)")
	}
	return nil
}

// replicationFactor accepts -1 (the target broker's default.replication.factor)
// or 1..32767, the values CreateTopics can carry.
func replicationFactor(v any) error {
	var n int64
	switch x := v.(type) {
	case int32:
		n = int64(x)
	case int16:
		n = int64(x)
	default:
		return nil
	}
	if n != -1 && (n < 1 || n > math.MaxInt16) {
		return fmt.Errorf("Value must be -1 (the broker default) or between 1 and %d", math.MaxInt16)
	}
	return nil
}

// sourceConfig is a parsed MirrorSourceConnector (or task) configuration.
type sourceConfig struct {
	// props are the configuration as given (Java's originals()); client
	// settings and task configs are derived from them.
	props map[string]string

	connectorName         string
	enabled               bool
	sourceAlias           string
	targetAlias           string
	policy                mirrorclient.ReplicationPolicy
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
	adminTimeout          time.Duration

	// Task-only settings.
	isTask     bool
	taskIndex  *int32
	partitions []topicPartition
}

// parseSourceConfig parses props with def (the connector's or the task's
// ConfigDef). The error lists every invalid key.
func parseSourceConfig(def *connect.ConfigDef, props map[string]string) (*sourceConfig, error) {
	v, err := def.Parse(props)
	if err != nil {
		return nil, fmt.Errorf("invalid MirrorSourceConnector configuration: %w", err)
	}
	c := &sourceConfig{
		props:                 copyProps(props),
		connectorName:         strings.TrimSpace(props[keyName]),
		enabled:               v[keyEnabled].(bool),
		sourceAlias:           v[keySourceClusterAlias].(string),
		targetAlias:           v[keyTargetClusterAlias].(string),
		heartbeatsReplication: v[keyHeartbeatsReplicationEnabled].(bool),
		replicationFactor:     int16(v[keyReplicationFactor].(int32)),
		pollTimeout:           time.Duration(v[keyConsumerPollTimeoutMs].(int64)) * time.Millisecond,
		adminTimeout:          time.Duration(v[keyAdminTimeoutMs].(int64)) * time.Millisecond,
		emitOffsetSyncs:       v[keyEmitOffsetSyncsEnabled].(bool),
		offsetSyncsLocation:   v[keyOffsetSyncsTopicLocation].(string),
		offsetSyncsReplFactor: v[keyOffsetSyncsReplicationFactor].(int16),
	}
	if secs := v[keyRefreshTopicsIntervalSeconds].(int64); v[keyRefreshTopicsEnabled].(bool) && secs > 0 {
		c.refreshInterval = time.Duration(secs) * time.Second
	}
	// The policy is configured from the original properties, as Java's
	// getConfiguredInstance does (so an unset separator means the default).
	if c.policy, err = mirrorclient.NewReplicationPolicy(v[keyReplicationPolicyClass].(string), props); err != nil {
		return nil, fmt.Errorf("invalid MirrorSourceConnector configuration: %w", err)
	}
	if c.filter, err = newTopicFilter(v[keyTopics].([]string), v[keyTopicsExclude].([]string)); err != nil {
		return nil, fmt.Errorf("invalid MirrorSourceConnector configuration: %w", err)
	}
	if idx, ok := v[keyTaskIndex].(int32); ok {
		c.taskIndex = &idx
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
