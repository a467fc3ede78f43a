package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ferrykafka/ferry/test/testkit"
)

// TestWorkerStopsWorkWhenCoordinatorLost: when a worker's heartbeats go
// unanswered (the coordinator is unreachable for it), the worker stops all
// its connectors and tasks — the group will give them to others, and a
// zombie must not run them twice — and takes work again once it can rejoin.
func TestWorkerStopsWorkWhenCoordinatorLost(t *testing.T) {
	source := testkit.NewCluster(t, 1)
	target := testkit.NewCluster(t, 1)
	admin := clusterAdmin(t, source.Addrs())
	if err := admin.CreateTopic("t", &sarama.TopicDetail{NumPartitions: 4, ReplicationFactor: 1}, false); err != nil {
		t.Fatal(err)
	}
	props := WorkerProps{
		"bootstrap.servers": strings.Join(target.Addrs(), ","), "group.id": "lost",
		"config.storage.topic": "lost-configs", "offset.storage.topic": "lost-offsets", "status.storage.topic": "lost-status",
		"config.storage.replication.factor": "1", "offset.storage.replication.factor": "1", "status.storage.replication.factor": "1",
		"key.converter": "org.apache.kafka.connect.converters.ByteArrayConverter", "value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
		"listeners": "http://127.0.0.1:0", "session.timeout.ms": "6000", "heartbeat.interval.ms": "1000", "rebalance.timeout.ms": "8000",
		"scheduled.rebalance.max.delay.ms": "0", "offset.flush.interval.ms": "1000",
	}
	a := startInProcessWorker(t, props)
	b := startInProcessWorker(t, props)
	cfg := map[string]string{
		"connector.class": "MirrorSourceConnector", "source.cluster.alias": "src", "tasks.max": "4",
		"source.cluster.bootstrap.servers": strings.Join(source.Addrs(), ","), "target.cluster.bootstrap.servers": strings.Join(target.Addrs(), ","),
		"topics": "t", "replication.factor": "1", "offset-syncs.topic.replication.factor": "1",
	}
	body, _ := json.Marshal(map[string]any{"name": "c", "config": cfg})
	resp, err := http.Post(a.worker.REST.URLs()[0]+"/connectors", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	// What each worker's runtime runs (read from the runtime, not the
	// herder loop, which blocks while the worker tries to rejoin).
	running := func(w *inProcessWorker) int {
		return len(w.worker.Runtime.Connectors()) + len(w.worker.Runtime.Tasks())
	}
	testkit.Eventually(t, 60*time.Second, func() error {
		if ra, rb := running(a), running(b); ra < 2 || rb < 2 || ra+rb != 5 {
			return fmt.Errorf("work per worker: %d and %d", ra, rb)
		}
		return nil
	})

	// From now on the coordinator stops answering b's group requests.
	var cut atomic.Bool
	cut.Store(true)
	prefix := "connect-" + b.worker.ID + "-"
	silence := func(member string) bool { return cut.Load() && strings.HasPrefix(member, prefix) }
	kc := target.Kfake()
	kc.ControlKey(int16(kmsg.Heartbeat), func(r kmsg.Request) (kmsg.Response, error, bool) {
		kc.KeepControl()
		return nil, nil, silence(r.(*kmsg.HeartbeatRequest).MemberID)
	})
	kc.ControlKey(int16(kmsg.JoinGroup), func(r kmsg.Request) (kmsg.Response, error, bool) {
		kc.KeepControl()
		return nil, nil, silence(r.(*kmsg.JoinGroupRequest).MemberID)
	})
	lost := time.Now()
	testkit.Eventually(t, 30*time.Second, func() error {
		if n := running(b); n != 0 {
			return fmt.Errorf("b still runs %d connectors and tasks", n)
		}
		return nil
	})
	t.Logf("b stopped all its work %v after its coordinator went silent", time.Since(lost).Round(100*time.Millisecond))
	testkit.Eventually(t, 60*time.Second, func() error {
		if n := running(a); n != 5 {
			return fmt.Errorf("a runs %d of 5", n)
		}
		return nil
	})

	cut.Store(false)
	testkit.Eventually(t, 90*time.Second, func() error {
		if ra, rb := running(a), running(b); rb < 2 || ra+rb != 5 {
			return fmt.Errorf("after b is back: %d and %d", ra, rb)
		}
		return nil
	})
}
