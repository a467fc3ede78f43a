package failover

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
)

// Actions of a plan row. A skipped row's action starts with ActionSkip.
const (
	// ActionCommit: the translated offset is ahead of the group's offset on
	// the target (or the group has none there); --apply commits it.
	ActionCommit = "commit"
	// ActionKeep: the group's offset on the target is already at or past
	// the translated offset; a failover never moves a group backwards.
	ActionKeep = "keep"
	// ActionSkip starts the action of rows that cannot be committed.
	ActionSkip = "skip"
)

func skipTopicMissing(to string) string { return ActionSkip + ": topic missing on " + to }

const skipNoTranslation = ActionSkip + ": no translated offset"

// Row is the plan for one downstream partition.
type Row struct {
	// Topic and Partition name the downstream partition on the target.
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	// UpstreamTopic is the topic's name on the source cluster.
	UpstreamTopic string `json:"upstream_topic"`
	// SourceCommitted is the group's committed offset on the source; nil
	// when the source was not queried, is unreachable, or has no commit.
	SourceCommitted *int64 `json:"source_committed"`
	// CheckpointUpstream is the source offset the latest checkpoint
	// translated.
	CheckpointUpstream int64 `json:"checkpoint_upstream"`
	// CheckpointLag is SourceCommitted - CheckpointUpstream: how far the
	// checkpoint is behind the group on the source (nil when unknown).
	CheckpointLag *int64 `json:"checkpoint_lag"`
	// Translated is the checkpoint's downstream offset: where the group
	// resumes on the target.
	Translated int64 `json:"translated"`
	// TargetCommitted is the group's committed offset on the target, nil
	// when it has none.
	TargetCommitted *int64 `json:"target_committed"`
	// Action is ActionCommit, ActionKeep or a skip with its reason.
	Action string `json:"action"`
	// Metadata is the commit metadata the checkpoint carries; it is
	// committed with the offset.
	Metadata string `json:"metadata"`
}

// SourceStatus says what is known of the source cluster.
type SourceStatus struct {
	// Queried is false when no connection settings were given for it.
	Queried bool `json:"queried"`
	// Error is why it could not be read ("" when it was).
	Error string `json:"error,omitempty"`
}

// Known reports whether the source's committed offsets were read.
func (s SourceStatus) Known() bool { return s.Queried && s.Error == "" }

// Plan is what a failover of Group from From to To does, one row per
// downstream partition with a checkpoint, sorted by topic and partition.
type Plan struct {
	Group            string       `json:"group"`
	From             string       `json:"from"`
	To               string       `json:"to"`
	CheckpointsTopic string       `json:"checkpoints_topic"`
	Source           SourceStatus `json:"source"`
	// TargetGroup is the group's state on To.
	TargetGroup GroupStatus `json:"target_group"`
	Rows        []Row       `json:"partitions"`
}

// Commits returns the rows whose action is ActionCommit.
func (p *Plan) Commits() []Row {
	var out []Row
	for _, r := range p.Rows {
		if r.Action == ActionCommit {
			out = append(out, r)
		}
	}
	return out
}

// planInput is everything the plan is computed from.
type planInput struct {
	group, from, to  string
	checkpointsTopic string
	policy           mirrorclient.ReplicationPolicy
	checkpoints      map[mirrorclient.TopicPartition]mirrorclient.Checkpoint
	// targetPartitions: partition count of each downstream topic that
	// exists on the target.
	targetPartitions map[string]int32
	targetCommitted  map[mirrorclient.TopicPartition]mirrorclient.OffsetAndMetadata
	targetGroup      GroupStatus
	source           SourceStatus
	// sourceCommitted is keyed by upstream partition.
	sourceCommitted map[mirrorclient.TopicPartition]mirrorclient.OffsetAndMetadata
}

