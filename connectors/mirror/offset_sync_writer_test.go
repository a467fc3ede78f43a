package mirror

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/test/testkit"
)

// fakeSyncSender records what the writer sends and lets the test
// acknowledge each send.
type fakeSyncSender struct {
	mu     sync.Mutex
	sent   []offsetSync
	dones  []func(error)
	refuse bool
	closed bool
}

func (f *fakeSyncSender) send(s offsetSync, done func(error)) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refuse {
		return false
	}
	f.sent = append(f.sent, s)
	f.dones = append(f.dones, done)
	return true
}

func (f *fakeSyncSender) close(context.Context) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
}

// ack completes the i-th send.
func (f *fakeSyncSender) ack(i int, err error) {
	f.mu.Lock()
	done := f.dones[i]
	f.mu.Unlock()
	done(err)
}

func (f *fakeSyncSender) sends() []offsetSync {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]offsetSync(nil), f.sent...)
}

func newTestWriter(t *testing.T, lag int64) (*offsetSyncWriter, *fakeSyncSender) {
	f := &fakeSyncSender{}
	return newOffsetSyncWriter("mm2-offset-syncs.target.internal", lag, f, testkit.Logger(t)), f
}

func mkSync(topic string, p int32, up, down int64) offsetSync {
	return offsetSync{tp: topicPartition{topic, p}, upstreamOffset: up, downstreamOffset: down}
}

func wantSyncs(t *testing.T, what string, got, want []offsetSync) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %v\nwant %v", what, got, want)
	}
}

// record is what CommitRecord does for one acknowledged record.
func (w *offsetSyncWriter) record(tp topicPartition, up, down int64) syncReason {
	r := w.maybeQueue(tp, up, down)
	w.firePending()
	return r
}

func TestWriterQueuesAndDelays(t *testing.T) {
	// Java's testMaybeQueueOffsetSyncs: the first pair is pending, the
	// next one delayed.
	w, f := newTestWriter(t, 2)
	tp := topicPartition{"topic", 0}
	if r := w.maybeQueue(tp, 0, 1); r != syncFirst {
		t.Errorf("first pair: %v", r)
	}
	wantSyncs(t, "pending", w.pending.list(), []offsetSync{mkSync("topic", 0, 0, 1)})
	wantSyncs(t, "delayed", w.delayed.list(), nil)
	if r := w.maybeQueue(tp, 1, 2); r != 0 {
		t.Errorf("second pair: %v", r)
	}
	wantSyncs(t, "delayed", w.delayed.list(), []offsetSync{mkSync("topic", 0, 1, 2)})
	wantSyncs(t, "sent before firing", f.sends(), nil)
}

func TestWriterSendsImmediateSyncsAndPromotesDelayedOnCommit(t *testing.T) {
	w, f := newTestWriter(t, 3)
	a, b := topicPartition{"a", 0}, topicPartition{"b", 1}
	w.record(a, 0, 100) // first
	w.record(b, 7, 200) // first (and a gap)
	for i := range f.sends() {
		f.ack(i, nil)
	}
	w.record(a, 1, 101)
	w.record(a, 2, 102)
	w.record(b, 8, 201)
	wantSyncs(t, "sent before the commit", f.sends(), []offsetSync{mkSync("a", 0, 0, 100), mkSync("b", 1, 7, 200)})
	wantSyncs(t, "delayed (latest per partition)", w.delayed.list(), []offsetSync{mkSync("a", 0, 2, 102), mkSync("b", 1, 8, 201)})

	w.commit()
	wantSyncs(t, "sent after the commit", f.sends()[2:], []offsetSync{mkSync("a", 0, 2, 102), mkSync("b", 1, 8, 201)})
	wantSyncs(t, "delayed after the commit", w.delayed.list(), nil)
	wantSyncs(t, "pending after the commit", w.pending.list(), nil)

	// A commit with nothing delayed sends nothing.
	for i := 2; i < 4; i++ {
		f.ack(i, nil)
	}
	w.commit()
	if n := len(f.sends()); n != 4 {
		t.Errorf("%d sends after an idle commit; want 4", n)
	}

	// The promoted sync did not move the lag base: a is still measured
	// from downstream 100, so 104 (= 100 + 1 + 3) goes at once.
	if r := w.record(a, 3, 103); r != 0 {
		t.Errorf("a@3->103: %v", r)
	}
	if r := w.record(a, 4, 104); r != syncLag {
		t.Errorf("a@4->104: %v; want lag", r)
	}
	wantSyncs(t, "lag sync", f.sends()[4:], []offsetSync{mkSync("a", 0, 4, 104)})
	wantSyncs(t, "the immediate sync replaced the delayed one", w.delayed.list(), nil)
}

