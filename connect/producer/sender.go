package producer

import (
	"errors"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
)

// sender writes the records of the partitions one broker leads: one
// request at a time, every ready partition in it.
type sender struct {
	id int32
	// broker, queues and woken are guarded by Producer.mu.
	broker *sarama.Broker
	queues []*partQueue
	woken  bool
	wake   chan struct{}
	// next rotates the queue a request starts with, so that no partition
	// always fills the request first.
	next int
	// Reused by every request (Produce is synchronous).
	slab    []sarama.Record
	ptrs    []*sarama.Record
	headers []*sarama.RecordHeader
}

// batch is one partition's records in one request.
type batch struct {
	q    *partQueue
	recs []*Record
}

func (p *Producer) runSender(s *sender) {
	defer p.workers.Done()
	for {
		select {
		case <-s.wake:
		case <-p.quit:
			return
		}
		if p.set.linger > 0 {
			p.linger(s)
		}
		for {
			batches, broker := p.collect(s)
			if len(batches) == 0 {
				break
			}
			req := p.buildRequest(s, batches)
			resp, err := p.produce(broker, req)
			p.release(s)
			p.complete(s, broker, batches, resp, err)
		}
	}
}

// linger waits linger.ms for more records, less when batch.size bytes are
// ready.
func (p *Producer) linger(s *sender) {
	t := time.NewTimer(p.set.linger)
	defer t.Stop()
	for {
		if p.set.batchSize > 0 && p.readyBytes(s) >= p.set.batchSize {
			return
		}
		select {
		case <-t.C:
			return
		case <-s.wake:
		case <-p.quit:
			return
		}
	}
}

func (p *Producer) readyBytes(s *sender) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, q := range s.queues {
		if !q.inflight {
			for _, r := range q.recs {
				n += r.ByteSize()
			}
		}
	}
	return n
}

// collect takes the next request's records: from every partition of s
// that has records and none in flight, as many as max.request.size allows.
func (p *Producer) collect(s *sender) ([]batch, *sarama.Broker) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []batch
	budget := p.set.maxRequestSize
	// At most half of buffer.memory goes into one request, so the records
	// for the next one can queue while it is in flight.
	held := p.set.bufferMemory / 2
	n := len(s.queues)
	for i := 0; i < n && budget > 0 && held > 0; i++ {
		q := s.queues[(s.next+i)%n]
		if q.inflight || len(q.recs) == 0 {
			continue
		}
		budget -= recordBatchOverhead + len(q.tp.topic)
		take := 0
		for _, r := range q.recs {
			sz := r.ByteSize()
			cost := sz + bookkeeping // r.cost(), without sizing r twice
			if (take > 0 || len(out) > 0) && (sz > budget || cost > held) {
				break
			}
			if q.maxRecs > 0 && take >= q.maxRecs {
				break
			}
			budget -= sz
			held -= cost
			take++
		}
		if take == 0 {
			break
		}
		recs := q.recs[:take:take]
		if take == len(q.recs) {
			q.recs = nil
		} else {
			q.recs = q.recs[take:]
		}
		q.inflight = true
		out = append(out, batch{q: q, recs: recs})
	}
	if n > 0 {
		s.next = (s.next + 1) % n
	}
	return out, s.broker
}

// buildRequest makes one Produce request of v2 record batches, compressed
// once per batch by sarama's encoder.
func (p *Producer) buildRequest(s *sender, batches []batch) *sarama.ProduceRequest {
	req := &sarama.ProduceRequest{RequiredAcks: p.set.acks, Timeout: int32(p.set.timeout / time.Millisecond),
		Version: p.set.requestVersion}
	total, nh := 0, 0
	for _, b := range batches {
		total += len(b.recs)
		for _, r := range b.recs {
			nh += len(r.Headers)
		}
	}
	if cap(s.slab) < total {
		s.slab = make([]sarama.Record, total)
		s.ptrs = make([]*sarama.Record, total)
	}
	if cap(s.headers) < nh {
		s.headers = make([]*sarama.RecordHeader, nh)
	}
	slab, ptrs, hdrs := s.slab[:total], s.ptrs[:total], s.headers[:nh]
	at, ha := 0, 0
	for _, b := range batches {
		first := b.recs[0].Timestamp
		maxTS := first
		for i, r := range b.recs {
			rec := &slab[at+i]
			*rec = sarama.Record{Key: r.Key, Value: r.Value, TimestampDelta: r.Timestamp.Sub(first), OffsetDelta: int64(i)}
			if len(r.Headers) > 0 {
				rec.Headers = hdrs[ha : ha+len(r.Headers) : ha+len(r.Headers)]
				for j := range r.Headers {
					rec.Headers[j] = &r.Headers[j]
				}
				ha += len(r.Headers)
			}
			if r.Timestamp.After(maxTS) {
				maxTS = r.Timestamp
			}
			ptrs[at+i] = rec
		}
		req.AddBatch(b.q.tp.topic, b.q.tp.partition, &sarama.RecordBatch{
			Version: 2, Codec: p.set.codec, CompressionLevel: p.set.level,
			FirstTimestamp: first, MaxTimestamp: maxTS,
			ProducerID: -1, ProducerEpoch: -1, FirstSequence: -1,
			LastOffsetDelta: int32(len(b.recs) - 1),
			Records:         ptrs[at : at+len(b.recs) : at+len(b.recs)],
		})
		at += len(b.recs)
	}
	return req
}

