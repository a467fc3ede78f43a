package app

import (
	"github.com/rs/zerolog"
	"go.uber.org/fx"
)

// RunWorker runs a distributed worker from its properties until SIGINT or
// SIGTERM and returns the process exit code.
func RunWorker(log zerolog.Logger, props map[string]string) int {
	return Run(log, fx.Supply(WorkerProps(props)), WorkerModule, fx.Invoke(func(*Worker) {}))
}
