package failover

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/connectors/mirror/mmconfig"
)

const sampleMM2 = `# two clusters
clusters = A, B
A.bootstrap.servers = a1:9092,a2:9092
B.bootstrap.servers = b1:9092
security.protocol = SASL_SSL
sasl.mechanism = PLAIN
ssl.truststore.type = PEM
B.security.protocol = SASL_PLAINTEXT
B.sasl.mechanism = SCRAM-SHA-512
sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";
B.sasl.jaas.config = org.apache.kafka.common.security.scram.ScramLoginModule required username="b" password="q";
B.consumer.client.id = from-consumer
B.consumer.request.timeout.ms = 1000
B.admin.request.timeout.ms = 2000
B.producer.acks = 1
A->B.enabled = true
topics = .*
replication.policy.separator = _
B.replication.policy.class = DefaultReplicationPolicy
`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOptionsFromMM2 reads the sample as MirrorMaker's MirrorClientConfig
// would for each cluster: only the client keys, B.* over the top level.
func TestOptionsFromMM2(t *testing.T) {
	path := writeFile(t, "mm2.properties", sampleMM2)
	o, err := Inputs{Group: "g", From: "A", To: "B", Config: path}.Options()
	if err != nil {
		t.Fatal(err)
	}
	wantB := map[string]string{
		"bootstrap.servers":   "b1:9092",
		"security.protocol":   "SASL_PLAINTEXT", // B.* wins over the top level
		"sasl.mechanism":      "SCRAM-SHA-512",
		"sasl.jaas.config":    `org.apache.kafka.common.security.scram.ScramLoginModule required username="b" password="q";`,
		"ssl.truststore.type": "PEM", // the top level applies to every cluster
		// B.consumer.client.id, B.*.request.timeout.ms and B.producer.acks
		// are not client keys of MirrorClientConfig: Java's clients never
		// see them.
		"replication.policy.separator": "_",
		"replication.policy.class":     "DefaultReplicationPolicy",
	}
	if !reflect.DeepEqual(o.Target, wantB) {
		t.Errorf("target = %v, want %v", o.Target, wantB)
	}
	wantA := map[string]string{
		"bootstrap.servers": "a1:9092,a2:9092", "security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN",
		"sasl.jaas.config":    `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";`,
		"ssl.truststore.type": "PEM", "replication.policy.separator": "_",
	}
	if !reflect.DeepEqual(o.Source, wantA) {
		t.Errorf("source = %v, want %v", o.Source, wantA)
	}
	if o.Output != OutputTable || o.Timeout != DefaultTimeout {
		t.Errorf("defaults: output %q timeout %v", o.Output, o.Timeout)
	}
}

// TestOptionsFromMM2Precedence: each client of a cluster takes
// <alias>.<role>.<key>, else <alias>.<key>, else the top-level <key>, as
// Java's MirrorMakerConfig.clientConfig gives them; the replication policy
// keys <alias>.replication.policy.* beat the top level's.
func TestOptionsFromMM2Precedence(t *testing.T) {
	const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";`
	path := writeFile(t, "mm2.properties", `clusters = A, B
bootstrap.servers = shared:9092
A.bootstrap.servers = a:9092
security.protocol = SSL
A.security.protocol = SASL_SSL
A.consumer.security.protocol = SASL_PLAINTEXT
sasl.mechanism = PLAIN
A.admin.sasl.mechanism = SCRAM-SHA-256
B.sasl.mechanism = SCRAM-SHA-512
sasl.jaas.config = `+jaas+`
replication.policy.separator = _
A.replication.policy.separator = __
A->B.enabled = true
`)
	o, err := Inputs{Group: "g", From: "A", To: "B", Config: path}.Options()
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, want map[string]string) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	common := map[string]string{"replication.policy.separator": "_", "sasl.jaas.config": jaas}
	b := map[string]string{"bootstrap.servers": "shared:9092", "security.protocol": "SSL", "sasl.mechanism": "SCRAM-SHA-512"}
	check("B admin", adminSettings(o.Target), merged(b, common))
	check("B consumer", clientSettings(o.Target, "consumer."), merged(b, common))
	check("A admin (source)", adminSettings(o.Source), map[string]string{
		"bootstrap.servers": "a:9092", "security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-256",
		"sasl.jaas.config": jaas, "replication.policy.separator": "__",
	})

	// Swapped, A's clients are those of the target.
	o, err = Inputs{Group: "g", From: "B", To: "A", Config: path}.Options()
	if err != nil {
		t.Fatal(err)
	}
	common = map[string]string{"replication.policy.separator": "__", "sasl.jaas.config": jaas}
	check("A admin", adminSettings(o.Target), merged(map[string]string{
		"bootstrap.servers": "a:9092", "security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-256",
	}, common))
	check("A consumer", clientSettings(o.Target, "consumer."), merged(map[string]string{
		"bootstrap.servers": "a:9092", "security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "PLAIN",
	}, common))
	if _, err := policyFor(o.Target, o.From); err != nil {
		t.Errorf("policy: %v", err)
	}
}

