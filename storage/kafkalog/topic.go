package kafkalog

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/IBM/sarama"
	"github.com/ferrykafka/ferry/connect/kafkaclient"
)

const cleanupPolicy = "cleanup.policy"

// ensureTopic creates the topic compacted, or, when it already exists,
// refuses it unless its cleanup.policy is exactly compact (Java's
// TopicAdmin.verifyTopicCleanupPolicyOnlyCompact). created says this call
// created it.
func (l *Log) ensureTopic(ctx context.Context) (created bool, err error) {
	admin, err := sarama.NewClusterAdminFromClient(l.adminClient)
	if err != nil {
		return false, l.errorf("create admin: %w", err)
	}
	// admin.Close would close the shared client; the client is closed in Stop.
	entries := map[string]*string{}
	for k, v := range l.cfg.TopicConfigs {
		entries[k] = &v
	}
	compact := "compact"
	entries[cleanupPolicy] = &compact
	detail := &sarama.TopicDetail{
		NumPartitions:     l.cfg.Partitions,
		ReplicationFactor: l.cfg.ReplicationFactor,
		ConfigEntries:     entries,
	}
	for attempt := 0; ; attempt++ {
		err = l.call(ctx, func() error { return admin.CreateTopic(l.cfg.Topic, detail, false) })
		switch {
		case err == nil:
			l.log.Info().Int32("partitions", l.cfg.Partitions).Int16("replication_factor", l.cfg.ReplicationFactor).
				Msg("created compacted topic")
			return true, nil
		case errors.Is(err, sarama.ErrTopicAlreadyExists):
			return false, l.verifyCompactOnly(ctx, admin)
		case errors.Is(err, sarama.ErrClusterAuthorizationFailed), errors.Is(err, sarama.ErrTopicAuthorizationFailed):
			l.log.Warn().Err(err).Msg("not authorized to create the topic; assuming it exists or will be auto-created by the broker")
			return false, l.verifyCompactOnly(ctx, admin)
		case errors.Is(err, sarama.ErrUnsupportedVersion):
			l.log.Debug().Err(err).Msg("broker does not support CreateTopics; assuming the topic exists")
			return false, l.verifyCompactOnly(ctx, admin)
		case ctx.Err() != nil:
			return false, l.errorf("create topic: %w", err)
		case Retriable(err) || errors.Is(err, sarama.ErrControllerNotAvailable):
			l.log.Debug().Err(err).Int("attempt", attempt).Msg("create topic failed, retrying")
			if err := sleepCtx(ctx, backoff(attempt)); err != nil {
				return false, l.errorf("create topic: %w", err)
			}
		default:
			return false, l.errorf("create topic: %w", err)
		}
	}
}

func (l *Log) verifyCompactOnly(ctx context.Context, admin sarama.ClusterAdmin) error {
	var entries []sarama.ConfigEntry
	var err error
	// A topic another worker created a moment ago is known to the
	// controller (TOPIC_ALREADY_EXISTS) before the broker answering here
	// has it (UNKNOWN_TOPIC_OR_PARTITION): ask again for up to leaderWait,
	// then go on unverified, as Java's TopicAdmin does for a topic it
	// cannot find.
	began := time.Now()
	for n := 0; ; n++ {
		err = l.call(ctx, func() error {
			var err error
			entries, err = kafkaclient.DescribeTopicConfig(admin, l.cfg.Topic, cleanupPolicy)
			return err
		})
		if !errors.Is(err, sarama.ErrUnknownTopicOrPartition) || ctx.Err() != nil {
			break
		}
		if time.Since(began) >= leaderWait {
			l.log.Info().Err(err).Msg("unable to verify that the topic's cleanup.policy is compact: the broker does not know the topic yet")
			return nil
		}
		if err := sleepCtx(ctx, kafkaclient.LeaderPoll(n)); err != nil {
			return l.errorf("describe topic config: %w", err)
		}
	}
	if err != nil {
		// Without the right to describe configs (or on an old broker) the
		// check is skipped, as Java's TopicAdmin does.
		skippable := errors.Is(err, sarama.ErrClusterAuthorizationFailed) ||
			errors.Is(err, sarama.ErrTopicAuthorizationFailed) || errors.Is(err, sarama.ErrUnsupportedVersion)
		if ctx.Err() != nil || !skippable {
			return l.errorf("describe topic config: %w", err)
		}
	}
	var policies []string
	seen := map[string]bool{}
	for _, e := range entries {
		if e.Name != cleanupPolicy {
			continue
		}
		for _, p := range strings.Split(e.Value, ",") {
			p = strings.ToLower(strings.TrimSpace(p))
			if p != "" && !seen[p] {
				seen[p] = true
				policies = append(policies, p)
			}
		}
	}
	if len(policies) == 0 {
		l.log.Info().Msg("unable to verify that the topic's cleanup.policy is compact: the broker is old or the principal may not describe topic configs")
		return nil
	}
	if len(policies) == 1 && policies[0] == "compact" {
		return nil
	}
	return l.policyError(strings.Join(policies, ","))
}

