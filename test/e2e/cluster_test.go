package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/test/testkit"
)

// clusterProps are worker properties for a multi-worker Ferry cluster with
// short timeouts, so rebalances in tests take seconds.
func clusterProps(target []string, group string) map[string]string {
	p := workerProps(target, group)
	p["session.timeout.ms"] = "6000"
	p["heartbeat.interval.ms"] = "1000"
	p["rebalance.timeout.ms"] = "20000"
	p["scheduled.rebalance.max.delay.ms"] = "0"
	p["offset.flush.interval.ms"] = "1000"
	return p
}

// placement maps worker ids to the task ids they run, from a status.
func placement(t *testing.T, rest, name string) (map[string][]int, connectorStatus, error) {
	code, body := call(t, http.MethodGet, rest+"/connectors/"+name+"/status", nil)
	if code != http.StatusOK {
		return nil, connectorStatus{}, fmt.Errorf("status: %d %s", code, body)
	}
	var st connectorStatus
	if err := json.Unmarshal(body, &st); err != nil {
		return nil, st, err
	}
	out := map[string][]int{}
	for _, task := range st.Tasks {
		if task.State != "RUNNING" {
			return nil, st, fmt.Errorf("task %d is %s on %s: %s", task.ID, task.State, task.WorkerID, task.Trace)
		}
		out[task.WorkerID] = append(out[task.WorkerID], task.ID)
	}
	return out, st, nil
}

// TestClusterOfThreeWorkers: three connect-distributed processes form one
// group; a connector created through any worker (forwarded to the leader)
// has its tasks spread over all three; a worker killed with SIGKILL has its
// tasks restarted elsewhere, resuming from the last flushed offsets, and
// the target ends with every record in order, duplicates bounded by what
// was copied since the last flush.
func TestClusterOfThreeWorkers(t *testing.T) {
	t.Parallel()
	ks := testkit.StartKafkas(t, "source", "target")
	source, target := ks[0], ks[1]
	topic := testkit.UniqueName("orders")
	remote := sourceAlias + "." + topic
	const parts = 6
	createTopic(t, source.Addrs(), topic, parts)
	props := writeProps(t, clusterProps(target.Addrs(), testkit.UniqueName("cluster")))

	var workers []*workerProcess
	for i := 0; i < 3; i++ {
		workers = append(workers, startWorker(t, props))
	}
	cfg := mirrorConfig(source.Addrs(), target.Addrs(), topic)
	cfg["tasks.max"] = "6"
	// Created through the last worker: a follower forwards it to the leader.
	testkit.Eventually(t, 60*time.Second, func() error {
		code, body := call(t, http.MethodPost, workers[2].restURL()+"/connectors", map[string]any{"name": "mirror", "config": cfg})
		if code == http.StatusCreated {
			return nil
		}
		return fmt.Errorf("create: %d %s", code, body)
	})
	var before map[string][]int
	testkit.Eventually(t, 90*time.Second, func() error {
		pl, st, err := placement(t, workers[0].restURL(), "mirror")
		if err != nil {
			return err
		}
		if len(st.Tasks) != parts {
			return fmt.Errorf("%d tasks", len(st.Tasks))
		}
		if len(pl) != 3 {
			return fmt.Errorf("tasks on %d workers: %v", len(pl), pl)
		}
		for w, ids := range pl {
			if len(ids) != 2 {
				return fmt.Errorf("worker %s runs %v; want 2 tasks each", w, ids)
			}
		}
		before = pl
		return nil
	})
	t.Logf("tasks per worker: %v", before)

	stream := startStream(t, source.Addrs(), topic, parts)
	_, tgt := saramaConfig(t, target.Addrs())
	testkit.Eventually(t, 60*time.Second, func() error {
		if n := endOffsets(t, tgt, remote); n < 20000 {
			return fmt.Errorf("%d copied", n)
		}
		return nil
	})
	victim := workers[1]
	victimID := strings.TrimPrefix(victim.restURL(), "http://")
	if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	testkit.Eventually(t, 90*time.Second, func() error {
		pl, st, err := placement(t, workers[0].restURL(), "mirror")
		if err != nil {
			return err
		}
		if len(st.Tasks) != parts {
			return fmt.Errorf("%d tasks", len(st.Tasks))
		}
		if _, ok := pl[victimID]; ok {
			return fmt.Errorf("tasks still on the killed worker: %v", pl)
		}
		return nil
	})
	t.Logf("REBALANCE after kill -9: all tasks running on the survivors %v after the kill", time.Since(killed).Round(100*time.Millisecond))
	produced := stream.stop()
	if produced < clusterRecords {
		produce(t, source.Addrs(), topic, parts, produced, clusterRecords-produced)
		produced = clusterRecords
	}
	testkit.Eventually(t, 180*time.Second, func() error {
		if n := endOffsets(t, tgt, remote); n < int64(produced) {
			return fmt.Errorf("%d of %d copied", n, produced)
		}
		return nil
	})
	src := readAll(t, source.Addrs(), topic)
	dst := readAll(t, target.Addrs(), remote)
	dups := 0
	for _, p := range partitionsOf(src) {
		n, err := coveredWithDuplicates(src[p], dst[p])
		if err != nil {
			t.Errorf("partition %d: %v", p, err)
		}
		dups += n
	}
	t.Logf("KILL TEST: %d records, %d duplicates", produced, dups)
	// The killed worker's unflushed tail is at most one flush interval
	// (1 s) of the stream (5,000 records/s over all partitions).
	if dups > streamRate {
		t.Errorf("%d duplicates: more than one flush interval's worth (%d)", dups, streamRate)
	}
	// Graceful leave: the last worker's tasks move over at once.
	leaving := workers[2]
	began := time.Now()
	leaving.stop()
	testkit.Eventually(t, 60*time.Second, func() error {
		pl, st, err := placement(t, workers[0].restURL(), "mirror")
		if err != nil {
			return err
		}
		if len(pl) != 1 || len(st.Tasks) != parts {
			return fmt.Errorf("tasks per worker %v", pl)
		}
		return nil
	})
	t.Logf("REBALANCE after a graceful leave: all tasks on the last worker %v after the stop began", time.Since(began).Round(100*time.Millisecond))
	workers[0].stop()
}