// TestMirrorClientPropsReadBack: what the command's clients read back from
// mirrorClientProps is exactly mmconfig's admin and consumer configs, also
// for keys only one role has.
func TestMirrorClientPropsReadBack(t *testing.T) {
	m, err := mmconfig.Parse(map[string]string{
		"clusters":                      "A, B",
		"A.bootstrap.servers":           "a:9092",
		"B.bootstrap.servers":           "b:9092",
		"B.admin.bootstrap.servers":     "b-admin:9092",
		"B.admin.sasl.jaas.config":      "admin-only",
		"B.consumer.ssl.keystore.type":  "PEM",
		"admin.ssl.truststore.location": "/top/admin-only",
		"A.ssl.truststore.location":     "/a",
		"security.protocol":             "SSL",
		"replication.policy.separator":  "_",
		"A->B.enabled":                  "true",
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, alias := range m.Clusters() {
		cc := m.ClientConfig(alias)
		props := mirrorClientProps(cc)
		want := map[string]map[string]string{"admin.": cc.AdminConfig(), "consumer.": cc.ConsumerConfig()}
		for role, w := range want {
			got := clientSettings(props, role)
			if got["replication.policy.separator"] != "_" {
				t.Errorf("%s %s: no replication.policy.separator: %v", alias, role, got)
			}
			delete(got, "replication.policy.separator")
			if !reflect.DeepEqual(got, w) {
				t.Errorf("%s %s settings = %v, want mmconfig's %v", alias, role, got, w)
			}
		}
	}
}

// merged returns the union of maps, later ones winning.
func merged(maps ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// TestOptionsFromMM2SeedForm: the seed form of mm2.properties (no
// "clusters", source.* and target.* keys) names its clusters source and
// target.
func TestOptionsFromMM2SeedForm(t *testing.T) {
	path := writeFile(t, "seed.properties", "source.bootstrap.servers = a:1\ntarget.bootstrap.servers = b:1\n"+
		"target.security.protocol = SSL\nreplication.policy.separator = _\n")
	o, err := Inputs{Group: "g", From: "source", To: "target", Config: path}.Options()
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"bootstrap.servers": "b:1", "security.protocol": "SSL", "replication.policy.separator": "_"}; !reflect.DeepEqual(o.Target, want) {
		t.Errorf("target = %v, want %v", o.Target, want)
	}
	if want := map[string]string{"bootstrap.servers": "a:1", "replication.policy.separator": "_"}; !reflect.DeepEqual(o.Source, want) {
		t.Errorf("source = %v, want %v", o.Source, want)
	}
	_, err = Inputs{Group: "g", From: "A", To: "target", Config: path}.Options()
	if err == nil || !IsUsageError(err) || !strings.Contains(err.Error(), `"A" is not listed`) ||
		!strings.Contains(err.Error(), "clusters = source, target") {
		t.Errorf("alias A of a seed-form file: %v", err)
	}
}

// TestOptionsFromMM2Warnings: mmconfig's warnings about the file reach the
// caller, naming the file.
func TestOptionsFromMM2Warnings(t *testing.T) {
	path := writeFile(t, "mm2.properties", "clusters = A, B\nA.bootstrap.servers = a:1\nB.bootstrap.servers = b:1\nC.bootstrap.servers = c:1\n")
	o, err := Inputs{Group: "g", From: "A", To: "B", Config: path}.Options()
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Warnings) != 1 || !strings.HasPrefix(o.Warnings[0], path+": ") || !strings.Contains(o.Warnings[0], "C.bootstrap.servers is ignored") {
		t.Errorf("warnings = %q", o.Warnings)
	}
	o, err = Inputs{Group: "g", From: "A", To: "B", Config: writeFile(t, "clean.properties", "clusters = A, B\nbootstrap.servers = x:1\n")}.Options()
	if err != nil || len(o.Warnings) != 0 {
		t.Errorf("clean file: warnings %q, err %v", o.Warnings, err)
	}
}

// TestOptionsFromMM2Invalid: a file MirrorMaker's dedicated mode refuses
// is refused with mmconfig's error, which names the file and the problem.
func TestOptionsFromMM2Invalid(t *testing.T) {
	for name, c := range map[string]struct{ content, want string }{
		"no clusters":      {"A.bootstrap.servers = a:1\n", `Missing required configuration "clusters"`},
		"empty alias":      {"clusters = A, , B\nbootstrap.servers = x:1\n", "must not be empty"},
		"A without server": {"clusters = A, B\nB.bootstrap.servers = b:1\n", "set A.bootstrap.servers"},
		"bad escape":       {"clusters = A, B\nA.bootstrap.servers = \\u12\n", "x.properties"},
		"bad protocol":     {"clusters = A, B\nbootstrap.servers = x:1\nsecurity.protocol = TLS\n", "security.protocol"},
		"no flow":          {"clusters = A, B\nbootstrap.servers = x:1\nemit.heartbeats.enabled = false\n", "No source->target replication flows"},
	} {
		path := writeFile(t, "x.properties", c.content)
		_, err := Inputs{Group: "g", From: "A", To: "B", Config: path}.Options()
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if !IsUsageError(err) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) ||
			strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %q should be a one-line usage error naming %s and %q", name, err, path, c.want)
		}
	}
	missing := filepath.Join(t.TempDir(), "missing.properties")
	if _, err := (Inputs{Group: "g", From: "A", To: "B", Config: missing}).Options(); err == nil || !IsUsageError(err) ||
		!strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: %v", err)
	}
}

