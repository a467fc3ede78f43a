package runtime

import (
	"sync"
)

// submittedRecords tracks records handed to the producer, per source
// partition and in submission order, so that only offsets whose every
// predecessor was acknowledged are committed (Java's SubmittedRecords).
// Partitions are identified by their encoded offsets-topic key.
//
// An acknowledgement removes the acknowledged head of its partition's queue
// at once and keeps only the newest offset so freed (ready), so memory
// follows the records in flight, not those since the last offset commit.
//
// submit and committable are called by the task's poll goroutine; ack may be
// called from the producer's goroutine.
type submittedRecords struct {
	mu       sync.Mutex
	queues   map[string][]*submittedRecord
	ready    map[string]committableOffset // newest committable offset per partition
	unacked  int
	drained  chan struct{} // closed when unacked drops to zero while a waiter exists
	order    []string      // partition keys in first-seen order, for stable output
	inQueues map[string]bool
}

type submittedRecord struct {
	key       string // encoded offsets key
	partition map[string]any
	offset    map[string]any
	acked     bool
}

// committableOffset is the newest committable offset of one source partition.
type committableOffset struct {
	key       string
	partition map[string]any
	offset    map[string]any
}

func newSubmittedRecords() *submittedRecords {
	return &submittedRecords{queues: map[string][]*submittedRecord{}, ready: map[string]committableOffset{},
		inQueues: map[string]bool{}}
}

func (s *submittedRecords) submit(key string, partition, offset map[string]any) *submittedRecord {
	r := &submittedRecord{key: key, partition: partition, offset: offset}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.inQueues[key] {
		s.inQueues[key] = true
		s.order = append(s.order, key)
	}
	s.queues[key] = append(s.queues[key], r)
	s.unacked++
	return r
}

func (s *submittedRecords) ack(r *submittedRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.acked {
		return
	}
	r.acked = true
	s.unacked--
	s.popAcked(r.key)
	if s.unacked == 0 && s.drained != nil {
		close(s.drained)
		s.drained = nil
	}
}

// popAcked moves the acknowledged head of key's queue into ready.
func (s *submittedRecords) popAcked(key string) {
	q := s.queues[key]
	i := 0
	for i < len(q) && q[i].acked {
		i++
	}
	if i == 0 {
		return
	}
	last := q[i-1]
	s.ready[key] = committableOffset{key: key, partition: last.partition, offset: last.offset}
	clear(q[:i]) // let the records go
	s.queues[key] = q[i:]
}

// drop forgets a record that was submitted but never handed to the producer.
// It must be the newest record of its partition (the caller submitted it last).
func (s *submittedRecords) drop(r *submittedRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queues[r.key]
	for i := len(q) - 1; i >= 0; i-- {
		if q[i] == r {
			s.queues[r.key] = append(q[:i], q[i+1:]...)
			if !r.acked {
				// Marked acknowledged so that a stray later ack cannot
				// count it a second time.
				r.acked = true
				s.unacked--
				if s.unacked == 0 && s.drained != nil {
					close(s.drained)
					s.drained = nil
				}
			}
			return
		}
	}
}

// committable removes the acknowledged head of every queue and returns the
// newest offset of each partition that advanced, in the order the
// partitions were first submitted. As in Java's SubmittedRecords, the
// newest offset may be nil (the task sent a record without a source
// offset): it is returned too, and flushing it writes a tombstone. Either
// way the acknowledged head is removed, so queues never grow without bound.
func (s *submittedRecords) committable() []committableOffset {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []committableOffset
	keep := s.order[:0]
	for _, key := range s.order {
		s.popAcked(key)
		if c, ok := s.ready[key]; ok {
			out = append(out, c)
			delete(s.ready, key)
		}
		q := s.queues[key]
		if len(q) == 0 {
			delete(s.queues, key)
			delete(s.inQueues, key)
			continue
		}
		s.queues[key] = q
		keep = append(keep, key)
	}
	s.order = keep
	return out
}

// pending returns the number of records not yet acknowledged.
func (s *submittedRecords) pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.unacked
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
