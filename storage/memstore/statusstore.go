package memstore

import (
	"context"
	"sort"
	"sync"

	"github.com/ferrykafka/ferry/storage"
)

// StatusStore is an in-memory storage.StatusStore.
type StatusStore struct {
	mu         sync.Mutex
	running    bool
	connectors map[string]storage.Status
	tasks      map[string]map[int]storage.Status
	topics     map[string]map[string]storage.TopicStatus
}

var _ storage.StatusStore = (*StatusStore)(nil)

// NewStatusStore returns an empty status store.
func NewStatusStore() *StatusStore {
	return &StatusStore{
		connectors: map[string]storage.Status{},
		tasks:      map[string]map[int]storage.Status{},
		topics:     map[string]map[string]storage.TopicStatus{},
	}
}

// Start makes the store usable.
func (s *StatusStore) Start(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running = true
	return nil
}

// Stop makes the store unusable.
func (s *StatusStore) Stop(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running = false
	return nil
}

// Put stores a status; DESTROYED removes it (a connector's with its tasks').
func (s *StatusStore) Put(st storage.Status) { s.put(st, false) }

// PutSafe stores a status unless the stored one came from another worker
// with a newer generation.
func (s *StatusStore) PutSafe(st storage.Status) { s.put(st, true) }

// Flush has nothing to wait for.
func (s *StatusStore) Flush(context.Context) error { return nil }

func (s *StatusStore) put(st storage.Status, safe bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running {
		return
	}
	prev, had := s.get(st.ID)
	if safe && had && prev.WorkerID != st.WorkerID && prev.Generation > st.Generation {
		return
	}
	if st.State == storage.StateDestroyed {
		if st.IsConnector() {
			delete(s.connectors, st.ID.Connector)
			delete(s.tasks, st.ID.Connector)
		} else {
			delete(s.tasks[st.ID.Connector], st.ID.Task)
		}
		return
	}
	if st.IsConnector() {
		s.connectors[st.ID.Connector] = st
		return
	}
	// Read-side rule of the Kafka store: a stale UNASSIGNED does not
	// replace RUNNING.
	if st.State == storage.StateUnassigned && had && prev.State == storage.StateRunning && prev.Generation >= st.Generation {
		return
	}
	row := s.tasks[st.ID.Connector]
	if row == nil {
		row = map[int]storage.Status{}
		s.tasks[st.ID.Connector] = row
	}
	row[st.ID.Task] = st
}

func (s *StatusStore) get(id storage.ConnectorTaskID) (storage.Status, bool) {
	if id.Task < 0 {
		st, ok := s.connectors[id.Connector]
		return st, ok
	}
	st, ok := s.tasks[id.Connector][id.Task]
	return st, ok
}

// Connector returns a connector's status.
func (s *StatusStore) Connector(connector string) (storage.Status, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.connectors[connector]
	return st, ok
}

// Task returns a task's status.
func (s *StatusStore) Task(id storage.ConnectorTaskID) (storage.Status, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.tasks[id.Connector][id.Task]
	return st, ok
}

// Tasks returns a connector's task statuses ordered by task id.
func (s *StatusStore) Tasks(connector string) []storage.Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []storage.Status
	for _, st := range s.tasks[connector] {
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID.Task < out[j].ID.Task })
	return out
}

// Connectors returns the names of connectors with a status, sorted.
func (s *StatusStore) Connectors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.connectors))
	for c := range s.connectors {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// PutTopic records a connector's active topic.
func (s *StatusStore) PutTopic(t storage.TopicStatus) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running {
		return
	}
	row := s.topics[t.Connector]
	if row == nil {
		row = map[string]storage.TopicStatus{}
		s.topics[t.Connector] = row
	}
	row[t.Topic] = t
}

// DeleteTopic forgets a connector's active topic.
func (s *StatusStore) DeleteTopic(connector, topic string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running {
		delete(s.topics[connector], topic)
	}
}

// Topics returns a connector's active topics sorted by topic.
func (s *StatusStore) Topics(connector string) []storage.TopicStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]storage.TopicStatus, 0, len(s.topics[connector]))
	for _, t := range s.topics[connector] {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Topic < out[j].Topic })
	return out
}
