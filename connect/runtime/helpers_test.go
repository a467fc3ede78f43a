package runtime

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/converters"
	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/storage/memstore"
	"github.com/ferrykafka/ferry/test/testkit"
)

// The test source connector. Its connector copies its config into every task
// config (adding task.id); its tasks emit a deterministic sequence of records
// and are steered by these keys.
const (
	testConnectorClass = "org.example.ferry.SequenceSourceConnector"
	testTaskClass      = "org.example.ferry.SequenceSourceTask"

	pConnFailStart   = "test.connector.fail.start"  // Start returns this error text
	pConnRaiseStart  = "test.connector.raise.start" // Start calls RaiseError with this text, then succeeds
	pConnGenerate    = "test.connector.tasks"       // how many task configs to generate (default maxTasks)
	pTaskID          = "task.id"                    // set by the connector
	pTopic           = "test.topic"                 // target topic (default "out")
	pRecords         = "test.records"               // emit seq up to this (exclusive)
	pBatch           = "test.batch"                 // records per poll (default 2)
	pTaskFailStart   = "test.task.fail.start"       // Start returns this error text
	pTaskFailPollAt  = "test.task.fail.poll.at"     // Poll fails once the next seq is this
	pTaskRetriable   = "test.task.retriable.once"   // the first Poll returns a retriable error
	pMissingTopicAt  = "test.task.missing.topic.at" // the record with this seq goes to a topic that does not exist
	pExplicitPart    = "test.task.explicit.partition"
	pFixedPartition  = "test.task.partition"        // every record names this Kafka partition
	pHangPoll        = "test.task.hang.poll"        // Poll ignores its context and blocks until probe.release is closed
	pNullPartition   = "test.task.null.partition"   // records have no source partition
	pUnconvertibleAt = "test.task.unconvertible.at" // the record with this seq has an int64 value under a STRING schema (a JsonConverter refuses it)

	outTopic     = "out"
	missingTopic = "no-such-topic"
	outParts     = 3
)

// baseTime is the timestamp of seq 0; seq n is stamped baseTime + n ms.
var baseTime = time.UnixMilli(1_700_000_000_000)

// probe observes (and steers) the test connector and its tasks.
type probe struct {
	mu          sync.Mutex
	connStarts  int
	connStops   int
	connCtx     connect.ConnectorContext
	connProps   map[string]string
	generated   []map[string]string // the maps TaskConfigs returned, as returned
	taskStarts  map[int]int
	taskStops   map[int]int
	taskCommits map[int]int
	polls       map[int]int
	startOffset map[int]map[string]any // offset read at Start
	taskCtx     map[int]connect.SourceTaskContext
	committed   map[int][]committedRecord
	release     chan struct{} // unblocks hanging polls
}

type committedRecord struct {
	seq  int64
	meta *connect.RecordMetadata
}

func newProbe() *probe {
	return &probe{
		taskStarts: map[int]int{}, taskStops: map[int]int{}, taskCommits: map[int]int{},
		polls: map[int]int{}, startOffset: map[int]map[string]any{}, committed: map[int][]committedRecord{},
		release: make(chan struct{}),
	}
}

func (p *probe) with(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f()
}

func (p *probe) connectorContext() connect.ConnectorContext {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.connCtx
}

func (p *probe) pollCount(task int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.polls[task]
}

func (p *probe) committedRecords(task int) []committedRecord {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.committed[task])
}

