package kafkastore

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/storage/kafkalog"
	"github.com/rs/zerolog"
)

// StatusStore is the status topic (Java's KafkaStatusBackingStore) as a
// storage.StatusStore. Reads come from a cache filled only by records read
// back from the topic, so every worker sees the same statuses.
type StatusStore struct {
	log    Log
	logger zerolog.Logger
	writes *tracker
	retry  *retrier
	// retrying is set once Start ran the retry goroutine.
	retrying atomic.Bool

	mu         sync.Mutex
	connectors map[string]*cacheEntry
	tasks      map[string]map[int]*cacheEntry
	topics     map[string]map[string]storage.TopicStatus // connector -> topic
}

var _ storage.StatusStore = (*StatusStore)(nil)

// cacheEntry is one status key: the last status read back, and a sequence
// number of the writes issued for it so a retry can tell it was superseded.
type cacheEntry struct {
	value   *storage.Status
	seq     int
	deleted bool
}

func (e *cacheEntry) canWriteSafely(s storage.Status) bool {
	return e.value == nil || e.value.WorkerID == s.WorkerID || e.value.Generation <= s.Generation
}

// movedOn reports whether the status read back for the key came from
// another worker in a newer generation than s.
func (e *cacheEntry) movedOn(s storage.Status) bool {
	return e.value != nil && e.value.WorkerID != s.WorkerID && e.value.Generation > s.Generation
}

// NewStatusStore returns a status store; Start connects it. Options.Partitions
// 0 means Java's default of 5.
func NewStatusStore(o Options) (*StatusStore, error) {
	if err := o.validate(statusesKind); err != nil {
		return nil, err
	}
	cfg := o.logConfig(statusesKind)
	cfg.ProducerRetries = -1 // Java sets retries=0 and retries in the store
	return NewStatusStoreOnLog(o.kafkaLog(cfg), o.logger()), nil
}

// NewStatusStoreOnLog returns a status store over the Log that open
// creates (storage/memstore's in-memory one), logging to logger.
func NewStatusStoreOnLog(open OpenLog, logger zerolog.Logger) *StatusStore {
	s := &StatusStore{
		logger:     logger,
		writes:     newTracker(),
		retry:      newRetrier(),
		connectors: map[string]*cacheEntry{},
		tasks:      map[string]map[int]*cacheEntry{},
		topics:     map[string]map[string]storage.TopicStatus{},
	}
	s.log = open(withoutNotify(s.onRecord))
	return s
}

// Start creates or verifies the topic and reads it to the end. The retry
// goroutine runs from the first Start to Stop; a log that can be started
// again (memstore's) is not retried after that.
func (s *StatusStore) Start(ctx context.Context) error {
	if s.retrying.CompareAndSwap(false, true) {
		go s.retry.loop()
	}
	if err := s.log.Start(ctx); err != nil {
		s.retry.close(true)
		return err
	}
	return nil
}

// Stop drops pending retries, flushes what is in flight as far as ctx
// allows, and closes the clients.
func (s *StatusStore) Stop(ctx context.Context) error {
	s.retry.close(s.retrying.Load())
	return s.log.Stop(ctx)
}

// Put writes a status unconditionally; DESTROYED writes a tombstone.
func (s *StatusStore) Put(st storage.Status) { s.send(st, false) }

// PutSafe writes a status unless the cached one came from another worker
// with a newer generation (Java's putSafe).
func (s *StatusStore) PutSafe(st storage.Status) { s.send(st, true) }

// Flush waits until every write issued so far, retries included, is
// acknowledged, failed for good or superseded.
func (s *StatusStore) Flush(ctx context.Context) error {
	if err := s.writes.wait(ctx); err != nil {
		return fmt.Errorf("flush status writes: %w", err)
	}
	return nil
}

