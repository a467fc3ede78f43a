package mirror

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
)

// Client roles of the offset-syncs producer, by the cluster holding the
// topic (Java's MirrorSourceConfig.OFFSET_SYNCS_SOURCE_PRODUCER_ROLE and
// OFFSET_SYNCS_TARGET_PRODUCER_ROLE).
const (
	roleOffsetSyncsSourceProducer = "offset-syncs-source-producer"
	roleOffsetSyncsTargetProducer = "offset-syncs-target-producer"
)

// offsetSyncsCluster is the alias of the cluster holding the offset-syncs
// topic (offset-syncs.topic.location).
func (c *sourceConfig) offsetSyncsCluster() string {
	if c.offsetSyncsLocation == "target" {
		return c.targetAlias
	}
	return c.sourceAlias
}

// offsetSyncsProducerProps are the offset-syncs producer's client settings
// (Java's offsetSyncsTopicProducerConfig): source.cluster.*, producer.*,
// source.producer.* for the topic on the source cluster, the target.*
// equivalents for the topic on the target, later ones winning.
func (c *sourceConfig) offsetSyncsProducerProps() map[string]string {
	cluster, side, role := prefixSourceCluster, "source.producer.", roleOffsetSyncsSourceProducer
	if c.offsetSyncsLocation == "target" {
		cluster, side, role = prefixTargetCluster, "target.producer.", roleOffsetSyncsTargetProducer
	}
	out := clientProps(c.props, cluster, "producer.", side)
	c.addClientID(out, role)
	return out
}

// errOffsetSyncProducerClosed fails syncs the producer could not send
// before it was closed.
var errOffsetSyncProducerClosed = errors.New("the offset-syncs producer was closed before the sync was sent")

// offsetSyncProducer is the offsetSyncSender over a sarama async producer:
// every sync goes to partition 0 of the offset-syncs topic, acks=all unless
// the producer settings say otherwise. One goroutine connects (retrying
// with backoff until it succeeds or the producer is closed, so a cluster
// that is down delays offset syncs but never the replication), feeds the
// producer and reports every result.
type offsetSyncProducer struct {
	topic   string
	cluster string // alias, for messages
	brokers []string
	cfg     *sarama.Config
	backoff time.Duration
	log     zerolog.Logger

	// in holds syncs handed over and not yet given to sarama; the writer
	// keeps at most maxOutstandingOffsetSyncs outstanding, so it never
	// fills.
	in        chan *sarama.ProducerMessage
	done      chan struct{}
	exited    chan struct{}
	closeOnce sync.Once
}

// newOffsetSyncProducer parses the producer settings and starts the
// producer's goroutine.
func newOffsetSyncProducer(cfg *sourceConfig, log zerolog.Logger) (*offsetSyncProducer, error) {
	props := cfg.offsetSyncsProducerProps()
	kc, err := kafkaclient.Parse(props)
	if err != nil {
		return nil, fmt.Errorf("offset-syncs producer for cluster %q: %w", cfg.offsetSyncsCluster(), err)
	}
	sc := kc.Sarama
	if sc.Producer.RequiredAcks, err = offsetSyncsAcks(props); err != nil {
		return nil, fmt.Errorf("offset-syncs producer for cluster %q: %w", cfg.offsetSyncsCluster(), err)
	}
	sc.Producer.Return.Successes = true
	sc.Producer.Return.Errors = true
	sc.Producer.Partitioner = sarama.NewManualPartitioner
	// One request in flight, so retries never reorder the syncs of a
	// partition.
	sc.Net.MaxOpenRequests = 1
	sc.Producer.Retry.Max = 10
	sc.Producer.Retry.BackoffFunc = func(retries, _ int) time.Duration {
		return min(100*time.Millisecond<<min(retries, 4), time.Second)
	}
	p := &offsetSyncProducer{
		topic:   cfg.offsetSyncsTopic(),
		cluster: cfg.offsetSyncsCluster(),
		brokers: kc.Brokers,
		cfg:     sc,
		backoff: max(sc.Metadata.Retry.Backoff, 100*time.Millisecond),
		log:     log,
		in:      make(chan *sarama.ProducerMessage, maxOutstandingOffsetSyncs),
		done:    make(chan struct{}),
		exited:  make(chan struct{}),
	}
	go p.run()
	return p, nil
}

// offsetSyncsAcks maps Java's acks setting (default all) to sarama's.
func offsetSyncsAcks(props map[string]string) (sarama.RequiredAcks, error) {
	v, ok := props["acks"]
	if !ok {
		return sarama.WaitForAll, nil
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "all", "-1":
		return sarama.WaitForAll, nil
	case "1":
		return sarama.WaitForLocal, nil
	case "0":
		return sarama.NoResponse, nil
	}
	return 0, fmt.Errorf("invalid value %s for configuration acks: expected one of all, -1, 0, 1", v)
}