// policyError words the refusal as Java's TopicAdmin does.
func (l *Log) policyError(found string) error {
	via := ""
	if l.cfg.WorkerTopicConfig != "" {
		via = fmt.Sprintf(" supplied via the '%s' property", l.cfg.WorkerTopicConfig)
	}
	purpose := l.cfg.TopicPurpose
	if purpose == "" {
		purpose = "its data"
	}
	change := "Use a topic"
	if l.cfg.WorkerTopicConfig != "" {
		change = fmt.Sprintf("Change the '%s' property in the Connect worker configurations to use a topic", l.cfg.WorkerTopicConfig)
	}
	msg := fmt.Sprintf("Topic '%s'%s is required to have 'cleanup.policy=compact' to guarantee consistency and durability of "+
		"%s, but found the topic currently has 'cleanup.policy=%s'. Continuing would likely result in eventually losing "+
		"%s and problems restarting this Connect cluster in the future. %s with 'cleanup.policy=compact'.",
		l.cfg.Topic, via, purpose, found, purpose, change)
	return &PolicyError{Topic: l.cfg.Topic, Policy: found, msg: msg}
}

// PolicyError is the refusal of an existing topic whose cleanup.policy is
// not exactly compact. Its message is Java's.
type PolicyError struct {
	Topic  string
	Policy string // the policy found, e.g. "delete" or "compact,delete"
	msg    string
}

func (e *PolicyError) Error() string { return e.msg }

// leaderWait bounds the wait for the leaders of the topic's partitions;
// past it the partitions are taken as they are, as Java's partitionsFor
// does, and reading and writing retry until the leaders come.
const leaderWait = 2 * time.Second

// waitForPartitions waits until the topic's partitions show up in metadata.
// It first looks for their leaders every 20 ms, for up to leaderWait: a
// topic just created gets them within tens of milliseconds, and reading
// starts without paying sarama's metadata backoff. Then it accepts any
// partition list: 100 ms doubling to 1 s between tries, for at most the
// metadata timeout.
func (l *Log) waitForPartitions(ctx context.Context) ([]int32, error) {
	ctx, cancel := context.WithTimeout(ctx, l.cfg.metadataTimeout())
	defer cancel()
	var parts []int32
	leadCtx, leadCancel := context.WithTimeout(ctx, leaderWait)
	err := l.call(leadCtx, func() error {
		var err error
		parts, err = kafkaclient.WaitForLeaders(leadCtx, l.adminClient, l.cfg.Topic)
		return err
	})
	leadCancel()
	if err == nil {
		return parts, nil
	}
	l.log.Debug().Err(err).Msg("partition leaders not all known yet; reading will wait for them")
	for attempt := 0; ; attempt++ {
		var parts []int32
		err := l.call(ctx, func() error {
			if err := l.adminClient.RefreshMetadata(l.cfg.Topic); err != nil {
				return err
			}
			var err error
			parts, err = l.adminClient.Partitions(l.cfg.Topic)
			return err
		})
		if err == nil && len(parts) > 0 {
			return parts, nil
		}
		if sleepCtx(ctx, backoff(attempt)) != nil {
			return nil, l.errorf("could not look up partition metadata in the allotted period (%v). This could indicate a "+
				"connectivity issue, unavailable topic partitions, or if this is your first use of the topic it may have "+
				"taken too long to create: %v", l.cfg.metadataTimeout(), err)
		}
	}
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
