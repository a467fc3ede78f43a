package herder

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"sync"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/storage"
)

// The test source connector: a plugin registered explicitly into each test's
// own registry, steered by a testPlugin the test holds.
const (
	testConnectorClass = "com.example.herdertest.TestSourceConnector"
	testTaskClass      = "com.example.herdertest.TestSourceTask"
	testTopic          = "herder-test"

	// Plugin keys. tasks and records are copied into every task config;
	// marker is a connector-only key (changing it leaves task configs as
	// they are).
	keyTopic   = "topic"
	keyTasks   = "tasks"
	keyRecords = "records"
	keyMarker  = "marker"

	// Task-config keys the connector generates.
	keyTaskConnector = "connector"
	keyTaskIndex     = "task.index"
)

// testPlugin steers and observes every instance of the test connector and
// its tasks. Safe for concurrent use.
type testPlugin struct {
	events *eventLog

	mu              sync.Mutex
	failStart       error             // returned by the connector's Start
	failTaskConfigs int               // this many next TaskConfigs calls fail
	taskCount       map[string]int    // per connector: overrides the tasks key
	extra           map[string]string // added to every generated task config
	connectors      map[string]*testConnector
	connStarts      map[string][]map[string]string // props of every Start, per connector
	connStops       map[string]int
	taskConfigCalls map[string][]time.Time
	tasks           map[storage.ConnectorTaskID]*testTask
	taskStarts      map[storage.ConnectorTaskID][]map[string]string
	taskStops       map[storage.ConnectorTaskID]int
	acked           map[storage.ConnectorTaskID]int
	pollGate        chan struct{} // when set, idle polls block until it is closed
	pollHeld        chan struct{} // signalled when a poll blocks on pollGate
}

func newTestPlugin(events *eventLog) *testPlugin {
	return &testPlugin{
		events:          events,
		taskCount:       map[string]int{},
		extra:           map[string]string{},
		connectors:      map[string]*testConnector{},
		connStarts:      map[string][]map[string]string{},
		connStops:       map[string]int{},
		taskConfigCalls: map[string][]time.Time{},
		tasks:           map[storage.ConnectorTaskID]*testTask{},
		taskStarts:      map[storage.ConnectorTaskID][]map[string]string{},
		taskStops:       map[storage.ConnectorTaskID]int{},
		acked:           map[storage.ConnectorTaskID]int{},
	}
}

func (p *testPlugin) register(r *connect.Registry) error {
	return r.RegisterConnector(connect.ConnectorPlugin{
		Class:         testConnectorClass,
		TaskClass:     testTaskClass,
		Type:          connect.PluginSource,
		Version:       "1.2.3",
		NewConnector:  func() connect.Connector { return &testConnector{p: p} },
		NewSourceTask: func() connect.SourceTask { return &testTask{p: p} },
	})
}

// testConfigDef is the plugin's own ConfigDef.
func testConfigDef() *connect.ConfigDef {
	d := connect.NewConfigDef()
	d.Define(connect.ConfigKey{Name: keyTopic, Type: connect.TypeStringConfig, Required: true, Importance: connect.ImportanceHigh,
		Doc: "Topic the tasks write to.", Group: "Test", OrderInGroup: 1})
	d.Define(connect.ConfigKey{Name: keyTasks, Type: connect.TypeIntConfig, Default: 1, Validator: connect.AtLeast(0),
		Doc: "How many task configs the connector generates (at most tasks.max).", Group: "Test", OrderInGroup: 2})
	d.Define(connect.ConfigKey{Name: keyRecords, Type: connect.TypeIntConfig, Default: 0, Validator: connect.AtLeast(0),
		Doc: "How many records each task produces.", Group: "Test", OrderInGroup: 3})
	d.Define(connect.ConfigKey{Name: keyMarker, Type: connect.TypeStringConfig, Default: "",
		Doc: "A connector-only key.", Group: "Test", OrderInGroup: 4})
	return d
}

// setFailStart makes every later connector Start fail with err (nil: succeed).
func (p *testPlugin) setFailStart(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failStart = err
}

