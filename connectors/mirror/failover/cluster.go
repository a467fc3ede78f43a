package failover

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
)

// cluster is a connection to one Kafka cluster: a sarama client and an
// admin client on it. Every call is bounded by the caller's context, since
// sarama's calls take none.
type cluster struct {
	alias  string
	client sarama.Client
	admin  sarama.ClusterAdmin
}

// bounded is kafkaclient.Bounded with the end of ctx said as a timeout. A
// call that outlives ctx keeps running until sarama's own timeouts (clamped
// by saramaConfig) end it; late, if not nil, then receives its result so
// that resources it created are released.
func bounded[T any](ctx context.Context, fn func() (T, error), late func(T)) (T, error) {
	v, err := kafkaclient.Bounded(ctx, fn, late)
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		err = fmt.Errorf("no answer within the timeout: %w", err)
	}
	return v, err
}

// saramaConfig turns Java client properties into the sarama configuration
// of an admin client (adminSettings) whose network timeouts fit within
// timeout.
func saramaConfig(props map[string]string, timeout time.Duration) (*kafkaclient.Config, error) {
	props = adminSettings(props)
	cfg, err := kafkaclient.Parse(props)
	if err != nil {
		return nil, err
	}
	sc := cfg.Sarama
	if strings.TrimSpace(props["client.id"]) == "" {
		sc.ClientID = "ferry-failover"
	}
	clamp := func(d *time.Duration) {
		if *d <= 0 || *d > timeout {
			*d = timeout
		}
	}
	clamp(&sc.Net.DialTimeout)
	clamp(&sc.Net.ReadTimeout)
	clamp(&sc.Net.WriteTimeout)
	clamp(&sc.Admin.Timeout)
	// Never create a topic by asking about it.
	sc.Metadata.AllowAutoTopicCreation = false
	return cfg, nil
}

// connect opens a client and an admin client on the cluster props name.
func connect(ctx context.Context, alias string, props map[string]string, timeout time.Duration) (*cluster, error) {
	cfg, err := saramaConfig(props, timeout)
	if err != nil {
		return nil, err
	}
	c, err := bounded(ctx, func() (*cluster, error) {
		client, err := sarama.NewClient(cfg.Brokers, cfg.Sarama)
		if err != nil {
			return nil, err
		}
		admin, err := sarama.NewClusterAdminFromClient(client)
		if err != nil {
			_ = client.Close()
			return nil, err
		}
		return &cluster{alias: alias, client: client, admin: admin}, nil
	}, func(c *cluster) { c.close() })
	if err != nil {
		return nil, fmt.Errorf("cannot connect to cluster %s (%s): %w", alias, strings.Join(cfg.Brokers, ","), err)
	}
	return c, nil
}

// close closes the admin client, which closes the client.
func (c *cluster) close() { _ = c.admin.Close() }

// partitionCounts returns the number of partitions of each of topics that
// exists on the cluster; missing topics are absent from the result.
func (c *cluster) partitionCounts(ctx context.Context, topics []string) (map[string]int32, error) {
	out := map[string]int32{}
	if len(topics) == 0 {
		return out, nil
	}
	metas, err := bounded(ctx, func() ([]*sarama.TopicMetadata, error) { return c.admin.DescribeTopics(topics) }, nil)
	if err != nil {
		return nil, fmt.Errorf("cannot describe topics on cluster %s: %w", c.alias, err)
	}
	for _, m := range metas {
		switch {
		case errors.Is(m.Err, sarama.ErrNoError):
			out[m.Name] = int32(len(m.Partitions))
		case errors.Is(m.Err, sarama.ErrUnknownTopicOrPartition):
		default:
			return nil, fmt.Errorf("cannot describe topic %s on cluster %s: %w", m.Name, c.alias, m.Err)
		}
	}
	return out, nil
}

// committed returns group's committed offsets for the given partitions (all
// of them when parts is nil). A group that never committed has none: Kafka
// answers -1 offsets, kfake GROUP_ID_NOT_FOUND; both mean "no offsets".
func (c *cluster) committed(ctx context.Context, group string, parts map[string][]int32) (map[mirrorclient.TopicPartition]mirrorclient.OffsetAndMetadata, error) {
	out := map[mirrorclient.TopicPartition]mirrorclient.OffsetAndMetadata{}
	if parts != nil && len(parts) == 0 {
		return out, nil
	}
	resp, err := bounded(ctx, func() (*sarama.OffsetFetchResponse, error) {
		return c.admin.ListConsumerGroupOffsets(group, parts)
	}, nil)
	if errors.Is(err, sarama.ErrGroupIDNotFound) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read group %s's committed offsets on cluster %s: %w", group, c.alias, err)
	}
	for topic, blocks := range resp.Blocks {
		for partition, b := range blocks {
			switch {
			case b == nil:
			case !errors.Is(b.Err, sarama.ErrNoError):
				if errors.Is(b.Err, sarama.ErrUnknownTopicOrPartition) {
					continue
				}
				return nil, fmt.Errorf("cannot read group %s's committed offset for %s-%d on cluster %s: %w", group, topic, partition, c.alias, b.Err)
			case b.Offset >= 0:
				out[mirrorclient.TopicPartition{Topic: topic, Partition: partition}] = mirrorclient.OffsetAndMetadata{Offset: b.Offset, Metadata: b.Metadata}
			}
		}
	}
	return out, nil
}

