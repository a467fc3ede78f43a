package mirror

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/ferrykafka/ferry/test/testkit"
)

const testSyncsTopic = "mm2-offset-syncs.target.internal"

// createSyncsTopic creates the one-partition compacted offset-syncs topic,
// as the source connector does.
func createSyncsTopic(t *testing.T, a sarama.ClusterAdmin) {
	t.Helper()
	compact := "compact"
	err := a.CreateTopic(testSyncsTopic, &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1,
		ConfigEntries: map[string]*string{"cleanup.policy": &compact}}, false)
	if err != nil {
		t.Fatalf("create %s: %v", testSyncsTopic, err)
	}
}

// syncMsg is an offset sync record as the source task writes it.
func syncMsg(t *testing.T, tp topicPartition, up, down int64) *sarama.ProducerMessage {
	t.Helper()
	s := offsetSync{tp: tp, upstreamOffset: up, downstreamOffset: down}
	key, err := s.recordKey()
	if err != nil {
		t.Fatal(err)
	}
	return &sarama.ProducerMessage{Topic: testSyncsTopic, Partition: 0,
		Key: sarama.ByteEncoder(key), Value: sarama.ByteEncoder(s.recordValue())}
}

// sendSyncs writes identity-or-not syncs for tp in one batch.
func sendSyncs(t *testing.T, p sarama.SyncProducer, tp topicPartition, pairs ...[2]int64) {
	t.Helper()
	msgs := make([]*sarama.ProducerMessage, len(pairs))
	for i, pr := range pairs {
		msgs[i] = syncMsg(t, tp, pr[0], pr[1])
	}
	if err := p.SendMessages(msgs); err != nil {
		t.Fatalf("write offset syncs: %v", err)
	}
}

// newTestSyncStore is a store on c's offset-syncs topic with extra
// consumer properties.
func newTestSyncStore(t *testing.T, c *testkit.Cluster, extra ...string) *offsetSyncStore {
	t.Helper()
	props := map[string]string{"bootstrap.servers": bootstrap(c), "client.id": "checkpoint|test"}
	for i := 0; i+1 < len(extra); i += 2 {
		props[extra[i]] = extra[i+1]
	}
	s, err := newOffsetSyncStore(testSyncsTopic, props, testkit.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.close)
	return s
}

// expectTranslation checks one translation now.
func expectTranslation(t *testing.T, s *offsetSyncStore, tp topicPartition, up, want int64) {
	t.Helper()
	if got, ok := s.translateDownstream("g", tp, up); !ok || got != want {
		t.Errorf("translate(%s, %d) = %d, %v; want %d", tp, up, got, ok, want)
	}
}

// awaitTranslation polls until a translation gives want.
func awaitTranslation(t *testing.T, s *offsetSyncStore, tp topicPartition, up, want int64) {
	t.Helper()
	testkit.Eventually(t, 20*time.Second, func() error {
		if got, ok := s.translateDownstream("g", tp, up); !ok || got != want {
			return fmt.Errorf("translate(%s, %d) = %d, %v; want %d", tp, up, got, ok, want)
		}
		return nil
	})
}

func startCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// The store reads the syncs present at start before start returns,
// skips a corrupt record with a WARN naming its offset, and picks up
// syncs written later.
func TestOffsetSyncStoreReaderReadsAndTails(t *testing.T) {
	c := testkit.NewCluster(t, 1)
	createSyncsTopic(t, newAdmin(t, c))
	p := newProducer(t, c)
	orders, other := topicPartition{"orders", 0}, topicPartition{"orders", 1}
	sendSyncs(t, p, orders, [2]int64{0, 100}, [2]int64{10, 110})
	// Offset 2: not an offset sync.
	send(t, p, &sarama.ProducerMessage{Topic: testSyncsTopic, Partition: 0,
		Key: sarama.ByteEncoder{0x00}, Value: sarama.ByteEncoder("garbage")})
	sendSyncs(t, p, orders, [2]int64{20, 120})
	sendSyncs(t, p, other, [2]int64{5, 7})

	logs, log := newLogCapture(t)
	s, err := newOffsetSyncStore(testSyncsTopic, map[string]string{"bootstrap.servers": bootstrap(c)}, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.close)
	if _, ok := s.translateDownstream("g", orders, 10); ok {
		t.Fatal("translated before start")
	}
	if err := s.start(startCtx(t, 20*time.Second), false); err != nil {
		t.Fatalf("start: %v", err)
	}
	// Everything present at start is there when start returns.
	expectTranslation(t, s, orders, 10, 110)
	expectTranslation(t, s, orders, 15, 111)
	expectTranslation(t, s, orders, 20, 120)
	expectTranslation(t, s, orders, 25, 121)
	expectTranslation(t, s, other, 5, 7)
	expectTranslation(t, s, other, 4, -1)
	if _, ok := s.translateDownstream("g", topicPartition{"payments", 0}, 5); ok {
		t.Error("translated a partition without syncs")
	}
	bad := logs.find("warn", "not an offset sync")
	if len(bad) != 1 || number(bad[0], "offset") != 2 {
		t.Errorf("want one WARN for the corrupt record at offset 2, got %v", bad)
	}

	// Later syncs arrive through the tail.
	sendSyncs(t, p, orders, [2]int64{30, 1000})
	awaitTranslation(t, s, orders, 31, 1001)
	expectTranslation(t, s, orders, 20, 120) // the history is kept

	// A second start is refused; close is idempotent and keeps the syncs.
	if err := s.start(startCtx(t, time.Second), false); err == nil {
		t.Error("second start did not fail")
	}
	s.close()
	s.close()
	expectTranslation(t, s, orders, 30, 1000)
	if err := s.start(startCtx(t, time.Second), false); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("start after close: %v, want an error saying the store is closed", err)
	}
}

