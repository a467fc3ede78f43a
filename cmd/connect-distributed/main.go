// Command connect-distributed runs a Ferry worker from a Kafka Connect
// worker.properties file, as Kafka's bin/connect-distributed.sh does.
//
//	connect-distributed [--log-format json|console] [--log-level info] worker.properties
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/ferrykafka/ferry/cmd/internal/app"
	"github.com/ferrykafka/ferry/connect/workerconfig"
)

func main() { os.Exit(run(os.Args[1:], os.Stderr)) }

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("connect-distributed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var lo app.LogOptions
	fs.StringVar(&lo.Format, "log-format", "", "log format: json or console (default: console on a terminal, json otherwise)")
	fs.StringVar(&lo.Level, "log-level", "info", "log level: debug, info, warn or error")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: connect-distributed [flags] worker.properties")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	log, err := app.NewLogger(os.Stderr, lo)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 2
	}
	props, err := workerconfig.Load(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	app.InstallSaramaLogger(log)
	return app.RunWorker(log, props)
}
