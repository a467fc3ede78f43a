package mirror

import "slices"

// syncQueue holds at most one offset sync per partition, in the order the
// partitions were first put (Java's LinkedHashMap: putting a partition
// already there replaces its sync and keeps its place). The writer keeps
// its delayed syncs in one.
type syncQueue struct {
	order []topicPartition
	syncs map[topicPartition]offsetSync
}

// put queues s, replacing the partition's queued sync.
func (q *syncQueue) put(s offsetSync) {
	if q.syncs == nil {
		q.syncs = map[topicPartition]offsetSync{}
	}
	if _, ok := q.syncs[s.tp]; !ok {
		q.order = append(q.order, s.tp)
	}
	q.syncs[s.tp] = s
}

// remove drops the partition's queued sync.
func (q *syncQueue) remove(tp topicPartition) {
	if _, ok := q.syncs[tp]; !ok {
		return
	}
	delete(q.syncs, tp)
	q.order = slices.DeleteFunc(q.order, func(x topicPartition) bool { return x == tp })
}

// moveTo appends every entry to dst, in order, and empties q (Java's
// pending.putAll(delayed); delayed.clear()).
func (q *syncQueue) moveTo(dst *pendingSyncs) {
	for _, tp := range q.order {
		dst.put(q.syncs[tp], false)
	}
	q.order, q.syncs = nil, nil
}

func (q *syncQueue) len() int { return len(q.order) }

// list returns the entries in order.
func (q *syncQueue) list() []offsetSync {
	out := make([]offsetSync, len(q.order))
	for i, tp := range q.order {
		out[i] = q.syncs[tp]
	}
	return out
}

// maxPendingOffsetSyncs bounds the syncs a task keeps waiting for one of the
// outstanding slots. Past it, a partition's newest waiting sync is replaced
// by the next one, as Java always does.
const maxPendingOffsetSyncs = 1024

// pendingSyncs are the syncs waiting to be sent, oldest first: Java's
// pendingOffsetSyncs, with Ferry's own rule. Java keeps one per partition,
// a newer sync replacing the waiting one; a burst of acknowledgements while
// the ten slots are taken then leaves only the burst's last sync of each
// partition, and a checkpoint of an offset inside the burst translates from
// the sync before it, possibly far more than offset.lag.max records back.
// Ferry keeps every sync, in order, up to maxPendingOffsetSyncs; past that
// it replaces as Java does, except a partition's first sync (put with
// pin): no later sync can stand in for it, since a checkpoint cannot
// translate an offset below a partition's earliest sync.
type pendingSyncs struct {
	items []pendingSync // items[head:] wait, oldest first
	head  int
	// newest is the index in items of each waiting partition's newest
	// sync.
	newest map[topicPartition]int
}

type pendingSync struct {
	s      offsetSync
	pinned bool
}

// put queues s at the end, or in place of its partition's newest waiting
// sync when maxPendingOffsetSyncs wait and that one is not pinned.
func (q *pendingSyncs) put(s offsetSync, pin bool) {
	if q.newest == nil {
		q.newest = map[topicPartition]int{}
	}
	if i, ok := q.newest[s.tp]; ok && q.len() >= maxPendingOffsetSyncs && !q.items[i].pinned {
		q.items[i].s = s
		return
	}
	q.items = append(q.items, pendingSync{s: s, pinned: pin})
	q.newest[s.tp] = len(q.items) - 1
}

// pop removes the oldest sync and returns it.
func (q *pendingSyncs) pop() (offsetSync, bool) {
	if q.head == len(q.items) {
		return offsetSync{}, false
	}
	s := q.items[q.head].s
	if q.newest[s.tp] == q.head {
		delete(q.newest, s.tp)
	}
	q.items[q.head] = pendingSync{}
	q.head++
	switch {
	case q.head == len(q.items):
		q.items, q.head = q.items[:0], 0
	case q.head >= 64 && q.head*2 >= len(q.items):
		n := copy(q.items, q.items[q.head:])
		clear(q.items[n:])
		q.items = q.items[:n]
		for tp, i := range q.newest {
			q.newest[tp] = i - q.head
		}
		q.head = 0
	}
	return s, true
}

func (q *pendingSyncs) len() int { return len(q.items) - q.head }

// list returns the waiting syncs, oldest first.
func (q *pendingSyncs) list() []offsetSync {
	out := make([]offsetSync, 0, q.len())
	for _, it := range q.items[q.head:] {
		out = append(out, it.s)
	}
	return out
}
