package mmconfig

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// The golden files are what Kafka 4.3.1's MirrorMakerConfig makes of each
// testdata/*.properties file. Regenerate them after changing a sample:
//
//	cd connectors/mirror/mmconfig/testdata &&
//	java -cp "$HOME/.cache/ferry/kafka-4.3.1/libs/*" GenerateGolden.java

// golden is one testdata/golden/<name>.json.
type golden struct {
	ClustersSetOrder []string                                `json:"clusters_set_order"`
	Flows            []string                                `json:"flows"`
	InternalREST     bool                                    `json:"internal_rest"`
	ClusterProps     map[string]map[string]string            `json:"cluster_props"`
	WorkerConfigs    map[string]map[string]string            `json:"worker_configs"`
	ConnectorConfigs map[string]map[string]map[string]string `json:"connector_configs"`
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// pkgDir is the package directory, the tests' working directory.
var pkgDir = func() string {
	d, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return d
}()

// loadSample loads a sample (a path relative to the package) as Java's
// generators read it: with testdata as the working directory, which the
// samples' config-provider references (${file:provider-secrets.txt:...})
// are relative to. The working directory is testdata until t ends.
func loadSample(t *testing.T, file string) *Config {
	t.Helper()
	t.Chdir(filepath.Join(pkgDir, "testdata"))
	c, err := Load(filepath.Join(pkgDir, file))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// samples are the valid mm2.properties files of testdata.
func samples(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.properties"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 6 {
		t.Fatalf("expected at least 6 samples in testdata, found %v", files)
	}
	return files
}

func TestEverySampleHasAGoldenFile(t *testing.T) {
	want := map[string]bool{"errors.json": true, "names.json": true}
	for _, f := range samples(t) {
		want[strings.TrimSuffix(filepath.Base(f), ".properties")+".json"] = true
	}
	got, err := filepath.Glob(filepath.Join("testdata", "golden", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, g := range got {
		have[filepath.Base(g)] = true
	}
	if !reflect.DeepEqual(have, want) {
		t.Fatalf("golden files %v, samples need %v: run GenerateGolden.java", keysOf(have), keysOf(want))
	}
}

// TestGoldenJava compares every map with Kafka 4.3.1's.
func TestGoldenJava(t *testing.T) {
	for _, file := range samples(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".properties")
		t.Run(name, func(t *testing.T) {
			var g golden
			readJSON(t, filepath.Join("testdata", "golden", name+".json"), &g)
			c := loadSample(t, file)

			if got := javaHashSetOrder(c.clusterList); !reflect.DeepEqual(got, g.ClustersSetOrder) {
				t.Errorf("Java's HashSet order of the clusters: got %v, Java %v", got, g.ClustersSetOrder)
			}
			if got, want := sorted(c.Clusters()), sorted(g.ClustersSetOrder); !reflect.DeepEqual(got, want) {
				t.Errorf("Clusters() = %v, Java's clusters() = %v", got, want)
			}
			var flows []string
			for _, f := range c.Flows() {
				flows = append(flows, f.String())
			}
			if !reflect.DeepEqual(flows, g.Flows) {
				t.Errorf("Flows() = %v, Java's clusterPairs() = %v", flows, g.Flows)
			}
			if c.InternalREST() != g.InternalREST {
				t.Errorf("InternalREST() = %v, Java %v", c.InternalREST(), g.InternalREST)
			}

			if len(g.ClusterProps) != len(c.Clusters()) {
				t.Errorf("golden has cluster props of %d clusters, config has %d", len(g.ClusterProps), len(c.Clusters()))
			}
			for alias, want := range g.ClusterProps {
				assertSameMap(t, "ClusterProps("+alias+")", c.ClusterProps(alias), want)
			}

			if len(g.WorkerConfigs) < len(g.Flows) || len(g.ConnectorConfigs) != len(g.WorkerConfigs) {
				t.Fatalf("golden has %d worker and %d connector configs for %d flows",
					len(g.WorkerConfigs), len(g.ConnectorConfigs), len(g.Flows))
			}
			for pair, want := range g.WorkerConfigs {
				f := flowOf(t, c, pair)
				assertSameMap(t, "WorkerConfig("+pair+")", c.WorkerConfig(f), want)
				byClass := g.ConnectorConfigs[pair]
				if len(byClass) != len(ConnectorClasses) {
					t.Errorf("%s: golden has %d connector classes", pair, len(byClass))
				}
				for _, class := range ConnectorClasses {
					assertSameMap(t, "ConnectorConfig("+pair+", "+simpleClassName(class)+")",
						c.ConnectorConfig(f, class), byClass[class])
				}
			}
		})
	}
}

// flowOf finds the flow named pair ("A->B") among the config's aliases.
func flowOf(t *testing.T, c *Config, pair string) Flow {
	t.Helper()
	for _, s := range c.Clusters() {
		for _, d := range c.Clusters() {
			if s+"->"+d == pair {
				return Flow{Source: s, Target: d}
			}
		}
	}
	t.Fatalf("golden pair %q is not a pair of the config's clusters %v", pair, c.Clusters())
	return Flow{}
}

// assertSameMap reports every key that is missing, extra or different.
func assertSameMap(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if want == nil {
		t.Errorf("%s: no golden map", what)
		return
	}
	var diffs []string
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("missing %s = %q", k, w))
		case g != w:
			diffs = append(diffs, fmt.Sprintf("%s = %q, Java %q", k, g, w))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("extra %s = %q", k, g))
		}
	}
	if len(diffs) > 0 {
		sort.Strings(diffs)
		t.Errorf("%s differs from Java's (%d keys):\n  %s", what, len(diffs), strings.Join(diffs, "\n  "))
	}
}

// TestGoldenNames checks the key lists the maps are filtered with against
// Kafka 4.3.1's.
func TestGoldenNames(t *testing.T) {
	var names struct {
		Connector []string `json:"connector_config_names"`
		Client    []string `json:"client_config_names"`
	}
	readJSON(t, filepath.Join("testdata", "golden", "names.json"), &names)
	if got := keysOf(connectorConfigNames); !reflect.DeepEqual(got, sorted(names.Connector)) {
		t.Errorf("connectorConfigNames differ from Java's allConfigNames():\n got %v\nwant %v", got, sorted(names.Connector))
	}
	if got := keysOf(clientConfigNames); !reflect.DeepEqual(got, sorted(names.Client)) {
		t.Errorf("clientConfigNames differ from Java's CLIENT_CONFIG_DEF:\n got %v\nwant %v", got, sorted(names.Client))
	}
}

func keysOf(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
