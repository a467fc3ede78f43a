package entities

import (
	"sort"

	"github.com/ferrykafka/ferry/storage"
)

// ConnectorStateInfo is the body of GET /connectors/{name}/status: the state
// of the connector instance and of each of its tasks.
//
// Tasks are always written sorted by id, whatever order they are held in.
type ConnectorStateInfo struct {
	Name      string         `json:"name"`
	Connector ConnectorState `json:"connector"`
	Tasks     []TaskState    `json:"tasks"`
	Type      ConnectorType  `json:"type"`
}

// ConnectorState is the state of a connector instance. Trace (the stack
// trace or error text of a failure) is omitted when empty.
type ConnectorState struct {
	State    storage.State `json:"state"`
	WorkerID string        `json:"worker_id"`
	Trace    string        `json:"trace,omitempty"`
	// Version is the plugin version the status was reported with (Kafka
	// 4.1+); omitted when unknown, as Java omits null and "undefined".
	Version string `json:"version,omitempty"`
}

// TaskState is the state of one task (also the body of
// GET /connectors/{name}/tasks/{id}/status).
type TaskState struct {
	ID       int           `json:"id"`
	State    storage.State `json:"state"`
	WorkerID string        `json:"worker_id"`
	Trace    string        `json:"trace,omitempty"`
	Version  string        `json:"version,omitempty"`
}

// NewConnectorStateInfo builds a ConnectorStateInfo from status-store
// records: the connector's own status and its tasks' statuses (in any
// order). The ids of connector and tasks are taken from the records.
func NewConnectorStateInfo(name string, typ ConnectorType, connector storage.Status, tasks []storage.Status) ConnectorStateInfo {
	info := ConnectorStateInfo{
		Name: name,
		Connector: ConnectorState{
			State:    connector.State,
			WorkerID: connector.WorkerID,
			Trace:    connector.Trace,
			Version:  knownVersion(connector.Version),
		},
		Tasks: make([]TaskState, 0, len(tasks)),
		Type:  typ,
	}
	for _, t := range tasks {
		info.Tasks = append(info.Tasks, TaskStateOf(t))
	}
	sortTasks(info.Tasks)
	return info
}

// TaskStateOf converts one task status record.
func TaskStateOf(s storage.Status) TaskState {
	return TaskState{ID: s.ID.Task, State: s.State, WorkerID: s.WorkerID, Trace: s.Trace, Version: knownVersion(s.Version)}
}

// knownVersion drops Java's placeholder for a plugin without a version.
func knownVersion(v string) string {
	if v == "undefined" {
		return ""
	}
	return v
}

// MarshalJSON writes tasks sorted by id and a nil task list as [], without
// modifying the receiver.
func (c ConnectorStateInfo) MarshalJSON() ([]byte, error) {
	type plain ConnectorStateInfo
	p := plain(c)
	p.Tasks = append(make([]TaskState, 0, len(c.Tasks)), c.Tasks...)
	sortTasks(p.Tasks)
	return marshal(p)
}

func sortTasks(tasks []TaskState) {
	sort.SliceStable(tasks, func(i, j int) bool { return tasks[i].ID < tasks[j].ID })
}
