package app

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/rs/zerolog"
	"go.uber.org/fx"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/logging"
	"github.com/ferrykafka/ferry/connectors/mirror/mmconfig"
	"github.com/ferrykafka/ferry/rest"
)

// MirrorNode is one node of a dedicated MirrorMaker cluster: a herder per
// flow (Java's MirrorMaker), each a worker of its own Connect group on the
// flow's target cluster, and, with dedicated.mode.enable.internal.rest,
// one REST server for all of them.
type MirrorNode struct {
	Config *mmconfig.Config
	// Flows are the flows this node runs, in Java's order.
	Flows []mmconfig.Flow
	// Workers are the flows' workers, by flow.
	Workers map[mmconfig.Flow]*Worker
	// REST is nil without internal REST.
	REST *rest.Server
	log  zerolog.Logger
}

// nodeFlows are the flows of the file whose target --clusters lists (all
// when it lists none), as Java's MirrorMaker selects its herders.
func nodeFlows(mm *mmconfig.Config, clusters []string) ([]mmconfig.Flow, error) {
	targets := map[string]bool{}
	for _, c := range clusters {
		targets[c] = true
	}
	var flows []mmconfig.Flow
	for _, f := range mm.Flows() {
		if len(targets) == 0 || targets[f.Target] {
			flows = append(flows, f)
		}
	}
	if len(flows) == 0 {
		msg := "No source->target replication flows."
		if len(clusters) > 0 {
			msg += fmt.Sprintf(" (--clusters %s: no flow of the file targets these clusters; its clusters are %s)",
				strings.Join(clusters, " "), strings.Join(mm.Clusters(), ", "))
		}
		return nil, fmt.Errorf("%s", msg)
	}
	return flows, nil
}

func newMirrorNode(lc fx.Lifecycle, mm *mmconfig.Config, o MirrorMakerOptions, registry *connect.Registry, loggers *logging.Registry) (*MirrorNode, error) {
	log := loggers.Logger(logging.MirrorMaker)
	flows, err := nodeFlows(mm, o.Clusters)
	if err != nil {
		return nil, err
	}
	n := &MirrorNode{Config: mm, Flows: flows, Workers: map[mmconfig.Flow]*Worker{}, log: log}
	if mm.InternalREST() {
		if n.REST, err = newMirrorRESTServer(mm, loggers); err != nil {
			return nil, err
		}
	}
	targets := map[string]bool{}
	for _, f := range flows {
		targets[f.Target] = true
	}
	log.Info().Strs("targets", sortedKeys(targets)).Int("herders", len(flows)).Msg("Targeting clusters")
	warned := map[string]bool{}
	for _, f := range flows {
		w, err := newFlowWorker(context.Background(), mm, f, n.REST, registry, loggers, warned)
		if err != nil {
			if n.REST != nil {
				_ = n.REST.Stop(context.Background())
			}
			return nil, fmt.Errorf("flow %s: %w", f, err)
		}
		n.Workers[f] = w
	}
	lc.Append(fx.Hook{OnStart: n.start, OnStop: n.stop})
	return n, nil
}

// start starts every flow's herder, then the REST server, as Java's
// MirrorMaker.start does; the leaders configure the connectors once they
// have joined their groups.
func (n *MirrorNode) start(ctx context.Context) error {
	n.log.Info().Int("herders", len(n.Flows)).Msg("Kafka MirrorMaker starting")
	var started []mmconfig.Flow
	for _, f := range n.Flows {
		if err := n.Workers[f].Herder.Start(ctx); err != nil {
			_ = n.stopHerders(context.Background(), started)
			if n.REST != nil {
				_ = n.REST.Stop(context.Background())
			}
			return fmt.Errorf("flow %s: %w", f, err)
		}
		started = append(started, f)
	}
	if n.REST != nil {
		var flows []rest.Flow
		for _, f := range n.Flows {
			flows = append(flows, rest.Flow{Source: f.Source, Target: f.Target, Enabled: n.Config.Enabled(f), Herder: n.Workers[f].Herder})
		}
		n.REST.SetFlows(flows)
		if err := n.REST.Start(ctx); err != nil {
			_ = n.stopHerders(context.Background(), started)
			_ = n.REST.Stop(context.Background())
			return err
		}
	}
	n.log.Info().Msg("Kafka MirrorMaker started; each flow's leader configures its connectors once it has joined its group")
	return nil
}

// stop stops the REST server, then every herder (in parallel: each stops
// its tasks, which flush their offsets).
func (n *MirrorNode) stop(ctx context.Context) error {
	n.log.Info().Msg("Kafka MirrorMaker stopping")
	var rerr error
	if n.REST != nil {
		rerr = n.REST.Stop(ctx)
	}
	if err := n.stopHerders(ctx, n.Flows); err != nil {
		return err
	}
	n.log.Info().Msg("Kafka MirrorMaker stopped")
	return rerr
}

func (n *MirrorNode) stopHerders(ctx context.Context, flows []mmconfig.Flow) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for _, f := range flows {
		wg.Add(1)
		go func(f mmconfig.Flow) {
			defer wg.Done()
			if err := n.Workers[f].Herder.Stop(ctx); err != nil {
				mu.Lock()
				if first == nil {
					first = fmt.Errorf("flow %s: %w", f, err)
				}
				mu.Unlock()
			}
		}(f)
	}
	wg.Wait()
	return first
}
