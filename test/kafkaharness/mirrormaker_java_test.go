package kafkaharness_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/test/kafkaharness"
	"github.com/ferrykafka/ferry/test/testkit"
)

// TestJavaMirrorMaker runs Java's dedicated MirrorMaker between two real
// clusters: a record produced on A reaches A.<topic> on B, B receives
// heartbeats, and Stop ends the process; RunJavaMirrorMaker reports Java's
// exit codes for a missing argument (255) and a file without clusters (2).
func TestJavaMirrorMaker(t *testing.T) {
	kafkaharness.RequireKafka(t)
	t.Parallel()
	cs := kafkaharness.StartClusters(t, []string{"a", "b"})
	a, b := cs[0], cs[1]
	topic := testkit.UniqueName("mm2-harness")
	roundTrip(t, a, topic, "hello")

	props := strings.Join([]string{
		"clusters = A, B",
		"A.bootstrap.servers = " + a.Bootstrap(),
		"B.bootstrap.servers = " + b.Bootstrap(),
		"A->B.enabled = true",
		"A->B.topics = " + topic,
		"B->A.enabled = false",
		"B->A.emit.heartbeats.enabled = false",
		"refresh.topics.interval.seconds = 1",
		"emit.heartbeats.interval.seconds = 1",
		"replication.factor = 1",
		"checkpoints.topic.replication.factor = 1",
		"heartbeats.topic.replication.factor = 1",
		"offset-syncs.topic.replication.factor = 1",
		"offset.storage.replication.factor = 1",
		"status.storage.replication.factor = 1",
		"config.storage.replication.factor = 1",
	}, "\n") + "\n"
	path := filepath.Join(t.TempDir(), "mm2.properties")
	if err := os.WriteFile(path, []byte(props), 0o644); err != nil {
		t.Fatal(err)
	}
	m := kafkaharness.StartJavaMirrorMaker(t, path)
	if !m.Running() || m.Args()[0] != path {
		t.Fatalf("Running %v, Args %q", m.Running(), m.Args())
	}
	client, err := sarama.NewClient(b.Addrs(), saramaConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Close() }()
	for _, want := range []string{"A." + topic, "heartbeats"} {
		testkit.Eventually(t, 90*time.Second, func() error {
			if !m.Running() {
				t.Fatalf("MirrorMaker exited:\n%s", m.LogTail(40))
			}
			return hasRecords(client, want)
		})
	}
	m.Stop()
	if code, ok := m.ExitCode(); !ok || m.Running() {
		t.Fatalf("after Stop: exit code %d, exited %v", code, ok)
	} else {
		t.Logf("Java MirrorMaker exited %d after SIGTERM", code)
	}

	code, out := kafkaharness.RunJavaMirrorMaker(t, time.Minute)
	if code != 255 || !strings.Contains(out, "usage: connect-mirror-maker") {
		t.Errorf("without arguments: exit %d; want 255 with a usage message:\n%s", code, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.properties")
	if err := os.WriteFile(bad, []byte("A.bootstrap.servers=127.0.0.1:1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out = kafkaharness.RunJavaMirrorMaker(t, time.Minute, bad)
	if code != 2 || !strings.Contains(out, `Missing required configuration "clusters"`) {
		t.Errorf("a file without clusters: exit %d; want 2 naming \"clusters\":\n%s", code, out)
	}
}

// hasRecords returns nil once topic exists and holds a record.
func hasRecords(client sarama.Client, topic string) error {
	if err := client.RefreshMetadata(topic); err != nil {
		return err
	}
	parts, err := client.Partitions(topic)
	if err != nil {
		return err
	}
	for _, p := range parts {
		end, err := client.GetOffset(topic, p, sarama.OffsetNewest)
		if err != nil {
			return err
		}
		if end > 0 {
			return nil
		}
	}
	return fmt.Errorf("%s is empty", topic)
}
