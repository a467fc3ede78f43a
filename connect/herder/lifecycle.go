package herder

import (
	"context"
	"maps"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/rest/entities"
	"github.com/ferrykafka/ferry/storage"
)

// PatchConnectorConfig merges patch into a connector's config (a nil value
// removes the key), then validates and writes it as PUT does (PATCH
// /connectors/{c}/config, Java's patchConnectorConfig).
func (h *Herder) PatchConnectorConfig(ctx context.Context, name string, patch map[string]*string) (entities.ConnectorInfo, error) {
	current, err := call(h, ctx, func(context.Context) (map[string]string, error) {
		if err := h.requireLeader("Only the leader can set connector configs."); err != nil {
			return nil, err
		}
		snap := h.configs.Snapshot()
		if !snap.Contains(name) {
			return nil, connect.Errorf(connect.ErrNotFound, "Connector %s not found", name)
		}
		return maps.Clone(snap.ConnectorConfigs[name]), nil
	})
	if err != nil {
		return entities.ConnectorInfo{}, h.timedOut(err)
	}
	for k, v := range patch {
		if v == nil {
			delete(current, k)
		} else {
			current[k] = *v
		}
	}
	_, info, err := h.PutConnectorConfig(ctx, name, current, true, nil)
	return info, err
}

// PauseConnector writes the PAUSED target state. Any worker may write it
// (Java's AbstractHerder.pauseConnector): no forwarding.
func (h *Herder) PauseConnector(ctx context.Context, name string) error {
	return h.putTargetState(ctx, name, storage.TargetPaused)
}

// ResumeConnector writes the STARTED target state (also for a STOPPED
// connector).
func (h *Herder) ResumeConnector(ctx context.Context, name string) error {
	return h.putTargetState(ctx, name, storage.TargetStarted)
}

func (h *Herder) putTargetState(ctx context.Context, name string, state storage.TargetState) error {
	if !h.configs.Snapshot().Contains(name) {
		return connect.Errorf(connect.ErrNotFound, "Unknown connector %s", name)
	}
	if err := h.configs.PutTargetState(ctx, name, state); err != nil {
		return h.timedOut(err)
	}
	h.log.Info().Str("connector", name).Str("target_state", string(state)).Msg("connector target state written")
	return nil
}

// StopConnector moves a connector to STOPPED (PUT /connectors/{c}/stop):
// the leader writes an empty set of task configs, then the target state,
// then reads the config topic back, as Java's stopConnector does.
func (h *Herder) StopConnector(ctx context.Context, name string) error {
	return h.timedOut(h.run(ctx, func(ctx context.Context) error {
		if !h.configs.Snapshot().Contains(name) {
			return connect.Errorf(connect.ErrNotFound, "Unknown connector %s", name)
		}
		if err := h.requireLeader("Only the leader can transition connectors to the STOPPED state."); err != nil {
			return err
		}
		defer h.stages.begin("writing the STOPPED target stage for connector " + name + " to the config topic")()
		if err := h.configs.PutTaskConfigs(ctx, name, nil); err != nil {
			return err
		}
		if err := h.configs.PutTargetState(ctx, name, storage.TargetStopped); err != nil {
			return err
		}
		if err := h.configs.Refresh(ctx); err != nil {
			h.log.Warn().Err(err).Str("connector", name).Msg("could not read to the end of the config topic after writing the STOPPED target state")
		}
		h.snapshot = h.configs.Snapshot()
		h.log.Info().Str("connector", name).Msg("connector stopped")
		return nil
	}))
}
