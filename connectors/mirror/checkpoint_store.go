package mirror

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
)

// checkpointStore holds the latest checkpoint of each (group, downstream
// partition) of a task's groups (Java's CheckpointStore, KAFKA-15905). It is
// seeded once, at task start, from the checkpoints topic, and then updated
// with every checkpoint the task emits. The task uses it to keep its
// checkpoints monotonic across restarts, and sync.group.offsets writes its
// offsets to the target cluster's groups.
//
// It is safe for concurrent use (Poll and the group offset sync share it).
type checkpointStore struct {
	groups map[string]bool

	mu      sync.Mutex
	byGroup map[string]map[mirrorclient.TopicPartition]mirrorclient.Checkpoint
}

func newCheckpointStore(groups []string) *checkpointStore {
	s := &checkpointStore{groups: make(map[string]bool, len(groups)),
		byGroup: map[string]map[mirrorclient.TopicPartition]mirrorclient.Checkpoint{}}
	for _, g := range groups {
		s.groups[g] = true
	}
	return s
}

// get returns a copy of the group's latest checkpoints by downstream
// partition, or nil when the group has none.
func (s *checkpointStore) get(group string) map[mirrorclient.TopicPartition]mirrorclient.Checkpoint {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cps, ok := s.byGroup[group]; ok {
		return maps.Clone(cps)
	}
	return nil
}

// update records checkpoints of group as the latest ones of their
// partitions.
func (s *checkpointStore) update(group string, cps []mirrorclient.Checkpoint) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.byGroup[group]
	if m == nil {
		m = map[mirrorclient.TopicPartition]mirrorclient.Checkpoint{}
		s.byGroup[group] = m
	}
	for _, cp := range cps {
		m[cp.TopicPartition()] = cp
	}
}

// all returns a copy of every group's latest checkpoints (Java's
// computeConvertedUpstreamOffset, keeping the whole checkpoint).
func (s *checkpointStore) all() map[string]map[mirrorclient.TopicPartition]mirrorclient.Checkpoint {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]map[mirrorclient.TopicPartition]mirrorclient.Checkpoint, len(s.byGroup))
	for g, cps := range s.byGroup {
		out[g] = maps.Clone(cps)
	}
	return out
}

// size counts the checkpoints held.
func (s *checkpointStore) size() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, cps := range s.byGroup {
		n += len(cps)
	}
	return n
}

