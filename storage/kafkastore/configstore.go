package kafkastore

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/ferrykafka/ferry/storage"
	"github.com/rs/zerolog"
)

// ConfigStore is the config topic (Java's KafkaConfigBackingStore) as a
// storage.ConfigStore. Only the leader writes connector and task configs;
// any worker may write target states.
type ConfigStore struct {
	log    Log
	logger zerolog.Logger
	topic  string

	mu       sync.Mutex // guards state and listener
	state    *configState
	listener storage.ConfigUpdateListener
	started  atomic.Bool // listener calls only after the first read to the end
}

var _ storage.ConfigStore = (*ConfigStore)(nil)

// NewConfigStore returns a config store; Start connects it. The topic is
// created with one partition; Options.Partitions must be 0 or 1.
func NewConfigStore(o Options) (*ConfigStore, error) {
	if err := o.validate(configsKind); err != nil {
		return nil, err
	}
	if o.Partitions != 0 && o.Partitions != 1 {
		return nil, fmt.Errorf("kafkastore: the config topic %q must have a single partition, not %d", o.Topic, o.Partitions)
	}
	o.Partitions = 1
	return configStoreOn(o.kafkaLog(o.logConfig(configsKind)), o.logger(), o.Topic), nil
}

// NewConfigStoreOnLog returns a config store over the Log that open
// creates (storage/memstore's in-memory one), logging to logger.
func NewConfigStoreOnLog(open OpenLog, logger zerolog.Logger) *ConfigStore {
	return configStoreOn(open, logger, "")
}

func configStoreOn(open OpenLog, logger zerolog.Logger, topic string) *ConfigStore {
	s := &ConfigStore{logger: logger, topic: topic, state: newConfigState()}
	s.log = open(s.onRecord)
	return s
}

// SetUpdateListener sets the listener; call it before Start. The listener
// may also implement storage.RestartRequestListener and
// storage.LoggingLevelListener.
func (s *ConfigStore) SetUpdateListener(l storage.ConfigUpdateListener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listener = l
}

// Start creates or verifies the topic, refuses a topic with more than one
// partition, and reads it to the end. Records read during Start make no
// listener calls.
func (s *ConfigStore) Start(ctx context.Context) error {
	s.logger.Info().Msg("starting config store")
	if err := s.log.Start(ctx); err != nil {
		return err
	}
	if n := s.log.PartitionCount(); n > 1 {
		_ = s.log.Stop(ctx)
		return fmt.Errorf("Topic '%s' supplied via the '%s' property is required to have a single partition in order to "+
			"guarantee consistency of connector configurations, but found %d partitions.", s.topic, configsKind.workerTopicConfig, n)
	}
	s.started.Store(true)
	s.logger.Info().Msg("started config store")
	return nil
}

// Stop stops reading and closes the clients.
func (s *ConfigStore) Stop(ctx context.Context) error {
	return s.log.Stop(ctx)
}

// Snapshot returns a copy of the state read so far.
func (s *ConfigStore) Snapshot() storage.ClusterConfigState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.snapshot()
}

// TaskCountRecords returns the task count of every connector with a
// tasks-fencing- record (KIP-618).
func (s *ConfigStore) TaskCountRecords() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.state.taskCountRecords)
}

