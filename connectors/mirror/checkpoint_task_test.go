package mirror

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
	"github.com/ferrykafka/ferry/test/testkit"
)

// fakeTranslator translates with a fixed table: upstream partition ->
// upstream offset -> downstream offset (-1: too old); partitions it does
// not know have no sync.
type fakeTranslator map[topicPartition]map[int64]int64

func (f fakeTranslator) translateDownstream(_ string, tp topicPartition, up int64) (int64, bool) {
	offs, ok := f[tp]
	if !ok {
		return 0, false
	}
	down, ok := offs[up]
	return down, ok
}

func newUnitCheckpointTask(t *testing.T, extra map[string]string, tr offsetTranslator) *MirrorCheckpointTask {
	t.Helper()
	props := map[string]string{"source.cluster.alias": "source", "target.cluster.alias": "target",
		"topics.exclude": "secret.*", "task.assigned.groups": "app", "task.index": "0"}
	maps.Copy(props, extra)
	cfg, err := parseCheckpointConfig(newCheckpointTaskConfigDef(), props)
	if err != nil {
		t.Fatal(err)
	}
	return &MirrorCheckpointTask{cfg: cfg, groups: cfg.groups, topic: cfg.checkpointsTopic(), store: newCheckpointStore(cfg.groups),
		translator: tr, log: testkit.Logger(t)}
}

func TestCheckpointsForGroupRules(t *testing.T) {
	tr := fakeTranslator{
		{"orders", 0}:          {10: 20, 11: 21},
		{"orders", 1}:          {8: 8, 9: 5},
		{"target.payments", 0}: {3: 3},   // came from the target: round trip
		{"other.stock", 0}:     {4: 4},   // came from a third cluster
		{"secret", 0}:          {1: 1},   // excluded by the topic filter
		{"old", 0}:             {50: -1}, // every sync is ahead of the group
		{"target", 0}:          {2: 2},   // a topic named like the alias is local
	}
	task := newUnitCheckpointTask(t, nil, tr)
	offsets := map[topicPartition]committedOffset{
		{"orders", 0}:          {10, "meta"},
		{"orders", 1}:          {8, ""},
		{"target.payments", 0}: {3, ""},
		{"other.stock", 0}:     {4, ""},
		{"secret", 0}:          {1, ""},
		{"nosync", 0}:          {4, ""},
		{"old", 0}:             {50, ""},
		{"target", 0}:          {2, ""},
	}
	type want struct {
		topic    string
		part     int32
		up, down int64
	}
	check := func(step string, got []mirrorclient.Checkpoint, wants ...want) {
		t.Helper()
		var g []want
		for _, cp := range got {
			if cp.ConsumerGroupID != "app" {
				t.Errorf("%s: checkpoint for group %q", step, cp.ConsumerGroupID)
			}
			g = append(g, want{cp.Topic, cp.Partition, cp.UpstreamOffset, cp.DownstreamOffset})
		}
		if !slices.Equal(g, wants) {
			t.Errorf("%s: checkpoints %v; want %v", step, g, wants)
		}
	}
	first := task.checkpointsForGroup("app", offsets)
	// In upstream (topic, partition) order.
	check("first round", first,
		want{"source.orders", 0, 10, 20}, want{"source.orders", 1, 8, 8},
		want{"source.other.stock", 0, 4, 4}, want{"source.target", 0, 2, 2}, want{"payments", 0, 3, 3})
	if first[0].Metadata != "meta" {
		t.Errorf("metadata %q; want the group's commit metadata", first[0].Metadata)
	}
	task.store.update("app", first)

	check("nothing changed", task.checkpointsForGroup("app", offsets))

	offsets[topicPartition{"orders", 0}] = committedOffset{11, "meta"} // downstream advances
	offsets[topicPartition{"orders", 1}] = committedOffset{9, ""}      // downstream would go back
	next := task.checkpointsForGroup("app", offsets)
	check("progress", next, want{"source.orders", 0, 11, 21})
	task.store.update("app", next)

	offsets[topicPartition{"orders", 0}] = committedOffset{10, "meta"} // the group rewound
	check("upstream rewind", task.checkpointsForGroup("app", offsets), want{"source.orders", 0, 10, 20})
}

// --- on in-process clusters ---

