package kafkalog

import (
	"errors"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
)

// ErrClosed is returned by operations on a log that is stopped (or was never
// started).
var ErrClosed = errors.New("kafkalog: log is closed")

// Retriable reports whether err is transient; it is kafkaclient.Retriable,
// the one classifier Ferry uses everywhere.
func Retriable(err error) bool { return kafkaclient.Retriable(err) }

// metadataError reports whether a partition-level error means the client's
// view of leaders is stale.
func metadataError(err error) bool {
	var kerr sarama.KError
	if !errors.As(err, &kerr) {
		return true
	}
	switch kerr {
	case sarama.ErrUnknownTopicOrPartition, sarama.ErrLeaderNotAvailable, sarama.ErrNotLeaderForPartition,
		sarama.ErrReplicaNotAvailable, sarama.ErrKafkaStorageError, sarama.ErrFencedLeaderEpoch,
		sarama.ErrUnknownLeaderEpoch, sarama.ErrOffsetNotAvailable:
		return true
	}
	return false
}
