package kafkalog

import (
	"testing"

	"github.com/IBM/sarama"
	"github.com/ferrykafka/ferry/test/testkit"
)

// Java workers with exactly-once source support write the config topic
// transactionally: the log must step over transaction markers (else
// ReadToEnd never reaches the end offset) and, when reading committed, skip
// aborted records.
func TestTransactionalRecords(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	cfg := Config{Topic: "txn", Partitions: 1, ReplicationFactor: 1}
	startLog(t, cl, cfg, newCollector()) // creates the topic

	pc := baseConfig(t, cl.Addrs())
	pc.Producer.Idempotent = true
	pc.Producer.RequiredAcks = sarama.WaitForAll
	pc.Producer.Return.Successes = true
	pc.Producer.Transaction.ID = "connect-cluster-test"
	pc.Net.MaxOpenRequests = 1
	p, err := sarama.NewSyncProducer(cl.Addrs(), pc)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = p.Close() }()
	txn := func(value string, commit bool) {
		t.Helper()
		if err := p.BeginTxn(); err != nil {
			t.Fatal(err)
		}
		if _, _, err := p.SendMessage(&sarama.ProducerMessage{Topic: "txn", Key: sarama.StringEncoder("k-" + value), Value: sarama.StringEncoder(value)}); err != nil {
			t.Fatal(err)
		}
		if commit {
			err = p.CommitTxn()
		} else {
			err = p.AbortTxn()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	txn("a", true)
	txn("b", false)
	txn("c", true)

	committed := newCollector()
	cfg.ReadCommitted = true
	startLog(t, cl, cfg, committed)
	_, st := committed.snapshot()
	if len(st) != 2 || st["k-a"] != "a" || st["k-c"] != "c" {
		t.Fatalf("read committed: %v", st)
	}

	all := newCollector()
	cfg.ReadCommitted = false
	startLog(t, cl, cfg, all)
	if _, st := all.snapshot(); len(st) != 3 {
		t.Fatalf("read uncommitted: %v", st)
	}
}
