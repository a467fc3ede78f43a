package mirror

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
)

// MirrorCheckpointConnector replicates consumer group progress from a source
// cluster to a target cluster (Java's
// org.apache.kafka.connect.mirror.MirrorCheckpointConnector). It selects the
// source consumer groups to checkpoint, creates the checkpoints topic on the
// target cluster and splits the groups among MirrorCheckpointTasks, which
// translate the groups' offsets and emit Checkpoint records.
type MirrorCheckpointConnector struct {
	connect.SourceConnectorBase

	cfg  *checkpointConfig
	cctx connect.ConnectorContext
	log  zerolog.Logger
	flowAdmins

	// mu guards known and loaded: TaskConfigs reads them, the refresh
	// loop writes them.
	mu sync.Mutex
	// known are the groups to checkpoint, sorted; loaded says whether
	// the first listing finished (until then TaskConfigs has no answer).
	known  []string
	loaded bool
	// listing serialises the listings after Start (refresh and retries).
	listing sync.Mutex

	cancel context.CancelFunc
	// loops tracks the group refresh goroutine.
	loops sync.WaitGroup
	// wg tracks admin calls that outlived admin.timeout.ms.
	wg       sync.WaitGroup
	stopOnce sync.Once
}

// NewMirrorCheckpointConnector returns an unstarted connector.
func NewMirrorCheckpointConnector() *MirrorCheckpointConnector { return &MirrorCheckpointConnector{} }

// Version is Ferry's version.
func (c *MirrorCheckpointConnector) Version() string { return connect.Version }

// Config returns the connector's ConfigDef.
func (c *MirrorCheckpointConnector) Config() *connect.ConfigDef { return newCheckpointConfigDef() }

// Validate is Java's MirrorCheckpointConnector.validate: the ConfigDef's
// validation (with Java's messages for list values), then Java's checks
// that checkpoints and offset syncs are on unless enabled=false. Ferry also
// reports a bad topics or topics.exclude value, which the topic filter
// reads from the configuration (Java's connector fails at start instead).
func (c *MirrorCheckpointConnector) Validate(props map[string]string) []connect.ConfigValue {
	values := validateSourceConfig(newCheckpointConfigDef(), props)
	for _, cv := range validateCheckpointTopicFilter(props) {
		if len(cv.Errors) > 0 {
			values = append(values, cv)
		}
	}
	return checkCheckpointRequirements(props, values)
}

// Start connects admin clients to both clusters, creates the checkpoints
// topic on the target cluster (one partition, compacted,
// checkpoints.topic.replication.factor replicas) and lists the source
// consumer groups to checkpoint. It then re-lists them every
// refresh.groups.interval.seconds, asking the runtime for new task
// configs when the set changes.
//
// An unreachable cluster or a checkpoints topic that cannot be created
// fails Start with the cluster alias in the message. A first listing that
// fails on a transient error does not: it is logged and retried in the
// background (TaskConfigs answers a retriable error until it succeeds).
func (c *MirrorCheckpointConnector) Start(ctx context.Context, cctx connect.ConnectorContext, props map[string]string) error {
	began := time.Now()
	cfg, err := parseCheckpointConfig(newCheckpointConfigDef(), props)
	if err != nil {
		return err
	}
	c.cfg, c.cctx = cfg, cctx
	c.log = cctx.Logger().With().Str("source_cluster", cfg.sourceAlias).Str("target_cluster", cfg.targetAlias).Logger()
	if !cfg.enabled {
		c.log.Info().Msg("replication is disabled (enabled=false); not checkpointing consumer groups")
		return nil
	}

	if err := c.openAdmins(ctx, &cfg.mirrorConfig, roleCheckpointSourceAdmin, roleCheckpointTargetAdmin, &c.wg, c.log); err != nil {
		return err
	}
	if err := c.createCheckpointsTopic(ctx); err != nil {
		c.closeAdmins()
		return err
	}

	loopCtx, cancel := context.WithCancel(ctx)
	c.cancel = cancel
	groups, err := c.findConsumerGroups(ctx)
	switch {
	case err == nil:
		c.setKnown(groups)
		c.log.Info().Int("groups", len(groups)).Dur("took", time.Since(began)).
			Msgf("started MirrorCheckpointConnector with %d consumer groups", len(groups))
		c.log.Debug().Strs("groups", groups).Msg("consumer groups to checkpoint")
	case ctx.Err() != nil || !isRetriable(err):
		cancel()
		c.closeAdmins()
		return err
	default:
		c.log.Warn().Err(err).Msg("could not list the consumer groups to checkpoint; retrying in the background")
		c.startLoop(func() { c.retryInitialListing(loopCtx) })
	}
	if cfg.refreshGroupsInterval > 0 {
		c.startLoop(func() { c.refreshLoop(loopCtx) })
	}
	return nil
}

