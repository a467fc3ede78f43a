package herder

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/ferrykafka/ferry/connect"
)

// stage is what the herder loop is doing, or last did (Java's Stage): the
// REST API quotes it when a request times out and in GET /health.
type stage struct {
	description string
	started     time.Time
	completed   time.Time // zero while in progress
}

// summarize is Java's Stage.summarize.
func (s *stage) summarize() string {
	if !s.completed.IsZero() {
		return "The last operation the worker completed was " + s.description + ", which began at " +
			javaInstant(s.started) + " and completed at " + javaInstant(s.completed) + "."
	}
	return "The worker is currently " + s.description + ", which began at " + javaInstant(s.started) + "."
}

// javaInstant formats t as java.time.Instant.toString does for
// millisecond instants: 2024-01-02T03:04:05.678Z, fraction omitted when 0.
func javaInstant(t time.Time) string {
	t = t.UTC().Truncate(time.Millisecond)
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	return t.Format("2006-01-02T15:04:05.000Z")
}

// stageTracker records the loop's stages; readers on other goroutines see
// a consistent value.
type stageTracker struct{ cur atomic.Pointer[stage] }

// begin records that the loop started description and returns the func
// that marks it completed.
func (t *stageTracker) begin(description string) func() {
	s := &stage{description: description, started: time.Now()}
	t.cur.Store(s)
	return func() {
		done := *s
		done.completed = time.Now()
		t.cur.CompareAndSwap(s, &done)
	}
}

// summary is the current stage's summary, "" before any.
func (t *stageTracker) summary() string {
	if s := t.cur.Load(); s != nil {
		return s.summarize()
	}
	return ""
}

// timedOut turns a deadline hit while waiting for the loop into Java's
// "Request timed out. <stage>" (a 500).
func (h *Herder) timedOut(err error) error {
	if !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if sum := h.stages.summary(); sum != "" {
		return &connect.KindError{Kind: context.DeadlineExceeded, Msg: "Request timed out. " + sum, Cause: err}
	}
	return err
}
