// Package memstore holds in-memory twins of the three Connect stores for
// unit tests of the runtime and the herder: ConfigStore, OffsetStore and
// StatusStore implement the storage interfaces with the semantics of the
// Kafka-backed stores in kafkastore, minus Kafka:
//
//   - a write is "read back" at once: state changes and listener calls
//     happen before the write returns, on the caller's goroutine, outside any
//     lock, and only once the store is started;
//   - task configs wait for their commit record and apply only if task ids
//     0..N-1 are all present, else the connector is marked inconsistent.
//     AppendTaskConfig and AppendCommit write those records one at a time,
//     so tests can build the states compaction or a failed leader leave;
//   - target states, connector removal (which keeps the target state until
//     its own tombstone), session keys, restart requests, task-count
//     records and logger levels behave as in kafkastore;
//   - statuses follow putSafe and the stale-UNASSIGNED rule; DESTROYED
//     removes a status, and a connector's removal drops its tasks' statuses.
//
// Operations on a store that is not running fail with ErrNotRunning (status
// writes are dropped, as a Kafka store that cannot send drops them).
//
// Dependency rule: storage and the standard library only.
package memstore
