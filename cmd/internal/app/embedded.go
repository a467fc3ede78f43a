package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

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
	demoCheckpoint  = "MirrorCheckpointConnector"
	demoHeartbeat   = "MirrorHeartbeatConnector"
	demoGroup       = "ferry-demo"
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

// embeddedWorkerProps are the worker properties of the demo worker: it
// stores its state in the target cluster, like a Connect cluster next to
// the cluster it writes to.
func embeddedWorkerProps(c *demoClusters, o EmbeddedOptions) WorkerProps {
	return WorkerProps{
		"bootstrap.servers":                 c.target.ListenAddrs()[0],
		"group.id":                          demoGroup,
		"config.storage.topic":              demoGroup + "-configs",
		"offset.storage.topic":              demoGroup + "-offsets",
		"status.storage.topic":              demoGroup + "-status",
		"config.storage.replication.factor": "1",
		"offset.storage.replication.factor": "1",
		"status.storage.replication.factor": "1",
		"offset.storage.partitions":         "5",
		"status.storage.partitions":         "1",
		"key.converter":                     "org.apache.kafka.connect.converters.ByteArrayConverter",
		"value.converter":                   "org.apache.kafka.connect.converters.ByteArrayConverter",
		"header.converter":                  "org.apache.kafka.connect.converters.ByteArrayConverter",
		"offset.flush.interval.ms":          "5000",
		"listeners":                         "http://127.0.0.1:" + strconv.Itoa(o.RESTPort),
	}
}

// demoMirrorBase is what the demo's three connectors share: the aliases,
// both clusters and the byte-for-byte converters.
func demoMirrorBase(c *demoClusters, name, class string) map[string]string {
	return map[string]string{
		"name":                             name,
		"connector.class":                  "org.apache.kafka.connect.mirror." + class,
		"source.cluster.alias":             demoSourceAlias,
		"target.cluster.alias":             demoTargetAlias,
		"source.cluster.bootstrap.servers": c.source.ListenAddrs()[0],
		"target.cluster.bootstrap.servers": c.target.ListenAddrs()[0],
		"key.converter":                    "org.apache.kafka.connect.converters.ByteArrayConverter",
		"value.converter":                  "org.apache.kafka.connect.converters.ByteArrayConverter",
		"header.converter":                 "org.apache.kafka.connect.converters.ByteArrayConverter",
	}
}

// demoConnectorConfig mirrors every source topic into the target.
func demoConnectorConfig(c *demoClusters) map[string]string {
	cfg := demoMirrorBase(c, demoConnector, "MirrorSourceConnector")
	cfg["topics"] = ".*"
	cfg["tasks.max"] = "2"
	cfg["replication.factor"] = "1"
	// A single-broker cluster: the offset-syncs topic too.
	cfg["offset-syncs.topic.replication.factor"] = "1"
	cfg["refresh.topics.interval.seconds"] = "10"
	return cfg
}

// demoCheckpointConfig translates the source's consumer-group offsets into
// checkpoints on the target, often enough to watch them move.
func demoCheckpointConfig(c *demoClusters) map[string]string {
	cfg := demoMirrorBase(c, demoCheckpoint, "MirrorCheckpointConnector")
	cfg["emit.checkpoints.interval.seconds"] = "5"
	cfg["refresh.groups.interval.seconds"] = "10"
	cfg["checkpoints.topic.replication.factor"] = "1"
	return cfg
}

// demoHeartbeatConfig writes heartbeats to the target's heartbeats topic.
func demoHeartbeatConfig(c *demoClusters) map[string]string {
	cfg := demoMirrorBase(c, demoHeartbeat, "MirrorHeartbeatConnector")
	cfg["heartbeats.topic.replication.factor"] = "1"
	return cfg
}
