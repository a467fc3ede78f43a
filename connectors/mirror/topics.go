package mirror

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/IBM/sarama"
)

// shouldReplicateTopic is Java's MirrorSourceConnector.shouldReplicateTopic:
// (the topic filter accepts it, or it is a heartbeats topic and heartbeats
// replication is on) and it is neither internal nor a cycle.
func (c *sourceConfig) shouldReplicateTopic(topic string) bool {
	wanted := c.filter.shouldReplicateTopic(topic) ||
		(c.heartbeatsReplication && c.policy.IsHeartbeatsTopic(topic))
	return wanted && !c.policy.IsInternalTopic(topic) && !c.isCycle(topic)
}

// isCycle reports whether topic came from the target cluster, directly or
// through other hops: replicating it back would loop. Policies that keep
// names (IdentityReplicationPolicy) cannot tell, and report no cycle.
func (c *sourceConfig) isCycle(topic string) bool {
	for {
		source, ok := c.policy.TopicSource(topic)
		if !ok {
			return false
		}
		if source == c.targetAlias {
			return true
		}
		upstream, ok := c.policy.UpstreamTopic(topic)
		if !ok || upstream == topic {
			return false
		}
		topic = upstream
	}
}

// findSourceTopics lists the source topics to replicate with their partition
// counts.
func (c *MirrorSourceConnector) findSourceTopics(ctx context.Context) (map[string]int32, error) {
	all, err := c.source.listTopics(ctx)
	if err != nil {
		return nil, err
	}
	for topic := range all {
		if !c.cfg.shouldReplicateTopic(topic) {
			delete(all, topic)
		}
	}
	return all, nil
}

// findTargetTopics lists the target topics that are replicas from this source
// cluster (their policy source is the source alias), except the checkpoints
// topic, with their partition counts.
func (c *MirrorSourceConnector) findTargetTopics(ctx context.Context) (map[string]int32, error) {
	all, err := c.target.listTopics(ctx)
	if err != nil {
		return nil, err
	}
	checkpoints := c.cfg.policy.CheckpointsTopic(c.cfg.sourceAlias)
	for topic := range all {
		if src, ok := c.cfg.policy.TopicSource(topic); !ok || src != c.cfg.sourceAlias || topic == checkpoints {
			delete(all, topic)
		}
	}
	return all, nil
}

// createRemoteTopics creates the remote topic of every source topic that has
// none and adds partitions to remote topics that have fewer than their
// source (Java's computeAndCreateTopicPartitions). A remote topic is
// created with its source's partition count, replication.factor and the
// source topic's configs as newTopicConfigs selects them. It tries every
// topic and returns the failures joined; a source topic deleted since it
// was listed is skipped (the next refresh drops it).
func (c *MirrorSourceConnector) createRemoteTopics(ctx context.Context, source, target map[string]int32) error {
	var errs []error
	var fresh []string
	for _, topic := range slices.Sorted(maps.Keys(source)) {
		remote := c.cfg.policy.FormatRemoteTopic(c.cfg.sourceAlias, topic)
		have, exists := target[remote]
		switch {
		case !exists:
			fresh = append(fresh, topic)
		case source[topic] > have:
			if err := c.target.increasePartitions(ctx, remote, source[topic]); err != nil {
				errs = append(errs, err)
				if ctx.Err() != nil {
					return errors.Join(errs...)
				}
			}
		}
	}
	if len(fresh) == 0 {
		return errors.Join(errs...)
	}
	configs, failed, err := c.source.describeTopicConfigs(ctx, fresh)
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("create remote topics: %w", err))...)
	}
	for _, topic := range fresh {
		if err := failed[topic]; err != nil {
			if errors.Is(err, sarama.ErrUnknownTopicOrPartition) {
				c.log.Debug().Str("topic", topic).Msg("source topic deleted before its remote topic was created")
				continue
			}
			errs = append(errs, fmt.Errorf("create the remote topic of %q: %w", topic, err))
			continue
		}
		remote := c.cfg.policy.FormatRemoteTopic(c.cfg.sourceAlias, topic)
		if err := c.target.createTopic(ctx, remote, source[topic], c.cfg.replicationFactor,
			c.cfg.newTopicConfigs(configs[topic])); err != nil {
			errs = append(errs, err)
			if ctx.Err() != nil {
				break
			}
		}
	}
	return errors.Join(errs...)
}

// refreshTopicPartitions is Java's refreshTopicPartitions: when the selected
// source partitions changed, or some are missing on the target, it records
// the new set, creates what is missing and asks the runtime for new task
// configs.
func (c *MirrorSourceConnector) refreshTopicPartitions(ctx context.Context) error {
	source, err := c.findSourceTopics(ctx)
	if err != nil {
		return err
	}
	target, err := c.findTargetTopics(ctx)
	if err != nil {
		return err
	}
	current := expandPartitions(source)
	known := c.knownPartitions()

	// Target partitions, mapped back to their upstream names.
	upstreamOnTarget := map[topicPartition]bool{}
	for topic, n := range target {
		upstream, ok := c.cfg.policy.UpstreamTopic(topic)
		if !ok {
			continue
		}
		for p := int32(0); p < n; p++ {
			upstreamOnTarget[topicPartition{upstream, p}] = true
		}
	}
	missing := 0
	for _, tp := range current {
		if !upstreamOnTarget[tp] {
			missing++
		}
	}
	if slices.Equal(current, known) && missing == 0 {
		return nil
	}

	added, removed := diffPartitions(known, current)
	c.log.Info().Int("new", added).Int("deleted", removed).Int("missing_on_target", missing).
		Msg("source topic-partitions changed")
	c.setKnown(current)
	if err := c.createRemoteTopics(ctx, source, target); err != nil {
		return err
	}
	c.cctx.RequestTaskReconfiguration()
	return nil
}

// diffPartitions counts the partitions only in after (added) and only in
// before (removed).
func diffPartitions(before, after []topicPartition) (added, removed int) {
	in := func(set []topicPartition) map[topicPartition]bool {
		m := make(map[topicPartition]bool, len(set))
		for _, tp := range set {
			m[tp] = true
		}
		return m
	}
	b, a := in(before), in(after)
	for tp := range a {
		if !b[tp] {
			added++
		}
	}
	for tp := range b {
		if !a[tp] {
			removed++
		}
	}
	return added, removed
}
