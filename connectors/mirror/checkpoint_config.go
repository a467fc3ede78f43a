package mirror

import (
	"fmt"
	"maps"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ferrykafka/ferry/connect"
)

// Java class names of the checkpoint connector and its task, as written in
// connector.class and task.class.
const (
	CheckpointConnectorClass = "org.apache.kafka.connect.mirror.MirrorCheckpointConnector"
	CheckpointTaskClass      = "org.apache.kafka.connect.mirror.MirrorCheckpointTask"
)

// Keys of Java's MirrorCheckpointConfig, on top of the base keys (the ones
// shared with MirrorSourceConfig, such as consumer.poll.timeout.ms and
// offset-syncs.topic.location, are declared in config.go).
const (
	keyGroups                            = "groups"
	keyGroupsExclude                     = "groups.exclude"
	keyGroupFilterClass                  = "group.filter.class"
	keyRefreshGroupsEnabled              = "refresh.groups.enabled"
	keyRefreshGroupsIntervalSeconds      = "refresh.groups.interval.seconds"
	keyEmitCheckpointsEnabled            = "emit.checkpoints.enabled"
	keyEmitCheckpointsIntervalSeconds    = "emit.checkpoints.interval.seconds"
	keySyncGroupOffsetsEnabled           = "sync.group.offsets.enabled"
	keySyncGroupOffsetsIntervalSeconds   = "sync.group.offsets.interval.seconds"
	keyCheckpointsTopicReplicationFactor = "checkpoints.topic.replication.factor"

	// keyTaskAssignedGroups is the task-only key MirrorCheckpointConnector's
	// TaskConfigs writes: the task's consumer groups, comma separated.
	keyTaskAssignedGroups = "task.assigned.groups"
)

// Defaults of the group keys (Java's DefaultGroupFilter constants).
const (
	defaultGroups        = ".*"
	defaultGroupsExclude = "console-consumer-.*, connect-.*, __.*"
)

// Client roles of the checkpoint connector and task (the last part of
// their client ids, as Java names them).
const (
	roleCheckpointSourceAdmin = "checkpoint-source-admin"
	roleCheckpointTargetAdmin = "checkpoint-target-admin"
	// The consumer reading the offset-syncs topic, by the cluster holding
	// it (Java's OFFSET_SYNCS_SOURCE_CONSUMER_ROLE / _TARGET_CONSUMER_ROLE).
	roleCheckpointOffsetSyncsSourceConsumer = "offset-syncs-source-consumer"
	roleCheckpointOffsetSyncsTargetConsumer = "offset-syncs-target-consumer"
	// The consumer reading the checkpoints topic at task start (Java's
	// CHECKPOINTS_TARGET_CONSUMER_ROLE).
	roleCheckpointsTargetConsumer = "checkpoints-target-consumer"
)

// Java's validation messages of MirrorCheckpointConfig.validate.
const (
	msgCheckpointsDisabled = "MirrorCheckpointConnector can't run with " + keyEmitCheckpointsEnabled + " set to false"
	msgNoOffsetSyncs       = "MirrorCheckpointConnector can't run without offset syncs"
)

