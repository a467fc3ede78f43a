package app

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"go.uber.org/dig"
	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"

	"github.com/ferrykafka/ferry/connect/workerconfig"
)

// Timeouts of the process lifecycle.
const (
	StartTimeout = 2 * time.Minute
	StopTimeout  = time.Minute
)

// New builds an fx application from options, logging through log.
func New(log zerolog.Logger, options ...fx.Option) *fx.App {
	all := append([]fx.Option{
		fx.Supply(log),
		fx.WithLogger(func() fxevent.Logger { return fxLogger{log: log.With().Str("component", "fx").Logger()} }),
		fx.StartTimeout(StartTimeout),
		fx.StopTimeout(StopTimeout),
	}, options...)
	return fx.New(all...)
}

// Run starts the application, waits for SIGINT or SIGTERM, and stops it.
// It returns a process exit code; start-up problems are printed as one line.
func Run(log zerolog.Logger, options ...fx.Option) int {
	a := New(log, options...)
	if err := a.Err(); err != nil {
		return fail(log, err)
	}
	startCtx, cancel := context.WithTimeout(context.Background(), StartTimeout)
	defer cancel()
	if err := a.Start(startCtx); err != nil {
		return fail(log, err)
	}
	return waitAndStop(log, a)
}

// fail reports a start-up error as one clear line (without fx's wrapping)
// and returns the exit code.
func fail(log zerolog.Logger, err error) int {
	reportFailure(log, "", err)
	return 1
}

// rootMessage strips fx's dependency-graph wrapping, keeping our own error.
func rootMessage(err error) string {
	err = dig.RootCause(err)
	var cfgErr *workerconfig.Error
	if errors.As(err, &cfgErr) {
		return "invalid worker configuration: " + strings.Join(cfgErr.Problems, "; ")
	}
	return err.Error()
}
