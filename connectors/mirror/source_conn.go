package mirror

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
)

// sourceConn guards the task's source client and consumer: when the source
// cannot be reached at start, a goroutine publishes them later, possibly
// while Stop runs.
type sourceConn struct {
	mu     sync.Mutex
	closed bool
}

// sourceClient returns the source client, nil until connected.
func (t *MirrorSourceTask) sourceClient() sarama.Client {
	t.conn.mu.Lock()
	defer t.conn.mu.Unlock()
	return t.client
}

// connectSource makes the task's source client: one attempt, bounded by
// admin.timeout.ms.
func (t *MirrorSourceTask) connectSource(ctx context.Context, kc *kafkaclient.Config) (sarama.Client, error) {
	return boundedCall(ctx, t.cfg.adminTimeout, &t.wg,
		func() (sarama.Client, error) { return sarama.NewClient(kc.Brokers, kc.Sarama) },
		func(c sarama.Client, err error) {
			if err == nil {
				_ = c.Close()
			}
		})
}

// startSource starts a reader per assigned partition over the client
// connectSource made (err is its failure), subscribing each at once. When
// the source could not be reached the task starts anyway, as Java's does:
// a goroutine keeps connecting with backoff, says so in the log, and
// starts the readers once connected. Only a permanent failure (bad
// security settings, a partition that can never be consumed) is returned.
func (t *MirrorSourceTask) startSource(ctx context.Context, kc *kafkaclient.Config, starts map[topicPartition]int64, client sarama.Client, err error) error {
	if err == nil {
		return t.replicate(client, starts, true)
	}
	if ctx.Err() != nil || !isRetriable(err) {
		return fmt.Errorf("connect consumer to source cluster %q at %s: %w", t.cfg.sourceAlias, strings.Join(kc.Brokers, ","), err)
	}
	t.wg.Add(1)
	go t.reconnect(kc, starts, err)
	return nil
}

// reconnect retries connecting to the source cluster with a growing delay
// until it succeeds, fails permanently or the task stops. It warns at once
// and then every faultTiming.report with how long the source has been
// unreachable.
func (t *MirrorSourceTask) reconnect(kc *kafkaclient.Config, starts map[topicPartition]int64, cause error) {
	defer t.wg.Done()
	alias, brokers := t.cfg.sourceAlias, strings.Join(kc.Brokers, ",")
	began := time.Now()
	lastReport := began
	t.log.Warn().Err(cause).Str("bootstrap_servers", brokers).
		Msgf("cannot connect to source cluster %q; the task keeps running and retries with backoff", alias)
	t.faults.status.connecting.Store(&connectingFault{since: began, err: cause})
	defer t.faults.status.connecting.Store(nil)
	delay := max(t.retryBackoff, minSourceReconnectDelay)
	for {
		if !t.pause(delay) {
			return
		}
		delay = min(2*delay, max(t.retryBackoff, maxSourceReconnectDelay))
		client, err := sarama.NewClient(kc.Brokers, kc.Sarama)
		now := time.Now()
		if err == nil {
			t.log.Info().Dur("unreachable_for", now.Sub(began)).
				Msgf("connected to source cluster %q after %s unreachable", alias, roundDuration(now.Sub(began)))
			if err := t.replicate(client, starts, false); err != nil {
				t.reportFatal(err)
			}
			return
		}
		if !isRetriable(err) {
			t.reportFatal(fmt.Errorf("connect consumer to source cluster %q at %s: %w", alias, brokers, err))
			return
		}
		t.faults.status.connecting.Store(&connectingFault{since: began, err: err})
		if now.Sub(lastReport) < t.faults.timing.report {
			t.log.Debug().Err(err).Msg("source cluster still unreachable")
			continue
		}
		lastReport = now
		t.log.Warn().Err(err).Str("bootstrap_servers", brokers).Dur("unreachable_for", now.Sub(began)).
			Msgf("source cluster %q still unreachable after %s; retrying", alias, roundDuration(now.Sub(began)))
	}
}

// replicate creates the consumer over client and starts a reader per
// assigned partition. With subscribeNow the readers subscribe before it
// returns, so auto.offset.reset=latest means "the end of the partition when
// the task started", and a partition that can never be consumed fails it.
func (t *MirrorSourceTask) replicate(client sarama.Client, starts map[topicPartition]int64, subscribeNow bool) error {
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		_ = client.Close()
		return fmt.Errorf("create consumer for source cluster %q: %w", t.cfg.sourceAlias, err)
	}
	t.conn.mu.Lock()
	if t.conn.closed {
		t.conn.mu.Unlock()
		_ = consumer.Close()
		_ = client.Close()
		return nil
	}
	t.client, t.consumer = client, consumer
	t.conn.mu.Unlock()

	for _, tp := range t.cfg.partitions {
		r := newPartitionReader(t, tp, starts[tp])
		if subscribeNow {
			if err := r.subscribe(); err != nil {
				if !isRetriable(err) && !errors.Is(err, sarama.ErrOffsetOutOfRange) {
					return fmt.Errorf("consume %s from source cluster %q: %w", tp, t.cfg.sourceAlias, err)
				}
				// The reader deals with it first thing.
				r.pending = err
			}
		}
		t.wg.Add(1)
		go r.run()
	}
	return nil
}

// closeSource closes the consumer and the client, and makes a connection
// still being made close itself.
func (t *MirrorSourceTask) closeSource() {
	t.conn.mu.Lock()
	t.conn.closed = true
	client, consumer := t.client, t.consumer
	t.conn.mu.Unlock()
	if consumer != nil {
		if err := consumer.Close(); err != nil {
			t.log.Warn().Err(err).Msg("closing source consumer")
		}
	}
	if client != nil {
		if err := client.Close(); err != nil && !errors.Is(err, sarama.ErrClosedClient) {
			t.log.Warn().Err(err).Msg("closing source client")
		}
	}
}

// reportFatal hands a permanent failure to Poll, which fails the task.
func (t *MirrorSourceTask) reportFatal(err error) {
	t.log.Error().Err(err).Msg("replication failed")
	select {
	case t.events <- taskEvent{err: err}:
	case <-t.done:
	}
}

// pause waits d, or returns false as soon as the task stops.
func (t *MirrorSourceTask) pause(d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-t.done:
		return false
	}
}
