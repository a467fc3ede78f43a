package kafkaclient

import (
	"context"
	"time"
)

// Bounded runs fn, a call that takes no context (sarama's), on its own
// goroutine and returns its result, or ctx.Err() as soon as ctx ends. An
// abandoned fn runs on until it returns by itself (sarama's network
// timeouts bound it; closing the client or connection it uses ends it
// sooner). late, when not nil, receives the value of an abandoned fn that
// succeeded, so that what it opened (a client, a connection) is closed.
func Bounded[T any](ctx context.Context, fn func() (T, error), late func(T)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := fn()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		if late != nil {
			go func() {
				if r := <-done; r.err == nil {
					late(r.v)
				}
			}()
		}
		var zero T
		return zero, ctx.Err()
	}
}

// Backoff is the wait before retry n (0-based): first, doubled n times,
// never more than limit.
func Backoff(n int, first, limit time.Duration) time.Duration {
	d := first
	for i := 0; i < n && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

// Sleep waits d, or until ctx ends; it reports whether d passed.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
