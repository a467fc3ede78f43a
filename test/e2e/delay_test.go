package e2e

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/test/testkit"
)

// TestKillWithDefaultDelay measures how long the work of a worker killed
// with SIGKILL waits before it runs elsewhere with Connect's default
// scheduled.rebalance.max.delay.ms (5 minutes: the group waits for the
// worker to come back). It takes over five minutes, so it runs only with
// FERRY_MEASURE_DEFAULT_DELAY=1.
func TestKillWithDefaultDelay(t *testing.T) {
	if os.Getenv("FERRY_MEASURE_DEFAULT_DELAY") != "1" {
		t.Skip("set FERRY_MEASURE_DEFAULT_DELAY=1 to measure the default lost-work delay (takes over 5 minutes)")
	}
	ks := testkit.StartKafkas(t, "source", "target")
	source, target := ks[0], ks[1]
	topic := testkit.UniqueName("orders")
	createTopic(t, source.Addrs(), topic, 4)
	p := clusterProps(target.Addrs(), testkit.UniqueName("delay"))
	delete(p, "scheduled.rebalance.max.delay.ms") // Connect's default, 300000
	props := writeProps(t, p)
	a, b := startWorker(t, props), startWorker(t, props)
	cfg := mirrorConfig(source.Addrs(), target.Addrs(), topic)
	cfg["tasks.max"] = "4"
	if code, body := call(t, http.MethodPost, a.restURL()+"/connectors", map[string]any{"name": "mirror", "config": cfg}); code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	testkit.Eventually(t, 60*time.Second, func() error {
		pl, st, err := placement(t, a.restURL(), "mirror")
		if err != nil || len(st.Tasks) != 4 || len(pl) != 2 {
			return fmt.Errorf("placement %v %v", pl, err)
		}
		return nil
	})
	victim := strings.TrimPrefix(b.restURL(), "http://")
	if err := b.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	testkit.Eventually(t, 10*time.Minute, func() error {
		pl, st, err := placement(t, a.restURL(), "mirror")
		if err != nil {
			return err
		}
		if _, ok := pl[victim]; ok || len(st.Tasks) != 4 {
			return fmt.Errorf("placement %v", pl)
		}
		return nil
	})
	t.Logf("REBALANCE after kill -9 with the default delay: tasks running on the survivor %v after the kill", time.Since(killed).Round(time.Second))
	a.stop()
}
