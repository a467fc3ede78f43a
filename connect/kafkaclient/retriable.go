package kafkaclient

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/IBM/sarama"
)

// retriableKErrors are the broker error codes whose Java exceptions extend
// RetriableException (or InvalidMetadataException): trying again later may
// succeed.
var retriableKErrors = map[sarama.KError]bool{
	sarama.ErrInvalidMessage:                  true, // CorruptRecordException
	sarama.ErrUnknownTopicOrPartition:         true,
	sarama.ErrLeaderNotAvailable:              true,
	sarama.ErrNotLeaderForPartition:           true,
	sarama.ErrRequestTimedOut:                 true,
	sarama.ErrBrokerNotAvailable:              true,
	sarama.ErrReplicaNotAvailable:             true,
	sarama.ErrNetworkException:                true,
	sarama.ErrOffsetsLoadInProgress:           true,
	sarama.ErrConsumerCoordinatorNotAvailable: true,
	sarama.ErrNotCoordinatorForConsumer:       true,
	sarama.ErrNotEnoughReplicas:               true,
	sarama.ErrNotEnoughReplicasAfterAppend:    true,
	sarama.ErrNotController:                   true,
	sarama.ErrConcurrentTransactions:          true,
	sarama.ErrKafkaStorageError:               true,
	sarama.ErrFetchSessionIDNotFound:          true,
	sarama.ErrInvalidFetchSessionEpoch:        true,
	sarama.ErrListenerNotFound:                true,
	sarama.ErrFencedLeaderEpoch:               true,
	sarama.ErrUnknownLeaderEpoch:              true,
	sarama.ErrOffsetNotAvailable:              true,
	sarama.ErrPreferredLeaderNotAvailable:     true,
	sarama.ErrEligibleLeadersNotAvailable:     true,
	sarama.ErrUnstableOffsetCommit:            true,
	sarama.ErrThrottlingQuotaExceeded:         true,
	sarama.ErrReassignmentInProgress:          true,
}

// Retriable reports whether a Kafka client error is transient. It is the
// one place Ferry decides this: broker error codes follow Java's exception
// hierarchy; connection failures, timeouts and "run out of brokers" are
// transient; sarama configuration errors, a closed client and oversized
// records are permanent, as is anything unrecognised. A joined error is
// retriable only if every part is.
func Retriable(err error) bool {
	if err == nil {
		return false
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			parts := j.Unwrap()
			for _, p := range parts {
				if !Retriable(p) {
					return false
				}
			}
			return len(parts) > 0
		}
	}
	var kerr sarama.KError
	if errors.As(err, &kerr) {
		return retriableKErrors[kerr]
	}
	var cerr sarama.ConfigurationError
	if errors.As(err, &cerr) {
		return false
	}
	switch {
	case errors.Is(err, sarama.ErrClosedClient), errors.Is(err, sarama.ErrMessageTooLarge),
		errors.Is(err, sarama.ErrDecompressedBatchTooLarge), errors.Is(err, sarama.ErrConsumerRetriesExhausted):
		return false
	case errors.Is(err, sarama.ErrOutOfBrokers), errors.Is(err, sarama.ErrNotConnected),
		errors.Is(err, sarama.ErrControllerNotAvailable),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, context.DeadlineExceeded):
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}
