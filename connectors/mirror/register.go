package mirror

import (
	"fmt"

	"github.com/ferrykafka/ferry/connect"
)

// Java class names, as written in connector.class and task.class.
const (
	SourceConnectorClass = "org.apache.kafka.connect.mirror.MirrorSourceConnector"
	SourceTaskClass      = "org.apache.kafka.connect.mirror.MirrorSourceTask"
)

// Register adds the MirrorMaker connectors to r.
func Register(r *connect.Registry) error {
	err := r.RegisterConnector(connect.ConnectorPlugin{
		Class:         SourceConnectorClass,
		TaskClass:     SourceTaskClass,
		Type:          connect.PluginSource,
		Version:       connect.Version,
		NewConnector:  func() connect.Connector { return NewMirrorSourceConnector() },
		NewSourceTask: func() connect.SourceTask { return NewMirrorSourceTask() },
	})
	if err != nil {
		return fmt.Errorf("register MirrorSourceConnector: %w", err)
	}
	return nil
}
