package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/test/testkit"
)

const (
	sourceAlias = "source"
	partitions  = 3
	total       = 10000
)

func workerProps(target []string, group string) map[string]string {
	return map[string]string{
		"bootstrap.servers":                 join(target),
		"group.id":                          group,
		"config.storage.topic":              group + "-configs",
		"offset.storage.topic":              group + "-offsets",
		"status.storage.topic":              group + "-status",
		"config.storage.replication.factor": "1",
		"offset.storage.replication.factor": "1",
		"status.storage.replication.factor": "1",
		"key.converter":                     "org.apache.kafka.connect.converters.ByteArrayConverter",
		"value.converter":                   "org.apache.kafka.connect.converters.ByteArrayConverter",
		"header.converter":                  "org.apache.kafka.connect.converters.ByteArrayConverter",
		"offset.flush.interval.ms":          "500",
		"listeners":                         "http://127.0.0.1:0",
	}
}

func mirrorConfig(source, target []string, topic string) map[string]string {
	return map[string]string{
		"connector.class":                       "MirrorSourceConnector",
		"source.cluster.alias":                  sourceAlias,
		"target.cluster.alias":                  "target",
		"source.cluster.bootstrap.servers":      join(source),
		"target.cluster.bootstrap.servers":      join(target),
		"topics":                                topic,
		"tasks.max":                             "2",
		"replication.factor":                    "1",
		"offset-syncs.topic.replication.factor": "1",
	}
}

// TestMirrorEndToEnd is the walking skeleton's promise: a worker started from
// a worker.properties file mirrors a topic into another cluster with keys,
// values, headers, timestamps and per-partition order intact, and a worker
// stopped mid-stream and started again loses nothing and copies nothing
// twice.
func TestMirrorEndToEnd(t *testing.T) {
	t.Parallel()
	ks := testkit.StartKafkas(t, "source", "target")
	source, target := ks[0], ks[1]
	topic := testkit.UniqueName("orders")
	remoteTopic := sourceAlias + "." + topic
	createTopic(t, source.Addrs(), topic, partitions)
	props := writeProps(t, workerProps(target.Addrs(), testkit.UniqueName("e2e-mirror")))

	w := startWorker(t, props)
	code, body := call(t, http.MethodPost, w.restURL()+"/connectors", map[string]any{
		"name": "mirror", "config": mirrorConfig(source.Addrs(), target.Addrs(), topic),
	})
	if code != http.StatusCreated {
		t.Fatalf("create connector: %d %s", code, body)
	}
	var info struct {
		Name   string            `json:"name"`
		Config map[string]string `json:"config"`
		Type   string            `json:"type"`
	}
	if err := json.Unmarshal(body, &info); err != nil || info.Name != "mirror" || info.Config["name"] != "mirror" || info.Type != "source" {
		t.Fatalf("create connector answered %s (%v)", body, err)
	}
	testkit.Eventually(t, 60*time.Second, func() error { return runningStatus(t, w.restURL(), "mirror", 2) })

	// First half while the worker runs; stop it once part of it is copied.
	produce(t, source.Addrs(), topic, partitions, 0, total/2)
	_, tgt := saramaConfig(t, target.Addrs())
	testkit.Eventually(t, 60*time.Second, func() error {
		if n := endOffsets(t, tgt, remoteTopic); n < total/10 {
			return fmt.Errorf("%d records copied", n)
		}
		return nil
	})
	w.stop()

	// Second half while no worker runs; a new worker process resumes from
	// the offsets the first one flushed on stop.
	produce(t, source.Addrs(), topic, partitions, total/2, total/2)
	w2 := startWorker(t, props)
	testkit.Eventually(t, 60*time.Second, func() error { return runningStatus(t, w2.restURL(), "mirror", 2) })
	testkit.Eventually(t, 120*time.Second, func() error {
		if n := endOffsets(t, tgt, remoteTopic); n < total {
			return fmt.Errorf("%d of %d records copied", n, total)
		}
		return nil
	})

	src := readAll(t, source.Addrs(), topic)
	dst := readAll(t, target.Addrs(), remoteTopic)
	if len(dst) != partitions {
		t.Fatalf("target has %d non-empty partitions, want %d", len(dst), partitions)
	}
	n := 0
	for _, p := range partitionsOf(src) {
		if err := sameRecords(src[p], dst[p]); err != nil {
			t.Errorf("partition %d: %v", p, err)
		}
		n += len(dst[p])
	}
	if n != total {
		t.Errorf("target holds %d records, want exactly %d (nothing lost, nothing duplicated)", n, total)
	}
	w2.stop()
	checkWithKcat(t, target.Addrs(), remoteTopic, src)
}
