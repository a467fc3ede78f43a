package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
	"github.com/ferrykafka/ferry/test/testkit"
)

// demoConnectors are the connectors the demo creates, as GET /connectors
// lists them.
var demoConnectors = []string{"MirrorCheckpointConnector", "MirrorHeartbeatConnector", "MirrorSourceConnector"}

// TestEmbeddedDemo runs `connect-mirror-maker --embedded` (what `make run`
// starts) on ephemeral ports and checks that the demo's records reach the
// target, that its three connectors run, that the demo-app group gets
// checkpoints and the target heartbeats, that the failover dry run the
// README shows plans the group's move, that the REST API answers, and that
// SIGTERM stops it cleanly.
func TestEmbeddedDemo(t *testing.T) {
	t.Parallel()
	p := runBinary(t, bins.mirrorMaker, "--embedded", "--log-format", "json",
		"--source-port", "0", "--target-port", "0", "--rest-port", "0", "--rate", "200")
	testkit.Eventually(t, 60*time.Second, func() error {
		if p.restURL() == "" {
			return fmt.Errorf("REST API not listening yet")
		}
		return nil
	})
	testkit.Eventually(t, 60*time.Second, func() error { return runningStatus(t, flowURL(p), "MirrorSourceConnector", 1) })
	testkit.Eventually(t, 60*time.Second, func() error {
		if n := demoCopied(p.output()); n < 100 {
			return fmt.Errorf("demo reports %d records copied", n)
		}
		return nil
	})
	for _, name := range demoConnectors {
		testkit.Eventually(t, 60*time.Second, func() error { return runningStatus(t, flowURL(p), name, 1) })
	}
	code, body := call(t, "GET", flowURL(p)+"/connectors", nil)
	if want, _ := json.Marshal(demoConnectors); code != 200 || string(body) != string(want) {
		t.Errorf("GET /connectors = %d %s; want 200 %s", code, body, want)
	}
	// The demo runs the mm2.properties it wrote, and says where it is.
	file := demoMM2File(p.output())
	if file == "" {
		t.Fatalf("the demo does not log its mm2.properties:\n%s", p.output())
	}
	if data, err := os.ReadFile(file); err != nil || !strings.Contains(string(data), "source->target.enabled = true") ||
		!strings.Contains(string(data), "dedicated.mode.enable.internal.rest = true") {
		t.Errorf("the demo's %s (err %v) is not a dedicated-mode file enabling source->target:\n%s", file, err, data)
	}
	// Both flows of the file run: source->target with the three
	// connectors, target->source (heartbeats only, as in Java).
	testkit.Eventually(t, 60*time.Second, func() error {
		code, body := call(t, "GET", p.restURL()+"/flows", nil)
		var flows []struct {
			Flow       string         `json:"flow"`
			Enabled    bool           `json:"enabled"`
			Connectors map[string]any `json:"connectors"`
		}
		if code != 200 || json.Unmarshal(body, &flows) != nil {
			return fmt.Errorf("GET /flows = %d %s", code, body)
		}
		got := map[string]string{}
		for _, f := range flows {
			got[f.Flow] = fmt.Sprintf("enabled=%v connectors=%d", f.Enabled, len(f.Connectors))
		}
		want := map[string]string{"source->target": "enabled=true connectors=3", "target->source": "enabled=false connectors=3"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Errorf("GET /flows: %v; want %v", got, want)
		}
		return nil
	})
	source, target := demoClusterAddrs(p.output())
	if source == "" || target == "" {
		t.Fatalf("no cluster addresses in the demo's log:\n%s", p.output())
	}

	// The demo-app group on the source gets checkpoints on the target for
	// the copied topic, and the progress line reports them.
	mc, err := mirrorclient.NewClient(map[string]string{"bootstrap.servers": target})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = mc.Close() }()
	testkit.Eventually(t, 90*time.Second, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		cps, err := mc.Checkpoints(ctx, "demo-app", "source")
		if err != nil {
			return err
		}
		for tp, cp := range cps {
			if tp.Topic == "source.demo" && cp.DownstreamOffset > 0 {
				return nil
			}
		}
		return fmt.Errorf("no checkpoint of demo-app for source.demo with a downstream offset yet: %v", cps)
	})
	testkit.Eventually(t, 30*time.Second, func() error {
		if n := demoReported(p.output(), "checkpoints"); n < 1 {
			return fmt.Errorf("the progress line reports %d checkpoints", n)
		}
		if n := demoReported(p.output(), "demo_app_translated"); n < 1 {
			return fmt.Errorf("the progress line reports demo-app translated to %d", n)
		}
		return nil
	})
	testkit.Eventually(t, 30*time.Second, func() error {
		return foHasHeartbeat(t, []string{target}, "heartbeats", "source", "target")
	})
	// The reverse pair's heartbeats reach the source.
	testkit.Eventually(t, 30*time.Second, func() error {
		return foHasHeartbeat(t, []string{source}, "heartbeats", "target", "source")
	})

	// The README's failover dry run: a plan for the copied topic.
	fo := runFailoverCommand(t, "--group", "demo-app", "--from", "source", "--to", "target",
		"--bootstrap-server", target, "--source-bootstrap-server", source)
	if fo.code != 0 && fo.code != 3 {
		t.Errorf("failover dry run exited %d; want 0 or 3\n%s", fo.code, fo)
	}
	planned := false
	for _, line := range strings.Split(fo.stdout, "\n") {
		if f := strings.Fields(line); len(f) > 2 && f[0] == "source.demo" && f[2] == "demo" {
			planned = true
		}
	}
	if !planned {
		t.Errorf("failover dry run prints no plan line for source.demo:\n%s", fo)
	}
	if fo.code == 0 && !strings.Contains(fo.stdout, "Dry run") {
		t.Errorf("failover without --apply does not say it was a dry run:\n%s", fo)
	}
	// Offset syncs are written too (a single-broker demo needs their
	// topic's replication factor set to 1).
	code, body = call(t, "GET", flowURL(p)+"/connectors/MirrorSourceConnector/tasks/0/status", nil)
	if code != 200 || strings.Contains(string(body), `"trace"`) {
		t.Errorf("task 0 status = %d %s; want RUNNING without a problem", code, body)
	}
	p.stop()
	out := p.output()
	if !strings.Contains(out, `"message":"stopped"`) {
		t.Errorf("no clean stop in the log:\n%s", out)
	}
	// A newcomer's first run logs no error, and the connectors added to
	// the demo no warning either.
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, `"level":"error"`) {
			t.Errorf("the demo logged an error: %s", line)
		}
		if strings.Contains(line, `"level":"warn"`) &&
			(strings.Contains(line, "MirrorCheckpoint") || strings.Contains(line, "MirrorHeartbeat") || strings.Contains(line, "demo-app")) {
			t.Errorf("the demo's checkpoints, heartbeats or demo-app group logged a warning: %s", line)
		}
	}
}

