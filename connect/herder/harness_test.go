package herder

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/converters"
	"github.com/ferrykafka/ferry/connect/runtime"
	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/storage/memstore"
	"github.com/ferrykafka/ferry/test/testkit"
)

// waitTimeout bounds every wait of these tests; things normally happen in
// milliseconds.
const waitTimeout = 15 * time.Second

const testWorkerID = "herder-test:8083"

// harness is one worker: memstore stores (wrapped to record their
// lifecycle), a real runtime.Worker whose task producers write to an
// in-process kfake cluster, the test plugin, and the herder under test.
type harness struct {
	t        *testing.T
	events   *eventLog
	plugin   *testPlugin
	registry *connect.Registry
	configs  *recConfigStore
	offsets  *recOffsetStore
	statuses *recStatusStore
	worker   *runtime.Worker
	herder   *Herder
	started  bool
	rootCtx  context.Context
}

type harnessOption func(*Config)

// withBackoff sets the task-reconfiguration retry backoff.
func withBackoff(d time.Duration) harnessOption {
	return func(c *Config) { c.ReconfigureBackoff = d }
}

func newHarness(t *testing.T, opts ...harnessOption) *harness {
	t.Helper()
	return newHarnessWithWorker(t, nil, opts...)
}

// newHarnessWithWorker is newHarness with the runtime's settings changed
// by worker (nil: none).
func newHarnessWithWorker(t *testing.T, worker func(*runtime.Config), opts ...harnessOption) *harness {
	t.Helper()
	cluster := testkit.NewCluster(t, 1, kfake.SeedTopics(1, testTopic))
	log := testkit.Logger(t)
	events := &eventLog{}
	plugin := newTestPlugin(events)
	registry := connect.NewRegistry()
	if err := plugin.register(registry); err != nil {
		t.Fatal(err)
	}
	rootCtx, cancel := context.WithTimeout(context.Background(), 2*waitTimeout)
	t.Cleanup(cancel)
	x := &harness{
		t:        t,
		rootCtx:  rootCtx,
		events:   events,
		plugin:   plugin,
		registry: registry,
		configs:  &recConfigStore{ConfigStore: memstore.NewConfigStore(), events: events, putTasks: map[string]int{}},
		offsets:  &recOffsetStore{OffsetStore: memstore.NewOffsetStore(), events: events},
		statuses: &recStatusStore{StatusStore: memstore.NewStatusStore(), events: events},
	}
	cfg := Config{WorkerID: testWorkerID, KafkaClusterID: "test-cluster", Commit: "abc123", ReconfigureBackoff: 20 * time.Millisecond}
	for _, o := range opts {
		o(&cfg)
	}
	rc := runtime.Config{
		WorkerID:      testWorkerID,
		TopicTracking: cfg.TopicTracking,
		// Offsets are only flushed when a task stops, so a test sees
		// exactly what the final flush wrote.
		OffsetFlushInterval: time.Hour,
		OffsetFlushTimeout:  5 * time.Second,
		TaskShutdownTimeout: 5 * time.Second,
		ProducerProps:       map[string]string{"bootstrap.servers": strings.Join(cluster.Addrs(), ",")},
		KeyConverter:        runtime.ConverterConfig{Class: converters.StringConverterClass},
		ValueConverter:      runtime.ConverterConfig{Class: converters.StringConverterClass},
		HeaderConverter:     runtime.ConverterConfig{Class: converters.SimpleHeaderConverterClass},
	}
	if worker != nil {
		worker(&rc)
	}
	x.worker = runtime.New(rc, registry, x.offsets, x.statuses, log)
	x.herder = New(cfg, registry, x.worker, x.configs, x.offsets, x.statuses, log)
	return x
}

// start starts the herder, waits for its first tick, and stops it when the
// test ends.
func (x *harness) start() {
	x.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := x.herder.Start(ctx); err != nil {
		x.t.Fatalf("start herder: %v", err)
	}
	x.started = true
	x.t.Cleanup(func() {
		if x.started {
			x.stop()
		}
	})
	select {
	case <-x.herder.Ready():
	case <-ctx.Done():
		x.t.Fatal("herder not ready")
	}
}

func (x *harness) stop() {
	x.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	x.started = false
	if err := x.herder.Stop(ctx); err != nil {
		x.t.Errorf("stop herder: %v", err)
	}
}

// ctx bounds the herder calls of a test.
func (x *harness) ctx() context.Context { return x.rootCtx }

// barrier returns once the herder loop has finished the tick it was in: a
// request only runs between ticks.
func (x *harness) barrier() {
	x.t.Helper()
	if err := x.herder.run(x.ctx(), func(context.Context) error { return nil }); err != nil {
		x.t.Fatalf("barrier: %v", err)
	}
}

// onLoop runs fn on the herder loop, where it may read loop-owned state.
func (x *harness) onLoop(fn func()) {
	x.t.Helper()
	if err := x.herder.run(x.ctx(), func(context.Context) error { fn(); return nil }); err != nil {
		x.t.Fatalf("run on loop: %v", err)
	}
}

func (x *harness) put(name string, config map[string]string, allowReplace bool, initial *storage.TargetState) (bool, error) {
	x.t.Helper()
	created, info, err := x.herder.PutConnectorConfig(x.ctx(), name, config, allowReplace, initial)
	if err == nil && (info.Name != name || !maps.Equal(info.Config, config)) {
		x.t.Errorf("PutConnectorConfig returned info %+v; want name %s and config %v", info, name, config)
	}
	return created, err
}

// create creates a connector and waits until it and its n tasks run.
func (x *harness) create(name string, config map[string]string, n int) {
	x.t.Helper()
	created, err := x.put(name, config, false, nil)
	if err != nil || !created {
		x.t.Fatalf("create %s: created=%v err=%v", name, created, err)
	}
	x.waitStatus(name, storage.StateRunning, n, storage.StateRunning)
}

