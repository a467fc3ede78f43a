package mirror

import "slices"

// syncQueue holds at most one offset sync per partition, in the order the
// partitions were first put (Java's LinkedHashMap: putting a partition
// already there replaces its sync and keeps its place).
type syncQueue struct {
	order []topicPartition
	syncs map[topicPartition]offsetSync
}

func (q *syncQueue) put(s offsetSync) {
	if q.syncs == nil {
		q.syncs = map[topicPartition]offsetSync{}
	}
	if _, ok := q.syncs[s.tp]; !ok {
		q.order = append(q.order, s.tp)
	}
	q.syncs[s.tp] = s
}

func (q *syncQueue) remove(tp topicPartition) {
	if _, ok := q.syncs[tp]; !ok {
		return
	}
	delete(q.syncs, tp)
	q.order = slices.DeleteFunc(q.order, func(x topicPartition) bool { return x == tp })
}

// first returns the oldest entry.
func (q *syncQueue) first() (offsetSync, bool) {
	if len(q.order) == 0 {
		return offsetSync{}, false
	}
	return q.syncs[q.order[0]], true
}

// moveTo puts every entry into dst, in order, and empties q (Java's
// pending.putAll(delayed); delayed.clear()).
func (q *syncQueue) moveTo(dst *syncQueue) {
	for _, tp := range q.order {
		dst.put(q.syncs[tp])
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
