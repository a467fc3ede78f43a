package testkit

import (
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Cluster is an in-process Kafka cluster speaking the real wire protocol.
type Cluster struct {
	kc *kfake.Cluster
}

// NewCluster starts a kfake cluster with the given number of brokers on
// ephemeral loopback ports and closes it when the test ends. Extra kfake
// options are appended to Ferry's defaults (8 MiB segments, a compaction
// check every 200 ms so compacted internal topics really compact).
func NewCluster(t testing.TB, brokers int, opts ...kfake.Opt) *Cluster {
	t.Helper()
	ports := make([]int, brokers)
	all := []kfake.Opt{
		kfake.NumBrokers(brokers),
		kfake.Ports(ports...),
		kfake.BrokerConfigs(map[string]string{
			"log.segment.bytes":      "8388608",
			"log.cleaner.backoff.ms": "200",
		}),
	}
	all = append(all, opts...)
	kc, err := kfake.NewCluster(all...)
	if err != nil {
		t.Fatalf("start in-process kafka: %v", err)
	}
	t.Cleanup(kc.Close)
	return &Cluster{kc: kc}
}

// Addrs returns the bootstrap addresses.
func (c *Cluster) Addrs() []string { return c.kc.ListenAddrs() }

// Kfake exposes the underlying cluster for fault injection.
func (c *Cluster) Kfake() *kfake.Cluster { return c.kc }
