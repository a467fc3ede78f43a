// Package kafkalog is the compacted-log primitive under Connect's three
// internal topics (Java's KafkaBasedLog over sarama).
//
// A Log creates its topic if it is missing (cleanup.policy=compact forced,
// partitions and replication factor as configured, -1 = broker default), or
// refuses an existing topic whose cleanup.policy is not exactly compact
// (PolicyError, worded as Java's TopicAdmin). A topic another worker has
// just created may not be known yet to the broker describing it: the check
// asks again for up to 2 s, then goes on unverified, as Java's TopicAdmin
// does for a topic it cannot find. It waits for the partition
// metadata, reads every partition from its log start without a consumer
// group, hands each record to the onRecord callback, and returns from Start
// only once it has read up to the end offsets taken at start. It then keeps
// tailing. A Log that has just created its topic knows it is empty and has
// the partitions it asked for, so Start returns once its clients are
// connected: a broker shows the new partitions' leaders, and serves them,
// only a moment later (hundreds of milliseconds for 25 partitions on a busy
// broker). The reader and ReadToEnd wait for the leaders, which a
// background goroutine polls every 20 ms (kafkaclient.WaitForLeaders);
// sends made meanwhile queue, in order, and go to the producer once they
// are known; partitions that do not answer yet are retried every 20 ms for
// the first half second. ReadToEnd waits until everything up to the current end offsets
// has been handed over. A partition of a topic the Log created that has
// never answered a fetch, an offset lookup or a send cannot hold a record
// (a write needs a leader that is set up), so while its broker still says
// it is not ready ReadToEnd takes its end as 0 (freshPartitions); a task's
// first offset read no longer waits half a second for a new offsets topic
// of 25 partitions. Java's KafkaBasedLog waits. Offsets may have gaps (compaction, transaction
// markers); positions move past every batch the broker returns, and a
// position below the log start (kfake's compaction moves it) skips forward.
//
// CreateAfter and TopicSettled order the creation of several logs' topics
// (order.go): a broker sets up new partitions one at a time in the order
// their topics were created, so the herder has its config topic, which
// every step of a worker's start writes to, created before the 25-partition
// offsets topic and the status topic.
//
// Writes go through one producer with Java's settings for these topics:
// acks=all, one request in flight per connection, no idempotence, retries
// with backoff (100 ms doubling to 1 s), and keys partitioned with Kafka's
// murmur2 (kafkaclient.JavaPartitioner) so Java and Ferry put a key in the
// same partition. A nil value is a tombstone.
//
// Goroutines, all owned by the Log and gone when Stop returns:
//
//   - the reader (read): decides what to fetch, runs onRecord for every
//     record, in offset order per partition, and publishes read positions;
//   - one fetch goroutine per partition leader with a request in flight
//     (fetch), started by the reader, living for one Fetch request;
//   - the producer-results goroutine (sender.results): completes sends and
//     calls their callbacks, one at a time;
//   - sarama's own goroutines inside the three clients (admin/metadata,
//     consumer, producer), ended by closing the clients;
//   - for a topic Start created, the leader wait (awaitLeaders), which
//     closes ready when the leaders show or the metadata timeout passes;
//   - short-lived helpers (call) that run one blocking network call so the
//     caller can give up when its context ends; they end with sarama's
//     timeouts and Stop waits for them.
//
// Lock order: sender.mu before Log.mu and before sender.pmu; Log.mu,
// posMu and freshPartitions.mu are never held while taking another lock. onRecord and send
// callbacks run without any lock held.
//
// Dependency rule: sarama, zerolog, connect/kafkaclient (the leaf package
// holding Kafka's partitioner and the retriable-error classifier) and the
// standard library only. The package knows nothing about what the records
// mean.
package kafkalog
