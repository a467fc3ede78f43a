package herder

import (
	"context"
	"errors"
	"slices"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/rest/entities"
)

// fencingState is what the config store knows about exactly-once source
// connectors' task generations (task-count records, KIP-618).
type fencingState interface {
	TaskCountRecords() map[string]int
	PendingFencing() []string
}

// errFencingUnsupported is the kind of the answer to a fencing request
// Ferry cannot carry out.
var errFencingUnsupported = errors.New("zombie fencing unsupported")

// FenceZombies is the internal PUT /connectors/{c}/fence (KIP-618), checked
// as Java's DistributedHerder does. Ferry runs no exactly-once source
// tasks, so it never needs fencing itself; when a Java worker asks for a
// fencing that is really pending (a task-count record newer than the
// task configs), Ferry cannot fence the old producers and says so rather
// than answering as if it had.
func (h *Herder) FenceZombies(ctx context.Context, name string, sig *entities.InternalRequestSignature) error {
	return h.timedOut(h.run(ctx, func(ctx context.Context) error {
		if h.signingRequired() {
			if err := verifySignature(sig, h.verificationAlgorithms(), h.snapshot.SessionKey); err != nil {
				h.log.Warn().Str("connector", name).Err(err).Msg("rejected an internal request")
				return err
			}
		}
		if err := h.requireLeader("Only the leader may perform zombie fencing."); err != nil {
			return err
		}
		snap := h.configs.Snapshot()
		if !snap.Contains(name) {
			return connect.Errorf(connect.ErrNotFound, "Connector %s not found", name)
		}
		if h.connectorType(snap.ConnectorConfigs[name]) != entities.ConnectorTypeSource {
			return connect.Errorf(connect.ErrBadRequest, "Connector %s is not a source connector", name)
		}
		if err := h.configs.Refresh(ctx); err != nil {
			return connect.Errorf(errFencingUnsupported, "Failed to read to end of config topic before performing zombie fencing")
		}
		fs, ok := h.configs.(fencingState)
		if !ok {
			return nil
		}
		count, hasRecord := fs.TaskCountRecords()[name]
		pending := slices.Contains(fs.PendingFencing(), name)
		if pending && hasRecord && (count != 1 || len(h.configs.Snapshot().Tasks(name)) != 1) {
			h.log.Error().Str("connector", name).Msg("a zombie fencing was requested, but Ferry has no exactly-once source support to fence producers with")
			return connect.Errorf(errFencingUnsupported, "Cannot fence zombie tasks of connector %s: exactly-once source support is not available on this worker", name)
		}
		return nil
	}))
}
