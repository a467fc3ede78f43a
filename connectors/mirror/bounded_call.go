package mirror

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// boundedCall runs fn on its own goroutine and waits for it at most timeout,
// or until ctx ends. sarama's calls take no context, so this is how an admin
// call honours admin.timeout.ms and cancellation.
//
// A call that outlives the wait keeps running until sarama's own timeouts end
// it (admin clients have them clamped to admin.timeout.ms). It stays tracked
// by wg, so the owner's Stop waits for it, and release (if not nil) receives
// its late result, so a client it created can be closed.
func boundedCall[T any](ctx context.Context, timeout time.Duration, wg *sync.WaitGroup,
	fn func() (T, error), release func(T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		v, err := fn()
		done <- result{v, err}
	}()

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var err error
	select {
	case r := <-done:
		return r.v, r.err
	case <-timer.C:
		err = fmt.Errorf("timed out after %v (%s): %w", timeout, keyAdminTimeoutMs, context.DeadlineExceeded)
	case <-ctx.Done():
		err = ctx.Err()
	}
	if release != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := <-done
			release(r.v, r.err)
		}()
	}
	var zero T
	return zero, err
}

// waitGroup waits for wg until ctx ends and reports whether it finished.
func waitGroup(ctx context.Context, wg *sync.WaitGroup) bool {
	finished := make(chan struct{})
	go func() {
		wg.Wait()
		close(finished)
	}()
	select {
	case <-finished:
		return true
	case <-ctx.Done():
		return false
	}
}
