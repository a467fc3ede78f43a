package runtime

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/IBM/sarama"
	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/connect/producer"
)

// producerRetries bounds sarama's retries of one produce request.
const producerRetries = 1000

// producerMaxMessagesPerRequest bounds the records of one produce request
// (sarama's Producer.Flush.MaxMessages). sarama otherwise gathers up to
// 100 MB per request while one is in flight, all of it as Go objects;
// 8192 records of 100 bytes are about the 1 MiB (max.request.size) Java's
// producer sends at most. It lowered the benchmark's peak RSS by a fifth
// for 100-byte records without slowing them.
const producerMaxMessagesPerRequest = 8192

// producerProps merges the worker's producer properties with a connector's
// producer.override.* keys (the override policy "All", Connect's default).
func producerProps(worker map[string]string, connector map[string]string) map[string]string {
	out := make(map[string]string, len(worker))
	for k, v := range worker {
		out[k] = v
	}
	for k, v := range connector {
		if strings.HasPrefix(k, ProducerOverridePrefix) {
			out[strings.TrimPrefix(k, ProducerOverridePrefix)] = v
		}
	}
	return out
}

// newTaskProducer builds the producer of one source task (connect/producer)
// with Connect's framework defaults: acks=all, one request in flight per
// broker and one batch per partition (so retries never reorder records), no
// idempotence, and long retries: Java retries until delivery.timeout.ms
// (Integer.MAX_VALUE); Ferry retries a batch producerRetries times with a
// backoff capped at one second (about 17 minutes) before the task fails.
func newTaskProducer(props map[string]string, clientID string, log zerolog.Logger) (*producer.Producer, error) {
	s, err := parseTaskProducer(props, clientID, log)
	if err != nil {
		return nil, err
	}
	return s.connect()
}

// taskProducerSettings is a task producer's parsed configuration, checked
// before anything connects.
type taskProducerSettings struct {
	kc   *kafkaclient.Config
	opts producer.Options
}

// parseTaskProducer checks the producer settings of newTaskProducer.
func parseTaskProducer(props map[string]string, clientID string, log zerolog.Logger) (*taskProducerSettings, error) {
	kc, err := TaskProducerConfig(props, clientID)
	if err != nil {
		return nil, err
	}
	bufferMemory := 0
	if v, ok := props["buffer.memory"]; ok {
		if bufferMemory, err = parsePositiveInt(v); err != nil {
			return nil, fmt.Errorf("invalid value %s for configuration buffer.memory: %w", v, err)
		}
	}
	maxBlock := 0
	if v, ok := props["max.block.ms"]; ok {
		if maxBlock, err = parsePositiveInt(v); err != nil {
			return nil, fmt.Errorf("invalid value %s for configuration max.block.ms: %w", v, err)
		}
	}
	return &taskProducerSettings{kc: kc, opts: producer.Options{BufferMemory: bufferMemory,
		MaxBlock: time.Duration(maxBlock) * time.Millisecond, Log: log}}, nil
}

// connect makes the producer's client (a round trip to a bootstrap broker).
func (s *taskProducerSettings) connect() (*producer.Producer, error) {
	client, err := sarama.NewClient(s.kc.Brokers, s.kc.Sarama)
	if err != nil {
		return nil, fmt.Errorf("create producer for %s: %w", strings.Join(s.kc.Brokers, ","), err)
	}
	return producer.New(client, s.opts), nil
}

// TaskProducerConfig is the client configuration newTaskProducer uses
// (props: the merged producer properties; it sets client.id to clientID
// when props has none). The benchmark's null pipeline uses it too, so that
// it compares like with like.
func TaskProducerConfig(props map[string]string, clientID string) (*kafkaclient.Config, error) {
	if _, ok := props["client.id"]; !ok {
		props["client.id"] = clientID
	}
	kc, err := kafkaclient.Parse(props)
	if err != nil {
		return nil, err
	}
	sc := kc.Sarama
	sc.Producer.RequiredAcks = sarama.WaitForAll
	sc.Producer.Return.Successes = true
	sc.Producer.Return.Errors = true
	sc.Producer.Idempotent = false
	sc.Net.MaxOpenRequests = 1
	sc.Producer.Retry.Max = producerRetries
	sc.Producer.Retry.BackoffFunc = func(retries, _ int) time.Duration {
		d := 100 * time.Millisecond << min(retries, 4)
		return min(d, time.Second)
	}
	sc.Producer.Partitioner = kafkaclient.JavaPartitioner
	sc.Producer.MaxMessageBytes = 1 << 20
	sc.Producer.Flush.MaxMessages = producerMaxMessagesPerRequest
	if err := applyProducerTuning(props, sc); err != nil {
		return nil, err
	}
	return kc, nil
}

// applyProducerTuning maps the Java producer keys that have a sarama
// equivalent.
func applyProducerTuning(props map[string]string, sc *sarama.Config) error {
	if v, ok := props["compression.type"]; ok {
		var c sarama.CompressionCodec
		if err := c.UnmarshalText([]byte(strings.TrimSpace(v))); err != nil {
			return fmt.Errorf("invalid value %s for configuration compression.type: %w", v, err)
		}
		sc.Producer.Compression = c
	}
	if v, ok := props["max.request.size"]; ok {
		n, err := parsePositiveInt(v)
		if err != nil {
			return fmt.Errorf("invalid value %s for configuration max.request.size: %w", v, err)
		}
		sc.Producer.MaxMessageBytes = n
	}
	if v, ok := props["linger.ms"]; ok {
		n, err := parseNonNegativeInt(v)
		if err != nil {
			return fmt.Errorf("invalid value %s for configuration linger.ms: %w", v, err)
		}
		sc.Producer.Flush.Frequency = time.Duration(n) * time.Millisecond
	}
	if v, ok := props["batch.size"]; ok {
		n, err := parseNonNegativeInt(v)
		if err != nil {
			return fmt.Errorf("invalid value %s for configuration batch.size: %w", v, err)
		}
		sc.Producer.Flush.Bytes = n
	}
	return nil
}

// parseNonNegativeInt parses a whole decimal number as Java's
// Integer.parseInt / Long.parseLong do: "12abc", "1.5" or "0x10" are errors
// (fmt.Sscan read them as 12, 1 and 16).
func parseNonNegativeInt(s string) (int, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 0)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("not a non-negative integer")
	}
	return int(n), nil
}

func parsePositiveInt(s string) (int, error) {
	n, err := parseNonNegativeInt(s)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("not a positive integer")
	}
	return n, nil
}