func TestOptionsUsageErrors(t *testing.T) {
	mm2 := writeFile(t, "mm2.properties", "clusters = A, B\nA.bootstrap.servers = a:1\nB.bootstrap.servers = b:1\n")
	noB := writeFile(t, "nob.properties", "clusters = A, B\nA.bootstrap.servers = a:1\n")
	badAdmin := writeFile(t, "admin.properties", "clusters = A, B\nbootstrap.servers = a:1\nB.admin.bootstrap.servers = nohost\n")
	badProto := writeFile(t, "client.properties", "security.protocol = TLS\n")
	badPolicy := writeFile(t, "policy.properties", "replication.policy.class = com.example.Nope\n")
	malformed := writeFile(t, "bad.properties", "clusters = A\\u00\n")
	cases := []struct {
		name string
		in   Inputs
		want string
	}{
		{"no group", Inputs{From: "A", To: "B", BootstrapServer: "b:1"}, "--group"},
		{"no from", Inputs{Group: "g", To: "B", BootstrapServer: "b:1"}, "--from"},
		{"no to", Inputs{Group: "g", From: "A", BootstrapServer: "b:1"}, "--to"},
		{"same alias", Inputs{Group: "g", From: "A", To: "A", BootstrapServer: "b:1"}, "two clusters"},
		{"no connection", Inputs{Group: "g", From: "A", To: "B"}, "--bootstrap-server"},
		{"bad output", Inputs{Group: "g", From: "A", To: "B", BootstrapServer: "b:1", Output: "yaml"}, "--output"},
		{"negative timeout", Inputs{Group: "g", From: "A", To: "B", BootstrapServer: "b:1", Timeout: -time.Second}, "--timeout"},
		{"config and flags", Inputs{Group: "g", From: "A", To: "B", Config: mm2, BootstrapServer: "b:1"}, "do not combine"},
		{"unknown to", Inputs{Group: "g", From: "A", To: "C", Config: mm2}, `"C" is not listed`},
		{"unknown from", Inputs{Group: "g", From: "X", To: "B", Config: mm2}, `"X" is not listed`},
		{"no B address", Inputs{Group: "g", From: "A", To: "B", Config: noB}, "B.bootstrap.servers"},
		{"bad B admin address", Inputs{Group: "g", From: "A", To: "B", Config: badAdmin}, "settings of cluster B"},
		{"missing config", Inputs{Group: "g", From: "A", To: "B", Config: mm2 + ".nope"}, "cannot read"},
		{"malformed config", Inputs{Group: "g", From: "A", To: "B", Config: malformed}, "bad.properties"},
		{"missing command config", Inputs{Group: "g", From: "A", To: "B", BootstrapServer: "b:1", CommandConfig: mm2 + ".nope"}, "--command-config"},
		{"bad client setting", Inputs{Group: "g", From: "A", To: "B", BootstrapServer: "b:1", CommandConfig: badProto}, "security.protocol"},
		{"bad policy", Inputs{Group: "g", From: "A", To: "B", BootstrapServer: "b:1", CommandConfig: badPolicy}, "com.example.Nope"},
		{"source config alone", Inputs{Group: "g", From: "A", To: "B", BootstrapServer: "b:1", SourceCommandConfig: badProto}, "--source-bootstrap-server"},
		{"bad source setting", Inputs{Group: "g", From: "A", To: "B", BootstrapServer: "b:1", SourceBootstrapServer: "a:1", SourceCommandConfig: badProto}, "cluster A"},
	}
	for _, c := range cases {
		_, err := c.in.Options()
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		var u *UsageError
		if !errors.As(err, &u) {
			t.Errorf("%s: %v is not a usage error", c.name, err)
		}
		if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %q should be one line mentioning %q", c.name, err, c.want)
		}
	}
}

