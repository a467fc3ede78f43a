package herder

import (
	"context"
	"errors"
	"maps"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/rest/entities"
	"github.com/ferrykafka/ferry/storage"
)

// errRebalanceExpected is the kind of Java's RebalanceNeededException as
// the reads served on the tick thread answer it (500).
var errRebalanceExpected = errors.New("rebalance expected")

func rebalanceExpected() error {
	return &connect.KindError{Kind: errRebalanceExpected, Msg: "Request cannot be completed because a rebalance is expected"}
}

// TaskConfigs lists a connector's committed tasks and their raw configs,
// read on the loop as Java's taskConfigs does.
func (h *Herder) TaskConfigs(ctx context.Context, name string) ([]entities.TaskInfo, error) {
	out, err := call(h, ctx, func(context.Context) ([]entities.TaskInfo, error) {
		if h.rebalanceNeeded() {
			return nil, rebalanceExpected()
		}
		snap := h.configs.Snapshot()
		if !snap.Contains(name) {
			return nil, connect.Errorf(connect.ErrNotFound, "Connector %s not found", name)
		}
		out := []entities.TaskInfo{}
		for _, id := range snap.Tasks(name) {
			out = append(out, entities.TaskInfo{ID: id, Config: maps.Clone(snap.TaskConfigs[id])})
		}
		return out, nil
	})
	return out, h.timedOut(err)
}

// TaskStatus is a task's last recorded state, from the status cache.
func (h *Herder) TaskStatus(_ context.Context, id storage.ConnectorTaskID) (entities.TaskState, error) {
	st, ok := h.statuses.Task(id)
	if !ok {
		return entities.TaskState{}, connect.Errorf(connect.ErrNotFound, "No status found for task %s", id)
	}
	return entities.TaskStateOf(st), nil
}