func (s *StatusStore) send(st storage.Status, safe bool) {
	key := statusKey(st.ID)
	s.mu.Lock()
	entry := s.entry(st.ID)
	if safe && !entry.canWriteSafely(st) {
		s.mu.Unlock()
		s.logger.Debug().Str("key", key).Int32("generation", st.Generation).Msg("skipping unsafe status write")
		return
	}
	entry.seq++
	seq := entry.seq
	s.mu.Unlock()

	var value []byte
	if st.State != storage.StateDestroyed {
		value = encodeStatus(st)
	}
	// Retry transient failures until this worker wrote a newer status for
	// the key, a tombstone was read back, or another worker's status of a
	// newer generation was read back (the connector or task moved).
	//
	// Java also drops the retry as soon as this worker writes a status of a
	// later generation for any key, and checks the sequence for safe writes
	// only. Ferry differs on both. A worker sends its first statuses while
	// the broker may still be setting up a status topic it just created
	// (kafkalog does not wait for that), and the rebalance that follows the
	// first task configs comes within milliseconds, so Java's rule lost a
	// connector's RUNNING status for good: GET /connectors/{name}/status
	// said 404 while the connector ran. A task or connector that leaves this
	// worker gets a newer status from it (UNASSIGNED, DESTROYED), which
	// supersedes the retry by its sequence; one taken over after this
	// worker left the group is covered by the other worker's newer status.
	stale := func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return entry.deleted || entry.seq != seq || entry.movedOn(st) || (safe && !entry.canWriteSafely(st))
	}
	s.sendWithRetry(key, value, stale)
}

// sendWithRetry sends a record; transient failures are retried in the
// background until stale reports true or the store stops.
func (s *StatusStore) sendWithRetry(key string, value []byte, stale func() bool) {
	id := s.writes.begin()
	attempt := 0
	var done func(error)
	done = func(err error) {
		if err == nil {
			s.writes.end(id)
			return
		}
		if !kafkalog.Retriable(err) {
			s.logger.Error().Err(err).Str("key", key).Msg("failed to write status update")
			s.writes.end(id)
			return
		}
		if stale() {
			s.logger.Debug().Err(err).Str("key", key).Msg("dropping failed status write: superseded")
			s.writes.end(id)
			return
		}
		ev := s.logger.Debug()
		if attempt > 0 && attempt%retryWarnEvery == 0 {
			ev = s.logger.Warn() // a minute of failures is worth a line
		}
		ev.Err(err).Str("key", key).Int("attempt", attempt).Msg("status write failed; retrying")
		delay := retryDelay(attempt)
		attempt++
		s.retry.add(delay,
			func() {
				// Superseded while waiting? Then never send it again.
				if stale() {
					s.writes.end(id)
					return
				}
				s.log.SendAsync([]byte(key), value, done)
			},
			func() { s.writes.end(id) })
	}
	s.log.SendAsync([]byte(key), value, done)
}

// entry returns the cache entry for a status key, creating it. Callers hold mu.
func (s *StatusStore) entry(id storage.ConnectorTaskID) *cacheEntry {
	if id.Task < 0 {
		e := s.connectors[id.Connector]
		if e == nil {
			e = &cacheEntry{}
			s.connectors[id.Connector] = e
		}
		return e
	}
	row := s.tasks[id.Connector]
	if row == nil {
		row = map[int]*cacheEntry{}
		s.tasks[id.Connector] = row
	}
	e := row[id.Task]
	if e == nil {
		e = &cacheEntry{}
		row[id.Task] = e
	}
	return e
}

// Connector returns a connector's status as read back from the topic.
func (s *StatusStore) Connector(connector string) (storage.Status, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.connectors[connector]; e != nil && e.value != nil {
		return *e.value, true
	}
	return storage.Status{}, false
}

// Task returns a task's status as read back from the topic.
func (s *StatusStore) Task(id storage.ConnectorTaskID) (storage.Status, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.tasks[id.Connector][id.Task]; e != nil && e.value != nil {
		return *e.value, true
	}
	return storage.Status{}, false
}

