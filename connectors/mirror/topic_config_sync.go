package mirror

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/IBM/sarama"
)

// keyUseDefaultsFrom is DefaultConfigPropertyFilter's use.defaults.from:
// "source" copies the source's default values of topic configs, anything
// else ("target", the default) leaves the target's defaults in place.
const keyUseDefaultsFrom = "use.defaults.from"

// errStopSync ends a periodic sync (the connector has been failed through
// RaiseError, or the sync can never work).
var errStopSync = errors.New("periodic sync stopped")

// replicateSourceDefault is DefaultConfigPropertyFilter.shouldReplicateSourceDefault:
// whether a topic config that has its default value on the source is synced
// with that value (use.defaults.from=source) rather than reset to the
// target's default. Java reads the key as a trimmed STRING.
func (c *sourceConfig) replicateSourceDefault(string) bool {
	return strings.TrimSpace(c.props[keyUseDefaultsFrom]) == "source"
}

// isDefaultConfig is Java's ConfigEntry.isDefault: the value is the
// built-in default (neither set on the topic nor on the brokers).
func isDefaultConfig(e sarama.ConfigEntry) bool {
	return e.Source == sarama.SourceDefault || e.Default
}

// syncableTopicConfig holds the filters of Java's
// MirrorSourceConnector.targetConfig that apply to topic creation and to
// the sync alike: never read-only or sensitive entries, never values from
// a broker's static server.properties, and only properties the config
// property filter (config.properties.exclude) lets through. Values set on
// the topic (DYNAMIC_TOPIC_CONFIG) and dynamic broker values
// (DYNAMIC_BROKER_CONFIG, DYNAMIC_DEFAULT_BROKER_CONFIG) are copied.
func (c *sourceConfig) syncableTopicConfig(e sarama.ConfigEntry) bool {
	return !e.ReadOnly && !e.Sensitive && e.Source != sarama.SourceStaticBroker &&
		c.shouldReplicateConfigProperty(e.Name)
}

// newTopicConfigs are the configs a remote topic is created with (Java's
// targetConfig(config, false)): the syncable source entries that are not
// defaults, plus the defaults when use.defaults.from=source.
func (c *sourceConfig) newTopicConfigs(entries []sarama.ConfigEntry) map[string]string {
	out := map[string]string{}
	for _, e := range entries {
		if c.syncableTopicConfig(e) && (!isDefaultConfig(e) || c.replicateSourceDefault(e.Name)) {
			out[e.Name] = e.Value
		}
	}
	return out
}

// topicConfigOps are the IncrementalAlterConfigs operations that bring a
// remote topic in line with its source (Java's targetConfig(config, true)
// and incrementalAlterConfigs): every syncable entry is SET to the source's
// value, except source defaults, which are DELETEd on the target (so the
// target's own default applies, and an override removed on the source is
// removed on the target too) unless use.defaults.from=source. Target
// configs the filter excludes are left alone.
func (c *sourceConfig) topicConfigOps(entries []sarama.ConfigEntry) map[string]sarama.IncrementalAlterConfigsEntry {
	ops := map[string]sarama.IncrementalAlterConfigsEntry{}
	for _, e := range entries {
		if !c.syncableTopicConfig(e) {
			continue
		}
		if isDefaultConfig(e) && !c.replicateSourceDefault(e.Name) {
			ops[e.Name] = sarama.IncrementalAlterConfigsEntry{Operation: sarama.IncrementalAlterConfigsOperationDelete}
			continue
		}
		v := e.Value
		ops[e.Name] = sarama.IncrementalAlterConfigsEntry{Operation: sarama.IncrementalAlterConfigsOperationSet, Value: &v}
	}
	return ops
}

// topicsBeingReplicated are Java's topicsBeingReplicated: the known source
// topics whose remote topic exists on the target. Java uses the target
// topics of the last refresh; Ferry lists them afresh, so a topic created by
// the last refresh is synced at once.
func (c *MirrorSourceConnector) topicsBeingReplicated(ctx context.Context) ([]string, error) {
	target, err := c.findTargetTopics(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, tp := range c.knownPartitions() {
		if seen[tp.topic] {
			continue
		}
		seen[tp.topic] = true
		if _, ok := target[c.cfg.policy.FormatRemoteTopic(c.cfg.sourceAlias, tp.topic)]; ok {
			out = append(out, tp.topic)
		}
	}
	sort.Strings(out)
	return out, nil
}

// syncTopicConfigs is one run of Java's syncTopicConfigs: the configs of
// every replicated source topic are applied to its remote topic with one
// IncrementalAlterConfigs request. A topic the target refuses is logged and
// retried at the next run. A target that does not support the API fails
// the connector (as Java's raiseError) and ends the sync.
func (c *MirrorSourceConnector) syncTopicConfigs(ctx context.Context) error {
	topics, err := c.topicsBeingReplicated(ctx)
	if err != nil || len(topics) == 0 {
		return err
	}
	described, failed, err := c.source.describeTopicConfigs(ctx, topics)
	if err != nil {
		return err
	}
	for _, topic := range topics {
		if err := failed[topic]; err != nil {
			c.log.Warn().Err(err).Str("topic", topic).Msg("could not read the configs of a source topic; its remote topic is not synced this time")
		}
	}
	ops := map[string]map[string]sarama.IncrementalAlterConfigsEntry{}
	for topic, entries := range described {
		if o := c.cfg.topicConfigOps(entries); len(o) > 0 {
			ops[c.cfg.policy.FormatRemoteTopic(c.cfg.sourceAlias, topic)] = o
		}
	}
	refused, err := c.target.alterTopicConfigs(ctx, ops)
	if errors.Is(err, sarama.ErrUnsupportedVersion) {
		return c.incompatibleTarget(err)
	}
	if err != nil {
		return err
	}
	for _, remote := range slices.Sorted(maps.Keys(refused)) {
		err := refused[remote]
		if errors.Is(err, sarama.ErrUnsupportedVersion) {
			return c.incompatibleTarget(err)
		}
		c.log.Warn().Err(err).Str("topic", remote).Msg("could not alter the configuration of a remote topic")
	}
	c.log.Debug().Int("topics", len(ops)-len(refused)).Msg("synced topic configs")
	return nil
}

// incompatibleTarget fails the connector because the target cluster has no
// IncrementalAlterConfigs (Kafka before 2.3), as Java does.
func (c *MirrorSourceConnector) incompatibleTarget(err error) error {
	c.log.Error().Err(err).Msg("failed to sync topic configs with the IncrementalAlterConfigs API")
	c.cctx.RaiseError(fmt.Errorf("the target cluster '%s' is not compatible with IncrementalAlterConfigs API: %w", c.cfg.targetAlias, err))
	return errStopSync
}
