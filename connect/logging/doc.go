// Package logging is Ferry's registry of named loggers, whose levels can be
// read and changed while the worker runs (Kafka Connect's /admin/loggers,
// KIP-495, and cluster-wide levels, KIP-976).
//
// Loggers are named as Log4j names Java Connect's loggers: dotted, after the
// Java class they stand for (names.go lists Ferry's), e.g.
// "org.apache.kafka.connect.runtime.distributed.DistributedHerder"; "root"
// (any case) is the root logger. Levels use Log4j's names (level.go): ALL,
// TRACE, DEBUG, INFO, WARN, ERROR, FATAL, OFF.
//
// Semantics follow Java Connect 4.x over Log4j 2 (Loggers.java):
//   - A logger without a level of its own has the level of its nearest
//     dotted ancestor that has one ("a.b" for "a.b.c"), else the root's.
//   - SetLevel(namespace, level) gives the namespace, and every logger that
//     has a level of its own and whose name starts with the namespace (a
//     plain string prefix, as Log4j's Configurator.setAllLevels: "a.b" also
//     matches "a.bc"), that level; the namespace's logger is created if it
//     was never used. It returns the names of the loggers whose level
//     changed, sorted, and records for each when (last_modified).
//   - Levels lists every known logger (used, or created by SetLevel) whose
//     level is not OFF; Level finds one by its exact name.
//
// Mechanism and cost: Registry.Logger(name) returns a zerolog.Logger
// derived from the root logger with the "logger" field set and a
// zerolog.Sampler that is the named logger's node. zerolog asks the sampler
// before it builds an event, so a DEBUG event of a logger at INFO costs one
// atomic load and a comparison and allocates nothing (the chained field
// calls run on a nil *zerolog.Event). A level change stores the new
// threshold in each node, so it applies at once to every logger already
// handed out and to everything derived from them with With(). Handed-out
// loggers carry the lowest zerolog level as their static level so the node
// decides; zerolog's global level must be at most TraceLevel for TRACE
// events to pass (cmd sets it), and zerolog.DisableSampling must stay off.
//
// Concurrency: a Registry is safe for concurrent use. Its mutex guards the
// nodes' configuration and is a leaf (nothing is logged or called while it
// is held); logging reads only the nodes' atomic thresholds.
//
// Dependency rule: logging imports zerolog and the standard library only.
package logging
