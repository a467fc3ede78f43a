package app

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/rs/zerolog"
	"go.uber.org/fx"

	"github.com/ferrykafka/ferry/connect/logging"
	"github.com/ferrykafka/ferry/connectors/mirror/mmconfig"
)

// Exit codes of dedicated MirrorMaker mode, Java's MirrorMaker.main's.
const (
	// ExitUsage is Java's Exit.exit(-1) on argument errors.
	ExitUsage = 255
	// ExitInvalid: the node could not be built (invalid configuration,
	// a cluster that cannot be reached, no flow for --clusters).
	ExitInvalid = 2
	// ExitStart: a herder or the REST server failed to start.
	ExitStart = 3
)

// MirrorMakerOptions configure a dedicated MirrorMaker node.
type MirrorMakerOptions struct {
	// ConfigPath is the mm2.properties file.
	ConfigPath string
	// Clusters is --clusters: the node runs only the flows whose target is
	// listed; empty runs every flow of the file.
	Clusters []string
}

// MirrorMakerModule builds a dedicated MirrorMaker node (a *MirrorNode) from
// MirrorMakerOptions and a zerolog.Logger supplied by the caller.
var MirrorMakerModule = fx.Options(
	fx.Provide(
		newLoggerRegistry,
		newRegistry,
		loadMirrorMakerConfig,
		newMirrorNode,
	),
)

// loadMirrorMakerConfig reads the file and logs what Java would silently
// ignore in it.
func loadMirrorMakerConfig(o MirrorMakerOptions, loggers *logging.Registry) (*mmconfig.Config, error) {
	mm, err := mmconfig.Load(o.ConfigPath)
	if err != nil {
		return nil, err
	}
	log := loggers.Logger(logging.MirrorMaker)
	for _, w := range mm.Warnings() {
		log.Warn().Str("file", o.ConfigPath).Msg(w)
	}
	return mm, nil
}

// RunMirrorMaker runs a dedicated MirrorMaker node until SIGINT or SIGTERM
// and returns the process exit code: ExitInvalid when the node cannot be
// built, ExitStart when it cannot start, 1 after an unclean stop.
func RunMirrorMaker(log zerolog.Logger, o MirrorMakerOptions, extra ...fx.Option) int {
	a := New(log, append([]fx.Option{fx.Supply(o), MirrorMakerModule, fx.Invoke(func(*MirrorNode) {})}, extra...)...)
	if err := a.Err(); err != nil {
		reportFailure(log, "Stopping due to error", err)
		return ExitInvalid
	}
	startCtx, cancel := context.WithTimeout(context.Background(), StartTimeout)
	defer cancel()
	if err := a.Start(startCtx); err != nil {
		reportFailure(log, "Failed to start MirrorMaker", err)
		return ExitStart
	}
	return waitAndStop(log, a)
}

// reportFailure logs and prints a start-up failure as one line.
func reportFailure(log zerolog.Logger, what string, err error) {
	msg := rootMessage(err)
	if what != "" {
		log.Error().Msg(what + ": " + msg)
	} else {
		log.Error().Msg(msg)
	}
	fmt.Fprintln(os.Stderr, "error:", msg)
}

// waitAndStop waits for SIGINT, SIGTERM or the application's own shutdown,
// then stops it; it returns 0, or 1 after an unclean stop.
func waitAndStop(log zerolog.Logger, a *fx.App) int {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	select {
	case s := <-sigs:
		log.Info().Str("signal", s.String()).Msg("shutting down")
	case sig := <-a.Wait():
		log.Info().Int("exit_code", sig.ExitCode).Msg("shutting down")
	}
	stopCtx, cancelStop := context.WithTimeout(context.Background(), StopTimeout)
	defer cancelStop()
	if err := a.Stop(stopCtx); err != nil {
		log.Error().Err(err).Msg("unclean shutdown")
		return 1
	}
	log.Info().Msg("stopped")
	return 0
}