// checkpointProps is a checkpoint connector config for the flow
// source -> target, emitting every second and polling in short slices.
func checkpointProps(src, tgt *testkit.Cluster) map[string]string {
	p := baseProps(src, tgt)
	delete(p, "replication.factor")
	p["connector.class"] = CheckpointConnectorClass
	p["checkpoints.topic.replication.factor"] = "1"
	p["emit.checkpoints.interval.seconds"] = "1"
	p["consumer.poll.timeout.ms"] = "100"
	p["topics.exclude"] = `secret.*, mm2.*\.internal, .*\.replica, __.*`
	return p
}

const (
	testOffsetSyncsTopic = "mm2-offset-syncs.target.internal"
	testCheckpointsTopic = "source.checkpoints.internal"
)

// writeOffsetSyncs produces offset syncs (Java's record format) to the
// offset-syncs topic.
func writeOffsetSyncs(t *testing.T, p sarama.SyncProducer, syncs ...offsetSync) {
	t.Helper()
	for _, s := range syncs {
		key, err := s.recordKey()
		if err != nil {
			t.Fatal(err)
		}
		send(t, p, &sarama.ProducerMessage{Topic: testOffsetSyncsTopic, Partition: 0,
			Key: sarama.ByteEncoder(key), Value: sarama.ByteEncoder(s.recordValue())})
	}
}

func offsetSyncOf(topic string, partition int32, up, down int64) offsetSync {
	return offsetSync{tp: topicPartition{topic, partition}, upstreamOffset: up, downstreamOffset: down}
}

// commitOffsets commits a group's offsets with the admin API (topic ->
// partition -> offset), metadata "m-<offset>".
func commitOffsets(t *testing.T, a sarama.ClusterAdmin, group string, offsets map[string]map[int32]int64) {
	t.Helper()
	req := map[string]map[int32]sarama.OffsetAndMetadata{}
	for topic, parts := range offsets {
		req[topic] = map[int32]sarama.OffsetAndMetadata{}
		for p, o := range parts {
			req[topic][p] = sarama.OffsetAndMetadata{Offset: o, Metadata: fmt.Sprintf("m-%d", o), LeaderEpoch: -1}
		}
	}
	rsp, err := a.AlterConsumerGroupOffsets(group, req, nil)
	if err != nil {
		t.Fatalf("commit offsets of %s: %v", group, err)
	}
	for topic, parts := range rsp.Errors {
		for p, kerr := range parts {
			if kerr != sarama.ErrNoError {
				t.Fatalf("commit offsets of %s: %s-%d: %v", group, topic, p, kerr)
			}
		}
	}
}

// groupOffsetsOf reads a group's committed offsets ("topic-partition" ->
// offset); none when the group never committed.
func groupOffsetsOf(t *testing.T, a sarama.ClusterAdmin, group string) map[string]int64 {
	t.Helper()
	rsp, err := a.ListConsumerGroupOffsets(group, nil)
	if err != nil {
		if strings.Contains(err.Error(), "group id does not exist") {
			return map[string]int64{}
		}
		t.Fatalf("list offsets of %s: %v", group, err)
	}
	out := map[string]int64{}
	for tp, c := range committedFromBlocks(offsetBlocks(rsp, group)) {
		out[tp.String()] = c.offset
	}
	return out
}

// startCheckpointTask starts a task for groups and waits until it is ready.
func startCheckpointTask(t *testing.T, props map[string]string, log zerolog.Logger, groups ...string) *MirrorCheckpointTask {
	t.Helper()
	tp := maps.Clone(props)
	tp["task.assigned.groups"] = strings.Join(groups, ",")
	tp["task.index"] = "0"
	task := NewMirrorCheckpointTask()
	if err := task.Start(t.Context(), &testTaskContext{log: log}, tp); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { stopTask(t, task) })
	waitUntil(t, func() error {
		if !task.isReady() {
			return fmt.Errorf("checkpoint task not ready")
		}
		return nil
	})
	return task
}

func stopTask(t *testing.T, task *MirrorCheckpointTask) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = task.Stop(ctx)
}

