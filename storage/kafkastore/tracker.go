package kafkastore

import (
	"context"
	"sync"
)

// tracker follows writes from issue to their end (acknowledged, failed for
// good or dropped) so Flush can wait for the ones issued before it.
type tracker struct {
	mu      sync.Mutex
	next    uint64
	open    map[uint64]struct{}
	changed chan struct{} // closed and replaced when a write ends
}

func newTracker() *tracker {
	return &tracker{open: map[uint64]struct{}{}, changed: make(chan struct{})}
}

func (t *tracker) begin() uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.next++
	t.open[t.next] = struct{}{}
	return t.next
}

func (t *tracker) end(id uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.open, id)
	close(t.changed)
	t.changed = make(chan struct{})
}

// wait returns once every write issued before the call has ended, or ctx is
// done.
func (t *tracker) wait(ctx context.Context) error {
	t.mu.Lock()
	upTo := t.next
	t.mu.Unlock()
	for {
		t.mu.Lock()
		pending := false
		for id := range t.open {
			if id <= upTo {
				pending = true
				break
			}
		}
		ch := t.changed
		t.mu.Unlock()
		if !pending {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
