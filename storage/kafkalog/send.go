package kafkalog

import (
	"context"
	"sync"

	"github.com/IBM/sarama"
)

// sender tracks records handed to the producer until it reports them.
type sender struct {
	l *Log

	mu        sync.RWMutex // read-held while handing a record to the producer
	closed    bool
	closing   chan struct{} // closed first thing in Stop, unblocks senders
	closeOnce sync.Once

	pmu     sync.Mutex
	next    uint64
	open    map[uint64]struct{}
	changed chan struct{} // closed and replaced when a send completes

	// Sends made before the log is ready (the leaders of a topic Start
	// just created are not known yet) wait in waiting, in order, and go
	// to the producer when it is (release); direct is set from then on.
	// Senders do not block meanwhile, as Java's producer, which may block
	// a send on metadata, does not for a topic it knows.
	qmu     sync.Mutex
	waiting []*sarama.ProducerMessage
	direct  bool
}

type sendReq struct {
	seq  uint64
	done func(error)
}

func (s *sender) init(l *Log) {
	s.l = l
	s.closing = make(chan struct{})
	s.open = map[uint64]struct{}{}
	s.changed = make(chan struct{})
}

// SendAsync writes a record and calls done (possibly from another goroutine)
// once the broker acknowledged it with acks=all, or with the final error
// after retries. A nil value is a tombstone. done may be nil; it must not
// block for long (send completions are reported one at a time) and must not
// call Send, ReadToEnd or Flush.
func (l *Log) SendAsync(key, value []byte, done func(error)) {
	if done == nil {
		done = func(error) {}
	}
	if err := l.sends.send(key, value, done); err != nil {
		done(err)
	}
}

// Send writes a record and waits for the broker's acknowledgement (acks=all)
// or ctx. A nil value is a tombstone. If ctx ends first the record may still
// be written later.
func (l *Log) Send(ctx context.Context, key, value []byte) error {
	ch := make(chan error, 1)
	l.SendAsync(key, value, func(err error) { ch <- err })
	select {
	case err := <-ch:
		if err != nil {
			return l.errorf("send: %w", err)
		}
		return nil
	case <-ctx.Done():
		return l.errorf("send: %w", ctx.Err())
	}
}

// Flush waits until every record handed to SendAsync or Send before the call
// has been acknowledged or has failed.
func (l *Log) Flush(ctx context.Context) error {
	s := &l.sends
	s.pmu.Lock()
	upTo := s.next
	s.pmu.Unlock()
	for {
		s.pmu.Lock()
		pending := false
		for seq := range s.open {
			if seq <= upTo {
				pending = true
				break
			}
		}
		wait := s.changed
		s.pmu.Unlock()
		if !pending {
			return nil
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return l.errorf("flush: %w", ctx.Err())
		}
	}
}

func (s *sender) send(key, value []byte, done func(error)) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	s.l.mu.Lock()
	producer := s.l.producer
	s.l.mu.Unlock()
	if s.closed || producer == nil {
		return ErrClosed
	}
	s.pmu.Lock()
	s.next++
	req := &sendReq{seq: s.next, done: done}
	s.open[req.seq] = struct{}{}
	s.pmu.Unlock()
	msg := &sarama.ProducerMessage{Topic: s.l.cfg.Topic, Metadata: req}
	if key != nil {
		msg.Key = sarama.ByteEncoder(key)
	}
	if value != nil {
		msg.Value = sarama.ByteEncoder(value)
	}
	s.qmu.Lock()
	if !s.direct {
		s.waiting = append(s.waiting, msg)
		s.qmu.Unlock()
		return nil
	}
	s.qmu.Unlock()
	select {
	case producer.Input() <- msg:
		return nil
	case <-s.closing:
		s.finish(req.seq)
		return ErrClosed
	}
}

func (s *sender) finish(seq uint64) {
	s.pmu.Lock()
	defer s.pmu.Unlock()
	delete(s.open, seq)
	close(s.changed)
	s.changed = make(chan struct{})
}

// results is the producer-results goroutine: it reports every record the
// producer is done with, until the producer closes its channels.
func (s *sender) results(p sarama.AsyncProducer) {
	defer close(s.l.prodDone)
	succ, errs := p.Successes(), p.Errors()
	for succ != nil || errs != nil {
		select {
		case m, ok := <-succ:
			if !ok {
				succ = nil
				continue
			}
			s.l.fresh.seen(m.Partition)
			s.complete(m, nil)
		case e, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			s.complete(e.Msg, e.Err)
		}
	}
}

func (s *sender) complete(m *sarama.ProducerMessage, err error) {
	req, ok := m.Metadata.(*sendReq)
	if !ok {
		return
	}
	s.finish(req.seq)
	if err != nil {
		s.l.log.Debug().Err(err).Msg("send failed")
	}
	req.done(err)
}

// release hands the sends that waited for the log to be ready to the
// producer, in order, and lets later ones go straight to it. Sends made
// meanwhile wait for it (qmu), so order holds.
func (s *sender) release() {
	s.mu.RLock()
	defer s.mu.RUnlock()
	s.l.mu.Lock()
	producer := s.l.producer
	s.l.mu.Unlock()
	s.qmu.Lock()
	defer s.qmu.Unlock()
	waiting := s.waiting
	s.waiting, s.direct = nil, true
	for i, msg := range waiting {
		if s.closed || producer == nil {
			s.fail(waiting[i:])
			return
		}
		select {
		case producer.Input() <- msg:
		case <-s.closing:
			s.fail(waiting[i:])
			return
		}
	}
}

// fail completes sends that never reached the producer with ErrClosed.
func (s *sender) fail(msgs []*sarama.ProducerMessage) {
	for _, m := range msgs {
		if req, ok := m.Metadata.(*sendReq); ok {
			s.finish(req.seq)
			req.done(ErrClosed)
		}
	}
}

// close stops intake: senders blocked on a full producer give up, later ones
// get ErrClosed; the producer then flushes what it holds and closes.
func (s *sender) close(p sarama.AsyncProducer) {
	// Close closing before taking mu: a sender holding the read lock may be
	// blocked on the producer's input until it sees closing.
	s.closeOnce.Do(func() { close(s.closing) })
	s.mu.Lock()
	already := s.closed
	s.closed = true
	s.mu.Unlock()
	// Sends still waiting for the log to be ready never will be.
	s.qmu.Lock()
	waiting := s.waiting
	s.waiting, s.direct = nil, true
	s.qmu.Unlock()
	s.fail(waiting)
	if !already && p != nil {
		p.AsyncClose()
	}
}
