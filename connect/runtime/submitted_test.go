package runtime

import (
	"reflect"
	"sync"
	"testing"

	"github.com/ferrykafka/ferry/storage"
)

func offsetKey(t *testing.T, partition map[string]any) string {
	t.Helper()
	k, err := storage.OffsetKey("c", partition)
	if err != nil {
		t.Fatal(err)
	}
	return string(k)
}

var (
	partA = map[string]any{"p": "a"}
	partB = map[string]any{"p": "b"}
)

func seqOffset(n int64) map[string]any { return map[string]any{"seq": n} }

func TestSubmittedRecordsCommittable(t *testing.T) {
	type sub struct {
		name      string
		partition map[string]any
		offset    map[string]any
	}
	type want struct {
		partition map[string]any
		offset    map[string]any
	}
	a := func(name string, seq int64) sub { return sub{name, partA, seqOffset(seq)} }
	b := func(name string, seq int64) sub { return sub{name, partB, seqOffset(seq)} }
	cases := []struct {
		name        string
		submit      []sub
		ack, drop   []string
		want        []want
		wantPending int
	}{
		{
			name:        "nothing acknowledged",
			submit:      []sub{a("a1", 1), a("a2", 2)},
			want:        nil,
			wantPending: 2,
		},
		{
			name:   "every record acknowledged in order",
			submit: []sub{a("a1", 1), a("a2", 2), a("a3", 3)},
			ack:    []string{"a1", "a2", "a3"},
			want:   []want{{partA, seqOffset(3)}},
		},
		{
			name:   "acknowledged out of order",
			submit: []sub{a("a1", 1), a("a2", 2), a("a3", 3)},
			ack:    []string{"a3", "a1", "a2"},
			want:   []want{{partA, seqOffset(3)}},
		},
		{
			name:        "only the newest acknowledged: nothing is committable",
			submit:      []sub{a("a1", 1), a("a2", 2), a("a3", 3)},
			ack:         []string{"a3"},
			want:        nil,
			wantPending: 2,
		},
		{
			name:        "an unacknowledged record stops the prefix",
			submit:      []sub{a("a1", 1), a("a2", 2), a("a3", 3), a("a4", 4)},
			ack:         []string{"a1", "a3", "a4"},
			want:        []want{{partA, seqOffset(1)}},
			wantPending: 1,
		},
		{
			name:        "source partitions are independent",
			submit:      []sub{a("a1", 1), b("b1", 1), a("a2", 2), b("b2", 2)},
			ack:         []string{"b2", "a1", "a2"},
			want:        []want{{partA, seqOffset(2)}},
			wantPending: 1,
		},
		{
			name:   "partitions come out in the order they were first submitted",
			submit: []sub{b("b1", 1), a("a1", 1), b("b2", 2), a("a2", 2)},
			ack:    []string{"a2", "a1", "b2", "b1"},
			want:   []want{{partB, seqOffset(2)}, {partA, seqOffset(2)}},
		},
		{
			name:   "dropping the newest record commits up to the one before",
			submit: []sub{a("a1", 1), a("a2", 2), a("a3", 3)},
			ack:    []string{"a1", "a2"},
			drop:   []string{"a3"},
			want:   []want{{partA, seqOffset(2)}},
		},
		{
			name:   "a dropped record's offset is never committed",
			submit: []sub{a("a1", 1)},
			drop:   []string{"a1"},
			want:   nil,
		},
		{
			name:   "nil source offset as the newest acknowledged: returned (a tombstone), as Java does",
			submit: []sub{a("a1", 1), {"a2", partA, nil}},
			ack:    []string{"a1", "a2"},
			want:   []want{{partA, nil}},
		},
		{
			name:   "nil offset followed by a real one",
			submit: []sub{{"a1", partA, nil}, a("a2", 2)},
			ack:    []string{"a1", "a2"},
			want:   []want{{partA, seqOffset(2)}},
		},
		{
			name:   "nil source partition is a partition of its own",
			submit: []sub{{"n1", nil, seqOffset(7)}, a("a1", 1), {"n2", nil, seqOffset(8)}},
			ack:    []string{"n1", "n2", "a1"},
			want:   []want{{nil, seqOffset(8)}, {partA, seqOffset(1)}},
		},
		{
			name:   "nil partition and nil offset",
			submit: []sub{{"n1", nil, nil}},
			ack:    []string{"n1"},
			want:   []want{{nil, nil}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newSubmittedRecords()
			recs := map[string]*submittedRecord{}
			for _, sb := range tc.submit {
				recs[sb.name] = s.submit(offsetKey(t, sb.partition), sb.partition, sb.offset)
			}
			for _, n := range tc.drop {
				s.drop(recs[n])
			}
			for _, n := range tc.ack {
				s.ack(recs[n])
			}
			got := s.committable()
			if len(got) != len(tc.want) {
				t.Fatalf("committable = %+v, want %+v", got, tc.want)
			}
			for i, w := range tc.want {
				if got[i].key != offsetKey(t, w.partition) || !reflect.DeepEqual(got[i].partition, w.partition) || !reflect.DeepEqual(got[i].offset, w.offset) {
					t.Errorf("committable[%d] = %s %v -> %v, want %v -> %v", i, got[i].key, got[i].partition, got[i].offset, w.partition, w.offset)
				}
			}
			if p := s.pending(); p != tc.wantPending {
				t.Errorf("pending = %d, want %d", p, tc.wantPending)
			}
			if again := s.committable(); len(again) != 0 {
				t.Errorf("a second committable returned %+v; the first should have consumed it", again)
			}
		})
	}
}

