package herder

import (
	"context"
	"maps"
	"sort"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/rest/entities"
	"github.com/ferrykafka/ferry/storage"
)

// This file holds what the REST API calls (rest.Herder). Reads are served
// from the config snapshot and the status cache; writes run on the herder
// loop.

// ServerInfo describes this worker (GET /).
func (h *Herder) ServerInfo(context.Context) (entities.ServerInfo, error) {
	return entities.ServerInfo{Version: connect.Version, Commit: h.cfg.Commit, KafkaClusterID: h.cfg.KafkaClusterID}, nil
}

// Connectors lists configured connectors from the local snapshot (never
// blocks on the loop, as in Java).
func (h *Herder) Connectors(context.Context) ([]string, error) {
	return h.configs.Snapshot().Connectors(), nil
}

// ConnectorInfo describes one connector.
func (h *Herder) ConnectorInfo(_ context.Context, name string) (entities.ConnectorInfo, error) {
	snap := h.configs.Snapshot()
	if !snap.Contains(name) {
		return entities.ConnectorInfo{}, connect.Errorf(connect.ErrNotFound, "Connector %s not found", name)
	}
	return h.connectorInfo(snap, name), nil
}

func (h *Herder) connectorInfo(snap storage.ClusterConfigState, name string) entities.ConnectorInfo {
	config := snap.ConnectorConfigs[name]
	return entities.ConnectorInfo{
		Name:   name,
		Config: maps.Clone(config),
		Tasks:  snap.Tasks(name),
		Type:   h.connectorType(config),
	}
}

// connectorType is source, sink, or unknown when the class is not known here.
func (h *Herder) connectorType(config map[string]string) entities.ConnectorType {
	p, err := h.registry.Connector(config["connector.class"])
	if err != nil {
		return entities.ConnectorTypeUnknown
	}
	if p.Type == connect.PluginSink {
		return entities.ConnectorTypeSink
	}
	return entities.ConnectorTypeSource
}

// ConnectorConfig returns a connector's raw config.
func (h *Herder) ConnectorConfig(_ context.Context, name string) (map[string]string, error) {
	snap := h.configs.Snapshot()
	if !snap.Contains(name) {
		return nil, connect.Errorf(connect.ErrNotFound, "Connector %s not found", name)
	}
	return maps.Clone(snap.ConnectorConfigs[name]), nil
}

// ConnectorStatus returns the connector's and its tasks' states from the
// status topic.
func (h *Herder) ConnectorStatus(_ context.Context, name string) (entities.ConnectorStateInfo, error) {
	st, ok := h.statuses.Connector(name)
	if !ok {
		return entities.ConnectorStateInfo{}, connect.Errorf(connect.ErrNotFound, "No status found for connector %s", name)
	}
	typ := h.connectorType(h.configs.Snapshot().ConnectorConfigs[name])
	return entities.NewConnectorStateInfo(name, typ, st, h.statuses.Tasks(name)), nil
}

// PutConnectorConfig validates and writes a connector config (POST
// /connectors and PUT /connectors/{name}/config).
func (h *Herder) PutConnectorConfig(ctx context.Context, name string, config map[string]string, allowReplace bool, initialState *storage.TargetState) (bool, entities.ConnectorInfo, error) {
	infos, _, err := h.ValidateConnectorConfig(config)
	if err != nil {
		return false, entities.ConnectorInfo{}, err
	}
	if infos.ErrorCount > 0 {
		return false, entities.ConnectorInfo{}, invalidConfigError(infos)
	}
	type result struct {
		created bool
		info    entities.ConnectorInfo
	}
	res, err := call(h, ctx, func(ctx context.Context) (result, error) {
		if err := h.requireLeader("Only the leader can set connector configs."); err != nil {
			return result{}, err
		}
		exists := h.configs.Snapshot().Contains(name)
		if exists && !allowReplace {
			return result{}, connect.Errorf(connect.ErrAlreadyExists, "Connector %s already exists", name)
		}
		var target *storage.TargetState
		if !exists {
			target = initialState
		}
		if err := h.configs.PutConnectorConfig(ctx, name, config, target); err != nil {
			return result{}, err
		}
		info := h.connectorInfo(h.configs.Snapshot(), name)
		h.log.Info().Str("connector", name).Bool("created", !exists).Msg("connector config written")
		return result{created: !exists, info: info}, nil
	})
	return res.created, res.info, h.timedOut(err)
}

// DeleteConnector tombstones a connector's config.
func (h *Herder) DeleteConnector(ctx context.Context, name string) error {
	return h.timedOut(h.run(ctx, func(ctx context.Context) error {
		if err := h.requireLeader("Only the leader can delete connector configs."); err != nil {
			return err
		}
		if !h.configs.Snapshot().Contains(name) {
			return connect.Errorf(connect.ErrNotFound, "Connector %s not found", name)
		}
		if err := h.configs.RemoveConnectorConfig(ctx, name); err != nil {
			return err
		}
		h.log.Info().Str("connector", name).Msg("connector deleted")
		return nil
	}))
}

// WaitForConnector waits until a connector and all its tasks report RUNNING
// (used by the embedded demo and tests).
func (h *Herder) WaitForConnector(ctx context.Context, name string) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		st, ok := h.statuses.Connector(name)
		if ok && st.State == storage.StateRunning {
			tasks := h.statuses.Tasks(name)
			n := len(h.configs.Snapshot().Tasks(name))
			running := 0
			for _, t := range tasks {
				if t.State == storage.StateRunning {
					running++
				}
			}
			if n > 0 && running == n {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// Running reports, as one consistent view taken on the herder loop, the
// group generation and the connectors and tasks this worker runs (Java's
// worker.connectorNames() and taskIds(), for tests and diagnostics).
func (h *Herder) Running(ctx context.Context) (generation int32, connectors []string, tasks []storage.ConnectorTaskID, err error) {
	type view struct {
		generation int32
		connectors []string
		tasks      []storage.ConnectorTaskID
	}
	v, err := call(h, ctx, func(context.Context) (view, error) {
		v := view{generation: h.ms.generation, connectors: sortedKeys(h.runningConn)}
		for id := range h.runningTasks {
			v.tasks = append(v.tasks, id)
		}
		return v, nil
	})
	generation, connectors, tasks = v.generation, v.connectors, v.tasks
	sort.Slice(tasks, func(i, j int) bool {
		if tasks[i].Connector != tasks[j].Connector {
			return tasks[i].Connector < tasks[j].Connector
		}
		return tasks[i].Task < tasks[j].Task
	})
	return generation, connectors, tasks, err
}
