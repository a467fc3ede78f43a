package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/test/testkit"
)

// TestEmbeddedDemo runs `connect-mirror-maker --embedded` (what `make run`
// starts) on ephemeral ports and checks that the demo's records reach the
// target, that the REST API answers, and that SIGTERM stops it cleanly.
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
	code, body := call(t, "GET", p.restURL()+"/connectors", nil)
	if code != 200 || string(body) != `["MirrorSourceConnector"]` {
		t.Errorf("GET /connectors = %d %s", code, body)
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
	// A newcomer's first run logs no error.
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, `"level":"error"`) {
			t.Errorf("the demo logged an error: %s", line)
		}
	}
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
