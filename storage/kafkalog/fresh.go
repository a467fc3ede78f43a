package kafkalog

import (
	"errors"
	"sync"
	"sync/atomic"

	"github.com/IBM/sarama"
)

// freshPartitions are the partitions of a topic this log created that no
// broker has yet shown to be working: no fetch, list-offsets answer or
// send of this log succeeded on them. Such a partition has never had a
// leader that took a write (the topic began empty, and a write needs a
// ready leader), so ReadToEnd takes its end offset as 0 while its broker
// still answers that it is not ready, instead of waiting for the broker to
// set up its log: on a busy broker 25 new partitions take half a second,
// and every task's first offset read waited for all of them. Java's
// KafkaBasedLog waits.
type freshPartitions struct {
	n   atomic.Int32 // how many are left; 0 skips the lock
	mu  sync.Mutex
	set map[int32]bool
}

// init marks parts fresh (Start, for a topic it created).
func (f *freshPartitions) init(parts []int32) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.set = make(map[int32]bool, len(parts))
	for _, p := range parts {
		f.set[p] = true
	}
	f.n.Store(int32(len(f.set)))
}

// seen records that p worked: it is fresh no more.
func (f *freshPartitions) seen(p int32) {
	if f.n.Load() == 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.set[p] {
		delete(f.set, p)
		f.n.Store(int32(len(f.set)))
	}
}

// emptyWhileNotReady reports whether p's end offset is 0 because it is
// fresh and err says its broker is not ready for it yet.
func (f *freshPartitions) emptyWhileNotReady(p int32, err error) bool {
	if f.n.Load() == 0 || !notReady(err) {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.set[p]
}

// notReady: the answers of a broker about a partition it has not set up
// yet (or a client that has not seen its leader yet).
func notReady(err error) bool {
	return errors.Is(err, sarama.ErrNotLeaderForPartition) || errors.Is(err, sarama.ErrLeaderNotAvailable) ||
		errors.Is(err, sarama.ErrUnknownTopicOrPartition) || errors.Is(err, sarama.ErrReplicaNotAvailable)
}
