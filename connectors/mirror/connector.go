package mirror

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect"
)

// MirrorSourceConnector replicates topics from a source cluster to a target
// cluster (Java's org.apache.kafka.connect.mirror.MirrorSourceConnector).
// It decides which source partitions to replicate, creates the remote topics
// and splits the partitions among MirrorSourceTasks.
type MirrorSourceConnector struct {
	connect.SourceConnectorBase

	cfg  *sourceConfig
	cctx connect.ConnectorContext
	log  zerolog.Logger
	flowAdmins

	// mu guards known, read by TaskConfigs and written by the refresh loop.
	mu    sync.Mutex
	known []topicPartition

	cancel context.CancelFunc
	// loops tracks the periodic goroutines: the topic refresh and the
	// topic config and ACL syncs.
	loops sync.WaitGroup
	// wg tracks admin calls that outlived admin.timeout.ms.
	wg       sync.WaitGroup
	stopOnce sync.Once
}

// NewMirrorSourceConnector returns an unstarted connector.
func NewMirrorSourceConnector() *MirrorSourceConnector { return &MirrorSourceConnector{} }

// Version is Ferry's version.
func (c *MirrorSourceConnector) Version() string { return connect.Version }

// Config returns the connector's ConfigDef.
func (c *MirrorSourceConnector) Config() *connect.ConfigDef { return newSourceConfigDef() }

// Start connects to both clusters, selects the source partitions to
// replicate, creates the missing remote topics and partitions on the target
// cluster, then starts the topic refresh and the topic config and ACL
// syncs (the syncs run at once, then every interval, as Java's
// scheduleRepeating). Every admin call is bounded by
// admin.timeout.ms; a failure is returned, naming the cluster and topic.
func (c *MirrorSourceConnector) Start(ctx context.Context, cctx connect.ConnectorContext, props map[string]string) error {
	began := time.Now()
	cfg, err := parseSourceConfig(newSourceConfigDef(), props)
	if err != nil {
		return err
	}
	c.cfg, c.cctx = cfg, cctx
	c.log = cctx.Logger().With().Str("source_cluster", cfg.sourceAlias).Str("target_cluster", cfg.targetAlias).Logger()
	if !cfg.enabled {
		c.log.Info().Msg("replication is disabled (enabled=false); not starting")
		return nil
	}

	if err := c.openAdmins(ctx, &cfg.mirrorConfig, roleSourceAdmin, roleTargetAdmin, &c.wg, c.log); err != nil {
		return err
	}

	// The offset-syncs topic must exist for MirrorSourceTasks that emit
	// offset syncs (Java's tasks do, and may run on Java workers of a
	// mixed cluster), as Java's connector creates it at start. As in Java,
	// failing to create it is logged, not fatal: replication goes on. It
	// is created while the topics to replicate are looked up, and Start
	// returns once both are done.
	var syncsTopic sync.WaitGroup
	if cfg.emitOffsetSyncs {
		admin := c.source
		if cfg.offsetSyncsLocation == "target" {
			admin = c.target
		}
		syncsTopic.Add(1)
		go func() {
			defer syncsTopic.Done()
			if err := admin.createCompactedTopic(ctx, cfg.offsetSyncsTopic(), cfg.offsetSyncsReplFactor); err != nil {
				c.log.Error().Err(err).Str("key", keyOffsetSyncsReplicationFactor).
					Msg("could not create the offset-syncs topic; offset syncs cannot be written until it exists")
			}
		}()
	}
	err = c.discoverAndCreate(ctx)
	syncsTopic.Wait()
	if err != nil {
		c.closeAdmins()
		return err
	}

	loopCtx, cancel := context.WithCancel(ctx)
	c.cancel = cancel
	if cfg.refreshInterval > 0 {
		c.startLoop(func() { c.refreshLoop(loopCtx) })
	}
	if cfg.syncTopicAclsInterval > 0 {
		acls := &aclSync{c: c}
		c.startLoop(func() { c.syncLoop(loopCtx, "topic ACL sync", cfg.syncTopicAclsInterval, acls.run) })
	}
	if cfg.syncTopicConfigsInterval > 0 {
		c.startLoop(func() { c.syncLoop(loopCtx, "topic config sync", cfg.syncTopicConfigsInterval, c.syncTopicConfigs) })
	}
	c.log.Info().Int("topic_partitions", len(c.knownPartitions())).Dur("took", time.Since(began)).
		Msg("started MirrorSourceConnector")
	return nil
}

