package e2e

import "testing"

// syncStore is what Java's OffsetSyncStore (connect-mirror 4.x,
// KAFKA-14666) keeps of the offset syncs it read, per upstream partition:
// 64 syncs, slot 0 the latest, older slots spaced roughly exponentially back
// in upstream offsets. The checkpoint test uses it to compute the
// translation a Java MirrorCheckpointTask must arrive at from the syncs
// Ferry wrote (connect-spec §4.6). It models a store whose checkpoints
// topic was read (so every sync of the initial read is kept) and which has
// read to the end.
type syncStore map[[2]any]*[syncsPerPartition]*offsetSyncRecord

const syncsPerPartition = 64

// add is OffsetSyncStore.handleRecord. Syncs are compared by identity, as
// Java compares its OffsetSync objects with ==.
func (st syncStore) add(s offsetSyncRecord) {
	key := [2]any{s.Topic, s.Partition}
	sync := &s
	syncs := st[key]
	if syncs == nil {
		syncs = new([syncsPerPartition]*offsetSyncRecord)
		for i := range syncs {
			syncs[i] = sync
		}
		st[key] = syncs
		return
	}
	original := *syncs
	updateSyncs(syncs, &original, sync)
}

// updateSyncs is OffsetSyncStore.updateSyncArray.
func updateSyncs(syncs, original *[syncsPerPartition]*offsetSyncRecord, sync *offsetSyncRecord) {
	if sync.Upstream < syncs[0].Upstream { // an upstream rewind invalidates every sync
		for i := range syncs {
			syncs[i] = sync
		}
		return
	}
	replacement := sync
	replacementIndex := 0
	syncs[0] = replacement
	for current := 1; current < syncsPerPartition; current++ {
		previous := current - 1
		for {
			old := original[replacementIndex]
			isRecent := invariantB(syncs[previous], old, previous, current)
			separatedFromPrevious := invariantC(syncs[previous], old, previous)
			next := current + 1
			separatedFromNext := next >= syncsPerPartition || invariantC(old, syncs[next], current)
			duplicate := replacementIndex+1 < syncsPerPartition && old == original[replacementIndex+1]
			promote := isRecent && separatedFromPrevious && separatedFromNext
			if promote {
				replacement = old
			}
			skip := duplicate || !separatedFromPrevious
			if promote || skip {
				replacementIndex++
			}
			if replacementIndex >= current || !skip {
				break
			}
		}
		if invariantB(syncs[previous], syncs[current], previous, current) {
			break
		}
		syncs[current] = replacement
	}
}

func invariantB(iSync, jSync *offsetSyncRecord, i, j int) bool {
	bound := jSync.Upstream + (int64(1) << j) - (int64(1) << i)
	return iSync == jSync || bound < 0 || iSync.Upstream <= bound
}

func invariantC(iSync, jSync *offsetSyncRecord, i int) bool {
	bound := jSync.Upstream + (int64(1) << max(i-2, 0))
	return iSync == jSync || (bound >= 0 && iSync.Upstream >= bound)
}

// translate is OffsetSyncStore.translateDownstream: ok is false when there
// is no sync for the partition; -1 means the offset is older than every
// sync kept.
func (st syncStore) translate(topic string, partition int32, upstream int64) (int64, bool) {
	syncs := st[[2]any{topic, partition}]
	if syncs == nil {
		return 0, false
	}
	sync := syncs[syncsPerPartition-1]
	for _, s := range syncs {
		if s.Upstream <= upstream {
			sync = s
			break
		}
	}
	switch {
	case sync.Upstream > upstream:
		return -1, true
	case sync.Upstream == upstream:
		return sync.Downstream, true
	default:
		// Never more than one record past a sync.
		return sync.Downstream + 1, true
	}
}

// TestSyncStoreTranslation checks the model against the behaviour Java's
// OffsetSyncStoreTest.testOffsetTranslation describes, and the store's
// invariant B over many syncs.
func TestSyncStoreTranslation(t *testing.T) {
	st := syncStore{}
	tr := func(up int64) int64 {
		v, ok := st.translate("t", 0, up)
		if !ok {
			return -2
		}
		return v
	}
	if _, ok := st.translate("t", 0, 5); ok {
		t.Fatal("translated without syncs")
	}
	steps := []struct {
		sync     offsetSyncRecord
		up, want int64
	}{
		{offsetSyncRecord{"t", 0, 100, 200}, 150, 201}, // one past the sync, no dead reckoning
		{offsetSyncRecord{"t", 0, 150, 251}, 150, 251}, // exact
		{offsetSyncRecord{"t", 0, 150, 251}, 5, -1},    // before every sync
		{offsetSyncRecord{"t", 0, 200, 10}, 200, 10},   // downstream reset
		{offsetSyncRecord{"t", 0, 20, 20}, 20, 20},     // upstream rewind
		{offsetSyncRecord{"t", 0, 20, 20}, 150, 21},    // everything before the rewind forgotten
	}
	for i, s := range steps {
		if i == 0 || s.sync != steps[i-1].sync {
			st.add(s.sync)
		}
		if got := tr(s.up); got != s.want {
			t.Errorf("after %v: %d translates to %d; want %d", s.sync, s.up, got, s.want)
		}
	}

	st = syncStore{}
	for up := int64(0); up <= 9999; up += 3 {
		st.add(offsetSyncRecord{"t", 0, up, up + 7})
	}
	syncs := st[[2]any{"t", int32(0)}]
	for i := 0; i < syncsPerPartition; i++ {
		for j := i + 1; j < syncsPerPartition; j++ {
			if !invariantB(syncs[i], syncs[j], i, j) {
				t.Fatalf("invariant B broken at %d,%d: %v %v", i, j, syncs[i], syncs[j])
			}
		}
	}
	if got := tr(9999); got != 10006 {
		t.Errorf("9999 (the latest sync) translates to %d; want 10006", got)
	}
	if got := tr(10000); got != 10007 {
		t.Errorf("10000 translates to %d; want 10007", got)
	}
	for _, up := range []int64{9998, 9000, 5000, 100, 1} {
		// Never past the exact position, and syncs are kept far back.
		if got := tr(up); got > up+7 || got < 0 {
			t.Errorf("%d translates to %d; want 0..%d", up, got, up+7)
		}
	}
}
