package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
	"github.com/ferrykafka/ferry/test/testkit"
)

// TestCheckpointLatency measures how long a consumer group's commit on
// cluster A takes to reach cluster B as a checkpoint (the first record of
// A.checkpoints.internal whose upstream offset is that commit), with
// MirrorSourceConnector and MirrorCheckpointConnector on a Ferry worker:
//
//   - "1s": emit.checkpoints.interval.seconds=1, the worker's
//     offset.flush.interval.ms=1000;
//   - "defaults": emit.checkpoints.interval.seconds at its default (60),
//     offset.flush.interval.ms=60000 (Connect's default); the group exists
//     before the connector starts, so refresh.groups.interval.seconds (600)
//     does not come into it.
//
// It is a measurement, not a regression test: it runs only with
// FERRY_MEASURE_CHECKPOINT_LATENCY=1, takes minutes, and logs min, p50 and
// max per setting. FERRY_CHECKPOINT_LATENCY_SAMPLES sets the number of
// samples of both settings (default 5 for "1s", 3 for "defaults").
//
// Records are produced all along at a low rate (20 a second), so offset
// syncs keep coming (one per offset.lag.max=100 records, and one at every
// offset flush).
//
// Each sample has a consumer group of its own, which exists before the
// connector starts (it has committed an offset of an idle topic the
// connector's topic filter accepts, so the connector checkpoints it) and
// commits the end of the mirrored partition when the sample starts. Its
// checkpoint is then the first of its partition, which MirrorCheckpointTask
// always emits. (A group that commits again gets a new checkpoint only when
// the offset sync store translates the new offset further than the last
// one, which depends on the syncs the store still holds: the store thins
// out older syncs as newer ones arrive, so at 60 s intervals a commit may
// translate no further than the one before, and never get a checkpoint of
// its own.) The start of each sample is drawn at random within one
// emission interval, so samples do not line up with the task's schedule.
// The figures run from the start of the commit request to the moment the
// checkpoint is read from B; the log shows the checkpoint record's
// timestamp too, and how far the translated offset is behind the group's.
func TestCheckpointLatency(t *testing.T) {
	if os.Getenv("FERRY_MEASURE_CHECKPOINT_LATENCY") != "1" {
		t.Skip("a measurement: set FERRY_MEASURE_CHECKPOINT_LATENCY=1 to run it (it takes minutes)")
	}
	ks := testkit.StartKafkas(t, "a", "b")
	samples := func(def int) int {
		if v := os.Getenv("FERRY_CHECKPOINT_LATENCY_SAMPLES"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				t.Fatalf("FERRY_CHECKPOINT_LATENCY_SAMPLES=%q: want a positive number", v)
			}
			return n
		}
		return def
	}
	settings := []struct {
		name     string
		emit     time.Duration
		flushMs  string
		extra    map[string]string // checkpoint connector keys; "" removes one
		nSamples int
	}{
		{"1s", time.Second, "1000", nil, samples(5)},
		{"defaults", 60 * time.Second, "60000", map[string]string{
			"emit.checkpoints.interval.seconds": "",
			"refresh.groups.interval.seconds":   "",
		}, samples(3)},
	}
	var summary []string
	for _, s := range settings {
		t.Run(s.name, func(t *testing.T) {
			began := time.Now()
			lat := measureCheckpointLatency(t, ks[0], ks[1], s.emit, s.flushMs, s.extra, s.nSamples)
			line := fmt.Sprintf("%-8s emit %v, flush %sms: %d samples, min %v, p50 %v, max %v (all: %v) in %v", s.name, s.emit, s.flushMs,
				len(lat), lat[0], lat[len(lat)/2], lat[len(lat)-1], lat, time.Since(began).Round(time.Second))
			t.Log("CHECKPOINT LATENCY " + line)
			summary = append(summary, line)
		})
	}
	t.Logf("CHECKPOINT LATENCY, commit on A to checkpoint on B:\n%s", strings.Join(summary, "\n"))
}

