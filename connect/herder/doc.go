// Package herder decides what runs where and is the one seam every REST call
// goes through (Java's Herder).
//
// One goroutine — the herder loop — owns all herder state: the config
// snapshot it acts on, which connectors and tasks this worker runs, and
// which connectors need new task configs. REST calls, config-store listener
// callbacks and connector events never touch that state: REST calls enqueue
// a request with a reply channel, listeners and events record what changed
// under a small mutex and wake the loop.
//
// The herder is driven by the config topic: creating a connector writes
// connector-<name>; the connector's task configs are written as
// task-<name>-<n> plus commit-<name>; the worker starts connectors and tasks
// only from what it reads back, so every worker (and a Java worker sharing
// the topics) acts on the same state.
//
// This version runs a single worker that is always the leader; group
// membership plugs in through assignment (what this worker should run) and
// the leader check.
//
// Dependency rule: herder imports connect, connect/runtime, storage
// (interfaces), rest/entities (the JSON entities it returns) and zerolog;
// never rest itself or a storage implementation.
package herder
