package mmconfig

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The client golden files are what Kafka 4.3.1's
// MirrorMakerConfig.clientConfig(alias) gives the clients of each cluster
// of each sample (testdata/*.properties and testdata/client/*.properties).
// Regenerate them after changing a sample:
//
//	cd connectors/mirror/mmconfig/testdata &&
//	java -cp "$HOME/.cache/ferry/kafka-4.3.1/libs/*" GenerateClientGolden.java

// clientGolden is one testdata/client/golden/<name>.json.
type clientGolden struct {
	Clusters map[string]struct {
		Admin             map[string]string `json:"admin"`
		Consumer          map[string]string `json:"consumer"`
		Producer          map[string]string `json:"producer"`
		ReplicationPolicy map[string]string `json:"replication_policy"`
		// Error is the message Java's clientConfig failed with.
		Error string `json:"error"`
	} `json:"clusters"`
	// Types are the ConfigDef types of the configs' keys, by which Java
	// parsed the values.
	Types map[string]string `json:"types"`
}

// clientSamples are the samples of the client golden files.
func clientSamples(t *testing.T) []string {
	t.Helper()
	more, err := filepath.Glob(filepath.Join("testdata", "client", "*.properties"))
	if err != nil {
		t.Fatal(err)
	}
	if len(more) == 0 {
		t.Fatal("no samples in testdata/client")
	}
	return append(samples(t), more...)
}

func TestEveryClientSampleHasAGoldenFile(t *testing.T) {
	want := map[string]bool{}
	for _, f := range clientSamples(t) {
		want[strings.TrimSuffix(filepath.Base(f), ".properties")+".json"] = true
	}
	got, err := filepath.Glob(filepath.Join("testdata", "client", "golden", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, g := range got {
		have[filepath.Base(g)] = true
	}
	if !reflect.DeepEqual(have, want) {
		t.Fatalf("client golden files %v, samples need %v: run GenerateClientGolden.java", keysOf(have), keysOf(want))
	}
}

// TestClientConfigGoldenJava compares ClientConfig's admin, consumer and
// producer configs and replication policy keys with Kafka 4.3.1's, for
// every cluster of every sample and for an alias no sample lists.
func TestClientConfigGoldenJava(t *testing.T) {
	for _, file := range clientSamples(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".properties")
		t.Run(name, func(t *testing.T) {
			var g clientGolden
			readJSON(t, filepath.Join("testdata", "client", "golden", name+".json"), &g)
			c := loadSample(t, file)
			if want := len(c.Clusters()) + 1; len(g.Clusters) != want {
				t.Errorf("golden has %d aliases, want the %d clusters and \"unlisted\"", len(g.Clusters), want-1)
			}
			for alias, want := range g.Clusters {
				cc := c.ClientConfig(alias)
				if want.Error != "" {
					// Java refuses a client config without
					// bootstrap.servers; here the client does.
					if !strings.Contains(want.Error, "bootstrap.servers") {
						t.Errorf("%s: Java fails with %q", alias, want.Error)
					}
					for role, got := range map[string]map[string]string{
						"admin": cc.AdminConfig(), "consumer": cc.ConsumerConfig(), "producer": cc.ProducerConfig(),
					} {
						if _, ok := got[keyBootstrap]; ok {
							t.Errorf("%s: Java has no %s config (%s), ours has bootstrap.servers: %v", alias, role, want.Error, got)
						}
					}
					continue
				}
				assertSameMap(t, alias+" AdminConfig", parsedAsJava(cc.AdminConfig(), g.Types), want.Admin)
				assertSameMap(t, alias+" ConsumerConfig", parsedAsJava(cc.ConsumerConfig(), g.Types), want.Consumer)
				assertSameMap(t, alias+" ProducerConfig", parsedAsJava(cc.ProducerConfig(), g.Types), want.Producer)
				assertSameMap(t, alias+" replication.policy.* of Originals", withPrefix(cc.Originals(), "replication.policy."), want.ReplicationPolicy)
			}
		})
	}
}

// parsedAsJava writes each value as Java's ConfigDef parses it for the
// golden file: trimmed, a list's items trimmed and joined with ",".
// Numbers are assumed written plainly, as the samples write them.
func parsedAsJava(m map[string]string, types map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		if types[k] == "LIST" {
			out[k] = strings.Join(javaList(v), ",")
		} else {
			out[k] = javaTrim(v)
		}
	}
	return out
}

// TestClientConfigPrecedence spells out what the golden files show: each
// role takes <alias>.<role>.<key>, else <alias>.<key>, else the top-level
// <key>; keys that are not client keys never reach the clients.
func TestClientConfigPrecedence(t *testing.T) {
	c, err := Parse(map[string]string{
		"clusters":                     "A, B",
		"bootstrap.servers":            "shared:9092",
		"A.bootstrap.servers":          "a:9092",
		"security.protocol":            "SSL",
		"A.security.protocol":          "SASL_SSL",
		"A.consumer.security.protocol": "PLAINTEXT",
		"A.admin.sasl.mechanism":       "PLAIN",
		"A.admin.request.timeout.ms":   "1000", // not a client key
		"A.client.id":                  "a",    // nor this
		"replication.policy.separator": "_",
		"A->B.enabled":                 "true",
	})
	if err != nil {
		t.Fatal(err)
	}
	a := c.ClientConfig("A")
	for _, tc := range []struct {
		what      string
		got, want map[string]string
	}{
		{"A admin", a.AdminConfig(), map[string]string{"bootstrap.servers": "a:9092", "security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN"}},
		{"A consumer", a.ConsumerConfig(), map[string]string{"bootstrap.servers": "a:9092", "security.protocol": "PLAINTEXT"}},
		{"A producer", a.ProducerConfig(), map[string]string{"bootstrap.servers": "a:9092", "security.protocol": "SASL_SSL"}},
		{"B admin", c.ClientConfig("B").AdminConfig(), map[string]string{"bootstrap.servers": "shared:9092", "security.protocol": "SSL"}},
		// As in Java, an alias outside "clusters" gets the top level.
		{"Z consumer", c.ClientConfig("Z").ConsumerConfig(), map[string]string{"bootstrap.servers": "shared:9092", "security.protocol": "SSL"}},
	} {
		if !reflect.DeepEqual(tc.got, tc.want) {
			t.Errorf("%s = %v, want %v", tc.what, tc.got, tc.want)
		}
	}
	if got := a.Originals()["replication.policy.separator"]; got != "_" {
		t.Errorf("A's replication.policy.separator = %q, want the top level's", got)
	}
}

// TestClientConfigIsIndependent checks that the maps returned are the
// caller's own.
func TestClientConfigIsIndependent(t *testing.T) {
	c, err := Parse(map[string]string{"clusters": "A, B", "bootstrap.servers": "x:1", "A->B.enabled": "true"})
	if err != nil {
		t.Fatal(err)
	}
	cc := c.ClientConfig("A")
	cc.Originals()["bootstrap.servers"] = "changed"
	cc.AdminConfig()["bootstrap.servers"] = "changed"
	c.Originals()["A.bootstrap.servers"] = "changed"
	if cc.AdminConfig()["bootstrap.servers"] != "x:1" || cc.Originals()["bootstrap.servers"] != "x:1" ||
		c.ClientConfig("A").ConsumerConfig()["bootstrap.servers"] != "x:1" {
		t.Error("changing a returned map changed the ClientConfig")
	}
}
