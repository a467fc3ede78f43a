package mirror

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/test/testkit"
)

// TestOffsetSyncProducerFlushesOnClose: syncs handed over right before
// close (the final commit's, in a task's Stop) are written, and each
// callback is called once.
func TestOffsetSyncProducerFlushesOnClose(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	const syncsTopic = "mm2-offset-syncs.target.internal"
	createTopics(t, newAdmin(t, src), map[string]int32{syncsTopic: 1})
	cfg, err := parseSourceConfig(newSourceConfigDef(), baseProps(src, src))
	if err != nil {
		t.Fatal(err)
	}
	p, err := newOffsetSyncProducer(cfg, testkit.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	results := map[int64][]error{}
	var want []offsetSync
	for i := int64(0); i < maxOutstandingOffsetSyncs; i++ {
		s := mkSync("orders", int32(i%3), i, 100+i)
		want = append(want, s)
		if !p.send(s, func(err error) {
			mu.Lock()
			defer mu.Unlock()
			results[s.upstreamOffset] = append(results[s.upstreamOffset], err)
		}) {
			t.Fatalf("send %v refused", s)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p.close(ctx)
	if ctx.Err() != nil {
		t.Fatal("close did not finish")
	}
	mu.Lock()
	for i := int64(0); i < maxOutstandingOffsetSyncs; i++ {
		if errs := results[i]; len(errs) != 1 || errs[0] != nil {
			t.Errorf("sync %d: callbacks %v; want one nil", i, errs)
		}
	}
	mu.Unlock()
	wantSyncs(t, "written", readOffsetSyncs(t, src, syncsTopic), want)
	if p.send(mkSync("orders", 0, 99, 99), func(error) { t.Error("callback after close") }) {
		t.Error("send after close accepted")
	}
}

func TestOffsetSyncsProducerProps(t *testing.T) {
	props := map[string]string{
		"name": "mm2", "source.cluster.alias": "east", "target.cluster.alias": "west",
		"source.cluster.bootstrap.servers": "s:9092", "target.cluster.bootstrap.servers": "t:9092",
		"source.cluster.security.protocol": "SSL", "source.cluster.linger.ms": "dropped: not a cluster key",
		"producer.acks": "1", "producer.linger.ms": "5", "source.producer.linger.ms": "7",
		"target.producer.linger.ms": "9", "task.index": "2", "task.assigned.partitions": "a-0",
	}
	cfg, err := parseSourceConfig(newSourceTaskConfigDef(), props)
	if err != nil {
		t.Fatal(err)
	}
	cfg.isTask = true
	want := map[string]string{
		"bootstrap.servers": "s:9092", "security.protocol": "SSL", "acks": "1", "linger.ms": "7",
		"client.id": "east->west|mm2-2|offset-syncs-source-producer",
	}
	if got := cfg.offsetSyncsProducerProps(); !reflect.DeepEqual(got, want) {
		t.Errorf("location=source:\n got %v\nwant %v", got, want)
	}
	if got := cfg.offsetSyncsCluster(); got != "east" {
		t.Errorf("cluster %q", got)
	}
	cfg.offsetSyncsLocation = "target"
	want = map[string]string{
		"bootstrap.servers": "t:9092", "acks": "1", "linger.ms": "9",
		"client.id": "east->west|mm2-2|offset-syncs-target-producer",
	}
	if got := cfg.offsetSyncsProducerProps(); !reflect.DeepEqual(got, want) {
		t.Errorf("location=target:\n got %v\nwant %v", got, want)
	}
	if got := cfg.offsetSyncsCluster(); got != "west" {
		t.Errorf("cluster %q", got)
	}
}

func TestOffsetSyncsAcks(t *testing.T) {
	for v, want := range map[string]sarama.RequiredAcks{"all": sarama.WaitForAll, " ALL ": sarama.WaitForAll,
		"-1": sarama.WaitForAll, "1": sarama.WaitForLocal, "0": sarama.NoResponse} {
		got, err := offsetSyncsAcks(map[string]string{"acks": v})
		if err != nil || got != want {
			t.Errorf("acks=%q: %v, %v; want %v", v, got, err, want)
		}
	}
	if got, err := offsetSyncsAcks(nil); err != nil || got != sarama.WaitForAll {
		t.Errorf("default: %v, %v", got, err)
	}
	if _, err := offsetSyncsAcks(map[string]string{"acks": "2"}); err == nil || !strings.Contains(err.Error(), "acks") {
		t.Errorf("acks=2: %v", err)
	}
	// A bad value fails Start with the cluster named.
	src := testkit.NewCluster(t, 1)
	props := taskProps(src, "")
	props["producer.acks"] = "most"
	err := NewMirrorSourceTask().Start(context.Background(), newTaskContext(t, mapOffsetReader{cluster: "source"}), props)
	if err == nil || !strings.Contains(err.Error(), `offset-syncs producer for cluster "source"`) || !strings.Contains(err.Error(), "acks") {
		t.Errorf("Start with producer.acks=most: %v", err)
	}
}
