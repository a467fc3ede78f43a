package mirror

import (
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
)

// ackWatch notices when the target cluster stops taking the task's
// records. The task never writes to the target itself: Poll hands records
// to the runtime, whose producer (on the worker's Kafka cluster, the
// target) retries until it succeeds or gives up, and CommitRecord reports
// each acknowledgement. Records waiting longer than timing.stall with no
// acknowledgement at all mean the target is unreachable or refusing them
// (a remote partition missing, for example): that is logged at WARN with
// the target alias, how long and how many records wait, again every
// timing.report, and an INFO says when acknowledgements resume.
//
// handedOut and acknowledged run for every batch and record, so they only
// count (atomically); check, on the fault watcher's goroutine alone, turns
// the counts into time: the wait is measured in watcher ticks.
type ackWatch struct {
	alias  string
	timing faultTiming
	log    zerolog.Logger

	outstanding atomic.Int64
	acks        atomic.Uint64

	// The watcher's own state.
	lastAcks uint64
	// waitingSince is the tick that last saw an acknowledgement or nothing
	// outstanding (zero before the first check).
	waitingSince time.Time
	stalled      bool
	lastReport   time.Time
}

func newAckWatch(alias string, timing faultTiming, log zerolog.Logger) *ackWatch {
	return &ackWatch{alias: alias, timing: timing, log: log}
}

// handedOut records n records returned by Poll.
func (w *ackWatch) handedOut(n int) {
	if w != nil && n > 0 {
		w.outstanding.Add(int64(n))
	}
}

// acknowledged records one record the runtime is done with.
func (w *ackWatch) acknowledged() {
	if w != nil {
		w.acks.Add(1)
		w.outstanding.Add(-1)
	}
}

// check reports a stall that began or goes on, and its end.
func (w *ackWatch) check(now time.Time) {
	acks, waiting := w.acks.Load(), w.outstanding.Load()
	if w.waitingSince.IsZero() {
		w.lastAcks, w.waitingSince = acks, now
		return
	}
	if acks != w.lastAcks || waiting <= 0 {
		if w.stalled && acks != w.lastAcks {
			stalledFor := now.Sub(w.waitingSince)
			w.log.Info().Dur("stalled_for", stalledFor).Int64("waiting_records", max(waiting, 0)).
				Msgf("target cluster %q acknowledges records again after %s", w.alias, roundDuration(stalledFor))
		}
		w.stalled = false
		w.lastAcks, w.waitingSince = acks, now
		return
	}
	waited := now.Sub(w.waitingSince)
	if waited < w.timing.stall || (w.stalled && now.Sub(w.lastReport) < w.timing.report) {
		return
	}
	w.stalled, w.lastReport = true, now
	w.log.Warn().Dur("stalled_for", waited).Int64("waiting_records", waiting).
		Msgf("target cluster %q has acknowledged no record for %s (%d records waiting); the worker's producer keeps retrying",
			w.alias, roundDuration(waited), waiting)
}
