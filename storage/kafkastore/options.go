package kafkastore

import (
	"fmt"
	"time"

	"github.com/IBM/sarama"
	"github.com/ferrykafka/ferry/storage/kafkalog"
	"github.com/rs/zerolog"
)

// Options configure one store.
type Options struct {
	// Brokers are the bootstrap servers.
	Brokers []string
	// Sarama is the base client configuration (kafkaclient.Parse of the
	// worker properties); it is copied, never modified.
	Sarama *sarama.Config
	// Topic is the internal topic (config.storage.topic etc.), required.
	Topic string
	// Partitions for a created topic: 0 means Java's default (offsets 25,
	// status 5), -1 the broker default. The config topic always has 1.
	Partitions int32
	// ReplicationFactor for a created topic: 0 means Java's default (3),
	// -1 the broker default.
	ReplicationFactor int16
	// TopicConfigs are extra configs for a created topic (the worker's
	// config.storage.*, offset.storage.*, status.storage.* settings);
	// cleanup.policy is always compact.
	TopicConfigs map[string]string
	// GroupID and ClientID are the worker's group.id and client.id: client
	// ids become <group.id>[-<client.id>]-configs|offsets|statuses as in
	// Java. Without a group id they are <base client id>-configs etc.
	GroupID  string
	ClientID string
	// WorkerID (host:port) is only used in log lines.
	WorkerID string
	Logger   zerolog.Logger
}

// Java's KafkaConfigBackingStore.READ_WRITE_TOTAL_TIMEOUT_MS: the most a
// config write with its read-back may take.
const readWriteTimeout = 30 * time.Second

type topicKind struct {
	suffix            string // client id suffix
	workerTopicConfig string
	purpose           string
	defaultPartitions int32
}

var (
	configsKind  = topicKind{"configs", "config.storage.topic", "connector configurations", 1}
	offsetsKind  = topicKind{"offsets", "offset.storage.topic", "source connector offsets", 25}
	statusesKind = topicKind{"statuses", "status.storage.topic", "connector and task statuses", 5}
)

func (o *Options) validate(k topicKind) error {
	if o.Topic == "" {
		return fmt.Errorf("kafkastore: must specify topic for %s (%s)", k.purpose, k.workerTopicConfig)
	}
	if len(o.Brokers) == 0 {
		return fmt.Errorf("kafkastore: no bootstrap servers for %s", k.workerTopicConfig)
	}
	return nil
}

func (o *Options) clientID(k topicKind) string {
	if o.GroupID == "" {
		base := "sarama"
		if o.Sarama != nil && o.Sarama.ClientID != "" {
			base = o.Sarama.ClientID
		}
		return base + "-" + k.suffix
	}
	id := o.GroupID + "-"
	if o.ClientID != "" {
		id += o.ClientID + "-"
	}
	return id + k.suffix
}

func (o *Options) logConfig(k topicKind) kafkalog.Config {
	parts := o.Partitions
	if parts == 0 {
		parts = k.defaultPartitions
	}
	rf := o.ReplicationFactor
	if rf == 0 {
		rf = 3
	}
	return kafkalog.Config{
		Topic:             o.Topic,
		Partitions:        parts,
		ReplicationFactor: rf,
		TopicConfigs:      o.TopicConfigs,
		ClientID:          o.clientID(k),
		WorkerTopicConfig: k.workerTopicConfig,
		TopicPurpose:      k.purpose,
	}
}

func (o *Options) logger() zerolog.Logger {
	c := o.Logger.With().Str("topic", o.Topic)
	if o.WorkerID != "" {
		c = c.Str("worker_id", o.WorkerID)
	}
	return c.Logger()
}

// recordLogger adds the coordinates of a record to a log line.
func recordLogger(l zerolog.Logger, partition int32, offset int64) zerolog.Logger {
	return l.With().Int32("partition", partition).Int64("offset", offset).Logger()
}