// TestWorkerWithUnreachableURLGetsWork: a worker whose advertised REST URL
// nobody can reach still joins the group and runs its share of the work
// (assignments travel through Kafka, not REST).
func TestWorkerWithUnreachableURLGetsWork(t *testing.T) {
	t.Parallel()
	ks := testkit.StartKafkas(t, "source", "target")
	source, target := ks[0], ks[1]
	topic := testkit.UniqueName("orders")
	createTopic(t, source.Addrs(), topic, 4)
	p := clusterProps(target.Addrs(), testkit.UniqueName("unreachable"))
	leader := startWorker(t, writeProps(t, p))
	// The first member to join leads the group (and keeps leading while
	// it stays); the connector is created through it, so it must lead.
	testkit.Eventually(t, 60*time.Second, func() error {
		if !strings.Contains(leader.output(), "joined the Connect group") {
			return fmt.Errorf("first worker has not joined the group yet")
		}
		return nil
	})
	p["rest.advertised.host.name"] = "192.0.2.1" // TEST-NET-1: never routed
	p["rest.advertised.port"] = "9"
	hidden := startWorker(t, writeProps(t, p))
	cfg := mirrorConfig(source.Addrs(), target.Addrs(), topic)
	cfg["tasks.max"] = "4"
	code, body := call(t, http.MethodPost, leader.restURL()+"/connectors", map[string]any{"name": "mirror", "config": cfg})
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	testkit.Eventually(t, 90*time.Second, func() error {
		pl, st, err := placement(t, leader.restURL(), "mirror")
		if err != nil {
			return err
		}
		if len(st.Tasks) != 4 || len(pl["192.0.2.1:9"]) != 2 {
			return fmt.Errorf("tasks per worker %v", pl)
		}
		return nil
	})
	hidden.stop()
	leader.stop()
}

// clusterRecords is how many records the kill test copies in all.
const clusterRecords = 200000