// An empty topic: start returns at once, nothing is translated until a
// sync arrives.
func TestOffsetSyncStoreReaderEmptyTopic(t *testing.T) {
	c := testkit.NewCluster(t, 1)
	createSyncsTopic(t, newAdmin(t, c))
	s := newTestSyncStore(t, c)
	if err := s.start(startCtx(t, 20*time.Second), true); err != nil {
		t.Fatalf("start: %v", err)
	}
	tp := topicPartition{"orders", 0}
	if _, ok := s.translateDownstream("g", tp, 0); ok {
		t.Fatal("translated without any sync")
	}
	sendSyncs(t, newProducer(t, c), tp, [2]int64{3, 4})
	awaitTranslation(t, s, tp, 3, 4)
	expectTranslation(t, s, tp, 2, -1)
}

// initializationMustReadToEnd: of the syncs read at start only the last
// of each partition is kept (the checkpoint task could not load its
// checkpoints, so it must not translate with anything older); syncs read
// afterwards build up history again.
func TestOffsetSyncStoreReaderInitializationMustReadToEnd(t *testing.T) {
	c := testkit.NewCluster(t, 1)
	createSyncsTopic(t, newAdmin(t, c))
	p := newProducer(t, c)
	tp := topicPartition{"orders", 0}
	var initial [][2]int64
	for off := int64(0); off <= 90; off += 10 {
		initial = append(initial, [2]int64{off, off})
	}
	sendSyncs(t, p, tp, initial...)

	must := newTestSyncStore(t, c)
	if err := must.start(startCtx(t, 20*time.Second), true); err != nil {
		t.Fatalf("start: %v", err)
	}
	free := newTestSyncStore(t, c)
	if err := free.start(startCtx(t, 20*time.Second), false); err != nil {
		t.Fatalf("start: %v", err)
	}
	expectTranslation(t, must, tp, 90, 90)
	expectTranslation(t, must, tp, 50, -1) // only 90 was kept
	if got, ok := free.translateDownstream("g", tp, 50); !ok || got < 0 || got > 50 {
		t.Errorf("without initializationMustReadToEnd translate(50) = %d, %v; want a translation from the history", got, ok)
	}

	sendSyncs(t, p, tp, [2]int64{100, 100})
	awaitTranslation(t, must, tp, 100, 100)
	expectTranslation(t, must, tp, 95, 91) // 90 stays as history now
	expectTranslation(t, must, tp, 50, -1)
}

// Nothing is translated from a partial initial read: while start runs, a
// concurrent translation either has no answer or the one of the complete
// topic (with initializationMustReadToEnd the last sync is the only
// possible answer).
func TestOffsetSyncStoreReaderNoTranslationBeforeInitialReadEnds(t *testing.T) {
	c := testkit.NewCluster(t, 1)
	createSyncsTopic(t, newAdmin(t, c))
	p := newProducer(t, c)
	tp := topicPartition{"orders", 0}
	const n = 3000
	for batch := 0; batch < n; batch += 500 {
		var pairs [][2]int64
		for i := batch; i < batch+500; i++ {
			pairs = append(pairs, [2]int64{int64(i), int64(2 * i)})
		}
		sendSyncs(t, p, tp, pairs...)
	}
	// Small fetches: the initial read takes several round trips.
	s := newTestSyncStore(t, c, "max.partition.fetch.bytes", "1024")
	var (
		returned atomic.Bool
		wrong    atomic.Int64
		early    atomic.Bool // an answer seen before start returned
		answers  atomic.Int64
		wg       sync.WaitGroup
	)
	wrong.Store(-1)
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			wasReturned := returned.Load()
			if got, ok := s.translateDownstream("g", tp, n-1); ok {
				answers.Add(1)
				if got != 2*(n-1) {
					wrong.Store(got)
				}
				if !wasReturned {
					early.Store(true)
				}
			}
		}
	}()
	err := s.start(startCtx(t, 20*time.Second), true)
	returned.Store(true)
	if err != nil {
		close(done)
		wg.Wait()
		t.Fatalf("start: %v", err)
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		if answers.Load() == 0 {
			return errors.New("no translation answered after start")
		}
		return nil
	})
	close(done)
	wg.Wait()
	if w := wrong.Load(); w != -1 {
		t.Errorf("a translation during start answered %d, a partial read; want only %d", w, 2*(n-1))
	}
	expectTranslation(t, s, tp, n-1, 2*(n-1))
	expectTranslation(t, s, tp, n-2, -1)
	t.Logf("answers: %d, some in the instant before start returned: %v", answers.Load(), early.Load())
}

