// Package producer is the source tasks' Kafka producer: it takes records
// in batches, groups them per partition and writes them with sarama's
// Broker.Produce, one request in flight per broker and one batch in flight
// per partition, so retries never reorder a partition's records (Java
// Connect's max.in.flight.requests.per.connection=1).
//
// It replaces sarama's AsyncProducer on the runtime's hot path (decision
// 0011): the AsyncProducer moves every record through four goroutines and
// channels and returns it through a fifth; here a batch of records crosses
// one lock into per-partition queues, each broker's sender builds one
// request from every ready partition, and acknowledgements come back one
// partition batch at a time.
//
// What it does as Java's producer does: acks, request.timeout.ms,
// compression.type (once per partition batch), max.request.size (a record
// larger is refused with a TooLargeError; a request holds at most that many
// bytes, and at most half of buffer.memory, so the next request's records
// queue while one is in flight), linger.ms, batch.size (the bytes a sender
// waits for while lingering), buffer.memory (Send takes records while fewer
// bytes are held; 4 MiB by default, see defaultBufferMemory), the default
// partitioner (murmur2 of the key, or a random partition for a null key),
// retries of retriable errors with metadata refreshed and backoff, a batch
// the broker finds too large split in two, and max.block.ms: records for a
// topic the client cannot find yet (created a moment ago, not yet known to
// the broker answering metadata) wait for it, in order, looked up every
// 20 ms at first, and fail with Java's "not present in metadata" after
// 60 s (topic_wait.go).
//
// It imports sarama, zerolog and connect/kafkaclient only.
package producer
