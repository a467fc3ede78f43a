package mirror

import (
	"context"
	"sync"

	"github.com/rs/zerolog"
)

// flowAdmins are a connector's admin clients of the two clusters of its
// flow. MirrorSourceConnector and MirrorCheckpointConnector embed it.
type flowAdmins struct {
	source *clusterAdmin
	target *clusterAdmin
}

// openAdmins connects an admin client to each cluster, labelled with the
// connector's client roles; on failure nothing stays open. Calls are bounded
// by admin.timeout.ms and tracked by wg (see boundedCall).
func (a *flowAdmins) openAdmins(ctx context.Context, cfg *mirrorConfig, sourceRole, targetRole string,
	wg *sync.WaitGroup, log zerolog.Logger) error {
	var err error
	if a.source, err = openClusterAdmin(ctx, "source", cfg.sourceAlias, cfg.sourceAdminProps(sourceRole),
		cfg.adminTimeout, wg, log); err != nil {
		return err
	}
	if a.target, err = openClusterAdmin(ctx, "target", cfg.targetAlias, cfg.targetAdminProps(targetRole),
		cfg.adminTimeout, wg, log); err != nil {
		a.closeAdmins()
		return err
	}
	return nil
}

// closeAdmins closes the admin clients once.
func (a *flowAdmins) closeAdmins() {
	if a.source != nil {
		a.source.close()
		a.source = nil
	}
	if a.target != nil {
		a.target.close()
		a.target = nil
	}
}