// release drops the reused request buffers' references to records.
func (p *Producer) release(s *sender) {
	clear(s.slab)
	clear(s.ptrs)
	clear(s.headers)
}

// produce sends req to broker, connecting first if needed.
func (p *Producer) produce(broker *sarama.Broker, req *sarama.ProduceRequest) (*sarama.ProduceResponse, error) {
	if ok, _ := broker.Connected(); !ok {
		if err := broker.Open(p.client.Config()); err != nil && !errors.Is(err, sarama.ErrAlreadyConnected) {
			return nil, err
		}
	}
	return broker.Produce(req)
}

// outcome of one batch.
type outcome int

const (
	written outcome = iota
	failed
	split // the broker found the batch too large: send it in halves
	retry
)

// complete settles a request: written and failed batches are delivered,
// the others go back to the front of their queues.
func (p *Producer) complete(s *sender, broker *sarama.Broker, batches []batch, resp *sarama.ProduceResponse, err error) {
	var kerr sarama.KError
	if err != nil && !errors.As(err, &kerr) {
		// The connection is broken or the response unreadable: reconnect
		// next time.
		_ = broker.Close()
	}
	outcomes := make([]outcome, len(batches))
	errs := make([]error, len(batches))
	var results []*Result
	for i, b := range batches {
		e := err
		var block *sarama.ProduceResponseBlock
		if e == nil && p.set.acks != sarama.NoResponse {
			if block = resp.GetBlock(b.q.tp.topic, b.q.tp.partition); block == nil {
				e = sarama.ErrIncompleteResponse
			} else if block.Err != sarama.ErrNoError {
				e = block.Err
			}
		}
		errs[i] = e
		switch {
		case e == nil:
			outcomes[i] = written
			base := int64(-1)
			if block != nil {
				base = block.Offset
			}
			for j, r := range b.recs {
				if base >= 0 {
					r.Offset = base + int64(j)
				} else {
					r.Offset = -1
				}
				if block != nil && !block.Timestamp.IsZero() {
					r.Timestamp = block.Timestamp
				}
			}
			results = append(results, &Result{Records: b.recs})
		case errors.Is(e, sarama.ErrMessageSizeTooLarge) && len(b.recs) > 1:
			outcomes[i] = split
		case retriable(e) && b.q.attempts < p.set.maxRetries:
			outcomes[i] = retry
		default:
			outcomes[i] = failed
			results = append(results, &Result{Records: b.recs, Err: e})
		}
	}
	// Results first, so a partition's next batch cannot be delivered
	// before this one.
	p.deliver(results)

	now := time.Now()
	retried := false
	p.mu.Lock()
	for i, b := range batches {
		q := b.q
		q.inflight = false
		switch outcomes[i] {
		case written:
			q.attempts = 0
			if q.maxRecs > 0 {
				if q.maxRecs *= 2; q.maxRecs > 1<<16 {
					q.maxRecs = 0
				}
			}
		case failed:
			q.attempts = 0
		case split:
			q.recs = append(b.recs, q.recs...)
			q.maxRecs = max(len(b.recs)/2, 1)
		case retry:
			q.recs = append(b.recs, q.recs...)
			q.attempts++
			if q.attempts == 1 || q.attempts%10 == 0 {
				p.log.Warn().Err(errs[i]).Str("topic", q.tp.topic).Int32("partition", q.tp.partition).
					Int32("broker", s.id).Int("attempt", q.attempts).Int("records", len(q.recs)).
					Msg("produce failed; retrying after a metadata refresh")
			}
			p.detach(s, q)
			q.refresh = true
			q.retryAt = now.Add(p.set.backoff(q.attempts))
			p.unresolved = append(p.unresolved, q)
			retried = true
		}
	}
	p.mu.Unlock()
	if retried {
		signal(p.wakeDispatch)
	}
}

// detach takes q off s (mu held).
func (p *Producer) detach(s *sender, q *partQueue) {
	for i, x := range s.queues {
		if x == q {
			s.queues = append(s.queues[:i], s.queues[i+1:]...)
			break
		}
	}
	q.sender = nil
}

// retriable: a broker error Java retries, or a connection failure.
func retriable(err error) bool {
	var kerr sarama.KError
	if errors.As(err, &kerr) {
		return kafkaclient.Retriable(err)
	}
	var enc sarama.PacketEncodingError
	if errors.As(err, &enc) {
		return false
	}
	return !errors.Is(err, sarama.ErrClosedClient)
}