// newCheckpointConfigDef returns MirrorCheckpointConnector's ConfigDef: the
// keys every MirrorMaker connector has, then Kafka 4.3.1's
// MirrorCheckpointConfig keys, in Java's order, with Java's names, types,
// defaults and importance.
//
// As in Java, topics and topics.exclude are not keys of this ConfigDef:
// they belong to the topic filter, which reads them from the whole
// configuration (see checkpointTopicFilter). Validation is Java's plus the
// checks MirrorSourceConnector's keys also get: group patterns Go's regexp
// can compile, a replication factor CreateTopics can carry, no zero
// interval, no negative poll timeout.
func newCheckpointConfigDef() *connect.ConfigDef {
	low, high := connect.ImportanceLow, connect.ImportanceHigh
	return newBaseConfigDef().
		Define(connect.ConfigKey{Name: keyConsumerPollTimeoutMs, Type: connect.TypeLongConfig, Default: int64(1000),
			Validator: connect.AtLeast(0), Importance: low,
			Doc: "Timeout when polling source cluster. MirrorCheckpointTask's Poll waits at most this long between " +
				"checkpoint emissions before returning to the worker."}).
		Define(connect.ConfigKey{Name: keyGroups, Type: connect.TypeListConfig, Default: defaultGroups,
			Validator: patternList(keyGroups), Importance: high,
			Doc: "Consumer groups to replicate. Supports comma-separated group IDs and regexes."}).
		Define(connect.ConfigKey{Name: keyGroupsExclude, Type: connect.TypeListConfig, Default: defaultGroupsExclude,
			Validator: patternList(keyGroupsExclude), Importance: high,
			Doc: "Exclude groups. Supports comma-separated group IDs and regexes. Excludes take precedence over includes."}).
		Define(connect.ConfigKey{Name: keyGroupFilterClass, Type: connect.TypeClassConfig, Default: defaultGroupFilterClass,
			Validator: knownClass(defaultGroupFilterClass), Importance: low,
			Doc: "GroupFilter to use. Selects consumer groups to replicate."}).
		Define(connect.ConfigKey{Name: keyRefreshGroupsEnabled, Type: connect.TypeBooleanConfig, Default: true,
			Importance: low, Doc: "Whether to periodically check for new consumer groups."}).
		Define(connect.ConfigKey{Name: keyRefreshGroupsIntervalSeconds, Type: connect.TypeLongConfig, Default: int64(600),
			Validator: nonZero, Importance: low, Doc: "Frequency of group refresh."}).
		Define(connect.ConfigKey{Name: keyEmitCheckpointsEnabled, Type: connect.TypeBooleanConfig, Default: true,
			Importance: low, Doc: "Whether to replicate consumer offsets to target cluster."}).
		Define(connect.ConfigKey{Name: keyEmitCheckpointsIntervalSeconds, Type: connect.TypeLongConfig, Default: int64(60),
			Validator: nonZero, Importance: low, Doc: "Frequency of checkpoints."}).
		Define(connect.ConfigKey{Name: keySyncGroupOffsetsEnabled, Type: connect.TypeBooleanConfig, Default: false,
			Importance: low,
			Doc: "Whether to periodically write the translated offsets to __consumer_offsets topic in target cluster, " +
				"as long as no active consumers in that group are connected to the target cluster"}).
		Define(connect.ConfigKey{Name: keySyncGroupOffsetsIntervalSeconds, Type: connect.TypeLongConfig, Default: int64(60),
			Validator: nonZero, Importance: low, Doc: "Frequency of consumer group offset sync."}).
		Define(connect.ConfigKey{Name: keyCheckpointsTopicReplicationFactor, Type: connect.TypeShortConfig, Default: int16(3),
			Validator: replicationFactor, Importance: low, Doc: "Replication factor for checkpoints topic."}).
		Define(connect.ConfigKey{Name: keyOffsetSyncsTopicLocation, Type: connect.TypeStringConfig, Default: "source",
			Validator: connect.In("source", "target"), Importance: low,
			Doc: "The location (source/target) of the offset-syncs topic."}).
		Define(connect.ConfigKey{Name: keyTopicFilterClass, Type: connect.TypeClassConfig, Default: defaultTopicFilterClass,
			Validator: knownClass(defaultTopicFilterClass), Importance: low,
			Doc: "TopicFilter to use. Selects topics to replicate."}).
		Define(connect.ConfigKey{Name: keyMetricNamesFormats, Type: connect.TypeListConfig, Default: "legacy",
			Validator: javaList(keyMetricNamesFormats, false, "legacy", "new"), Importance: low,
			Doc: "Deprecated. Formats of MirrorMaker's metric names, legacy and/or new. Ferry emits no MirrorMaker metrics yet: " +
				"the value is validated and not used."})
}

// newCheckpointTaskConfigDef is the connector's ConfigDef plus the keys
// TaskConfigs adds (Java's MirrorCheckpointTaskConfig).
func newCheckpointTaskConfigDef() *connect.ConfigDef {
	return newCheckpointConfigDef().
		Define(connect.ConfigKey{Name: keyTaskAssignedGroups, Type: connect.TypeListConfig,
			Importance: connect.ImportanceLow, Doc: "Consumer groups assigned to this task to replicate."}).
		Define(connect.ConfigKey{Name: keyTaskIndex, Type: connect.TypeIntConfig,
			Importance: connect.ImportanceLow, Doc: "The index of the task"})
}

