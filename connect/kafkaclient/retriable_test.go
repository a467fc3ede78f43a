package kafkaclient

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/IBM/sarama"
)

func TestRetriable(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{sarama.ErrNotLeaderForPartition, true},
		{fmt.Errorf("fetch: %w", sarama.ErrRequestTimedOut), true},
		{sarama.ErrTopicAuthorizationFailed, false},
		{sarama.ErrInvalidReplicationFactor, false},
		{sarama.ErrOutOfBrokers, true},
		{fmt.Errorf("dial: %w", syscall.ECONNREFUSED), true},
		{context.DeadlineExceeded, true},
		{sarama.ConfigurationError("bad"), false},
		{sarama.ErrClosedClient, false},
		{sarama.ErrMessageTooLarge, false},
		{errors.Join(sarama.ErrNotLeaderForPartition, sarama.ErrRequestTimedOut), true},
		{errors.Join(sarama.ErrNotLeaderForPartition, sarama.ErrTopicAuthorizationFailed), false},
		{errors.New("something else"), false},
	}
	for _, c := range cases {
		if got := Retriable(c.err); got != c.want {
			t.Errorf("Retriable(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
