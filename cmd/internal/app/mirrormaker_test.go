package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"go.uber.org/fx"

	"github.com/ferrykafka/ferry/connectors/mirror/mmconfig"
	"github.com/ferrykafka/ferry/test/testkit"
)

func TestMirrorMakerGraphValidates(t *testing.T) {
	log := zerolog.Nop()
	if err := fx.ValidateApp(fx.Supply(log), fx.Supply(MirrorMakerOptions{}), MirrorMakerModule, fx.Invoke(func(*MirrorNode) {})); err != nil {
		t.Errorf("mirror maker graph: %v", err)
	}
}

func mustParseMM(t *testing.T, props map[string]string) *mmconfig.Config {
	t.Helper()
	mm, err := mmconfig.Parse(props)
	if err != nil {
		t.Fatal(err)
	}
	return mm
}

// flowsTargeting are the flows of mm whose target is one of targets, in
// mm.Flows order.
func flowsTargeting(mm *mmconfig.Config, targets ...string) []mmconfig.Flow {
	var out []mmconfig.Flow
	for _, f := range mm.Flows() {
		if slices.Contains(targets, f.Target) {
			out = append(out, f)
		}
	}
	return out
}

func TestNodeFlows(t *testing.T) {
	// Heartbeats are on by default: every ordered pair gets a herder.
	mm := mustParseMM(t, map[string]string{
		"clusters":            "A, B, C",
		"A.bootstrap.servers": "a:9092", "B.bootstrap.servers": "b:9092", "C.bootstrap.servers": "c:9092",
		"A->B.enabled": "true",
	})
	all := mm.Flows()
	if len(all) != 6 {
		t.Fatalf("test setup: flows %v", all)
	}
	for _, tc := range []struct {
		name     string
		clusters []string
		want     []mmconfig.Flow
	}{
		{"no --clusters: every flow", nil, all},
		{"empty --clusters: every flow", []string{}, all},
		{"one target", []string{"B"}, flowsTargeting(mm, "B")},
		{"two targets", []string{"C", "B"}, flowsTargeting(mm, "B", "C")},
		{"a target twice", []string{"B", "B"}, flowsTargeting(mm, "B")},
		{"an unknown alias among known ones", []string{"Z", "A"}, flowsTargeting(mm, "A")},
		{"every target", []string{"A", "B", "C"}, all},
	} {
		got, err := nodeFlows(mm, tc.clusters)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: flows %v; want %v", tc.name, got, tc.want)
		}
	}
	if got := flowsTargeting(mm, "B"); len(got) != 2 || got[0].Target != "B" {
		t.Fatalf("test setup: flows to B %v", got)
	}

	for _, tc := range []struct {
		clusters []string
		want     string
	}{
		{[]string{"X"}, "No source->target replication flows. (--clusters X: no flow of the file targets these clusters; its clusters are A, B, C)"},
		{[]string{"X", "Y"}, "No source->target replication flows. (--clusters X Y: no flow of the file targets these clusters; its clusters are A, B, C)"},
	} {
		got, err := nodeFlows(mm, tc.clusters)
		if err == nil {
			t.Errorf("--clusters %v: flows %v; want an error", tc.clusters, got)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("--clusters %v: error %q; want %q", tc.clusters, err, tc.want)
		}
	}

	// Only A->B runs: a node for A has nothing to do.
	one := mustParseMM(t, map[string]string{
		"clusters":            "A, B",
		"A.bootstrap.servers": "a:9092", "B.bootstrap.servers": "b:9092",
		"A->B.enabled": "true", "emit.heartbeats.enabled": "false",
	})
	if got, err := nodeFlows(one, []string{"B"}); err != nil || !slices.Equal(got, []mmconfig.Flow{{Source: "A", Target: "B"}}) {
		t.Errorf("--clusters B: %v, %v; want [A->B]", got, err)
	}
	_, err := nodeFlows(one, []string{"A"})
	if want := "No source->target replication flows. (--clusters A: no flow of the file targets these clusters; its clusters are A, B)"; err == nil || err.Error() != want {
		t.Errorf("--clusters A: error %v; want %q", err, want)
	}
}

