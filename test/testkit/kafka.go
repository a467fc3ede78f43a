package testkit

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/ferrykafka/ferry/test/kafkaharness"
)

// Kafka is a Kafka cluster a test talks to over the wire protocol.
type Kafka interface {
	// Addrs are the bootstrap addresses.
	Addrs() []string
}

// Where the end-to-end suites find Kafka: FERRY_TEST_KAFKA selects it.
const (
	// KafkaInProcess (the default): kfake clusters inside the test binary.
	KafkaInProcess = "kfake"
	// KafkaReal: real Apache Kafka brokers started by test/kafkaharness.
	KafkaReal = "real"
	// KafkaExternal: existing clusters given by FERRY_TEST_BOOTSTRAP_SERVERS
	// (every cluster) or FERRY_TEST_BOOTSTRAP_SERVERS_<NAME> (one cluster,
	// e.g. _SOURCE and _TARGET).
	KafkaExternal = "external"
)

// KafkaMode returns the selected mode.
func KafkaMode() string {
	switch m := strings.ToLower(strings.TrimSpace(os.Getenv("FERRY_TEST_KAFKA"))); m {
	case "", KafkaInProcess:
		return KafkaInProcess
	default:
		return m
	}
}

// StartKafkas gives a test one Kafka cluster per name ("source",
// "target", ...) of the selected mode, started concurrently, all stopped
// when the test ends. Tests using them must name their topics and groups
// with UniqueName, since an external cluster is shared.
func StartKafkas(t testing.TB, names ...string) []Kafka {
	t.Helper()
	out := make([]Kafka, len(names))
	switch mode := KafkaMode(); mode {
	case KafkaInProcess:
		for i := range names {
			out[i] = NewCluster(t, 1)
		}
	case KafkaReal:
		for i, c := range kafkaharness.StartClusters(t, names) {
			out[i] = c
		}
	case KafkaExternal:
		for i, n := range names {
			addrs := os.Getenv("FERRY_TEST_BOOTSTRAP_SERVERS_" + strings.ToUpper(n))
			if addrs == "" {
				addrs = os.Getenv("FERRY_TEST_BOOTSTRAP_SERVERS")
			}
			if addrs == "" {
				t.Fatalf("FERRY_TEST_KAFKA=external needs FERRY_TEST_BOOTSTRAP_SERVERS or FERRY_TEST_BOOTSTRAP_SERVERS_%s", strings.ToUpper(n))
			}
			out[i] = external(strings.Split(addrs, ","))
		}
	default:
		t.Fatalf("FERRY_TEST_KAFKA=%q: want %s, %s or %s", mode, KafkaInProcess, KafkaReal, KafkaExternal)
	}
	return out
}

type external []string

func (e external) Addrs() []string { return e }

// UniqueName returns base with a random suffix, so tests never collide on
// topics or groups in a shared cluster.
func UniqueName(base string) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	return base + "-" + hex.EncodeToString(b)
}
