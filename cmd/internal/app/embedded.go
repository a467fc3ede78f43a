package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/twmb/franz-go/pkg/kfake"
	"go.uber.org/fx"

	"github.com/ferrykafka/ferry/connect/logging"
)

// EmbeddedOptions configure the embedded demo.
type EmbeddedOptions struct {
	SourcePort int
	TargetPort int
	RESTPort   int
	// DataDir holds both clusters' data; "" means a new temporary
	// directory, removed on exit.
	DataDir string
	// Rate is the number of demo records produced per second.
	Rate int
}

// Aliases and topics of the demo.
const (
	demoSourceAlias = "source"
	demoTargetAlias = "target"
	demoTopic       = "demo"
	demoPartitions  = 3
	demoConnector   = "MirrorSourceConnector"
	// demoAppGroup is the sample consumer group on the source whose
	// offsets MirrorCheckpointConnector translates for the target.
	demoAppGroup = "demo-app"
)

// demoClusters are the two in-process Kafka clusters.
type demoClusters struct {
	source, target *kfake.Cluster
	dataDir        string
}

func startDemoClusters(lc fx.Lifecycle, o EmbeddedOptions, loggers *logging.Registry) (*demoClusters, error) {
	log := loggers.Logger(logging.MirrorMaker)
	dir, temp := o.DataDir, false
	if dir == "" {
		d, err := os.MkdirTemp("", "ferry-demo-")
		if err != nil {
			return nil, fmt.Errorf("create the demo data directory: %w", err)
		}
		dir, temp = d, true
	}
	start := func(alias string, port int, extra ...kfake.Opt) (*kfake.Cluster, error) {
		c, err := kfake.NewCluster(append([]kfake.Opt{
			kfake.NumBrokers(1),
			kfake.Ports(port),
			kfake.DataDir(filepath.Join(dir, alias)),
			kfake.ClusterID("ferry-demo-" + alias),
			kfake.BrokerConfigs(map[string]string{"log.segment.bytes": "8388608"}),
		}, extra...)...)
		if err != nil {
			return nil, fmt.Errorf("start the %q Kafka cluster on 127.0.0.1:%d: %w", alias, port, err)
		}
		return c, nil
	}
	// Only the source has the demo topic; MirrorSource creates its copy.
	src, err := start(demoSourceAlias, o.SourcePort, kfake.SeedTopics(demoPartitions, demoTopic))
	if err != nil {
		return nil, err
	}
	tgt, err := start(demoTargetAlias, o.TargetPort)
	if err != nil {
		src.Close()
		return nil, err
	}
	log.Info().Str("source", src.ListenAddrs()[0]).Str("target", tgt.ListenAddrs()[0]).Str("data_dir", dir).Msg("in-process Kafka clusters started")
	lc.Append(fx.Hook{OnStop: func(context.Context) error {
		src.Close()
		tgt.Close()
		if temp {
			return os.RemoveAll(dir)
		}
		return nil
	}})
	return &demoClusters{source: src, target: tgt, dataDir: dir}, nil
}

// demoMM2Properties is the mm2.properties the demo runs: the two
// clusters, one enabled flow source->target copying every topic (the
// reverse pair runs too, for heartbeats, as Java's rules give it), settings
// for single-broker clusters, short intervals to watch things move, and
// the REST API on 127.0.0.1:<rest-port>.
func demoMM2Properties(c *demoClusters, o EmbeddedOptions) string {
	return fmt.Sprintf(`# Written by connect-mirror-maker --embedded, which runs exactly this file,
# as "connect-mirror-maker %[1]s" would.
clusters = %[2]s, %[3]s
%[2]s.bootstrap.servers = %[4]s
%[3]s.bootstrap.servers = %[5]s

# Copy every topic of %[2]s into %[3]s (as %[2]s.<topic>), translate its
# consumer groups' offsets, and write heartbeats.
%[2]s->%[3]s.enabled = true
%[2]s->%[3]s.topics = .*
%[2]s->%[3]s.groups = .*
tasks.max = 2

# Single-broker clusters.
replication.factor = 1
offset-syncs.topic.replication.factor = 1
heartbeats.topic.replication.factor = 1
checkpoints.topic.replication.factor = 1
config.storage.replication.factor = 1
offset.storage.replication.factor = 1
status.storage.replication.factor = 1

# Short intervals, to watch things move.
refresh.topics.interval.seconds = 10
refresh.groups.interval.seconds = 10
emit.checkpoints.interval.seconds = 5
# Worker settings go per target cluster (a top-level one would be ignored).
%[2]s.offset.flush.interval.ms = 5000
%[3]s.offset.flush.interval.ms = 5000

# The REST API: per flow under /%[2]s/%[3]s/, and GET /flows.
dedicated.mode.enable.internal.rest = true
listeners = http://127.0.0.1:%[6]d
`, filepath.Join(c.dataDir, demoMM2File), demoSourceAlias, demoTargetAlias,
		c.source.ListenAddrs()[0], c.target.ListenAddrs()[0], o.RESTPort)
}

// demoMM2File is the name of the demo's mm2.properties in its data
// directory.
const demoMM2File = "mm2.properties"

// writeDemoMM2Properties writes the demo's mm2.properties into the data
// directory, prints it, and returns the options to run it with.
func writeDemoMM2Properties(c *demoClusters, o EmbeddedOptions, loggers *logging.Registry) (MirrorMakerOptions, error) {
	path := filepath.Join(c.dataDir, demoMM2File)
	text := demoMM2Properties(c, o)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		return MirrorMakerOptions{}, fmt.Errorf("write the demo's mm2.properties: %w", err)
	}
	log := loggers.Logger(logging.MirrorMaker)
	log.Info().Str("file", path).Msgf("the demo runs this mm2.properties:\n%s", text)
	return MirrorMakerOptions{ConfigPath: path}, nil
}