// registry registers the test connector, bound to p.
func (p *probe) registry(t *testing.T) *connect.Registry {
	t.Helper()
	r := connect.NewRegistry()
	err := r.RegisterConnector(connect.ConnectorPlugin{
		Class: testConnectorClass, TaskClass: testTaskClass, Type: connect.PluginSource, Version: "1.0",
		NewConnector:  func() connect.Connector { return &seqConnector{p: p} },
		NewSourceTask: func() connect.SourceTask { return &seqTask{p: p} },
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

type seqConnector struct {
	connect.SourceConnectorBase
	p     *probe
	props map[string]string
}

func (c *seqConnector) Version() string            { return "1.0" }
func (c *seqConnector) Config() *connect.ConfigDef { return connect.NewConfigDef() }

func (c *seqConnector) Start(_ context.Context, cctx connect.ConnectorContext, props map[string]string) error {
	c.p.with(func() {
		c.p.connStarts++
		c.p.connCtx = cctx
		c.p.connProps = maps.Clone(props)
	})
	if msg := props[pConnFailStart]; msg != "" {
		return errors.New(msg)
	}
	if msg := props[pConnRaiseStart]; msg != "" {
		cctx.RaiseError(errors.New(msg))
	}
	c.props = props
	return nil
}

func (c *seqConnector) TaskConfigs(_ context.Context, maxTasks int) ([]map[string]string, error) {
	n := maxTasks
	if s := c.props[pConnGenerate]; s != "" {
		n, _ = strconv.Atoi(s)
	}
	out := make([]map[string]string, n)
	for i := range out {
		tc := maps.Clone(c.props)
		tc[pTaskID] = strconv.Itoa(i)
		out[i] = tc
	}
	c.p.with(func() {
		c.p.generated = nil
		for _, tc := range out {
			c.p.generated = append(c.p.generated, maps.Clone(tc))
		}
	})
	return out, nil
}

func (c *seqConnector) Stop(context.Context) error {
	c.p.with(func() { c.p.connStops++ })
	return nil
}

type seqTask struct {
	p         *probe
	id        int
	topic     string
	next      int64
	end       int64
	batch     int
	failAt    int64
	missingAt int64
	badValAt  int64
	retriable bool
	explicit  bool
	fixedPart int64
	hang      bool
	nullPart  bool
}

func intProp(props map[string]string, key string, def int64) int64 {
	if s, ok := props[key]; ok {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			panic(fmt.Sprintf("test property %s=%q: %v", key, s, err))
		}
		return n
	}
	return def
}

func (t *seqTask) Version() string { return "1.0" }

func (t *seqTask) partition() map[string]any {
	if t.nullPart {
		return nil
	}
	return map[string]any{"task": t.id}
}

func (t *seqTask) Start(ctx context.Context, tctx connect.SourceTaskContext, props map[string]string) error {
	t.id = int(intProp(props, pTaskID, 0))
	t.topic = props[pTopic]
	if t.topic == "" {
		t.topic = outTopic
	}
	t.end = intProp(props, pRecords, 0)
	t.batch = int(intProp(props, pBatch, 2))
	t.failAt = intProp(props, pTaskFailPollAt, -1)
	t.missingAt = intProp(props, pMissingTopicAt, -1)
	t.badValAt = intProp(props, pUnconvertibleAt, -1)
	t.retriable = props[pTaskRetriable] == "true"
	t.explicit = props[pExplicitPart] == "true"
	t.fixedPart = intProp(props, pFixedPartition, -1)
	t.hang = props[pHangPoll] == "true"
	t.nullPart = props[pNullPartition] == "true"
	t.p.with(func() {
		t.p.taskStarts[t.id]++
		if t.p.taskCtx == nil {
			t.p.taskCtx = map[int]connect.SourceTaskContext{}
		}
		t.p.taskCtx[t.id] = tctx
	})
	if msg := props[pTaskFailStart]; msg != "" {
		return errors.New(msg)
	}
	off, err := tctx.Offsets().Offset(ctx, t.partition())
	if err != nil {
		return err
	}
	t.p.with(func() { t.p.startOffset[t.id] = off })
	if off != nil {
		t.next = off["seq"].(int64) + 1
	}
	return nil
}

func (t *seqTask) record(seq int64) *connect.SourceRecord {
	rec := &connect.SourceRecord{
		SourcePartition: t.partition(),
		SourceOffset:    map[string]any{"seq": seq},
		Topic:           t.topic,
		KeySchema:       connect.StringSchema,
		Key:             fmt.Sprintf("k-%d-%d", t.id, seq),
		ValueSchema:     connect.StringSchema,
		Value:           fmt.Sprintf("v-%d-%d", t.id, seq),
		Timestamp:       baseTime.Add(time.Duration(seq) * time.Millisecond),
		Headers: []connect.Header{
			{Key: "seq", Schema: connect.StringSchema, Value: strconv.FormatInt(seq, 10)},
			{Key: "empty", Schema: connect.OptionalStringSchema, Value: nil},
		},
	}
	if seq%2 == 1 {
		// Odd records give their offset as an integer field: both forms
		// go through every test and must be stored alike.
		rec.SourceOffset, rec.IntOffsetField, rec.IntOffset = nil, "seq", seq
	}
	if t.explicit {
		rec.Partition = connect.PartitionOf(int32(seq % outParts))
	}
	if t.fixedPart >= 0 {
		rec.Partition = connect.PartitionOf(int32(t.fixedPart))
	}
	if seq == t.missingAt {
		rec.Topic = missingTopic
	}
	if seq == t.badValAt {
		rec.Value = seq // not a string: a JsonConverter refuses it
	}
	return rec
}

func (t *seqTask) Poll(ctx context.Context) ([]*connect.SourceRecord, error) {
	first := false
	t.p.with(func() {
		t.p.polls[t.id]++
		first = t.p.polls[t.id] == 1
	})
	if t.hang {
		<-t.p.release
		return nil, nil
	}
	if first && t.retriable {
		return nil, fmt.Errorf("source briefly unavailable: %w", connect.ErrRetriable)
	}
	if t.next == t.failAt {
		return nil, fmt.Errorf("source exploded at seq %d", t.next)
	}
	if t.next >= t.end {
		// Nothing left: idle briefly (a real task would wait on its
		// source) so the runtime gets to look at target-state changes.
		select {
		case <-ctx.Done():
		case <-time.After(5 * time.Millisecond):
		}
		return nil, nil
	}
	var out []*connect.SourceRecord
	for len(out) < t.batch && t.next < t.end && t.next != t.failAt {
		out = append(out, t.record(t.next))
		t.next++
	}
	return out, nil
}

func (t *seqTask) Commit(context.Context) error {
	t.p.with(func() { t.p.taskCommits[t.id]++ })
	return nil
}

func (t *seqTask) CommitRecord(_ context.Context, rec *connect.SourceRecord, meta *connect.RecordMetadata) error {
	seq := rec.Offset()["seq"].(int64)
	t.p.with(func() { t.p.committed[t.id] = append(t.p.committed[t.id], committedRecord{seq: seq, meta: meta}) })
	return nil
}

func (t *seqTask) Stop(context.Context) error {
	t.p.with(func() { t.p.taskStops[t.id]++ })
	return nil
}

// statusWrite is one write the worker made to the status store.
type statusWrite struct {
	status storage.Status
	safe   bool
}

// recordingStatuses is a memstore status store that also keeps every write,
// so tests can assert the sequence of states (the store's read-side rules
// may hide some writes from its cache, as Kafka's store does).
type recordingStatuses struct {
	*memstore.StatusStore
	mu     sync.Mutex
	writes []statusWrite
}

func newRecordingStatuses(t *testing.T) *recordingStatuses {
	s := &recordingStatuses{StatusStore: memstore.NewStatusStore()}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *recordingStatuses) Put(st storage.Status) {
	s.mu.Lock()
	s.writes = append(s.writes, statusWrite{st, false})
	s.mu.Unlock()
	s.StatusStore.Put(st)
}

func (s *recordingStatuses) PutSafe(st storage.Status) {
	s.mu.Lock()
	s.writes = append(s.writes, statusWrite{st, true})
	s.mu.Unlock()
	s.StatusStore.PutSafe(st)
}

// of returns the writes for one connector (task -1) or task, in order.
func (s *recordingStatuses) of(id storage.ConnectorTaskID) []statusWrite {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []statusWrite
	for _, w := range s.writes {
		if w.status.ID == id {
			out = append(out, w)
		}
	}
	return out
}

// states returns the states written for id, in order.
func (s *recordingStatuses) states(id storage.ConnectorTaskID) []storage.State {
	var out []storage.State
	for _, w := range s.of(id) {
		out = append(out, w.status.State)
	}
	return out
}

// last returns the newest write for id.
func (s *recordingStatuses) last(id storage.ConnectorTaskID) (storage.Status, bool) {
	ws := s.of(id)
	if len(ws) == 0 {
		return storage.Status{}, false
	}
	return ws[len(ws)-1].status, true
}

// waitState waits until the newest write for id has the given state and
// returns it.
func (s *recordingStatuses) waitState(t *testing.T, id storage.ConnectorTaskID, want storage.State) storage.Status {
	t.Helper()
	var got storage.Status
	testkit.Eventually(t, 15*time.Second, func() error {
		st, ok := s.last(id)
		if !ok || st.State != want {
			return fmt.Errorf("%s: states so far %v, want the newest to be %s", id, s.states(id), want)
		}
		got = st
		return nil
	})
	return got
}

// events records ConnectorEvents.
type events struct {
	mu       sync.Mutex
	started  []string
	reconfig []string
}

func (e *events) ConnectorStarted(c string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.started = append(e.started, c)
}

func (e *events) TaskReconfigurationRequested(c string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.reconfig = append(e.reconfig, c)
}

func (e *events) counts() (started, reconfig int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.started), len(e.reconfig)
}

// env is a Worker wired to an in-process Kafka cluster and memory stores.
type env struct {
	t        *testing.T
	cluster  *testkit.Cluster
	reg      *connect.Registry
	offsets  *memstore.OffsetStore
	statuses *recordingStatuses
	probe    *probe
	events   *events
	w        *Worker
}

type envOption func(*Config)

func flushEvery(d time.Duration) envOption {
	return func(c *Config) { c.OffsetFlushInterval = d }
}

func flushTimeout(d time.Duration) envOption {
	return func(c *Config) { c.OffsetFlushTimeout = d }
}

// newEnv starts a one-broker cluster with the 3-partition topic "out" and a
// worker; the worker is stopped when the test ends (before the cluster).
func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	cluster := testkit.NewCluster(t, 1, kfake.SeedTopics(outParts, outTopic))
	e := newEnvOn(t, cluster, opts...)
	return e
}

