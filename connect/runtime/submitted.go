package runtime

import (
	"sync"

	"github.com/ferrykafka/ferry/connect"
)

// submittedRecords tracks records handed to the producer, per source
// partition and in submission order, so that only offsets whose every
// predecessor was acknowledged are committed (Java's SubmittedRecords).
// Partitions are identified by their encoded offsets-topic key.
//
// An acknowledgement removes the acknowledged head of its partition's queue
// at once and keeps only the newest offset so freed (ready), so memory
// follows the records in flight, not those since the last offset commit.
// A record points at its partition's queue, so an acknowledgement finds it
// without a lookup; only submit looks a partition up by its key.
//
// submit and committable are called by the task's poll goroutine; ack may be
// called from the producer's goroutine.
type submittedRecords struct {
	mu      sync.Mutex
	byKey   map[string]*partitionQueue
	order   []*partitionQueue // in first-seen order, for stable output
	unacked int
	drained chan struct{} // closed when unacked drops to zero while a waiter exists
}

// partitionQueue is one source partition's records in flight and its
// newest committable offset.
type partitionQueue struct {
	key       string
	records   []*submittedRecord // oldest first; the head is never acknowledged
	ready     readyOffset
	haveReady bool
}

// readyOffset is a partition's newest committable offset, its map not yet
// made.
type readyOffset struct {
	partition map[string]any
	offset    sourceOffset
}

type submittedRecord struct {
	key       string // encoded offsets key
	partition map[string]any
	offset    sourceOffset
	acked     bool
	q         *partitionQueue // set by add
}

// sourceOffset is a record's source offset as the task gave it: a map, or
// one integer field (connect.SourceRecord.IntOffsetField) whose map is
// made only when the offset is committed.
type sourceOffset struct {
	m        map[string]any
	intField string
	intValue int64
}

// offsetOf is rec's source offset.
func offsetOf(rec *connect.SourceRecord) sourceOffset {
	return sourceOffset{m: rec.SourceOffset, intField: rec.IntOffsetField, intValue: rec.IntOffset}
}

// toMap is the offset as a map (nil for none), by SourceRecord.Offset's rule.
func (o sourceOffset) toMap() map[string]any {
	rec := connect.SourceRecord{SourceOffset: o.m, IntOffsetField: o.intField, IntOffset: o.intValue}
	return rec.Offset()
}

// committableOffset is the newest committable offset of one source partition.
type committableOffset struct {
	key       string
	partition map[string]any
	offset    map[string]any
}

func newSubmittedRecords() *submittedRecords {
	return &submittedRecords{byKey: map[string]*partitionQueue{}}
}

// submit tracks a new record of the partition key.
func (s *submittedRecords) submit(key string, partition, offset map[string]any) *submittedRecord {
	r := &submittedRecord{key: key, partition: partition, offset: sourceOffset{m: offset}}
	s.add(r)
	return r
}

// add tracks records whose key, partition and offset are set, in order.
func (s *submittedRecords) add(rs ...*submittedRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var q *partitionQueue
	for _, r := range rs {
		if q == nil || q.key != r.key {
			q = s.queue(r.key)
		}
		r.q = q
		q.records = append(q.records, r)
	}
	s.unacked += len(rs)
}

// queue returns key's queue, made (at the end of the order) if new.
func (s *submittedRecords) queue(key string) *partitionQueue {
	q := s.byKey[key]
	if q == nil {
		q = &partitionQueue{key: key}
		s.byKey[key] = q
		s.order = append(s.order, q)
	}
	return q
}

func (s *submittedRecords) ack(r *submittedRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ackLocked(r)
	s.signalDrained()
}

// ackAll acknowledges several records under one lock.
func (s *submittedRecords) ackAll(rs []*submittedRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range rs {
		s.ackLocked(r)
	}
	s.signalDrained()
}

func (s *submittedRecords) ackLocked(r *submittedRecord) {
	if r.acked {
		return
	}
	r.acked = true
	s.unacked--
	r.q.popAcked()
}

func (s *submittedRecords) signalDrained() {
	if s.unacked == 0 && s.drained != nil {
		close(s.drained)
		s.drained = nil
	}
}

// popAcked moves the acknowledged head of the queue into ready.
func (q *partitionQueue) popAcked() {
	i := 0
	for i < len(q.records) && q.records[i].acked {
		i++
	}
	if i == 0 {
		return
	}
	last := q.records[i-1]
	q.ready = readyOffset{partition: last.partition, offset: last.offset}
	q.haveReady = true
	clear(q.records[:i]) // let the records go
	q.records = q.records[i:]
}

// drop forgets a record that was submitted but never handed to the producer.
// It must be the newest record of its partition (the caller submitted it last).
func (s *submittedRecords) drop(r *submittedRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := r.q
	for i := len(q.records) - 1; i >= 0; i-- {
		if q.records[i] == r {
			q.records = append(q.records[:i], q.records[i+1:]...)
			if !r.acked {
				// Marked acknowledged so that a stray later ack cannot
				// count it a second time.
				r.acked = true
				s.unacked--
				s.signalDrained()
			}
			q.popAcked()
			return
		}
	}
}

// committable returns the newest acknowledged offset of each partition
// that advanced, in the order the partitions were first submitted. As in
// Java's SubmittedRecords, the newest offset may be nil (the task sent a
// record without a source offset): it is returned too, and flushing it
// writes a tombstone. Partitions with nothing in flight are forgotten, so
// the tracking never grows without bound.
func (s *submittedRecords) committable() []committableOffset {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []committableOffset
	keep := s.order[:0]
	for _, q := range s.order {
		if q.haveReady {
			out = append(out, committableOffset{key: q.key, partition: q.ready.partition, offset: q.ready.offset.toMap()})
			q.ready, q.haveReady = readyOffset{}, false
		}
		if len(q.records) == 0 {
			delete(s.byKey, q.key)
			continue
		}
		keep = append(keep, q)
	}
	clear(s.order[len(keep):])
	s.order = keep
	return out
}

// requeue gives back offsets that failed to flush, so the next committable
// returns them, unless a newer acknowledged offset of the partition
// superseded them meanwhile.
func (s *submittedRecords) requeue(offsets []committableOffset) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range offsets {
		q := s.queue(o.key)
		if !q.haveReady {
			q.ready, q.haveReady = readyOffset{partition: o.partition, offset: sourceOffset{m: o.offset}}, true
		}
	}
}

// pending returns the number of records not yet acknowledged.
func (s *submittedRecords) pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.unacked
}

// queued returns the number of records tracked for key (tests).
func (s *submittedRecords) queued(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q := s.byKey[key]; q != nil {
		return len(q.records)
	}
	return 0
}

// partitions returns the number of partitions tracked (tests).
func (s *submittedRecords) partitions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byKey)
}

// drainedCh returns a channel closed once every submitted record is
// acknowledged (already closed if none is outstanding).
func (s *submittedRecords) drainedCh() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unacked == 0 {
		ch := make(chan struct{})
		close(ch)
		return ch
	}
	if s.drained == nil {
		s.drained = make(chan struct{})
	}
	return s.drained
}
