// Package mirror holds Ferry's MirrorMaker 2 connectors, compatible with
// Kafka's org.apache.kafka.connect.mirror classes: connector configs written
// for Java MirrorMaker 2 work unchanged, and the records and Connect offsets
// they write are the ones Java writes.
//
// It holds the three MirrorMaker connectors and their tasks:
//
//   - MirrorSourceConnector lists the source cluster's topics, selects those
//     to replicate (topics / topics.exclude or topic.filter.class,
//     heartbeats, never internal topics or cycles), creates their renamed
//     copies on the target cluster with the same partition count and the
//     source's topic configs (config.property.filter.class), adds
//     partitions, keeps topic configs and literal topic ACLs in sync on
//     their intervals (topic_config_sync.go, acl_sync.go), and re-checks
//     every refresh.topics.interval.seconds, asking the runtime for new task
//     configs when the partition set changes.
//   - MirrorSourceTask consumes its assigned source partitions (no consumer
//     group; offsets live in Connect's offsets topic), returns each record
//     renamed by the replication policy, bytes unchanged, and writes Java's
//     OffsetSync records to the offset-syncs topic (offset_sync*.go). Faults
//     it rides out are logged and shown in its RUNNING status
//     (faults.go, fault_status.go).
//   - MirrorCheckpointConnector lists the source cluster's consumer groups,
//     keeps those its group filter accepts that have offsets on topics its
//     topic filter accepts, creates <source>.checkpoints.internal on the
//     target and deals the groups to tasks in contiguous chunks, re-listing
//     every refresh.groups.interval.seconds (checkpoint_connector.go).
//   - MirrorCheckpointTask tails the offset-syncs topic into Java's
//     OffsetSyncStore (64 exponentially spaced syncs per partition,
//     offset_sync_store*.go), translates its groups' committed offsets
//     every emit.checkpoints.interval.seconds and returns Checkpoint records
//     when one is new, moves forward or follows an upstream rewind; it
//     reads the checkpoints topic at start to stay monotonic across
//     restarts (checkpoint_store.go) and, with sync.group.offsets.enabled,
//     commits translated offsets to groups without members on the target
//     (group_offset_sync.go).
//   - MirrorHeartbeatConnector has one task that returns a Heartbeat record
//     for the heartbeats topic every emit.heartbeats.interval.seconds;
//     MirrorSourceTask copies heartbeats topics downstream so replication
//     hops can be counted (mirrorclient).
//
// Not yet here (later issues): metrics.
//
// Goroutines: the connector owns up to three periodic goroutines (topic
// refresh, topic config sync, ACL sync), started by Start and stopped by Stop
// or by Start's context. A task owns one goroutine per
// assigned partition that moves records from sarama's partition consumer to
// the task's event channel (Poll is the only reader), a fault watcher, and,
// while the source cannot be reached at start, a goroutine that keeps
// connecting. Both track their
// goroutines in a WaitGroup that Stop waits for. Admin calls run on a helper
// goroutine so they can be bounded by admin.timeout.ms even though sarama's
// calls take no context (see boundedCall).
//
// Deliberate differences from Java:
//
//   - Start fails (with the cluster alias and topic in the message) when an
//     admin call fails or exceeds admin.timeout.ms; Java's scheduler logs
//     the error and starts anyway. In the refresh loop, transient errors are
//     logged and retried at the next interval, permanent ones are raised
//     through ConnectorContext.RaiseError; Java logs both.
//   - Partitions are dealt to tasks in a sorted order (topic, then
//     partition), so task configs are stable; Java uses hash-set order.
//   - A non-retriable consumer error fails the task from Poll; Java logs
//     every KafkaException and keeps polling.
//   - auto.offset.reset=none with no stored offset fails Start; Java's
//     consumer would throw on every poll.
//   - Faults the task rides out are said in the log with numbers (faults.go):
//     an unreachable source or target, with its alias and for how long,
//     repeated while it lasts; the size of a gap left by source retention
//     (offset out of range); a deleted source topic, whose partitions are
//     parked instead of retried until the connector reassigns the tasks.
//     Java's consumer resets and retries with client log lines only. A
//     record the target refuses fails the task with a trace naming its
//     source topic, partition and offset (the runtime's producer error).
//   - Offset syncs waiting for one of the ten outstanding-sync slots are
//     all kept and sent in order, up to 1024 per task (past that, Java's
//     rule: a partition's newest waiting sync is replaced, though never its
//     first). Java keeps one per partition, so after a burst of
//     acknowledgements an offset inside the burst translates from the sync
//     before it, and a partition whose first sync was replaced cannot
//     translate offsets below the replacing one.
//   - Validation also rejects values Java accepts but cannot use: a zero
//     admin.timeout.ms or refresh interval, a negative poll timeout, a
//     replication.factor CreateTopics cannot carry, patterns Go's regexp
//     (RE2) cannot compile.
//   - MirrorCheckpointConnector with enabled=false has no tasks (Java's
//     taskConfigs keeps throwing a retriable error); its groups are listed
//     with ListGroups sent to every broker (sarama's call hides a broker's
//     error as "no groups") and dealt in sorted order.
//   - sync.group.offsets runs one pass per interval (describe, read, write;
//     Java has two timers), never writes offsets for a topic or partition
//     missing on the target, and logs a group with active members once at
//     INFO (then DEBUG until it is empty again) instead of a WARN every
//     interval.
//   - The checkpoints topic is read at task start with raw fetches, so a
//     topic written in transactions (exactly-once workers) that ends in a
//     transaction marker is still read to its end.
//   - A heartbeat alias too long for the record key fails the heartbeat task
//     at start (Java fails every poll); failing to create the heartbeats
//     topic is logged at WARN or ERROR (Java: DEBUG for authorization).
//
// Dependency rule: this package imports connect, connect/kafkaclient,
// connectors/mirror/mirrorclient, sarama and zerolog. It must not import
// runtime, herder, storage or rest.
package mirror
