package workerconfig

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/configprovider"
)

const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="connect" password="s3cr` + "\u00e9" + `t";`

// secretsDir writes secrets.properties (UTF-8, as Java's FileConfigProvider
// reads it) and a directory of one-value files.
func secretsDir(t *testing.T) (file, dir string) {
	t.Helper()
	root := t.TempDir()
	file = filepath.Join(root, "secrets.properties")
	content := "sasl.jaas.config=" + jaas + "\n" +
		"group=connect-from-file\n" +
		"truststore.password=changeit\n"
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	dir = filepath.Join(root, "keys")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "key-password"), []byte("from-dir"), 0o600); err != nil {
		t.Fatal(err)
	}
	return file, dir
}

// A Java worker.properties with config providers (KIP-421): the worker's
// own settings are resolved before they are validated and used.
func TestParseResolvesConfigProviders(t *testing.T) {
	file, dir := secretsDir(t)
	t.Setenv("FERRY_WORKERCONFIG_TEST_FLUSH", "2500")
	props := with(
		ConfigProviders, "file,dir, env",
		ConfigProviders+".file.class", configprovider.FileConfigProviderClass,
		ConfigProviders+".file.param.allowed.paths", filepath.Dir(file),
		ConfigProviders+".dir.class", configprovider.DirectoryConfigProviderClass,
		ConfigProviders+".env.class", configprovider.EnvVarConfigProviderClass,
		GroupID, "${file:"+file+":group}",
		SecurityProtocol, "SASL_SSL",
		"sasl.mechanism", "SCRAM-SHA-512",
		"sasl.jaas.config", "${file:"+file+":sasl.jaas.config}",
		"ssl.truststore.password", "${file:"+file+":truststore.password}",
		"producer.ssl.key.password", "${dir:"+dir+":key-password}",
		"producer.sasl.jaas.config", "${file:"+file+":sasl.jaas.config}",
		OffsetFlushIntervalMs, "${env:FERRY_WORKERCONFIG_TEST_FLUSH}",
		"connector.secret", "${file:"+file+":missing}",
		"vault.secret", "${vault:/secret:x}",
	)
	raw := maps.Clone(props)
	c, err := Parse(props)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(props, raw) {
		t.Error("Parse modified its input")
	}
	if c.GroupID != "connect-from-file" {
		t.Errorf("GroupID = %q", c.GroupID)
	}
	if c.OffsetFlushInterval.Milliseconds() != 2500 {
		t.Errorf("OffsetFlushInterval = %v, want the env value 2500ms", c.OffsetFlushInterval)
	}
	if got := c.Props["sasl.jaas.config"]; got != jaas {
		t.Errorf("Props[sasl.jaas.config] = %q, want %q", got, jaas)
	}
	internal := c.InternalClientProps()
	if internal["sasl.jaas.config"] != jaas || internal["ssl.truststore.password"] != "changeit" || internal[GroupID] != "connect-from-file" {
		t.Errorf("internal client props = %q", internal)
	}
	producer := c.TaskClientProps(RoleProducer)
	if producer["sasl.jaas.config"] != jaas || producer["ssl.key.password"] != "from-dir" {
		t.Errorf("producer props = %q", producer)
	}
	admin := c.TaskClientProps(RoleAdmin)
	if admin["sasl.jaas.config"] != jaas {
		t.Errorf("admin props = %q", admin)
	}
	for k := range admin {
		if strings.HasPrefix(k, ConfigProviders) {
			t.Errorf("admin props carry %s", k)
		}
	}
	// What no provider resolves stays as written: a key the file does
	// not have, a provider that is not configured.
	if got := c.Props["connector.secret"]; got != raw["connector.secret"] {
		t.Errorf("unresolvable reference became %q", got)
	}
	if got := c.Props["vault.secret"]; got != raw["vault.secret"] {
		t.Errorf("reference to an unconfigured provider became %q", got)
	}
	if u := c.Unused(); len(u) != 0 {
		t.Errorf("Unused = %q; config.providers is used", u)
	}

	// The worker's providers resolve connector configs (Java's
	// WorkerConfigTransformer).
	tr := c.ConfigTransformer()
	if got := tr.Providers(); strings.Join(got, ",") != "dir,env,file" {
		t.Errorf("ConfigTransformer providers = %q", got)
	}
	conn, err := tr.Transform(map[string]string{"consumer.override.sasl.jaas.config": "${file:" + file + ":sasl.jaas.config}"})
	if err != nil || conn["consumer.override.sasl.jaas.config"] != jaas {
		t.Errorf("connector config resolved to %q, %v", conn, err)
	}
}

func TestParseWithoutConfigProviders(t *testing.T) {
	t.Parallel()
	ref := "${file:/etc/secrets.properties:password}"
	c, err := Parse(with("sasl.jaas.config", ref))
	if err != nil {
		t.Fatal(err)
	}
	if c.Props["sasl.jaas.config"] != ref {
		t.Errorf("without config.providers a reference became %q", c.Props["sasl.jaas.config"])
	}
	if c.ConfigTransformer() == nil || len(c.ConfigTransformer().Providers()) != 0 {
		t.Errorf("ConfigTransformer = %v, want one without providers", c.ConfigTransformer())
	}
}

func TestParseConfigProviderErrors(t *testing.T) {
	t.Parallel()
	file, _ := secretsDir(t)
	missing := filepath.Join(filepath.Dir(file), "missing.properties")
	for name, c := range map[string]struct {
		props []string
		want  string
	}{
		"unknown class": {
			[]string{ConfigProviders, "vault", ConfigProviders + ".vault.class", "com.example.VaultConfigProvider"},
			"Invalid value com.example.VaultConfigProvider for configuration config.providers.vault.class: " +
				"Could not load config provider class or one of its dependencies. Ferry supports " + strings.Join(configprovider.Classes(), ", "),
		},
		"relative allowed.paths": {
			[]string{ConfigProviders, "file", ConfigProviders + ".file.class", configprovider.FileConfigProviderClass,
				ConfigProviders + ".file.param.allowed.paths", "secrets"},
			"Invalid value secrets for configuration config.providers.file.param.allowed.paths: Path secrets is not absolute",
		},
		"missing file": {
			[]string{ConfigProviders, "file", ConfigProviders + ".file.class", configprovider.FileConfigProviderClass,
				"sasl.jaas.config", "${file:" + missing + ":jaas}"},
			"Could not read properties from file " + missing + ": ",
		},
	} {
		_, err := Parse(with(c.props...))
		var perr *Error
		if !errors.As(err, &perr) || len(perr.Problems) != 1 || !strings.HasPrefix(perr.Problems[0], c.want) {
			t.Errorf("%s: error %v\nwant %q", name, err, c.want)
		}
		if !errors.Is(err, connect.ErrBadRequest) {
			t.Errorf("%s: %v is not a configuration error", name, err)
		}
	}
}

// A reference to a path outside allowed.paths stays unresolved, with
// Java's warning.
func TestParseWarnsAboutPathsNotAllowed(t *testing.T) {
	t.Parallel()
	file, dir := secretsDir(t)
	c, err := Parse(with(
		ConfigProviders, "file",
		ConfigProviders+".file.class", configprovider.FileConfigProviderClass,
		ConfigProviders+".file.param.allowed.paths", dir,
		"sasl.jaas.config", "${file:"+file+":sasl.jaas.config}",
	))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Props["sasl.jaas.config"]; got != "${file:"+file+":sasl.jaas.config}" {
		t.Errorf("sasl.jaas.config = %q", got)
	}
	want := "The path " + file + " is not allowed to be accessed"
	found := false
	for _, w := range c.Warnings() {
		found = found || w == want
	}
	if !found {
		t.Errorf("Warnings = %q, want %q", c.Warnings(), want)
	}
}

func TestParsePropertiesUTF8(t *testing.T) {
	t.Parallel()
	got, err := ParsePropertiesUTF8([]byte("a=caf\xc3\xa9\nb=\\u00e9\n"))
	if err != nil || got["a"] != "caf\u00e9" || got["b"] != "\u00e9" {
		t.Errorf("ParsePropertiesUTF8 = %q, %v", got, err)
	}
	// The worker.properties reader stays ISO-8859-1.
	if got, _ := ParseProperties([]byte("a=caf\xc3\xa9\n")); got["a"] != "caf\u00c3\u00a9" {
		t.Errorf("ParseProperties = %q", got)
	}
}
