package mirror

import "slices"

// syncQueue holds at most one offset sync per partition, in the order the
// partitions were first put (Java's LinkedHashMap: putting a partition
// already there replaces its sync and keeps its place).
//
// One exception, Ferry's own: a sync put with pin is never replaced. A
// newer sync of its partition waits behind it (the newest one wins, as
// before) and takes the partition's place at the end of the queue once the
// pinned sync is popped. The writer pins a partition's first sync: a later
// sync cannot stand in for it, since a checkpoint cannot translate an
// offset below a partition's earliest sync.
type syncQueue struct {
	order  []topicPartition
	syncs  map[topicPartition]offsetSync
	pinned map[topicPartition]bool
	// behind holds the newest sync of a partition whose queued sync is
	// pinned.
	behind map[topicPartition]offsetSync
}

// put queues s, replacing the partition's queued sync unless that one is
// pinned. pin marks s as not to be replaced.
func (q *syncQueue) put(s offsetSync, pin bool) {
	if q.syncs == nil {
		q.syncs = map[topicPartition]offsetSync{}
	}
	if _, ok := q.syncs[s.tp]; !ok {
		q.order = append(q.order, s.tp)
	} else if q.pinned[s.tp] {
		if q.behind == nil {
			q.behind = map[topicPartition]offsetSync{}
		}
		q.behind[s.tp] = s
		return
	}
	q.syncs[s.tp] = s
	if pin {
		if q.pinned == nil {
			q.pinned = map[topicPartition]bool{}
		}
		q.pinned[s.tp] = true
	}
}

// remove drops the partition's queued sync and the one behind it.
func (q *syncQueue) remove(tp topicPartition) {
	if _, ok := q.syncs[tp]; !ok {
		return
	}
	delete(q.syncs, tp)
	delete(q.pinned, tp)
	delete(q.behind, tp)
	q.order = slices.DeleteFunc(q.order, func(x topicPartition) bool { return x == tp })
}

// first returns the oldest entry.
func (q *syncQueue) first() (offsetSync, bool) {
	if len(q.order) == 0 {
		return offsetSync{}, false
	}
	return q.syncs[q.order[0]], true
}

// pop removes the oldest entry and returns it; a sync waiting behind it
// is queued at the end.
func (q *syncQueue) pop() (offsetSync, bool) {
	s, ok := q.first()
	if !ok {
		return s, false
	}
	next, waiting := q.behind[s.tp]
	q.remove(s.tp)
	if waiting {
		q.put(next, false)
	}
	return s, true
}

// moveTo puts every entry into dst, in order, and empties q (Java's
// pending.putAll(delayed); delayed.clear()). Pins and syncs waiting behind
// pinned ones move along.
func (q *syncQueue) moveTo(dst *syncQueue) {
	for _, tp := range q.order {
		dst.put(q.syncs[tp], q.pinned[tp])
		if next, ok := q.behind[tp]; ok {
			dst.put(next, false)
		}
	}
	q.order, q.syncs, q.pinned, q.behind = nil, nil, nil, nil
}

func (q *syncQueue) len() int { return len(q.order) }

// list returns the entries in order (not those waiting behind pinned ones).
func (q *syncQueue) list() []offsetSync {
	out := make([]offsetSync, len(q.order))
	for i, tp := range q.order {
		out[i] = q.syncs[tp]
	}
	return out
}
