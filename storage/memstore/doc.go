// Package memstore holds the three Connect stores for unit tests of the
// runtime and the herder: kafkastore's ConfigStore, OffsetStore and
// StatusStore, each over an in-memory kafkastore.Log instead of a Kafka
// topic. The records, and the state and listener calls they make, are
// therefore exactly the Kafka stores' (kafkastore's twin test holds the two
// logs to the same results); what the in-memory log adds is:
//
//   - a record is read back the moment it is written, on the writer's
//     goroutine: when a write returns, its state change and listener calls
//     have happened, even for the writes kafkastore does not read back
//     (target states, logger levels, statuses);
//   - listener calls are made outside every lock, so a listener may write
//     to the store; records of concurrent writers are read one at a time,
//     in order, but their listener calls may interleave;
//   - writes and reads on a store that is not running (before Start, after
//     Stop) fail with ErrNotRunning, wrapped as kafkastore wraps a Kafka
//     error; status writes are dropped, as a Kafka store that cannot send
//     drops them. A store may be started again and keeps its state.
//
// ConfigStore adds AppendTaskConfig and AppendCommit, which write single
// task-config and commit records so tests can build the states compaction
// or a failed leader leave, and LoggerLevels, the levels PutLoggerLevel
// wrote.
//
// Dependency rule: storage, storage/kafkastore, zerolog and the standard
// library. No Kafka connection is ever made.
package memstore
