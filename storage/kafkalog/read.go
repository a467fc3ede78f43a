package kafkalog

import (
	"sort"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
)

// partState is the reader's view of one partition.
type partState struct {
	id        int32
	pos       int64 // next offset to fetch; all records before it were delivered
	fetchSize int32
	inflight  bool
	notBefore time.Time // retry backoff after an error
	failures  int
}

type fetchResult struct {
	broker *sarama.Broker
	parts  []int32
	resp   *sarama.FetchResponse
	err    error
}

// read is the reader goroutine. It keeps one fetch in flight per partition
// leader (each in its own short-lived goroutine), hands the records of every
// response to onRecord in offset order and publishes the new positions for
// ReadToEnd. It ends when the log stops.
func (l *Log) read(parts []int32, start map[int32]int64) {
	defer l.reader.Done()
	select {
	case <-l.ready:
	case <-l.stop:
		return
	}
	l.mu.Lock()
	client := l.consumerClient
	l.mu.Unlock()

	ids := append([]int32(nil), parts...)
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	states := make(map[int32]*partState, len(ids))
	for _, id := range ids {
		states[id] = &partState{id: id, pos: start[id], fetchSize: l.fetchSize()}
	}
	results := make(chan fetchResult)
	busy := map[int32]bool{} // broker id -> a fetch is in flight
	refresh := false
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		select {
		case <-l.stop:
			return
		default:
		}
		if refresh {
			refresh = false
			if err := l.call(l.stopCtx, func() error { return client.RefreshMetadata(l.cfg.Topic) }); err != nil && l.stopCtx.Err() == nil {
				l.log.Debug().Err(err).Msg("metadata refresh failed")
			}
		}
		now := time.Now()
		var wake time.Time
		groups := map[*sarama.Broker][]int32{}
		for _, id := range ids {
			ps := states[id]
			if ps.inflight {
				continue
			}
			if now.Before(ps.notBefore) {
				wake = earliest(wake, ps.notBefore)
				continue
			}
			// Usually a cached lookup; a metadata refresh when not, bounded
			// by sarama's timeouts (and cut short by closing the client).
			b, err := client.Leader(l.cfg.Topic, id)
			if err != nil {
				if l.stopCtx.Err() != nil {
					return
				}
				l.retryLater(ps, err, "no leader for partition")
				refresh = true
				wake = earliest(wake, ps.notBefore)
				continue
			}
			if !busy[b.ID()] {
				groups[b] = append(groups[b], id)
			}
		}
		for b, gids := range groups {
			busy[b.ID()] = true
			req := l.fetchRequest(states, gids)
			for _, id := range gids {
				states[id].inflight = true
			}
			l.reader.Add(1)
			go l.fetch(b, gids, req, results)
		}
		var timerC <-chan time.Time
		if !wake.IsZero() {
			timer.Reset(time.Until(wake))
			timerC = timer.C
		}
		select {
		case r := <-results:
			busy[r.broker.ID()] = false
			l.handleFetch(r, states, &refresh)
		case <-timerC:
		case <-l.stop:
			return
		}
		timer.Stop()
	}
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

func (l *Log) fetchSize() int32 {
	if n := l.base.Consumer.Fetch.Default; n > minFetchBytes {
		return n
	}
	return minFetchBytes
}

func (l *Log) fetchRequest(states map[int32]*partState, ids []int32) *sarama.FetchRequest {
	req := &sarama.FetchRequest{
		Version:      11,
		MaxWaitTime:  int32(l.cfg.fetchMaxWait().Milliseconds()),
		MinBytes:     1,
		MaxBytes:     sarama.MaxResponseSize,
		SessionID:    0,
		SessionEpoch: -1, // no fetch session
	}
	if l.cfg.ReadCommitted {
		req.Isolation = sarama.ReadCommitted
	}
	for _, id := range ids {
		ps := states[id]
		req.AddBlock(l.cfg.Topic, id, ps.pos, ps.fetchSize, -1)
	}
	return req
}

// fetch is one fetch goroutine: a single request, its result handed back to
// the reader (or dropped when the log stops).
func (l *Log) fetch(b *sarama.Broker, ids []int32, req *sarama.FetchRequest, out chan<- fetchResult) {
	defer l.reader.Done()
	resp, err := b.Fetch(req)
	select {
	case out <- fetchResult{broker: b, parts: ids, resp: resp, err: err}:
	case <-l.stop:
	}
}

