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

// openAdmins connects an admin client to each cluster, both at once,
// labelled with the connector's client roles; on failure nothing stays
// open (the source's error first when both fail). Calls are bounded by
// admin.timeout.ms and tracked by wg (see boundedCall).
func (a *flowAdmins) openAdmins(ctx context.Context, cfg *mirrorConfig, sourceRole, targetRole string,
	wg *sync.WaitGroup, log zerolog.Logger) error {
	var (
		target    *clusterAdmin
		targetErr error
		opened    sync.WaitGroup
	)
	opened.Add(1)
	go func() {
		defer opened.Done()
		target, targetErr = openClusterAdmin(ctx, "target", cfg.targetAlias, cfg.targetAdminProps(targetRole),
			cfg.adminTimeout, wg, log)
	}()
	source, sourceErr := openClusterAdmin(ctx, "source", cfg.sourceAlias, cfg.sourceAdminProps(sourceRole),
		cfg.adminTimeout, wg, log)
	opened.Wait()
	if sourceErr != nil || targetErr != nil {
		for _, c := range []*clusterAdmin{source, target} {
			if c != nil {
				c.close()
			}
		}
		if sourceErr != nil {
			return sourceErr
		}
		return targetErr
	}
	a.source, a.target = source, target
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
