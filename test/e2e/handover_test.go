package e2e

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/test/kafkaharness"
	"github.com/ferrykafka/ferry/test/testkit"
)

// The hand-over tests prove Ferry is Kafka Connect-compatible with the real
// Java implementation: one side copies part of a stream and stops, the other
// takes over the same group and internal topics, finds the connector config
// and the stored offsets, and finishes the copy. They need real Kafka and a
// JVM; without them they skip loudly.

const handoverBatch = 30000

// streamRate is the stream's records per second (250 every 50 ms).
const streamRate = 5000

// stream produces records into a topic at a steady rate (streamRate) until
// stopped.
type stream struct {
	quit chan struct{}
	done chan int
}

func startStream(t *testing.T, addrs []string, topic string, nparts int32) *stream {
	s := &stream{quit: make(chan struct{}), done: make(chan int, 1)}
	go func() {
		n := 0
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-s.quit:
				s.done <- n
				return
			case <-tick.C:
			}
			produce(t, addrs, topic, nparts, n, 250)
			n += 250
		}
	}()
	return s
}

// stop ends the stream and returns how many records it produced.
func (s *stream) stop() int {
	close(s.quit)
	return <-s.done
}

// connectSide is one implementation's worker, seen through its REST API.
type connectSide struct {
	name     string
	url      string
	workerID string // host:port of the REST URL
	stop     func()
}

func startJavaSide(t *testing.T, props map[string]string) connectSide {
	w := kafkaharness.StartConnectWorker(t, props)
	return connectSide{name: "Java", url: w.URL(), workerID: strings.TrimPrefix(w.URL(), "http://"), stop: w.Stop}
}

// startJavaSideServing is the Java worker that takes over: it is used as
// soon as its REST API serves, so the test sees what the worker shows
// before its herder runs the connector itself (3c: the status Ferry wrote).
func startJavaSideServing(t *testing.T, props map[string]string) connectSide {
	w := kafkaharness.StartConnectWorkerServing(t, props)
	return connectSide{name: "Java", url: w.URL(), workerID: strings.TrimPrefix(w.URL(), "http://"), stop: w.Stop}
}

// startKilledJavaSide is a Java worker that ends with SIGKILL: no final
// offset flush, so the records copied since the last flush are copied again.
func startKilledJavaSide(t *testing.T, props map[string]string) connectSide {
	w := kafkaharness.StartConnectWorker(t, props)
	return connectSide{name: "Java", url: w.URL(), workerID: strings.TrimPrefix(w.URL(), "http://"), stop: w.Kill}
}

func startFerrySide(t *testing.T, props map[string]string) connectSide {
	p := maps.Clone(props)
	p["listeners"] = "http://127.0.0.1:0"
	w := startWorker(t, writeProps(t, p))
	return connectSide{name: "Ferry", url: w.restURL(), workerID: strings.TrimPrefix(w.restURL(), "http://"), stop: w.stop}
}

func TestHandoverJavaToFerry(t *testing.T) { testHandover(t, startJavaSide, startFerrySide) }

func TestHandoverFerryToJava(t *testing.T) { testHandover(t, startFerrySide, startJavaSideServing) }

// TestHandoverKilledJavaToFerry: the Java worker dies mid-stream; Ferry
// resumes from Java's last flushed offsets and copies its unflushed tail
// again.
func TestHandoverKilledJavaToFerry(t *testing.T) {
	testHandover(t, startKilledJavaSide, startFerrySide)
}

