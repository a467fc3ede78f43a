package kafkastore

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"sync"

	"github.com/ferrykafka/ferry/storage"
	"github.com/rs/zerolog"
)

// OffsetStore is the offsets topic (Java's KafkaOffsetBackingStore) as a
// storage.OffsetStore: raw key and value bytes, keyed by the key bytes.
type OffsetStore struct {
	log    Log
	logger zerolog.Logger

	mu   sync.Mutex
	data map[string][]byte
	// partitions indexes the source partitions of each connector by raw key
	// (Java's connectorPartitions, used for the offsets REST API).
	partitions map[string]map[string]map[string]any
}

var _ storage.OffsetStore = (*OffsetStore)(nil)

// NewOffsetStore returns an offset store; Start connects it.
// Options.Partitions 0 means Java's default of 25.
func NewOffsetStore(o Options) (*OffsetStore, error) {
	if err := o.validate(offsetsKind); err != nil {
		return nil, err
	}
	return NewOffsetStoreOnLog(o.kafkaLog(o.logConfig(offsetsKind)), o.logger()), nil
}

// NewOffsetStoreOnLog returns an offset store over the Log that open
// creates (storage/memstore's in-memory one), logging to logger.
func NewOffsetStoreOnLog(open OpenLog, logger zerolog.Logger) *OffsetStore {
	s := &OffsetStore{logger: logger, data: map[string][]byte{}, partitions: map[string]map[string]map[string]any{}}
	s.log = open(withoutNotify(s.onRecord))
	return s
}

// Start creates or verifies the topic and reads it to the end.
func (s *OffsetStore) Start(ctx context.Context) error { return s.log.Start(ctx) }

// Stop flushes what is in flight as far as ctx allows and closes the clients.
func (s *OffsetStore) Stop(ctx context.Context) error { return s.log.Stop(ctx) }

// Get reads the topic to its end, then returns the stored value of each key
// that has one, indexed by string(key).
func (s *OffsetStore) Get(ctx context.Context, keys [][]byte) (map[string][]byte, error) {
	if err := s.log.ReadToEnd(ctx); err != nil {
		return nil, fmt.Errorf("read offsets: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string][]byte, len(keys))
	for _, k := range keys {
		if v, ok := s.data[string(k)]; ok {
			out[string(k)] = append([]byte(nil), v...)
		}
	}
	return out, nil
}

// Set writes the entries (a nil value deletes) and returns once all are
// acknowledged.
func (s *OffsetStore) Set(ctx context.Context, entries []storage.OffsetEntry) error {
	recs := make([]record, len(entries))
	for i, e := range entries {
		recs[i] = record{key: string(e.Key), value: e.Value}
	}
	if err := sendAll(ctx, s.log, recs); err != nil {
		return fmt.Errorf("write offsets: %w", err)
	}
	return nil
}

// ConnectorPartitions returns the source partitions a connector has offsets
// for, as read so far (ordered by their raw keys).
func (s *OffsetStore) ConnectorPartitions(connector string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.partitions[connector]))
	for k := range s.partitions[connector] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]map[string]any, len(keys))
	for i, k := range keys {
		out[i] = maps.Clone(s.partitions[connector][k])
	}
	return out
}

// onRecord runs on the log's reader goroutine.
func (s *OffsetStore) onRecord(m Record) {
	log := recordLogger(s.logger, m.Partition, m.Offset)
	if m.Key == nil {
		log.Warn().Msg("ignoring offset record without a key")
		return
	}
	key := string(m.Key)
	connector, partition, perr := storage.ParseOffsetKey(m.Key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.Value == nil {
		delete(s.data, key)
	} else {
		s.data[key] = m.Value
	}
	if perr != nil || partition == nil {
		if perr != nil {
			log.Warn().Err(perr).Msg("offset key has an unexpected format; kept, but not listed as a connector partition")
		}
		return
	}
	row := s.partitions[connector]
	if m.Value == nil {
		delete(row, key)
		return
	}
	if row == nil {
		row = map[string]map[string]any{}
		s.partitions[connector] = row
	}
	row[key] = partition
}
