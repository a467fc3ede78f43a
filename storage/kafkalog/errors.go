package kafkalog

import (
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/IBM/sarama"
)

// ErrClosed is returned by operations on a log that is stopped (or was never
// started).
var ErrClosed = errors.New("kafkalog: log is closed")

// Retriable reports whether err is transient: Kafka error codes Java
// classifies as RetriableException, and network failures. It is the one
// place Ferry's stores decide whether a failed write may be retried.
func Retriable(err error) bool {
	if err == nil {
		return false
	}
	var kerr sarama.KError
	if errors.As(err, &kerr) {
		switch kerr {
		case sarama.ErrInvalidMessage, sarama.ErrUnknownTopicOrPartition, sarama.ErrLeaderNotAvailable,
			sarama.ErrNotLeaderForPartition, sarama.ErrRequestTimedOut, sarama.ErrReplicaNotAvailable,
			sarama.ErrNetworkException, sarama.ErrOffsetsLoadInProgress, sarama.ErrConsumerCoordinatorNotAvailable,
			sarama.ErrNotCoordinatorForConsumer, sarama.ErrNotEnoughReplicas, sarama.ErrNotEnoughReplicasAfterAppend,
			sarama.ErrKafkaStorageError, sarama.ErrFetchSessionIDNotFound, sarama.ErrInvalidFetchSessionEpoch,
			sarama.ErrFencedLeaderEpoch, sarama.ErrUnknownLeaderEpoch, sarama.ErrOffsetNotAvailable,
			sarama.ErrPreferredLeaderNotAvailable, sarama.ErrEligibleLeadersNotAvailable, sarama.ErrThrottlingQuotaExceeded:
			return true
		}
		return false
	}
	if errors.Is(err, sarama.ErrOutOfBrokers) || errors.Is(err, sarama.ErrNotConnected) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}

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