func TestWriterPromoteAppends(t *testing.T) {
	// Java's testPromoteDelayedOffsetSyncs, with Ferry's rule: the
	// promoted pair follows the pending one instead of replacing it.
	w, f := newTestWriter(t, 50)
	tp := topicPartition{"topic", 0}
	w.maybeQueue(tp, 0, 100)
	w.maybeQueue(tp, 1, 101)
	w.promoteDelayed()
	wantSyncs(t, "delayed", w.delayed.list(), nil)
	wantSyncs(t, "pending", w.pending.list(), []offsetSync{mkSync("topic", 0, 0, 100), mkSync("topic", 0, 1, 101)})
	w.firePending()
	wantSyncs(t, "sent", f.sends(), []offsetSync{mkSync("topic", 0, 0, 100), mkSync("topic", 0, 1, 101)})
	wantSyncs(t, "pending after firing", w.pending.list(), nil)
}

func TestWriterBurstKeepsEverySync(t *testing.T) {
	// The failover flake this rule fixes: ten syncs outstanding, then a
	// burst of one partition's acknowledgements with a lag sync every few
	// records, then a commit. Java would send only the newest pair, and
	// an offset inside the burst would translate from before it; Ferry
	// sends every lag sync, then the promoted one, in order.
	w, f := newTestWriter(t, 3)
	for p := 1; p <= maxOutstandingOffsetSyncs; p++ {
		w.record(topicPartition{"other", int32(p)}, 0, 0)
	}
	tp := topicPartition{"topic", 0}
	if r := w.record(tp, 0, 13); r&syncFirst == 0 {
		t.Fatalf("first record: %v", r)
	}
	var want []offsetSync
	want = append(want, mkSync("topic", 0, 0, 13))
	for up := int64(1); up <= 10; up++ {
		if r := w.record(tp, up, 13+up); r&syncLag != 0 {
			want = append(want, mkSync("topic", 0, up, 13+up))
		}
	}
	if len(want) != 3 { // 0, 4 and 8 (a lag of 3 past 0+1 and 4+1)
		t.Fatalf("lag syncs %v", want)
	}
	w.promoteDelayed()
	want = append(want, mkSync("topic", 0, 10, 23))
	wantSyncs(t, "pending", w.pending.list(), want)
	for i := 0; i < len(want); i++ {
		f.ack(i, nil)
	}
	w.firePending()
	wantSyncs(t, "sent", f.sends()[maxOutstandingOffsetSyncs:], want)
}

