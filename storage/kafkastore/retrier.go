package kafkastore

import (
	"sync"
	"time"
)

// retrier is the status store's retry goroutine (Java's sendRetryExecutor):
// it re-sends failed writes after a backoff. Send callbacks must not send
// themselves (they run on the log's producer-results goroutine), so they
// queue here.
type retrier struct {
	mu      sync.Mutex
	queue   []retryItem
	stopped bool
	wake    chan struct{}
	stop    chan struct{}
	done    chan struct{}
}

type retryItem struct {
	due  time.Time
	run  func()
	drop func() // called instead of run when the store stops first
}

func newRetrier() *retrier {
	return &retrier{wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
}

// retryWarnEvery is how many failed attempts of one status write pass
// between warnings (about a minute at the 1 s cap).
const retryWarnEvery = 60

// retryDelay is 100 ms doubling per attempt, capped at 1 s.
func retryDelay(attempt int) time.Duration {
	d := 100 * time.Millisecond
	for i := 0; i < attempt && d < time.Second; i++ {
		d *= 2
	}
	return min(d, time.Second)
}

func (r *retrier) add(delay time.Duration, run, drop func()) {
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		drop()
		return
	}
	r.queue = append(r.queue, retryItem{due: time.Now().Add(delay), run: run, drop: drop})
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func (r *retrier) loop() {
	defer close(r.done)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		now := time.Now()
		var due []retryItem
		var next time.Time
		r.mu.Lock()
		rest := r.queue[:0]
		for _, it := range r.queue {
			switch {
			case !it.due.After(now):
				due = append(due, it)
			default:
				rest = append(rest, it)
				if next.IsZero() || it.due.Before(next) {
					next = it.due
				}
			}
		}
		r.queue = rest
		r.mu.Unlock()
		for _, it := range due {
			it.run()
		}
		var timerC <-chan time.Time
		if !next.IsZero() {
			timer.Reset(time.Until(next))
			timerC = timer.C
		}
		select {
		case <-timerC:
		case <-r.wake:
		case <-r.stop:
			return
		}
		timer.Stop()
	}
}

// close stops the goroutine (if it ran) and drops what is still queued.
func (r *retrier) close(started bool) {
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		return
	}
	r.stopped = true
	r.mu.Unlock()
	close(r.stop)
	if started {
		<-r.done
	}
	r.mu.Lock()
	left := r.queue
	r.queue = nil
	r.mu.Unlock()
	for _, it := range left {
		it.drop()
	}
}
