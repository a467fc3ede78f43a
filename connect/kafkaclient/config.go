package kafkaclient

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
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
		s = strings.TrimPrefix(strings.TrimPrefix(s, "PLAINTEXT://"), "SSL://")
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
	if err := durationMs(props, "retry.backoff.ms", func(d time.Duration) {
		sc.Metadata.Retry.Backoff = d
		sc.Producer.Retry.Backoff = d
		sc.Consumer.Retry.Backoff = d
		sc.Admin.Retry.Backoff = d
	}); err != nil {
		return nil, err
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
		return sasl(props, sc)
	}
	return nil
}

func tlsConfig(props map[string]string) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if t := props["ssl.truststore.type"]; t != "" && !strings.EqualFold(t, "PEM") {
		return nil, fmt.Errorf("invalid value %s for configuration ssl.truststore.type: Ferry reads PEM trust stores only", t)
	}
	var pemData []byte
	if certs := props["ssl.truststore.certificates"]; certs != "" {
		pemData = []byte(certs)
	} else if loc := props["ssl.truststore.location"]; loc != "" {
		b, err := os.ReadFile(loc)
		if err != nil {
			return nil, fmt.Errorf("configuration ssl.truststore.location: %w", err)
		}
		pemData = b
	}
	if pemData != nil {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pemData) {
			return nil, fmt.Errorf("configuration ssl.truststore: no PEM certificate found")
		}
		tc.RootCAs = pool
	}
	if t := props["ssl.keystore.type"]; t != "" && !strings.EqualFold(t, "PEM") {
		return nil, fmt.Errorf("invalid value %s for configuration ssl.keystore.type: Ferry reads PEM key stores only", t)
	}
	certChain, key := props["ssl.keystore.certificate.chain"], props["ssl.keystore.key"]
	if loc := props["ssl.keystore.location"]; loc != "" && certChain == "" {
		b, err := os.ReadFile(loc)
		if err != nil {
			return nil, fmt.Errorf("configuration ssl.keystore.location: %w", err)
		}
		certChain, key = string(b), string(b)
	}
	if certChain != "" {
		cert, err := tls.X509KeyPair([]byte(certChain), []byte(key))
		if err != nil {
			return nil, fmt.Errorf("configuration ssl.keystore: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	// Java disables host name verification when the key is set to "":
	// the certificate chain is still verified against the trust store.
	if alg, set := props["ssl.endpoint.identification.algorithm"]; set && strings.TrimSpace(alg) == "" {
		roots := tc.RootCAs
		tc.InsecureSkipVerify = true // host name only; VerifyConnection checks the chain
		tc.VerifyConnection = func(cs tls.ConnectionState) error { return verifyChainOnly(cs, roots) }
	}
	return tc, nil
}

// verifyChainOnly checks a broker's certificate chain against roots (nil:
// the system's) without checking its host name.
func verifyChainOnly(cs tls.ConnectionState, roots *x509.CertPool) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("the broker sent no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	if _, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter}); err != nil {
		return fmt.Errorf("broker certificate: %w", err)
	}
	return nil
}

var jaasOption = regexp.MustCompile(`(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"`)

func sasl(props map[string]string, sc *sarama.Config) error {
	mech := strings.ToUpper(strings.TrimSpace(props["sasl.mechanism"]))
	if mech == "" {
		mech = "GSSAPI"
	}
	if mech != "PLAIN" {
		return fmt.Errorf("invalid value %s for configuration sasl.mechanism: Ferry supports PLAIN", mech)
	}
	jaas := props["sasl.jaas.config"]
	if jaas == "" {
		return fmt.Errorf("missing configuration \"sasl.jaas.config\" for sasl.mechanism PLAIN")
	}
	opts := map[string]string{}
	for _, m := range jaasOption.FindAllStringSubmatch(jaas, -1) {
		opts[m[1]] = strings.ReplaceAll(m[2], `\"`, `"`)
	}
	if opts["username"] == "" {
		return fmt.Errorf("configuration sasl.jaas.config: no username option")
	}
	sc.Net.SASL.Enable = true
	sc.Net.SASL.Mechanism = sarama.SASLTypePlaintext
	sc.Net.SASL.User = opts["username"]
	sc.Net.SASL.Password = opts["password"]
	sc.Net.SASL.Handshake = true
	return nil
}