// start against addresses where no Kafka answers fails within its
// context's deadline, naming the topic and the cluster.
func TestOffsetSyncStoreReaderUnreachableCluster(t *testing.T) {
	for _, c := range []struct {
		name string
		addr string
	}{
		{"connection refused", testkit.ClosedAddr(t)},
		{"no answer", silentAddr(t)},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := newOffsetSyncStore(testSyncsTopic, map[string]string{"bootstrap.servers": c.addr}, testkit.Logger(t))
			if err != nil {
				t.Fatal(err)
			}
			defer s.close()
			const limit = 2 * time.Second
			began := time.Now()
			err = s.start(startCtx(t, limit), false)
			took := time.Since(began)
			if err == nil {
				t.Fatal("start succeeded")
			}
			t.Logf("start failed after %v: %v", took, err)
			if took > limit+time.Second {
				t.Errorf("start took %v, the deadline was %v", took, limit)
			}
			for _, part := range []string{testSyncsTopic, c.addr, "connect"} {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("error %q does not mention %q", err, part)
				}
			}
			if _, ok := s.translateDownstream("g", topicPartition{"orders", 0}, 0); ok {
				t.Error("translated after a failed start")
			}
		})
	}
}

// A missing topic is waited for (the source connector may create it any
// moment) but never created here; once it appears start succeeds.
func TestOffsetSyncStoreReaderMissingTopic(t *testing.T) {
	c := testkit.NewCluster(t, 1, kfake.AllowAutoTopicCreation())
	admin := newAdmin(t, c)
	s := newTestSyncStore(t, c)
	err := s.start(startCtx(t, 2*time.Second), false)
	if err == nil {
		t.Fatal("start succeeded without the topic")
	}
	t.Logf("start failed: %v", err)
	for _, part := range []string{testSyncsTopic, bootstrap(c), "does not exist"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not mention %q", err, part)
		}
	}
	md, err := admin.DescribeTopics([]string{testSyncsTopic})
	if err != nil {
		t.Fatal(err)
	}
	if len(md) != 1 || !errors.Is(md[0].Err, sarama.ErrUnknownTopicOrPartition) {
		t.Fatalf("the store created the topic: %+v", md[0])
	}

	// start may be retried; this time the topic appears while it waits.
	logs, log := newLogCapture(t)
	s2, err := newOffsetSyncStore(testSyncsTopic, map[string]string{"bootstrap.servers": bootstrap(c)}, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s2.close)
	started := make(chan error, 1)
	go func() { started <- s2.start(startCtx(t, 20*time.Second), false) }()
	logs.waitFor(t, "debug", "waiting for the offset syncs topic")
	createSyncsTopic(t, admin)
	sendSyncs(t, newProducer(t, c), topicPartition{"orders", 0}, [2]int64{7, 70})
	testkit.Eventually(t, 20*time.Second, func() error {
		select {
		case err := <-started:
			if err != nil {
				t.Fatalf("start: %v", err)
			}
			return nil
		default:
			return errors.New("start has not returned")
		}
	})
	awaitTranslation(t, s2, topicPartition{"orders", 0}, 7, 70)
}

// The topic deleted under a running store: the store warns and retries,
// keeps translating with what it read, and when the topic is created
// again reads the new one from its start.
func TestOffsetSyncStoreReaderTopicDeletedAndRecreated(t *testing.T) {
	c := testkit.NewCluster(t, 1)
	admin := newAdmin(t, c)
	createSyncsTopic(t, admin)
	p := newProducer(t, c)
	tp := topicPartition{"orders", 0}
	sendSyncs(t, p, tp, [2]int64{100, 1000}, [2]int64{200, 2000})

	logs, log := newLogCapture(t)
	s, err := newOffsetSyncStore(testSyncsTopic, map[string]string{"bootstrap.servers": bootstrap(c)}, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.close)
	if err := s.start(startCtx(t, 20*time.Second), false); err != nil {
		t.Fatalf("start: %v", err)
	}
	expectTranslation(t, s, tp, 200, 2000)

	if err := admin.DeleteTopic(testSyncsTopic); err != nil {
		t.Fatal(err)
	}
	logs.waitFor(t, "warn", "reading the offset syncs topic failed")
	expectTranslation(t, s, tp, 200, 2000)
	expectTranslation(t, s, tp, 150, 1001)

	// The new topic soon holds more records than the position reached in
	// the old one: it must be read from its start, not from there.
	createSyncsTopic(t, admin)
	sendSyncs(t, p, tp, [2]int64{5, 5000}, [2]int64{6, 5001}, [2]int64{7, 5002})
	awaitTranslation(t, s, tp, 7, 5002)
	expectTranslation(t, s, tp, 5, 5000) // offset 0 of the new topic was read
	expectTranslation(t, s, tp, 150, 5003)
	expectTranslation(t, s, tp, 4, -1) // an upstream rewind: the old history is gone
	logs.waitFor(t, "info", "reading the offset syncs topic again")
}
