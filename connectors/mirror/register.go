package mirror

import (
	"fmt"
	"strings"

	"github.com/ferrykafka/ferry/connect"
)

// Java class names, as written in connector.class and task.class.
const (
	SourceConnectorClass = "org.apache.kafka.connect.mirror.MirrorSourceConnector"
	SourceTaskClass      = "org.apache.kafka.connect.mirror.MirrorSourceTask"
)

// Register adds the MirrorMaker connectors to r.
func Register(r *connect.Registry) error {
	plugins := []connect.ConnectorPlugin{{
		Class:         SourceConnectorClass,
		TaskClass:     SourceTaskClass,
		NewConnector:  func() connect.Connector { return NewMirrorSourceConnector() },
		NewSourceTask: func() connect.SourceTask { return NewMirrorSourceTask() },
	}, {
		Class:         CheckpointConnectorClass,
		TaskClass:     CheckpointTaskClass,
		NewConnector:  func() connect.Connector { return NewMirrorCheckpointConnector() },
		NewSourceTask: func() connect.SourceTask { return NewMirrorCheckpointTask() },
	}, {
		Class:         HeartbeatConnectorClass,
		TaskClass:     HeartbeatTaskClass,
		NewConnector:  func() connect.Connector { return NewMirrorHeartbeatConnector() },
		NewSourceTask: func() connect.SourceTask { return NewMirrorHeartbeatTask() },
	}}
	for _, p := range plugins {
		p.Type, p.Version = connect.PluginSource, connect.Version
		if err := r.RegisterConnector(p); err != nil {
			return fmt.Errorf("register %s: %w", p.Class[strings.LastIndex(p.Class, ".")+1:], err)
		}
	}
	return nil
}
