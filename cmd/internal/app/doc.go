// Package app assembles Ferry's processes. It is the only package that
// imports go.uber.org/fx: domain packages have plain constructors, and fx
// here only wires them and binds their Start/Stop to the process lifecycle.
//
// Two kinds of process: a connect-distributed worker (WorkerModule,
// worker.go) and a dedicated MirrorMaker node (MirrorMakerModule,
// mirrormaker*.go: one worker per flow, each built by the same
// assembleWorker, and one REST server for all of them). The embedded demo
// writes an mm2.properties and runs it as a MirrorMaker node.
//
// It also owns process-wide concerns: the zerolog logger, the adapters that
// route sarama's and fx's own logs into it, and the embedded demo's
// in-process Kafka clusters.
package app
