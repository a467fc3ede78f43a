package kafkaclient

import (
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"
)

func TestSASLMechanisms(t *testing.T) {
	const plain = `org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="secret-pw";`
	const scram = `org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="secret-pw";`
	for _, tc := range []struct {
		mech, jaas string
		want       sarama.SASLMechanism
	}{
		{"PLAIN", plain, sarama.SASLTypePlaintext},
		{"scram-sha-256", scram, sarama.SASLTypeSCRAMSHA256},
		{"SCRAM-SHA-512", scram, sarama.SASLTypeSCRAMSHA512},
	} {
		for _, proto := range []string{"SASL_PLAINTEXT", "SASL_SSL"} {
			c, err := Parse(map[string]string{"bootstrap.servers": "a:1", "security.protocol": proto,
				"sasl.mechanism": tc.mech, "sasl.jaas.config": tc.jaas})
			if err != nil {
				t.Fatalf("%s %s: %v", proto, tc.mech, err)
			}
			s := c.Sarama.Net.SASL
			if !s.Enable || s.Mechanism != tc.want || s.User != "alice" || s.Password != "secret-pw" || !s.Handshake {
				t.Errorf("%s %s: sasl %+v", proto, tc.mech, s)
			}
			if (tc.want != sarama.SASLTypePlaintext) != (s.SCRAMClientGeneratorFunc != nil) {
				t.Errorf("%s %s: SCRAM client generator set: %v", proto, tc.mech, s.SCRAMClientGeneratorFunc != nil)
			}
			if c.Sarama.Net.TLS.Enable != (proto == "SASL_SSL") {
				t.Errorf("%s: TLS enabled %v", proto, c.Sarama.Net.TLS.Enable)
			}
			if err := c.Sarama.Validate(); err != nil {
				t.Errorf("%s %s: sarama rejects the config: %v", proto, tc.mech, err)
			}
		}
	}
}

func TestSASLErrors(t *testing.T) {
	const secret = "secret-pw"
	cases := []struct {
		props map[string]string
		want  string
	}{
		{map[string]string{"sasl.jaas.config": `x.Y required username="u" password="` + secret + `";`},
			"invalid value GSSAPI for configuration sasl.mechanism: Ferry supports PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512"},
		{map[string]string{"sasl.mechanism": "OAUTHBEARER"}, "invalid value OAUTHBEARER for configuration sasl.mechanism"},
		{map[string]string{"sasl.mechanism": "PLAIN"}, "missing configuration sasl.jaas.config for sasl.mechanism PLAIN"},
		{map[string]string{"sasl.mechanism": "PLAIN", "sasl.jaas.config": `x.Y required password="` + secret + `";`},
			"no username option for x.Y"},
		{map[string]string{"sasl.mechanism": "SCRAM-SHA-256", "sasl.jaas.config": `x.Y required username="u";`},
			"no password option for x.Y"},
		{map[string]string{"sasl.mechanism": "PLAIN", "sasl.jaas.config": `x.Y required username="u" password="` + secret + `"`},
			"invalid configuration sasl.jaas.config: JAAS config entry not terminated by semi-colon"},
	}
	for _, tc := range cases {
		tc.props["bootstrap.servers"] = "a:1"
		tc.props["security.protocol"] = "SASL_PLAINTEXT"
		_, err := Parse(tc.props)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v; want %q", tc.props, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

// TestSASLAgainstBroker authenticates sarama clients built by Parse against
// a kfake broker with SASL users: PLAIN and both SCRAM variants succeed
// with the right password and fail with a wrong one.
func TestSASLAgainstBroker(t *testing.T) {
	t.Parallel()
	kc, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(0), kfake.EnableSASL(),
		kfake.Superuser("PLAIN", "plain-user", "plain-pw"),
		kfake.Superuser("SCRAM-SHA-256", "scram256-user", "scram256-pw"),
		kfake.Superuser("SCRAM-SHA-512", "scram512-user", "scram512-pw"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(kc.Close)
	for _, tc := range []struct{ mech, module, user, pass string }{
		{"PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule", "plain-user", "plain-pw"},
		{"SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule", "scram256-user", "scram256-pw"},
		{"SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule", "scram512-user", "scram512-pw"},
	} {
		for _, good := range []bool{true, false} {
			pass := tc.pass
			if !good {
				pass = "wrong"
			}
			c, err := Parse(map[string]string{
				"bootstrap.servers": strings.Join(kc.ListenAddrs(), ","),
				"security.protocol": "SASL_PLAINTEXT",
				"sasl.mechanism":    tc.mech,
				"sasl.jaas.config":  tc.module + ` required username="` + tc.user + `" password="` + pass + `";`,
			})
			if err != nil {
				t.Fatal(err)
			}
			c.Sarama.Metadata.Retry.Max = 0
			c.Sarama.Net.DialTimeout = 5 * time.Second
			client, err := sarama.NewClient(c.Brokers, c.Sarama)
			if err == nil {
				_, err = client.Controller()
				_ = client.Close()
			}
			if good && err != nil {
				t.Errorf("%s with the right password: %v", tc.mech, err)
			}
			if !good && err == nil {
				t.Errorf("%s with a wrong password: connected", tc.mech)
			}
		}
	}
}