// connectorConfig is a valid config of the test connector; kv are extra
// key, value pairs.
func connectorConfig(name string, kv ...string) map[string]string {
	c := map[string]string{
		"name":            name,
		"connector.class": testConnectorClass,
		"tasks.max":       "4",
		keyTopic:          testTopic,
		keyTasks:          "2",
	}
	for i := 0; i+1 < len(kv); i += 2 {
		c[kv[i]] = kv[i+1]
	}
	return c
}

// waitStatus waits until the connector's status is connState and it has
// exactly n task statuses, all taskState.
func (x *harness) waitStatus(name string, connState storage.State, n int, taskState storage.State) {
	x.t.Helper()
	testkit.Eventually(x.t, waitTimeout, func() error {
		st, err := x.herder.ConnectorStatus(x.ctx(), name)
		if err != nil {
			return err
		}
		if st.Connector.State != connState {
			return fmt.Errorf("connector %s is %s (trace %q); want %s", name, st.Connector.State, st.Connector.Trace, connState)
		}
		if len(st.Tasks) != n {
			return fmt.Errorf("connector %s has task statuses %+v; want %d", name, st.Tasks, n)
		}
		for _, ts := range st.Tasks {
			if ts.State != taskState {
				return fmt.Errorf("task %s-%d is %s (trace %q); want %s", name, ts.ID, ts.State, ts.Trace, taskState)
			}
		}
		return nil
	})
}

// waitCommitted waits until the config topic holds a consistent, committed
// set of task configs for name equal to want.
func (x *harness) waitCommitted(name string, want []map[string]string) {
	x.t.Helper()
	testkit.Eventually(x.t, waitTimeout, func() error {
		snap := x.configs.Snapshot()
		if snap.Inconsistent[name] {
			return fmt.Errorf("task configs of %s are inconsistent", name)
		}
		if got := snap.TaskConfigsOf(name); !sameTaskConfigs(got, want) {
			return fmt.Errorf("committed task configs of %s are %v; want %v", name, got, want)
		}
		return nil
	})
}

// waitRunningTasks waits until the plugin runs exactly the given task
// configs of connector name (index = task id).
func (x *harness) waitRunningTasks(name string, want []map[string]string) {
	x.t.Helper()
	testkit.Eventually(x.t, waitTimeout, func() error {
		got := x.plugin.runningTasks(name)
		if len(got) != len(want) {
			return fmt.Errorf("running tasks of %s: %v; want %v", name, got, want)
		}
		for i, w := range want {
			if !maps.Equal(got[i], w) {
				return fmt.Errorf("task %s-%d runs with %v; want %v", name, i, got[i], w)
			}
		}
		return nil
	})
}

// workerTasks returns the ids of the task instances the worker runs for c.
func (x *harness) workerTasks(c string) []storage.ConnectorTaskID {
	var out []storage.ConnectorTaskID
	for _, id := range x.worker.Tasks() {
		if id.Connector == c {
			out = append(out, id)
		}
	}
	return out
}

// consistently fails the test if cond reports an error at any time within
// d (it polls like testkit.Eventually). It checks that something does not
// happen, such as a Stop returning while a task is still stopping.
func consistently(t testing.TB, d time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(d)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if err := cond(); err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			return
		}
		<-tick.C
	}
}

// eventLog records lifecycle events of stores, connectors and tasks in the
// order they happened.
type eventLog struct {
	mu     sync.Mutex
	events []string
}

func (l *eventLog) add(e string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

func (l *eventLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

// index returns the position of the first event e, or -1.
func (l *eventLog) index(e string) int { return slices.Index(l.all(), e) }

// recConfigStore is a memstore config store that records its lifecycle and
// counts PutTaskConfigs calls per connector.
type recConfigStore struct {
	*memstore.ConfigStore
	events    *eventLog
	failStart error

	mu       sync.Mutex
	putTasks map[string]int
}

func (s *recConfigStore) Start(ctx context.Context) error {
	s.events.add("start config store")
	if s.failStart != nil {
		return s.failStart
	}
	return s.ConfigStore.Start(ctx)
}

func (s *recConfigStore) Stop(ctx context.Context) error {
	s.events.add("stop config store")
	return s.ConfigStore.Stop(ctx)
}

func (s *recConfigStore) PutTaskConfigs(ctx context.Context, connector string, configs []map[string]string) error {
	s.mu.Lock()
	s.putTasks[connector]++
	s.mu.Unlock()
	return s.ConfigStore.PutTaskConfigs(ctx, connector, configs)
}

// taskConfigWrites is how many times the herder wrote c's task configs.
func (s *recConfigStore) taskConfigWrites(c string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.putTasks[c]
}

type recOffsetStore struct {
	*memstore.OffsetStore
	events    *eventLog
	failStart error
}

func (s *recOffsetStore) Start(ctx context.Context) error {
	s.events.add("start offset store")
	if s.failStart != nil {
		return s.failStart
	}
	return s.OffsetStore.Start(ctx)
}

func (s *recOffsetStore) Stop(ctx context.Context) error {
	s.events.add("stop offset store")
	return s.OffsetStore.Stop(ctx)
}

type recStatusStore struct {
	*memstore.StatusStore
	events    *eventLog
	failStart error
}

func (s *recStatusStore) Start(ctx context.Context) error {
	s.events.add("start status store")
	if s.failStart != nil {
		return s.failStart
	}
	return s.StatusStore.Start(ctx)
}

func (s *recStatusStore) Stop(ctx context.Context) error {
	s.events.add("stop status store")
	return s.StatusStore.Stop(ctx)
}