// measureCheckpointLatency runs one setting and returns the sorted
// latencies.
func measureCheckpointLatency(t *testing.T, a, b testkit.Kafka, emit time.Duration, flushMs string, extra map[string]string, n int) []time.Duration {
	f := newFoFlow(t, a, b, "latency", 1)
	idle := f.topic + "-idle"
	createTopic(t, f.a.Addrs(), idle, 1)
	groups := make([]string, n)
	for i := range groups {
		groups[i] = testkit.UniqueName(fmt.Sprintf("latency-%d", i+1))
		foCommit(t, f.a.Addrs(), groups[i], idle, map[int32]int64{0: 0}, "")
	}
	w := foStartWorker(t, f.b.Addrs(), flushMs)
	foCreateConnector(t, w, "mirror-source", f.sourceConfig(), 1)
	const initial = 50
	f.produce(t, 0, 0, initial)
	f.waitCopiedAndSynced(t, map[int32]int64{0: initial}, 3*time.Minute)
	stopProducing := f.produceSteadily(t, initial, 50*time.Millisecond)
	defer stopProducing()

	cfg := map[string]string{"topics": f.topic + "," + idle}
	for k, v := range extra {
		cfg[k] = v
	}
	foCreateConnector(t, w, "mirror-checkpoint", f.checkpointConfig(groups, cfg), 1)

	// Tail the checkpoints topic (the connector created it on start).
	_, client := saramaConfig(t, f.b.Addrs())
	testkit.Eventually(t, 2*time.Minute, func() error {
		_, err := foEnds(client, f.checkpointsTopic)
		return err
	})
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = consumer.Close() }()
	pc, err := consumer.ConsumePartition(f.checkpointsTopic, 0, sarama.OffsetNewest)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = pc.Close() }()

	_, srcClient := saramaConfig(t, f.a.Addrs())
	var lat []time.Duration
	for i, group := range groups {
		// Not a synchronisation: a random phase against the task's
		// emission schedule.
		<-time.After(rand.N(emit))
		end, err := srcClient.GetOffset(f.topic, 0, sarama.OffsetNewest)
		if err != nil {
			t.Fatal(err)
		}
		committing := time.Now()
		foCommit(t, f.a.Addrs(), group, f.topic, map[int32]int64{0: end}, "")
		d, stamp, cp := awaitCheckpoint(t, pc, group, end, committing, 3*emit+2*time.Minute)
		// The store only loses precision as syncs arrive: the checkpoint
		// is at least what Java's store makes of every sync written by now.
		model := f.modelTranslation(t, map[int32]int64{0: end})[0]
		if cp.DownstreamOffset < model {
			t.Errorf("sample %d: checkpoint %v translates %d to less than Java's OffsetSyncStore would now (%d)", i+1, cp, end, model)
		}
		t.Logf("sample %d: commit at %d, checkpoint read after %v (record timestamp %v after the commit), translated to %d (%d behind; %d with the syncs written since)",
			i+1, end, d.Round(time.Millisecond), stamp.Round(time.Millisecond), cp.DownstreamOffset, end-cp.DownstreamOffset, end-model)
		lat = append(lat, d.Round(time.Millisecond))
	}
	if err := runningStatus(t, w.restURL(), "mirror-checkpoint", 1); err != nil {
		t.Errorf("MirrorCheckpointConnector: %v", err)
	}
	slices.Sort(lat)
	return lat
}

// awaitCheckpoint reads the tailed checkpoints topic until group's
// checkpoint for upstream offset up arrives, and returns how long after
// committed it was read, its record timestamp relative to committed, and
// the checkpoint.
func awaitCheckpoint(t *testing.T, pc sarama.PartitionConsumer, group string, up int64, committed time.Time, timeout time.Duration) (time.Duration, time.Duration, mirrorclient.Checkpoint) {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case m := <-pc.Messages():
			cp, err := mirrorclient.DecodeCheckpoint(m.Key, m.Value)
			if err != nil {
				t.Fatalf("checkpoints topic offset %d: %v", m.Offset, err)
			}
			if cp.ConsumerGroupID == group && cp.UpstreamOffset == up {
				return time.Since(committed), m.Timestamp.Sub(committed), cp
			}
		case err := <-pc.Errors():
			t.Fatalf("reading the checkpoints topic: %v", err)
		case <-deadline:
			t.Fatalf("no checkpoint of %s for upstream offset %d within %v", group, up, timeout)
		}
	}
}

// produceSteadily writes one record to partition 0 of the flow's topic
// every interval, numbering them from first, until the returned function
// is called (which reports any failure).
func (f *foFlow) produceSteadily(t *testing.T, first int64, interval time.Duration) func() {
	t.Helper()
	_, client := saramaConfig(t, f.a.Addrs())
	prod, err := sarama.NewSyncProducerFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var failure error
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for i := first; ; i++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			_, _, err := prod.SendMessage(&sarama.ProducerMessage{Topic: f.topic, Partition: 0,
				Key: sarama.StringEncoder(f.key(0, i)), Value: sarama.StringEncoder(f.value(0, i))})
			if err != nil && ctx.Err() == nil {
				failure = err
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			wg.Wait()
			_ = prod.Close()
			if failure != nil {
				t.Errorf("steady producer: %v", failure)
			}
		})
	}
}
