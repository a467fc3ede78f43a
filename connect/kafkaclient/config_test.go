package kafkaclient

import (
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
)

func TestParse(t *testing.T) {
	c, err := Parse(map[string]string{
		"bootstrap.servers":  " a:9092, PLAINTEXT://b:9093 ",
		"client.id":          "A->B|MirrorSourceConnector|replication-consumer",
		"request.timeout.ms": "1500",
		"security.protocol":  "SASL_PLAINTEXT",
		"sasl.mechanism":     "PLAIN",
		"sasl.jaas.config":   `org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="s\"cret";`,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Brokers, ","); got != "a:9092,b:9093" {
		t.Errorf("brokers = %s", got)
	}
	if c.Sarama.ClientID != "A-_B_MirrorSourceConnector_replication-consumer" {
		t.Errorf("client id = %s", c.Sarama.ClientID)
	}
	if c.Sarama.Net.ReadTimeout.Milliseconds() != 1500 {
		t.Errorf("read timeout = %v", c.Sarama.Net.ReadTimeout)
	}
	if !c.Sarama.Net.SASL.Enable || c.Sarama.Net.SASL.User != "alice" || c.Sarama.Net.SASL.Password != `s"cret` || c.Sarama.Net.SASL.Mechanism != sarama.SASLTypePlaintext {
		t.Errorf("sasl = %+v", c.Sarama.Net.SASL)
	}
	if err := c.Sarama.Validate(); err != nil {
		t.Errorf("sarama rejects the config: %v", err)
	}
}

func TestParseMetadataBackoff(t *testing.T) {
	// Java's defaults (retry.backoff.ms 100, retry.backoff.max.ms 1000),
	// doubling per retry; sarama numbers the first retry 0.
	c, err := Parse(map[string]string{"bootstrap.servers": "a:1"})
	if err != nil {
		t.Fatal(err)
	}
	for retries, want := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		if got := c.Sarama.Metadata.Retry.BackoffFunc(retries, 3); got != want*time.Millisecond {
			t.Errorf("default backoff before retry %d = %v; want %v ms", retries, got, want)
		}
	}
	c, err = Parse(map[string]string{"bootstrap.servers": "a:1", "retry.backoff.ms": "30", "retry.backoff.max.ms": "100"})
	if err != nil {
		t.Fatal(err)
	}
	for retries, want := range []time.Duration{30, 60, 100, 100} {
		if got := c.Sarama.Metadata.Retry.BackoffFunc(retries, 3); got != want*time.Millisecond {
			t.Errorf("backoff before retry %d = %v; want %v ms", retries, got, want)
		}
	}
	if c.Sarama.Producer.Retry.Backoff != 30*time.Millisecond {
		t.Errorf("producer backoff %v", c.Sarama.Producer.Retry.Backoff)
	}
	if _, err := Parse(map[string]string{"bootstrap.servers": "a:1", "retry.backoff.max.ms": "-1"}); err == nil ||
		!strings.Contains(err.Error(), "retry.backoff.max.ms") {
		t.Errorf("bad retry.backoff.max.ms: %v", err)
	}
}

func TestParseErrorsNameTheKey(t *testing.T) {
	cases := map[string]map[string]string{
		"bootstrap.servers":       {},
		"request.timeout.ms":      {"bootstrap.servers": "a:1", "request.timeout.ms": "soon"},
		"security.protocol":       {"bootstrap.servers": "a:1", "security.protocol": "TLS"},
		"sasl.mechanism":          {"bootstrap.servers": "a:1", "security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "OAUTHBEARER"},
		"ssl.truststore.location": {"bootstrap.servers": "a:1", "security.protocol": "SSL", "ssl.truststore.location": "/no/such/file"},
		"ssl.enabled.protocols":   {"bootstrap.servers": "a:1", "security.protocol": "SSL", "ssl.enabled.protocols": "SSLv3"},
		"ssl.cipher.suites":       {"bootstrap.servers": "a:1", "security.protocol": "SSL", "ssl.cipher.suites": "NOPE"},
		"ssl.endpoint.identification.algorithm": {"bootstrap.servers": "a:1", "security.protocol": "SSL",
			"ssl.endpoint.identification.algorithm": "ldaps"},
		"sasl.jaas.config": {"bootstrap.servers": "a:1", "security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN"},
	}
	for key, props := range cases {
		_, err := Parse(props)
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s: error %v does not name the key", key, err)
		}
	}
}