// createCheckpointsTopic creates the checkpoints topic on the target
// cluster; one that exists is kept as it is. As Java's
// MirrorUtils.createCompactedTopic, a broker that does not let this client
// create topics (authorization, no CreateTopics API) is not an error: the
// topic is assumed to exist or to be created by someone else.
func (c *MirrorCheckpointConnector) createCheckpointsTopic(ctx context.Context) error {
	topic := c.cfg.checkpointsTopic()
	err := c.target.createCompactedTopic(ctx, topic, c.cfg.checkpointsReplFactor)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sarama.ErrTopicAuthorizationFailed), errors.Is(err, sarama.ErrClusterAuthorizationFailed),
		errors.Is(err, sarama.ErrUnsupportedVersion):
		c.log.Warn().Err(err).Str("topic", topic).
			Msg("could not create the checkpoints topic; assuming it exists or will be created by the broker")
		return nil
	}
	return fmt.Errorf("checkpoints topic (%s): %w", keyCheckpointsTopicReplicationFactor, err)
}

// TaskConfigs splits the known groups into contiguous chunks, as Java's
// ConnectorUtils.groupPartitions: numTasks = min(maxTasks, #groups), and
// the first #groups mod numTasks tasks get one group more. Each task config
// is the connector config plus task.assigned.groups and task.index. Until
// the first group listing finished it answers a retriable error (the
// runtime asks again); there are no tasks when replication or checkpoints
// are disabled or no group qualifies.
func (c *MirrorCheckpointConnector) TaskConfigs(ctx context.Context, maxTasks int) ([]map[string]string, error) {
	if c.cfg == nil {
		return nil, errors.New("MirrorCheckpointConnector: TaskConfigs called before Start")
	}
	if !c.cfg.enabled {
		return []map[string]string{}, nil
	}
	groups, loaded := c.knownGroups()
	if !loaded {
		c.log.Debug().Msg("initial consumer group listing has not completed")
		return nil, connect.Errorf(connect.ErrRetriable,
			"MirrorCheckpointConnector has not finished listing the consumer groups of source cluster %q yet", c.cfg.sourceAlias)
	}
	if c.cfg.emitInterval < 0 || len(groups) == 0 || maxTasks <= 0 {
		return []map[string]string{}, nil
	}
	chunks := splitGroups(groups, min(maxTasks, len(groups)))
	out := make([]map[string]string, len(chunks))
	for i, chunk := range chunks {
		out[i] = c.cfg.taskConfigForGroups(chunk, i)
	}
	return out, nil
}

// splitGroups is Java's ConnectorUtils.groupPartitions: n contiguous chunks
// of elems, the first len(elems) mod n of them one element longer.
func splitGroups(elems []string, n int) [][]string {
	out := make([][]string, n)
	per, extra := len(elems)/n, len(elems)%n
	at := 0
	for i := range out {
		size := per
		if i < extra {
			size++
		}
		out[i] = elems[at : at+size : at+size]
		at += size
	}
	return out
}

// Stop ends the refresh loop, closes the admin clients and waits (until
// ctx ends) for admin calls still running in sarama.
func (c *MirrorCheckpointConnector) Stop(ctx context.Context) error {
	c.stopOnce.Do(func() {
		if c.cancel != nil {
			c.cancel()
		}
		if !waitGroup(ctx, &c.loops) {
			c.log.Warn().Msg("stopped before the consumer group refresh finished")
			return
		}
		c.closeAdmins()
		if !waitGroup(ctx, &c.wg) {
			c.log.Warn().Msg("stopped before admin calls still running in the client finished")
		}
	})
	return nil
}

// AlterOffsets checks offsets an operator writes through the REST API, as
// Java's MirrorCheckpointConnector.alterOffsets: every partition with a
// non-null offset must be {"group": string, "topic": string,
// "partition": int >= 0} and its offset {"offset": 0}. The task does not
// read these offsets, so the answer is true.
func (c *MirrorCheckpointConnector) AlterOffsets(_ map[string]string, offsets []connect.PartitionOffset) (bool, error) {
	return true, checkMirrorOffsets(offsets, true, true, mirrorclient.CheckpointConsumerGroupIDKey, mirrorclient.CheckpointTopicKey)
}

var _ connect.OffsetAlterer = (*MirrorCheckpointConnector)(nil)

func (c *MirrorCheckpointConnector) knownGroups() ([]string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.known, c.loaded
}

func (c *MirrorCheckpointConnector) setKnown(groups []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.known, c.loaded = groups, true
}

func (c *MirrorCheckpointConnector) startLoop(loop func()) {
	c.loops.Add(1)
	go func() {
		defer c.loops.Done()
		loop()
	}()
}

