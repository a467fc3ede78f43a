package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/ferrykafka/ferry/connectors/mirror/failover"
)

// Exit codes of the failover command (documented in package failover).
const (
	exitOK            = 0
	exitError         = 1
	exitUsage         = 2
	exitNothingToDo   = 3
	exitActiveMembers = 4
)

const failoverUsage = `usage: connect-mirror-maker failover --group G --from A --to B
           (--bootstrap-server host:port[,...] [--command-config client.properties] |
            --config mm2.properties)
           [--source-bootstrap-server host:port[,...] [--source-command-config client.properties]]
           [--apply] [--output table|json] [--timeout 30s]

Moves consumer group G from cluster A to cluster B using the checkpoints
MirrorCheckpointConnector (A->B) writes to A.checkpoints.internal on B.
Without --apply it prints the plan: per partition, G's offset on A (if A
answers), the checkpoint, the translated offset on B, G's offset on B and
the action (commit, keep, skip). With --apply it commits the translated
offsets to G on B (never moving G backwards), then prints old -> new.
Stop G's consumers on B before --apply.

Exit codes:
  0  dry run: something to commit; --apply: committed
  1  error (B unreachable, checkpoints topic missing, commit failed)
  2  usage error (missing flag, unreadable or malformed file, unknown alias)
  3  nothing to do (no checkpoints for G, or nothing to commit)
  4  --apply refused: G has active members on B

Flags:`

// runFailover is `connect-mirror-maker failover ARGS`.
func runFailover(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("connect-mirror-maker failover", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var in failover.Inputs
	fs.StringVar(&in.Group, "group", "", "consumer group to move (required)")
	fs.StringVar(&in.From, "from", "", "alias of the cluster the group leaves: the checkpoints' source (required)")
	fs.StringVar(&in.To, "to", "", "alias of the cluster the group moves to (required)")
	fs.StringVar(&in.BootstrapServer, "bootstrap-server", "", "cluster B's bootstrap servers, host:port[,...]")
	fs.StringVar(&in.CommandConfig, "command-config", "", "Java client properties for cluster B (security.protocol, ssl.*, sasl.*, replication.policy.*)")
	fs.StringVar(&in.SourceBootstrapServer, "source-bootstrap-server", "", "cluster A's bootstrap servers (optional: shows the group's offsets on A)")
	fs.StringVar(&in.SourceCommandConfig, "source-command-config", "", "Java client properties for cluster A")
	fs.StringVar(&in.Config, "config", "", "an mm2.properties giving both clusters' settings, read as dedicated mode reads it (instead of --bootstrap-server, --command-config and the --source-* flags)")
	fs.BoolVar(&in.Apply, "apply", false, "commit the plan (default: print it only)")
	fs.StringVar(&in.Output, "output", failover.OutputTable, "output format: table or json")
	fs.DurationVar(&in.Timeout, "timeout", failover.DefaultTimeout, "bound of each phase (reading B, reading A, applying)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, failoverUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "error: unexpected argument %q (run connect-mirror-maker failover -h for usage)\n", fs.Arg(0))
		return exitUsage
	}
	opts, err := in.Options()
	if err != nil {
		return failoverExit(err, "", stderr)
	}
	for _, w := range opts.Warnings {
		fmt.Fprintln(stderr, "warning:", oneLine(w))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	outcome, err := failover.Run(ctx, opts, stdout)
	return failoverExit(err, outcome, stderr)
}

// failoverExit prints err (one line) and maps the result to an exit code.
func failoverExit(err error, outcome failover.Outcome, stderr io.Writer) int {
	if err != nil {
		fmt.Fprintln(stderr, "error:", oneLine(err.Error()))
		var active *failover.ActiveMembersError
		switch {
		case failover.IsUsageError(err):
			return exitUsage
		case errors.As(err, &active):
			return exitActiveMembers
		}
		return exitError
	}
	if outcome == failover.OutcomeNothingToDo {
		return exitNothingToDo
	}
	return exitOK
}

// oneLine keeps an error message on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
