package failover

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

func TestMM2ClusterPropsPrecedence(t *testing.T) {
	m, err := ParseMM2Properties("mm2.properties", []byte(sampleMM2))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(m.Clusters(), ","); got != "A,B" {
		t.Errorf("clusters = %s", got)
	}
	b, err := m.ClusterProps("B")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"bootstrap.servers":            "b1:9092",
		"security.protocol":            "SASL_PLAINTEXT", // B.* wins over the top level
		"sasl.mechanism":               "SCRAM-SHA-512",
		"ssl.truststore.type":          "PEM", // top level applies to every cluster
		"client.id":                    "from-consumer",
		"request.timeout.ms":           "2000", // B.admin.* wins over B.consumer.*
		"replication.policy.separator": "_",
		"replication.policy.class":     "DefaultReplicationPolicy",
	}
	if len(b) != len(want) {
		t.Errorf("B props = %v, want %v", b, want)
	}
	for k, v := range want {
		if b[k] != v {
			t.Errorf("B %s = %q, want %q (all: %v)", k, b[k], v, b)
		}
	}
	a, err := m.ClusterProps("A")
	if err != nil {
		t.Fatal(err)
	}
	if a["bootstrap.servers"] != "a1:9092,a2:9092" || a["security.protocol"] != "SASL_SSL" || a["sasl.mechanism"] != "PLAIN" ||
		a["client.id"] != "" || a["replication.policy.class"] != "" || a["replication.policy.separator"] != "_" {
		t.Errorf("A props = %v", a)
	}
	if _, err := m.ClusterProps("C"); err == nil {
		t.Error("ClusterProps(C) accepted an alias not in clusters")
	} else if !strings.Contains(err.Error(), `"C"`) || !strings.Contains(err.Error(), "clusters = A, B") {
		t.Errorf("unknown alias error = %v", err)
	}
}

func TestMM2Malformed(t *testing.T) {
	for name, content := range map[string]string{
		"no clusters":    "A.bootstrap.servers = a:1\n",
		"empty clusters": "clusters = , \n",
		"bad escape":     "clusters = A, B\nA.bootstrap.servers = \\u12\n",
	} {
		if _, err := ParseMM2Properties("x.properties", []byte(content)); err == nil {
			t.Errorf("%s: accepted", name)
		} else if !strings.Contains(err.Error(), "x.properties") {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
	}
	if _, err := LoadMM2Properties(filepath.Join(t.TempDir(), "missing.properties")); err == nil || !strings.Contains(err.Error(), "missing.properties") {
		t.Errorf("missing file: %v", err)
	}
}

func TestOptionsFromMM2(t *testing.T) {
	path := writeFile(t, "mm2.properties", "clusters = A, B\nB.bootstrap.servers = b:1\nA.bootstrap.servers = a:1\nreplication.policy.separator = _\n")
	o, err := Inputs{Group: "g", From: "A", To: "B", Config: path}.Options()
	if err != nil {
		t.Fatal(err)
	}
	if o.Target["bootstrap.servers"] != "b:1" || o.Source["bootstrap.servers"] != "a:1" || o.Target["replication.policy.separator"] != "_" {
		t.Errorf("options = %+v", o)
	}
	if o.Output != OutputTable || o.Timeout != DefaultTimeout {
		t.Errorf("defaults: output %q timeout %v", o.Output, o.Timeout)
	}

	// A without an address is simply not queried.
	path = writeFile(t, "mm2.properties", "clusters = A, B\nB.bootstrap.servers = b:1\n")
	if o, err = (Inputs{Group: "g", From: "A", To: "B", Config: path}).Options(); err != nil || o.Source != nil {
		t.Errorf("A without bootstrap.servers: source %v, err %v", o.Source, err)
	}
}

func TestOptionsUsageErrors(t *testing.T) {
	mm2 := writeFile(t, "mm2.properties", "clusters = A, B\nB.bootstrap.servers = b:1\n")
	noB := writeFile(t, "nob.properties", "clusters = A, B\nA.bootstrap.servers = a:1\n")
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
	path := writeFile(t, "client.properties", "bootstrap.servers = ignored:1\nsecurity.protocol = SASL_PLAINTEXT\nsasl.mechanism = PLAIN\n"+
		"sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";\n")
	o, err := Inputs{Group: "g", From: "A", To: "B", BootstrapServer: "b:1", CommandConfig: path,
		SourceBootstrapServer: "a:1", Output: "JSON"}.Options()
	if err != nil {
		t.Fatal(err)
	}
	if o.Target["bootstrap.servers"] != "b:1" || o.Target["security.protocol"] != "SASL_PLAINTEXT" {
		t.Errorf("target = %v: --bootstrap-server must win, the file's other keys apply", o.Target)
	}
	if o.Source["bootstrap.servers"] != "a:1" || len(o.Source) != 1 || o.Output != OutputJSON {
		t.Errorf("source = %v, output %q", o.Source, o.Output)
	}
}
