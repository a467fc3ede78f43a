package kafkalog

import (
	"context"
	"sync"
)

// topicOrder puts the creation of one log's topic after another's. A
// broker sets up the partitions of new topics one at a time, in the order
// the topics were created (15 to 40 ms each on a two-core machine), so a
// single-partition topic created just after a 25-partition one cannot take
// a write for about half a second. A worker writes to its config topic at
// every step of its start (session key, connector and task configs) and to
// the others later, so it creates the config topic first (the herder wires
// this with TopicSettled and CreateAfter).
type topicOrder struct {
	once    sync.Once
	settled chan struct{} // closed once ensureTopic returned, or Start ended first
	after   <-chan struct{}
}

func (o *topicOrder) init() { o.settled = make(chan struct{}) }

// settle closes settled (idempotent).
func (o *topicOrder) settle() { o.once.Do(func() { close(o.settled) }) }

// TopicSettled is closed once Start has created or found the topic (or
// failed, or ended, before it did).
func (l *Log) TopicSettled() <-chan struct{} { return l.order.settled }

// CreateAfter makes Start wait until after is closed before it creates or
// checks the topic (it connects first). Call it before Start; nil waits
// for nothing.
func (l *Log) CreateAfter(after <-chan struct{}) { l.order.after = after }

// awaitTurn waits for the channel CreateAfter named, or for ctx or Stop.
func (l *Log) awaitTurn(ctx context.Context) error {
	if l.order.after == nil {
		return nil
	}
	select {
	case <-l.order.after:
		return nil
	case <-ctx.Done():
		return l.errorf("wait for the topic created before this one: %w", ctx.Err())
	case <-l.stop:
		return ErrClosed
	}
}