// checkpointTopicFilterDef holds the keys of Java's
// DefaultTopicFilter.TopicFilterConfig, which the checkpoint connector's
// topic filter reads from the whole configuration.
func checkpointTopicFilterDef() *connect.ConfigDef {
	high := connect.ImportanceHigh
	return connect.NewConfigDef().
		Define(connect.ConfigKey{Name: keyTopics, Type: connect.TypeListConfig, Default: defaultTopics,
			Validator: patternList(keyTopics), Importance: high, Doc: "List of topics and/or regexes to replicate."}).
		Define(connect.ConfigKey{Name: keyTopicsExclude, Type: connect.TypeListConfig, Default: defaultTopicsExclude,
			Validator: patternList(keyTopicsExclude), Importance: high,
			Doc: "List of topics and/or regexes that should not be replicated."})
}

// checkpointConfig is a parsed MirrorCheckpointConnector (or task)
// configuration.
type checkpointConfig struct {
	mirrorConfig

	topicFilter *topicFilter
	groupFilter *groupFilter
	// pollTimeout bounds how long one Poll call blocks.
	pollTimeout time.Duration
	// refreshGroupsInterval is 0 when the group refresh is disabled
	// (refresh.groups.enabled=false or a negative interval).
	refreshGroupsInterval time.Duration
	// emitInterval is negative when checkpoints are disabled
	// (emit.checkpoints.enabled=false or a negative interval), as Java's
	// emitCheckpointsInterval.
	emitInterval time.Duration
	// syncGroupOffsetsInterval is 0 when sync.group.offsets is off (or its
	// interval negative).
	syncGroupOffsetsInterval time.Duration
	checkpointsReplFactor    int16
	// offsetSyncsLocation is "source" or "target": the cluster holding the
	// offset-syncs topic.
	offsetSyncsLocation string

	// groups are a task's task.assigned.groups, without duplicates, in the
	// order given.
	groups []string
}

// parseCheckpointConfig parses props with def (the connector's or the
// task's ConfigDef) and the topic filter's keys. The error lists every
// invalid key. It does not apply the connector's cross-key checks
// (checkCheckpointRequirements): as in Java, those are for Validate only,
// and a started connector with emit.checkpoints.enabled=false just has no
// tasks.
func parseCheckpointConfig(def *connect.ConfigDef, props map[string]string) (*checkpointConfig, error) {
	v := connect.Values{}
	var errs []string
	values := validateSourceConfig(def, props)
	values = append(values, validateCheckpointTopicFilter(props)...)
	for _, cv := range values {
		v[cv.Name] = cv.Value
		errs = append(errs, cv.Errors...)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("invalid MirrorCheckpointConnector configuration: %w",
			&connect.KindError{Kind: connect.ErrBadRequest, Msg: strings.Join(errs, "\n")})
	}
	base, err := parseBaseConfig(v, props)
	if err != nil {
		return nil, fmt.Errorf("invalid MirrorCheckpointConnector configuration: %w", err)
	}
	c := &checkpointConfig{
		mirrorConfig:          base,
		pollTimeout:           time.Duration(v[keyConsumerPollTimeoutMs].(int64)) * time.Millisecond,
		checkpointsReplFactor: v[keyCheckpointsTopicReplicationFactor].(int16),
		offsetSyncsLocation:   v[keyOffsetSyncsTopicLocation].(string),
		emitInterval:          -time.Millisecond,
	}
	if v[keyRefreshGroupsEnabled].(bool) {
		c.refreshGroupsInterval = max(checkpointSeconds(v[keyRefreshGroupsIntervalSeconds].(int64)), 0)
	}
	if v[keyEmitCheckpointsEnabled].(bool) {
		c.emitInterval = checkpointSeconds(v[keyEmitCheckpointsIntervalSeconds].(int64))
	}
	if v[keySyncGroupOffsetsEnabled].(bool) {
		c.syncGroupOffsetsInterval = max(checkpointSeconds(v[keySyncGroupOffsetsIntervalSeconds].(int64)), 0)
	}
	if c.topicFilter, err = newTopicFilter(v[keyTopics].([]string), v[keyTopicsExclude].([]string)); err != nil {
		return nil, fmt.Errorf("invalid MirrorCheckpointConnector configuration: %w", err)
	}
	if c.groupFilter, err = newGroupFilter(v[keyGroups].([]string), v[keyGroupsExclude].([]string)); err != nil {
		return nil, fmt.Errorf("invalid MirrorCheckpointConnector configuration: %w", err)
	}
	if list, ok := v[keyTaskAssignedGroups].([]string); ok {
		// Java keeps the assignment in a Set.
		seen := make(map[string]bool, len(list))
		for _, g := range list {
			if g != "" && !seen[g] {
				seen[g] = true
				c.groups = append(c.groups, g)
			}
		}
	}
	return c, nil
}