// emitRound makes an emission due at once and polls until it happened,
// returning its records.
func emitRound(t *testing.T, task *MirrorCheckpointTask) []*connect.SourceRecord {
	t.Helper()
	task.next = time.Time{}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		recs, err := task.Poll(t.Context())
		if err != nil {
			t.Fatalf("Poll: %v", err)
		}
		if !task.next.IsZero() {
			return recs
		}
	}
	t.Fatal("no emission within 20s")
	return nil
}

type cpWant struct {
	group    string
	topic    string
	part     int32
	up, down int64
}

// checkRecords decodes the records, checks every record-level field and
// returns the checkpoints in record order.
func checkRecords(t *testing.T, recs []*connect.SourceRecord, before, after time.Time) []cpWant {
	t.Helper()
	var out []cpWant
	for _, r := range recs {
		key, _ := r.Key.([]byte)
		value, _ := r.Value.([]byte)
		cp, err := mirrorclient.DecodeCheckpoint(key, value)
		if err != nil {
			t.Fatalf("record does not decode: %v", err)
		}
		if r.Topic != testCheckpointsTopic || r.Partition == nil || *r.Partition != 0 {
			t.Errorf("record for %s-%v; want %s-0", r.Topic, r.Partition, testCheckpointsTopic)
		}
		if r.KeySchema != connect.BytesSchema || r.ValueSchema != connect.BytesSchema {
			t.Errorf("schemas %v %v; want bytes", r.KeySchema, r.ValueSchema)
		}
		wantPartition := map[string]any{"group": cp.ConsumerGroupID, "topic": cp.Topic, "partition": int(cp.Partition)}
		if !reflect.DeepEqual(r.SourcePartition, wantPartition) || !reflect.DeepEqual(r.SourceOffset, map[string]any{"offset": int64(0)}) {
			t.Errorf("Connect partition %v offset %v; want %v {offset:0}", r.SourcePartition, r.SourceOffset, wantPartition)
		}
		if r.Timestamp.Before(before.Truncate(time.Millisecond)) || r.Timestamp.After(after) {
			t.Errorf("timestamp %v not within [%v, %v]", r.Timestamp, before, after)
		}
		if cp.Metadata != fmt.Sprintf("m-%d", cp.UpstreamOffset) {
			t.Errorf("metadata %q; want the group's commit metadata", cp.Metadata)
		}
		out = append(out, cpWant{cp.ConsumerGroupID, cp.Topic, cp.Partition, cp.UpstreamOffset, cp.DownstreamOffset})
	}
	return out
}

// checkpointFixture is a source cluster with topics, offset syncs and a
// target cluster with the checkpoints topic.
type checkpointFixture struct {
	src, tgt           *testkit.Cluster
	srcAdmin, tgtAdmin sarama.ClusterAdmin
	srcProducer        sarama.SyncProducer
	tgtProducer        sarama.SyncProducer
	props              map[string]string
}

func newCheckpointFixture(t *testing.T, createCheckpointsTopic bool) *checkpointFixture {
	t.Helper()
	f := &checkpointFixture{src: testkit.NewCluster(t, 1), tgt: testkit.NewCluster(t, 1)}
	f.srcAdmin, f.tgtAdmin = newAdmin(t, f.src), newAdmin(t, f.tgt)
	createTopics(t, f.srcAdmin, map[string]int32{"orders": 2, "target.payments": 1, "secret": 1, "nosync": 1, "old": 1,
		testOffsetSyncsTopic: 1})
	createTopics(t, f.tgtAdmin, map[string]int32{"source.orders": 2, "payments": 1})
	if createCheckpointsTopic {
		createTopics(t, f.tgtAdmin, map[string]int32{testCheckpointsTopic: 1})
	}
	f.srcProducer, f.tgtProducer = newProducer(t, f.src), newProducer(t, f.tgt)
	f.props = checkpointProps(f.src, f.tgt)
	return f
}

// replay writes records the task returned to the target cluster, as the
// worker would.
func (f *checkpointFixture) replay(t *testing.T, recs []*connect.SourceRecord) {
	t.Helper()
	for _, r := range recs {
		send(t, f.tgtProducer, &sarama.ProducerMessage{Topic: r.Topic, Partition: *r.Partition,
			Key: sarama.ByteEncoder(r.Key.([]byte)), Value: sarama.ByteEncoder(r.Value.([]byte))})
	}
}

