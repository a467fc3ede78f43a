package mirror

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
)

// clusterAdmin is an admin client for one side of the flow. Every call is
// bounded by admin.timeout.ms and its errors name the cluster.
type clusterAdmin struct {
	side    string // "source" or "target"
	alias   string
	timeout time.Duration
	admin   sarama.ClusterAdmin
	wg      *sync.WaitGroup
	log     zerolog.Logger
}

// openClusterAdmin connects an admin client built from props (Java client
// properties) to the cluster.
func openClusterAdmin(ctx context.Context, side, alias string, props map[string]string,
	timeout time.Duration, wg *sync.WaitGroup, log zerolog.Logger) (*clusterAdmin, error) {
	cfg, err := kafkaclient.Parse(props)
	if err != nil {
		return nil, fmt.Errorf("%s cluster %q: admin client settings (%s*): %w", side, alias, side+".cluster.", err)
	}
	clampTimeouts(cfg.Sarama, timeout)
	admin, err := boundedCall(ctx, timeout, wg,
		func() (sarama.ClusterAdmin, error) { return sarama.NewClusterAdmin(cfg.Brokers, cfg.Sarama) },
		func(a sarama.ClusterAdmin, err error) {
			if err == nil {
				_ = a.Close()
			}
		})
	if err != nil {
		return nil, fmt.Errorf("connect to %s cluster %q at %s: %w", side, alias, strings.Join(cfg.Brokers, ","), err)
	}
	return &clusterAdmin{side: side, alias: alias, timeout: timeout, admin: admin, wg: wg,
		log: log.With().Str("cluster", alias).Logger()}, nil
}

// clampTimeouts keeps sarama's network timeouts within the admin timeout, so
// that a call boundedCall gave up on does not linger much longer.
func clampTimeouts(sc *sarama.Config, limit time.Duration) {
	for _, d := range []*time.Duration{&sc.Net.DialTimeout, &sc.Net.ReadTimeout, &sc.Net.WriteTimeout} {
		if *d > limit {
			*d = limit
		}
	}
	// The broker-side timeout of CreateTopics/CreatePartitions must leave
	// room for the response within the read timeout.
	if half := sc.Net.ReadTimeout / 2; sc.Admin.Timeout > half {
		sc.Admin.Timeout = half
	}
}

func (a *clusterAdmin) close() {
	if err := a.admin.Close(); err != nil {
		a.log.Warn().Err(err).Msgf("closing %s admin client", a.side)
	}
}

// listTopics returns the cluster's topics (Kafka-internal ones excluded, as
// Java's listTopics does) with their partition counts, from one Metadata
// request. Topics the broker reports with an error (e.g. still being
// created) are skipped; the next refresh sees them.
func (a *clusterAdmin) listTopics(ctx context.Context) (map[string]int32, error) {
	md, err := boundedCall(ctx, a.timeout, a.wg,
		func() ([]*sarama.TopicMetadata, error) { return a.admin.DescribeTopics(nil) }, nil)
	if err != nil {
		return nil, fmt.Errorf("list topics on %s cluster %q: %w", a.side, a.alias, err)
	}
	out := make(map[string]int32, len(md))
	for _, tm := range md {
		if tm.IsInternal {
			continue
		}
		if !errors.Is(tm.Err, sarama.ErrNoError) {
			a.log.Debug().Str("topic", tm.Name).Err(tm.Err).Msg("skipping topic the broker reports with an error")
			continue
		}
		out[tm.Name] = int32(len(tm.Partitions))
	}
	return out, nil
}

// createTopic creates topic; a topic that already exists (created meanwhile
// by another worker) is not an error.
func (a *clusterAdmin) createTopic(ctx context.Context, topic string, partitions int32, rf int16) error {
	detail := &sarama.TopicDetail{NumPartitions: partitions, ReplicationFactor: rf}
	_, err := boundedCall(ctx, a.timeout, a.wg,
		func() (struct{}, error) { return struct{}{}, a.admin.CreateTopic(topic, detail, false) }, nil)
	switch {
	case errors.Is(err, sarama.ErrTopicAlreadyExists):
		a.log.Debug().Str("topic", topic).Msg("topic already exists")
		return nil
	case err != nil:
		return fmt.Errorf("create topic %q (%d partitions, replication factor %d) on %s cluster %q: %w",
			topic, partitions, rf, a.side, a.alias, err)
	}
	a.log.Info().Str("topic", topic).Int32("partitions", partitions).Int16("replication_factor", rf).
		Msg("created remote topic")
	return nil
}

// createCompactedTopic creates a one-partition compacted topic (MM2's
// internal topics, Java's MirrorUtils.createSinglePartitionCompactedTopic);
// one that already exists is left as it is.
func (a *clusterAdmin) createCompactedTopic(ctx context.Context, topic string, rf int16) error {
	compact := "compact"
	detail := &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: rf, ConfigEntries: map[string]*string{"cleanup.policy": &compact}}
	_, err := boundedCall(ctx, a.timeout, a.wg,
		func() (struct{}, error) { return struct{}{}, a.admin.CreateTopic(topic, detail, false) }, nil)
	switch {
	case errors.Is(err, sarama.ErrTopicAlreadyExists):
		return nil
	case err != nil:
		return fmt.Errorf("create topic %q (compacted, replication factor %d) on %s cluster %q: %w", topic, rf, a.side, a.alias, err)
	}
	a.log.Info().Str("topic", topic).Int16("replication_factor", rf).Msg("created internal topic")
	return nil
}

// increasePartitions grows topic to count partitions. INVALID_PARTITIONS
// (the topic already has as many) is not an error, as in Java.
func (a *clusterAdmin) increasePartitions(ctx context.Context, topic string, count int32) error {
	_, err := boundedCall(ctx, a.timeout, a.wg,
		func() (struct{}, error) { return struct{}{}, a.admin.CreatePartitions(topic, count, nil, false) }, nil)
	switch {
	case errors.Is(err, sarama.ErrInvalidPartitions):
		a.log.Debug().Str("topic", topic).Err(err).Msg("partitions not increased")
		return nil
	case err != nil:
		return fmt.Errorf("increase partitions of topic %q to %d on %s cluster %q: %w",
			topic, count, a.side, a.alias, err)
	}
	a.log.Info().Str("topic", topic).Int32("partitions", count).Msg("increased partitions of remote topic")
	return nil
}