// Tasks returns the task statuses of a connector, ordered by task id.
func (s *StatusStore) Tasks(connector string) []storage.Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []storage.Status
	for _, e := range s.tasks[connector] {
		if e.value != nil {
			out = append(out, *e.value)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID.Task < out[j].ID.Task })
	return out
}

// Connectors returns the names of connectors with a status, sorted.
func (s *StatusStore) Connectors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for c, e := range s.connectors {
		if e.value != nil {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

// PutTopic records that a connector's task used a topic (KIP-558).
func (s *StatusStore) PutTopic(t storage.TopicStatus) {
	s.sendWithRetry(topicStatusKey(t.Connector, t.Topic), encodeTopicStatus(t), func() bool { return false })
}

// DeleteTopic tombstones a connector's active-topic record.
func (s *StatusStore) DeleteTopic(connector, topic string) {
	s.sendWithRetry(topicStatusKey(connector, topic), nil, func() bool { return false })
}

// Topics returns a connector's active topics as read back, sorted by topic.
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

// onRecord runs on the log's reader goroutine.
func (s *StatusStore) onRecord(m Record) {
	log := recordLogger(s.logger, m.Partition, m.Offset)
	if m.Key == nil {
		log.Warn().Msg("discarding status record without a key")
		return
	}
	key := string(m.Key)
	log = log.With().Str("key", key).Logger()
	switch {
	case strings.HasPrefix(key, connectorStatusPrefix):
		s.readConnectorStatus(log, key[len(connectorStatusPrefix):], m.Value)
	case strings.HasPrefix(key, taskStatusPrefix):
		s.readTaskStatus(log, key, m.Value)
	case strings.HasPrefix(key, topicStatusPrefix):
		s.readTopicStatus(log, key, m.Value)
	default:
		log.Warn().Msg("discarding record with invalid key")
	}
}

func (s *StatusStore) readConnectorStatus(log zerolog.Logger, connector string, value []byte) {
	if connector == "" {
		log.Warn().Msg("discarding record with invalid connector status key")
		return
	}
	if value == nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		if e := s.connectors[connector]; e != nil {
			e.deleted = true
			delete(s.connectors, connector)
		}
		for _, e := range s.tasks[connector] {
			e.deleted = true
		}
		delete(s.tasks, connector)
		return
	}
	st, err := parseStatus(storage.ConnectorTaskID{Connector: connector, Task: -1}, value)
	if err != nil {
		log.Error().Err(err).Msg("failed to deserialize connector status")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entry(st.ID).value = &st
}

func (s *StatusStore) readTaskStatus(log zerolog.Logger, key string, value []byte) {
	id, ok := parseTaskStatusKey(key)
	if !ok {
		log.Warn().Msg("discarding record with invalid task status key")
		return
	}
	if value == nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		if e := s.tasks[id.Connector][id.Task]; e != nil {
			e.deleted = true
			delete(s.tasks[id.Connector], id.Task)
		}
		return
	}
	st, err := parseStatus(id, value)
	if err != nil {
		log.Error().Err(err).Msg("failed to deserialize task status")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entry(id)
	// During rebalances a worker that missed a newer RUNNING status may
	// write UNASSIGNED for an older or equal generation; keep RUNNING.
	if st.State == storage.StateUnassigned && e.value != nil && e.value.State == storage.StateRunning &&
		e.value.Generation >= st.Generation {
		log.Debug().Msg("ignoring stale UNASSIGNED status")
		return
	}
	e.value = &st
}

func (s *StatusStore) readTopicStatus(log zerolog.Logger, key string, value []byte) {
	topic, connector, ok := parseTopicStatusKey(key)
	if !ok {
		log.Warn().Msg("discarding record with invalid topic status key")
		return
	}
	if value == nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.topics[connector], topic)
		return
	}
	t, err := parseTopicStatus(value)
	if err != nil {
		log.Warn().Err(err).Msg("failed to parse topic status")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	row := s.topics[connector]
	if row == nil {
		row = map[string]storage.TopicStatus{}
		s.topics[connector] = row
	}
	row[topic] = t
}