// GroupStatus is a consumer group's state on a cluster.
type GroupStatus struct {
	// State is Kafka's group state (Empty, Stable, PreparingRebalance,
	// CompletingRebalance, Dead), or "" when the group does not exist.
	State string `json:"state"`
	// Members is the number of members.
	Members int `json:"members"`
}

// Active reports whether the group has members that would own (and
// overwrite) its offsets: any state other than Empty, Dead or absent.
func (g GroupStatus) Active() bool {
	switch g.State {
	case "", "Empty", "Dead":
		return g.Members > 0
	}
	return true
}

// String is how the table shows the status.
func (g GroupStatus) String() string {
	state := g.State
	if state == "" {
		state = "absent"
	}
	noun := "members"
	if g.Members == 1 {
		noun = "member"
	}
	return fmt.Sprintf("state %s, %d %s", state, g.Members, noun)
}

// describeGroup returns group's state and member count.
func (c *cluster) describeGroup(ctx context.Context, group string) (GroupStatus, error) {
	descs, err := bounded(ctx, func() ([]*sarama.GroupDescription, error) {
		return c.admin.DescribeConsumerGroups([]string{group})
	}, nil)
	if err != nil {
		return GroupStatus{}, fmt.Errorf("cannot describe group %s on cluster %s: %w", group, c.alias, err)
	}
	for _, d := range descs {
		if d.GroupId != group {
			continue
		}
		switch {
		case errors.Is(d.Err, sarama.ErrGroupIDNotFound):
			return GroupStatus{}, nil
		case !errors.Is(d.Err, sarama.ErrNoError):
			return GroupStatus{}, fmt.Errorf("cannot describe group %s on cluster %s: %w", group, c.alias, d.Err)
		}
		return GroupStatus{State: d.State, Members: len(d.Members)}, nil
	}
	return GroupStatus{}, nil
}

// errMembersJoined marks a commit the coordinator rejected because the group
// has members (they joined after the group was described).
var errMembersJoined = errors.New("the group has active members")

// commit commits offsets to group as an admin client does: OffsetCommit
// with generation -1 and no member id, which the coordinator accepts only
// while the group has no members.
func (c *cluster) commit(ctx context.Context, group string, offsets map[mirrorclient.TopicPartition]mirrorclient.OffsetAndMetadata) error {
	req := map[string]map[int32]sarama.OffsetAndMetadata{}
	for tp, om := range offsets {
		if req[tp.Topic] == nil {
			req[tp.Topic] = map[int32]sarama.OffsetAndMetadata{}
		}
		req[tp.Topic][tp.Partition] = sarama.OffsetAndMetadata{Offset: om.Offset, Metadata: om.Metadata, LeaderEpoch: -1}
	}
	resp, err := bounded(ctx, func() (*sarama.OffsetCommitResponse, error) {
		return c.admin.AlterConsumerGroupOffsets(group, req, nil)
	}, nil)
	if err == nil && resp == nil {
		err = errors.New("empty answer")
	}
	if err != nil {
		if isMembershipError(err) {
			return fmt.Errorf("%w (%v)", errMembersJoined, err)
		}
		return fmt.Errorf("cannot commit group %s's offsets on cluster %s: %w", group, c.alias, err)
	}
	var failed []string
	for topic, parts := range resp.Errors {
		for partition, kerr := range parts {
			if errors.Is(kerr, sarama.ErrNoError) {
				continue
			}
			if isMembershipError(kerr) {
				return fmt.Errorf("%w (%v)", errMembersJoined, kerr)
			}
			failed = append(failed, fmt.Sprintf("%s-%d: %v", topic, partition, kerr))
		}
	}
	if len(failed) > 0 {
		sort.Strings(failed)
		return fmt.Errorf("cannot commit group %s's offsets on cluster %s: %s", group, c.alias, strings.Join(failed, "; "))
	}
	return nil
}

// isMembershipError reports whether a commit failed because the group has
// live members: the coordinator knows no member "" of generation -1.
func isMembershipError(err error) bool {
	return errors.Is(err, sarama.ErrUnknownMemberId) || errors.Is(err, sarama.ErrIllegalGeneration) ||
		errors.Is(err, sarama.ErrRebalanceInProgress) || errors.Is(err, sarama.ErrFencedInstancedId)
}
