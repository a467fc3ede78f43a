package herder

import (
	"context"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/rest/entities"
)

// notLeaderError tells the REST layer to forward the request to the leader
// (Java's NotLeaderException); an empty URL means no leader is known.
type notLeaderError struct {
	msg       string
	leaderURL string
}

func (e *notLeaderError) Error() string      { return e.msg }
func (e *notLeaderError) ForwardURL() string { return e.leaderURL }

// requireLeader returns a notLeaderError unless this worker leads the group.
// It runs on the loop.
func (h *Herder) requireLeader(msg string) error {
	if h.isLeader() {
		return nil
	}
	return &notLeaderError{msg: msg, leaderURL: h.leaderURL()}
}

// PutTaskConfigs is the internal POST /connectors/{c}/tasks: a follower
// running connector c hands the leader the task configs it generated. Only
// the leader accepts them; with the sessioned protocol the request must be
// signed with the current session key.
func (h *Herder) PutTaskConfigs(ctx context.Context, connector string, configs []map[string]string, sig *entities.InternalRequestSignature) error {
	return h.run(ctx, func(ctx context.Context) error {
		if err := h.requireLeader("Only the leader may write task configurations."); err != nil {
			return err
		}
		if h.signingRequired() {
			if err := verifySignature(sig, h.verificationAlgorithms(), h.snapshot.SessionKey); err != nil {
				h.log.Warn().Str("connector", connector).Err(err).Msg("rejected an internal request")
				return err
			}
		}
		if !h.configs.Snapshot().Contains(connector) {
			return connect.Errorf(connect.ErrNotFound, "Connector %s not found", connector)
		}
		if !taskConfigsChanged(h.configs.Snapshot(), connector, configs) {
			return nil
		}
		if err := h.configs.PutTaskConfigs(ctx, connector, configs); err != nil {
			return err
		}
		h.log.Info().Str("connector", connector).Int("tasks", len(configs)).Msg("wrote task configs sent by another worker")
		return nil
	})
}