func testHandover(t *testing.T, first, second func(*testing.T, map[string]string) connectSide) {
	t.Parallel()
	kafkaharness.RequireKafka(t)
	var source, target testkit.Kafka
	if testkit.KafkaMode() == testkit.KafkaExternal {
		ks := testkit.StartKafkas(t, "source", "target")
		source, target = ks[0], ks[1]
	} else {
		// Kafka's default initial rebalance delay (3 s) rather than the
		// harness's 0: a worker joining the now empty group waits that long
		// before it is assigned anything, so the test reliably sees what the
		// second worker shows before it runs the connector itself (3c).
		cs := kafkaharness.StartClusters(t, []string{"source", "target"},
			kafkaharness.WithBrokerConfig("group.initial.rebalance.delay.ms", "3000"))
		source, target = cs[0], cs[1]
	}
	topic := testkit.UniqueName("orders")
	remote := sourceAlias + "." + topic
	createTopic(t, source.Addrs(), topic, partitions)

	group := testkit.UniqueName("handover")
	shared := workerProps(target.Addrs(), group)
	delete(shared, "listeners")
	shared["offset.flush.interval.ms"] = "1000"
	shared["scheduled.rebalance.max.delay.ms"] = "0"
	connector := mirrorConfig(source.Addrs(), target.Addrs(), topic)
	// Java's MirrorSource also creates the offset-syncs topic on the
	// one-broker source cluster; Ferry ignores these keys for now.
	connector["offset-syncs.topic.replication.factor"] = "1"
	connector["sync.topic.acls.enabled"] = "false"
	connector["key.converter"] = "org.apache.kafka.connect.converters.ByteArrayConverter"
	connector["value.converter"] = "org.apache.kafka.connect.converters.ByteArrayConverter"
	connector["header.converter"] = "org.apache.kafka.connect.converters.ByteArrayConverter"

	// The stream flows while the first side copies, so it is stopped
	// mid-stream, after it has flushed offsets at least twice.
	stream := startStream(t, source.Addrs(), topic, partitions)
	a := first(t, shared)
	code, body := call(t, http.MethodPost, a.url+"/connectors", map[string]any{"name": "mirror", "config": connector})
	if code != http.StatusCreated {
		t.Fatalf("%s: create connector: %d %s", a.name, code, body)
	}
	testkit.Eventually(t, 90*time.Second, func() error { return runningOn(t, a.url, "mirror", 1, a.workerID) })
	_, tgt := saramaConfig(t, target.Addrs())
	testkit.Eventually(t, 90*time.Second, func() error {
		if n := endOffsets(t, tgt, remote); n < handoverBatch/3 {
			return fmt.Errorf("%s copied %d records", a.name, n)
		}
		if n := endOffsets(t, tgt, group+"-offsets"); n < 2*partitions {
			return fmt.Errorf("%s flushed %d offsets", a.name, n)
		}
		return nil
	})
	a.stop()
	atStop := endOffsets(t, tgt, remote)
	produced := stream.stop()
	t.Logf("%s stopped after copying %d records; %d produced so far", a.name, atStop, produced)
	total := produced + handoverBatch
	produce(t, source.Addrs(), topic, partitions, produced, handoverBatch)
	b := second(t, shared)
	statuses := observeStatuses(t, b.url, "mirror")

	// 3c: the second side reads the connector config the first side wrote.
	code, body = call(t, http.MethodGet, b.url+"/connectors/mirror/config", nil)
	var got map[string]string
	if code != http.StatusOK || json.Unmarshal(body, &got) != nil {
		t.Fatalf("%s: GET config: %d %s", b.name, code, body)
	}
	want := maps.Clone(connector)
	want["name"] = "mirror"
	if !maps.Equal(got, want) {
		t.Errorf("%s reads the config %s wrote as %v, want %v", b.name, a.name, got, want)
	}
	testkit.Eventually(t, 90*time.Second, func() error { return runningOn(t, b.url, "mirror", 1, b.workerID) })
	// 3c: until the second side runs the connector itself, its status API
	// shows the status record the first side wrote.
	seen := statuses()
	t.Logf("%s's status API showed, in order: %v", b.name, seen)
	if len(seen) == 0 || !strings.HasPrefix(seen[0], a.workerID+":") {
		t.Errorf("%s's status API never showed the status %s (worker %s) wrote; saw %v", b.name, a.name, a.workerID, seen)
	}

	testkit.Eventually(t, 120*time.Second, func() error {
		if n := endOffsets(t, tgt, remote); n < int64(total) {
			return fmt.Errorf("%d of %d records copied", n, total)
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
	t.Logf("HANDOVER %s -> %s: %d records, %d copied by %s before it stopped, %d duplicates (re-copied after the hand-over)",
		a.name, b.name, total, atStop, a.name, dups)
	b.stop()
}

// observeStatuses polls a worker's status for a connector in the
// background and returns a function listing the distinct
// "<implementation>@<worker id>:<state>" values seen.
func observeStatuses(t *testing.T, url, name string) func() []string {
	done := make(chan struct{})
	result := make(chan []string, 1)
	go func() {
		var seen []string
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			resp, err := httpClient.Get(url + "/connectors/" + name + "/status")
			if err == nil {
				var st connectorStatus
				if resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(&st) == nil {
					v := st.Connector.WorkerID + ":" + st.Connector.State
					if len(seen) == 0 || seen[len(seen)-1] != v {
						seen = append(seen, v)
					}
				}
				_ = resp.Body.Close()
			}
			select {
			case <-done:
				result <- seen
				return
			case <-tick.C:
			}
		}
	}()
	return func() []string {
		close(done)
		return <-result
	}
}

// coveredWithDuplicates checks that dst holds every src record in order,
// allowing a re-copied range (a rewind to an earlier source record), and
// returns how many records were copied twice. The source itself may hold a
// key twice (the test's producer retried a send whose first attempt had in
// fact been written): such a key matches any of its source positions.
func coveredWithDuplicates(src, dst []record) (int, error) {
	index := make(map[string][]int, len(src))
	for i, r := range src {
		index[string(r.Key)] = append(index[string(r.Key)], i)
	}
	// next is the source record expected next; high is one past the
	// furthest source record copied so far, so a record below it is a copy
	// of one already in the target.
	next, high, dups := 0, 0, 0
	for i, r := range dst {
		positions, ok := index[string(r.Key)]
		if !ok {
			return dups, fmt.Errorf("target record %d (key %q) is not in the source", i, r.Key)
		}
		k := matchPosition(positions, next)
		switch {
		case k == next:
			if err := sameRecords(src[k:k+1], dst[i:i+1]); err != nil {
				return dups, fmt.Errorf("target record %d: %v", i, err)
			}
			if k < high {
				dups++
			}
			next++
			high = max(high, next)
		case k < next:
			// A rewind: the copy restarted from an earlier offset.
			dups++
			next = k + 1
		default:
			return dups, fmt.Errorf("target record %d (source record %d) skips source records %d..%d", i, k, next, k-1)
		}
	}
	if next != len(src) {
		return dups, fmt.Errorf("target ends at source record %d of %d", next, len(src))
	}
	return dups, nil
}

// matchPosition picks, among a key's source positions (ascending), next if
// present, else the last one before next (a rewind), else the first.
func matchPosition(positions []int, next int) int {
	best := positions[0]
	for _, p := range positions {
		if p == next {
			return p
		}
		if p < next {
			best = p
		}
	}
	return best
}

func TestCoveredWithDuplicates(t *testing.T) {
	rec := func(keys ...int) []record {
		var out []record
		for _, k := range keys {
			out = append(out, record{Key: []byte(fmt.Sprint(k))})
		}
		return out
	}
	src := rec(0, 1, 2, 3, 4)
	cases := []struct {
		dst     []record
		dups    int
		wantErr bool
	}{
		{rec(0, 1, 2, 3, 4), 0, false},
		{rec(0, 1, 2, 1, 2, 3, 4), 2, false},
		{rec(0, 1, 2, 3, 0, 1, 2, 3, 4), 4, false},
		{rec(0, 1, 3, 4), 0, true},
		{rec(0, 1, 2), 0, true},
		{rec(0, 9), 0, true},
	}
	// A source that holds key 2 twice (a retried send of the test's
	// producer): the target copies both; nothing is skipped.
	withDup := rec(0, 1, 2, 2, 3)
	if dups, err := coveredWithDuplicates(withDup, rec(0, 1, 2, 2, 3)); err != nil || dups != 0 {
		t.Errorf("duplicate source key: dups=%d err=%v; want 0, nil", dups, err)
	}
	if _, err := coveredWithDuplicates(withDup, rec(0, 1, 2, 3)); err == nil {
		t.Error("a target missing one copy of a duplicated source key must fail")
	}
	for i, c := range cases {
		dups, err := coveredWithDuplicates(src, c.dst)
		if (err != nil) != c.wantErr || (err == nil && dups != c.dups) {
			t.Errorf("case %d: dups=%d err=%v; want dups=%d error=%v", i, dups, err, c.dups, c.wantErr)
		}
	}
}
