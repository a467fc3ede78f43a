package mirror

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/IBM/sarama"
)

// committedOffset is a group's committed offset of one partition.
type committedOffset struct {
	offset   int64
	metadata string
}

// listConsumerGroupIDs lists the cluster's consumer groups, as Java's
// listGroups(ListGroupsOptions.forConsumerGroups()): groups whose protocol
// type is "consumer" or empty (groups that only commit offsets), sorted.
// Every broker is asked (each lists the groups it coordinates); a broker
// that answers with an error fails the listing (sarama's
// ListConsumerGroups would drop that broker's groups silently, which would
// look like groups that disappeared). Bounded by admin.timeout.ms.
func (a *clusterAdmin) listConsumerGroupIDs(ctx context.Context) ([]string, error) {
	all, err := boundedCall(ctx, a.timeout, a.wg, func() (map[string]string, error) {
		brokers, _, err := a.admin.DescribeCluster()
		if err != nil {
			return nil, err
		}
		req := &sarama.ListGroupsRequest{}
		switch v := a.conf.Version; {
		case v.IsAtLeast(sarama.V2_6_0_0):
			req.Version = 4
		case v.IsAtLeast(sarama.V2_4_0_0):
			req.Version = 3
		case v.IsAtLeast(sarama.V2_0_0_0):
			req.Version = 2
		case v.IsAtLeast(sarama.V0_11_0_0):
			req.Version = 1
		}
		out := map[string]string{}
		for _, b := range brokers {
			if err := b.Open(a.conf); err != nil && !errors.Is(err, sarama.ErrAlreadyConnected) {
				return nil, fmt.Errorf("broker %s: %w", b.Addr(), err)
			}
			rsp, err := b.ListGroups(req)
			_ = b.Close()
			switch {
			case err != nil:
				return nil, fmt.Errorf("broker %s: %w", b.Addr(), err)
			case rsp.Err != sarama.ErrNoError:
				return nil, fmt.Errorf("broker %s: %w", b.Addr(), rsp.Err)
			}
			maps.Copy(out, rsp.Groups)
		}
		return out, nil
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("list consumer groups on %s cluster %q: %w", a.side, a.alias, err)
	}
	var out []string
	for g, protocolType := range all {
		if protocolType == "consumer" || protocolType == "" {
			out = append(out, g)
		}
	}
	slices.Sort(out)
	return out, nil
}

// committedOffsetsOfGroups fetches every committed offset of groups, in one
// OffsetFetch request per coordinator when the brokers support it (else one
// per group), bounded by admin.timeout.ms as a whole. A group that has
// never committed has no offsets. A group the client may not describe is
// left out with a warning (its offsets cannot be read, so it cannot be
// checkpointed); any other failure fails the listing.
func (a *clusterAdmin) committedOffsetsOfGroups(ctx context.Context, groups []string) (map[string]map[topicPartition]committedOffset, error) {
	out := make(map[string]map[topicPartition]committedOffset, len(groups))
	if len(groups) == 0 {
		return out, nil
	}
	results, err := boundedCall(ctx, a.timeout, a.wg, func() (map[string]*sarama.OffsetFetchResponseGroup, error) {
		req := make(map[string]map[string][]int32, len(groups))
		for _, g := range groups {
			req[g] = nil
		}
		res, err := a.admin.ListConsumerGroupOffsetsBatch(req)
		if !errors.Is(err, sarama.ErrUnsupportedVersion) {
			return res, err
		}
		// Brokers older than Kafka 3.0 take one group per request.
		res = make(map[string]*sarama.OffsetFetchResponseGroup, len(groups))
		for _, g := range groups {
			rsp, err := a.admin.ListConsumerGroupOffsets(g, nil)
			switch {
			case errors.Is(err, sarama.ErrGroupIDNotFound), errors.Is(err, sarama.ErrGroupAuthorizationFailed):
				res[g] = &sarama.OffsetFetchResponseGroup{GroupId: g, Err: errorCode(err)}
			case err != nil:
				return nil, err
			default:
				res[g] = &sarama.OffsetFetchResponseGroup{GroupId: g, Blocks: offsetBlocks(rsp, g)}
			}
		}
		return res, nil
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("list offsets of %d consumer groups on %s cluster %q: %w", len(groups), a.side, a.alias, err)
	}
	for _, g := range groups {
		r := results[g]
		switch {
		case r == nil:
			return nil, fmt.Errorf("list offsets of consumer group %q on %s cluster %q: the broker did not answer for it", g, a.side, a.alias)
		case r.Err == sarama.ErrNoError, r.Err == sarama.ErrGroupIDNotFound:
			// Kafka answers a group without offsets with no error; kfake
			// (and some brokers) with GROUP_ID_NOT_FOUND.
			out[g] = committedFromBlocks(r.Blocks)
		case r.Err == sarama.ErrGroupAuthorizationFailed:
			a.log.Warn().Str("group", g).Err(r.Err).Msg("not authorized to read the offsets of consumer group; not checkpointing it")
		default:
			return nil, fmt.Errorf("list offsets of consumer group %q on %s cluster %q: %w", g, a.side, a.alias, r.Err)
		}
	}
	return out, nil
}

// committedOffsetsOfGroup fetches one group's committed offsets (Java's
// listConsumerGroupOffsets(group)), bounded by admin.timeout.ms. A group
// that has never committed (or does not exist) has none.
func (a *clusterAdmin) committedOffsetsOfGroup(ctx context.Context, group string) (map[topicPartition]committedOffset, error) {
	rsp, err := boundedCall(ctx, a.timeout, a.wg, func() (*sarama.OffsetFetchResponse, error) {
		return a.admin.ListConsumerGroupOffsets(group, nil)
	}, nil)
	switch {
	case errors.Is(err, sarama.ErrGroupIDNotFound):
		return map[topicPartition]committedOffset{}, nil
	case err != nil:
		return nil, fmt.Errorf("list offsets of consumer group %q on %s cluster %q: %w", group, a.side, a.alias, err)
	}
	return committedFromBlocks(offsetBlocks(rsp, group)), nil
}

// offsetBlocks returns the partition blocks of an OffsetFetch response for
// group, in either layout (one group before version 8, a list of groups
// from version 8).
func offsetBlocks(rsp *sarama.OffsetFetchResponse, group string) map[string]map[int32]*sarama.OffsetFetchResponseBlock {
	if rsp == nil {
		return nil
	}
	if rsp.Version >= 8 {
		if g := rsp.GetGroup(group); g != nil {
			return g.Blocks
		}
		return nil
	}
	return rsp.Blocks
}

// committedFromBlocks keeps the partitions with a committed offset (a
// non-negative one, without a per-partition error).
func committedFromBlocks(blocks map[string]map[int32]*sarama.OffsetFetchResponseBlock) map[topicPartition]committedOffset {
	out := map[topicPartition]committedOffset{}
	for topic, parts := range blocks {
		for p, b := range parts {
			if b == nil || b.Err != sarama.ErrNoError || b.Offset < 0 {
				continue
			}
			out[topicPartition{topic: topic, partition: p}] = committedOffset{offset: b.Offset, metadata: b.Metadata}
		}
	}
	return out
}

// errorCode returns the Kafka error code err wraps, or ErrUnknown.
func errorCode(err error) sarama.KError {
	var kerr sarama.KError
	if errors.As(err, &kerr) {
		return kerr
	}
	return sarama.ErrUnknown
}

// describeGroupStates describes groups and returns each one's state
// ("Empty", "Stable", "Dead" for a group the coordinator does not know,
// ...), bounded by admin.timeout.ms. A group the broker answered with an
// error is missing from the map, with its error in failed.
func (a *clusterAdmin) describeGroupStates(ctx context.Context, groups []string) (states map[string]string, failed map[string]error, err error) {
	descs, err := boundedCall(ctx, a.timeout, a.wg, func() ([]*sarama.GroupDescription, error) {
		return a.admin.DescribeConsumerGroups(groups)
	}, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("describe consumer groups %s on %s cluster %q: %w", strings.Join(groups, ","), a.side, a.alias, err)
	}
	states, failed = make(map[string]string, len(descs)), map[string]error{}
	for _, d := range descs {
		if d == nil {
			continue
		}
		if d.Err != sarama.ErrNoError {
			failed[d.GroupId] = fmt.Errorf("describe consumer group %q on %s cluster %q: %w", d.GroupId, a.side, a.alias, d.Err)
			continue
		}
		states[d.GroupId] = d.State
	}
	return states, failed, nil
}

// commitGroupOffsets commits offsets for group as a simple consumer would
// (generation -1, no member id; this also creates a group the cluster does
// not know), bounded by admin.timeout.ms. It returns the partitions the
// broker refused, with its error.
func (a *clusterAdmin) commitGroupOffsets(ctx context.Context, group string, offsets map[topicPartition]committedOffset) (map[topicPartition]error, error) {
	req := map[string]map[int32]sarama.OffsetAndMetadata{}
	for tp, o := range offsets {
		if req[tp.topic] == nil {
			req[tp.topic] = map[int32]sarama.OffsetAndMetadata{}
		}
		req[tp.topic][tp.partition] = sarama.OffsetAndMetadata{Offset: o.offset, Metadata: o.metadata, LeaderEpoch: -1}
	}
	rsp, err := boundedCall(ctx, a.timeout, a.wg, func() (*sarama.OffsetCommitResponse, error) {
		return a.admin.AlterConsumerGroupOffsets(group, req, nil)
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("commit offsets of consumer group %q on %s cluster %q: %w", group, a.side, a.alias, err)
	}
	refused := map[topicPartition]error{}
	for topic, parts := range rsp.Errors {
		for p, kerr := range parts {
			if kerr != sarama.ErrNoError {
				refused[topicPartition{topic: topic, partition: p}] = kerr
			}
		}
	}
	for tp := range offsets {
		if _, answered := rsp.Errors[tp.topic][tp.partition]; !answered {
			refused[tp] = sarama.ErrIncompleteResponse
		}
	}
	return refused, nil
}