// validateCheckpointTopicFilter parses and validates topics and
// topics.exclude the way the topic filter's own config does. They are not
// keys of the connector's ConfigDef: Java's validation does not see them
// and its connector fails at start on a bad value instead; Ferry's
// Validate reports the keys that have errors.
func validateCheckpointTopicFilter(props map[string]string) []connect.ConfigValue {
	return validateSourceConfig(checkpointTopicFilterDef(), props)
}

// checkCheckpointRequirements adds the errors of Java's
// MirrorCheckpointConfig.validate to values: a checkpoint connector needs
// checkpoints and offset syncs, unless replication is disabled. Values are
// compared as Java does ("false" exactly).
func checkCheckpointRequirements(props map[string]string, values []connect.ConfigValue) []connect.ConfigValue {
	if enabled, ok := props[keyEnabled]; ok && enabled == "false" {
		return values
	}
	add := func(key, msg string) {
		for i := range values {
			if values[i].Name == key {
				values[i].Errors = append(values[i].Errors, msg)
				return
			}
		}
		values = append(values, connect.ConfigValue{Name: key, Errors: []string{msg}, Visible: true})
	}
	if props[keyEmitCheckpointsEnabled] == "false" {
		add(keyEmitCheckpointsEnabled, msgCheckpointsDisabled)
	}
	if props[keyEmitOffsetSyncsEnabled] == "false" {
		add(keyEmitOffsetSyncsEnabled, msgNoOffsetSyncs)
	}
	return values
}

// checkpointSeconds converts a number of seconds to a Duration, clamping
// values too large for one.
func checkpointSeconds(n int64) time.Duration {
	const maxSeconds = math.MaxInt64 / int64(time.Second)
	switch {
	case n > maxSeconds:
		return time.Duration(math.MaxInt64)
	case n < -maxSeconds:
		return time.Duration(math.MinInt64)
	}
	return time.Duration(n) * time.Second
}

// checkpointsTopic is the topic checkpoints are written to on the target
// cluster ("<source>.checkpoints.internal" with the default policy).
func (c *checkpointConfig) checkpointsTopic() string { return c.policy.CheckpointsTopic(c.sourceAlias) }

// offsetSyncsTopic is the offset-syncs topic MirrorSourceConnector writes
// for this flow: named after the other cluster of the flow than the one
// holding it (Java's MirrorCheckpointConfig.offsetSyncsTopic).
func (c *checkpointConfig) offsetSyncsTopic() string {
	other := c.targetAlias
	if c.offsetSyncsLocation == "target" {
		other = c.sourceAlias
	}
	return c.policy.OffsetSyncsTopic(other)
}

// offsetSyncsConsumerProps are the settings of the consumer reading the
// offset-syncs topic, on the cluster that holds it (Java's
// offsetSyncsTopicConsumerConfig).
func (c *checkpointConfig) offsetSyncsConsumerProps() map[string]string {
	if c.offsetSyncsLocation == "target" {
		return c.targetConsumerProps(roleCheckpointOffsetSyncsTargetConsumer)
	}
	return c.sourceConsumerProps(roleCheckpointOffsetSyncsSourceConsumer)
}

// taskConfigForGroups is Java's taskConfigForConsumerGroups: the connector
// config plus task.assigned.groups and task.index.
func (c *checkpointConfig) taskConfigForGroups(groups []string, index int) map[string]string {
	tc := maps.Clone(c.props)
	tc[keyTaskAssignedGroups] = strings.Join(groups, ",")
	tc[keyTaskIndex] = strconv.Itoa(index)
	return tc
}
