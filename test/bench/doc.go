// Package bench measures Ferry's dedicated MirrorMaker (`connect-mirror-maker
// mm2.properties`, the binary built with -trimpath) side by side with Java's
// MirrorMaker 2 (Kafka 4.3.1's connect-mirror-maker, from the jars
// test/kafkaharness fetches) and a null pipeline (cmd/nullpipe: a plain
// sarama consumer -> producer loop with Ferry's client settings, the
// practical ceiling), on the same brokers, one after the other, each
// dataset copied Settings.Rounds times by every runner in an order that
// RunnerOrder rotates (the table shows the medians):
//
//   - catch-up throughput over a preloaded backlog (records/s, MB/s),
//   - end-to-end replication latency under a steady producer (p50, p99,
//     max of arrival time minus record timestamp),
//   - CPU-seconds per GB mirrored and peak RSS of the mirroring process
//     (/proc/<pid>/stat and /proc/<pid>/status),
//   - time from process start to the first record in the target.
//
// The tests run only with FERRY_BENCH=1: `make bench` runs
// TestBenchmarkMirrorMaker on two real Kafka 4.3.1 brokers (Java 17+
// needed), `make bench-quick` runs TestBenchmarkQuick on in-process kfake
// clusters with Ferry and the null pipeline only. Both print a markdown
// table and write a JSON report (FERRY_BENCH_OUT, default
// test/bench/results/). FromEnv lists the other knobs;
// docs/benchmarks.md describes the method and shows a run.
package bench