// setFailTaskConfigs makes the next n TaskConfigs calls fail.
func (p *testPlugin) setFailTaskConfigs(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failTaskConfigs = n
}

// setTaskCount makes connector c generate n task configs (capped by
// tasks.max), whatever its tasks key says.
func (p *testPlugin) setTaskCount(c string, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.taskCount[c] = n
}

// setExtra adds k=v to every task config generated from now on.
func (p *testPlugin) setExtra(k, v string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.extra[k] = v
}

// requestReconfiguration makes the running instance of connector c call
// ConnectorContext.RequestTaskReconfiguration, as a connector does when its
// source changes.
func (p *testPlugin) requestReconfiguration(c string) error {
	p.mu.Lock()
	conn := p.connectors[c]
	p.mu.Unlock()
	if conn == nil {
		return fmt.Errorf("connector %s is not running", c)
	}
	conn.cctx.RequestTaskReconfiguration()
	return nil
}

// holdPolls makes every idle Poll block, ignoring its context (like a task
// stuck in a slow source system), until release is called. held receives
// a value each time a poll blocks.
func (p *testPlugin) holdPolls() (held <-chan struct{}, release func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	gate, h := make(chan struct{}), make(chan struct{}, 16)
	p.pollGate, p.pollHeld = gate, h
	var once sync.Once
	return h, func() { once.Do(func() { close(gate) }) }
}

func (p *testPlugin) running(c string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.connectors[c] != nil
}

func (p *testPlugin) connectorStarts(c string) []map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]map[string]string(nil), p.connStarts[c]...)
}

func (p *testPlugin) connectorStops(c string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.connStops[c]
}

func (p *testPlugin) taskConfigsCalls(c string) []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Time(nil), p.taskConfigCalls[c]...)
}

// runningTasks returns the configs of the task instances that are running
// (started and not stopped), by task id.
func (p *testPlugin) runningTasks(c string) map[int]map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[int]map[string]string{}
	for id, t := range p.tasks {
		if id.Connector == c {
			out[id.Task] = maps.Clone(t.props)
		}
	}
	return out
}

func (p *testPlugin) taskStartCount(id storage.ConnectorTaskID) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.taskStarts[id])
}

// everStartedWith reports whether any task of c was ever started with a
// config holding k=v.
func (p *testPlugin) everStartedWith(c, k, v string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for id, starts := range p.taskStarts {
		if id.Connector != c {
			continue
		}
		for _, props := range starts {
			if props[k] == v {
				return true
			}
		}
	}
	return false
}

func (p *testPlugin) ackedRecords(id storage.ConnectorTaskID) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.acked[id]
}

// generate is what the connector returns from TaskConfigs for props (before
// the runtime adds task.class).
func (p *testPlugin) generate(props map[string]string, maxTasks int) []map[string]string {
	name := props["name"]
	n := 1
	if s, ok := props[keyTasks]; ok {
		n, _ = strconv.Atoi(s)
	}
	p.mu.Lock()
	if o, ok := p.taskCount[name]; ok {
		n = o
	}
	extra := maps.Clone(p.extra)
	p.mu.Unlock()
	n = min(n, maxTasks)
	records := props[keyRecords]
	if records == "" {
		records = "0"
	}
	out := make([]map[string]string, n)
	for i := range out {
		tc := map[string]string{
			keyTaskConnector: name,
			keyTaskIndex:     strconv.Itoa(i),
			keyTopic:         props[keyTopic],
			keyRecords:       records,
		}
		maps.Copy(tc, extra)
		out[i] = tc
	}
	return out
}

// committed is what the config topic holds once the herder wrote the task
// configs the connector generates for props.
func (p *testPlugin) committed(props map[string]string, maxTasks int) []map[string]string {
	out := p.generate(props, maxTasks)
	for _, tc := range out {
		tc["task.class"] = testTaskClass
	}
	return out
}

// testConnector is one connector instance.
type testConnector struct {
	connect.SourceConnectorBase
	p     *testPlugin
	name  string
	props map[string]string
	cctx  connect.ConnectorContext
}