func TestWriterPendingLimit(t *testing.T) {
	// Past maxPendingOffsetSyncs waiting, a partition's newest waiting
	// sync is replaced (Java's rule), but never its first one.
	w, f := newTestWriter(t, 1)
	for p := 1; p <= maxOutstandingOffsetSyncs; p++ {
		w.record(topicPartition{"other", int32(p)}, 0, 0)
	}
	a, b := topicPartition{"a", 0}, topicPartition{"b", 0}
	w.record(b, 0, 0)
	for up := int64(0); w.pending.len() < maxPendingOffsetSyncs; up++ {
		w.record(a, up, 2*up) // every pair after the first lags
	}
	w.record(b, 5, 5) // gap, appended behind b's pinned first sync
	w.record(b, 7, 7) // replaces 5 -> 5
	w.record(a, 5000, 10000)
	got := w.pending.list()
	if len(got) != maxPendingOffsetSyncs+1 {
		t.Fatalf("%d pending; want %d", len(got), maxPendingOffsetSyncs+1)
	}
	wantSyncs(t, "head", got[:2], []offsetSync{mkSync("b", 0, 0, 0), mkSync("a", 0, 0, 0)})
	wantSyncs(t, "tail", got[len(got)-2:], []offsetSync{mkSync("a", 0, 5000, 10000), mkSync("b", 0, 7, 7)})
	for i := 0; i < maxOutstandingOffsetSyncs; i++ {
		f.ack(i, nil)
	}
	w.firePending()
	wantSyncs(t, "sent", f.sends()[maxOutstandingOffsetSyncs:], got[:maxOutstandingOffsetSyncs])
}

func TestWriterOutstandingLimit(t *testing.T) {
	w, f := newTestWriter(t, 100)
	n := maxOutstandingOffsetSyncs + 3
	for p := 0; p < n; p++ {
		w.record(topicPartition{"t", int32(p)}, 0, int64(p))
	}
	if got := len(f.sends()); got != maxOutstandingOffsetSyncs {
		t.Fatalf("%d sends with %d partitions; want %d", got, n, maxOutstandingOffsetSyncs)
	}
	var waiting []offsetSync
	for p := maxOutstandingOffsetSyncs; p < n; p++ {
		waiting = append(waiting, mkSync("t", int32(p), 0, int64(p)))
	}
	wantSyncs(t, "pending", w.pending.list(), waiting)

	// An acknowledgement frees a slot but sends nothing by itself (as in
	// Java, the next record or commit does).
	f.ack(0, nil)
	if got := len(f.sends()); got != maxOutstandingOffsetSyncs {
		t.Errorf("%d sends right after an ack", got)
	}
	// A newer sync of a waiting partition goes to the end of the queue,
	// behind its first one.
	w.maybeQueue(topicPartition{"t", int32(maxOutstandingOffsetSyncs)}, 5, 500) // gap
	w.commit()
	wantSyncs(t, "sent after the commit", f.sends()[maxOutstandingOffsetSyncs:], waiting[:1])
	wantSyncs(t, "still pending", w.pending.list(),
		append(append([]offsetSync(nil), waiting[1:]...), mkSync("t", int32(maxOutstandingOffsetSyncs), 5, 500)))

	// A failed send frees its slot too.
	f.ack(1, errors.New("broker down"))
	w.firePending()
	wantSyncs(t, "sent after a failure", f.sends()[maxOutstandingOffsetSyncs+1:], waiting[1:2])
}

