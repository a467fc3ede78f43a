package memstore

import (
	"context"
	"maps"
	"sort"
	"sync"

	"github.com/ferrykafka/ferry/storage"
)

// ConfigStore is an in-memory storage.ConfigStore.
type ConfigStore struct {
	mu       sync.Mutex
	running  bool
	listener storage.ConfigUpdateListener

	offset           int64
	sessionKey       *storage.SessionKey
	connectorConfigs map[string]map[string]string
	targetStates     map[string]storage.TargetState
	taskConfigs      map[storage.ConnectorTaskID]map[string]string
	taskCounts       map[string]int
	inconsistent     map[string]bool
	deferred         map[string]map[int]map[string]string
	taskCountRecords map[string]int
	pendingFencing   map[string]bool
	loggerLevels     map[string]string
}

var _ storage.ConfigStore = (*ConfigStore)(nil)

// NewConfigStore returns an empty config store.
func NewConfigStore() *ConfigStore {
	return &ConfigStore{
		offset:           -1,
		connectorConfigs: map[string]map[string]string{},
		targetStates:     map[string]storage.TargetState{},
		taskConfigs:      map[storage.ConnectorTaskID]map[string]string{},
		taskCounts:       map[string]int{},
		inconsistent:     map[string]bool{},
		deferred:         map[string]map[int]map[string]string{},
		taskCountRecords: map[string]int{},
		pendingFencing:   map[string]bool{},
		loggerLevels:     map[string]string{},
	}
}

// Start makes the store usable; listener calls start from here.
func (s *ConfigStore) Start(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running = true
	return nil
}

// Stop makes the store unusable.
func (s *ConfigStore) Stop(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running = false
	return nil
}

// SetUpdateListener sets the listener, which may also implement
// storage.RestartRequestListener and storage.LoggingLevelListener.
func (s *ConfigStore) SetUpdateListener(l storage.ConfigUpdateListener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listener = l
}

// Snapshot returns a copy of the state.
func (s *ConfigStore) Snapshot() storage.ClusterConfigState {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := storage.ClusterConfigState{
		Offset:           s.offset,
		ConnectorConfigs: make(map[string]map[string]string, len(s.connectorConfigs)),
		TargetStates:     maps.Clone(s.targetStates),
		TaskConfigs:      make(map[storage.ConnectorTaskID]map[string]string, len(s.taskConfigs)),
		TaskCounts:       maps.Clone(s.taskCounts),
		Inconsistent:     maps.Clone(s.inconsistent),
	}
	if s.sessionKey != nil {
		sk := *s.sessionKey
		sk.Key = append([]byte(nil), sk.Key...)
		out.SessionKey = &sk
	}
	for c, p := range s.connectorConfigs {
		out.ConnectorConfigs[c] = maps.Clone(p)
	}
	for id, p := range s.taskConfigs {
		out.TaskConfigs[id] = maps.Clone(p)
	}
	return out
}

// Refresh has nothing to read.
func (s *ConfigStore) Refresh(context.Context) error { return s.check() }

// PutConnectorConfig writes the target state (if given), then the config.
func (s *ConfigStore) PutConnectorConfig(_ context.Context, connector string, props map[string]string, targetState *storage.TargetState) error {
	if targetState != nil {
		if err := s.write(func() []func(storage.ConfigUpdateListener) {
			return s.applyTargetState(connector, *targetState)
		}); err != nil {
			return err
		}
	}
	return s.write(func() []func(storage.ConfigUpdateListener) {
		return s.applyConnectorConfig(connector, maps.Clone(props))
	})
}

// RemoveConnectorConfig removes the config, then the target state.
func (s *ConfigStore) RemoveConnectorConfig(_ context.Context, connector string) error {
	if err := s.write(func() []func(storage.ConfigUpdateListener) { return s.applyConnectorRemoval(connector) }); err != nil {
		return err
	}
	return s.write(func() []func(storage.ConfigUpdateListener) { return s.applyTargetStateRemoval(connector) })
}

// PutTaskConfigs writes every task config, then the commit.
func (s *ConfigStore) PutTaskConfigs(ctx context.Context, connector string, configs []map[string]string) error {
	for i, props := range configs {
		if err := s.AppendTaskConfig(storage.ConnectorTaskID{Connector: connector, Task: i}, props); err != nil {
			return err
		}
	}
	return s.AppendCommit(connector, len(configs))
}

// AppendTaskConfig writes one task config; it waits for a commit.
func (s *ConfigStore) AppendTaskConfig(id storage.ConnectorTaskID, props map[string]string) error {
	return s.write(func() []func(storage.ConfigUpdateListener) {
		d := s.deferred[id.Connector]
		if d == nil {
			d = map[int]map[string]string{}
			s.deferred[id.Connector] = d
		}
		d[id.Task] = maps.Clone(props)
		return nil
	})
}

// AppendCommit writes a commit record for n tasks: the deferred task configs
// apply iff tasks 0..n-1 are all among them, else the connector becomes
// inconsistent; the deferred set is cleared either way.
func (s *ConfigStore) AppendCommit(connector string, n int) error {
	return s.write(func() []func(storage.ConfigUpdateListener) { return s.applyCommit(connector, n) })
}

// PutTargetState writes a target state.
func (s *ConfigStore) PutTargetState(_ context.Context, connector string, state storage.TargetState) error {
	return s.write(func() []func(storage.ConfigUpdateListener) { return s.applyTargetState(connector, state) })
}