// Bounds of the delay between attempts of a first group listing that
// failed.
const (
	checkpointListingMinRetry = time.Second
	checkpointListingMaxRetry = 30 * time.Second
)

// retryInitialListing retries the first group listing with a growing delay
// (capped by the refresh interval) until it succeeds, then asks the
// runtime for task configs.
func (c *MirrorCheckpointConnector) retryInitialListing(ctx context.Context) {
	delay := checkpointListingMinRetry
	for {
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		err := c.refreshConsumerGroups(ctx, true)
		if err == nil {
			return
		}
		if ctx.Err() != nil {
			return
		}
		limit := checkpointListingMaxRetry
		if c.cfg.refreshGroupsInterval > 0 {
			limit = min(limit, c.cfg.refreshGroupsInterval)
		}
		delay = min(2*delay, max(limit, checkpointListingMinRetry))
		c.log.Warn().Err(err).Dur("retry_in", delay).Msg("could not list the consumer groups to checkpoint")
	}
}

// refreshLoop re-lists the groups every refresh.groups.interval.seconds
// (first after one interval, as Java's scheduleRepeatingDelayed). A
// failure is logged and retried at the next interval, as in Java.
func (c *MirrorCheckpointConnector) refreshLoop(ctx context.Context) {
	everyInterval(ctx, c.cfg.refreshGroupsInterval, "consumer group refresh", c.log, func(ctx context.Context) error {
		return c.refreshConsumerGroups(ctx, false)
	})
}

// refreshConsumerGroups lists the groups again and, when the set changed
// (or is known for the first time), says so and asks the runtime for new
// task configs. With onlyFirst it does nothing once a listing succeeded
// (the retries of a failed first listing). Listings do not overlap.
func (c *MirrorCheckpointConnector) refreshConsumerGroups(ctx context.Context, onlyFirst bool) error {
	c.listing.Lock()
	defer c.listing.Unlock()
	previous, loaded := c.knownGroups()
	if onlyFirst && loaded {
		return nil
	}
	groups, err := c.findConsumerGroups(ctx)
	if err != nil {
		return err
	}
	added, removed := diffSorted(previous, groups)
	switch {
	case !loaded:
		c.log.Info().Int("groups", len(groups)).Msgf("listed %d consumer groups to checkpoint", len(groups))
		c.log.Debug().Strs("groups", groups).Msg("consumer groups to checkpoint")
	case len(added) == 0 && len(removed) == 0:
		return nil
	default:
		c.log.Info().Int("groups", len(groups)).Int("new", len(added)).Int("removed", len(removed)).Int("previous", len(previous)).
			Msgf("found %d consumer groups to checkpoint: %d new, %d removed, previously %d", len(groups), len(added), len(removed), len(previous))
		c.log.Debug().Strs("new_groups", added).Strs("removed_groups", removed).Msg("consumer groups changed")
	}
	c.setKnown(groups)
	c.cctx.RequestTaskReconfiguration()
	return nil
}

// diffSorted returns the elements of b not in a, and of a not in b; both
// lists are sorted.
func diffSorted(a, b []string) (added, removed []string) {
	for _, s := range b {
		if _, found := slices.BinarySearch(a, s); !found {
			added = append(added, s)
		}
	}
	for _, s := range a {
		if _, found := slices.BinarySearch(b, s); !found {
			removed = append(removed, s)
		}
	}
	return added, removed
}

// findConsumerGroups is Java's findConsumerGroups: the source cluster's
// consumer groups (classic groups of the consumer protocol, or groups that
// only commit offsets) that the group filter accepts and that have
// committed offsets for at least one topic the topic filter accepts,
// sorted. The whole listing is bounded by admin.timeout.ms.
func (c *MirrorCheckpointConnector) findConsumerGroups(ctx context.Context) ([]string, error) {
	listed, err := c.source.listConsumerGroupIDs(ctx)
	if err != nil {
		return nil, err
	}
	var candidates []string
	for _, g := range listed {
		if c.cfg.groupFilter.shouldReplicateGroup(g) {
			candidates = append(candidates, g)
		}
	}
	offsets, err := c.source.committedOffsetsOfGroups(ctx, candidates)
	if err != nil {
		return nil, err
	}
	var groups, irrelevant []string
	for _, g := range candidates {
		relevant := false
		for tp := range offsets[g] {
			if c.cfg.topicFilter.shouldReplicateTopic(tp.topic) {
				relevant = true
				break
			}
		}
		if relevant {
			groups = append(groups, g)
		} else {
			irrelevant = append(irrelevant, g)
		}
	}
	if len(irrelevant) > 0 {
		c.log.Debug().Strs("groups", irrelevant).
			Msg("ignoring groups without offsets for any topic the topic filter accepts")
	}
	return groups, nil
}
