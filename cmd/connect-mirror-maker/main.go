// Command connect-mirror-maker runs MirrorMaker 2 with Ferry.
//
//	connect-mirror-maker [--log-format F] [--log-level L] [--cpuprofile FILE] mm2.properties [--clusters A B ...]
//
// runs a dedicated MirrorMaker node from Java's mm2.properties, as Kafka's
// connect-mirror-maker.sh: one herder per flow, each flow's three
// connectors configured by its leader; --clusters limits the node to the
// flows into the listed clusters. Exit codes are Java's: 255 argument
// errors, 2 the node cannot be built, 3 it cannot start (dedicated.go,
// cmd/internal/app/mirrormaker*.go).
//
//	connect-mirror-maker --embedded [--source-port 19092] [--target-port 29092] [--rest-port 8083]
//
// --embedded starts a self-contained demo: two in-process Kafka clusters
// ("source" and "target"), an mm2.properties for them that it prints and
// runs in dedicated mode (REST API on 127.0.0.1:<rest-port>, per flow under
// /source/target/ and GET /flows), and a trickle of sample records into the
// source's "demo" topic read by a sample consumer group.
//
//	connect-mirror-maker failover --group G --from A --to B (--bootstrap-server host:port | --config mm2.properties) [--apply]
//
// failover moves consumer group G from cluster A to cluster B with the
// checkpoints MirrorCheckpointConnector wrote to A.checkpoints.internal on
// B: it prints the per-partition plan and, with --apply, commits the
// translated offsets to G on B. Exit codes: 0 something to commit (or
// committed), 1 error, 2 usage error, 3 nothing to do, 4 --apply refused
// because G has active members on B. See package
// connectors/mirror/failover.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ferrykafka/ferry/cmd/internal/app"
)

// hasEmbeddedFlag says whether args ask for the demo.
func hasEmbeddedFlag(args []string) bool {
	for _, a := range args {
		if a == "--embedded" || a == "-embedded" || strings.HasPrefix(a, "--embedded=") || strings.HasPrefix(a, "-embedded=") {
			return true
		}
	}
	return false
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "failover" {
		return runFailover(args[1:], stdout, stderr)
	}
	if !hasEmbeddedFlag(args) {
		return runDedicated(args, stdout, stderr)
	}
	fs := flag.NewFlagSet("connect-mirror-maker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		lo       app.LogOptions
		o        app.EmbeddedOptions
		embedded bool
	)
	fs.BoolVar(&embedded, "embedded", false, "run the self-contained demo with two in-process Kafka clusters")
	fs.IntVar(&o.SourcePort, "source-port", 19092, "port of the demo's source cluster (127.0.0.1)")
	fs.IntVar(&o.TargetPort, "target-port", 29092, "port of the demo's target cluster (127.0.0.1)")
	fs.IntVar(&o.RESTPort, "rest-port", 8083, "port of the worker's REST API (127.0.0.1)")
	fs.StringVar(&o.DataDir, "data-dir", "", "directory for the demo clusters' data (default: a temporary directory removed on exit)")
	fs.IntVar(&o.Rate, "rate", 20, "demo records produced per second")
	fs.StringVar(&lo.Format, "log-format", "", "log format: json or console (default: console on a terminal, json otherwise)")
	fs.StringVar(&lo.Level, "log-level", "info", "log level: debug, info, warn or error")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: connect-mirror-maker --embedded [flags]")
		fmt.Fprintln(stderr, "       connect-mirror-maker failover --group G --from A --to B ... (connect-mirror-maker failover -h for details)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if !embedded || fs.NArg() != 0 {
		fs.Usage()
		return 2
	}
	for name, p := range map[string]int{"source-port": o.SourcePort, "target-port": o.TargetPort, "rest-port": o.RESTPort} {
		if p < 0 || p > 65535 {
			fmt.Fprintf(stderr, "error: --%s %d is not a port\n", name, p)
			return 2
		}
	}
	if o.Rate < 1 {
		fmt.Fprintln(stderr, "error: --rate must be at least 1")
		return 2
	}
	log, err := app.NewLogger(os.Stderr, lo)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 2
	}
	app.InstallSaramaLogger(log)
	return app.RunEmbedded(log, o)
}
