package failover

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
)

// ActiveMembersError is the refusal of --apply while the group has members
// on the target: their next commit would overwrite the translated offsets,
// and the coordinator rejects an admin commit to a group with members
// anyway. Nothing was committed.
type ActiveMembersError struct {
	Group, To string
	Status    GroupStatus
	// Joined is set when members joined after the group was seen empty
	// (the coordinator rejected the commit with UNKNOWN_MEMBER_ID or a
	// similar membership error, given in Cause).
	Joined bool
	Cause  error
}

func (e *ActiveMembersError) Error() string {
	if e.Joined {
		return fmt.Sprintf("group %s gained members on cluster %s during the commit (%v), so no offset was committed: stop the group's consumers on %s first, then run failover --apply again",
			e.Group, e.To, e.Cause, e.To)
	}
	return fmt.Sprintf("group %s has %s on cluster %s (state %s), so no offset was committed: stop the group's consumers on %s first, then run failover --apply again",
		e.Group, plural(e.Status.Members, "active member"), e.To, e.Status.State, e.To)
}

// Run computes the failover plan for o, applies it when o.Apply is set, and
// prints the report to stdout in o.Output's format. The report is printed
// whenever a plan could be computed, errors included (a refusal shows the
// plan it refused).
//
// The outcome maps to the command's exit codes (see the package
// documentation). The error is a *UsageError for a request that cannot
// run, an *ActiveMembersError for a refusal, and anything else for a
// failure to read or write the clusters.
func Run(ctx context.Context, o Options, stdout io.Writer) (Outcome, error) {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Output != OutputJSON {
		o.Output = OutputTable
	}
	if o.Group == "" || o.From == "" || o.To == "" {
		return "", usagef("a group and the aliases of both clusters are required")
	}
	plan, target, err := gather(ctx, o)
	if err != nil {
		return "", err
	}
	defer target.close()

	rep := &Report{Plan: plan}
	outcome, runErr := decide(ctx, o, target, rep)
	rep.Outcome = outcome
	if err := rep.Write(stdout, o.Output); err != nil && runErr == nil {
		runErr = fmt.Errorf("cannot write the report: %w", err)
	}
	return outcome, runErr
}

// decide fills in the report's outcome, summary and changes, committing
// when o.Apply is set and there is something to commit.
func decide(ctx context.Context, o Options, target *cluster, rep *Report) (Outcome, error) {
	p := rep.Plan
	if len(p.Rows) == 0 {
		rep.Summary = fmt.Sprintf("No checkpoints for group %s in %s on %s: nothing to fail over. (MirrorCheckpointConnector for %s->%s writes them once the group has committed offsets on %s for replicated topics its groups and topics filters accept.)",
			p.Group, p.CheckpointsTopic, p.To, p.From, p.To, p.From)
		return OutcomeNothingToDo, nil
	}
	commits := p.Commits()
	if o.Apply && p.TargetGroup.Active() {
		rep.Summary = fmt.Sprintf("Refused: group %s has %s on %s. %s.", p.Group, plural(p.TargetGroup.Members, "active member"), p.To, p.tally())
		return OutcomeRefused, &ActiveMembersError{Group: p.Group, To: p.To, Status: p.TargetGroup}
	}
	if len(commits) == 0 {
		rep.Summary = fmt.Sprintf("Nothing to commit (%s): group %s on %s is already at or past every translated offset it can use.", p.tally(), p.Group, p.To)
		return OutcomeNothingToDo, nil
	}
	if !o.Apply {
		rep.Summary = fmt.Sprintf("%s. Dry run: stop the group's consumers on %s, then run again with --apply to commit.", p.tally(), p.To)
		if p.TargetGroup.Active() {
			rep.Summary += fmt.Sprintf(" The group has %s on %s now; --apply refuses until they are stopped.", plural(p.TargetGroup.Members, "active member"), p.To)
		}
		return OutcomePending, nil
	}

	actx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	changes, err := apply(actx, o, target, p, commits)
	var active *ActiveMembersError
	switch {
	case errors.As(err, &active):
		rep.Summary = "Refused: " + active.Error() + "."
		return OutcomeRefused, err
	case err != nil:
		rep.Summary = "Failed: " + err.Error()
		return "", err
	}
	rep.Applied = changes
	rep.Summary = fmt.Sprintf("Committed %s of group %s on %s (old -> new):", plural(len(changes), "partition"), p.Group, p.To)
	return OutcomeApplied, nil
}

// apply commits the plan's commit rows to the group on the target, after
// checking once more that the group has no members, and reads the offsets
// back.
func apply(ctx context.Context, o Options, target *cluster, p *Plan, commits []Row) ([]Change, error) {
	status, err := target.describeGroup(ctx, o.Group)
	if err != nil {
		return nil, err
	}
	if status.Active() {
		p.TargetGroup = status
		return nil, &ActiveMembersError{Group: o.Group, To: o.To, Status: status}
	}
	offsets := map[mirrorclient.TopicPartition]mirrorclient.OffsetAndMetadata{}
	parts := map[string][]int32{}
	for _, r := range commits {
		offsets[mirrorclient.TopicPartition{Topic: r.Topic, Partition: r.Partition}] = mirrorclient.OffsetAndMetadata{Offset: r.Translated, Metadata: r.Metadata}
		parts[r.Topic] = append(parts[r.Topic], r.Partition)
	}
	if err := target.commit(ctx, o.Group, offsets); err != nil {
		if errors.Is(err, errMembersJoined) {
			status, _ := target.describeGroup(ctx, o.Group)
			return nil, &ActiveMembersError{Group: o.Group, To: o.To, Status: status, Joined: true, Cause: err}
		}
		return nil, err
	}
	after, err := target.committed(ctx, o.Group, parts)
	if err != nil {
		return nil, fmt.Errorf("committed, but %w", err)
	}
	changes := make([]Change, 0, len(commits))
	for _, r := range commits {
		got, ok := after[mirrorclient.TopicPartition{Topic: r.Topic, Partition: r.Partition}]
		if !ok || got.Offset != r.Translated {
			read := "no offset"
			if ok {
				read = fmt.Sprintf("offset %d", got.Offset)
			}
			return nil, fmt.Errorf("committed offset %d for %s-%d of group %s on cluster %s, but reading it back gives %s",
				r.Translated, r.Topic, r.Partition, o.Group, o.To, read)
		}
		changes = append(changes, Change{Topic: r.Topic, Partition: r.Partition, Old: r.TargetCommitted, New: got.Offset})
	}
	return changes, nil
}
