package storage

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// TargetState is the state a user asked a connector to be in.
type TargetState string

// Target states as Connect writes them in target-state- records.
const (
	TargetStarted TargetState = "STARTED"
	TargetPaused  TargetState = "PAUSED"
	TargetStopped TargetState = "STOPPED"
)

// ParseTargetState parses a target state case-insensitively (REST
// initial_state uses RUNNING for STARTED).
func ParseTargetState(s string) (TargetState, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "STARTED", "RUNNING":
		return TargetStarted, nil
	case "PAUSED":
		return TargetPaused, nil
	case "STOPPED":
		return TargetStopped, nil
	}
	return "", fmt.Errorf("unknown target state %q", s)
}

// ConnectorTaskID names one task of a connector.
type ConnectorTaskID struct {
	Connector string `json:"connector"`
	Task      int    `json:"task"`
}

func (id ConnectorTaskID) String() string { return id.Connector + "-" + strconv.Itoa(id.Task) }

// SessionKey is the KIP-507 key the leader keeps in the config topic.
type SessionKey struct {
	Key          []byte
	Algorithm    string
	CreationTime int64 // ms since the epoch
}

// ClusterConfigState is an immutable snapshot of the config topic as read so
// far. Maps are owned by the snapshot; callers must not modify them.
type ClusterConfigState struct {
	// Offset is the offset after the last config-topic record read (what
	// the group protocol calls the config offset); -1 before any read.
	Offset           int64
	SessionKey       *SessionKey
	ConnectorConfigs map[string]map[string]string
	TargetStates     map[string]TargetState
	TaskConfigs      map[ConnectorTaskID]map[string]string
	TaskCounts       map[string]int
	// Inconsistent lists connectors whose last task-config commit did not
	// find every task config; the leader must regenerate them.
	Inconsistent map[string]bool
	// AppliedConnectorConfigs is, per connector, its config as it was when
	// its current task configs were committed (Java's
	// appliedConnectorConfig): when it differs from the connector's config,
	// the task configs are rewritten and the tasks restarted even if the
	// connector generates the same ones (KAFKA-9228).
	AppliedConnectorConfigs map[string]map[string]string
}

// EmptyClusterConfigState returns a snapshot with nothing in it.
func EmptyClusterConfigState() ClusterConfigState {
	return ClusterConfigState{
		Offset:           -1,
		ConnectorConfigs: map[string]map[string]string{},
		TargetStates:     map[string]TargetState{},
		TaskConfigs:      map[ConnectorTaskID]map[string]string{},
		TaskCounts:       map[string]int{},
		Inconsistent:     map[string]bool{},

		AppliedConnectorConfigs: map[string]map[string]string{},
	}
}

// Connectors returns the configured connector names, sorted.
func (s ClusterConfigState) Connectors() []string {
	out := make([]string, 0, len(s.ConnectorConfigs))
	for c := range s.ConnectorConfigs {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Contains reports whether a connector is configured.
func (s ClusterConfigState) Contains(connector string) bool {
	_, ok := s.ConnectorConfigs[connector]
	return ok
}

// TargetState returns a connector's target state (STARTED when none is
// recorded, as in Java).
func (s ClusterConfigState) TargetState(connector string) TargetState {
	if t, ok := s.TargetStates[connector]; ok {
		return t
	}
	return TargetStarted
}

// Tasks returns the committed task ids of a connector in order; none while it
// is inconsistent.
func (s ClusterConfigState) Tasks(connector string) []ConnectorTaskID {
	if s.Inconsistent[connector] {
		return nil
	}
	n := s.TaskCounts[connector]
	out := make([]ConnectorTaskID, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, ConnectorTaskID{Connector: connector, Task: i})
	}
	return out
}

// TaskConfigsOf returns the committed task configs of a connector in task
// order.
func (s ClusterConfigState) TaskConfigsOf(connector string) []map[string]string {
	var out []map[string]string
	for _, id := range s.Tasks(connector) {
		out = append(out, s.TaskConfigs[id])
	}
	return out
}

// State is the runtime state of a connector or task as written to the status
// topic and shown by the REST API.
type State string

// States (Java's AbstractStatus.State).
const (
	StateUnassigned State = "UNASSIGNED"
	StateRunning    State = "RUNNING"
	StatePaused     State = "PAUSED"
	StateFailed     State = "FAILED"
	StateRestarting State = "RESTARTING"
	StateStopped    State = "STOPPED"
	// StateDestroyed is never shown; writing it writes a tombstone.
	StateDestroyed State = "DESTROYED"
)

// Status is the status of a connector (Task == -1) or of one task.
type Status struct {
	ID         ConnectorTaskID
	State      State
	Trace      string
	WorkerID   string
	Generation int32
	// Version is the version of the plugin instance that reported the
	// status (Kafka 4.1+, KIP-891), "" when unknown.
	Version string
}

// WithVersion returns s with its plugin version set.
func (s Status) WithVersion(v string) Status { s.Version = v; return s }

// ConnectorStatus builds a connector's status.
func ConnectorStatus(connector string, state State, trace, workerID string, generation int32) Status {
	return Status{ID: ConnectorTaskID{Connector: connector, Task: -1}, State: state, Trace: trace, WorkerID: workerID, Generation: generation}
}

// TaskStatus builds a task's status.
func TaskStatus(id ConnectorTaskID, state State, trace, workerID string, generation int32) Status {
	return Status{ID: id, State: state, Trace: trace, WorkerID: workerID, Generation: generation}
}

// IsConnector reports whether s is a connector status rather than a task's.
func (s Status) IsConnector() bool { return s.ID.Task < 0 }

// OffsetEntry is one raw entry of the offsets topic; a nil Value deletes it.
type OffsetEntry struct {
	Key   []byte
	Value []byte
}