// retryLater schedules the partition's next fetch after a failure: every
// 20 ms for the first half second (kafkaclient.LeaderPoll: the partitions
// of a topic just created answer NOT_LEADER_OR_FOLLOWER for a moment),
// then backing off to 1 s. A failure lasting past that half second is a
// warning (once, then every 20th).
func (l *Log) retryLater(ps *partState, err error, msg string) {
	ps.failures++
	ps.notBefore = time.Now().Add(kafkaclient.LeaderPoll(ps.failures - 1))
	ev := l.log.Debug()
	if ps.failures == fetchFailuresWarn || ps.failures > fetchFailuresWarn && ps.failures%20 == 0 {
		ev = l.log.Warn()
	}
	ev.Err(err).Int32("partition", ps.id).Int64("offset", ps.pos).Int("failures", ps.failures).Msg(msg + "; retrying")
}

// fetchFailuresWarn is the failure in a row that retryLater logs as a
// warning: the first after the fast retries (about 0.6 s of failing).
const fetchFailuresWarn = 27

func (l *Log) handleFetch(r fetchResult, states map[int32]*partState, refresh *bool) {
	for _, id := range r.parts {
		states[id].inflight = false
	}
	if r.err == nil && r.resp == nil {
		r.err = sarama.ErrIncompleteResponse
	}
	if r.err != nil {
		if l.stopCtx.Err() != nil {
			return
		}
		_ = r.broker.Close() // the client reopens it on next use
		*refresh = true
		for _, id := range r.parts {
			l.retryLater(states[id], r.err, "fetch from "+r.broker.Addr()+" failed")
		}
		return
	}
	changed := map[int32]int64{}
	for _, id := range r.parts {
		ps := states[id]
		blk := r.resp.GetBlock(l.cfg.Topic, id)
		switch {
		case blk == nil:
			l.retryLater(ps, sarama.ErrIncompleteResponse, "fetch response without the partition")
		case blk.Err == sarama.ErrNoError:
			l.fresh.seen(id)
			before := ps.pos
			l.consume(ps, blk)
			ps.failures = 0
			if ps.pos != before {
				changed[id] = ps.pos
			}
		case blk.Err == sarama.ErrOffsetOutOfRange:
			before := ps.pos
			if err := l.resetOutOfRange(ps); err != nil {
				l.retryLater(ps, err, "offset out of range and the log bounds are unknown")
			} else if ps.pos != before {
				changed[id] = ps.pos
			}
		default:
			if metadataError(blk.Err) {
				*refresh = true
			}
			l.retryLater(ps, blk.Err, "fetch failed")
		}
	}
	if len(changed) > 0 {
		l.advance(changed)
	}
}

// resetOutOfRange handles a fetch position the broker no longer has. Below
// the log start (records removed by retention, or by kfake's compaction,
// which moves the log start) it skips to the start; anything else (the log
// was truncated or the topic recreated) re-reads from the start, as Java's
// consumer does with auto.offset.reset=earliest.
func (l *Log) resetOutOfRange(ps *partState) error {
	bounds, err := l.listOffsets(l.stopCtx, []int32{ps.id}, sarama.OffsetOldest)
	if err != nil {
		return err
	}
	start := bounds[ps.id]
	if ps.pos < start {
		l.log.Debug().Int32("partition", ps.id).Int64("offset", ps.pos).Int64("log_start", start).
			Msg("records before the log start are gone; skipping to it")
	} else {
		l.log.Warn().Int32("partition", ps.id).Int64("offset", ps.pos).Int64("log_start", start).
			Msg("fetch position is out of range; reading the partition again from its start")
	}
	ps.pos = start
	return nil
}

// consume delivers the records of one partition's fetch response that are at
// or past its position, and moves the position past every batch seen, so
// offsets taken by compacted-away records, transaction markers and aborted
// records count as read.
func (l *Log) consume(ps *partState, blk *sarama.FetchResponseBlock) {
	got := kafkaclient.FetchedRecords(blk, ps.pos, l.cfg.ReadCommitted, func(rec kafkaclient.FetchedRecord) {
		l.onRecord(&sarama.ConsumerMessage{
			Topic:     l.cfg.Topic,
			Partition: ps.id,
			Offset:    rec.Offset,
			Key:       rec.Key,
			Value:     rec.Value,
			Timestamp: rec.Timestamp,
			Headers:   rec.Headers,
		})
	})
	ps.pos = got.Next
	size, err := got.NextFetchSize(ps.fetchSize, l.fetchSize())
	if err != nil {
		l.retryLater(ps, err, "cannot read partition")
		return
	}
	ps.fetchSize = size
}
