package kafkastore

import (
	"context"

	"github.com/IBM/sarama"
	"github.com/ferrykafka/ferry/storage/kafkalog"
)

// Log is the record log a store keeps its topic in. The stores that
// NewConfigStore, NewOffsetStore and NewStatusStore return run over a
// *kafkalog.Log; storage/memstore runs the same stores over an in-memory
// Log, so the record formats and the state built from them have one
// implementation.
type Log interface {
	// Start makes the log usable and reads it to its end.
	Start(ctx context.Context) error
	// Stop stops reading and writing.
	Stop(ctx context.Context) error
	// ReadToEnd returns once every record on the log when it was called
	// has been read.
	ReadToEnd(ctx context.Context) error
	// SendAsync appends a record (a nil value is a tombstone) and calls
	// done once, with nil when the record is stored.
	SendAsync(key, value []byte, done func(error))
	// PartitionCount is the topic's number of partitions (known after
	// Start).
	PartitionCount() int
}

// Record is one record a Log reads back.
type Record struct {
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte // nil for a tombstone
}

// Reader is a store's side of its Log: the log calls it with every record
// it reads, one at a time and in each partition's order. It updates the
// store's state and returns the listener calls the record owes, or nil;
// the log makes those after the Reader returned, holding none of its own
// locks (kafkalog's reader goroutine makes them at once).
type Reader func(Record) (notify func())

// OpenLog creates a store's Log over the store's Reader.
type OpenLog func(read Reader) Log

// kafkaLog opens a kafkalog.Log with cfg on the brokers of o.
func (o Options) kafkaLog(cfg kafkalog.Config) OpenLog {
	return func(read Reader) Log {
		return kafkalog.New(o.Brokers, o.Sarama, cfg, func(m *sarama.ConsumerMessage) {
			if notify := read(Record{Partition: m.Partition, Offset: m.Offset, Key: m.Key, Value: m.Value}); notify != nil {
				notify()
			}
		}, o.Logger)
	}
}

// withoutNotify adapts a record handler that owes no listener calls.
func withoutNotify(handle func(Record)) Reader {
	return func(r Record) func() {
		handle(r)
		return nil
	}
}
