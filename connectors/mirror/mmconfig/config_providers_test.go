package mmconfig

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ferrykafka/ferry/connect/workerconfig"
)

const fileProviderClass = "org.apache.kafka.common.config.provider.FileConfigProvider"

func secretsFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "secrets.properties")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Java's MirrorMakerConfig resolves references in workerConfig and
// clientConfig with the file's config.providers and passes
// config.providers* on; connectorBaseConfig keeps the references for the
// worker to resolve.
func TestConfigProvidersResolveWorkerAndClientConfigs(t *testing.T) {
	t.Parallel()
	jaas := `org.apache.kafka.common.security.plain.PlainLoginModule required username="mm2" password="p4ss";`
	secrets := secretsFile(t, "b.truststore=b-trust\njaas="+jaas+"\nconnector.secret=c0nn\nflush=7000\n")
	ref := func(key string) string { return "${file:" + secrets + ":" + key + "}" }
	props := map[string]string{
		"clusters": "A, B", "A.bootstrap.servers": "a:1", "B.bootstrap.servers": "b:1",
		"config.providers":                        "file",
		"config.providers.file.class":             fileProviderClass,
		"B.ssl.truststore.password":               ref("b.truststore"),
		"B.offset.flush.interval.ms":              ref("flush"),
		"sasl.jaas.config":                        ref("jaas"),
		"A->B.enabled":                            "true",
		"A->B.consumer.override.sasl.jaas.config": ref("connector.secret"),
		"A->B.some.reference":                     ref("missing-key"),
	}
	c, err := Parse(props)
	if err != nil {
		t.Fatal(err)
	}
	f := Flow{Source: "A", Target: "B"}

	w := c.WorkerConfig(f)
	for k, want := range map[string]string{
		"ssl.truststore.password":          "b-trust",
		"producer.ssl.truststore.password": "b-trust",
		"admin.ssl.truststore.password":    "b-trust",
		"offset.flush.interval.ms":         "7000",
		"sasl.jaas.config":                 jaas,
		"consumer.sasl.jaas.config":        jaas,
		"config.providers":                 "file",
		"config.providers.file.class":      fileProviderClass,
		"bootstrap.servers":                "b:1",
	} {
		if w[k] != want {
			t.Errorf("WorkerConfig[%s] = %q, want %q", k, w[k], want)
		}
	}

	// The worker built from it resolves the connector configs, which
	// keep the references.
	cc := c.ConnectorConfig(f, SourceConnector)
	for k, want := range map[string]string{
		"target.cluster.ssl.truststore.password":  ref("b.truststore"),
		"source.cluster.sasl.jaas.config":         ref("jaas"),
		"consumer.override.sasl.jaas.config":      ref("connector.secret"),
		"some.reference":                          ref("missing-key"),
		"config.providers":                        "file",
		"config.providers.file.class":             fileProviderClass,
		"target.producer.ssl.truststore.password": ref("b.truststore"),
		"source.consumer.sasl.jaas.config":        ref("jaas"),
		"target.cluster.offset.flush.interval.ms": ref("flush"),
		"target.cluster.bootstrap.servers":        "b:1",
		"source.cluster.alias":                    "A",
		"target.cluster.alias":                    "B",
		"connector.class":                         SourceConnector,
		"enabled":                                 "true",
		"target.admin.ssl.truststore.password":    ref("b.truststore"),
		"target.consumer.ssl.truststore.password": ref("b.truststore"),
	} {
		if got := cc[k]; got != want {
			t.Errorf("ConnectorConfig[%s] = %q, want %q", k, got, want)
		}
	}
	worker, err := workerconfig.Parse(w)
	if err != nil {
		t.Fatal(err)
	}
	resolved, err := worker.ConfigTransformer().Transform(cc)
	if err != nil {
		t.Fatal(err)
	}
	if resolved["consumer.override.sasl.jaas.config"] != "c0nn" || resolved["target.cluster.ssl.truststore.password"] != "b-trust" ||
		resolved["some.reference"] != ref("missing-key") {
		t.Errorf("the flow's worker resolved the connector config to %v", resolved)
	}

	cl := c.ClientConfig("B")
	if got := cl.AdminConfig(); got["ssl.truststore.password"] != "b-trust" || got["sasl.jaas.config"] != jaas {
		t.Errorf("ClientConfig(B).AdminConfig = %v", got)
	}
	if got := cl.ConsumerConfig()["sasl.jaas.config"]; got != jaas {
		t.Errorf("ClientConfig(B).ConsumerConfig sasl.jaas.config = %q", got)
	}
	if got := cl.Originals()["A->B.consumer.override.sasl.jaas.config"]; got != "c0nn" {
		t.Errorf("ClientConfig(B).Originals resolved A->B.consumer.override.sasl.jaas.config to %q", got)
	}
	if got := c.ClientConfig("A").ProducerConfig()["sasl.jaas.config"]; got != jaas {
		t.Errorf("ClientConfig(A).ProducerConfig sasl.jaas.config = %q", got)
	}

	// Originals keeps the file as written.
	if !maps.Equal(c.Originals(), props) {
		t.Errorf("Originals = %v, want the settings as written", c.Originals())
	}
}

