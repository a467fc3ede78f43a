package kafkaharness_test

import (
	"encoding/json"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/test/kafkaharness"
)

// These tests run real Kafka; each skips loudly where it cannot run (see
// kafkaharness.RequireKafka).

func saramaConfig() *sarama.Config {
	cfg := sarama.NewConfig()
	cfg.Version = kafkaclient.Version
	cfg.ClientID = "kafkaharness-test"
	cfg.Producer.Return.Successes = true
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	return cfg
}

// roundTrip creates topic on c, produces one record and consumes it back.
func roundTrip(t *testing.T, c *kafkaharness.Cluster, topic, value string) {
	t.Helper()
	cfg := saramaConfig()
	admin, err := sarama.NewClusterAdmin(c.Addrs(), cfg)
	if err != nil {
		t.Fatalf("%s: admin: %v", c.Name(), err)
	}
	defer func() { _ = admin.Close() }()
	if err := admin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1}, false); err != nil {
		t.Fatalf("%s: create topic %s: %v", c.Name(), topic, err)
	}

	prod, err := sarama.NewSyncProducer(c.Addrs(), cfg)
	if err != nil {
		t.Fatalf("%s: producer: %v", c.Name(), err)
	}
	defer func() { _ = prod.Close() }()
	part, off, err := prod.SendMessage(&sarama.ProducerMessage{
		Topic: topic, Key: sarama.StringEncoder("k"), Value: sarama.StringEncoder(value),
	})
	if err != nil {
		t.Fatalf("%s: produce to %s: %v", c.Name(), topic, err)
	}

	cons, err := sarama.NewConsumer(c.Addrs(), cfg)
	if err != nil {
		t.Fatalf("%s: consumer: %v", c.Name(), err)
	}
	defer func() { _ = cons.Close() }()
	pc, err := cons.ConsumePartition(topic, part, sarama.OffsetOldest)
	if err != nil {
		t.Fatalf("%s: consume %s: %v", c.Name(), topic, err)
	}
	defer func() { _ = pc.Close() }()
	timeout := time.NewTimer(30 * time.Second)
	defer timeout.Stop()
	select {
	case m := <-pc.Messages():
		if m.Offset != off || string(m.Key) != "k" || string(m.Value) != value {
			t.Fatalf("%s: consumed offset %d %q=%q, produced offset %d k=%q", c.Name(), m.Offset, m.Key, m.Value, off, value)
		}
	case err := <-pc.Errors():
		t.Fatalf("%s: consume %s: %v", c.Name(), topic, err)
	case <-timeout.C:
		t.Fatalf("%s: no record on %s within 30s", c.Name(), topic)
	}
}

func topics(t *testing.T, c *kafkaharness.Cluster) map[string]sarama.TopicDetail {
	t.Helper()
	admin, err := sarama.NewClusterAdmin(c.Addrs(), saramaConfig())
	if err != nil {
		t.Fatalf("%s: admin: %v", c.Name(), err)
	}
	defer func() { _ = admin.Close() }()
	ts, err := admin.ListTopics()
	if err != nil {
		t.Fatalf("%s: list topics: %v", c.Name(), err)
	}
	return ts
}

// portFree reports whether addr can be bound again.
func portFree(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return l.Close()
}

