// Package runtime is Ferry's Worker: it runs the connector and task
// instances the herder assigns to this process.
//
// It owns the source-task loop (poll -> convert -> produce ->
// commitRecord), offset tracking (only offsets whose every predecessor was
// acknowledged are committed), the periodic offset flush
// (offset.flush.interval.ms, and once more on stop), and the status of every
// connector and task it runs (written to the status store; a failure is
// always written as FAILED with its trace, never swallowed).
//
// Goroutines (all owned, all stopped by Stop):
//   - one per connector instance: applies target-state transitions
//     (start, pause/stop, resume) in order;
//   - per source task: the poll loop, the producer-result loop, and the
//     offset-commit ticker (the task's connect/producer has its own).
//
// The hot path works a Poll batch at a time (worker_task_send.go): one
// lock to track the batch's records, one allocation per record in flight
// (producer record, tracking entry and CommitRecord metadata together),
// handed to connect/producer a batch at a time and acknowledged a
// partition batch at a time (decision 0011); offsets-topic keys are cached per
// source partition (partition_keys.go) and integer offsets
// (SourceRecord.IntOffsetField) become maps only when committed
// (docs/decisions/0010-source-task-hot-path.md).
//
// Config providers: the herder hands the worker connector and task configs
// as stored; the worker resolves their ${provider:[path:]key} references
// with Config.ConfigTransformer before a plugin, a converter or a producer
// sees them, and puts the references back into the task configs a
// connector generates (Java's WorkerConfigTransformer and reverseTransform).
//
// Dependency rule: runtime imports connect, connect/converters,
// connect/kafkaclient, connect/configprovider (a leaf), storage (interfaces
// only) and sarama. It never imports
// the herder, rest, the storage implementations or a connector package.
package runtime
