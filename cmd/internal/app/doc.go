// Package app assembles Ferry's processes. It is the only package that
// imports go.uber.org/fx: domain packages have plain constructors, and fx
// here only wires them and binds their Start/Stop to the process lifecycle.
//
// It also owns process-wide concerns: the zerolog logger, the adapters that
// route sarama's and fx's own logs into it, and the embedded demo's
// in-process Kafka clusters.
package app
