package kafkalog

import (
	"context"
	"fmt"
	"sort"

	"github.com/IBM/sarama"
	"github.com/ferrykafka/ferry/connect/kafkaclient"
)

// listOffsets asks each partition leader for the earliest (sarama.OffsetOldest)
// or end (sarama.OffsetNewest) offset of the given partitions, retrying
// leader and network trouble until ctx is done. With ReadCommitted the end is
// the last stable offset. Retries come every 20 ms for the first half second
// (kafkaclient.LeaderPoll): the partitions of a topic just created answer
// NOT_LEADER_OR_FOLLOWER until their broker has set up their logs, a few
// hundred milliseconds for 25 partitions on a broker that has just started,
// and a doubling backoff would overshoot that by as much again.
func (l *Log) listOffsets(ctx context.Context, parts []int32, which int64) (map[int32]int64, error) {
	return l.listOffsetsOf(ctx, parts, which, false)
}

// listEndOffsets is listOffsets of the end offsets for ReadToEnd, where a
// fresh partition that is not ready yet ends at 0 (freshPartitions).
func (l *Log) listEndOffsets(ctx context.Context, parts []int32) (map[int32]int64, error) {
	return l.listOffsetsOf(ctx, parts, sarama.OffsetNewest, true)
}

func (l *Log) listOffsetsOf(ctx context.Context, parts []int32, which int64, freshAreEmpty bool) (map[int32]int64, error) {
	l.mu.Lock()
	client := l.adminClient
	l.mu.Unlock()
	if client == nil {
		return nil, ErrClosed
	}
	out := make(map[int32]int64, len(parts))
	remaining := append([]int32(nil), parts...)
	var lastErr error
	for attempt := 0; len(remaining) > 0; attempt++ {
		if attempt > 0 {
			if attempt == 1 || attempt%25 == 0 {
				l.log.Debug().Err(lastErr).Int("partitions", len(remaining)).Int("attempt", attempt).
					Msg("listing offsets: some partitions not ready, retrying")
			}
			if err := sleepCtx(ctx, kafkaclient.LeaderPoll(attempt-1)); err != nil {
				return nil, fmt.Errorf("list offsets of partitions %v: %w (last error: %v)", remaining, err, lastErr)
			}
		}
		var failed []int32
		refresh := false
		byLeader := map[*sarama.Broker][]int32{}
		var leaderErr error
		err := l.call(ctx, func() error {
			for _, p := range remaining {
				b, err := client.Leader(l.cfg.Topic, p)
				if err != nil {
					if freshAreEmpty && l.fresh.emptyWhileNotReady(p, err) {
						out[p] = 0
						continue
					}
					leaderErr = err
					failed = append(failed, p)
					continue
				}
				byLeader[b] = append(byLeader[b], p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if leaderErr != nil {
			lastErr, refresh = leaderErr, true
		}
		for b, ps := range byLeader {
			req := sarama.NewOffsetRequest(l.base.Version)
			if l.cfg.ReadCommitted {
				req.IsolationLevel = sarama.ReadCommitted
			}
			for _, p := range ps {
				req.AddBlock(l.cfg.Topic, p, which, 1)
			}
			var resp *sarama.OffsetResponse
			err := l.call(ctx, func() error {
				var err error
				resp, err = b.GetAvailableOffsets(req)
				return err
			})
			if err != nil {
				if ctx.Err() != nil {
					return nil, err
				}
				_ = b.Close() // the client reopens it on next use
				lastErr, refresh = err, true
				failed = append(failed, ps...)
				continue
			}
			for _, p := range ps {
				blk := resp.GetBlock(l.cfg.Topic, p)
				switch {
				case blk == nil:
					lastErr = sarama.ErrIncompleteResponse
					failed = append(failed, p)
				case blk.Err != sarama.ErrNoError:
					if !Retriable(blk.Err) {
						return nil, fmt.Errorf("list offsets of partition %d: %w", p, blk.Err)
					}
					if freshAreEmpty && l.fresh.emptyWhileNotReady(p, blk.Err) {
						out[p] = 0
						continue
					}
					lastErr, refresh = blk.Err, refresh || metadataError(blk.Err)
					failed = append(failed, p)
				default:
					off := blk.Offset
					if req.Version == 0 && len(blk.Offsets) > 0 {
						off = blk.Offsets[0]
					}
					out[p] = off
					l.fresh.seen(p)
				}
			}
		}
		if refresh {
			_ = l.call(ctx, func() error { return client.RefreshMetadata(l.cfg.Topic) })
		}
		sort.Slice(failed, func(i, j int) bool { return failed[i] < failed[j] })
		remaining = failed
	}
	return out, nil
}
