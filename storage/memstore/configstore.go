package memstore

import (
	"context"
	"maps"
	"sync"

	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/storage/kafkastore"
	"github.com/rs/zerolog"
)

// ConfigStore is kafkastore's ConfigStore over an in-memory log, plus
// writes of single records and the logger levels written.
type ConfigStore struct {
	*kafkastore.ConfigStore
	log memLog

	mu           sync.Mutex
	loggerLevels map[string]string
}

var _ storage.ConfigStore = (*ConfigStore)(nil)

// NewConfigStore returns an empty config store.
func NewConfigStore() *ConfigStore {
	s := &ConfigStore{loggerLevels: map[string]string{}}
	s.ConfigStore = kafkastore.NewConfigStoreOnLog(s.log.open, zerolog.Nop())
	return s
}

// AppendTaskConfig writes one task config record; it takes effect with the
// connector's next commit record.
func (s *ConfigStore) AppendTaskConfig(id storage.ConnectorTaskID, props map[string]string) error {
	return s.log.append(kafkastore.TaskConfigRecord(id, props))
}

// AppendCommit writes a commit record for n tasks: the task configs written
// since the last one apply iff tasks 0..n-1 are all among them, else the
// connector becomes inconsistent. With AppendTaskConfig it builds the
// states compaction or a failed leader leave.
func (s *ConfigStore) AppendCommit(connector string, n int) error {
	return s.log.append(kafkastore.CommitRecord(connector, n))
}

// PutLoggerLevel writes a cluster-wide logger level.
func (s *ConfigStore) PutLoggerLevel(ctx context.Context, namespace, level string) error {
	if err := s.ConfigStore.PutLoggerLevel(ctx, namespace, level); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loggerLevels[namespace] = level
	return nil
}

// LoggerLevels returns the logger levels PutLoggerLevel wrote.
func (s *ConfigStore) LoggerLevels() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.loggerLevels)
}