// javaURLEncode is Java's URLEncoder.encode(s, UTF-8) with "+" replaced by
// "%20" (MirrorMaker.encodePath). The expectations are what Java returns.
func TestJavaURLEncode(t *testing.T) {
	for in, want := range map[string]string{
		"":             "",
		"A":            "A",
		"backup":       "backup",
		"us-east_1.b2": "us-east_1.b2",
		"my cluster":   "my%20cluster",
		"a+b":          "a%2Bb",
		"x*y~":         "x*y%7E",
		"a/b":          "a%2Fb",
		"50%":          "50%25",
		"a?b#c&d=e":    "a%3Fb%23c%26d%3De",
		"host:9092":    "host%3A9092",
		"a;b,c'd\"e":   "a%3Bb%2Cc%27d%22e",
		"(x)!$@[]{}":   "%28x%29%21%24%40%5B%5D%7B%7D",
		"tab\there":    "tab%09here",
		"é":            "%C3%A9",
		"Zürich":       "Z%C3%BCrich",
		"日本":           "%E6%97%A5%E6%9C%AC",
		"😀":            "%F0%9F%98%80",
		"->":           "-%3E",
	} {
		got := javaURLEncode(in)
		if got != want {
			t.Errorf("javaURLEncode(%q) = %q; want %q", in, got, want)
		}
		// What the REST server decodes is the alias again.
		if back, err := url.PathUnescape(got); err != nil || back != in {
			t.Errorf("PathUnescape(%q) = %q, %v; want %q", got, back, err, in)
		}
	}
}

// mm2File writes an mm2.properties file for a single flow A->B between two
// in-process clusters, with internal REST on an ephemeral port.
func mm2File(t *testing.T, path string, a, b *testkit.Cluster, extra string) {
	t.Helper()
	content := fmt.Sprintf(`clusters = A, B
A.bootstrap.servers = %s
B.bootstrap.servers = %s
A->B.enabled = true
# Only A->B gets a herder (no heartbeats back).
B->A.emit.heartbeats.enabled = false
dedicated.mode.enable.internal.rest = true
listeners = http://127.0.0.1:0
# One-broker clusters.
config.storage.replication.factor = 1
offset.storage.replication.factor = 1
status.storage.replication.factor = 1
replication.factor = 1
offset-syncs.topic.replication.factor = 1
heartbeats.topic.replication.factor = 1
checkpoints.topic.replication.factor = 1
%s
`, strings.Join(a.Addrs(), ","), strings.Join(b.Addrs(), ","), extra)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// mirrorNodeApp is a dedicated node started as RunMirrorMaker starts it.
type mirrorNodeApp struct {
	app  *fx.App
	node *MirrorNode
}

func startMirrorNode(t *testing.T, o MirrorMakerOptions, log zerolog.Logger) *mirrorNodeApp {
	t.Helper()
	var node *MirrorNode
	a := New(log, fx.Supply(o), MirrorMakerModule, fx.Populate(&node))
	if err := a.Err(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), StartTimeout)
	defer cancel()
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	m := &mirrorNodeApp{app: a, node: node}
	t.Cleanup(func() { m.stop(t) })
	return m
}

func (m *mirrorNodeApp) stop(t *testing.T) {
	t.Helper()
	if m.app == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), StopTimeout)
	defer cancel()
	if err := m.app.Stop(ctx); err != nil {
		t.Errorf("stop node: %v", err)
	}
	m.app = nil
}

// restBase is the node's REST URL without a trailing slash.
func (m *mirrorNodeApp) restBase(t *testing.T) string {
	t.Helper()
	if m.node.REST == nil {
		t.Fatal("node has no REST server")
	}
	urls := m.node.REST.URLs()
	if len(urls) == 0 {
		t.Fatal("REST server has no URL")
	}
	return strings.TrimSuffix(urls[0], "/")
}

// getJSON GETs url into out; it fails unless the answer is 200.
func getJSON(url string, out any) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %d %s", url, resp.StatusCode, body)
	}
	return json.Unmarshal(body, out)
}