// flowURL is the demo's REST URL of its source->target flow.
func flowURL(p *workerProcess) string { return p.restURL() + "/source/target" }

// demoMM2File returns the path of the mm2.properties the demo logs it runs.
func demoMM2File(out string) string {
	for _, line := range strings.Split(out, "\n") {
		var ev struct {
			Message string `json:"message"`
			File    string `json:"file"`
		}
		if json.Unmarshal([]byte(line), &ev) == nil && strings.HasPrefix(ev.Message, "the demo runs this mm2.properties") {
			return ev.File
		}
	}
	return ""
}

// demoClusterAddrs returns the addresses of the demo's source and target
// clusters from its log.
func demoClusterAddrs(out string) (source, target string) {
	for _, line := range strings.Split(out, "\n") {
		var ev struct {
			Message string `json:"message"`
			Source  string `json:"source"`
			Target  string `json:"target"`
		}
		if json.Unmarshal([]byte(line), &ev) == nil && ev.Message == "in-process Kafka clusters started" {
			return ev.Source, ev.Target
		}
	}
	return "", ""
}

// demoReported returns the highest value of a numeric field of the demo's
// progress lines.
func demoReported(out, field string) int64 {
	var best int64
	for _, line := range strings.Split(out, "\n") {
		var ev map[string]any
		if json.Unmarshal([]byte(line), &ev) != nil || ev["component"] != "demo" {
			continue
		}
		if v, ok := ev[field].(float64); ok && int64(v) > best {
			best = int64(v)
		}
	}
	return best
}

// demoCopied returns the highest "copied" count the demo has logged.
func demoCopied(out string) int64 {
	var best int64
	for _, line := range strings.Split(out, "\n") {
		var ev struct {
			Component string `json:"component"`
			Copied    int64  `json:"copied"`
		}
		if json.Unmarshal([]byte(line), &ev) == nil && ev.Component == "demo" && ev.Copied > best {
			best = ev.Copied
		}
	}
	return best
}
