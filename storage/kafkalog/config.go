package kafkalog

import (
	"fmt"
	"time"

	"github.com/IBM/sarama"
	"github.com/ferrykafka/ferry/connect/kafkaclient"
)

// Config describes one compacted log.
type Config struct {
	// Topic is the topic name (required).
	Topic string
	// Partitions used when the topic is created: positive, or -1 for the
	// broker default.
	Partitions int32
	// ReplicationFactor used when the topic is created: positive, or -1 for
	// the broker default.
	ReplicationFactor int16
	// TopicConfigs are extra configs for a created topic; cleanup.policy is
	// always forced to compact.
	TopicConfigs map[string]string
	// ClientID is the client id of the log's admin, consumer and producer
	// clients (Java: <group.id>-configs etc.); empty keeps the base one.
	ClientID string
	// WorkerTopicConfig names the worker property that chose the topic
	// ("config.storage.topic") and TopicPurpose says what it holds
	// ("connector configurations"); both only shape error messages.
	WorkerTopicConfig string
	TopicPurpose      string
	// ProducerRetries is how often a failed send is retried (backoff 100 ms
	// doubling to 1 s): 0 means DefaultProducerRetries, negative means none
	// (the status store retries by itself, as Java sets retries=0 there).
	ProducerRetries int
	// ReadCommitted reads only committed transactional records and takes the
	// last stable offset as the end (Java does this for the config topic
	// when exactly-once source support is enabled).
	ReadCommitted bool
	// MetadataTimeout bounds the wait for the topic's partitions after
	// creation (Java: 30 s); 0 means that default.
	MetadataTimeout time.Duration
	// FetchMaxWait is how long a fetch waits for new records (Java's
	// fetch.max.wait.ms, 500 ms); 0 means that default. Stop waits for the
	// fetch in flight, so this also bounds how long Stop takes.
	FetchMaxWait time.Duration
}

// Defaults.
const (
	DefaultProducerRetries = 20
	DefaultMetadataTimeout = 30 * time.Second
	DefaultFetchMaxWait    = 500 * time.Millisecond

	// Retries back off from 25 ms, doubling up to 1 s. The common retry is
	// a topic just created whose partitions have no leader yet, which
	// lasts tens of milliseconds: starting at Java's 100 ms made a new
	// worker wait 100-300 ms per internal topic.
	retryBackoffMin = 25 * time.Millisecond
	retryBackoffMax = time.Second
	minFetchBytes   = 1 << 20
)

func (c *Config) validate(base *sarama.Config) error {
	if c.Topic == "" {
		return fmt.Errorf("kafkalog: no topic given")
	}
	if c.Partitions == 0 || c.Partitions < -1 {
		return fmt.Errorf("kafkalog: topic %q: partitions must be positive or -1 (broker default), not %d", c.Topic, c.Partitions)
	}
	if c.ReplicationFactor == 0 || c.ReplicationFactor < -1 {
		return fmt.Errorf("kafkalog: topic %q: replication factor must be positive or -1 (broker default), not %d", c.Topic, c.ReplicationFactor)
	}
	if !base.Version.IsAtLeast(sarama.V2_3_0_0) {
		return fmt.Errorf("kafkalog: topic %q: sarama Version %s is too old, need 2.3.0 or newer", c.Topic, base.Version)
	}
	return nil
}

func (c *Config) metadataTimeout() time.Duration {
	if c.MetadataTimeout > 0 {
		return c.MetadataTimeout
	}
	return DefaultMetadataTimeout
}

func (c *Config) fetchMaxWait() time.Duration {
	if c.FetchMaxWait > 0 {
		return c.FetchMaxWait
	}
	return DefaultFetchMaxWait
}

// clientConfig derives a client's config from the base one without
// touching the base.
func (c *Config) clientConfig(base *sarama.Config) *sarama.Config {
	sc := *base
	if c.ClientID != "" {
		sc.ClientID = c.ClientID
	}
	// A metadata request must never auto-create an internal topic with the
	// broker's default (delete) cleanup policy.
	sc.Metadata.AllowAutoTopicCreation = false
	if c.ReadCommitted {
		sc.Consumer.IsolationLevel = sarama.ReadCommitted
	} else {
		sc.Consumer.IsolationLevel = sarama.ReadUncommitted
	}
	return &sc
}

// producerConfig is Java's KafkaBasedLog producer: acks=all, one request in
// flight per connection (so retries cannot reorder), no idempotence,
// Kafka's murmur2 partitioning.
func (c *Config) producerConfig(base *sarama.Config) *sarama.Config {
	sc := c.clientConfig(base)
	sc.Net.MaxOpenRequests = 1
	sc.Producer.RequiredAcks = sarama.WaitForAll
	sc.Producer.Idempotent = false
	sc.Producer.Transaction.ID = ""
	sc.Producer.Return.Successes = true
	sc.Producer.Return.Errors = true
	sc.Producer.Partitioner = kafkaclient.JavaPartitioner
	switch {
	case c.ProducerRetries < 0:
		sc.Producer.Retry.Max = 0
	case c.ProducerRetries == 0:
		sc.Producer.Retry.Max = DefaultProducerRetries
	default:
		sc.Producer.Retry.Max = c.ProducerRetries
	}
	sc.Producer.Retry.BackoffFunc = func(retries, _ int) time.Duration { return backoff(retries) }
	return sc
}

// backoff is the wait before retry number n (0-based): 100 ms doubling,
// capped at 1 s.
func backoff(n int) time.Duration {
	d := retryBackoffMin
	for i := 0; i < n && d < retryBackoffMax; i++ {
		d *= 2
	}
	return min(d, retryBackoffMax)
}
