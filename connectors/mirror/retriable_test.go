package mirror

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/IBM/sarama"
)

func TestIsRetriable(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{io.EOF, true},
		{sarama.ErrOutOfBrokers, true},
		{fmt.Errorf("list topics: %w", context.DeadlineExceeded), true},
		{sarama.ErrNotLeaderForPartition, true},
		{&sarama.TopicError{Err: sarama.ErrRequestTimedOut}, true},
		{fmt.Errorf("wrapped: %w", sarama.ErrLeaderNotAvailable), true},
		{sarama.ErrTopicAuthorizationFailed, false},
		{sarama.ErrInvalidReplicationFactor, false},
		{&sarama.TopicError{Err: sarama.ErrPolicyViolation}, false},
		{sarama.ErrConsumerRetriesExhausted, false},
		{sarama.ConfigurationError("bad"), false},
		{fmt.Errorf("x: %w", errFatal), false},
		{errors.Join(io.EOF, sarama.ErrRequestTimedOut), true},
		{fmt.Errorf("refresh: %w", errors.Join(io.EOF, sarama.ErrTopicAuthorizationFailed)), false},
	}
	for _, c := range cases {
		if got := isRetriable(c.err); got != c.want {
			t.Errorf("isRetriable(%v) = %v; want %v", c.err, got, c.want)
		}
	}
}
