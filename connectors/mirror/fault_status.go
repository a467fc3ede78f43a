package mirror

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ferrykafka/ferry/connect"
)

// Faults the task rides out are also shown in its status: the runtime
// (connect.ProblemReporter) keeps the task RUNNING with the problem as its
// trace, so GET /connectors/{c}/status says what is wrong without reading
// the log. The fault watcher (faults.go) recomputes the text every tick;
// the runtime writes a status only when it changes, and clears it when the
// faults end.

// faultStatus is the task's side of the problem report.
type faultStatus struct {
	reporter connect.ProblemReporter // nil: the runtime offers none
	// connecting is set while the source cluster cannot be reached at all
	// (source_conn.go's reconnect), with the time it began.
	connecting atomic.Pointer[connectingFault]
	last       string
}

type connectingFault struct {
	since time.Time
	err   error
}

// publish reports msg when it differs from the last one reported.
func (f *faultStatus) publish(msg string) {
	if f.reporter == nil || msg == f.last {
		return
	}
	f.last = msg
	f.reporter.ReportProblem(msg)
}

// problemText is the status trace for the faults going on now, "" when
// none.
func (t *MirrorSourceTask) problemText(now time.Time) string {
	var parts []string
	if c := t.faults.status.connecting.Load(); c != nil {
		parts = append(parts, fmt.Sprintf("Cannot connect to source cluster %q for %s: %v; retrying with backoff",
			t.cfg.sourceAlias, roundDuration(now.Sub(c.since)), c.err))
	}
	if s := t.faults.source.summary(now); s != "" {
		parts = append(parts, s)
	}
	if s := t.faults.target.summary(now); s != "" {
		parts = append(parts, s)
	}
	return strings.Join(parts, "\n")
}

// summary describes the source partitions failing now, "" when none.
func (h *sourceHealth) summary(now time.Time) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.failing) == 0 {
		return ""
	}
	var latest *partitionTrouble
	var latestTP topicPartition
	for tp, tr := range h.failing {
		if latest == nil || tr.lastAt.After(latest.lastAt) || (tr.lastAt.Equal(latest.lastAt) && tp.String() < latestTP.String()) {
			latest, latestTP = tr, tp
		}
	}
	return fmt.Sprintf("Cannot consume %d of %d source partitions from cluster %q for %s (%s: %v); retrying with backoff",
		len(h.failing), h.total, h.alias, roundDuration(now.Sub(h.since)), latestTP, latest.lastErr)
}

// summary describes a stall of the target cluster, "" when none. It runs
// on the watcher goroutine, which owns the stall state.
func (w *ackWatch) summary(now time.Time) string {
	if !w.stalled {
		return ""
	}
	return fmt.Sprintf("Target cluster %q has acknowledged no record for %s (%d records waiting); the producer keeps retrying",
		w.alias, roundDuration(now.Sub(w.waitingSince)), max(w.outstanding.Load(), 0))
}
