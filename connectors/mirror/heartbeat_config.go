package mirror

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/ferrykafka/ferry/connect"
)

// Java class names of the heartbeat connector and its task, as written in
// connector.class and task.class.
const (
	HeartbeatConnectorClass = "org.apache.kafka.connect.mirror.MirrorHeartbeatConnector"
	HeartbeatTaskClass      = "org.apache.kafka.connect.mirror.MirrorHeartbeatTask"
)

// Keys of Java's MirrorHeartbeatConfig, on top of the base keys.
const (
	keyEmitHeartbeatsEnabled            = "emit.heartbeats.enabled"
	keyEmitHeartbeatsIntervalSeconds    = "emit.heartbeats.interval.seconds"
	keyHeartbeatsTopicReplicationFactor = "heartbeats.topic.replication.factor"
)

// roleHeartbeatsTargetAdmin labels the client id of the admin that creates
// the heartbeats topic on the target cluster (the role Java's connector
// passes to targetAdminConfig).
const roleHeartbeatsTargetAdmin = "heartbeats-target-admin"

// newHeartbeatConfigDef returns MirrorHeartbeatConnector's ConfigDef: the
// keys every MirrorMaker connector has, then Kafka 4.3.1's
// MirrorHeartbeatConfig keys, in Java's order, with Java's names, types,
// defaults and importance. Like Java, the three heartbeat keys have no
// validator beyond their type.
func newHeartbeatConfigDef() *connect.ConfigDef {
	low := connect.ImportanceLow
	return newBaseConfigDef().
		Define(connect.ConfigKey{Name: keyEmitHeartbeatsEnabled, Type: connect.TypeBooleanConfig, Default: true,
			Importance: low, Doc: "Whether to emit heartbeats to target cluster."}).
		Define(connect.ConfigKey{Name: keyEmitHeartbeatsIntervalSeconds, Type: connect.TypeLongConfig, Default: int64(1),
			Importance: low,
			Doc: "Frequency of heartbeats. A negative value emits none (no task is started), as emit.heartbeats.enabled=false; " +
				"0 emits one on every poll, without pause."}).
		Define(connect.ConfigKey{Name: keyHeartbeatsTopicReplicationFactor, Type: connect.TypeShortConfig, Default: int16(3),
			Importance: low, Doc: "Replication factor for heartbeats topic."})
}

// heartbeatConfig is a parsed MirrorHeartbeatConnector (or task)
// configuration.
type heartbeatConfig struct {
	mirrorConfig

	emitEnabled bool
	// intervalSeconds is emit.heartbeats.interval.seconds as given.
	intervalSeconds int64
	replFactor      int16
}

// parseHeartbeatConfig parses props (the connector's configuration, which is
// also its task's). The error lists every invalid key.
func parseHeartbeatConfig(props map[string]string) (*heartbeatConfig, error) {
	v := connect.Values{}
	var errs []string
	for _, cv := range validateSourceConfig(newHeartbeatConfigDef(), props) {
		v[cv.Name] = cv.Value
		errs = append(errs, cv.Errors...)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("invalid MirrorHeartbeatConnector configuration: %w",
			&connect.KindError{Kind: connect.ErrBadRequest, Msg: strings.Join(errs, "\n")})
	}
	base, err := parseBaseConfig(v, props)
	if err != nil {
		return nil, fmt.Errorf("invalid MirrorHeartbeatConnector configuration: %w", err)
	}
	return &heartbeatConfig{
		mirrorConfig:    base,
		emitEnabled:     v[keyEmitHeartbeatsEnabled].(bool),
		intervalSeconds: v[keyEmitHeartbeatsIntervalSeconds].(int64),
		replFactor:      v[keyHeartbeatsTopicReplicationFactor].(int16),
	}, nil
}

// emitInterval is the pause before each heartbeat, as Java's
// MirrorHeartbeatConfig.emitHeartbeatsInterval: negative when heartbeats
// are disabled (emit.heartbeats.enabled=false, or a negative
// emit.heartbeats.interval.seconds). Intervals too long for a Duration are
// clamped to the longest one.
func (c *heartbeatConfig) emitInterval() time.Duration {
	if !c.emitEnabled {
		return -time.Millisecond
	}
	const maxSeconds = math.MaxInt64 / int64(time.Second)
	switch {
	case c.intervalSeconds > maxSeconds:
		return time.Duration(math.MaxInt64)
	case c.intervalSeconds < -maxSeconds:
		return time.Duration(math.MinInt64)
	}
	return time.Duration(c.intervalSeconds) * time.Second
}

// heartbeatsTopic is the policy's heartbeats topic ("heartbeats").
func (c *heartbeatConfig) heartbeatsTopic() string { return c.policy.HeartbeatsTopic() }