func (c *testConnector) Version() string            { return "1.2.3" }
func (c *testConnector) Config() *connect.ConfigDef { return testConfigDef() }

func (c *testConnector) Start(_ context.Context, cctx connect.ConnectorContext, props map[string]string) error {
	c.name, c.props, c.cctx = props["name"], maps.Clone(props), cctx
	p := c.p
	p.mu.Lock()
	defer p.mu.Unlock()
	p.connStarts[c.name] = append(p.connStarts[c.name], maps.Clone(props))
	if p.failStart != nil {
		return p.failStart
	}
	p.connectors[c.name] = c
	p.events.add("start connector " + c.name)
	return nil
}

func (c *testConnector) TaskConfigs(_ context.Context, maxTasks int) ([]map[string]string, error) {
	p := c.p
	p.mu.Lock()
	p.taskConfigCalls[c.name] = append(p.taskConfigCalls[c.name], time.Now())
	if p.failTaskConfigs > 0 {
		p.failTaskConfigs--
		p.mu.Unlock()
		return nil, errors.New("source system unavailable")
	}
	p.mu.Unlock()
	return p.generate(c.props, maxTasks), nil
}

func (c *testConnector) Stop(context.Context) error {
	p := c.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.connectors[c.name] == c {
		delete(p.connectors, c.name)
	}
	p.connStops[c.name]++
	p.events.add("stop connector " + c.name)
	return nil
}

// testTask is one task instance: it produces the configured number of
// records, one source partition per task, then idles.
type testTask struct {
	p     *testPlugin
	id    storage.ConnectorTaskID
	props map[string]string
	total int
	sent  int
}

func (t *testTask) Version() string { return "1.2.3" }

func (t *testTask) Start(_ context.Context, _ connect.SourceTaskContext, props map[string]string) error {
	idx, err := strconv.Atoi(props[keyTaskIndex])
	if err != nil {
		return fmt.Errorf("task config without %s: %v", keyTaskIndex, props)
	}
	t.id = storage.ConnectorTaskID{Connector: props[keyTaskConnector], Task: idx}
	t.props = maps.Clone(props)
	t.total, _ = strconv.Atoi(props[keyRecords])
	p := t.p
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tasks[t.id] = t
	p.taskStarts[t.id] = append(p.taskStarts[t.id], maps.Clone(props))
	return nil
}

func (t *testTask) Poll(ctx context.Context) ([]*connect.SourceRecord, error) {
	if t.sent < t.total {
		var out []*connect.SourceRecord
		for ; t.sent < t.total; t.sent++ {
			out = append(out, &connect.SourceRecord{
				SourcePartition: map[string]any{"task": int64(t.id.Task)},
				SourceOffset:    map[string]any{"pos": int64(t.sent)},
				Topic:           t.props[keyTopic],
				Value:           fmt.Sprintf("%s-%d", t.id, t.sent),
			})
		}
		return out, nil
	}
	t.p.mu.Lock()
	gate, held := t.p.pollGate, t.p.pollHeld
	t.p.mu.Unlock()
	if gate != nil {
		select {
		case held <- struct{}{}:
		default:
		}
		<-gate
		return nil, nil
	}
	// A source with nothing new: wait a little, as a real poll does, so
	// the runtime can notice target-state changes between polls.
	timer := time.NewTimer(10 * time.Millisecond)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	}
	return nil, nil
}

func (t *testTask) Commit(context.Context) error { return nil }

func (t *testTask) CommitRecord(_ context.Context, _ *connect.SourceRecord, meta *connect.RecordMetadata) error {
	if meta == nil {
		return nil
	}
	t.p.mu.Lock()
	defer t.p.mu.Unlock()
	t.p.acked[t.id]++
	return nil
}

func (t *testTask) Stop(context.Context) error {
	p := t.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tasks[t.id] == t {
		delete(p.tasks, t.id)
	}
	p.taskStops[t.id]++
	p.events.add("stop task " + t.id.String())
	return nil
}
