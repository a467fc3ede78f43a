package mirror

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/IBM/sarama"
	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
)

// groupOffsetSync is sync.group.offsets.enabled: it writes the latest
// checkpointed (translated) offsets of the task's groups to the same groups
// on the target cluster, so their consumers can move to the target and
// resume where they were (Java's MirrorCheckpointTask.syncGroupOffset and
// refreshIdleConsumerGroupOffset).
//
// Each pass describes the groups on the target:
//
//   - a group the target does not know (state Dead) gets every checkpointed
//     offset;
//   - a group without members (Empty) gets the checkpointed offsets that
//     are ahead of its committed ones, or of partitions it has not
//     committed: offsets only move forward, so a consumer that already ran
//     on the target keeps its progress;
//   - a group with active members is left alone: its consumers own its
//     offsets. That is said once at INFO per group, then at DEBUG until the
//     group has no members again.
//
// Offsets of a topic or partition that does not exist on the target are
// not written. Offsets are committed as a simple consumer would (generation
// -1, no member id), which the broker refuses for a group with members.
//
// Java instead tries to write active groups too and logs the broker's
// refusal at WARN every interval, and writes without checking the topics.
type groupOffsetSync struct {
	target *clusterAdmin
	store  *checkpointStore
	log    zerolog.Logger
	// active holds the groups last seen with members (the loop's
	// goroutine only).
	active map[string]bool
}

func newGroupOffsetSync(target *clusterAdmin, store *checkpointStore, log zerolog.Logger) *groupOffsetSync {
	return &groupOffsetSync{target: target, store: store, log: log, active: map[string]bool{}}
}

// loop syncs every interval, the first time after one interval (Java's
// scheduleRepeatingDelayed), until ctx ends. A failed pass is logged and
// the next one tries again.
func (s *groupOffsetSync) loop(ctx context.Context, interval time.Duration) {
	everyInterval(ctx, interval, "consumer group offset sync", s.log, func(ctx context.Context) error {
		_, err := s.syncOnce(ctx)
		return err
	})
}

// Group states, as DescribeGroups names them.
const (
	groupStateDead  = "Dead"
	groupStateEmpty = "Empty"
)

// syncOnce is one pass. It returns the offsets written, by group.
func (s *groupOffsetSync) syncOnce(ctx context.Context) (map[string]map[topicPartition]int64, error) {
	checkpoints := s.store.all()
	written := map[string]map[topicPartition]int64{}
	groups := slices.Sorted(maps.Keys(checkpoints))
	if len(groups) == 0 {
		return written, nil
	}
	states, failed, err := s.target.describeGroupStates(ctx, groups)
	if err != nil {
		return written, err
	}
	topics, err := s.target.listTopics(ctx)
	if err != nil {
		return written, err
	}
	var errs []error
	for _, group := range groups {
		log := s.log.With().Str("group", group).Logger()
		if err, ok := failed[group]; ok {
			errs = append(errs, err)
			continue
		}
		state, described := states[group]
		var committed map[topicPartition]committedOffset
		switch {
		case !described || state == groupStateDead:
			committed = map[topicPartition]committedOffset{}
		case state == groupStateEmpty:
			if committed, err = s.target.committedOffsetsOfGroup(ctx, group); err != nil {
				errs = append(errs, err)
				continue
			}
		default:
			s.skipActive(log, group, state)
			continue
		}
		if s.active[group] {
			delete(s.active, group)
			log.Info().Str("state", state).Msg("consumer group has no active members on the target cluster any more; syncing its offsets again")
		}
		offsets := s.offsetsToWrite(log, checkpoints[group], committed, topics)
		if len(offsets) == 0 {
			log.Trace().Msg("no consumer group offsets to sync")
			continue
		}
		refused, err := s.target.commitGroupOffsets(ctx, group, offsets)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		done := map[topicPartition]int64{}
		joined := false
		for _, tp := range sortedPartitions(offsets) {
			perr, bad := refused[tp]
			switch {
			case !bad:
				done[tp] = offsets[tp].offset
			case errors.Is(perr, sarama.ErrUnknownMemberId), errors.Is(perr, sarama.ErrIllegalGeneration),
				errors.Is(perr, sarama.ErrRebalanceInProgress):
				joined = true
			default:
				log.Warn().Err(perr).Str("topic", tp.topic).Int32("partition", tp.partition).Int64("offset", offsets[tp].offset).
					Msg("target cluster refused the consumer group offset")
			}
		}
		if joined {
			// A consumer joined the group since it was described.
			s.skipActive(log, group, "members joined")
		}
		if len(done) == 0 {
			continue
		}
		written[group] = done
		if !described || state == groupStateDead {
			log.Info().Int("partitions", len(done)).Msg("created consumer group on the target cluster with its translated offsets")
		} else {
			log.Debug().Int("partitions", len(done)).Msg("synced consumer group offsets to the target cluster")
		}
	}
	return written, errors.Join(errs...)
}

// skipActive says that group has active members on the target: at INFO the
// first time, at DEBUG while it stays so.
func (s *groupOffsetSync) skipActive(log zerolog.Logger, group, state string) {
	ev := log.Debug()
	if !s.active[group] {
		s.active[group] = true
		ev = log.Info()
	}
	ev.Str("state", state).Msg("consumer group has active members on the target cluster; not syncing its offsets while they run")
}

// offsetsToWrite picks the checkpointed offsets to write: those of
// partitions that exist on the target and that the group has not committed
// or committed below the checkpoint.
func (s *groupOffsetSync) offsetsToWrite(log zerolog.Logger, cps map[mirrorclient.TopicPartition]mirrorclient.Checkpoint,
	committed map[topicPartition]committedOffset, topics map[string]int32) map[topicPartition]committedOffset {
	out := map[topicPartition]committedOffset{}
	for _, cp := range sortedCheckpoints(cps) {
		tp := topicPartition{topic: cp.Topic, partition: cp.Partition}
		if n, ok := topics[cp.Topic]; !ok || cp.Partition >= n {
			log.Debug().Str("topic", cp.Topic).Int32("partition", cp.Partition).
				Msg("partition does not exist on the target cluster; not syncing its consumer group offset")
			continue
		}
		if c, ok := committed[tp]; ok && c.offset >= cp.DownstreamOffset {
			continue
		}
		out[tp] = committedOffset{offset: cp.DownstreamOffset, metadata: cp.Metadata}
	}
	return out
}

func sortedPartitions[V any](m map[topicPartition]V) []topicPartition {
	return slices.SortedFunc(maps.Keys(m), func(a, b topicPartition) int {
		return cmp.Or(cmp.Compare(a.topic, b.topic), cmp.Compare(a.partition, b.partition))
	})
}

func sortedCheckpoints(cps map[mirrorclient.TopicPartition]mirrorclient.Checkpoint) []mirrorclient.Checkpoint {
	out := slices.Collect(maps.Values(cps))
	slices.SortFunc(out, func(a, b mirrorclient.Checkpoint) int {
		return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Partition, b.Partition))
	})
	return out
}
