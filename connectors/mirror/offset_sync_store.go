package mirror

import (
	"strconv"
	"strings"
)

// This file is the in-memory half of Java's OffsetSyncStore: for every
// upstream partition a fixed array of offset syncs, updated as syncs are
// read from the offset-syncs topic and searched to translate a consumer
// group's upstream offset into a downstream one. It does no I/O; the reader
// (offset_sync_store_reader.go) feeds it and serialises access.
//
// The array of a partition holds syncsPerPartition entries, newest first.
// Entries may repeat (a run of equal entries is one stored sync). The rules
// the update keeps, for slots i < j holding different syncs (Java's class
// javadoc calls them invariants A-D):
//
//	A  slot 0 is the newest sync read;
//	B  s[i].upstream <= s[j].upstream + 2^j - 2^i  (an older slot is not
//	   too far behind the slots before it: precision degrades at most
//	   exponentially with the slot number);
//	C  s[i].upstream >= s[j].upstream + 2^max(i-2,0)  (distinct syncs are
//	   spread out, so 64 slots cover the whole offset range);
//	D  slot 63 is the oldest sync still usable for translation.
//
// Both B and C only need checking between neighbours while updating, and
// then hold for every pair, so an update is linear in the slot count.
//
// Two special cases clear the whole array down to the new sync: an upstream
// rewind (the new sync is below slot 0: every older sync describes a
// history that no longer exists), and every sync read during the initial
// read when initializationMustReadToEnd is set (the checkpoint task could
// not load its previous checkpoints, so it must never translate with a sync
// older than the last one present at start, or it might emit a checkpoint
// behind one emitted by an earlier generation of the task).

// syncsPerPartition is the number of slots per partition: one per bit of
// an int64 offset.
const syncsPerPartition = 64

// retainedSync is one sync held in a slot. Java compares the syncs in its
// arrays by reference, so two records with equal offsets are still two
// different syncs; id (unique per sync handled) gives Go's value
// comparison the same meaning.
type retainedSync struct {
	upstream   int64
	downstream int64
	id         uint64
}

// syncArray is the slot array of one partition. Once published in a
// syncArrays it is never modified: an update builds a new array, so a
// reader holding an old one sees a consistent state.
type syncArray [syncsPerPartition]retainedSync

// String lists the distinct syncs as "upstream:downstream", newest first
// (a run of one sync over several slots is printed once).
func (s *syncArray) String() string {
	var b strings.Builder
	b.WriteByte('[')
	for i := range s {
		if i > 0 && s[i] == s[i-1] {
			continue
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(s[i].upstream, 10))
		b.WriteByte(':')
		b.WriteString(strconv.FormatInt(s[i].downstream, 10))
	}
	b.WriteByte(']')
	return b.String()
}

// distinct counts the different syncs held.
func (s *syncArray) distinct() int {
	n := 1
	for i := 1; i < syncsPerPartition; i++ {
		if s[i] != s[i-1] {
			n++
		}
	}
	return n
}

// fill makes every slot hold sync, which satisfies B and C trivially.
func (s *syncArray) fill(sync retainedSync) {
	for i := range s {
		s[i] = sync
	}
}

// boundB is rule B between slot i holding a and slot j (> i) holding b.
// The shifts and sums wrap around as Java's long arithmetic does; a bound
// that wrapped negative is treated as no bound.
func boundB(a, b retainedSync, i, j int) bool {
	limit := b.upstream + (int64(1) << j) - (int64(1) << i)
	return a == b || limit < 0 || a.upstream <= limit
}

// boundC is rule C between slot i holding a and the later slot holding b.
func boundC(a, b retainedSync, i int) bool {
	limit := b.upstream + (int64(1) << max(i-2, 0))
	return a == b || (limit >= 0 && a.upstream >= limit)
}

