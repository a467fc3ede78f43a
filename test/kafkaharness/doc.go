// Package kafkaharness runs real Apache Kafka for Ferry's integration tests:
// single-node KRaft clusters (combined broker and controller) and Java Kafka
// Connect workers, each a `java` child process on free 127.0.0.1 ports, with
// its files in a temporary directory that is removed when the test ends.
//
// The jars come from Maven Central. pom.xml in this directory (embedded in
// the package) names org.apache.kafka:kafka_2.13, connect-runtime,
// connect-mirror, connect-mirror-client and connect-json at KafkaVersion, plus
// the log4j2 slf4j binding; EnsureJars runs `mvn dependency:copy-dependencies`
// once into a cache outside the repository ($FERRY_KAFKA_CACHE, else
// $XDG_CACHE_HOME/ferry/kafka-<version>, else ~/.cache/ferry/kafka-<version>)
// and reuses it afterwards. `go run ./test/kafkaharness/cmd/fetch` pre-fetches.
//
// A test that needs Kafka starts with RequireKafka, which skips the test
// loudly when java (17 or newer) or, with the cache still empty, mvn is
// missing, and fails it instead when FERRY_REQUIRE_KAFKA=1:
//
//	func TestMirror(t *testing.T) {
//		kafkaharness.RequireKafka(t)
//		cs := kafkaharness.StartClusters(t, []string{"source", "target"})
//		src, dst := cs[0], cs[1]
//		w := kafkaharness.StartConnectWorker(t, map[string]string{
//			"bootstrap.servers": dst.Bootstrap(),
//		})
//		// src.Addrs(), dst.Addrs(), w.URL(), w.Kill(), src.Stop() ...
//	}
//
// Broker and worker logs go to a file in the process's temporary directory,
// never to the test output; when the test fails, the last lines of each log
// are printed with t.Log. Everything is stopped (SIGTERM, then SIGKILL after
// a timeout) by t.Cleanup; on Linux a JVM is also killed if the test binary
// dies without running its cleanups.
//
// Environment:
//
//	FERRY_REQUIRE_KAFKA=1   fail, not skip, when Kafka cannot run here
//	FERRY_SKIP_KAFKA=1      skip every real-Kafka test (loudly)
//	FERRY_KAFKA_CACHE=DIR   the jar cache directory (jars in DIR/libs)
//	FERRY_KAFKA_MVN_FLAGS   extra mvn arguments, split on spaces (e.g. -o)
//	FERRY_KAFKA_LOG_LEVEL   log4j2 root level of the JVMs (default INFO)
//	FERRY_KAFKA_KEEP=1      keep the temporary directories for inspection
package kafkaharness