// newEnvOn builds a worker (and fresh stores) against an existing cluster.
func newEnvOn(t *testing.T, cluster *testkit.Cluster, opts ...envOption) *env {
	t.Helper()
	offsets := memstore.NewOffsetStore()
	if err := offsets.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, cluster: cluster, offsets: offsets, statuses: newRecordingStatuses(t), probe: newProbe(), events: &events{}}
	e.reg = e.probe.registry(t)
	e.w = e.newWorker(opts...)
	return e
}

// newWorker makes another worker sharing e's cluster, stores and registry
// (a restarted worker process).
func (e *env) newWorker(opts ...envOption) *Worker {
	cfg := Config{
		WorkerID:            "worker-1:8083",
		OffsetFlushInterval: time.Hour,
		OffsetFlushTimeout:  2 * time.Second,
		TaskShutdownTimeout: 5 * time.Second,
		// A second of max.block.ms: the send-failure tests write to a
		// topic that never exists.
		ProducerProps:   map[string]string{"bootstrap.servers": strings.Join(e.cluster.Addrs(), ","), "max.block.ms": "1000"},
		KeyConverter:    ConverterConfig{Class: converters.StringConverterClass},
		ValueConverter:  ConverterConfig{Class: converters.StringConverterClass},
		HeaderConverter: ConverterConfig{Class: converters.SimpleHeaderConverterClass},
	}
	for _, o := range opts {
		o(&cfg)
	}
	w := New(cfg, e.reg, e.offsets, e.statuses, testkit.Logger(e.t))
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		w.Stop(ctx)
	})
	return w
}