func TestSubmittedRecordsCommittableConsumesThePrefix(t *testing.T) {
	s := newSubmittedRecords()
	ka := offsetKey(t, partA)
	r1 := s.submit(ka, partA, seqOffset(1))
	r2 := s.submit(ka, partA, seqOffset(2))
	s.ack(r1)
	if got := s.committable(); len(got) != 1 || got[0].offset["seq"] != int64(1) {
		t.Fatalf("first committable = %+v, want seq 1", got)
	}
	r3 := s.submit(ka, partA, seqOffset(3))
	s.ack(r3)
	if got := s.committable(); len(got) != 0 {
		t.Fatalf("committable with r2 outstanding = %+v, want none", got)
	}
	s.ack(r2)
	if got := s.committable(); len(got) != 1 || got[0].offset["seq"] != int64(3) {
		t.Fatalf("committable after r2 = %+v, want seq 3", got)
	}
	if n := s.partitions(); n != 0 || len(s.order) != 0 {
		t.Errorf("drained partitions are still tracked: %d partitions, order %d", n, len(s.order))
	}
	// A partition seen again after being cleaned up goes to the end.
	kb := offsetKey(t, partB)
	s.ack(s.submit(kb, partB, seqOffset(1)))
	s.ack(s.submit(ka, partA, seqOffset(4)))
	got := s.committable()
	if len(got) != 2 || got[0].key != kb || got[1].key != ka {
		t.Errorf("order after cleanup = %+v, want b then a", got)
	}
}

// A task whose records carry no source offset (or partition) must not make
// the worker keep every record forever.
func TestSubmittedRecordsNilOffsetsDoNotAccumulate(t *testing.T) {
	s := newSubmittedRecords()
	key := offsetKey(t, nil)
	for i := 0; i < 1000; i++ {
		s.ack(s.submit(key, nil, nil))
	}
	got := s.committable()
	if len(got) != 1 || got[0].key != `["c",null]` || got[0].offset != nil {
		t.Fatalf("committable = %+v, want one nil offset for [\"c\",null]", got)
	}
	if n := s.queued(key); n != 0 {
		t.Errorf("%d acknowledged records are still queued", n)
	}
}

func TestSubmittedRecordsDrainedCh(t *testing.T) {
	closed := func(ch <-chan struct{}) bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	s := newSubmittedRecords()
	if !closed(s.drainedCh()) {
		t.Fatal("drainedCh with nothing submitted is not closed")
	}
	k := offsetKey(t, partA)
	r1 := s.submit(k, partA, seqOffset(1))
	r2 := s.submit(k, partA, seqOffset(2))
	r3 := s.submit(k, partA, seqOffset(3))
	ch := s.drainedCh()
	if ch2 := s.drainedCh(); ch2 != ch {
		t.Error("two waiters got different channels")
	}
	if closed(ch) {
		t.Fatal("drainedCh closed with 3 outstanding")
	}
	s.ack(r2)
	s.ack(r2) // a duplicate ack counts once
	if closed(ch) || s.pending() != 2 {
		t.Fatalf("after acking r2 twice: closed=%v pending=%d, want open and 2", closed(ch), s.pending())
	}
	s.ack(r1)
	if closed(ch) {
		t.Fatal("drainedCh closed with r3 outstanding")
	}
	s.drop(r3) // dropping the last outstanding record drains too
	if !closed(ch) {
		t.Fatal("drainedCh not closed once nothing is outstanding")
	}
	s.ack(r3) // a stray ack of a dropped record must not count twice
	if p := s.pending(); p != 0 {
		t.Fatalf("pending after ack of a dropped record = %d, want 0", p)
	}
	r4 := s.submit(k, partA, seqOffset(4))
	ch4 := s.drainedCh()
	if closed(ch4) {
		t.Fatal("drainedCh after a new submit is closed")
	}
	s.ack(r4)
	if !closed(ch4) {
		t.Fatal("drainedCh not closed after the new record was acknowledged")
	}
	if got := s.committable(); len(got) != 1 || got[0].offset["seq"] != int64(4) {
		t.Errorf("committable = %+v, want seq 4 (r3 was dropped)", got)
	}
}