// PendingFencing returns, sorted, the connectors whose latest task configs
// came after their latest task count record, so their old task producers
// must be fenced before the new tasks start (KIP-618).
func (s *ConfigStore) PendingFencing() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.state.pendingFencing))
	for c := range s.state.pendingFencing {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Refresh reads the topic to its current end.
func (s *ConfigStore) Refresh(ctx context.Context) error {
	return s.log.ReadToEnd(ctx)
}

// PutConnectorConfig writes target-state-<c> (if targetState is set), then
// connector-<c>, waits for both, and reads to the end.
func (s *ConfigStore) PutConnectorConfig(ctx context.Context, connector string, props map[string]string, targetState *storage.TargetState) error {
	ctx, cancel := context.WithTimeout(ctx, readWriteTimeout)
	defer cancel()
	var recs []record
	if targetState != nil {
		recs = append(recs, record{targetStateKey(connector), encodeTargetState(*targetState)})
	}
	recs = append(recs, record{connectorKey(connector), encodeProperties(props)})
	if err := s.write(ctx, recs...); err != nil {
		return fmt.Errorf("error writing connector configuration of %q to Kafka: %w", connector, err)
	}
	if err := s.log.ReadToEnd(ctx); err != nil {
		return fmt.Errorf("error writing connector configuration of %q to Kafka: %w", connector, err)
	}
	return nil
}

// RemoveConnectorConfig tombstones connector-<c> then target-state-<c> and
// reads to the end.
func (s *ConfigStore) RemoveConnectorConfig(ctx context.Context, connector string) error {
	ctx, cancel := context.WithTimeout(ctx, readWriteTimeout)
	defer cancel()
	if err := s.write(ctx, record{connectorKey(connector), nil}, record{targetStateKey(connector), nil}); err != nil {
		return fmt.Errorf("error removing connector configuration of %q from Kafka: %w", connector, err)
	}
	if err := s.log.ReadToEnd(ctx); err != nil {
		return fmt.Errorf("error removing connector configuration of %q from Kafka: %w", connector, err)
	}
	return nil
}

// PutTaskConfigs reads to the end, writes task-<c>-0..N-1, reads to the end
// (when N > 0), writes commit-<c> {"tasks":N} and reads to the end. An empty
// list writes only the commit (how STOP drops a connector's tasks).
func (s *ConfigStore) PutTaskConfigs(ctx context.Context, connector string, configs []map[string]string) error {
	ctx, cancel := context.WithTimeout(ctx, readWriteTimeout)
	defer cancel()
	fail := func(what string, err error) error {
		return fmt.Errorf("error writing %s of %q to Kafka: %w", what, connector, err)
	}
	if err := s.log.ReadToEnd(ctx); err != nil {
		return fail("root configuration", err)
	}
	recs := make([]record, len(configs))
	for i, props := range configs {
		recs[i] = record{taskKey(storage.ConnectorTaskID{Connector: connector, Task: i}), encodeProperties(props)}
	}
	if err := s.write(ctx, recs...); err != nil {
		return fail("task configurations", err)
	}
	if len(configs) > 0 {
		if err := s.log.ReadToEnd(ctx); err != nil {
			return fail("root configuration", err)
		}
	}
	if err := s.write(ctx, record{commitKey(connector), encodeCommit(len(configs))}); err != nil {
		return fail("root configuration", err)
	}
	if err := s.log.ReadToEnd(ctx); err != nil {
		return fail("root configuration", err)
	}
	return nil
}

// PutTargetState writes target-state-<c> and waits for the acknowledgement
// (no read-back, as in Java).
func (s *ConfigStore) PutTargetState(ctx context.Context, connector string, state storage.TargetState) error {
	ctx, cancel := context.WithTimeout(ctx, readWriteTimeout)
	defer cancel()
	if err := s.write(ctx, record{targetStateKey(connector), encodeTargetState(state)}); err != nil {
		return fmt.Errorf("error writing target state of %q to Kafka: %w", connector, err)
	}
	return nil
}

// PutSessionKey writes session-key and reads to the end.
func (s *ConfigStore) PutSessionKey(ctx context.Context, key storage.SessionKey) error {
	return s.writeAndRead(ctx, "session key", record{sessionKeyKey, encodeSessionKey(key)})
}

// PutRestartRequest writes restart-connector-<c> and reads to the end.
func (s *ConfigStore) PutRestartRequest(ctx context.Context, r storage.RestartRequest) error {
	return s.writeAndRead(ctx, "restart request", record{restartKey(r.Connector), encodeRestartRequest(r)})
}

// PutTaskCountRecord writes tasks-fencing-<c> and reads to the end.
func (s *ConfigStore) PutTaskCountRecord(ctx context.Context, connector string, taskCount int) error {
	return s.writeAndRead(ctx, "task count record", record{taskCountKey(connector), encodeTaskCount(taskCount)})
}

// PutLoggerLevel writes logger-cluster-<namespace> and waits for the
// acknowledgement (no read-back, as in Java).
func (s *ConfigStore) PutLoggerLevel(ctx context.Context, namespace, level string) error {
	ctx, cancel := context.WithTimeout(ctx, readWriteTimeout)
	defer cancel()
	if err := s.write(ctx, record{loggerKey(namespace), encodeLoggerLevel(level)}); err != nil {
		return fmt.Errorf("error writing logger level to Kafka: %w", err)
	}
	return nil
}

func (s *ConfigStore) writeAndRead(ctx context.Context, what string, r record) error {
	ctx, cancel := context.WithTimeout(ctx, readWriteTimeout)
	defer cancel()
	if err := s.write(ctx, r); err != nil {
		return fmt.Errorf("error writing %s to Kafka: %w", what, err)
	}
	if err := s.log.ReadToEnd(ctx); err != nil {
		return fmt.Errorf("error writing %s to Kafka: %w", what, err)
	}
	return nil
}

type record struct {
	key   string
	value []byte
}

// write sends the records in order and waits for all acknowledgements.
func (s *ConfigStore) write(ctx context.Context, recs ...record) error {
	return sendAll(ctx, s.log, recs)
}

func sendAll(ctx context.Context, log Log, recs []record) error {
	errs := make(chan error, len(recs))
	for _, r := range recs {
		log.SendAsync([]byte(r.key), r.value, func(err error) {
			if err != nil {
				err = fmt.Errorf("%s: %w", r.key, err)
			}
			errs <- err
		})
	}
	var all []error
	for range recs {
		select {
		case err := <-errs:
			if err != nil {
				all = append(all, err)
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return errors.Join(all...)
}

// onRecord is the store's Reader: it runs on the log's reader goroutine
// and returns the listener calls the record owes once started.
func (s *ConfigStore) onRecord(r Record) func() {
	log := recordLogger(s.logger, r.Partition, r.Offset)
	s.mu.Lock()
	events := s.state.apply(log, r.Key, r.Value, r.Offset)
	l := s.listener
	s.mu.Unlock()
	if !s.started.Load() || l == nil || len(events) == 0 {
		return nil
	}
	return func() {
		for _, e := range events {
			deliver(l, e)
		}
	}
}

// deliver makes one listener call.
func deliver(l storage.ConfigUpdateListener, e configEvent) {
	switch e.kind {
	case evConnectorUpdate:
		l.OnConnectorConfigUpdate(e.connector)
	case evConnectorRemove:
		l.OnConnectorConfigRemove(e.connector)
	case evTaskUpdate:
		l.OnTaskConfigUpdate(e.tasks)
	case evTargetState:
		l.OnConnectorTargetStateChange(e.connector)
	case evSessionKey:
		l.OnSessionKeyUpdate(e.sessionKey)
	case evRestart:
		if rl, ok := l.(storage.RestartRequestListener); ok {
			rl.OnRestartRequest(e.restart)
		}
	case evLoggerLevel:
		if ll, ok := l.(storage.LoggingLevelListener); ok {
			ll.OnLoggingLevelUpdate(e.namespace, e.level)
		}
	}
}
