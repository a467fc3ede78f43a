package memstore

import (
	"bytes"
	"context"
	"sync"

	"github.com/ferrykafka/ferry/storage/kafkastore"
)

// memLog is the kafkastore.Log under each store: one partition in memory
// whose records are read back the moment they are appended, on the
// writer's goroutine, so a write has taken effect (and made its listener
// calls) when it returns. Only the next offset is kept: the stores hold the
// state, and a memLog is never read from the start again.
type memLog struct {
	read kafkastore.Reader

	// mu stands for kafkalog's single reader goroutine: it orders the
	// records and is held while the store's Reader applies one (which takes
	// only the store's own lock), never while listener calls are made, so a
	// listener may write to the store.
	mu      sync.Mutex
	running bool
	next    int64 // offset of the next record
}

var _ kafkastore.Log = (*memLog)(nil)

// open is the kafkastore.OpenLog of l.
func (l *memLog) open(read kafkastore.Reader) kafkastore.Log {
	l.read = read
	return l
}

// Start makes the log writable; there is nothing to read.
func (l *memLog) Start(context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.running = true
	return nil
}

// Stop makes the log refuse reads and writes with ErrNotRunning.
func (l *memLog) Stop(context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.running = false
	return nil
}

// ReadToEnd has nothing to wait for: every record is read when written.
func (l *memLog) ReadToEnd(context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.running {
		return ErrNotRunning
	}
	return nil
}

// SendAsync appends and reads back the record, then calls done.
func (l *memLog) SendAsync(key, value []byte, done func(error)) { done(l.append(key, value)) }

// PartitionCount is 1.
func (l *memLog) PartitionCount() int { return 1 }

// append stores a copy of the record, has the store read it, then makes
// the listener calls it owes outside the lock.
func (l *memLog) append(key, value []byte) error {
	l.mu.Lock()
	if !l.running {
		l.mu.Unlock()
		return ErrNotRunning
	}
	// bytes.Clone keeps nil (a tombstone) apart from empty.
	notify := l.read(kafkastore.Record{Offset: l.next, Key: bytes.Clone(key), Value: bytes.Clone(value)})
	l.next++
	l.mu.Unlock()
	if notify != nil {
		notify()
	}
	return nil
}
