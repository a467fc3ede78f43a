package kafkaclient

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/IBM/sarama"
)

// Version is the Kafka protocol version Ferry's sarama clients speak. 3.6
// works against kfake and against Kafka 3.x and 4.x brokers.
var Version = sarama.V3_6_0_0

// Config is a parsed client configuration.
type Config struct {
	Brokers []string
	Sarama  *sarama.Config
}

// Parse builds a sarama config from Java client properties. Keys it does not
// know are ignored (they may belong to another role); a known key with a bad
// value is an error that names the key.
func Parse(props map[string]string) (*Config, error) {
	sc := sarama.NewConfig()
	sc.Version = Version
	sc.ClientID = "ferry"

	servers := strings.TrimSpace(props["bootstrap.servers"])
	if servers == "" {
		return nil, fmt.Errorf("missing required configuration \"bootstrap.servers\"")
	}
	var brokers []string
	for _, s := range strings.Split(servers, ",") {
		s = strings.TrimSpace(s)
		// Java ignores a listener-style "PROTOCOL://" prefix.
		if i := strings.Index(s, "://"); i >= 0 {
			s = s[i+3:]
		}
		if s == "" {
			continue
		}
		if !strings.Contains(s, ":") {
			return nil, fmt.Errorf("invalid value %s for configuration bootstrap.servers: expected host:port", s)
		}
		brokers = append(brokers, s)
	}
	if len(brokers) == 0 {
		return nil, fmt.Errorf("invalid value %q for configuration bootstrap.servers: no address", servers)
	}
	if id := strings.TrimSpace(props["client.id"]); id != "" {
		sc.ClientID = sanitizeClientID(id)
	}
	if err := durationMs(props, "request.timeout.ms", func(d time.Duration) {
		sc.Net.ReadTimeout = d
		sc.Net.WriteTimeout = d
		sc.Admin.Timeout = d
	}); err != nil {
		return nil, err
	}
	if err := durationMs(props, "metadata.max.age.ms", func(d time.Duration) { sc.Metadata.RefreshFrequency = d }); err != nil {
		return nil, err
	}
	// Metadata retries back off as Java's clients do (KIP-580):
	// retry.backoff.ms (100 ms) doubling up to retry.backoff.max.ms (1 s).
	// sarama's fixed 250 ms made every worker wait a quarter second for the
	// leaders of an internal topic it had just created.
	metaBase, metaMax := 100*time.Millisecond, time.Second
	if err := durationMs(props, "retry.backoff.ms", func(d time.Duration) {
		metaBase = d
		sc.Producer.Retry.Backoff = d
		sc.Consumer.Retry.Backoff = d
		sc.Admin.Retry.Backoff = d
	}); err != nil {
		return nil, err
	}
	if err := durationMs(props, "retry.backoff.max.ms", func(d time.Duration) { metaMax = d }); err != nil {
		return nil, err
	}
	metaMax = max(metaMax, metaBase)
	sc.Metadata.Retry.Backoff = metaBase
	sc.Metadata.Retry.BackoffFunc = func(retries, _ int) time.Duration {
		return Backoff(retries, metaBase, metaMax)
	}
	if err := durationMs(props, "socket.connection.setup.timeout.ms", func(d time.Duration) { sc.Net.DialTimeout = d }); err != nil {
		return nil, err
	}
	if err := security(props, sc); err != nil {
		return nil, err
	}
	return &Config{Brokers: brokers, Sarama: sc}, nil
}

// sarama accepts only [A-Za-z0-9._-] in client ids; Connect's ids contain
// "->" and "|" (MirrorMaker) and "host:port" (worker ids).
var badClientIDChars = regexp.MustCompile(`[^A-Za-z0-9._-]`)

func sanitizeClientID(id string) string { return badClientIDChars.ReplaceAllString(id, "_") }

func durationMs(props map[string]string, key string, set func(time.Duration)) error {
	raw, ok := props[key]
	if !ok {
		return nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
	if err != nil || n < 0 {
		return fmt.Errorf("invalid value %s for configuration %s: not a non-negative number of milliseconds", raw, key)
	}
	set(time.Duration(n) * time.Millisecond)
	return nil
}

// security applies security.protocol: TLS for SSL and SASL_SSL (tls.go),
// SASL for SASL_PLAINTEXT and SASL_SSL (sasl.go).
func security(props map[string]string, sc *sarama.Config) error {
	proto := strings.ToUpper(strings.TrimSpace(props["security.protocol"]))
	switch proto {
	case "", "PLAINTEXT":
		return nil
	case "SSL", "SASL_PLAINTEXT", "SASL_SSL":
	default:
		return fmt.Errorf("invalid value %s for configuration security.protocol: expected one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL", props["security.protocol"])
	}
	if strings.HasSuffix(proto, "SSL") {
		tc, err := tlsConfig(props)
		if err != nil {
			return err
		}
		sc.Net.TLS.Enable = true
		sc.Net.TLS.Config = tc
	}
	if strings.HasPrefix(proto, "SASL") {
		return saslConfig(props, sc)
	}
	return nil
}
