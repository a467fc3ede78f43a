package entities

import (
	"github.com/ferrykafka/ferry/storage"
)

// ConnectorType is the kind of a connector as the REST API shows it.
type ConnectorType string

// Connector types (Java's ConnectorType, serialised lower case).
const (
	ConnectorTypeSource  ConnectorType = "source"
	ConnectorTypeSink    ConnectorType = "sink"
	ConnectorTypeUnknown ConnectorType = "unknown"
)

// ConnectorInfo describes a configured connector: its name, its raw
// configuration, its committed tasks and its type. It is the body of
// GET /connectors/{name} and of the create/update endpoints.
type ConnectorInfo struct {
	Name   string                    `json:"name"`
	Config map[string]string         `json:"config"`
	Tasks  []storage.ConnectorTaskID `json:"tasks"`
	Type   ConnectorType             `json:"type"`
}

// MarshalJSON writes nil Config and Tasks as {} and [] (Java never sends
// null for them).
func (c ConnectorInfo) MarshalJSON() ([]byte, error) {
	type plain ConnectorInfo
	p := plain(c)
	if p.Config == nil {
		p.Config = map[string]string{}
	}
	if p.Tasks == nil {
		p.Tasks = []storage.ConnectorTaskID{}
	}
	return marshal(p)
}

// TaskInfo is one task's id and configuration (GET /connectors/{name}/tasks).
type TaskInfo struct {
	ID     storage.ConnectorTaskID `json:"id"`
	Config map[string]string       `json:"config"`
}

// MarshalJSON writes a nil Config as {}.
func (t TaskInfo) MarshalJSON() ([]byte, error) {
	type plain TaskInfo
	p := plain(t)
	if p.Config == nil {
		p.Config = map[string]string{}
	}
	return marshal(p)
}
