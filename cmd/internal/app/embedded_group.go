package app

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
)

// demoAppLag is how far behind the producer the demo-app group reads: a
// record is consumed only once it is this old.
const demoAppLag = 2 * time.Second

// demoApp is the demo's consumer group on the source: it reads the demo
// topic a little behind the producer and commits every second, so that
// MirrorCheckpointConnector has offsets to translate.
type demoApp struct {
	consumed atomic.Int64
}

// runDemoApp consumes until ctx ends; the group leaves cleanly on return.
func (d *demo) runDemoApp(ctx context.Context) {
	kc, err := kafkaclient.Parse(map[string]string{"bootstrap.servers": d.clusters.source.ListenAddrs()[0], "client.id": "ferry-demo-app"})
	if err != nil {
		d.log.Error().Err(err).Msg("demo-app consumer: bad settings")
		return
	}
	cfg := kc.Sarama
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cfg.Consumer.Offsets.AutoCommit.Enable = true
	cfg.Consumer.Offsets.AutoCommit.Interval = time.Second
	cfg.Consumer.Return.Errors = false
	group, err := sarama.NewConsumerGroup(kc.Brokers, demoAppGroup, cfg)
	if err != nil {
		d.log.Error().Err(err).Msg("demo-app consumer cannot connect to the source cluster")
		return
	}
	defer func() { _ = group.Close() }()
	h := &demoAppHandler{app: &d.app, lag: demoAppLag}
	for ctx.Err() == nil {
		// Consume returns at every rebalance; join again until stopped.
		if err := group.Consume(ctx, []string{demoTopic}, h); err != nil {
			if errors.Is(err, sarama.ErrClosedConsumerGroup) || ctx.Err() != nil {
				return
			}
			d.log.Debug().Err(err).Msg("demo-app consumer: rejoining the group")
			if !kafkaclient.Sleep(ctx, time.Second) {
				return
			}
		}
	}
}

// demoAppHandler marks each record once it is lag old; sarama commits the
// marks every second and when the session ends.
type demoAppHandler struct {
	app *demoApp
	lag time.Duration
}

func (*demoAppHandler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (*demoAppHandler) Cleanup(sarama.ConsumerGroupSession) error { return nil }

func (h *demoAppHandler) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for {
		select {
		case <-sess.Context().Done():
			return nil
		case msg, ok := <-claim.Messages():
			if !ok {
				return nil
			}
			if wait := h.lag - time.Since(msg.Timestamp); wait > 0 && !msg.Timestamp.IsZero() {
				t := time.NewTimer(wait)
				select {
				case <-sess.Context().Done():
					t.Stop()
					return nil
				case <-t.C:
				}
			}
			sess.MarkMessage(msg, "")
			h.app.consumed.Add(1)
		}
	}
}

// demoAppCheckpoints reads the demo-app group's checkpoints on the target:
// how many partitions have one and the sum of their translated offsets. A
// checkpoints topic not created yet is no checkpoint, not an error.
func demoAppCheckpoints(ctx context.Context, c *mirrorclient.Client) (partitions int, translated int64, err error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	offsets, err := c.RemoteConsumerOffsets(ctx, demoAppGroup, demoSourceAlias)
	if errors.Is(err, mirrorclient.ErrTopicNotFound) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	for _, o := range offsets {
		translated += o.Offset
	}
	return len(offsets), translated, nil
}