func TestTwoClusters(t *testing.T) {
	kafkaharness.RequireKafka(t)

	// Start both at once: the harness must give them distinct ports,
	// directories and cluster ids.
	start := time.Now()
	cs := kafkaharness.StartClusters(t, []string{"source", "target"})
	src, dst := cs[0], cs[1]
	t.Logf("two clusters up in %v (source %v, target %v)", time.Since(start).Round(time.Millisecond),
		src.StartupTime().Round(time.Millisecond), dst.StartupTime().Round(time.Millisecond))

	if src.Bootstrap() == dst.Bootstrap() || src.ClusterID() == dst.ClusterID() || src.Dir() == dst.Dir() {
		t.Fatalf("clusters share an address, id or directory: %s %s", src.Bootstrap(), dst.Bootstrap())
	}
	roundTrip(t, src, "harness-source", "hello source")
	roundTrip(t, dst, "harness-target", "hello target")
	if _, ok := topics(t, dst)["harness-source"]; ok {
		t.Fatal("the target cluster sees the source cluster's topic")
	}
	if _, ok := topics(t, src)["harness-target"]; ok {
		t.Fatal("the source cluster sees the target cluster's topic")
	}

	// auto.create.topics.enable=false: producing to an unknown topic fails.
	cfg := saramaConfig()
	cfg.Producer.Retry.Max = 0
	cfg.Metadata.Retry.Max = 0
	prod, err := sarama.NewSyncProducer(dst.Addrs(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := prod.SendMessage(&sarama.ProducerMessage{Topic: "no-such-topic", Value: sarama.StringEncoder("x")}); err == nil {
		t.Error("produce to a missing topic succeeded: auto.create.topics.enable is not false")
	}
	_ = prod.Close()

	// Stop the source: its ports are released, the target keeps serving.
	stopStart := time.Now()
	src.Stop()
	t.Logf("source stopped in %v", time.Since(stopStart).Round(time.Millisecond))
	if src.Running() {
		t.Fatal("source still running after Stop")
	}
	for _, addr := range []string{src.Addrs()[0], src.ControllerAddr()} {
		if err := portFree(addr); err != nil {
			t.Errorf("port %s not released after Stop: %v", addr, err)
		}
	}
	if client, err := sarama.NewClient(src.Addrs(), saramaConfig()); err == nil {
		_ = client.Close()
		t.Error("a client still connects to the stopped source")
	}
	src.Stop() // idempotent
	if tail := src.LogTail(5); tail == "" {
		t.Error("no log tail after Stop")
	}
	roundTrip(t, dst, "harness-target-2", "still here")
}

func TestConnectWorkerListsMirrorSourceConnector(t *testing.T) {
	kafkaharness.RequireKafka(t)
	c := kafkaharness.Start(t, kafkaharness.WithName("connect"))
	w := kafkaharness.StartConnectWorker(t, map[string]string{"bootstrap.servers": c.Bootstrap()})
	t.Logf("worker up in %v", w.StartupTime().Round(time.Millisecond))

	resp, err := http.Get(w.URL() + "/connector-plugins")
	if err != nil {
		t.Fatal(err)
	}
	var plugins []struct {
		Class   string `json:"class"`
		Type    string `json:"type"`
		Version string `json:"version"`
	}
	err = json.NewDecoder(resp.Body).Decode(&plugins)
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /connector-plugins: %d %v", resp.StatusCode, err)
	}
	want := map[string]bool{
		"org.apache.kafka.connect.mirror.MirrorSourceConnector":     false,
		"org.apache.kafka.connect.mirror.MirrorCheckpointConnector": false,
		"org.apache.kafka.connect.mirror.MirrorHeartbeatConnector":  false,
	}
	for _, p := range plugins {
		if _, ok := want[p.Class]; ok {
			want[p.Class] = true
			if p.Type != "source" || p.Version != kafkaharness.KafkaVersion {
				t.Errorf("%s: type %s version %s", p.Class, p.Type, p.Version)
			}
		}
	}
	for class, found := range want {
		if !found {
			t.Errorf("GET /connector-plugins does not list %s: %+v", class, plugins)
		}
	}

	// The worker really joined the cluster: its internal topics exist.
	ts := topics(t, c)
	group := w.Props()["group.id"]
	for _, s := range []string{"-configs", "-offsets", "-status"} {
		if _, ok := ts[group+s]; !ok {
			t.Errorf("no internal topic %s%s on the cluster", group, s)
		}
	}

	// Kill (a crash) releases the REST port at once.
	w.Kill()
	if w.Running() {
		t.Fatal("worker running after Kill")
	}
	if err := portFree(w.URL()[len("http://"):]); err != nil {
		t.Errorf("REST port not released after Kill: %v", err)
	}
	w.Stop() // no-op after Kill
}
