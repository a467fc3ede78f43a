package mirror

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
)

// MirrorHeartbeatConnector emits heartbeats to the target cluster (Java's
// org.apache.kafka.connect.mirror.MirrorHeartbeatConnector). It creates the
// heartbeats topic there and runs one MirrorHeartbeatTask, which writes a
// record every emit.heartbeats.interval.seconds. MirrorSourceConnectors
// replicating out of that cluster copy the topic, so its remote copies show
// which flows are alive and how late they are.
type MirrorHeartbeatConnector struct {
	connect.SourceConnectorBase

	cfg *heartbeatConfig
	log zerolog.Logger

	// wg tracks admin calls that outlived admin.timeout.ms.
	wg       sync.WaitGroup
	stopOnce sync.Once
}

// NewMirrorHeartbeatConnector returns an unstarted connector.
func NewMirrorHeartbeatConnector() *MirrorHeartbeatConnector { return &MirrorHeartbeatConnector{} }

// Version is Ferry's version.
func (c *MirrorHeartbeatConnector) Version() string { return connect.Version }

// Config returns the connector's ConfigDef.
func (c *MirrorHeartbeatConnector) Config() *connect.ConfigDef { return newHeartbeatConfigDef() }

// Validate is the ConfigDef's validation with Java's whole messages for
// list values. Java's connector adds no check of its own.
func (c *MirrorHeartbeatConnector) Validate(props map[string]string) []connect.ConfigValue {
	return validateSourceConfig(newHeartbeatConfigDef(), props)
}

// Start creates the heartbeats topic on the target cluster: one partition,
// compacted, heartbeats.topic.replication.factor replicas. As in Java,
// only an invalid configuration fails Start: a topic that cannot be created
// (target unreachable, not authorized, ...) is logged and the connector
// runs on, its task writing to the topic if it exists or the broker creates
// it. Each admin step is bounded by admin.timeout.ms. The enabled key is
// not looked at, as in Java: heartbeats flow even for disabled flows.
func (c *MirrorHeartbeatConnector) Start(ctx context.Context, cctx connect.ConnectorContext, props map[string]string) error {
	began := time.Now()
	cfg, err := parseHeartbeatConfig(props)
	if err != nil {
		return err
	}
	adminProps := cfg.targetAdminProps(roleHeartbeatsTargetAdmin)
	// A client setting the admin cannot use fails Start, as Java's admin
	// constructor does.
	if _, err := kafkaclient.Parse(adminProps); err != nil {
		return fmt.Errorf("target cluster %q: admin client settings (%s*, %s*, %s*): %w",
			cfg.targetAlias, prefixTargetCluster, prefixAdmin, prefixTargetAdmin, err)
	}
	c.cfg = cfg
	c.log = cctx.Logger().With().Str("source_cluster", cfg.sourceAlias).Str("target_cluster", cfg.targetAlias).Logger()

	c.createHeartbeatsTopic(ctx, adminProps)

	interval := cfg.emitInterval()
	ev := c.log.Info().Str("topic", cfg.heartbeatsTopic()).Bool("emit", interval >= 0).Dur("took", time.Since(began))
	if interval >= 0 {
		ev = ev.Dur("interval", interval)
	}
	ev.Msg("started MirrorHeartbeatConnector")
	return nil
}

// createHeartbeatsTopic is Java's createInternalTopics. Failures are
// logged: authorization refusals and brokers without CreateTopics as
// warnings (the topic may exist or be auto-created), the rest as errors.
func (c *MirrorHeartbeatConnector) createHeartbeatsTopic(ctx context.Context, adminProps map[string]string) {
	topic := c.cfg.heartbeatsTopic()
	admin, err := openClusterAdmin(ctx, "target", c.cfg.targetAlias, adminProps, c.cfg.adminTimeout, &c.wg, c.log)
	if err == nil {
		err = admin.createCompactedTopic(ctx, topic, c.cfg.replFactor)
		admin.close()
	}
	switch {
	case err == nil:
	case ctx.Err() != nil:
		c.log.Warn().Err(err).Str("topic", topic).Msg("stopped before the heartbeats topic was created")
	case errors.Is(err, sarama.ErrTopicAuthorizationFailed), errors.Is(err, sarama.ErrClusterAuthorizationFailed),
		errors.Is(err, sarama.ErrUnsupportedVersion):
		c.log.Warn().Err(err).Str("topic", topic).
			Msg("could not create the heartbeats topic; assuming it exists or will be auto-created by the broker")
	default:
		c.log.Error().Err(err).Str("topic", topic).Str("key", keyHeartbeatsTopicReplicationFactor).
			Msg("could not create the heartbeats topic; heartbeats cannot be written until it exists")
	}
}

// TaskConfigs returns one task whose config is the connector's, or none
// when heartbeats are disabled (emit.heartbeats.enabled=false or a
// negative interval). As in Java, maxTasks and enabled are not looked at.
func (c *MirrorHeartbeatConnector) TaskConfigs(ctx context.Context, maxTasks int) ([]map[string]string, error) {
	if c.cfg == nil {
		return nil, errors.New("MirrorHeartbeatConnector: TaskConfigs called before Start")
	}
	if c.cfg.emitInterval() < 0 {
		return []map[string]string{}, nil
	}
	return []map[string]string{maps.Clone(c.cfg.props)}, nil
}

// Stop waits (until ctx ends) for admin calls still running in sarama.
func (c *MirrorHeartbeatConnector) Stop(ctx context.Context) error {
	c.stopOnce.Do(func() {
		if !waitGroup(ctx, &c.wg) {
			c.log.Warn().Msg("stopped before admin calls still running in the client finished")
		}
	})
	return nil
}

// AlterOffsets checks offsets an operator writes through the REST API, as
// Java's MirrorHeartbeatConnector.alterOffsets does: a partition with a
// non-null offset must be {"sourceClusterAlias": string,
// "targetClusterAlias": string} and its offset {"offset": 0}, the only
// offset heartbeat records carry. Resets (null offsets) are always allowed
// so garbage can be cleaned up. The task reads no offsets, so the answer is
// true.
func (c *MirrorHeartbeatConnector) AlterOffsets(_ map[string]string, offsets []connect.PartitionOffset) (bool, error) {
	return true, checkMirrorOffsets(offsets, true, false, mirrorclient.HeartbeatSourceClusterAliasKey, mirrorclient.HeartbeatTargetClusterAliasKey)
}

var (
	_ connect.SourceConnector = (*MirrorHeartbeatConnector)(nil)
	_ connect.ConfigValidator = (*MirrorHeartbeatConnector)(nil)
	_ connect.OffsetAlterer   = (*MirrorHeartbeatConnector)(nil)
)
