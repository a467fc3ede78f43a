package herder

import "github.com/ferrykafka/ferry/connect"

// errStaleConfig is Java's RebalanceNeededException as the REST API
// answers it for requests that go through completeOrForwardRequest.
func errStaleConfig() error {
	return connect.Errorf(connect.ErrConflict, "Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)")
}

// rebalanceNeeded is Java's checkRebalanceNeeded: the group must rebalance
// before this worker's view of the work can be trusted (connectors or
// tasks changed since the last assignment, or a rejoin is pending). It
// runs on the loop.
func (h *Herder) rebalanceNeeded() bool {
	if h.member == nil {
		return false
	}
	if !h.ms.joined || h.member.NeedsRejoin() {
		return true
	}
	return h.ms.workSignature != workSignature(h.configs.Snapshot())
}
