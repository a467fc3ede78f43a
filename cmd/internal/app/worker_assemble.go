package app

import (
	"context"
	"fmt"
	"net/http"

	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/group"
	"github.com/ferrykafka/ferry/connect/herder"
	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/connect/logging"
	"github.com/ferrykafka/ferry/connect/runtime"
	"github.com/ferrykafka/ferry/connect/workerconfig"
	"github.com/ferrykafka/ferry/storage/kafkastore"
)

// workerParts is what one herder with its stores, runtime and group
// membership is assembled from: a connect-distributed worker has one, a
// dedicated MirrorMaker node one per flow.
type workerParts struct {
	Config   *workerconfig.Config
	Kafka    *kafkaclient.Config
	Registry *connect.Registry
	Loggers  *logging.Registry
	// ID is the worker id (status records, group client id).
	ID string
	// AdvertisedURL is sent to the group; "" only with NoInternalREST
	// (Java then advertises "NOTUSED").
	AdvertisedURL string
	// HTTPClient calls the other workers (nil with NoInternalREST).
	HTTPClient *http.Client
	// Namespace, NoInternalREST and OnLeadership: see herder.Config and
	// herder.WithLeadershipHook (dedicated MirrorMaker mode).
	Namespace      []string
	NoInternalREST bool
	OnLeadership   func(context.Context)
	// LogFields are added to every logger of this worker (e.g. the flow).
	LogFields map[string]any
}

// assembleWorker builds the stores, the runtime, the group member and the
// herder of one worker. Nothing runs until the herder is started. It
// contacts Kafka once, for the cluster id.
func assembleWorker(ctx context.Context, p workerParts) (*Worker, error) {
	cfg, kc, id := p.Config, p.Kafka, p.ID
	// Each component logs through the logger named after its Java class.
	named := func(name string) zerolog.Logger {
		return p.Loggers.Logger(name).With().Str("worker_id", id).Fields(p.LogFields).Logger()
	}
	log := named(logging.ConnectDistributed)
	clusterID, err := fetchClusterID(ctx, kc)
	if err != nil {
		return nil, err
	}
	opts := func(t workerconfig.Topic, logger string) kafkastore.Options {
		return kafkastore.Options{
			Brokers: kc.Brokers, Sarama: kc.Sarama, Topic: t.Name, Partitions: t.Partitions,
			ReplicationFactor: t.ReplicationFactor, TopicConfigs: t.Settings,
			GroupID: cfg.GroupID, ClientID: cfg.ClientID, Logger: named(logger),
		}
	}
	configs, err := kafkastore.NewConfigStore(opts(cfg.ConfigTopic, logging.KafkaConfigBackingStore))
	if err != nil {
		return nil, err
	}
	offsets, err := kafkastore.NewOffsetStore(opts(cfg.OffsetTopic, logging.KafkaOffsetBackingStore))
	if err != nil {
		return nil, err
	}
	statuses, err := kafkastore.NewStatusStore(opts(cfg.StatusTopic, logging.KafkaStatusBackingStore))
	if err != nil {
		return nil, err
	}
	w := runtime.New(runtime.Config{
		WorkerID:            id,
		OffsetFlushInterval: cfg.OffsetFlushInterval,
		OffsetFlushTimeout:  cfg.OffsetFlushTimeout,
		TaskShutdownTimeout: cfg.TaskShutdownTimeout,
		Loggers:             func(name string) zerolog.Logger { return p.Loggers.Logger(name).With().Fields(p.LogFields).Logger() },
		TopicTracking:       cfg.TopicTrackingEnable,
		ProducerProps:       cfg.TaskClientProps(workerconfig.RoleProducer),
		KeyConverter:        runtime.ConverterConfig{Class: cfg.KeyConverter.Class, Props: cfg.KeyConverter.Props},
		ValueConverter:      runtime.ConverterConfig{Class: cfg.ValueConverter.Class, Props: cfg.ValueConverter.Props},
		HeaderConverter:     runtime.ConverterConfig{Class: cfg.HeaderConverter.Class, Props: cfg.HeaderConverter.Props},
		// Connector and task configs are resolved with the worker's
		// config.providers when they start; the config topic keeps the
		// references.
		ConfigTransformer: cfg.ConfigTransformer().WithWarn(func(m string) { log.Warn().Msg(m) }),
	}, p.Registry, offsets, statuses, named(logging.Worker))
	var h *herder.Herder
	member, err := group.NewMember(group.MemberConfig{
		GroupID:           cfg.GroupID,
		Brokers:           kc.Brokers,
		Sarama:            kc.Sarama,
		ClientID:          cfg.GroupClientID(id),
		SessionTimeout:    cfg.SessionTimeout,
		RebalanceTimeout:  cfg.RebalanceTimeout,
		HeartbeatInterval: cfg.HeartbeatInterval,
		Protocols:         herder.Protocols(cfg.ConnectProtocol),
		Wake:              func() { h.Wake() },
	}, named(logging.WorkerCoordinator).With().Str("group_id", cfg.GroupID).Logger())
	if err != nil {
		return nil, fmt.Errorf("group membership: %w", err)
	}
	herderLog := named(logging.DistributedHerder)
	hopts := []herder.Option{herder.WithGroupMember(member),
		herder.WithLoggerLevels(clusterLoggerLevels(p.Loggers, herderLog))}
	if p.HTTPClient != nil {
		hopts = append(hopts, herder.WithHTTPClient(p.HTTPClient))
	}
	if p.OnLeadership != nil {
		hopts = append(hopts, herder.WithLeadershipHook(p.OnLeadership))
	}
	h = herder.New(herder.Config{
		WorkerID:                   id,
		KafkaClusterID:             clusterID,
		Commit:                     buildCommit(),
		AdvertisedURL:              p.AdvertisedURL,
		ScheduledRebalanceMaxDelay: cfg.ScheduledRebalanceMaxDelay,
		WorkerSyncTimeout:          cfg.WorkerSyncTimeout,
		WorkerUnsyncBackoff:        cfg.WorkerUnsyncBackoff,
		KeyAlgorithm:               cfg.InterWorkerKeyGenerationAlgorithm,
		KeySize:                    cfg.InterWorkerKeySize / 8,
		KeyTTL:                     cfg.InterWorkerKeyTTL,
		SignatureAlgorithm:         cfg.InterWorkerSignatureAlgorithm,
		VerificationAlgorithms:     cfg.InterWorkerVerificationAlgorithms,
		TopicTracking:              cfg.TopicTrackingEnable,
		TopicTrackingAllowReset:    cfg.TopicTrackingAllowReset,
		RESTNamespace:              p.Namespace,
		NoInternalREST:             p.NoInternalREST,
	}, p.Registry, w, configs, offsets, statuses, herderLog, hopts...)
	log.Info().Str("group_id", cfg.GroupID).Str("kafka_cluster_id", clusterID).Str("rest", p.AdvertisedURL).Msg("worker assembled")
	return &Worker{Config: cfg, Herder: h, Runtime: w, ID: id}, nil
}
