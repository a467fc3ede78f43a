package mirror

import (
	"fmt"
	"math"
	"testing"
)

// TestPartitionSyncStateRules runs Java's PartitionState rules over record
// sequences: each step is (upstream, downstream) and the reasons to sync it
// now (0: delayed to the next commit).
func TestPartitionSyncStateRules(t *testing.T) {
	type step struct {
		up, down int64
		want     syncReason
	}
	for _, tc := range []struct {
		name  string
		lag   int64
		steps []step
	}{
		{"first record at offset 0", 100, []step{{0, 0, syncFirst}, {1, 1, 0}, {2, 2, 0}}},
		{"first record after a gap", 100, []step{{5, 0, syncFirst | syncGap}, {6, 1, 0}}},
		// Before the first sync the lag is measured from downstream 0.
		{"first record, downstream below the lag", 100, []step{{0, 99, syncFirst}, {1, 100, 0}}},
		{"first record, downstream at the lag", 100, []step{{0, 100, syncFirst | syncLag}, {1, 101, 0}}},
		// Java's OffsetSyncWriterTest.testMaybeQueueOffsetSyncs.
		{"java: lag 2", 2, []step{{0, 1, syncFirst}, {1, 2, 0}}},
		{"lag 3: at lastSync+1+3", 3, []step{
			{0, 0, syncFirst}, {1, 1, 0}, {2, 2, 0}, {3, 3, 0}, {4, 4, syncLag},
			{5, 5, 0}, {6, 6, 0}, {7, 7, 0}, {8, 8, syncLag},
		}},
		{"lag 1: every other record", 1, []step{{0, 0, syncFirst}, {1, 1, 0}, {2, 2, syncLag}, {3, 3, 0}, {4, 4, syncLag}}},
		{"lag 0: every record", 0, []step{{0, 0, syncFirst | syncLag}, {1, 1, syncLag}, {2, 2, syncLag}}},
		{"negative lag: every record", -5, []step{{0, 0, syncFirst | syncLag}, {1, 1, syncLag}}},
		{"downstream jumps past the lag", 100, []step{{0, 0, syncFirst}, {1, 1, 0}, {2, 101, syncLag}, {3, 102, 0}}},
		{"upstream gap (compaction, transaction marker)", 100, []step{
			{0, 0, syncFirst}, {1, 1, 0}, {3, 2, syncGap}, {4, 3, 0}, {10, 4, syncGap},
		}},
		{"upstream backwards (a reset) is a gap", 100, []step{{10, 10, syncFirst | syncGap}, {11, 11, 0}, {3, 12, syncGap}}},
		{"upstream repeated is a gap", 100, []step{{0, 0, syncFirst}, {0, 1, syncGap}}},
		{"downstream backwards (target truncated)", 100, []step{
			{0, 10, syncFirst}, {1, 11, 0}, {2, 12, 0}, {3, 2, syncBackwards}, {4, 3, 0},
		}},
		{"downstream repeated is not backwards", 100, []step{{0, 10, syncFirst}, {1, 10, 0}}},
		{"gap and backwards together", 100, []step{{0, 10, syncFirst}, {5, 3, syncGap | syncBackwards}}},
		{"lag and gap together", 2, []step{{0, 0, syncFirst}, {1, 1, 0}, {9, 3, syncLag | syncGap}}},
		// A delayed pair (not synced) does not move the last sync: the lag
		// is measured from the last immediate sync.
		{"lag counts from the last immediate sync", 5, []step{
			{0, 0, syncFirst}, {1, 1, 0}, {2, 2, 0}, {3, 3, 0}, {4, 4, 0}, {5, 5, 0}, {6, 6, syncLag},
		}},
		{"lag restarts after a gap sync", 3, []step{
			{0, 0, syncFirst}, {1, 1, 0}, {5, 2, syncGap}, {6, 3, 0}, {7, 4, 0}, {8, 5, 0}, {9, 6, syncLag},
		}},
		// Java's long arithmetic wraps; so does Go's.
		{"huge lag never triggers", math.MaxInt64, []step{{0, 0, syncFirst}, {1, 1 << 62, 0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newPartitionSyncState(tc.lag)
			for i, st := range tc.steps {
				if got := s.update(st.up, st.down); got != st.want {
					t.Errorf("step %d (%d -> %d): %v; want %v", i, st.up, st.down, got, st.want)
				}
			}
		})
	}
}

func TestPartitionSyncStateLastSync(t *testing.T) {
	// Java's OffsetSyncWriterTest: lastSyncDownstreamOffset follows the
	// immediate syncs only.
	s := newPartitionSyncState(2)
	s.update(0, 1)
	if s.lastSyncDownstream != 1 {
		t.Fatalf("lastSyncDownstream %d; want 1", s.lastSyncDownstream)
	}
	s.update(1, 2)
	if s.lastSyncDownstream != 1 || s.previousUpstream != 1 || s.previousDownstream != 2 {
		t.Fatalf("after a delayed pair: %+v", *s)
	}
}

func TestSyncReasonString(t *testing.T) {
	for r, want := range map[syncReason]string{
		0: "none", syncFirst: "first", syncLag | syncGap: "lag+gap",
		syncFirst | syncLag | syncGap | syncBackwards: "first+lag+gap+backwards",
	} {
		if got := fmt.Sprint(r); got != want {
			t.Errorf("%d: %q; want %q", r, got, want)
		}
	}
}
