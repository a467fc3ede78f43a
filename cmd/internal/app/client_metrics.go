package app

import "github.com/rcrowley/go-metrics"

// sarama records metrics for every request and response on every broker
// connection (meters and histograms of go-metrics, each histogram a sample
// of 1,028 values with its own lock) in a registry nothing in Ferry reads
// (Ferry has no metrics yet; when it does they will be its own, not
// sarama's). Turning go-metrics off
// before any client exists saves their CPU and about 3 MB of heap in a
// busy MirrorMaker (a heap profile of `make bench`, 100-byte records).
func init() {
	metrics.UseNilMetrics = true
}
