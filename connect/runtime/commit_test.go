package runtime

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/storage/memstore"
)

// flakyOffsetStore fails the next failures Set calls.
type flakyOffsetStore struct {
	*memstore.OffsetStore
	mu       sync.Mutex
	failures int
	sets     int
}

func (s *flakyOffsetStore) Set(ctx context.Context, entries []storage.OffsetEntry) error {
	s.mu.Lock()
	s.sets++
	fail := s.failures > 0
	if fail {
		s.failures--
	}
	s.mu.Unlock()
	if fail {
		return errors.New("offsets topic unavailable")
	}
	return s.OffsetStore.Set(ctx, entries)
}

// commitTask is a workerTask with just what commitOffsets uses.
func commitTask(t *testing.T, store storage.OffsetStore, p *probe) *workerTask {
	w := New(Config{}, nil, store, newRecordingStatuses(t), zerolog.Nop())
	return &workerTask{w: w, id: taskID("c", 0), submitted: newSubmittedRecords(), task: &seqTask{p: p}, log: zerolog.Nop()}
}

// Offsets that fail to flush are flushed by the next commit, unless a newer
// acknowledged offset of the same partition replaces them.
func TestCommitOffsetsRetriesAFailedFlush(t *testing.T) {
	store := &flakyOffsetStore{OffsetStore: startedOffsetStore(t), failures: 1}
	p := newProbe()
	wt := commitTask(t, store, p)
	send := func(partition map[string]any, seq int64) {
		r := wt.submitted.submit(offsetKey(t, partition), partition, seqOffset(seq))
		wt.submitted.ack(r)
	}
	read := func(partition map[string]any) map[string]any {
		off, err := offsetReader{connector: "c", store: store}.Offset(context.Background(), partition)
		if err != nil {
			t.Fatal(err)
		}
		return off
	}
	commits := func() int {
		var n int
		p.with(func() { n = p.taskCommits[0] })
		return n
	}

	send(partA, 1)
	send(partB, 1)
	if wt.commitOffsets() {
		t.Fatal("commitOffsets reported success although the store failed")
	}
	if commits() != 0 {
		t.Error("SourceTask.Commit called after a failed flush")
	}
	if read(partA) != nil || read(partB) != nil {
		t.Fatal("offsets stored by a failed flush")
	}

	send(partA, 2) // supersedes the failed a=1
	if !wt.commitOffsets() {
		t.Fatal("second commit failed")
	}
	if got := read(partA); got["seq"] != int64(2) {
		t.Errorf("a = %v, want seq 2", got)
	}
	if got := read(partB); got["seq"] != int64(1) {
		t.Errorf("b = %v, want seq 1 (retried from the failed flush)", got)
	}
	if commits() != 1 {
		t.Errorf("SourceTask.Commit called %d times, want 1", commits())
	}
	if len(wt.submitted.committable()) != 0 {
		t.Error("offsets left over after a successful flush")
	}

	// Nothing new: no write, but the task is still told to commit (Java
	// calls SourceTask.commit on every successful commit cycle).
	store.mu.Lock()
	sets := store.sets
	store.mu.Unlock()
	if !wt.commitOffsets() {
		t.Fatal("empty commit failed")
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	if store.sets != sets {
		t.Error("an empty commit wrote to the store")
	}
	if commits() != 2 {
		t.Errorf("SourceTask.Commit called %d times, want 2", commits())
	}
}

// A record whose offset is one integer field (SourceRecord.IntOffsetField)
// is committed exactly as the same offset given as a map, and only the
// newest acknowledged one of a partition is written.
func TestCommitOffsetsIntOffsetField(t *testing.T) {
	mapStore, intStore := startedOffsetStore(t), startedOffsetStore(t)
	p := newProbe()
	viaMap, viaInt := commitTask(t, mapStore, p), commitTask(t, intStore, p)
	key := offsetKey(t, partA)
	for seq := int64(1); seq <= 3; seq++ {
		viaMap.submitted.ack(viaMap.submitted.submit(key, partA, map[string]any{"offset": seq << 40}))
		rec := &connect.SourceRecord{SourcePartition: partA, IntOffsetField: "offset", IntOffset: seq << 40}
		r := &submittedRecord{key: key, partition: partA, offset: offsetOf(rec)}
		viaInt.submitted.add(r)
		viaInt.submitted.ack(r)
	}
	if !viaMap.commitOffsets() || !viaInt.commitOffsets() {
		t.Fatal("commit failed")
	}
	get := func(s storage.OffsetStore) []byte {
		got, err := s.Get(context.Background(), [][]byte{[]byte(key)})
		if err != nil {
			t.Fatal(err)
		}
		return got[key]
	}
	want := `{"offset":3298534883328}`
	if m, i := string(get(mapStore)), string(get(intStore)); m != want || i != want {
		t.Errorf("stored offsets: via a map %s, via IntOffset %s; want both %s", m, i, want)
	}
	off, err := offsetReader{connector: "c", store: intStore}.Offset(context.Background(), partA)
	if err != nil || off["offset"] != int64(3<<40) {
		t.Errorf("read back %v, %v; want offset %d", off, err, int64(3<<40))
	}
}