// load reads partition 0 of the checkpoints topic from its start to its
// end (as of now) and keeps, for the store's groups, the last checkpoint of
// each downstream partition. Records that do not decode are skipped with a
// warning, as in Java. On an error nothing is kept: the caller goes on with
// an empty store (Java's "degraded" start) and must make the offset sync
// store read to its end before translating.
func (s *checkpointStore) load(ctx context.Context, topic string, consumerProps map[string]string, log zerolog.Logger) error {
	kc, err := kafkaclient.Parse(consumerProps)
	if err != nil {
		return fmt.Errorf("consumer settings: %w", err)
	}
	if _, err := applyConsumerProps(consumerProps, kc.Sarama); err != nil {
		return err
	}
	// Looking the topic up must not create it with the broker's defaults.
	kc.Sarama.Metadata.AllowAutoTopicCreation = false
	client, err := sarama.NewClient(kc.Brokers, kc.Sarama)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", strings.Join(kc.Brokers, ","), err)
	}
	defer func() { _ = client.Close() }()

	found := map[string]map[mirrorclient.TopicPartition]mirrorclient.Checkpoint{}
	invalid := 0
	err = readPartitionToEnd(ctx, client, topic, kc.Sarama.Consumer.IsolationLevel, func(offset int64, key, value []byte) {
		if value == nil {
			return // a tombstone: nothing to remember
		}
		cp, err := mirrorclient.DecodeCheckpoint(key, value)
		if err != nil {
			invalid++
			log.Warn().Err(err).Str("topic", topic).Int64("offset", offset).Msg("ignored invalid checkpoint record")
			return
		}
		if !s.groups[cp.ConsumerGroupID] {
			return
		}
		m := found[cp.ConsumerGroupID]
		if m == nil {
			m = map[mirrorclient.TopicPartition]mirrorclient.Checkpoint{}
			found[cp.ConsumerGroupID] = m
		}
		m[cp.TopicPartition()] = cp
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for g, cps := range found {
		if s.byGroup[g] == nil {
			s.byGroup[g] = cps
			continue
		}
		for tp, cp := range cps {
			if _, newer := s.byGroup[g][tp]; !newer {
				s.byGroup[g][tp] = cp
			}
		}
	}
	return nil
}

// Delays between attempts of a fetch that failed transiently while reading
// the checkpoints topic.
const (
	readToEndMinBackoff = 100 * time.Millisecond
	readToEndMaxBackoff = 2 * time.Second
	readToEndMaxWait    = 500 * time.Millisecond
	readToEndFetchBytes = 1 << 20
)

// readPartitionToEnd hands fn every data record of partition 0 of topic,
// in offset order, from the log start to the end offset it has when the
// call starts: the high watermark, or the last stable offset under
// read_committed (records of aborted transactions are then skipped).
//
// It fetches with raw requests rather than sarama's consumer so that it
// knows its position exactly: offsets taken by transaction markers (which
// a worker running with exactly-once support writes into the checkpoints
// topic) or removed by compaction count as read. Transient errors are
// retried with a short backoff until ctx ends.
func readPartitionToEnd(ctx context.Context, client sarama.Client, topic string, isolation sarama.IsolationLevel,
	fn func(offset int64, key, value []byte)) error {
	const partition = 0
	pos, err := partitionOffset(ctx, client, topic, partition, sarama.OffsetOldest, isolation)
	if err != nil {
		return fmt.Errorf("find the start of %s-%d: %w", topic, partition, err)
	}
	end, err := partitionOffset(ctx, client, topic, partition, sarama.OffsetNewest, isolation)
	if err != nil {
		return fmt.Errorf("find the end of %s-%d: %w", topic, partition, err)
	}
	fetchBytes := int32(readToEndFetchBytes)
	failures := 0
	retry := func(cause error) error {
		if !kafkaclient.Retriable(cause) && !isTopicMetadataError(cause) {
			return fmt.Errorf("read %s-%d at offset %d: %w", topic, partition, pos, cause)
		}
		failures++
		if !kafkaclient.Sleep(ctx, kafkaclient.Backoff(failures-1, readToEndMinBackoff, readToEndMaxBackoff)) {
			return fmt.Errorf("read %s-%d at offset %d: %w (last error: %v)", topic, partition, pos, ctx.Err(), cause)
		}
		_ = client.RefreshMetadata(topic)
		return nil
	}
	for pos < end {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("read %s-%d at offset %d of %d: %w", topic, partition, pos, end, err)
		}
		leader, err := client.Leader(topic, partition)
		if err != nil {
			if err := retry(err); err != nil {
				return err
			}
			continue
		}
		req := &sarama.FetchRequest{Version: 11, MaxWaitTime: int32(readToEndMaxWait.Milliseconds()), MinBytes: 1,
			MaxBytes: sarama.MaxResponseSize, Isolation: isolation, SessionEpoch: -1}
		req.AddBlock(topic, partition, pos, fetchBytes, -1)
		resp, err := leader.Fetch(req)
		if err == nil && resp == nil {
			err = sarama.ErrIncompleteResponse
		}
		if err != nil {
			_ = leader.Close() // the client reopens it
			if err := retry(err); err != nil {
				return err
			}
			continue
		}
		blk := resp.GetBlock(topic, partition)
		switch {
		case blk == nil:
			err = sarama.ErrIncompleteResponse
		case blk.Err == sarama.ErrOffsetOutOfRange:
			// Records before the log start are gone (retention, or
			// compaction with brokers that move the log start).
			start, lerr := partitionOffset(ctx, client, topic, partition, sarama.OffsetOldest, isolation)
			if lerr != nil || start <= pos {
				err = cmpErr(lerr, blk.Err)
				break
			}
			pos = start
			continue
		case blk.Err != sarama.ErrNoError:
			err = blk.Err
		}
		if err != nil {
			if err := retry(err); err != nil {
				return err
			}
			continue
		}
		failures = 0
		got := kafkaclient.FetchedRecords(blk, pos, isolation == sarama.ReadCommitted, func(rec kafkaclient.FetchedRecord) {
			fn(rec.Offset, rec.Key, rec.Value)
		})
		// One batch larger than the fetch size: ask for more.
		if fetchBytes, err = got.NextFetchSize(fetchBytes, readToEndFetchBytes); err != nil {
			return fmt.Errorf("read %s-%d at offset %d: %w", topic, partition, pos, err)
		}
		pos = got.Next
	}
	return nil
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// isTopicMetadataError reports errors that a metadata refresh may cure (a
// topic being created or moving).
func isTopicMetadataError(err error) bool {
	return errors.Is(err, sarama.ErrUnknownTopicOrPartition) || errors.Is(err, sarama.ErrNotLeaderForPartition) ||
		errors.Is(err, sarama.ErrLeaderNotAvailable)
}

// partitionOffset asks the partition's leader for its first offset
// (sarama.OffsetOldest) or its end (sarama.OffsetNewest: the high
// watermark, or the last stable offset under read_committed), retrying
// transient errors until ctx ends.
func partitionOffset(ctx context.Context, client sarama.Client, topic string, partition int32, which int64,
	isolation sarama.IsolationLevel) (int64, error) {
	for attempt := 0; ; attempt++ {
		off, err := kafkaclient.PartitionOffset(client, topic, partition, which, isolation)
		if err == nil {
			return off, nil
		}
		if !kafkaclient.Retriable(err) && !isTopicMetadataError(err) {
			return 0, err
		}
		if !kafkaclient.Sleep(ctx, kafkaclient.Backoff(attempt, readToEndMinBackoff, readToEndMaxBackoff)) {
			return 0, fmt.Errorf("%w (last error: %v)", ctx.Err(), err)
		}
		_ = client.RefreshMetadata(topic)
	}
}