func TestCheckpointTaskEmitsTranslatedCheckpoints(t *testing.T) {
	f := newCheckpointFixture(t, true)
	writeOffsetSyncs(t, f.srcProducer,
		offsetSyncOf("orders", 0, 0, 0), offsetSyncOf("orders", 0, 10, 20),
		offsetSyncOf("orders", 1, 5, 7),
		offsetSyncOf("target.payments", 0, 3, 3),
		offsetSyncOf("secret", 0, 0, 0),
		offsetSyncOf("old", 0, 100, 200))
	commitOffsets(t, f.srcAdmin, "app", map[string]map[int32]int64{
		"orders":          {0: 10, 1: 8}, // exact sync; one past a sync
		"target.payments": {0: 3},        // round trip: back to "payments"
		"secret":          {0: 1},        // excluded by the topic filter
		"nosync":          {0: 4},        // no offset sync
		"old":             {0: 50},       // behind every sync
	})
	commitOffsets(t, f.srcAdmin, "app2", map[string]map[int32]int64{"orders": {0: 5}})

	task := startCheckpointTask(t, f.props, testkit.Logger(t), "app", "app2", "never-committed")

	before := time.Now()
	got := checkRecords(t, emitRound(t, task), before, time.Now())
	want := []cpWant{ // by group, then upstream partition
		{"app", "source.orders", 0, 10, 20},
		{"app", "source.orders", 1, 8, 8},
		{"app", "payments", 0, 3, 3},
		{"app2", "source.orders", 0, 5, 1},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("first round:\n got %v\nwant %v", got, want)
	}

	if recs := emitRound(t, task); recs != nil {
		t.Errorf("nothing changed, yet the task emitted %v", checkRecords(t, recs, before, time.Now()))
	}

	commitOffsets(t, f.srcAdmin, "app", map[string]map[int32]int64{"orders": {0: 11}})
	before = time.Now()
	if got := checkRecords(t, emitRound(t, task), before, time.Now()); !slices.Equal(got, []cpWant{{"app", "source.orders", 0, 11, 21}}) {
		t.Errorf("after progress: %v", got)
	}

	commitOffsets(t, f.srcAdmin, "app", map[string]map[int32]int64{"orders": {0: 10}})
	before = time.Now()
	if got := checkRecords(t, emitRound(t, task), before, time.Now()); !slices.Equal(got, []cpWant{{"app", "source.orders", 0, 10, 20}}) {
		t.Errorf("after the group rewound: %v", got)
	}

	// A sync written while the task runs is used at the next round.
	writeOffsetSyncs(t, f.srcProducer, offsetSyncOf("orders", 1, 30, 40))
	commitOffsets(t, f.srcAdmin, "app", map[string]map[int32]int64{"orders": {1: 30}})
	waitUntil(t, func() error {
		before := time.Now()
		got := checkRecords(t, emitRound(t, task), before, time.Now())
		if !slices.Equal(got, []cpWant{{"app", "source.orders", 1, 30, 40}}) {
			return fmt.Errorf("after a new sync: %v", got)
		}
		return nil
	})
}

