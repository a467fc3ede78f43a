package app

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"runtime/debug"

	"go.uber.org/fx"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/herder"
	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/connect/logging"
	"github.com/ferrykafka/ferry/connect/runtime"
	"github.com/ferrykafka/ferry/connect/workerconfig"
	"github.com/ferrykafka/ferry/connectors/mirror"
	"github.com/ferrykafka/ferry/rest"
)

// WorkerProps are the worker properties a worker is built from.
type WorkerProps map[string]string

// Worker is a running distributed worker, as the fx graph assembles it.
type Worker struct {
	Config  *workerconfig.Config
	REST    *rest.Server
	Herder  *herder.Herder
	Runtime *runtime.Worker
	ID      string
}

// WorkerModule builds a worker from WorkerProps and a zerolog.Logger
// supplied by the caller, and binds its lifecycle: on start the herder
// (stores read to the end), then the REST server; on stop the reverse.
var WorkerModule = fx.Options(
	fx.Provide(
		newLoggerRegistry,
		parseWorkerConfig,
		newRegistry,
		newKafkaBase,
		newRESTServer,
		newWorker,
	),
)

func parseWorkerConfig(props WorkerProps, loggers *logging.Registry) (*workerconfig.Config, error) {
	log := loggers.Logger(logging.AbstractConfig)
	cfg, err := workerconfig.Parse(props)
	if err != nil {
		return nil, err
	}
	for _, k := range cfg.Unused() {
		log.Warn().Str("key", k).Msg("worker property is accepted but not used by Ferry")
	}
	for _, w := range cfg.Warnings() {
		log.Warn().Msg(w)
	}
	return cfg, nil
}

// newRegistry registers the connector plugins Ferry ships.
func newRegistry() (*connect.Registry, error) {
	r := connect.NewRegistry()
	if err := mirror.Register(r); err != nil {
		return nil, err
	}
	return r, nil
}

func newKafkaBase(cfg *workerconfig.Config) (*kafkaclient.Config, error) {
	props := cfg.InternalClientProps()
	props["client.id"] = cfg.ClientIDBase() + "shared-admin"
	kc, err := kafkaclient.Parse(props)
	if err != nil {
		return nil, fmt.Errorf("worker Kafka client settings: %w", err)
	}
	return kc, nil
}

// newRESTServer binds the REST listeners at once: the worker id is the
// advertised host:port, which is only known after binding (port 0).
func newRESTServer(lc fx.Lifecycle, cfg *workerconfig.Config, loggers *logging.Registry) (*rest.Server, error) {
	srv, err := rest.New(rest.Config{
		Listeners:          cfg.Listeners,
		AdvertisedHostName: cfg.AdvertisedHostName,
		AdvertisedPort:     cfg.AdvertisedPort,
		AdvertisedListener: cfg.AdvertisedListener,
		AdminListeners:     cfg.AdminListeners,
		TLS:                cfg.ListenerSSL(),
		AdminTLS:           cfg.AdminListenerSSL(),
		AllowOrigin:        cfg.AccessControlAllowOrigin,
		AllowMethods:       cfg.AccessControlAllowMethods,
		ResponseHeaders:    cfg.Props[workerconfig.ResponseHTTPHeaders],
		BasicAuth:          cfg.BasicAuth(),
		Loggers:            restLoggers{loggers},
	}, nil, loggers.Logger(logging.RestServer))
	if err != nil {
		return nil, err
	}
	if err := srv.Bind(context.Background()); err != nil {
		return nil, err
	}
	lc.Append(fx.Hook{OnStop: srv.Stop})
	return srv, nil
}

func workerIDOf(advertised string) (string, error) {
	u, err := url.Parse(advertised)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("invalid advertised URL %q", advertised)
	}
	if _, _, err := net.SplitHostPort(u.Host); err != nil {
		return "", fmt.Errorf("invalid advertised URL %q: %w", advertised, err)
	}
	return u.Host, nil
}

func newWorker(lc fx.Lifecycle, cfg *workerconfig.Config, kc *kafkaclient.Config, srv *rest.Server, registry *connect.Registry, loggers *logging.Registry) (*Worker, error) {
	id, err := workerIDOf(srv.AdvertisedURL())
	if err != nil {
		return nil, err
	}
	w, err := assembleWorker(context.Background(), workerParts{
		Config: cfg, Kafka: kc, Registry: registry, Loggers: loggers,
		ID: id, AdvertisedURL: srv.AdvertisedURL(), HTTPClient: srv.HTTPClient(),
	})
	if err != nil {
		return nil, err
	}
	w.REST = srv
	srv.SetHerder(w.Herder)
	lc.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			if err := w.Herder.Start(ctx); err != nil {
				return err
			}
			return srv.Start(ctx)
		},
		// Stop intake first (REST), then the herder: tasks stop and flush
		// their offsets, then the stores close.
		OnStop: func(ctx context.Context) error {
			rerr := srv.Stop(ctx)
			if err := w.Herder.Stop(ctx); err != nil {
				return err
			}
			return rerr
		},
	})
	return w, nil
}

// buildCommit is the VCS revision the binary was built from, if known.
func buildCommit() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
	}
	return ""
}
