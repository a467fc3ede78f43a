package memstore

import (
	"context"
	"sync"

	"github.com/ferrykafka/ferry/storage"
)

// OffsetStore is an in-memory storage.OffsetStore keyed by raw key bytes.
type OffsetStore struct {
	mu      sync.Mutex
	running bool
	data    map[string][]byte
}

var _ storage.OffsetStore = (*OffsetStore)(nil)

// NewOffsetStore returns an empty offset store.
func NewOffsetStore() *OffsetStore { return &OffsetStore{data: map[string][]byte{}} }

// Start makes the store usable.
func (s *OffsetStore) Start(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running = true
	return nil
}

// Stop makes the store unusable.
func (s *OffsetStore) Stop(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running = false
	return nil
}

// Get returns the stored value of each key that has one.
func (s *OffsetStore) Get(_ context.Context, keys [][]byte) (map[string][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running {
		return nil, ErrNotRunning
	}
	out := make(map[string][]byte, len(keys))
	for _, k := range keys {
		if v, ok := s.data[string(k)]; ok {
			out[string(k)] = append([]byte(nil), v...)
		}
	}
	return out, nil
}

// Set stores the entries; a nil value deletes.
func (s *OffsetStore) Set(_ context.Context, entries []storage.OffsetEntry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running {
		return ErrNotRunning
	}
	for _, e := range entries {
		if e.Value == nil {
			delete(s.data, string(e.Key))
		} else {
			s.data[string(e.Key)] = append([]byte(nil), e.Value...)
		}
	}
	return nil
}