// upstreamTopic inverts MirrorCheckpointTask's renaming of the checkpoint's
// topic: a topic replicated from `from` maps back through the policy; any
// other topic came from `to` in the first place (a round trip: the group
// consumed to's topic replicated onto from), so it is to's topic named as a
// remote topic on from.
func upstreamTopic(p mirrorclient.ReplicationPolicy, downstream, from, to string) string {
	if src, ok := p.TopicSource(downstream); ok && src == from {
		if up, ok := p.UpstreamTopic(downstream); ok {
			return up
		}
	}
	return p.FormatRemoteTopic(to, downstream)
}

// buildPlan computes the plan; it does no I/O.
func buildPlan(in planInput) *Plan {
	p := &Plan{
		Group: in.group, From: in.from, To: in.to,
		CheckpointsTopic: in.checkpointsTopic,
		Source:           in.source,
		TargetGroup:      in.targetGroup,
		Rows:             []Row{},
	}
	for tp, cp := range in.checkpoints {
		r := Row{
			Topic:              tp.Topic,
			Partition:          tp.Partition,
			UpstreamTopic:      upstreamTopic(in.policy, tp.Topic, in.from, in.to),
			CheckpointUpstream: cp.UpstreamOffset,
			Translated:         cp.DownstreamOffset,
			Metadata:           cp.Metadata,
		}
		if in.source.Known() {
			if om, ok := in.sourceCommitted[mirrorclient.TopicPartition{Topic: r.UpstreamTopic, Partition: tp.Partition}]; ok {
				committed, lag := om.Offset, om.Offset-cp.UpstreamOffset
				r.SourceCommitted, r.CheckpointLag = &committed, &lag
			}
		}
		if om, ok := in.targetCommitted[tp]; ok {
			current := om.Offset
			r.TargetCommitted = &current
		}
		count, exists := in.targetPartitions[tp.Topic]
		switch {
		case !exists || tp.Partition < 0 || tp.Partition >= count:
			r.Action = skipTopicMissing(in.to)
		case r.Translated < 0:
			r.Action = skipNoTranslation
		case r.TargetCommitted != nil && *r.TargetCommitted >= r.Translated:
			r.Action = ActionKeep
		default:
			r.Action = ActionCommit
		}
		p.Rows = append(p.Rows, r)
	}
	sort.Slice(p.Rows, func(i, j int) bool {
		a, b := p.Rows[i], p.Rows[j]
		if a.Topic != b.Topic {
			return a.Topic < b.Topic
		}
		return a.Partition < b.Partition
	})
	return p
}

// CheckpointsMissingError reports that the checkpoints topic does not
// exist on the target cluster.
type CheckpointsMissingError struct{ Topic, From, To string }

func (e *CheckpointsMissingError) Error() string {
	return fmt.Sprintf("checkpoints topic %s does not exist on cluster %s: MirrorCheckpointConnector must run for the flow %s->%s (it writes the translated offsets there)",
		e.Topic, e.To, e.From, e.To)
}

// gather reads everything the plan needs: from the target (within
// o.Timeout) its checkpoints, topics and the group's state and offsets;
// from the source (within o.Timeout, concurrently, and only if it was
// given) the group's committed offsets. The source being unreachable is
// recorded in the plan, not returned. The open target connection is
// returned for apply; the caller closes it.
func gather(ctx context.Context, o Options) (*Plan, *cluster, error) {
	policy, err := policyFor(o.Target, o.From)
	if err != nil {
		return nil, nil, &UsageError{Err: err}
	}
	srcCh := startSource(ctx, o)

	tctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	target, err := connect(tctx, o.To, o.Target, o.Timeout)
	if err != nil {
		return nil, nil, err
	}
	in, err := readTarget(tctx, target, policy, o)
	if err != nil {
		target.close()
		return nil, nil, err
	}

	// Ask the source for the upstream partitions of the checkpoints.
	parts := map[string][]int32{}
	for tp := range in.checkpoints {
		up := upstreamTopic(policy, tp.Topic, o.From, o.To)
		parts[up] = append(parts[up], tp.Partition)
	}
	src := <-srcCh
	in.source = src.status
	if src.cluster != nil {
		in.sourceCommitted, err = src.cluster.committed(src.ctx, o.Group, parts)
		if err != nil {
			in.source.Error = err.Error()
		}
		src.cluster.close()
	}
	src.cancel()
	return buildPlan(in), target, nil
}

