package failover

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Outcome says how a run ended; it is the "outcome" field of the JSON
// report.
type Outcome string

// Outcomes.
const (
	// OutcomePending: a dry run found partitions to commit.
	OutcomePending Outcome = "pending"
	// OutcomeNothingToDo: no checkpoints for the group, or nothing to
	// commit.
	OutcomeNothingToDo Outcome = "nothing-to-do"
	// OutcomeApplied: --apply committed the plan.
	OutcomeApplied Outcome = "applied"
	// OutcomeRefused: --apply refused because the group has active
	// members on the target.
	OutcomeRefused Outcome = "refused"
)

// Change is one committed partition: the group's offset before (nil when it
// had none) and after, as read back from the target.
type Change struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Old       *int64 `json:"old"`
	New       int64  `json:"new"`
}

// Report is what the command prints: the plan, how the run ended and, after
// --apply, what it committed.
type Report struct {
	*Plan
	Outcome Outcome `json:"outcome"`
	// Summary is a one-line account of the outcome.
	Summary string   `json:"summary"`
	Applied []Change `json:"applied,omitempty"`
}

// Write prints the report in format (OutputTable or OutputJSON).
func (r *Report) Write(w io.Writer, format string) error {
	if format == OutputJSON {
		return r.WriteJSON(w)
	}
	return r.WriteTable(w)
}

// WriteJSON prints the report as one indented JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// dash renders an unknown or absent number.
func dash(v *int64) string {
	if v == nil {
		return "-"
	}
	return strconv.FormatInt(*v, 10)
}

// SourceLine describes the source cluster's status in one line.
func (r *Report) SourceLine() string {
	switch {
	case !r.Source.Queried:
		return fmt.Sprintf("%s not queried (no connection settings for it): its columns show '-'", r.From)
	case r.Source.Error != "":
		return fmt.Sprintf("%s unreachable: %s", r.From, r.Source.Error)
	}
	return fmt.Sprintf("%s reachable: committed offsets read", r.From)
}

// WriteTable prints the report for a terminal: a header, one row per
// partition, the summary and, after --apply, the committed changes.
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Failover of group %s from %s to %s\n", r.Group, r.From, r.To)
	fmt.Fprintf(&b, "Checkpoints: %s on %s\n", r.CheckpointsTopic, r.To)
	fmt.Fprintln(&b, r.SourceLine())
	fmt.Fprintf(&b, "Group %s on %s: %s\n", r.Group, r.To, r.TargetGroup)
	if len(r.Rows) > 0 {
		b.WriteByte('\n')
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "TOPIC\tPARTITION\tUPSTREAM-TOPIC\tCOMMITTED-ON-%s\tCHECKPOINT-UPSTREAM\tCHECKPOINT-LAG\tTRANSLATED\tCOMMITTED-ON-%s\tACTION\n", r.From, r.To)
		for _, row := range r.Rows {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%d\t%s\t%d\t%s\t%s\n", row.Topic, row.Partition, row.UpstreamTopic,
				dash(row.SourceCommitted), row.CheckpointUpstream, dash(row.CheckpointLag), row.Translated,
				dash(row.TargetCommitted), row.Action)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	b.WriteByte('\n')
	fmt.Fprintln(&b, r.Summary)
	for _, c := range r.Applied {
		fmt.Fprintf(&b, "  %s-%d: %s -> %d\n", c.Topic, c.Partition, dash(c.Old), c.New)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// counts tallies the plan's actions.
func (p *Plan) counts() (commit, keep, skip int) {
	for _, r := range p.Rows {
		switch r.Action {
		case ActionCommit:
			commit++
		case ActionKeep:
			keep++
		default:
			skip++
		}
	}
	return commit, keep, skip
}

// plural returns "n word" with an s for n != 1.
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func (p *Plan) tally() string {
	commit, keep, skip := p.counts()
	return fmt.Sprintf("%s to commit, %d to keep, %d skipped", plural(commit, "partition"), keep, skip)
}