// discoverAndCreate lists the source topics to replicate and the target's
// remote topics (both clusters at once), records the source partitions,
// and creates the missing remote topics and partitions.
func (c *MirrorSourceConnector) discoverAndCreate(ctx context.Context) error {
	var (
		targetTopics map[string]int32
		targetErr    error
		listed       sync.WaitGroup
	)
	listed.Add(1)
	go func() {
		defer listed.Done()
		targetTopics, targetErr = c.findTargetTopics(ctx)
	}()
	sourceTopics, err := c.findSourceTopics(ctx)
	listed.Wait()
	if err != nil {
		return err
	}
	c.setKnown(expandPartitions(sourceTopics))
	if targetErr != nil {
		return targetErr
	}
	c.reportExtraRemotePartitions(sourceTopics, targetTopics)
	return c.createRemoteTopics(ctx, sourceTopics, targetTopics)
}

// TaskConfigs deals the known source partitions out round-robin: partition i
// of the discovery order (topics by name, then partition number) goes to
// task i mod numTasks, numTasks = min(maxTasks, #partitions). Each task
// config is the connector config plus task.assigned.partitions and
// task.index, as in Java. No partitions (or enabled=false) means no tasks.
func (c *MirrorSourceConnector) TaskConfigs(ctx context.Context, maxTasks int) ([]map[string]string, error) {
	if c.cfg == nil {
		return nil, errors.New("MirrorSourceConnector: TaskConfigs called before Start")
	}
	parts := c.knownPartitions()
	if !c.cfg.enabled || len(parts) == 0 || maxTasks <= 0 {
		return []map[string]string{}, nil
	}
	numTasks := min(maxTasks, len(parts))
	assigned := make([][]string, numTasks)
	for i, tp := range parts {
		assigned[i%numTasks] = append(assigned[i%numTasks], tp.String())
	}
	out := make([]map[string]string, numTasks)
	for i := range out {
		tc := maps.Clone(c.cfg.props)
		tc[keyTaskAssignedPartitions] = strings.Join(assigned[i], ",")
		tc[keyTaskIndex] = strconv.Itoa(i)
		out[i] = tc
	}
	return out, nil
}

// Stop ends the refresh and sync loops, closes the admin clients and waits
// (until ctx ends) for admin calls still running in sarama.
func (c *MirrorSourceConnector) Stop(ctx context.Context) error {
	c.stopOnce.Do(func() {
		if c.cancel != nil {
			c.cancel()
		}
		// The loops return promptly once cancelled (their admin calls
		// stop waiting on the context); the admins are closed only after
		// them, as they use them.
		if !waitGroup(ctx, &c.loops) {
			c.log.Warn().Msg("stopped before the topic refresh and syncs finished")
			return
		}
		c.closeAdmins()
		if !waitGroup(ctx, &c.wg) {
			c.log.Warn().Msg("stopped before admin calls still running in the client finished")
		}
	})
	return nil
}

func (c *MirrorSourceConnector) knownPartitions() []topicPartition {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.known
}

func (c *MirrorSourceConnector) setKnown(parts []topicPartition) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.known = parts
}

// refreshLoop re-checks the topics every refresh.topics.interval.seconds
// (first after one interval, as Java's scheduleRepeatingDelayed). Transient
// failures are logged and retried at the next tick; a permanent one fails
// the connector through RaiseError and ends the loop.
func (c *MirrorSourceConnector) refreshLoop(ctx context.Context) {
	ticker := time.NewTicker(c.cfg.refreshInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		err := c.refreshTopicPartitions(ctx)
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return
		case isRetriable(err):
			c.log.Warn().Err(err).Msg("topic refresh failed; retrying at the next interval")
		default:
			c.log.Error().Err(err).Msg("topic refresh failed")
			c.cctx.RaiseError(fmt.Errorf("MirrorSourceConnector topic refresh: %w", err))
			return
		}
	}
}

// startLoop runs loop on its own goroutine, tracked by c.loops.
func (c *MirrorSourceConnector) startLoop(loop func()) {
	c.loops.Add(1)
	go func() {
		defer c.loops.Done()
		loop()
	}()
}

// syncLoop runs run at once and then every interval (Java's
// scheduleRepeating) until ctx ends or run returns errStopSync. A failed
// run is logged, as Java's scheduler does, and the next run tries again:
// replication goes on without the sync.
func (c *MirrorSourceConnector) syncLoop(ctx context.Context, what string, interval time.Duration, run func(context.Context) error) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		err := run(ctx)
		switch {
		case err == nil:
		case ctx.Err() != nil, errors.Is(err, errStopSync):
			return
		case isRetriable(err):
			c.log.Warn().Err(err).Msgf("%s failed; retrying at the next interval", what)
		default:
			c.log.Error().Err(err).Msgf("%s failed; retrying at the next interval", what)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}