func (p *offsetSyncProducer) send(s offsetSync, done func(error)) bool {
	key, err := s.recordKey()
	if err != nil {
		// Cannot happen for a real topic name (at most 249 characters).
		p.log.Error().Err(err).Str("topic", s.tp.topic).Msg("cannot encode offset sync")
		return false
	}
	msg := &sarama.ProducerMessage{Topic: p.topic, Partition: 0,
		Key: sarama.ByteEncoder(key), Value: sarama.ByteEncoder(s.recordValue()), Metadata: done}
	select {
	case <-p.done:
		return false
	default:
	}
	select {
	case p.in <- msg:
		return true
	default:
		return false
	}
}

func (p *offsetSyncProducer) close(ctx context.Context) {
	p.closeOnce.Do(func() { close(p.done) })
	select {
	case <-p.exited:
	case <-ctx.Done():
		p.log.Warn().Str("offset_syncs_topic", p.topic).
			Msg("stopped before every offset sync was acknowledged; the rest are abandoned")
	}
}

func (p *offsetSyncProducer) run() {
	defer close(p.exited)
	client := p.connect()
	if client == nil {
		p.failQueued(errOffsetSyncProducerClosed)
		return
	}
	producer, err := sarama.NewAsyncProducerFromClient(client)
	if err != nil {
		_ = client.Close()
		p.log.Error().Err(err).Str("offset_syncs_topic", p.topic).Msg("cannot create the offset-syncs producer; no offset syncs will be written")
		p.failUntilClosed(err)
		return
	}
	for {
		select {
		case m := <-p.in:
			producer.Input() <- m
		case m := <-producer.Successes():
			reportOffsetSync(m, nil)
		case pe := <-producer.Errors():
			reportOffsetSync(pe.Msg, pe.Err)
		case <-p.done:
			p.flush(producer, client)
			return
		}
	}
}

// flush ends the producer: what was handed over goes to sarama first (the
// final commit's syncs arrive just before Stop), then sarama delivers what
// it holds and closes both result channels, and every result is reported.
func (p *offsetSyncProducer) flush(producer sarama.AsyncProducer, client sarama.Client) {
	for queued := true; queued; {
		select {
		case m := <-p.in:
			producer.Input() <- m
		default:
			queued = false
		}
	}
	producer.AsyncClose()
	for successes, errs := producer.Successes(), producer.Errors(); successes != nil || errs != nil; {
		select {
		case m, ok := <-successes:
			if !ok {
				successes = nil
				continue
			}
			reportOffsetSync(m, nil)
		case pe, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			reportOffsetSync(pe.Msg, pe.Err)
		}
	}
	if err := client.Close(); err != nil && !errors.Is(err, sarama.ErrClosedClient) {
		p.log.Warn().Err(err).Msg("closing the offset-syncs client")
	}
	// Nothing can be left (send refuses once done is closed), but a
	// callback must never be lost.
	p.failQueued(errOffsetSyncProducerClosed)
}

// connect makes the producer's client, retrying with a growing backoff
// (logged every time) until it works, or until the producer is closed after
// a failed attempt (nil).
func (p *offsetSyncProducer) connect() sarama.Client {
	backoff := p.backoff
	for attempt := 1; ; attempt++ {
		client, err := sarama.NewClient(p.brokers, p.cfg)
		if err == nil {
			if attempt > 1 {
				p.log.Info().Str("cluster", p.cluster).Int("attempts", attempt).Msg("offset-syncs producer connected")
			}
			// Even when closed meanwhile: what was handed over is
			// flushed, as a Java producer's close does.
			return client
		}
		p.log.Warn().Err(err).Str("cluster", p.cluster).Str("offset_syncs_topic", p.topic).
			Str("bootstrap_servers", strings.Join(p.brokers, ",")).Dur("retry_in", backoff).
			Msg("cannot connect the offset-syncs producer; offset syncs wait until it connects")
		timer := time.NewTimer(backoff)
		select {
		case <-p.done:
			timer.Stop()
			return nil
		case <-timer.C:
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

// failQueued reports the syncs still waiting in p.in as failed.
func (p *offsetSyncProducer) failQueued(err error) {
	for {
		select {
		case m := <-p.in:
			reportOffsetSync(m, err)
		default:
			return
		}
	}
}

// failUntilClosed reports every sync as failed until the producer is
// closed.
func (p *offsetSyncProducer) failUntilClosed(err error) {
	for {
		select {
		case m := <-p.in:
			reportOffsetSync(m, err)
		case <-p.done:
			p.failQueued(err)
			return
		}
	}
}

// reportOffsetSync calls a sync's completion callback.
func reportOffsetSync(m *sarama.ProducerMessage, err error) {
	if done, ok := m.Metadata.(func(error)); ok {
		done(err)
	}
}
