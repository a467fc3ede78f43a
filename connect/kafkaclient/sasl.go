package kafkaclient

import (
	"context"
	"fmt"
	"strings"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// SASL for security.protocol SASL_PLAINTEXT and SASL_SSL: sasl.mechanism
// PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 with the username and password
// options of sasl.jaas.config (PlainLoginModule or ScramLoginModule; a SCRAM
// delegation token with tokenauth="true"). GSSAPI (Java's default) and
// OAUTHBEARER are refused with a message saying so.
func saslConfig(props map[string]string, sc *sarama.Config) error {
	mech := strings.ToUpper(strings.TrimSpace(props["sasl.mechanism"]))
	if mech == "" {
		mech = "GSSAPI" // Java's default
	}
	switch mech {
	case sarama.SASLTypePlaintext, sarama.SASLTypeSCRAMSHA256, sarama.SASLTypeSCRAMSHA512:
	default:
		return fmt.Errorf("invalid value %s for configuration sasl.mechanism: Ferry supports PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512", mech)
	}
	jaas := props["sasl.jaas.config"]
	if strings.TrimSpace(jaas) == "" {
		return fmt.Errorf("missing configuration sasl.jaas.config for sasl.mechanism %s (Ferry does not read JAAS files named by java.security.auth.login.config)", mech)
	}
	entry, err := parseJAAS(jaas)
	if err != nil {
		return fmt.Errorf("invalid configuration sasl.jaas.config: %w", err)
	}
	user, pass := entry.options["username"], entry.options["password"]
	if user == "" {
		return fmt.Errorf("invalid configuration sasl.jaas.config: no username option for %s", entry.module)
	}
	if pass == "" {
		return fmt.Errorf("invalid configuration sasl.jaas.config: no password option for %s", entry.module)
	}
	sc.Net.SASL.Enable = true
	sc.Net.SASL.Handshake = true
	sc.Net.SASL.Version = sarama.SASLHandshakeV1
	sc.Net.SASL.Mechanism = sarama.SASLMechanism(mech)
	sc.Net.SASL.User = user
	sc.Net.SASL.Password = pass
	if mech != sarama.SASLTypePlaintext {
		token := strings.EqualFold(entry.options["tokenauth"], "true")
		sha512 := mech == sarama.SASLTypeSCRAMSHA512
		sc.Net.SASL.SCRAMClientGeneratorFunc = func() sarama.SCRAMClient { return &scramClient{sha512: sha512, token: token} }
	}
	return nil
}

// scramClient runs franz-go's SCRAM (RFC 5802, with Kafka's tokenauth
// extension) as sarama's SCRAMClient: Step("") gives the client-first
// message, then each server message gets the next client message until the
// server's signature is verified.
type scramClient struct {
	sha512, token bool

	session sasl.Session
	first   []byte
	done    bool
}

func (c *scramClient) Begin(user, password, authzID string) error {
	auth := scram.Auth{User: user, Pass: password, Zid: authzID, IsToken: c.token}
	mech := auth.AsSha256Mechanism()
	if c.sha512 {
		mech = auth.AsSha512Mechanism()
	}
	var err error
	c.session, c.first, err = mech.Authenticate(context.Background(), "")
	return err
}

func (c *scramClient) Step(challenge string) (string, error) {
	if c.first != nil {
		first := c.first
		c.first = nil
		return string(first), nil
	}
	done, resp, err := c.session.Challenge([]byte(challenge))
	if err != nil {
		return "", err
	}
	c.done = done
	return string(resp), nil
}

func (c *scramClient) Done() bool { return c.done }