// PutSessionKey writes the session key.
func (s *ConfigStore) PutSessionKey(_ context.Context, key storage.SessionKey) error {
	return s.write(func() []func(storage.ConfigUpdateListener) {
		k := key
		k.Key = append([]byte(nil), key.Key...)
		s.sessionKey = &k
		return []func(storage.ConfigUpdateListener){func(l storage.ConfigUpdateListener) { l.OnSessionKeyUpdate(k) }}
	})
}

// PutRestartRequest writes a restart request.
func (s *ConfigStore) PutRestartRequest(_ context.Context, r storage.RestartRequest) error {
	return s.write(func() []func(storage.ConfigUpdateListener) {
		return []func(storage.ConfigUpdateListener){func(l storage.ConfigUpdateListener) {
			if rl, ok := l.(storage.RestartRequestListener); ok {
				rl.OnRestartRequest(r)
			}
		}}
	})
}

// PutTaskCountRecord writes a task count record (KIP-618).
func (s *ConfigStore) PutTaskCountRecord(_ context.Context, connector string, taskCount int) error {
	return s.write(func() []func(storage.ConfigUpdateListener) {
		s.taskCountRecords[connector] = taskCount
		delete(s.pendingFencing, connector)
		return nil
	})
}

// PutLoggerLevel writes a cluster-wide logger level.
func (s *ConfigStore) PutLoggerLevel(_ context.Context, namespace, level string) error {
	return s.write(func() []func(storage.ConfigUpdateListener) {
		s.loggerLevels[namespace] = level
		return []func(storage.ConfigUpdateListener){func(l storage.ConfigUpdateListener) {
			if ll, ok := l.(storage.LoggingLevelListener); ok {
				ll.OnLoggingLevelUpdate(namespace, level)
			}
		}}
	})
}

// TaskCountRecords returns the task count records.
func (s *ConfigStore) TaskCountRecords() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.taskCountRecords)
}

// PendingFencing returns, sorted, the connectors whose task configs came
// after their task count record.
func (s *ConfigStore) PendingFencing() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.pendingFencing))
	for c := range s.pendingFencing {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// LoggerLevels returns the logger levels written so far.
func (s *ConfigStore) LoggerLevels() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.loggerLevels)
}

func (s *ConfigStore) check() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running {
		return ErrNotRunning
	}
	return nil
}

// write applies one record under the lock, then makes its listener calls
// outside it.
func (s *ConfigStore) write(apply func() []func(storage.ConfigUpdateListener)) error {
	s.mu.Lock()
	if !s.running {
		s.mu.Unlock()
		return ErrNotRunning
	}
	s.offset = max(s.offset, 0) + 1
	calls := apply()
	l := s.listener
	s.mu.Unlock()
	if l != nil {
		for _, call := range calls {
			call(l)
		}
	}
	return nil
}

func (s *ConfigStore) applyConnectorConfig(connector string, props map[string]string) []func(storage.ConfigUpdateListener) {
	if props == nil {
		props = map[string]string{}
	}
	s.connectorConfigs[connector] = props
	if _, ok := s.targetStates[connector]; !ok {
		s.targetStates[connector] = storage.TargetStarted
	}
	return []func(storage.ConfigUpdateListener){func(l storage.ConfigUpdateListener) { l.OnConnectorConfigUpdate(connector) }}
}

func (s *ConfigStore) applyConnectorRemoval(connector string) []func(storage.ConfigUpdateListener) {
	s.removeConnector(connector)
	return []func(storage.ConfigUpdateListener){func(l storage.ConfigUpdateListener) { l.OnConnectorConfigRemove(connector) }}
}

func (s *ConfigStore) removeConnector(connector string) {
	delete(s.connectorConfigs, connector)
	delete(s.taskCounts, connector)
	for id := range s.taskConfigs {
		if id.Connector == connector {
			delete(s.taskConfigs, id)
		}
	}
	delete(s.deferred, connector)
}

func (s *ConfigStore) applyTargetState(connector string, state storage.TargetState) []func(storage.ConfigUpdateListener) {
	prev, had := s.targetStates[connector]
	s.targetStates[connector] = state
	if _, exists := s.connectorConfigs[connector]; exists && (!had || prev != state) {
		return []func(storage.ConfigUpdateListener){func(l storage.ConfigUpdateListener) { l.OnConnectorTargetStateChange(connector) }}
	}
	return nil
}

func (s *ConfigStore) applyTargetStateRemoval(connector string) []func(storage.ConfigUpdateListener) {
	delete(s.targetStates, connector)
	if _, ok := s.connectorConfigs[connector]; ok {
		s.targetStates[connector] = storage.TargetStarted
	}
	return nil
}

func (s *ConfigStore) applyCommit(connector string, n int) []func(storage.ConfigUpdateListener) {
	if _, ok := s.connectorConfigs[connector]; !ok {
		s.removeConnector(connector)
		return nil
	}
	deferred := s.deferred[connector]
	complete := len(deferred) >= n
	for i := 0; i < n && complete; i++ {
		_, complete = deferred[i]
	}
	var updated []storage.ConnectorTaskID
	if complete {
		for task, props := range deferred {
			id := storage.ConnectorTaskID{Connector: connector, Task: task}
			s.taskConfigs[id] = props
			updated = append(updated, id)
		}
		sort.Slice(updated, func(i, j int) bool { return updated[i].Task < updated[j].Task })
		delete(s.inconsistent, connector)
	} else {
		s.inconsistent[connector] = true
	}
	delete(s.deferred, connector)
	s.taskCounts[connector] = n
	s.pendingFencing[connector] = true
	return []func(storage.ConfigUpdateListener){func(l storage.ConfigUpdateListener) { l.OnTaskConfigUpdate(updated) }}
}
