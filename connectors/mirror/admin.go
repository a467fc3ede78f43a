package mirror

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
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
	// conf is the client's sarama config: it opens brokers for the raw
	// requests sarama's admin has no per-resource answer for.
	conf *sarama.Config
	wg   *sync.WaitGroup
	log  zerolog.Logger
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
	return &clusterAdmin{side: side, alias: alias, timeout: timeout, admin: admin, conf: cfg.Sarama, wg: wg,
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

// createTopic creates topic with the given topic configs; a topic that
// already exists (created meanwhile by another worker) is not an error.
func (a *clusterAdmin) createTopic(ctx context.Context, topic string, partitions int32, rf int16, configs map[string]string) error {
	detail := &sarama.TopicDetail{NumPartitions: partitions, ReplicationFactor: rf}
	if len(configs) > 0 {
		detail.ConfigEntries = make(map[string]*string, len(configs))
		for k, v := range configs {
			detail.ConfigEntries[k] = &v
		}
	}
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
		Int("configs", len(configs)).Msg("created remote topic")
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

// withBroker runs fn with a connection to one broker of the cluster, for
// the requests sent without sarama's admin wrappers: those drop the
// per-resource errors MirrorMaker must report. Any broker accepts them (a
// KRaft broker forwards to the controller); sarama's controller is the one
// it knows. A connection that failed is closed, so the next call reopens
// it.
func (a *clusterAdmin) withBroker(fn func(*sarama.Broker) error) error {
	b, err := a.admin.Controller()
	if err != nil {
		return err
	}
	if err := b.Open(a.conf); err != nil && !errors.Is(err, sarama.ErrAlreadyConnected) {
		return err
	}
	err = fn(b)
	var kerr sarama.KError
	if err != nil && !errors.As(err, &kerr) {
		_ = b.Close()
	}
	return err
}

// resourceError is a per-resource error code with the broker's message.
func resourceError(code sarama.KError, msg string) error {
	if msg != "" {
		return fmt.Errorf("%w: %s", code, msg)
	}
	return code
}

// describeTopicConfigs describes the configs of topics in one request. It
// returns each described topic's entries and, apart, why the others could
// not be described (deleted meanwhile, not authorized, ...).
func (a *clusterAdmin) describeTopicConfigs(ctx context.Context, topics []string) (map[string][]sarama.ConfigEntry, map[string]error, error) {
	configs := make(map[string][]sarama.ConfigEntry, len(topics))
	failed := map[string]error{}
	if len(topics) == 0 {
		return configs, failed, nil
	}
	resources := make([]*sarama.ConfigResource, len(topics))
	for i, t := range topics {
		resources[i] = &sarama.ConfigResource{Type: sarama.TopicResource, Name: t}
	}
	results, err := boundedCall(ctx, a.timeout, a.wg, func() ([]*sarama.ConfigResourceResult, error) {
		return a.admin.DescribeConfigs(resources, sarama.DescribeConfigsOptions{})
	}, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("describe configs of %d topics on %s cluster %q: %w", len(topics), a.side, a.alias, err)
	}
	for _, r := range results {
		if r.Type != sarama.TopicResource {
			continue
		}
		if !errors.Is(r.ErrorCode, sarama.ErrNoError) {
			failed[r.Name] = fmt.Errorf("describe configs of topic %q on %s cluster %q: %w",
				r.Name, a.side, a.alias, resourceError(r.ErrorCode, r.ErrorMsg))
			continue
		}
		configs[r.Name] = r.Configs
	}
	for _, t := range topics {
		_, described := configs[t]
		if _, refused := failed[t]; !described && !refused {
			failed[t] = fmt.Errorf("describe configs of topic %q on %s cluster %q: the broker did not answer for it", t, a.side, a.alias)
		}
	}
	return configs, failed, nil
}

// alterTopicConfigs applies ops (topic -> config name -> SET or DELETE)
// with one IncrementalAlterConfigs request and returns the error of each
// topic the broker refused.
func (a *clusterAdmin) alterTopicConfigs(ctx context.Context, ops map[string]map[string]sarama.IncrementalAlterConfigsEntry) (map[string]error, error) {
	failed := map[string]error{}
	if len(ops) == 0 {
		return failed, nil
	}
	req := &sarama.IncrementalAlterConfigsRequest{}
	if a.conf.Version.IsAtLeast(sarama.V2_4_0_0) {
		req.Version = 1
	}
	topics := slices.Sorted(maps.Keys(ops))
	for _, t := range topics {
		req.Resources = append(req.Resources, &sarama.IncrementalAlterConfigsResource{
			Type: sarama.TopicResource, Name: t, ConfigEntries: ops[t]})
	}
	rsp, err := boundedCall(ctx, a.timeout, a.wg, func() (*sarama.IncrementalAlterConfigsResponse, error) {
		var rsp *sarama.IncrementalAlterConfigsResponse
		err := a.withBroker(func(b *sarama.Broker) (err error) {
			rsp, err = b.IncrementalAlterConfigs(req)
			return err
		})
		return rsp, err
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("alter configs of %d topics on %s cluster %q: %w", len(topics), a.side, a.alias, err)
	}
	for _, r := range rsp.Resources {
		if code := sarama.KError(r.ErrorCode); code != sarama.ErrNoError {
			failed[r.Name] = fmt.Errorf("alter configs of topic %q on %s cluster %q: %w",
				r.Name, a.side, a.alias, resourceError(code, r.ErrorMsg))
		}
	}
	return failed, nil
}

// describeTopicACLs lists the ACL bindings on topics, of every pattern type
// (Java's ANY_TOPIC_ACL filter). A cluster without an authorizer answers
// SECURITY_DISABLED (sarama.ErrSecurityDisabled, wrapped).
func (a *clusterAdmin) describeTopicACLs(ctx context.Context) ([]sarama.ResourceAcls, error) {
	filter := sarama.AclFilter{
		ResourceType:              sarama.AclResourceTopic,
		ResourcePatternTypeFilter: sarama.AclPatternAny,
		Operation:                 sarama.AclOperationAny,
		PermissionType:            sarama.AclPermissionAny,
	}
	acls, err := boundedCall(ctx, a.timeout, a.wg, func() ([]sarama.ResourceAcls, error) { return a.admin.ListAcls(filter) }, nil)
	if err != nil {
		return nil, fmt.Errorf("describe topic ACLs on %s cluster %q: %w", a.side, a.alias, err)
	}
	return acls, nil
}

// createACLs creates bindings with one CreateAcls request. It returns, in
// the order of bindings, the broker's error for each (nil when created;
// creating an existing binding is not an error).
func (a *clusterAdmin) createACLs(ctx context.Context, bindings []*sarama.AclCreation) ([]error, error) {
	errs := make([]error, len(bindings))
	if len(bindings) == 0 {
		return errs, nil
	}
	req := &sarama.CreateAclsRequest{AclCreations: bindings}
	switch {
	case a.conf.Version.IsAtLeast(sarama.V2_5_0_0):
		req.Version = 2
	case a.conf.Version.IsAtLeast(sarama.V2_0_0_0):
		req.Version = 1
	}
	rsp, err := boundedCall(ctx, a.timeout, a.wg, func() (*sarama.CreateAclsResponse, error) {
		var rsp *sarama.CreateAclsResponse
		err := a.withBroker(func(b *sarama.Broker) (err error) {
			rsp, err = b.CreateAcls(req)
			if rsp != nil && errors.Is(err, sarama.ErrCreateACLs) {
				return nil // some bindings refused: read from rsp below
			}
			return err
		})
		return rsp, err
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("create %d ACLs on %s cluster %q: %w", len(bindings), a.side, a.alias, err)
	}
	if len(rsp.AclCreationResponses) != len(bindings) {
		return nil, fmt.Errorf("create %d ACLs on %s cluster %q: the broker answered for %d", len(bindings), a.side, a.alias, len(rsp.AclCreationResponses))
	}
	for i, r := range rsp.AclCreationResponses {
		if r.Err != sarama.ErrNoError {
			msg := ""
			if r.ErrMsg != nil {
				msg = *r.ErrMsg
			}
			errs[i] = resourceError(r.Err, msg)
		}
	}
	return errs, nil
}
