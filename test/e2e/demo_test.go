package e2e

import (
	"context"
	"encoding/json"
	"fmt"
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
	testkit.Eventually(t, 60*time.Second, func() error { return runningStatus(t, p.restURL(), "MirrorSourceConnector", 1) })
	testkit.Eventually(t, 60*time.Second, func() error {
		if n := demoCopied(p.output()); n < 100 {
			return fmt.Errorf("demo reports %d records copied", n)
		}
		return nil
	})
	for _, name := range demoConnectors {
		testkit.Eventually(t, 60*time.Second, func() error { return runningStatus(t, p.restURL(), name, 1) })
	}
	code, body := call(t, "GET", p.restURL()+"/connectors", nil)
	if want, _ := json.Marshal(demoConnectors); code != 200 || string(body) != string(want) {
		t.Errorf("GET /connectors = %d %s; want 200 %s", code, body, want)
	}
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
	code, body = call(t, "GET", p.restURL()+"/connectors/MirrorSourceConnector/tasks/0/status", nil)
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