// connProps is a connector config for the test connector.
func connProps(name string, extra ...string) map[string]string {
	p := map[string]string{KeyName: name, KeyConnectorClass: testConnectorClass}
	for i := 0; i+1 < len(extra); i += 2 {
		p[extra[i]] = extra[i+1]
	}
	return p
}

// taskProps is a task config as the connector would generate it.
func taskProps(task int, conn map[string]string) map[string]string {
	p := maps.Clone(conn)
	p[pTaskID] = strconv.Itoa(task)
	p[KeyTaskClass] = testTaskClass
	return p
}

func taskID(conn string, task int) storage.ConnectorTaskID {
	return storage.ConnectorTaskID{Connector: conn, Task: task}
}

func connID(conn string) storage.ConnectorTaskID {
	return storage.ConnectorTaskID{Connector: conn, Task: -1}
}

// startTask starts a task with the test connector's config.
func (e *env) startTask(w *Worker, id storage.ConnectorTaskID, conn map[string]string, target storage.TargetState) {
	e.t.Helper()
	if err := w.StartTask(id, conn, taskProps(id.Task, conn), target); err != nil {
		e.t.Fatalf("start task %s: %v", id, err)
	}
}

func (e *env) stopTask(w *Worker, id storage.ConnectorTaskID) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	w.StopTasks(ctx, []storage.ConnectorTaskID{id})
}

