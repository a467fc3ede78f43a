package runtime

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sort"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/configprovider"
	"github.com/ferrykafka/ferry/storage"
)

// ConverterConfig names a converter class and its own properties.
type ConverterConfig struct {
	Class string
	Props map[string]string
}

// Config holds the worker settings the runtime needs.
type Config struct {
	// WorkerID is written into every status (host:port of the REST URL).
	WorkerID string
	// OffsetFlushInterval is offset.flush.interval.ms.
	OffsetFlushInterval time.Duration
	// OffsetFlushTimeout is offset.flush.timeout.ms.
	OffsetFlushTimeout time.Duration
	// TaskShutdownTimeout is task.shutdown.graceful.timeout.ms.
	TaskShutdownTimeout time.Duration
	// ProducerProps are the Java client properties of task producers
	// (worker client keys with producer.* overrides applied).
	ProducerProps map[string]string
	// ClientIDPrefix prefixes producer client ids (Java uses
	// "connector-producer-<connector>-<task>").
	ClientIDPrefix string
	// Loggers, when set, returns the logger named name (Java's class
	// names, e.g. org.apache.kafka.connect.runtime.WorkerSourceTask or a
	// plugin's class) so operators can change levels per component
	// (GET/PUT /admin/loggers). Unset: every logger derives from the
	// worker's.
	Loggers func(name string) zerolog.Logger
	// TopicTracking is topic.tracking.enable: tasks record the topics
	// they produce to in the status topic (KIP-558).
	TopicTracking bool
	// Worker-level converters; connectors may override them.
	KeyConverter, ValueConverter, HeaderConverter ConverterConfig
	// ConfigTransformer holds the worker's config providers
	// (workerconfig's Config.ConfigTransformer). The worker resolves the
	// ${provider:[path:]key} references of connector and task configs
	// with it when it starts them, as Java's WorkerConfigTransformer
	// does; the configs the herder stores keep the references. nil
	// resolves nothing.
	ConfigTransformer *configprovider.Transformer
}

// Worker runs connector and task instances. Its methods are safe for
// concurrent use; the herder is its only caller.
type Worker struct {
	cfg      Config
	registry *connect.Registry
	offsets  storage.OffsetStore
	statuses storage.StatusStore
	log      zerolog.Logger

	mu         sync.Mutex
	generation int32
	connectors map[string]*workerConnector
	tasks      map[storage.ConnectorTaskID]*workerTask
}

// New returns a worker; nothing runs until StartConnector or StartTask. log
// is expected to carry the worker_id field already.
func New(cfg Config, registry *connect.Registry, offsets storage.OffsetStore, statuses storage.StatusStore, log zerolog.Logger) *Worker {
	if cfg.OffsetFlushInterval <= 0 {
		cfg.OffsetFlushInterval = time.Minute
	}
	if cfg.OffsetFlushTimeout <= 0 {
		cfg.OffsetFlushTimeout = 5 * time.Second
	}
	if cfg.TaskShutdownTimeout <= 0 {
		cfg.TaskShutdownTimeout = 5 * time.Second
	}
	return &Worker{
		cfg:        cfg,
		registry:   registry,
		offsets:    offsets,
		statuses:   statuses,
		log:        log,
		connectors: map[string]*workerConnector{},
		tasks:      map[storage.ConnectorTaskID]*workerTask{},
	}
}

// WorkerID returns the id written into statuses.
func (w *Worker) WorkerID() string { return w.cfg.WorkerID }

// SetGeneration sets the group generation written into statuses.
func (w *Worker) SetGeneration(g int32) {
	w.mu.Lock()
	w.generation = g
	w.mu.Unlock()
}

func (w *Worker) currentGeneration() int32 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.generation
}

