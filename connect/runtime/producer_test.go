package runtime

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/test/testkit"
)

func TestProducerPropsMergesOverrides(t *testing.T) {
	worker := map[string]string{"bootstrap.servers": "a:9092", "compression.type": "gzip", "linger.ms": "5"}
	workerCopy := maps.Clone(worker)
	conn := map[string]string{
		KeyName:                              "c",
		"producer.override.compression.type": "lz4",
		"producer.override.batch.size":       "1024",
		"producer.compression.type":          "zstd", // a worker-level spelling: not an override
		"consumer.override.fetch.min.bytes":  "7",
	}
	got := producerProps(worker, conn)
	want := map[string]string{"bootstrap.servers": "a:9092", "compression.type": "lz4", "linger.ms": "5", "batch.size": "1024"}
	if !maps.Equal(got, want) {
		t.Errorf("props = %v, want %v", got, want)
	}
	if !maps.Equal(worker, workerCopy) {
		t.Errorf("the worker's properties were modified: %v", worker)
	}
	got["x"] = "y"
	if _, ok := worker["x"]; ok {
		t.Error("the result shares the worker's map")
	}
}

func TestTaskProducerConfigFrameworkDefaults(t *testing.T) {
	kc, err := TaskProducerConfig(map[string]string{"bootstrap.servers": "127.0.0.1:1"}, "connector-producer-my conn-0")
	if err != nil {
		t.Fatal(err)
	}
	sc := kc.Sarama
	if sc.Producer.RequiredAcks != sarama.WaitForAll {
		t.Errorf("acks = %v, want all", sc.Producer.RequiredAcks)
	}
	if sc.Net.MaxOpenRequests != 1 || sc.Producer.Idempotent {
		t.Errorf("in flight = %d idempotent = %v, want 1 and false", sc.Net.MaxOpenRequests, sc.Producer.Idempotent)
	}
	if !sc.Producer.Return.Successes || !sc.Producer.Return.Errors {
		t.Error("successes and errors must both be returned: the task acknowledges from them")
	}
	if sc.Producer.Retry.Max != producerRetries {
		t.Errorf("retries = %d", sc.Producer.Retry.Max)
	}
	for retries, want := range map[int]time.Duration{1: 200 * time.Millisecond, 3: 800 * time.Millisecond, 4: time.Second, 999: time.Second} {
		if got := sc.Producer.Retry.BackoffFunc(retries, producerRetries); got != want {
			t.Errorf("backoff after %d retries = %v, want %v", retries, got, want)
		}
	}
	if sc.Producer.MaxMessageBytes != 1<<20 || sc.Producer.Compression != sarama.CompressionNone {
		t.Errorf("max.request.size = %d compression = %v, want Java's defaults", sc.Producer.MaxMessageBytes, sc.Producer.Compression)
	}
	if sc.ClientID != "connector-producer-my_conn-0" {
		t.Errorf("client id = %q", sc.ClientID)
	}
	if sc.Producer.Partitioner == nil {
		t.Error("no partitioner")
	}
	if sc.Producer.Flush.MaxMessages != producerMaxMessagesPerRequest {
		t.Errorf("records per request = %d, want at most %d", sc.Producer.Flush.MaxMessages, producerMaxMessagesPerRequest)
	}
	if err := sc.Validate(); err != nil {
		t.Errorf("sarama rejects the config: %v", err)
	}
	if kc.Brokers[0] != "127.0.0.1:1" {
		t.Errorf("brokers = %v", kc.Brokers)
	}

	// An explicit client.id wins over the default.
	kc, err = TaskProducerConfig(map[string]string{"bootstrap.servers": "h:1", "client.id": "mine"}, "connector-producer-c-0")
	if err != nil {
		t.Fatal(err)
	}
	if kc.Sarama.ClientID != "mine" {
		t.Errorf("client id = %q, want mine", kc.Sarama.ClientID)
	}
}

func TestApplyProducerTuning(t *testing.T) {
	sc := sarama.NewConfig()
	err := applyProducerTuning(map[string]string{
		"compression.type": " zstd ", "max.request.size": "2097152", "linger.ms": "25", "batch.size": "65536",
		"acks": "1", // not mapped: the framework's acks=all stays
	}, sc)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Producer.Compression != sarama.CompressionZSTD || sc.Producer.MaxMessageBytes != 2097152 ||
		sc.Producer.Flush.Frequency != 25*time.Millisecond || sc.Producer.Flush.Bytes != 65536 {
		t.Errorf("compression=%v max=%d linger=%v batch=%d", sc.Producer.Compression, sc.Producer.MaxMessageBytes, sc.Producer.Flush.Frequency, sc.Producer.Flush.Bytes)
	}
	for _, codec := range []string{"none", "gzip", "snappy", "lz4", "zstd"} {
		if err := applyProducerTuning(map[string]string{"compression.type": codec}, sarama.NewConfig()); err != nil {
			t.Errorf("compression.type=%s: %v", codec, err)
		}
	}
}

// A bad value is rejected with the key and the value named, and is never
// half-read (fmt.Sscan used to take "12abc" as 12).
func TestApplyProducerTuningRejectsBadValues(t *testing.T) {
	cases := []struct{ key, value string }{
		{"compression.type", "brotli"},
		{"compression.type", ""},
		{"max.request.size", "0"},
		{"max.request.size", "1MB"},
		{"max.request.size", "-5"},
		{"linger.ms", "12abc"},
		{"linger.ms", "1.5"},
		{"linger.ms", "-1"},
		{"linger.ms", "5 6"},
		{"batch.size", "0x10"},
		{"batch.size", "big"},
	}
	for _, tc := range cases {
		err := applyProducerTuning(map[string]string{tc.key: tc.value}, sarama.NewConfig())
		if err == nil {
			t.Errorf("%s=%q accepted", tc.key, tc.value)
			continue
		}
		if want := "invalid value " + tc.value + " for configuration " + tc.key; !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s=%q: error %q, want prefix %q", tc.key, tc.value, err, want)
		}
	}
}

func TestNewTaskProducerRejectsBadConfig(t *testing.T) {
	cases := []struct {
		props map[string]string
		want  string
	}{
		{map[string]string{"bootstrap.servers": "127.0.0.1:1", "compression.type": "brotli"}, "invalid value brotli for configuration compression.type"},
		{map[string]string{}, `missing required configuration "bootstrap.servers"`},
		{map[string]string{"bootstrap.servers": "127.0.0.1:1", "request.timeout.ms": "soon"}, "invalid value soon for configuration request.timeout.ms"},
		{map[string]string{"bootstrap.servers": "127.0.0.1:1", "buffer.memory": "lots"}, "invalid value lots for configuration buffer.memory"},
	}
	for _, tc := range cases {
		p, err := newTaskProducer(tc.props, "connector-producer-c-0", testkit.Logger(t))
		if err == nil {
			p.Close()
			t.Errorf("%v accepted", tc.props)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %q does not contain %q", err, tc.want)
		}
	}
}