// insert makes s, a copy of prev, hold the new sync in slot 0 and repairs
// rule B from slot 1 on (Java's updateSyncArray, the non-clearing case).
//
// Walking down the slots, it keeps a candidate that fits the current slot:
// at first the new sync itself, later an older sync of prev promoted when
// it fits at the current slot with room (rule C) on both sides. A slot
// whose sync still satisfies B against the slot before it ends the repair:
// the rest of the array is unchanged and still valid. Otherwise the slot
// takes the candidate. Preferring promoted older syncs keeps more distinct
// syncs over the array.
func (s *syncArray) insert(prev *syncArray, sync retainedSync) {
	candidate := sync
	next := 0 // index into prev of the next old sync to consider
	s[0] = sync
	for cur := 1; cur < syncsPerPartition; cur++ {
		before := cur - 1
		for {
			old := prev[next]
			// Not too old for this slot (it may fit a later slot if not).
			fits := boundB(s[before], old, before, cur)
			// Far enough from the slot before; when it is not, it never
			// will be at a later slot either.
			apartBefore := boundC(s[before], old, before)
			// Far enough from what the next slot holds now.
			apartAfter := cur+1 >= syncsPerPartition || boundC(old, s[cur+1], cur)
			// The next old slot holds the same sync: nothing new there.
			repeated := next+1 < syncsPerPartition && old == prev[next+1]

			promote := fits && apartBefore && apartAfter
			if promote {
				candidate = old
			}
			skip := repeated || !apartBefore
			if promote || skip {
				next++
			}
			// Old syncs move only towards later slots, so the index never
			// passes the current slot.
			if next >= cur || !skip {
				break
			}
		}
		if boundB(s[before], s[cur], before, cur) {
			// B holds here, hence for every later slot too.
			break
		}
		s[cur] = candidate
	}
}

// translation is the outcome of a lookup, for the store's debug log.
type translation int

const (
	// translationNotReady: the initial read of the topic has not finished.
	translationNotReady translation = iota
	// translationNoSync: no sync is known for the partition.
	translationNoSync
	// translationTooOld: even the oldest retained sync is ahead of the
	// group's offset; the result is -1.
	translationTooOld
	// translationDone: the result is the downstream offset.
	translationDone
)

// syncArrays is the pure core of the offset sync store: the arrays of all
// partitions and the state of the initial read. It is not safe for
// concurrent use; the store guards it.
type syncArrays struct {
	// mustReadToEnd is Java's initializationMustReadToEnd.
	mustReadToEnd bool
	// readToEnd: the initial read of the topic finished. Nothing is
	// translated before.
	readToEnd bool
	lastID    uint64
	parts     map[topicPartition]*syncArray
}

func newSyncArrays(initializationMustReadToEnd bool) *syncArrays {
	return &syncArrays{mustReadToEnd: initializationMustReadToEnd, parts: map[topicPartition]*syncArray{}}
}

// finishInitialRead says that the syncs present when the store started
// have all been handled: translation is available from now on, and later
// syncs are added to the history rather than replacing it.
func (a *syncArrays) finishInitialRead() { a.readToEnd = true }

// handle applies one sync read from the topic and returns the partition's
// new array (not to be modified).
func (a *syncArrays) handle(sync offsetSync) *syncArray {
	a.lastID++
	n := retainedSync{upstream: sync.upstreamOffset, downstream: sync.downstreamOffset, id: a.lastID}
	prev := a.parts[sync.tp]
	next := new(syncArray)
	switch {
	case prev == nil,
		a.mustReadToEnd && !a.readToEnd, // keep only the last sync of the initial read
		n.upstream < prev[0].upstream:   // upstream rewind
		next.fill(n)
	default:
		*next = *prev
		next.insert(prev, n)
	}
	a.parts[sync.tp] = next
	return next
}

// syncs returns the array of tp, nil if no sync is known.
func (a *syncArrays) syncs(tp topicPartition) *syncArray { return a.parts[tp] }

// lookup translates upstream, the committed offset of a group on tp, and
// says how; used is the sync it relied on (when one was found).
//
// The sync used is the newest one at or before upstream, or the oldest
// retained when all are ahead of it (then the result is -1: the group is
// behind everything the store can translate). At the sync's own offset
// the answer is its downstream offset; past it, one more than that and no
// further: the records between the sync and the group's offset may or may
// not have been replicated, so guessing more could skip records the group
// has not read. Re-reading a few is the price.
func (a *syncArrays) lookup(tp topicPartition, upstream int64) (downstream int64, used retainedSync, how translation) {
	if !a.readToEnd {
		return 0, used, translationNotReady
	}
	s := a.parts[tp]
	if s == nil {
		return 0, used, translationNoSync
	}
	used = s[syncsPerPartition-1]
	for i := range s {
		if s[i].upstream <= upstream {
			used = s[i]
			break
		}
	}
	switch {
	case used.upstream > upstream:
		return -1, used, translationTooOld
	case used.upstream == upstream:
		return used.downstream, used, translationDone
	default:
		return used.downstream + 1, used, translationDone
	}
}

// translate is lookup without the details: ok is false when nothing can be
// said (initial read not finished, or no sync for tp).
func (a *syncArrays) translate(tp topicPartition, upstream int64) (int64, bool) {
	d, _, how := a.lookup(tp, upstream)
	return d, how >= translationTooOld
}
