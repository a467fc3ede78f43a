package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/rs/zerolog"
	"go.uber.org/fx"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/connect/logging"
	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
)

// progressInterval is how often the demo reports counts.
const progressInterval = 5 * time.Second

// demo produces sample records into the source's demo topic, reads them
// there with the demo-app group, and reports how many reached the target and
// where the group's checkpoints on the target would resume it.
type demo struct {
	clusters *demoClusters
	node     *MirrorNode
	rate     int
	log      zerolog.Logger
	app      demoApp

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func startDemo(lc fx.Lifecycle, c *demoClusters, n *MirrorNode, o EmbeddedOptions, loggers *logging.Registry) *demo {
	d := &demo{clusters: c, node: n, rate: o.Rate, log: loggers.Logger(logging.MirrorMaker).With().Str("component", "demo").Logger()}
	lc.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			runCtx, cancel := context.WithCancel(context.Background())
			d.cancel = cancel
			d.wg.Add(3)
			go func() { defer d.wg.Done(); d.produce(runCtx) }()
			go func() { defer d.wg.Done(); d.runDemoApp(runCtx) }()
			go func() { defer d.wg.Done(); d.report(runCtx) }()
			rest := d.node.REST.URLs()[0]
			d.log.Info().Msgf("Ferry demo running: mirroring %s -> %s, topic %q becomes %q; the %s groups' offsets are checkpointed into %s on %s; heartbeats go both ways. Try: curl -s %s/flows ; curl -s %s/%s/%s/connectors/%s/status",
				demoSourceAlias, demoTargetAlias, demoTopic, demoSourceAlias+"."+demoTopic, demoSourceAlias, demoSourceAlias+".checkpoints.internal", demoTargetAlias,
				rest, rest, demoSourceAlias, demoTargetAlias, demoConnector)
			d.log.Info().Msgf("After a failover the %q group would resume on %s from its checkpoints. Try: connect-mirror-maker failover --group %s --from %s --to %s --bootstrap-server %s --source-bootstrap-server %s",
				demoAppGroup, demoTargetAlias, demoAppGroup, demoSourceAlias, demoTargetAlias, d.clusters.target.ListenAddrs()[0], d.clusters.source.ListenAddrs()[0])
			return nil
		},
		OnStop: func(context.Context) error {
			if d.cancel != nil {
				d.cancel()
			}
			d.wg.Wait()
			return nil
		},
	})
	return d
}

func (d *demo) client(addr string) (sarama.Client, error) {
	kc, err := kafkaclient.Parse(map[string]string{"bootstrap.servers": addr, "client.id": "ferry-demo"})
	if err != nil {
		return nil, err
	}
	kc.Sarama.Producer.Return.Successes = false
	kc.Sarama.Producer.RequiredAcks = sarama.WaitForAll
	return sarama.NewClient(kc.Brokers, kc.Sarama)
}

// produce writes d.rate records per second, in ten batches a second.
func (d *demo) produce(ctx context.Context) {
	client, err := d.client(d.clusters.source.ListenAddrs()[0])
	if err != nil {
		d.log.Error().Err(err).Msg("demo producer cannot connect to the source cluster")
		return
	}
	defer func() { _ = client.Close() }()
	p, err := sarama.NewAsyncProducerFromClient(client)
	if err != nil {
		d.log.Error().Err(err).Msg("demo producer failed")
		return
	}
	defer p.AsyncClose()
	go func() {
		for err := range p.Errors() {
			d.log.Warn().Err(err).Msg("demo producer could not write a record")
		}
	}()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	perTick := max(d.rate/10, 1)
	n := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for i := 0; i < perTick; i++ {
			n++
			msg := &sarama.ProducerMessage{
				Topic:   demoTopic,
				Key:     sarama.StringEncoder(fmt.Sprintf("key-%d", n)),
				Value:   sarama.StringEncoder(fmt.Sprintf(`{"n":%d,"produced_at":%q}`, n, time.Now().UTC().Format(time.RFC3339Nano))),
				Headers: []sarama.RecordHeader{{Key: []byte("origin"), Value: []byte("ferry-demo")}},
			}
			select {
			case p.Input() <- msg:
			case <-ctx.Done():
				return
			}
		}
	}
}

