package producer

import (
	"math/rand/v2"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
)

// countsMaxAge is how long the dispatcher trusts a topic's partition count
// before asking the client again (which refreshes its metadata in the
// background), so records without a partition reach added partitions.
const countsMaxAge = 10 * time.Second

type topicPartition struct {
	topic     string
	partition int32
}

// partQueue holds one partition's records not yet in flight, in order.
// Everything in it is guarded by Producer.mu.
type partQueue struct {
	tp       topicPartition
	recs     []*Record
	inflight bool
	// sender is the partition leader's sender; nil while the leader is
	// looked up (the queue is in Producer.unresolved).
	sender *sender
	// attempts counts failed sends (and leader lookups) since the last
	// success; retryAt is when the next may start.
	attempts int
	retryAt  time.Time
	// refresh: look the leader up in fresh metadata.
	refresh bool
	// maxRecs caps a batch after the broker found one too large (0: no
	// cap).
	maxRecs int
}

// dispatch is the dispatcher goroutine: it routes what Send took to the
// partition queues and finds the leaders of queues that have none.
func (p *Producer) dispatch() {
	defer p.workers.Done()
	counts := map[string]int32{}
	countsAt := time.Now()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		select {
		case <-p.wakeDispatch:
		case <-timer.C:
		case <-p.quit:
			return
		}
		if time.Since(countsAt) > countsMaxAge {
			clear(counts)
			countsAt = time.Now()
		}
		p.mu.Lock()
		in := p.intake
		p.intake, p.spare = p.spare[:0], nil
		p.mu.Unlock()
		due, timedOut := p.waiting.due(p, time.Now())
		p.deliver(timedOut)
		batch := in
		if len(due) > 0 {
			batch = append(due, in...)
		}
		routed, failed := p.route(batch, counts)
		p.enqueue(routed)
		clear(in)
		p.mu.Lock()
		p.spare = in[:0]
		p.mu.Unlock()
		p.deliver(failed)
		wait := min(p.resolve(), p.waiting.next())
		timer.Reset(wait)
	}
}

// route picks the partition of every record that has none and checks
// explicit ones and sizes. It returns the routable records (in's array,
// reused) and a result for each record that cannot be sent.
func (p *Producer) route(in []*Record, counts map[string]int32) ([]*Record, []*Result) {
	out := in[:0]
	var failed []*Result
	// A topic whose partitions cannot be found fails every record of
	// this pass after one lookup (each costs metadata retries).
	var unknown map[string]error
	now := time.Now().Truncate(time.Millisecond)
	for _, r := range in {
		if p.waiting.hold(r) {
			continue // its topic's partitions are not known yet
		}
		err := unknown[r.Topic]
		if err == nil {
			err = p.partitionOf(r, counts)
		}
		if err != nil && unknownTopic(err) {
			// A topic created a moment ago: wait for it (max.block.ms).
			p.waiting.start(r, now)
			continue
		}
		if err != nil {
			if _, ok := counts[r.Topic]; !ok {
				if unknown == nil {
					unknown = map[string]error{}
				}
				unknown[r.Topic] = err
			}
			failed = append(failed, &Result{Records: []*Record{r}, Err: err})
			continue
		}
		if n := r.ByteSize(); n > p.set.maxRequestSize {
			failed = append(failed, &Result{Records: []*Record{r}, Err: &TooLargeError{Size: n, Max: p.set.maxRequestSize}})
			continue
		}
		if r.Timestamp.IsZero() {
			r.Timestamp = now
		}
		out = append(out, r)
	}
	return out, failed
}

// partitionOf sets r.Partition as Java's default partitioner would, or
// checks an explicit one against the topic's partition count.
func (p *Producer) partitionOf(r *Record, counts map[string]int32) error {
	n, ok := counts[r.Topic]
	if !ok || (r.Explicit && r.Partition >= n) {
		if ok {
			// Partitions may have been added since.
			if err := p.client.RefreshMetadata(r.Topic); err != nil {
				p.log.Debug().Err(err).Str("topic", r.Topic).Msg("refreshing metadata for a partition count")
			}
		}
		parts, err := p.client.Partitions(r.Topic)
		if err != nil {
			return err
		}
		n = int32(len(parts))
		counts[r.Topic] = n
	}
	if n == 0 {
		return sarama.ErrInvalidPartition
	}
	switch {
	case r.Explicit:
		if r.Partition < 0 || r.Partition >= n {
			return sarama.ErrInvalidPartition
		}
	case r.Key == nil:
		r.Partition = rand.Int32N(n)
	default:
		r.Partition = kafkaclient.KeyPartition(r.Key, n)
	}
	return nil
}