func TestOptionsCommandConfig(t *testing.T) {
	path := writeFile(t, "client.properties", "bootstrap.servers = ignored:1\nadmin.bootstrap.servers = ignored:2\n"+
		"security.protocol = SASL_PLAINTEXT\nsasl.mechanism = PLAIN\n"+
		"sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";\n")
	o, err := Inputs{Group: "g", From: "A", To: "B", BootstrapServer: "b:1", CommandConfig: path,
		SourceBootstrapServer: "a:1", Output: "JSON"}.Options()
	if err != nil {
		t.Fatal(err)
	}
	if o.Target["bootstrap.servers"] != "b:1" || adminSettings(o.Target)["bootstrap.servers"] != "b:1" || o.Target["security.protocol"] != "SASL_PLAINTEXT" {
		t.Errorf("target = %v: --bootstrap-server must win, the file's other keys apply", o.Target)
	}
	if o.Source["bootstrap.servers"] != "a:1" || len(o.Source) != 1 || o.Output != OutputJSON {
		t.Errorf("source = %v, output %q", o.Source, o.Output)
	}
}

// A --command-config file's ${provider:path:key} references are resolved
// with its own config.providers, as a Java client resolves them.
func TestOptionsCommandConfigProviders(t *testing.T) {
	secrets := writeFile(t, "secrets.properties", "password = s3cret\n")
	path := writeFile(t, "client.properties", "config.providers = file\n"+
		"config.providers.file.class = org.apache.kafka.common.config.provider.FileConfigProvider\n"+
		"security.protocol = SASL_PLAINTEXT\nsasl.mechanism = PLAIN\n"+
		"sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"${file:"+secrets+":password}\";\n")
	o, err := Inputs{Group: "g", From: "A", To: "B", BootstrapServer: "b:1", CommandConfig: path,
		SourceBootstrapServer: "a:1"}.Options()
	if err != nil {
		t.Fatal(err)
	}
	if got := o.Target["sasl.jaas.config"]; !strings.Contains(got, `password="s3cret"`) {
		t.Errorf("sasl.jaas.config = %q; want the password read from %s", got, secrets)
	}
	// A provider class Ferry does not have is a usage error naming it.
	bad := writeFile(t, "bad.properties", "config.providers = v\nconfig.providers.v.class = com.example.VaultProvider\n")
	if _, err := (Inputs{Group: "g", From: "A", To: "B", BootstrapServer: "b:1", CommandConfig: bad}).Options(); err == nil ||
		!strings.Contains(err.Error(), "com.example.VaultProvider") {
		t.Errorf("unknown provider class: err %v; want one naming it", err)
	}
}