// report logs produced and copied counts every progressInterval.
func (d *demo) report(ctx context.Context) {
	src, err := d.client(d.clusters.source.ListenAddrs()[0])
	if err != nil {
		d.log.Error().Err(err).Msg("demo cannot connect to the source cluster")
		return
	}
	defer func() { _ = src.Close() }()
	tgt, err := d.client(d.clusters.target.ListenAddrs()[0])
	if err != nil {
		d.log.Error().Err(err).Msg("demo cannot connect to the target cluster")
		return
	}
	defer func() { _ = tgt.Close() }()
	mc, err := mirrorclient.NewClient(map[string]string{"bootstrap.servers": d.clusters.target.ListenAddrs()[0]})
	if err != nil {
		d.log.Error().Err(err).Msg("demo cannot read checkpoints on the target cluster")
		return
	}
	defer func() { _ = mc.Close() }()
	tick := time.NewTicker(progressInterval)
	defer tick.Stop()
	var lastCopied int64
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		// Copied first: a record copied by then was produced by then, so
		// "behind" cannot go negative (it did, -1, when a record was
		// produced and copied between the two reads).
		copied := endOffsets(tgt, demoSourceAlias+"."+demoTopic)
		produced := endOffsets(src, demoTopic)
		now := time.Now()
		rate := float64(copied-lastCopied) / now.Sub(last).Seconds()
		lastCopied, last = copied, now
		consumed := d.app.consumed.Load()
		cpParts, translated, cpErr := demoAppCheckpoints(ctx, mc)
		if ctx.Err() != nil {
			return
		}
		ev := d.log.Info().Int64("produced", produced).Int64("copied", copied).Int64("behind", produced-copied).
			Float64("copied_per_sec", float64(int64(rate*10))/10).
			Int64("demo_app_consumed", consumed).Int("checkpoints", cpParts).Int64("demo_app_translated", translated)
		if cpErr != nil {
			// Not worth a warning: the next report asks again.
			ev = ev.AnErr("checkpoints_error", cpErr)
		}
		ev.Msgf("demo: %d records produced to %s, %d copied to %s.%s; group %s consumed %d on %s, its checkpoints on %s resume it at %d (%d partitions)",
			produced, demoTopic, copied, demoSourceAlias, demoTopic, demoAppGroup, consumed, demoSourceAlias, demoTargetAlias, translated, cpParts)
	}
}

// endOffsets sums a topic's end offsets (0 if it does not exist yet).
func endOffsets(c sarama.Client, topic string) int64 {
	if err := c.RefreshMetadata(topic); err != nil {
		return 0
	}
	parts, err := c.Partitions(topic)
	if err != nil {
		return 0
	}
	var sum int64
	for _, p := range parts {
		off, err := c.GetOffset(topic, p, sarama.OffsetNewest)
		if err == nil {
			sum += off
		}
	}
	return sum
}

// EmbeddedModule is the demo: the clusters, the mm2.properties written
// for them, a dedicated MirrorMaker node running it (the three connectors
// per flow), the sample producer and the sample consumer group.
func EmbeddedModule(o EmbeddedOptions) fx.Option {
	return fx.Options(
		fx.Supply(o),
		fx.Provide(startDemoClusters, writeDemoMM2Properties),
		MirrorMakerModule,
		fx.Invoke(startDemo),
	)
}

// RunEmbedded runs the demo until SIGINT or SIGTERM.
func RunEmbedded(log zerolog.Logger, o EmbeddedOptions) int {
	return Run(log, EmbeddedModule(o))
}