func TestWriterOneOutstanding(t *testing.T) {
	// Java's testFirePendingOffsetSyncs (a semaphore of 1 there; here the
	// limit is filled by other partitions): syncs wait while the limit is
	// reached and are sent later, one per freed slot; unlike Java, the
	// pending one is not replaced by the promoted one.
	w, f := newTestWriter(t, 1)
	for p := 1; p < maxOutstandingOffsetSyncs; p++ {
		w.record(topicPartition{"other", int32(p)}, 0, 0)
	}
	tp := topicPartition{"topic", 0}
	w.record(tp, 0, 100)
	if got := len(f.sends()); got != maxOutstandingOffsetSyncs {
		t.Fatalf("%d sends", got)
	}
	if r := w.record(tp, 2, 102); r != syncLag|syncGap {
		t.Errorf("0->100 then 2->102: %v", r)
	}
	if r := w.record(tp, 3, 103); r != 0 {
		t.Errorf("3->103: %v", r)
	}
	if got := len(f.sends()); got != maxOutstandingOffsetSyncs {
		t.Fatalf("%d sends while the limit is reached", got)
	}
	wantSyncs(t, "pending", w.pending.list(), []offsetSync{mkSync("topic", 0, 2, 102)})
	wantSyncs(t, "delayed", w.delayed.list(), []offsetSync{mkSync("topic", 0, 3, 103)})
	f.ack(maxOutstandingOffsetSyncs-1, nil)
	w.commit()
	wantSyncs(t, "sent", f.sends()[maxOutstandingOffsetSyncs:], []offsetSync{mkSync("topic", 0, 2, 102)})
	wantSyncs(t, "still pending", w.pending.list(), []offsetSync{mkSync("topic", 0, 3, 103)})
	f.ack(maxOutstandingOffsetSyncs, nil)
	w.firePending()
	wantSyncs(t, "sent later", f.sends()[maxOutstandingOffsetSyncs:], []offsetSync{mkSync("topic", 0, 2, 102), mkSync("topic", 0, 3, 103)})
}

func TestWriterRefusedSendFreesNoSlot(t *testing.T) {
	w, f := newTestWriter(t, 100)
	f.refuse = true
	w.record(topicPartition{"t", 0}, 0, 0)
	f.refuse = false
	if w.outstanding != 0 || w.pending.len() != 0 {
		t.Errorf("after a refused send: %d outstanding, %d pending", w.outstanding, w.pending.len())
	}
}

func TestWriterClosed(t *testing.T) {
	w, f := newTestWriter(t, 100)
	w.record(topicPartition{"t", 0}, 0, 0)
	w.maybeQueue(topicPartition{"t", 0}, 1, 1)
	w.close(context.Background())
	if !f.closed {
		t.Error("sender not closed")
	}
	if r := w.record(topicPartition{"t", 1}, 0, 0); r != 0 {
		t.Errorf("queued after close: %v", r)
	}
	w.commit()
	if got := len(f.sends()); got != 1 {
		t.Errorf("%d sends; want only the one before close", got)
	}
}

func TestWriterConcurrentRecordsAndCommits(t *testing.T) {
	// CommitRecord (the runtime's ack loop) and Commit (its offset-commit
	// ticker) run on different goroutines; -race checks the locking, and
	// every partition's syncs must be sent in offset order.
	w, f := newTestWriter(t, 5)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				w.commit()
			}
		}
	}()
	acked := 0
	ackAtShift := func() {
		sent := f.sends()
		for ; acked < len(sent); acked++ {
			f.ack(acked, nil)
		}
	}
	want := map[topicPartition]int64{}
	for i := int64(0); i < 2000; i++ {
		tp := topicPartition{"t", int32(i % 3)}
		w.record(tp, i/3, i/3)
		want[tp] = i / 3
		ackAtShift()
	}
	close(stop)
	wg.Wait()
	ackAtShift()
	w.commit()
	last := map[topicPartition]int64{}
	for _, s := range f.sends() {
		if prev, ok := last[s.tp]; ok && s.upstreamOffset <= prev {
			t.Fatalf("%v sent after upstream offset %d", s, prev)
		}
		last[s.tp] = s.upstreamOffset
	}
	if !reflect.DeepEqual(last, want) {
		t.Errorf("last syncs by partition %v; want the last records %v", last, want)
	}
}

