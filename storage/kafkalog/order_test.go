package kafkalog

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/test/testkit"
)

// A log told to create its topic after another's waits for that one: it
// creates nothing while the other has not settled, and creates its topic
// second once the other started.
func TestCreateAfterWaitsForTheEarlierTopic(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	created := cl.RecordCreatedTopics()
	cfg := func(topic string) Config { return Config{Topic: topic, Partitions: 3, ReplicationFactor: 1} }
	first := New(cl.Addrs(), baseConfig(t, cl.Addrs()), cfg("first"), nil, testkit.Logger(t))

	early := New(cl.Addrs(), baseConfig(t, cl.Addrs()), cfg("second"), nil, testkit.Logger(t))
	early.CreateAfter(first.TopicSettled())
	short, cancelShort := context.WithTimeout(context.Background(), 300*time.Millisecond)
	err := early.Start(short)
	cancelShort()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Start before the earlier topic settled: %v, want the context's deadline", err)
	}
	if got := created(); len(got) != 0 {
		t.Fatalf("CreateTopics before the earlier topic settled: %v, want none", got)
	}
	select {
	case <-early.TopicSettled():
	default:
		t.Fatal("TopicSettled is not closed after a failed Start")
	}

	second := New(cl.Addrs(), baseConfig(t, cl.Addrs()), cfg("second"), nil, testkit.Logger(t))
	second.CreateAfter(first.TopicSettled())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	errs := make(chan error, 1)
	go func() { errs <- second.Start(ctx) }()
	if err := first.Start(ctx); err != nil {
		t.Fatalf("start the first log: %v", err)
	}
	if err := <-errs; err != nil {
		t.Fatalf("start the second log: %v", err)
	}
	for _, l := range []*Log{first, second} {
		if err := l.Stop(ctx); err != nil {
			t.Errorf("stop %s: %v", l.Topic(), err)
		}
	}
	if got := created(); len(got) != 2 || got[0] != "first" || got[1] != "second" {
		t.Fatalf("CreateTopics order: %v, want [first second]", got)
	}
}