func TestSubmittedRecordsConcurrentAcks(t *testing.T) {
	s := newSubmittedRecords()
	const parts, perPart = 4, 250
	var recs []*submittedRecord
	keys := make([]string, parts)
	for p := 0; p < parts; p++ {
		keys[p] = offsetKey(t, map[string]any{"p": p})
	}
	for i := 0; i < perPart; i++ {
		for p := 0; p < parts; p++ {
			recs = append(recs, s.submit(keys[p], map[string]any{"p": p}, seqOffset(int64(i))))
		}
	}
	drained := s.drainedCh()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := len(recs) - 1 - g; i >= 0; i -= 8 {
				s.ack(recs[i])
			}
		}()
	}
	latest := map[string]int64{}
	for done := false; !done; {
		select {
		case <-drained:
			done = true
		default:
		}
		for _, c := range s.committable() {
			seq := c.offset["seq"].(int64)
			if prev, ok := latest[c.key]; ok && seq <= prev {
				t.Errorf("partition %s did not move forward: %d after %d", c.key, seq, prev)
			}
			latest[c.key] = seq
		}
	}
	wg.Wait()
	for _, c := range s.committable() {
		latest[c.key] = c.offset["seq"].(int64)
	}
	for p, k := range keys {
		if latest[k] != perPart-1 {
			t.Errorf("partition %d: last committed seq %d, want %d", p, latest[k], perPart-1)
		}
	}
	if s.pending() != 0 {
		t.Errorf("pending = %d", s.pending())
	}
}

// Acknowledged records are let go at once: between two commits only the
// records in flight and the newest acknowledged offset per partition are
// kept.
func TestSubmittedRecordsFreeAcknowledgedRecords(t *testing.T) {
	s := newSubmittedRecords()
	var last *submittedRecord
	for i := 0; i < 1000; i++ {
		last = s.submit("p", map[string]any{"p": 0}, map[string]any{"offset": i})
		s.ack(last)
	}
	inFlight := s.submit("p", map[string]any{"p": 0}, map[string]any{"offset": 1000})
	if n := s.queued("p"); n != 1 {
		t.Errorf("%d records kept in the queue; want only the one in flight", n)
	}
	got := s.committable()
	if len(got) != 1 || got[0].offset["offset"] != 999 {
		t.Fatalf("committable = %v; want offset 999", got)
	}
	if again := s.committable(); len(again) != 0 {
		t.Errorf("committable again = %v; want nothing new", again)
	}
	// Out of order: the later record's ack waits for the earlier one's.
	next := s.submit("p", map[string]any{"p": 0}, map[string]any{"offset": 1001})
	s.ack(next)
	if got := s.committable(); len(got) != 0 {
		t.Errorf("committable = %v before offset 1000 was acknowledged", got)
	}
	s.ack(inFlight)
	if got := s.committable(); len(got) != 1 || got[0].offset["offset"] != 1001 {
		t.Errorf("committable = %v; want offset 1001", got)
	}
	if s.pending() != 0 || s.partitions() != 0 {
		t.Errorf("pending %d, %d partitions tracked; want all gone", s.pending(), s.partitions())
	}
}

// Offsets given back after a failed flush never replace an offset of the
// same partition acknowledged meanwhile.
func TestSubmittedRecordsRequeueKeepsNewerOffsets(t *testing.T) {
	s := newSubmittedRecords()
	ka, kb := offsetKey(t, partA), offsetKey(t, partB)
	s.ack(s.submit(ka, partA, seqOffset(1)))
	s.ack(s.submit(kb, partB, seqOffset(1)))
	failed := s.committable()                // the flush of these fails...
	s.ack(s.submit(ka, partA, seqOffset(2))) // ...while a=2 is acknowledged
	s.requeue(failed)
	got := s.committable()
	if len(got) != 2 || got[0].key != ka || got[0].offset["seq"] != int64(2) || got[1].key != kb || got[1].offset["seq"] != int64(1) {
		t.Errorf("committable after requeue = %+v; want a=2 (not the older a=1) and b=1", got)
	}
}