// Java reads the top-level settings (clusters, the flow flags) from its
// resolved originals.
func TestConfigProvidersResolveTopLevelSettings(t *testing.T) {
	t.Parallel()
	secrets := secretsFile(t, "clusters=A, B\nyes=true\n")
	ref := func(key string) string { return "${file:" + secrets + ":" + key + "}" }
	c, err := Parse(map[string]string{
		"clusters":                    ref("clusters"),
		"bootstrap.servers":           "x:1",
		"config.providers":            "file",
		"config.providers.file.class": fileProviderClass,
		"emit.heartbeats.enabled":     "false",
		"B->A.enabled":                ref("yes"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Clusters(); !slices.Equal(got, []string{"A", "B"}) {
		t.Errorf("Clusters = %q", got)
	}
	if got := c.Flows(); !slices.Equal(got, []Flow{{Source: "B", Target: "A"}}) {
		t.Errorf("Flows = %v", got)
	}
	if w := c.Warnings(); len(w) != 0 {
		t.Errorf("Warnings = %q", w)
	}
}

// Providers that cannot be built, or a reference anywhere in the file
// that cannot be read, fail Parse (Java fails building MirrorMakerConfig).
func TestConfigProvidersErrors(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "missing.properties")
	base := func(kv ...string) map[string]string {
		m := map[string]string{"clusters": "A, B", "bootstrap.servers": "x:1", "A->B.enabled": "true"}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for name, tc := range map[string]struct {
		props map[string]string
		want  string
	}{
		"unknown class": {
			base("config.providers", "vault", "config.providers.vault.class", "com.example.VaultConfigProvider"),
			"Invalid value com.example.VaultConfigProvider for configuration config.providers.vault.class: Could not load config provider class",
		},
		"allowed.paths not absolute": {
			base("config.providers", "file", "config.providers.file.class", fileProviderClass,
				"config.providers.file.param.allowed.paths", "secrets"),
			"Path secrets is not absolute",
		},
		"missing file in a connector setting": {
			base("config.providers", "file", "config.providers.file.class", fileProviderClass,
				"A->B.consumer.override.sasl.jaas.config", "${file:"+missing+":jaas}"),
			"Could not read properties from file " + missing,
		},
	} {
		_, err := Parse(tc.props)
		var cfgErr *Error
		if !errors.As(err, &cfgErr) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Parse = %v, want an *Error with %q", name, err, tc.want)
		}
	}
	// Without config.providers references are plain text, as in Java.
	c, err := Parse(base("A.ssl.truststore.password", "${file:"+missing+":k}"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.WorkerConfig(Flow{Source: "B", Target: "A"})["ssl.truststore.password"]; got != "${file:"+missing+":k}" {
		t.Errorf("without providers WorkerConfig has %q", got)
	}
}

// A reference to a path outside allowed.paths stays as written, with
// Java's warning.
func TestConfigProvidersWarnAboutPathsNotAllowed(t *testing.T) {
	t.Parallel()
	secrets := secretsFile(t, "k=v\n")
	allowed := t.TempDir()
	ref := "${file:" + secrets + ":k}"
	c, err := Parse(map[string]string{
		"clusters": "A, B", "bootstrap.servers": "x:1", "A->B.enabled": "true",
		"config.providers":                          "file",
		"config.providers.file.class":               fileProviderClass,
		"config.providers.file.param.allowed.paths": allowed,
		"B.ssl.key.password":                        ref,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.WorkerConfig(Flow{Source: "A", Target: "B"})["ssl.key.password"]; got != ref {
		t.Errorf("ssl.key.password = %q, want the reference", got)
	}
	if w := c.Warnings(); !slices.Contains(w, "The path "+secrets+" is not allowed to be accessed") {
		t.Errorf("Warnings = %q", w)
	}
}
