package mirror

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
)

// sourceHealth tracks the assigned partitions whose consumer keeps failing
// with retriable errors (a source broker or the whole source cluster
// unreachable, no leader) while sarama retries them, and says so: a WARN
// when the first partition starts failing, a WARN every timing.report while
// any still fails (how many, for how long, the last error), an INFO once
// all consume again. A partition recovers when it delivers a record, or
// when sarama has been silent about it for timing.quiet and a probe of its
// leader succeeds (a quiet partition delivers no record to prove it).
type sourceHealth struct {
	alias  string
	total  int
	timing faultTiming
	log    zerolog.Logger

	// nFailing mirrors len(failing) so the per-record path skips the lock.
	nFailing atomic.Int32

	mu      sync.Mutex
	failing map[topicPartition]*partitionTrouble
	// since is when the current outage began (zero when none).
	since      time.Time
	lastReport time.Time
}

// partitionTrouble is one failing partition.
type partitionTrouble struct {
	since   time.Time
	lastAt  time.Time // last error reported for it
	lastErr error
}

func newSourceHealth(alias string, total int, timing faultTiming, log zerolog.Logger) *sourceHealth {
	return &sourceHealth{alias: alias, total: total, timing: timing, log: log, failing: map[topicPartition]*partitionTrouble{}}
}

// failed records a retriable failure of tp.
func (h *sourceHealth) failed(tp topicPartition, err error, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	tr, known := h.failing[tp]
	if !known {
		tr = &partitionTrouble{since: now}
		h.failing[tp] = tr
		h.nFailing.Store(int32(len(h.failing)))
	}
	tr.lastAt, tr.lastErr = now, err
	switch {
	case h.since.IsZero():
		h.since, h.lastReport = now, now
		h.log.Warn().Err(err).Str("topic", tp.topic).Int32("partition", tp.partition).
			Msgf("cannot consume %s from source cluster %q; retrying with backoff", tp, h.alias)
	case !known:
		h.log.Debug().Err(err).Str("topic", tp.topic).Int32("partition", tp.partition).
			Msg("another source partition cannot be consumed")
	default:
		h.log.Debug().Err(err).Str("topic", tp.topic).Int32("partition", tp.partition).
			Msg("source partition still cannot be consumed")
	}
}

// progressed records that tp delivered a record; it is called for every
// record, so it only locks while partitions are failing.
func (h *sourceHealth) progressed(tp topicPartition, now time.Time) {
	if h.nFailing.Load() == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recover(tp, now)
}

// forget drops tp without calling it recovered (its topic was deleted).
func (h *sourceHealth) forget(tp topicPartition, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recover(tp, now)
}

// recover removes tp from the failing set and ends the outage when it was
// the last one. The caller holds mu.
func (h *sourceHealth) recover(tp topicPartition, now time.Time) {
	tr, ok := h.failing[tp]
	if !ok {
		return
	}
	delete(h.failing, tp)
	h.nFailing.Store(int32(len(h.failing)))
	h.log.Debug().Str("topic", tp.topic).Int32("partition", tp.partition).
		Dur("failed_for", now.Sub(tr.since)).Msg("source partition is consumed again")
	if len(h.failing) == 0 && !h.since.IsZero() {
		down := now.Sub(h.since)
		h.log.Info().Dur("failed_for", down).
			Msgf("source cluster %q: every assigned partition is consumed again after %s", h.alias, roundDuration(down))
		h.since = time.Time{}
	}
}

// check probes the partitions sarama has been quiet about and reports an
// outage that goes on. probe runs without the lock held.
func (h *sourceHealth) check(now time.Time, probe func(topicPartition) error) {
	h.mu.Lock()
	quiet := map[topicPartition]time.Time{}
	for tp, tr := range h.failing {
		if now.Sub(tr.lastAt) >= h.timing.quiet {
			quiet[tp] = tr.lastAt
		}
	}
	h.mu.Unlock()

	for tp, lastAt := range quiet {
		err := probe(tp)
		h.mu.Lock()
		// An error reported during the probe wins over its success.
		if tr, ok := h.failing[tp]; ok && tr.lastAt.Equal(lastAt) {
			if err == nil {
				h.recover(tp, now)
			} else {
				tr.lastAt, tr.lastErr = now, err
			}
		}
		h.mu.Unlock()
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.failing) == 0 || now.Sub(h.lastReport) < h.timing.report {
		return
	}
	h.lastReport = now
	down := now.Sub(h.since)
	tps := slices.SortedFunc(maps.Keys(h.failing), func(a, b topicPartition) int { return strings.Compare(a.String(), b.String()) })
	last := h.failing[tps[0]]
	for _, tp := range tps {
		if tr := h.failing[tp]; tr.lastAt.After(last.lastAt) {
			last = tr
		}
	}
	h.log.Warn().Err(last.lastErr).Dur("failed_for", down).Int("failing_partitions", len(tps)).
		Str("partitions", summarizePartitions(tps, 10)).
		Msgf("source cluster %q: %d of %d assigned partitions cannot be consumed for %s; still retrying",
			h.alias, len(tps), h.total, roundDuration(down))
}

// summarizePartitions lists at most limit partitions, then how many more.
func summarizePartitions(tps []topicPartition, limit int) string {
	names := make([]string, 0, min(len(tps), limit))
	for _, tp := range tps[:min(len(tps), limit)] {
		names = append(names, tp.String())
	}
	s := strings.Join(names, ",")
	if len(tps) > limit {
		s += fmt.Sprintf(" and %d more", len(tps)-limit)
	}
	return s
}
