package group

import "slices"

// EagerInput is everything the eager assignor (Java's EagerAssignor) needs.
// It is read only.
type EagerInput struct {
	// Members are the group members from the JoinGroup response, the leader
	// included. Every member receives an assignment; member ids are unique.
	Members []JoinedMember
	// LeaderID is the member id of the leader (this worker).
	LeaderID string
	// LeaderURL is the leader's advertised REST URL. When empty the URL the
	// leader member advertised in its metadata is used.
	LeaderURL string
	// ConfigOffset is the offset of the config snapshot that Connectors and
	// Tasks come from. If it is behind [MaxMemberConfigOffset] the result is
	// [AssignConfigMismatch] (version 0) instead of an assignment.
	ConfigOffset int64
	// Connectors are the configured connectors of the snapshot, in any
	// order; duplicates are ignored.
	Connectors []string
	// Tasks are the configured tasks of the snapshot (for each connector its
	// task ids 0..n-1; none for a connector whose task set is inconsistent).
	// Tasks of connectors not in Connectors, entries with task number
	// ConnectorTask and duplicates are ignored.
	Tasks []TaskID
}

// AssignEager computes a stop-the-world assignment (every member revoked
// everything before joining): connectors and member ids are sorted, all
// connectors are dealt round-robin over the members, then all tasks, sorted
// by connector then task number, continuing the same circular member
// iterator. Every member gets a version 0 assignment with error none, the
// leader's id and URL and the config offset, holding its full work. Without
// members the result is empty.
func AssignEager(in EagerInput) map[string]Assignment {
	if len(in.Members) == 0 {
		return map[string]Assignment{}
	}
	if in.ConfigOffset < MaxMemberConfigOffset(in.Members) {
		return AssignConfigMismatch(in.Members, in.LeaderID, in.LeaderURL, Version0)
	}
	leaderURL := asgLeaderURL(in.Members, in.LeaderID, in.LeaderURL)

	ids := make([]string, 0, len(in.Members))
	for _, m := range in.Members {
		ids = append(ids, m.ID)
	}
	slices.SortFunc(ids, asgJavaCompare)
	ids = slices.Compact(ids)

	connectors, tasks := asgConfigured(in.Connectors, in.Tasks)
	conns := make(map[string][]string, len(ids))
	taskMap := make(map[string][]TaskID, len(ids))
	next := 0 // the circular member iterator, shared by connectors and tasks
	for _, c := range connectors {
		conns[ids[next]] = append(conns[ids[next]], c)
		next = (next + 1) % len(ids)
	}
	for _, t := range tasks {
		taskMap[ids[next]] = append(taskMap[ids[next]], t)
		next = (next + 1) % len(ids)
	}

	out := make(map[string]Assignment, len(ids))
	for _, id := range ids {
		out[id] = Assignment{
			Version:      Version0,
			Error:        ErrNone,
			Leader:       in.LeaderID,
			LeaderURL:    leaderURL,
			ConfigOffset: in.ConfigOffset,
			Connectors:   conns[id],
			Tasks:        taskMap[id],
		}
	}
	return out
}
