package kafkaclient

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/IBM/sarama"
)

// Polling for the leaders of a topic just created: a broker answers a
// CreateTopics request before its metadata shows the new partitions'
// leaders, usually for a few tens of milliseconds. A fine poll finds them
// as soon as they are there; after the first half second it backs off.
const (
	leaderPollFast      = 20 * time.Millisecond
	leaderPollFastTries = 25
	leaderPollSlow      = 100 * time.Millisecond
	leaderPollMax       = time.Second
)

// LeaderPoll is the wait before metadata look-up n (0-based) while waiting
// for leaders: 20 ms for the first 25, then 100 ms doubling to 1 s.
func LeaderPoll(n int) time.Duration {
	if n < leaderPollFastTries {
		return leaderPollFast
	}
	return Backoff(n-leaderPollFastTries, leaderPollSlow, leaderPollMax)
}

// WaitForLeaders waits until every partition of topic has a leader in the
// metadata of one of client's brokers, and returns the partition ids in
// order. Each look-up is one Metadata request for that topic alone (never
// creating it), sent past sarama's client, whose refresh retries a
// leaderless answer only after its whole metadata backoff (100, 200,
// 400 ms); once every leader is seen the client's own metadata is
// refreshed, so its producers and consumers find them at once. ctx is
// checked between look-ups, each of which the client's network timeouts
// bound (run it under Bounded to stop at once); when ctx ends the error
// holds the last thing seen.
func WaitForLeaders(ctx context.Context, client sarama.Client, topic string) ([]int32, error) {
	var last error
	for n := 0; ; n++ {
		parts, err := LookupLeaders(client, topic)
		if err == nil {
			return parts, nil
		}
		last = err
		if !Sleep(ctx, LeaderPoll(n)) {
			return nil, fmt.Errorf("leaders of topic %s: %w (last seen: %v)", topic, ctx.Err(), last)
		}
	}
}

// LookupLeaders asks one of client's brokers, once (no retries), for
// topic's partitions and, when every one has a leader, refreshes the
// client's metadata of the topic and returns them in order. It fails fast
// where the client's own lookup would wait out its metadata backoff.
func LookupLeaders(client sarama.Client, topic string) ([]int32, error) {
	parts, err := topicLeaders(client, topic)
	if err != nil {
		return nil, err
	}
	if err := client.RefreshMetadata(topic); err != nil {
		return nil, fmt.Errorf("refresh metadata of topic %s: %w", topic, err)
	}
	slices.Sort(parts)
	return parts, nil
}

// errLeaderless says a partition has no leader yet.
var errLeaderless = errors.New("some partitions have no leader yet")

// topicLeaders asks one broker for topic's metadata and returns its
// partition ids when every partition has a leader.
func topicLeaders(client sarama.Client, topic string) ([]int32, error) {
	b := client.LeastLoadedBroker()
	if b == nil {
		return nil, sarama.ErrClosedClient
	}
	req := sarama.NewMetadataRequest(client.Config().Version, []string{topic})
	req.AllowAutoTopicCreation = false
	resp, err := b.GetMetadata(req)
	if err != nil {
		_ = b.Close() // the client reopens it on next use
		return nil, err
	}
	for _, tm := range resp.Topics {
		if tm.Name != topic {
			continue
		}
		if !errors.Is(tm.Err, sarama.ErrNoError) {
			return nil, tm.Err
		}
		if len(tm.Partitions) == 0 {
			return nil, sarama.ErrUnknownTopicOrPartition
		}
		parts := make([]int32, 0, len(tm.Partitions))
		for _, p := range tm.Partitions {
			// A missing follower (ReplicaNotAvailable) does not stop
			// anyone reading from or writing to the leader.
			usable := errors.Is(p.Err, sarama.ErrNoError) || errors.Is(p.Err, sarama.ErrReplicaNotAvailable)
			if p.Leader < 0 || !usable {
				return nil, errLeaderless
			}
			parts = append(parts, p.ID)
		}
		return parts, nil
	}
	return nil, sarama.ErrUnknownTopicOrPartition
}