func TestQueueOffsetSyncFromRecord(t *testing.T) {
	w, f := newTestWriter(t, 100)
	task := &MirrorSourceTask{log: testkit.Logger(t), offsetSyncs: w}
	rec := func(part any, off any) *connect.SourceRecord {
		return &connect.SourceRecord{Topic: "source.orders",
			SourcePartition: map[string]any{"cluster": "source", "topic": "orders", "partition": part},
			SourceOffset:    map[string]any{"offset": off}}
	}
	// No metadata (dropped by a transformation) or no offset: nothing.
	task.queueOffsetSync(rec(0, int64(0)), nil)
	task.queueOffsetSync(rec(0, int64(0)), &connect.RecordMetadata{Offset: -1})
	// Not MirrorMaker's source partition or offset: nothing.
	task.queueOffsetSync(rec("zero", int64(0)), &connect.RecordMetadata{Offset: 3})
	task.queueOffsetSync(rec(0, "zero"), &connect.RecordMetadata{Offset: 3})
	task.queueOffsetSync(rec(-1, int64(0)), &connect.RecordMetadata{Offset: 3})
	wantSyncs(t, "sent for unusable records", f.sends(), nil)

	task.queueOffsetSync(rec(2, int64(41)), &connect.RecordMetadata{Topic: "source.orders", Partition: 2, Offset: 7})
	task.queueOffsetSync(rec(int32(3), float64(5)), &connect.RecordMetadata{Offset: 9})
	wantSyncs(t, "sent", f.sends(), []offsetSync{mkSync("orders", 2, 41, 7), mkSync("orders", 3, 5, 9)})
}

func TestSyncQueueOrder(t *testing.T) {
	// Java's LinkedHashMap: a partition keeps its place when its sync is
	// replaced, and goes last when removed and put again.
	var q syncQueue
	q.put(mkSync("b", 0, 1, 1))
	q.put(mkSync("a", 0, 1, 1))
	q.put(mkSync("c", 0, 1, 1))
	q.put(mkSync("b", 0, 2, 2))
	q.remove(topicPartition{"a", 0})
	q.remove(topicPartition{"x", 0})
	q.put(mkSync("a", 0, 3, 3))
	wantSyncs(t, "queue", q.list(), []offsetSync{mkSync("b", 0, 2, 2), mkSync("c", 0, 1, 1), mkSync("a", 0, 3, 3)})
	var dst pendingSyncs
	dst.put(mkSync("c", 0, 0, 0), true)
	dst.put(mkSync("z", 0, 0, 0), false)
	q.moveTo(&dst)
	wantSyncs(t, "moved", dst.list(), []offsetSync{mkSync("c", 0, 0, 0), mkSync("z", 0, 0, 0),
		mkSync("b", 0, 2, 2), mkSync("c", 0, 1, 1), mkSync("a", 0, 3, 3)})
	if q.len() != 0 {
		t.Errorf("source queue keeps %d", q.len())
	}
}

func TestPendingSyncsFIFO(t *testing.T) {
	// Many more puts and pops than the compaction threshold, with a
	// replacement at the limit after each compaction: the order holds and
	// the newest-sync index follows the moves.
	var q pendingSyncs
	var want []offsetSync
	next := int64(0)
	for round := 0; round < 5; round++ {
		for q.len() < maxPendingOffsetSyncs {
			s := mkSync("t", int32(next%3), next, next)
			q.put(s, false)
			want = append(want, s)
			next++
		}
		// At the limit: replaces partition 0's newest waiting sync.
		s := mkSync("t", 0, next, next)
		q.put(s, false)
		for i := len(want) - 1; i >= 0; i-- {
			if want[i].tp.partition == 0 {
				want[i] = s
				break
			}
		}
		next++
		for i := 0; i < 700; i++ {
			got, ok := q.pop()
			if !ok || got != want[0] {
				t.Fatalf("round %d pop %d: %v %v; want %v", round, i, got, ok, want[0])
			}
			want = want[1:]
		}
		wantSyncs(t, "queue", q.list(), want)
	}
	for len(want) > 0 {
		got, _ := q.pop()
		if got != want[0] {
			t.Fatalf("pop %v; want %v", got, want[0])
		}
		want = want[1:]
	}
	if _, ok := q.pop(); ok || q.len() != 0 || len(q.newest) != 0 {
		t.Errorf("not empty: %d, %v", q.len(), q.newest)
	}
}
