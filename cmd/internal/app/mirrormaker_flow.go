package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strings"

	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/logging"
	"github.com/ferrykafka/ferry/connect/workerconfig"
	"github.com/ferrykafka/ferry/connectors/mirror/mmconfig"
	"github.com/ferrykafka/ferry/rest"
)

// notUsedURL is what a dedicated node without internal REST advertises to
// its groups, as Java does.
const notUsedURL = "NOTUSED"

// newFlowWorker assembles the worker of one flow: its worker config is
// Java's workerConfig(flow) (the target cluster's settings, group
// <source>-mm2, the mm2-*.<source>.internal topics, byte-array
// converters). With a REST server (srv) the worker advertises its URL,
// sends task configs to the leader under /{source}/{target}/, and its id
// is <host:port>/<source->target>, so that status shows which node runs a
// task; without, its id is Java's "<source>-><target>".
//
// Worker settings Ferry does not act on are warned about once per node
// (warned collects the keys already reported).
func newFlowWorker(ctx context.Context, mm *mmconfig.Config, f mmconfig.Flow, srv *rest.Server, registry *connect.Registry, loggers *logging.Registry, warned map[string]bool) (*Worker, error) {
	log := loggers.Logger(logging.MirrorMaker).With().Str("flow", f.String()).Logger()
	cfg, err := workerconfig.Parse(mm.WorkerConfig(f))
	if err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings() {
		log.Warn().Msg(w)
	}
	for _, k := range cfg.Unused() {
		if !warned[k] {
			warned[k] = true
			log.Warn().Str("key", k).Msg("worker property is accepted but not used by Ferry")
		}
	}
	kc, err := newKafkaBase(cfg)
	if err != nil {
		return nil, err
	}
	p := workerParts{
		Config: cfg, Kafka: kc, Registry: registry, Loggers: loggers,
		ID: f.String(), AdvertisedURL: notUsedURL, NoInternalREST: true,
		LogFields: map[string]any{"flow": f.String()},
	}
	if srv != nil {
		host, err := workerIDOf(srv.AdvertisedURL())
		if err != nil {
			return nil, err
		}
		p.ID = host + "/" + f.String()
		p.AdvertisedURL = srv.AdvertisedURL()
		p.HTTPClient = srv.HTTPClient()
		p.NoInternalREST = false
		p.Namespace = []string{javaURLEncode(f.Source), javaURLEncode(f.Target)}
	}
	var w *Worker
	p.OnLeadership = func(ctx context.Context) { configureFlowConnectors(ctx, w, mm, f, log) }
	w, err = assembleWorker(ctx, p)
	if err != nil {
		return nil, err
	}
	return w, nil
}

// configureFlowConnectors is what a flow's new leader does (Java's
// MirrorHerder.configureConnectors, KAFKA-15372): write each of the three
// connectors' configs that differs from what the file now gives, so that a
// changed file takes effect when the node that becomes leader has it.
func configureFlowConnectors(ctx context.Context, w *Worker, mm *mmconfig.Config, f mmconfig.Flow, log zerolog.Logger) {
	log.Info().Str("worker_id", w.ID).Msg("This node is now a leader for the flow. Configuring connectors...")
	for _, class := range mmconfig.ConnectorClasses {
		name := class[strings.LastIndex(class, ".")+1:]
		desired := mm.ConnectorConfig(f, class)
		actual, err := w.Herder.ConnectorConfig(ctx, name)
		if err == nil && maps.Equal(actual, desired) {
			log.Info().Str("connector", name).Msg("This node is a leader for the flow and the connector's configuration is already up to date")
			continue
		}
		if _, _, err := w.Herder.PutConnectorConfig(ctx, name, desired, true, nil); err != nil {
			var target interface{ ForwardURL() string }
			if errors.As(err, &target) {
				log.Info().Str("connector", name).Msg("This node lost leadership for the flow while updating the connector's configuration; the new leader configures it")
				return
			}
			if ctx.Err() != nil {
				return
			}
			log.Error().Err(err).Str("connector", name).Msg("Failed to configure the connector for the flow")
			continue
		}
		log.Info().Str("connector", name).Msg("connector configured for the flow")
	}
}

// javaURLEncode encodes a path segment as Java's MirrorMaker.encodePath:
// URLEncoder (UTF-8; letters, digits and ".-*_" kept) with spaces as %20.
func javaURLEncode(s string) string {
	var sb strings.Builder
	for _, b := range []byte(s) {
		switch {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9',
			b == '.', b == '-', b == '*', b == '_':
			sb.WriteByte(b)
		default:
			fmt.Fprintf(&sb, "%%%02X", b)
		}
	}
	return sb.String()
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
