package mirror

import (
	"errors"

	"github.com/IBM/sarama"
)

// errFatal marks errors this package decides are not worth retrying
// (for example a partition without a stored offset under
// auto.offset.reset=none).
var errFatal = errors.New("not retriable")

// retriableKErrors are the broker error codes whose Java exceptions extend
// RetriableException (or InvalidMetadataException): the client may succeed
// by trying again later.
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

// isRetriable decides whether a Kafka client error is transient. Broker
// error codes follow Java's exception hierarchy; errors this package marks
// with errFatal, sarama configuration errors, exhausted consumer retries and
// oversized records are permanent; anything else (connection failures, EOF,
// timeouts, "run out of brokers") is treated as transient, since sarama and
// the next attempt may recover from it. A joined error is retriable only if
// every part is.
func isRetriable(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		switch x := e.(type) {
		case interface{ Unwrap() []error }:
			for _, part := range x.Unwrap() {
				if !isRetriable(part) {
					return false
				}
			}
			return true
		case sarama.KError:
			return retriableKErrors[x]
		case sarama.ConfigurationError:
			return false
		}
		switch e {
		case errFatal, sarama.ErrConsumerRetriesExhausted, sarama.ErrMessageTooLarge,
			sarama.ErrDecompressedBatchTooLarge, sarama.ErrClosedClient:
			return false
		}
	}
	return err != nil
}