// storedOffset returns the offset stored for a partition of connector conn.
func (e *env) storedOffset(conn string, partition map[string]any) map[string]any {
	e.t.Helper()
	off, err := offsetReader{connector: conn, store: e.offsets}.Offset(context.Background(), partition)
	if err != nil {
		e.t.Fatal(err)
	}
	return off
}

// waitOffset waits until the stored offset of a partition is {"seq": seq}.
func (e *env) waitOffset(conn string, partition map[string]any, seq int64) {
	e.t.Helper()
	testkit.Eventually(e.t, 15*time.Second, func() error {
		off := e.storedOffset(conn, partition)
		if off == nil || off["seq"] != seq {
			return fmt.Errorf("stored offset of %s %v is %v, want seq %d", conn, partition, off, seq)
		}
		return nil
	})
}

// readAll reads every record topic holds now (up to each partition's end
// offset at the time of the call).
func readAll(t *testing.T, addrs []string, topic string) []*sarama.ConsumerMessage {
	t.Helper()
	kc, err := kafkaclient.Parse(map[string]string{"bootstrap.servers": strings.Join(addrs, ",")})
	if err != nil {
		t.Fatal(err)
	}
	// Short fetch waits: closing a partition consumer waits for the fetch
	// in flight, which kfake holds up to MaxWaitTime when there is no data.
	kc.Sarama.Consumer.MaxWaitTime = 10 * time.Millisecond
	client, err := sarama.NewClient(kc.Brokers, kc.Sarama)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Close() }()
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = consumer.Close() }()
	parts, err := client.Partitions(topic)
	if err != nil {
		t.Fatal(err)
	}
	var out []*sarama.ConsumerMessage
	for _, p := range parts {
		end, err := client.GetOffset(topic, p, sarama.OffsetNewest)
		if err != nil {
			t.Fatal(err)
		}
		if end == 0 {
			continue
		}
		pc, err := consumer.ConsumePartition(topic, p, sarama.OffsetOldest)
		if err != nil {
			t.Fatal(err)
		}
		timeout := time.NewTimer(15 * time.Second)
		for done := false; !done; {
			select {
			case m := <-pc.Messages():
				out = append(out, m)
				done = m.Offset >= end-1
			case <-timeout.C:
				t.Fatalf("timed out reading %s[%d] up to offset %d", topic, p, end)
			}
		}
		timeout.Stop()
		_ = pc.Close()
	}
	return out
}

// waitRecords waits until topic holds n records in all, then reads them.
func waitRecords(t *testing.T, addrs []string, topic string, n int) []*sarama.ConsumerMessage {
	t.Helper()
	testkit.Eventually(t, 15*time.Second, func() error {
		got, err := endOffsets(addrs, topic)
		if err != nil {
			return err
		}
		if got != int64(n) {
			return fmt.Errorf("topic %s holds %d records, want %d", topic, got, n)
		}
		return nil
	})
	out := readAll(t, addrs, topic)
	if len(out) != n {
		t.Fatalf("read %d records from %s, want %d", len(out), topic, n)
	}
	return out
}

// endOffsets sums the end offsets of every partition of topic.
func endOffsets(addrs []string, topic string) (int64, error) {
	kc, err := kafkaclient.Parse(map[string]string{"bootstrap.servers": strings.Join(addrs, ",")})
	if err != nil {
		return 0, err
	}
	client, err := sarama.NewClient(kc.Brokers, kc.Sarama)
	if err != nil {
		return 0, err
	}
	defer func() { _ = client.Close() }()
	parts, err := client.Partitions(topic)
	if err != nil {
		return 0, err
	}
	var sum int64
	for _, p := range parts {
		end, err := client.GetOffset(topic, p, sarama.OffsetNewest)
		if err != nil {
			return 0, err
		}
		sum += end
	}
	return sum, nil
}

func header(m *sarama.ConsumerMessage, key string) (value []byte, found bool) {
	for _, h := range m.Headers {
		if string(h.Key) == key {
			return h.Value, true
		}
	}
	return nil, false
}