// waitFlowConnectors waits until the node's REST API lists the flow's three
// connectors with the configs the file gives them, and checks the herder
// holds the same.
func waitFlowConnectors(t *testing.T, m *mirrorNodeApp, mm *mmconfig.Config, f mmconfig.Flow) {
	t.Helper()
	base := m.restBase(t) + "/" + javaURLEncode(f.Source) + "/" + javaURLEncode(f.Target)
	names := []string{"MirrorCheckpointConnector", "MirrorHeartbeatConnector", "MirrorSourceConnector"}
	testkit.Eventually(t, 90*time.Second, func() error {
		var list []string
		if err := getJSON(base+"/connectors", &list); err != nil {
			return err
		}
		slices.Sort(list)
		if !slices.Equal(list, names) {
			return fmt.Errorf("connectors %v; want %v", list, names)
		}
		for _, class := range mmconfig.ConnectorClasses {
			name := class[strings.LastIndex(class, ".")+1:]
			want := mm.ConnectorConfig(f, class)
			var got map[string]string
			if err := getJSON(base+"/connectors/"+name+"/config", &got); err != nil {
				return err
			}
			if !maps.Equal(got, want) {
				return fmt.Errorf("config of %s differs from the file's:\n got %v\nwant %v", name, got, want)
			}
		}
		return nil
	})
	w := m.node.Workers[f]
	if w == nil {
		t.Fatalf("node has no worker for %s", f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, err := w.Herder.ConnectorConfig(ctx, "MirrorSourceConnector")
	if err != nil {
		t.Fatal(err)
	}
	if want := mm.ConnectorConfig(f, mmconfig.SourceConnector); !maps.Equal(got, want) {
		t.Errorf("herder holds MirrorSourceConnector config %v; want %v", got, want)
	}
}

// A dedicated node configures the three connectors of its flow from the
// file once it leads the flow's group, serves them under /A/B/ of its
// internal REST server, and a node started later with a changed file
// rewrites them (KAFKA-15372).
func TestMirrorNodeConfiguresFlowConnectorsAndAppliesChangedFile(t *testing.T) {
	a := testkit.NewCluster(t, 1)
	b := testkit.NewCluster(t, 1)
	path := filepath.Join(t.TempDir(), "mm2.properties")
	flow := mmconfig.Flow{Source: "A", Target: "B"}

	mm2File(t, path, a, b, "tasks.max = 1")
	mm1, err := mmconfig.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	first := startMirrorNode(t, MirrorMakerOptions{ConfigPath: path}, testkit.Logger(t))
	if !slices.Equal(first.node.Flows, []mmconfig.Flow{flow}) {
		t.Fatalf("node runs flows %v; want [A->B]", first.node.Flows)
	}
	if first.node.Workers[flow].ID != strings.TrimPrefix(strings.TrimSuffix(first.node.REST.AdvertisedURL(), "/"), "http://")+"/A->B" {
		t.Errorf("worker id %q; want <host:port>/A->B (advertised %s)", first.node.Workers[flow].ID, first.node.REST.AdvertisedURL())
	}
	waitFlowConnectors(t, first, mm1, flow)
	var flows []struct {
		Source, Target, Flow string
		Enabled              bool
	}
	if err := getJSON(first.restBase(t)+"/flows", &flows); err != nil {
		t.Errorf("GET /flows: %v", err)
	} else if len(flows) != 1 || flows[0].Source != "A" || flows[0].Target != "B" || flows[0].Flow != "A->B" || !flows[0].Enabled {
		t.Errorf("GET /flows: %+v; want the one enabled flow A->B", flows)
	}
	first.stop(t)

	// A changed file: the next node that leads the flow writes it.
	mm2File(t, path, a, b, "tasks.max = 3\nA->B.sync.topic.configs.enabled = false")
	mm2, err := mmconfig.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if maps.Equal(mm1.ConnectorConfig(flow, mmconfig.SourceConnector), mm2.ConnectorConfig(flow, mmconfig.SourceConnector)) {
		t.Fatal("test setup: the edited file gives the same connector config")
	}
	if got := mm2.ConnectorConfig(flow, mmconfig.SourceConnector)["tasks.max"]; got != "3" {
		t.Fatalf("test setup: tasks.max %q", got)
	}
	second := startMirrorNode(t, MirrorMakerOptions{ConfigPath: path}, testkit.Logger(t))
	waitFlowConnectors(t, second, mm2, flow)
	second.stop(t)

	// The same file again: the new leader finds every config up to date
	// and writes none.
	logs := &lockedBuffer{}
	third := startMirrorNode(t, MirrorMakerOptions{ConfigPath: path}, zerolog.New(logs).Level(zerolog.InfoLevel))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log of the third node:\n%s", logs.text())
		}
	})
	testkit.Eventually(t, 60*time.Second, func() error {
		upToDate, configured := flowConfigLines(logs)
		if len(configured) > 0 {
			return fmt.Errorf("connectors %v rewritten with an unchanged file", configured)
		}
		slices.Sort(upToDate)
		if want := []string{"MirrorCheckpointConnector", "MirrorHeartbeatConnector", "MirrorSourceConnector"}; !slices.Equal(upToDate, want) {
			return fmt.Errorf("connectors found up to date: %v; want %v", upToDate, want)
		}
		return nil
	})
	waitFlowConnectors(t, third, mm2, flow)
	if _, configured := flowConfigLines(logs); len(configured) > 0 {
		t.Errorf("connectors %v rewritten with an unchanged file", configured)
	}
}

// flowConfigLines returns the connectors a node's leadership hook found up
// to date and those it wrote, from its JSON log.
func flowConfigLines(logs *lockedBuffer) (upToDate, configured []string) {
	for _, line := range strings.Split(logs.text(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) != nil {
			continue
		}
		c, _ := m["connector"].(string)
		switch m["message"] {
		case "This node is a leader for the flow and the connector's configuration is already up to date":
			upToDate = append(upToDate, c)
		case "connector configured for the flow":
			configured = append(configured, c)
		}
	}
	return upToDate, configured
}

func (b *lockedBuffer) text() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