// sourceConn is the outcome of connecting to the source.
type sourceConn struct {
	status  SourceStatus
	cluster *cluster
	ctx     context.Context
	cancel  context.CancelFunc
}

// startSource connects to the source cluster in the background; the
// connection and the reads on it share one o.Timeout deadline.
func startSource(ctx context.Context, o Options) <-chan sourceConn {
	ch := make(chan sourceConn, 1)
	if o.Source == nil {
		ch <- sourceConn{cancel: func() {}}
		return ch
	}
	sctx, cancel := context.WithTimeout(ctx, o.Timeout)
	go func() {
		c, err := connect(sctx, o.From, o.Source, o.Timeout)
		s := sourceConn{status: SourceStatus{Queried: true}, cluster: c, ctx: sctx, cancel: cancel}
		if err != nil {
			s.status.Error = err.Error()
		}
		ch <- s
	}()
	return ch
}

// readTarget reads the checkpoints, the downstream topics and the group's
// state and committed offsets from the target.
func readTarget(ctx context.Context, target *cluster, policy mirrorclient.ReplicationPolicy, o Options) (planInput, error) {
	in := planInput{
		group: o.Group, from: o.From, to: o.To,
		checkpointsTopic: policy.CheckpointsTopic(o.From),
		policy:           policy,
	}
	exists, err := target.partitionCounts(ctx, []string{in.checkpointsTopic})
	if err != nil {
		return in, err
	}
	if _, ok := exists[in.checkpointsTopic]; !ok {
		return in, &CheckpointsMissingError{Topic: in.checkpointsTopic, From: o.From, To: o.To}
	}
	if in.checkpoints, err = readCheckpoints(ctx, o); err != nil {
		return in, err
	}

	topicSet := map[string]bool{}
	for tp := range in.checkpoints {
		topicSet[tp.Topic] = true
	}
	topics := make([]string, 0, len(topicSet))
	for t := range topicSet {
		topics = append(topics, t)
	}
	sort.Strings(topics)
	if in.targetPartitions, err = target.partitionCounts(ctx, topics); err != nil {
		return in, err
	}
	if in.targetGroup, err = target.describeGroup(ctx, o.Group); err != nil {
		return in, err
	}
	parts := map[string][]int32{}
	for tp := range in.checkpoints {
		if n, ok := in.targetPartitions[tp.Topic]; ok && tp.Partition >= 0 && tp.Partition < n {
			parts[tp.Topic] = append(parts[tp.Topic], tp.Partition)
		}
	}
	if in.targetCommitted, err = target.committed(ctx, o.Group, parts); err != nil {
		return in, err
	}
	return in, nil
}

// readCheckpoints reads the group's latest checkpoints with a
// mirrorclient.Client on the target; ctx bounds the read.
func readCheckpoints(ctx context.Context, o Options) (map[mirrorclient.TopicPartition]mirrorclient.Checkpoint, error) {
	client, err := mirrorclient.NewClient(o.Target)
	if err != nil {
		return nil, &UsageError{Err: fmt.Errorf("settings of cluster %s: %w", o.To, err)}
	}
	defer func() { _ = client.Close() }()
	cps, err := client.Checkpoints(ctx, o.Group, o.From)
	if err != nil {
		return nil, fmt.Errorf("cannot read the checkpoints of group %s on cluster %s (within %v): %w",
			o.Group, o.To, o.Timeout.Round(time.Millisecond), err)
	}
	return cps, nil
}
