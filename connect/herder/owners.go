package herder

import (
	"github.com/ferrykafka/ferry/connect/group"
	"github.com/ferrykafka/ferry/storage"
)

// workOwners maps work to the advertised URL of the member that runs it,
// as the leader assigned it.
type workOwners struct {
	connectors map[string]string
	tasks      map[storage.ConnectorTaskID]string
}

// ownersOf derives who runs what from the leader's computed assignments.
// Incremental assignments are deltas over each member's current
// allocation (from its metadata); eager ones are complete.
func ownersOf(members []group.JoinedMember, out map[string]group.Assignment, incremental bool) workOwners {
	w := workOwners{connectors: map[string]string{}, tasks: map[storage.ConnectorTaskID]string{}}
	for _, m := range members {
		a, ok := out[m.ID]
		if !ok {
			continue
		}
		url := m.State.URL
		revokedC := map[string]bool{}
		for _, c := range a.RevokedConnectors {
			revokedC[c] = true
		}
		revokedT := map[group.TaskID]bool{}
		for _, t := range a.RevokedTasks {
			revokedT[t] = true
		}
		if incremental && m.State.Allocation != nil {
			for _, c := range m.State.Allocation.Connectors {
				if !revokedC[c] {
					w.connectors[c] = url
				}
			}
			for _, t := range m.State.Allocation.Tasks {
				if !revokedT[t] {
					w.tasks[storage.ConnectorTaskID{Connector: t.Connector, Task: int(t.Task)}] = url
				}
			}
		}
		for _, c := range a.Connectors {
			w.connectors[c] = url
		}
		for _, t := range a.Tasks {
			w.tasks[storage.ConnectorTaskID{Connector: t.Connector, Task: int(t.Task)}] = url
		}
	}
	return w
}

// connectorOwnerURL is the URL of the worker running connector c, as this
// worker (the leader) assigned it; "" when unknown.
func (h *Herder) connectorOwnerURL(c string) string {
	if h.member == nil {
		return h.cfg.AdvertisedURL
	}
	return h.ms.owners.connectors[c]
}

// taskOwnerURL is the URL of the worker running task id; "" when unknown.
func (h *Herder) taskOwnerURL(id storage.ConnectorTaskID) string {
	if h.member == nil {
		return h.cfg.AdvertisedURL
	}
	return h.ms.owners.tasks[id]
}
