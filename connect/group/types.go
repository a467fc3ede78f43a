package group

// ProtocolType is the group protocol type of Connect workers.
const ProtocolType = "connect"

// Connect sub-protocol names as sent in JoinGroup (the connect.protocol
// worker setting eager, compatible, sessioned offers these, most preferred
// first: [default], [compatible default], [sessioned compatible default]).
const (
	ProtocolDefault    = "default"    // version 0, eager rebalancing
	ProtocolCompatible = "compatible" // version 1, incremental cooperative
	ProtocolSessioned  = "sessioned"  // version 2, incremental cooperative + signed internal requests
)

// Protocol versions of the metadata and assignment encodings.
const (
	Version0 int16 = 0
	Version1 int16 = 1
	Version2 int16 = 2
)

// ConnectorTask is the task number that stands for the connector instance
// itself in assignment task lists.
const ConnectorTask int32 = -1

// Assignment error codes.
const (
	ErrNone           int16 = 0
	ErrConfigMismatch int16 = 1 // the leader's config snapshot is behind a member's
)

// TaskID names one task of a connector.
type TaskID struct {
	Connector string
	Task      int32
}

// WorkerState is a member's JoinGroup metadata (Java's WorkerState and
// ExtendedWorkerState).
type WorkerState struct {
	Version int16
	// URL is the member's advertised REST URL.
	URL string
	// ConfigOffset is how far the member has read the config topic.
	ConfigOffset int64
	// Allocation (version 1 and later) is what the member runs now, as a
	// full assignment; nil when it runs nothing or is new.
	Allocation *Assignment
}

// Assignment is what the leader hands a member in SyncGroup (Java's
// Assignment and ExtendedAssignment). In incremental cooperative mode
// Connectors and Tasks are only the newly assigned work; the member keeps
// what it already runs minus the revoked work.
type Assignment struct {
	Version      int16
	Error        int16
	Leader       string // the leader's member id
	LeaderURL    string
	ConfigOffset int64
	Connectors   []string
	Tasks        []TaskID
	// Version 1 and later:
	RevokedConnectors []string
	RevokedTasks      []TaskID
	// Delay (ms) asks every member to rejoin after it, for the delayed
	// reassignment of lost work.
	Delay int32
}

// Failed reports whether the leader refused to assign (config mismatch).
func (a *Assignment) Failed() bool { return a != nil && a.Error != ErrNone }

// JoinedMember is one member as the leader sees it after JoinGroup.
type JoinedMember struct {
	ID    string
	State WorkerState
}