func TestCheckpointTaskRestartStaysMonotonic(t *testing.T) {
	f := newCheckpointFixture(t, true)
	writeOffsetSyncs(t, f.srcProducer, offsetSyncOf("orders", 0, 0, 0), offsetSyncOf("orders", 0, 10, 20), offsetSyncOf("orders", 1, 5, 7))
	commitOffsets(t, f.srcAdmin, "app", map[string]map[int32]int64{"orders": {0: 10}})

	first := startCheckpointTask(t, f.props, testkit.Logger(t), "app")
	recs := emitRound(t, first)
	if got := checkRecords(t, recs, time.Time{}, time.Now()); !slices.Equal(got, []cpWant{{"app", "source.orders", 0, 10, 20}}) {
		t.Fatalf("first task emitted %v", got)
	}
	f.replay(t, recs)
	stopTask(t, first)

	// Checkpoints of an earlier generation, further ahead than what the
	// translation now gives (say the offset syncs were compacted since),
	// and one of a group this task does not own.
	earlier := []mirrorclient.Checkpoint{
		{ConsumerGroupID: "app", Topic: "source.orders", Partition: 1, UpstreamOffset: 8, DownstreamOffset: 30, Metadata: "m-8"},
		{ConsumerGroupID: "someone-else", Topic: "source.orders", Partition: 0, UpstreamOffset: 1, DownstreamOffset: 1},
	}
	var old []*connect.SourceRecord
	for _, cp := range earlier {
		r, err := checkpointRecord(testCheckpointsTopic, cp, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		old = append(old, r)
	}
	f.replay(t, old)
	commitOffsets(t, f.srcAdmin, "app", map[string]map[int32]int64{"orders": {1: 8}}) // translates to 8 < 30

	second := startCheckpointTask(t, f.props, testkit.Logger(t), "app")
	loaded := second.store.all()
	if len(loaded) != 1 || len(loaded["app"]) != 2 {
		t.Errorf("the restarted task loaded %v; want the two checkpoints of app only", loaded)
	}
	if recs := emitRound(t, second); recs != nil {
		t.Errorf("restarted task re-emitted or went back: %v", checkRecords(t, recs, time.Time{}, time.Now()))
	}

	commitOffsets(t, f.srcAdmin, "app", map[string]map[int32]int64{"orders": {0: 11}})
	if got := checkRecords(t, emitRound(t, second), time.Time{}, time.Now()); !slices.Equal(got, []cpWant{{"app", "source.orders", 0, 11, 21}}) {
		t.Errorf("after progress: %v", got)
	}
}

// Without a readable checkpoints topic the task cannot know what it
// emitted before, so the offset sync store keeps only the syncs at the end
// of its topic (Java 4.x): an offset only an older sync could translate
// gets no checkpoint, where a task that read its checkpoints emits one.
func TestCheckpointTaskDegradedWithoutCheckpointsTopic(t *testing.T) {
	for _, readable := range []bool{true, false} {
		t.Run(fmt.Sprintf("checkpoints topic readable=%v", readable), func(t *testing.T) {
			f := newCheckpointFixture(t, readable)
			f.props["admin.timeout.ms"] = "1000" // how long the task tries to read the checkpoints topic
			writeOffsetSyncs(t, f.srcProducer, offsetSyncOf("orders", 0, 0, 0), offsetSyncOf("orders", 0, 10, 20))
			commitOffsets(t, f.srcAdmin, "app", map[string]map[int32]int64{"orders": {0: 5}})
			logs, log := newLogCapture(t)
			task := startCheckpointTask(t, f.props, log, "app")
			got := checkRecords(t, emitRound(t, task), time.Time{}, time.Now())
			var want []cpWant
			if readable {
				want = []cpWant{{"app", "source.orders", 0, 5, 1}}
			}
			if !slices.Equal(got, want) {
				t.Errorf("checkpoints %v; want %v", got, want)
			}
			said := len(logs.find("info", "could not read the checkpoints topic")) > 0
			if said == readable {
				t.Errorf("degraded start logged: %v; checkpoints topic readable: %v", said, readable)
			}
		})
	}
}

func TestCheckpointTaskPollWaitsForTheInterval(t *testing.T) {
	f := newCheckpointFixture(t, true)
	f.props["emit.checkpoints.interval.seconds"] = "3600"
	f.props["consumer.poll.timeout.ms"] = "300"
	task := startCheckpointTask(t, f.props, testkit.Logger(t), "app")
	next := task.next

	// Between emissions a Poll blocks one poll timeout, then returns empty.
	began := time.Now()
	recs, err := task.Poll(t.Context())
	if took := time.Since(began); err != nil || recs != nil || took < 250*time.Millisecond {
		t.Errorf("Poll between emissions: %v, %v after %v; want nothing after the 300ms poll timeout", recs, err, took)
	}
	if !task.next.Equal(next) {
		t.Error("Poll emitted before the interval passed")
	}

	// A cancelled context ends a Poll at once, even with a long poll
	// timeout.
	task.cfg.pollTimeout = time.Hour
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	began = time.Now()
	if recs, err := task.Poll(ctx); recs != nil || err != nil || time.Since(began) > 5*time.Second {
		t.Errorf("Poll with a cancelled context: %v, %v after %v", recs, err, time.Since(began))
	}

	// So does Stop, from another goroutine.
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = task.Poll(context.Background())
	}()
	stopTask(t, task)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Error("Poll did not return after Stop")
	}
}
