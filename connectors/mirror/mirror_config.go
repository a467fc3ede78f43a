package mirror

import (
	"strings"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
)

// mirrorConfig is what every MirrorMaker connector's parsed configuration
// holds (Java's MirrorConnectorConfig): the flow, the replication policy,
// the admin timeout and the original properties client settings are built
// from (client_props.go).
type mirrorConfig struct {
	// props are the configuration as given (Java's originals()); client
	// settings and task configs are derived from them.
	props map[string]string

	connectorName string
	enabled       bool
	sourceAlias   string
	targetAlias   string
	policy        mirrorclient.ReplicationPolicy
	adminTimeout  time.Duration

	// isTask is set for a task's configuration; taskIndex is its
	// task.index when present. Both label client ids.
	isTask    bool
	taskIndex *int32
}

// parseBaseConfig reads the keys of newBaseConfigDef (and task.index) from
// values v parsed from props.
func parseBaseConfig(v connect.Values, props map[string]string) (mirrorConfig, error) {
	c := mirrorConfig{
		props:         copyProps(props),
		connectorName: strings.TrimSpace(props[keyName]),
		enabled:       v[keyEnabled].(bool),
		sourceAlias:   v[keySourceClusterAlias].(string),
		targetAlias:   v[keyTargetClusterAlias].(string),
		adminTimeout:  time.Duration(v[keyAdminTimeoutMs].(int64)) * time.Millisecond,
	}
	// The policy is configured from the original properties, as Java's
	// getConfiguredInstance does (so an unset separator means the default).
	var err error
	if c.policy, err = mirrorclient.NewReplicationPolicy(v[keyReplicationPolicyClass].(string), props); err != nil {
		return c, err
	}
	if idx, ok := v[keyTaskIndex].(int32); ok {
		c.taskIndex = &idx
	}
	return c, nil
}
