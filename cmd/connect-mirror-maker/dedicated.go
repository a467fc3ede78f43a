package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"

	"github.com/ferrykafka/ferry/cmd/internal/app"
)

const dedicatedUsage = `usage: connect-mirror-maker [--log-format json|console] [--log-level LEVEL] [--cpuprofile FILE] mm2.properties [--clusters CLUSTER [CLUSTER ...]]

Runs a dedicated MirrorMaker 2 node from an mm2.properties file, as Kafka's
bin/connect-mirror-maker.sh does. --clusters limits the node to the flows
whose target cluster is listed. --cpuprofile writes a Go CPU profile of the
whole run to FILE (go tool pprof), for performance work; with the
environment variable FERRY_PPROF_ADDR=127.0.0.1:PORT the process also
serves Go's /debug/pprof/ there (heap, goroutines, CPU).

Exit codes (Java's): 255 argument errors (including a file that cannot be
read), 2 the node could not be built (invalid configuration, unreachable
cluster), 3 it failed to start.`

// dedicatedArgs are the parsed arguments of dedicated mode.
type dedicatedArgs struct {
	opts       app.MirrorMakerOptions
	log        app.LogOptions
	cpuProfile string
	help       bool
}

// parseDedicatedArgs reads Java's arguments (mm2.properties, --clusters
// with one or more aliases, in any order) and Ferry's logging flags.
func parseDedicatedArgs(args []string) (dedicatedArgs, error) {
	d := dedicatedArgs{log: app.LogOptions{Level: "info"}}
	var positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, hasValue := strings.Cut(a, "=")
		switch {
		case a == "-h" || a == "--help" || a == "-help":
			d.help = true
			return d, nil
		case a == "--":
			// argparse4j: the end of the options.
			positional = append(positional, args[i+1:]...)
			i = len(args)
		case name == "--clusters":
			// As argparse4j: --clusters=A takes A only; --clusters takes
			// every following argument up to the next option.
			if hasValue {
				d.opts.Clusters = append(d.opts.Clusters, value)
				continue
			}
			n := 0
			for i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				i++
				n++
				d.opts.Clusters = append(d.opts.Clusters, args[i])
			}
			if n == 0 {
				return d, fmt.Errorf("argument --clusters: expected at least one argument")
			}
		case name == "--log-format" || name == "--log-level" || name == "--cpuprofile":
			if !hasValue {
				if i+1 >= len(args) {
					return d, fmt.Errorf("argument %s: expected one argument", name)
				}
				i++
				value = args[i]
			}
			switch name {
			case "--log-format":
				d.log.Format = value
			case "--log-level":
				d.log.Level = value
			default:
				d.cpuProfile = value
			}
		case strings.HasPrefix(a, "-") && a != "-":
			return d, fmt.Errorf("unrecognized arguments: '%s'", a)
		default:
			positional = append(positional, a)
		}
	}
	switch {
	case len(positional) == 0:
		return d, fmt.Errorf("the following arguments are required: mm2.properties")
	case len(positional) > 1:
		return d, fmt.Errorf("unrecognized arguments: '%s'", strings.Join(positional[1:], " "))
	}
	d.opts.ConfigPath = positional[0]
	// Java's argparse checks the file can be read before anything else.
	f, err := os.Open(d.opts.ConfigPath)
	if err != nil {
		return d, fmt.Errorf("argument mm2.properties: cannot read %s: %v", d.opts.ConfigPath, unwrapPathError(err))
	}
	_ = f.Close()
	return d, nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// runDedicated runs dedicated mode and returns the exit code.
func runDedicated(args []string, stdout, stderr io.Writer) int {
	d, err := parseDedicatedArgs(args)
	if err != nil {
		fmt.Fprintln(stderr, dedicatedUsage)
		fmt.Fprintln(stderr, "error:", err)
		return app.ExitUsage
	}
	if d.help {
		fmt.Fprintln(stdout, dedicatedUsage)
		return 0
	}
	log, err := app.NewLogger(os.Stderr, d.log)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return app.ExitUsage
	}
	app.InstallSaramaLogger(log)
	if d.cpuProfile != "" {
		stop, err := startCPUProfile(d.cpuProfile)
		if err != nil {
			fmt.Fprintln(stderr, "error:", err)
			return app.ExitUsage
		}
		defer stop()
	}
	if addr := os.Getenv("FERRY_PPROF_ADDR"); addr != "" {
		if err := servePprof(addr); err != nil {
			fmt.Fprintln(stderr, "error: FERRY_PPROF_ADDR:", err)
			return app.ExitUsage
		}
		log.Info().Str("addr", addr).Msg("serving /debug/pprof/")
	}
	log.Info().Str("file", d.opts.ConfigPath).Strs("clusters", d.opts.Clusters).Msg("Kafka MirrorMaker initializing ...")
	return app.RunMirrorMaker(log, d.opts)
}

// startCPUProfile starts writing a CPU profile to path and returns the
// function that ends it.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}, nil
}