// enqueue appends routed records to their partition queues and wakes the
// senders concerned.
func (p *Producer) enqueue(routed []*Record) {
	if len(routed) == 0 {
		return
	}
	var wake []*sender
	var q *partQueue
	p.mu.Lock()
	for _, r := range routed {
		if q == nil || q.tp.topic != r.Topic || q.tp.partition != r.Partition {
			tp := topicPartition{r.Topic, r.Partition}
			if q = p.queues[tp]; q == nil {
				q = &partQueue{tp: tp}
				p.queues[tp] = q
				p.unresolved = append(p.unresolved, q)
			}
			if s := q.sender; s != nil && !s.woken {
				s.woken = true
				wake = append(wake, s)
			}
		}
		q.recs = append(q.recs, r)
	}
	for _, s := range wake {
		s.woken = false
	}
	p.mu.Unlock()
	for _, s := range wake {
		signal(s.wake)
	}
}

// resolve looks up the leader of every queue without one whose retry time
// has come, and returns how long until the next retry time.
func (p *Producer) resolve() time.Duration {
	now := time.Now()
	var due []*partQueue
	var topics []string
	seen := map[string]bool{}
	p.mu.Lock()
	keep := p.unresolved[:0]
	for _, q := range p.unresolved {
		if len(q.recs) == 0 || q.retryAt.After(now) {
			// A queue without records is looked up when records come.
			keep = append(keep, q)
			continue
		}
		due = append(due, q)
		if q.refresh && !seen[q.tp.topic] {
			seen[q.tp.topic] = true
			topics = append(topics, q.tp.topic)
		}
	}
	clear(p.unresolved[len(keep):])
	p.unresolved = keep
	p.mu.Unlock()

	if len(topics) > 0 {
		if err := p.client.RefreshMetadata(topics...); err != nil {
			p.log.Debug().Err(err).Strs("topics", topics).Msg("refreshing metadata for partition leaders")
		}
	}
	leaders := make([]*sarama.Broker, len(due))
	errs := make([]error, len(due))
	for i, q := range due {
		leaders[i], errs[i] = p.client.Leader(q.tp.topic, q.tp.partition)
	}

	var failed []*Result
	var wake []*sender
	p.mu.Lock()
	for i, q := range due {
		if errs[i] != nil {
			q.attempts++
			q.refresh = true
			if q.attempts > p.set.maxRetries {
				p.log.Error().Err(errs[i]).Str("topic", q.tp.topic).Int32("partition", q.tp.partition).
					Int("records", len(q.recs)).Msg("no leader found for the partition; giving up")
				if len(q.recs) > 0 {
					failed = append(failed, &Result{Records: q.recs, Err: errs[i]})
				}
				q.recs, q.attempts = nil, 0
			}
			q.retryAt = now.Add(p.set.backoff(q.attempts))
			p.unresolved = append(p.unresolved, q)
			continue
		}
		s := p.senderFor(leaders[i])
		q.sender, q.refresh = s, false
		s.queues = append(s.queues, q)
		if len(q.recs) > 0 && !s.woken {
			s.woken = true
			wake = append(wake, s)
		}
	}
	for _, s := range wake {
		s.woken = false
	}
	wait := time.Hour
	for _, q := range p.unresolved {
		if len(q.recs) > 0 {
			wait = min(wait, max(time.Until(q.retryAt), time.Millisecond))
		}
	}
	p.mu.Unlock()
	for _, s := range wake {
		signal(s.wake)
	}
	p.deliver(failed)
	return wait
}

// senderFor returns the sender of broker b, starting it if needed (mu
// held).
func (p *Producer) senderFor(b *sarama.Broker) *sender {
	s := p.senders[b.ID()]
	if s == nil {
		s = &sender{id: b.ID(), broker: b, wake: make(chan struct{}, 1)}
		p.senders[b.ID()] = s
		p.workers.Add(1)
		go p.runSender(s)
	}
	s.broker = b
	return s
}