// ConnectorEvents receives what happens to a connector instance; the herder
// implements it and must only record the event and wake its own loop.
type ConnectorEvents interface {
	// ConnectorStarted: the connector is running and can produce task
	// configs.
	ConnectorStarted(connector string)
	// TaskReconfigurationRequested: the connector asked for TaskConfigs to
	// be called again.
	TaskReconfigurationRequested(connector string)
}

// TransformConfig returns props with the references the worker's config
// providers resolve replaced (Config.ConfigTransformer; a copy of props
// without one). The herder uses it where Java hands a connector its
// resolved config outside the worker: validation and offset changes.
func (w *Worker) TransformConfig(props map[string]string) (map[string]string, error) {
	return w.cfg.ConfigTransformer.Transform(props)
}

// StartConnector creates a connector instance and moves it to the target
// state in its own goroutine. props is the connector's config as stored;
// the connector gets it with its references resolved (TransformConfig).
// Errors here are configuration errors, a reference that cannot be
// resolved included; a failure inside the connector's Start is reported
// through its status.
func (w *Worker) StartConnector(name string, props map[string]string, target storage.TargetState, events ConnectorEvents) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.connectors[name]; ok {
		return fmt.Errorf("connector %s is already running on this worker", name)
	}
	resolved, err := w.TransformConfig(props)
	if err != nil {
		w.putStatus(storage.ConnectorStatus(name, storage.StateFailed, err.Error(), w.cfg.WorkerID, w.generation), true)
		return fmt.Errorf("connector %s: %w", name, err)
	}
	settings, err := ParseConnectorSettings(resolved)
	if err != nil {
		w.putStatus(storage.ConnectorStatus(name, storage.StateFailed, err.Error(), w.cfg.WorkerID, w.generation), true)
		return fmt.Errorf("connector %s: %w", name, err)
	}
	plugin, err := w.registry.Connector(settings.Class)
	if err != nil {
		w.putStatus(storage.ConnectorStatus(name, storage.StateFailed, err.Error(), w.cfg.WorkerID, w.generation), true)
		return fmt.Errorf("connector %s: %w", name, err)
	}
	wc := newWorkerConnector(w, name, props, resolved, settings, plugin, events)
	w.connectors[name] = wc
	wc.start(target)
	return nil
}

// StopConnector stops a connector instance and waits for it (bounded by ctx).
func (w *Worker) StopConnector(ctx context.Context, name string) {
	w.mu.Lock()
	wc := w.connectors[name]
	delete(w.connectors, name)
	w.mu.Unlock()
	if wc != nil {
		wc.shutdown(ctx)
	}
}

// SetConnectorTargetState pauses, stops or resumes a running connector.
func (w *Worker) SetConnectorTargetState(name string, target storage.TargetState) {
	w.mu.Lock()
	wc := w.connectors[name]
	w.mu.Unlock()
	if wc != nil {
		wc.transition(target)
	}
}

// IsConnectorRunning reports whether a connector instance is started (not
// failed, paused or stopped) on this worker.
func (w *Worker) IsConnectorRunning(name string) bool {
	w.mu.Lock()
	wc := w.connectors[name]
	w.mu.Unlock()
	return wc != nil && wc.isRunning()
}

