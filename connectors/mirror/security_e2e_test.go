package mirror

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/test/testkit"
)

// saslClusterProps are the client settings of a user of a SASL_PLAINTEXT cluster.
func saslClusterProps(c *testkit.Cluster, mech, user, pass string) map[string]string {
	module := "org.apache.kafka.common.security.scram.ScramLoginModule"
	if mech == "PLAIN" {
		module = "org.apache.kafka.common.security.plain.PlainLoginModule"
	}
	return map[string]string{
		"bootstrap.servers": bootstrap(c),
		"security.protocol": "SASL_PLAINTEXT",
		"sasl.mechanism":    mech,
		"sasl.jaas.config":  fmt.Sprintf(`%s required username="%s" password="%s";`, module, user, pass),
	}
}

func saslSaramaClient(t *testing.T, props map[string]string) sarama.Client {
	t.Helper()
	kc, err := kafkaclient.Parse(props)
	if err != nil {
		t.Fatal(err)
	}
	kc.Sarama.Producer.Return.Successes = true
	kc.Sarama.Producer.RequiredAcks = sarama.WaitForAll
	kc.Sarama.Producer.Partitioner = sarama.NewManualPartitioner
	c, err := sarama.NewClient(kc.Brokers, kc.Sarama)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// TestMirrorOverSASL mirrors a topic between two clusters that both require
// SASL, with a different mechanism on each (SCRAM-SHA-512 on the source,
// PLAIN on the target), all set as a Java MirrorMaker user sets them
// (source.cluster.* and target.cluster.*): the connector's admins create the
// remote topic on the target and the offset-syncs topic on the source, the
// task's consumer reads the source, and the records it returns, written to
// the target with the target's producer settings, arrive there.
func TestMirrorOverSASL(t *testing.T) {
	src := testkit.NewCluster(t, 1, kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", "src-user", "src-pw"))
	tgt := testkit.NewCluster(t, 1, kfake.EnableSASL(), kfake.Superuser("PLAIN", "tgt-user", "tgt-pw"))
	srcClient := saslClusterProps(src, "SCRAM-SHA-512", "src-user", "src-pw")
	tgtClient := saslClusterProps(tgt, "PLAIN", "tgt-user", "tgt-pw")

	srcSarama := saslSaramaClient(t, srcClient)
	srcAdmin, err := sarama.NewClusterAdminFromClient(srcSarama)
	if err != nil {
		t.Fatal(err)
	}
	createTopics(t, srcAdmin, map[string]int32{"orders": 2})
	producer, err := sarama.NewSyncProducerFromClient(srcSarama)
	if err != nil {
		t.Fatal(err)
	}
	const n = 10
	for i := range n {
		send(t, producer, &sarama.ProducerMessage{Topic: "orders", Partition: int32(i % 2),
			Key: sarama.StringEncoder(fmt.Sprint("k", i)), Value: sarama.StringEncoder(fmt.Sprint("v", i))})
	}

	props := baseProps(src, tgt)
	for k, v := range srcClient {
		props["source.cluster."+k] = v
	}
	for k, v := range tgtClient {
		props["target.cluster."+k] = v
	}
	// As in Java, un-prefixed client keys do not reach MirrorMaker's
	// clients (SSL here would break every connection).
	props["security.protocol"] = "SSL"
	props["topics"] = "orders"
	props["offset-syncs.topic.replication.factor"] = "1"

	c, _ := startConnector(t, props)
	tgtSarama := saslSaramaClient(t, tgtClient)
	testkit.Eventually(t, 10*time.Second, func() error {
		if err := tgtSarama.RefreshMetadata(); err != nil {
			return err
		}
		parts, err := tgtSarama.Partitions("source.orders")
		if err != nil || len(parts) != 2 {
			return fmt.Errorf("source.orders on the target: %d partitions, %v", len(parts), err)
		}
		if err := srcSarama.RefreshMetadata(); err != nil {
			return err
		}
		if _, err := srcSarama.Partitions("mm2-offset-syncs.target.internal"); err != nil {
			return fmt.Errorf("offset-syncs topic on the source: %w", err)
		}
		return nil
	})

	configs, err := c.TaskConfigs(context.Background(), 1)
	if err != nil || len(configs) != 1 {
		t.Fatalf("task configs %v, %v", configs, err)
	}
	task := startTask(t, configs[0], nil)
	recs := pollN(t, task, n)

	// Write them as the worker's producer would, with the target's
	// producer settings.
	cfg, err := parseSourceConfig(newSourceConfigDef(), props)
	if err != nil {
		t.Fatal(err)
	}
	tp := cfg.targetProducerProps("test-producer")
	if tp["security.protocol"] != "SASL_PLAINTEXT" || tp["sasl.mechanism"] != "PLAIN" {
		t.Fatalf("target producer settings %v", tp)
	}
	tgtProducer, err := sarama.NewSyncProducerFromClient(saslSaramaClient(t, tp))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		send(t, tgtProducer, &sarama.ProducerMessage{Topic: r.Topic, Partition: *r.Partition,
			Key: sarama.ByteEncoder(r.Key.([]byte)), Value: sarama.ByteEncoder(r.Value.([]byte))})
	}

	consumer, err := sarama.NewConsumerFromClient(tgtSarama)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = consumer.Close() })
	got := map[string]string{}
	for p := range int32(2) {
		pc, err := consumer.ConsumePartition("source.orders", p, sarama.OffsetOldest)
		if err != nil {
			t.Fatal(err)
		}
		for range n / 2 {
			select {
			case m := <-pc.Messages():
				got[string(m.Key)] = string(m.Value)
			case <-time.After(10 * time.Second):
				t.Fatalf("source.orders-%d on the target: %d records so far", p, len(got))
			}
		}
		_ = pc.Close()
	}
	want := map[string]string{}
	for i := range n {
		want[fmt.Sprint("k", i)] = fmt.Sprint("v", i)
	}
	if !maps.Equal(got, want) {
		t.Errorf("target has %v; want %v", got, want)
	}
}

// TestMirrorSASLWrongPassword: a wrong source password fails the connector
// with a message naming the cluster, and never the password.
func TestMirrorSASLWrongPassword(t *testing.T) {
	src := testkit.NewCluster(t, 1, kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", "src-user", "src-pw"))
	tgt := testkit.NewCluster(t, 1)
	props := baseProps(src, tgt)
	props["admin.timeout.ms"] = "3000"
	for k, v := range saslClusterProps(src, "SCRAM-SHA-256", "src-user", "not-the-pw") {
		props["source.cluster."+k] = v
	}
	c := NewMirrorSourceConnector()
	err := c.Start(context.Background(), newConnectorContext(t), props)
	if err == nil {
		_ = c.Stop(context.Background())
		t.Fatal("Start succeeded with a wrong password")
	}
	if !strings.Contains(err.Error(), `source cluster "source"`) || strings.Contains(err.Error(), "not-the-pw") {
		t.Errorf("error %v: want it to name the source cluster and not the password", err)
	}
}
