package mirror

import "strings"

// syncReason says why a record's offsets are synced at once rather than
// delayed to the next offset commit. Several reasons may hold together.
type syncReason uint8

const (
	// syncFirst: the first record of the partition in this task's lifetime.
	syncFirst syncReason = 1 << iota
	// syncLag: the downstream offset is offset.lag.max or more past the
	// offset a checkpoint would translate to from the last sync (its
	// downstream offset + 1).
	syncLag
	// syncGap: the upstream offset is not the previous one + 1 (records
	// skipped: compaction, transaction markers, a seek, a reset).
	syncGap
	// syncBackwards: the downstream offset is below the previous one (the
	// remote topic was truncated or recreated).
	syncBackwards
)

func (r syncReason) String() string {
	if r == 0 {
		return "none"
	}
	var parts []string
	for _, n := range []struct {
		r    syncReason
		name string
	}{{syncFirst, "first"}, {syncLag, "lag"}, {syncGap, "gap"}, {syncBackwards, "backwards"}} {
		if r&n.r != 0 {
			parts = append(parts, n.name)
		}
	}
	return strings.Join(parts, "+")
}

// partitionSyncState decides, record by record, whether one upstream
// partition needs an offset sync now (Java's OffsetSyncWriter.PartitionState,
// minus its shouldSyncOffsets flag: Java resets that flag right after every
// true answer, so it never carries over from one record to the next).
type partitionSyncState struct {
	maxOffsetLag int64
	// -1 until the first record.
	previousUpstream   int64
	previousDownstream int64
	// lastSyncDownstream is the downstream offset of the last immediate
	// sync (delayed syncs sent at a commit do not move it, as in Java).
	lastSyncDownstream int64
}

func newPartitionSyncState(maxOffsetLag int64) *partitionSyncState {
	return &partitionSyncState{maxOffsetLag: maxOffsetLag, previousUpstream: -1, previousDownstream: -1, lastSyncDownstream: -1}
}

// update records that upstream was written at downstream and returns why
// this pair must be synced now, or 0 when it can wait for the next commit.
// The arithmetic wraps as Java's long arithmetic does.
func (s *partitionSyncState) update(upstream, downstream int64) syncReason {
	var r syncReason
	if s.lastSyncDownstream == -1 {
		r |= syncFirst
	}
	// A checkpoint translates an offset at most one record past a sync,
	// hence the + 1.
	if downstream-(s.lastSyncDownstream+1) >= s.maxOffsetLag {
		r |= syncLag
	}
	if upstream-s.previousUpstream != 1 {
		r |= syncGap
	}
	if downstream < s.previousDownstream {
		r |= syncBackwards
	}
	if r != 0 {
		s.lastSyncDownstream = downstream
	}
	s.previousUpstream = upstream
	s.previousDownstream = downstream
	return r
}