// Connectors returns the names of connector instances on this worker.
func (w *Worker) Connectors() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.connectors))
	for n := range w.connectors {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ErrConnectorNotRunning is returned when task configs are requested from a
// connector that is not started on this worker.
var ErrConnectorNotRunning = errors.New("connector is not running on this worker")

// ConnectorTaskConfigs asks a running connector for its task configs and
// adds task.class to each (as Java's Worker.connectorTaskConfigs does).
// Every key whose value in the connector's stored config is a reference
// gets that reference back (Java's reverseTransform), so the task configs
// can be stored without the resolved values.
func (w *Worker) ConnectorTaskConfigs(ctx context.Context, name string) ([]map[string]string, error) {
	w.mu.Lock()
	wc := w.connectors[name]
	w.mu.Unlock()
	if wc == nil || !wc.isRunning() {
		return nil, fmt.Errorf("connector %s: %w", name, ErrConnectorNotRunning)
	}
	return wc.taskConfigs(ctx)
}

// StartTask creates a task instance and starts its loop. connProps and
// taskProps are the configs as stored; the task (and the worker's
// converters and producer) get them with their references resolved.
func (w *Worker) StartTask(id storage.ConnectorTaskID, connProps, taskProps map[string]string, target storage.TargetState) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.tasks[id]; ok {
		return fmt.Errorf("task %s is already running on this worker", id)
	}
	resolvedConn, err := w.TransformConfig(connProps)
	var resolvedTask map[string]string
	if err == nil {
		resolvedTask, err = w.TransformConfig(taskProps)
	}
	var wt *workerTask
	if err == nil {
		wt, err = newWorkerTask(w, id, resolvedConn, resolvedTask)
	}
	if err != nil {
		w.putStatus(storage.TaskStatus(id, storage.StateFailed, err.Error(), w.cfg.WorkerID, w.generation), true)
		return fmt.Errorf("task %s: %w", id, err)
	}
	wt.storedProps = maps.Clone(taskProps)
	w.tasks[id] = wt
	wt.start(target)
	return nil
}

// StopTasks stops the given tasks concurrently and waits for all of them
// (bounded by ctx and task.shutdown.graceful.timeout.ms each).
func (w *Worker) StopTasks(ctx context.Context, ids []storage.ConnectorTaskID) {
	var wg sync.WaitGroup
	for _, id := range ids {
		w.mu.Lock()
		wt := w.tasks[id]
		delete(w.tasks, id)
		w.mu.Unlock()
		if wt == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			wt.shutdown(ctx)
		}()
	}
	wg.Wait()
}

// SetTaskTargetState pauses or resumes a running task.
func (w *Worker) SetTaskTargetState(id storage.ConnectorTaskID, target storage.TargetState) {
	w.mu.Lock()
	wt := w.tasks[id]
	w.mu.Unlock()
	if wt != nil {
		wt.transition(target)
	}
}

// Tasks returns the ids of task instances on this worker, sorted.
func (w *Worker) Tasks() []storage.ConnectorTaskID {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]storage.ConnectorTaskID, 0, len(w.tasks))
	for id := range w.tasks {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Connector != out[j].Connector {
			return out[i].Connector < out[j].Connector
		}
		return out[i].Task < out[j].Task
	})
	return out
}

// TaskConfig returns the task config a running task was started with, as
// given to StartTask (references unresolved).
func (w *Worker) TaskConfig(id storage.ConnectorTaskID) (map[string]string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	wt := w.tasks[id]
	if wt == nil {
		return nil, false
	}
	return wt.storedProps, true
}

// Stop stops every task, then every connector (tasks first, so they flush
// their offsets while the connectors' resources still exist).
func (w *Worker) Stop(ctx context.Context) {
	w.StopTasks(ctx, w.Tasks())
	for _, name := range w.Connectors() {
		w.StopConnector(ctx, name)
	}
}

// putStatus writes a status with Java's put / putSafe choice.
func (w *Worker) putStatus(s storage.Status, safe bool) {
	if safe {
		w.statuses.PutSafe(s)
	} else {
		w.statuses.Put(s)
	}
}

// Names of the runtime's own loggers (Java's classes).
const (
	loggerWorkerConnector  = "org.apache.kafka.connect.runtime.WorkerConnector"
	loggerWorkerSourceTask = "org.apache.kafka.connect.runtime.WorkerSourceTask"
)

// named returns the logger called name, or the worker's logger when the
// worker has no logger registry.
func (w *Worker) named(name string) zerolog.Logger {
	if w.cfg.Loggers == nil || name == "" {
		return w.log
	}
	return w.cfg.Loggers(name).With().Str("worker_id", w.cfg.WorkerID).Logger()
}
