package runtime

import (
	"context"
	"fmt"
	"maps"
	"sync"

	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/configprovider"
	"github.com/ferrykafka/ferry/storage"
)

// connState is where a connector instance is in its lifecycle.
type connState int

const (
	connInit connState = iota
	connStarted
	connPaused
	connStopped
	connFailed
)

// workerConnector runs one connector instance. A single goroutine applies
// target-state transitions in order, so Start and Stop of the plugin never
// run concurrently.
type workerConnector struct {
	w        *Worker
	name     string
	raw      map[string]string // the config as stored: references unresolved
	props    map[string]string // the config the plugin gets: references resolved
	settings ConnectorSettings
	plugin   *connect.ConnectorPlugin
	conn     connect.Connector
	events   ConnectorEvents
	log      zerolog.Logger
	plugLog  zerolog.Logger // the plugin's own logger, named after its class

	targets chan storage.TargetState // capacity 1: the latest wins
	quit    chan struct{}
	done    chan struct{}

	// raised carries the first external failure (RaiseError, tasks.max
	// enforcement) to the run goroutine, which alone applies state
	// changes: failing inline from another goroutine could be overwritten
	// by a transition in progress (a RUNNING written after a RaiseError
	// made inside Start).
	raised    chan error // capacity 1
	raiseOnce sync.Once

	mu     sync.Mutex
	state  connState
	cancel context.CancelFunc // cancels the context given to Start
}

func newWorkerConnector(w *Worker, name string, raw, props map[string]string, settings ConnectorSettings, plugin *connect.ConnectorPlugin, events ConnectorEvents) *workerConnector {
	return &workerConnector{
		w:        w,
		name:     name,
		raw:      maps.Clone(raw),
		props:    maps.Clone(props),
		settings: settings,
		plugin:   plugin,
		conn:     plugin.NewConnector(),
		events:   events,
		log:      w.named(loggerWorkerConnector).With().Str("connector", name).Logger(),
		plugLog:  w.named(plugin.Class).With().Str("connector", name).Logger(),
		targets:  make(chan storage.TargetState, 1),
		quit:     make(chan struct{}),
		done:     make(chan struct{}),
		raised:   make(chan error, 1),
	}
}

func (wc *workerConnector) start(target storage.TargetState) {
	wc.transition(target)
	go wc.run()
}

// transition queues a target state; an unapplied older one is replaced.
func (wc *workerConnector) transition(target storage.TargetState) {
	for {
		select {
		case wc.targets <- target:
			return
		default:
		}
		select {
		case <-wc.targets:
		default:
		}
	}
}

func (wc *workerConnector) run() {
	defer close(wc.done)
	for {
		select {
		case t := <-wc.targets:
			wc.apply(t)
		case err := <-wc.raised:
			wc.fail(err)
		case <-wc.quit:
			wc.stopPlugin()
			wc.w.putStatus(wc.status(storage.StateUnassigned, ""), true)
			wc.log.Info().Msg("connector stopped")
			return
		}
	}
}

func (wc *workerConnector) apply(target storage.TargetState) {
	switch target {
	case storage.TargetStarted:
		if wc.getState() == connStarted || wc.getState() == connFailed {
			return
		}
		ctx, cancel := context.WithCancel(context.Background())
		wc.mu.Lock()
		wc.cancel = cancel
		wc.mu.Unlock()
		wc.log.Info().Str("class", wc.plugin.Class).Msg("starting connector")
		if err := wc.conn.Start(ctx, &connectorContext{wc: wc}, maps.Clone(wc.props)); err != nil {
			cancel()
			wc.fail(fmt.Errorf("connector %s failed to start: %w", wc.name, err))
			return
		}
		wc.setState(connStarted)
		wc.w.putStatus(wc.status(storage.StateRunning, ""), false)
		wc.log.Info().Msg("connector running")
		wc.events.ConnectorStarted(wc.name)
	case storage.TargetPaused, storage.TargetStopped:
		wc.stopPlugin()
		st, state := connPaused, storage.StatePaused
		if target == storage.TargetStopped {
			st, state = connStopped, storage.StateStopped
		}
		// A failed connector stays FAILED when paused, but may be
		// stopped (Java's WorkerConnector.doTransitionTo edge case), e.g.
		// so that its offsets can be altered.
		if wc.getState() == connFailed && target != storage.TargetStopped {
			return
		}
		wc.setState(st)
		wc.w.putStatus(wc.status(state, ""), false)
		wc.log.Info().Str("state", string(state)).Msg("connector transitioned")
	}
}

// stopPlugin stops the plugin if it was started.
func (wc *workerConnector) stopPlugin() {
	wc.mu.Lock()
	started := wc.state == connStarted || (wc.state == connFailed && wc.cancel != nil)
	cancel := wc.cancel
	wc.cancel = nil
	wc.mu.Unlock()
	if !started {
		return
	}
	ctx, done := context.WithTimeout(context.Background(), wc.w.cfg.TaskShutdownTimeout)
	defer done()
	if err := wc.conn.Stop(ctx); err != nil {
		wc.log.Error().Err(err).Msg("connector stop failed")
	}
	if cancel != nil {
		cancel()
	}
}

// fail marks the connector FAILED; like Java's onFailure, an earlier
// failure's trace is not overwritten. Only the run goroutine calls it.
func (wc *workerConnector) fail(err error) {
	wc.mu.Lock()
	already := wc.state == connFailed
	wc.state = connFailed
	wc.mu.Unlock()
	if already {
		wc.log.Warn().Err(err).Msg("connector failed again; keeping the first failure")
		return
	}
	wc.log.Error().Err(err).Msg("connector failed")
	wc.w.putStatus(wc.status(storage.StateFailed, trace(err)), true)
}

// raise fails the connector from any goroutine; only the first error is
// kept (Java's WorkerConnector.fail).
func (wc *workerConnector) raise(err error) {
	wc.raiseOnce.Do(func() { wc.raised <- err })
}

func (wc *workerConnector) shutdown(ctx context.Context) {
	close(wc.quit)
	select {
	case <-wc.done:
	case <-ctx.Done():
		wc.log.Warn().Msg("connector did not stop before the deadline; abandoning it")
	}
}

func (wc *workerConnector) status(state storage.State, trace string) storage.Status {
	return withPluginVersion(storage.ConnectorStatus(wc.name, state, trace, wc.w.cfg.WorkerID, wc.w.currentGeneration()), wc.conn.Version())
}

// withPluginVersion sets the plugin version on a status as Kafka 4.1+ does
// (Worker.connectorVersion / taskVersion): known while the instance is
// registered with the worker, so not on the UNASSIGNED written once it is
// gone.
func withPluginVersion(s storage.Status, version string) storage.Status {
	if s.State == storage.StateUnassigned {
		return s
	}
	return s.WithVersion(version)
}

func (wc *workerConnector) getState() connState {
	wc.mu.Lock()
	defer wc.mu.Unlock()
	return wc.state
}

func (wc *workerConnector) setState(s connState) {
	wc.mu.Lock()
	wc.state = s
	wc.mu.Unlock()
}

func (wc *workerConnector) isRunning() bool { return wc.getState() == connStarted }

// taskConfigs calls the connector, stamps task.class on every config and
// puts the references of the stored connector config back.
func (wc *workerConnector) taskConfigs(ctx context.Context) ([]map[string]string, error) {
	configs, err := wc.conn.TaskConfigs(ctx, wc.settings.TasksMax)
	if err != nil {
		return nil, fmt.Errorf("connector %s could not generate task configs: %w", wc.name, err)
	}
	if len(configs) > wc.settings.TasksMax {
		if wc.settings.TasksMaxEnforce {
			err := tooManyTasks(wc.name, len(configs), wc.settings.TasksMax)
			wc.raise(err)
			return nil, err
		}
		wc.log.Warn().Int("tasks", len(configs)).Int("tasks_max", wc.settings.TasksMax).
			Msg("the connector generated more task configs than tasks.max; tasks.max.enforce=false lets it")
	}
	out := make([]map[string]string, len(configs))
	for i, c := range configs {
		tc := maps.Clone(c)
		if tc == nil {
			tc = map[string]string{}
		}
		tc[KeyTaskClass] = wc.plugin.TaskClass
		out[i] = tc
	}
	return configprovider.ReverseTransform(wc.raw, out), nil
}

// connectorContext is the connect.ConnectorContext of one instance.
type connectorContext struct{ wc *workerConnector }

func (c *connectorContext) RequestTaskReconfiguration() {
	c.wc.events.TaskReconfigurationRequested(c.wc.name)
}

func (c *connectorContext) RaiseError(err error) {
	c.wc.raise(fmt.Errorf("connector %s raised an error: %w", c.wc.name, err))
}

// tooManyTasks is Java's TooManyTasksException, word for word.
func tooManyTasks(connector string, tasks, max int) error {
	return fmt.Errorf("The connector %s has generated %d tasks, which is greater than %d, "+
		"the maximum number of tasks it is configured to create. "+
		"This behaviour should be considered a bug and is disallowed. "+
		"If necessary, it can be permitted by reconfiguring the connector "+
		"with '%s' set to false; however, this option will be removed in a "+
		"future release of Kafka Connect.", connector, tasks, max, KeyTasksMaxEnforce)
}

func (c *connectorContext) Logger() zerolog.Logger { return c.wc.plugLog }

// trace renders an error for the status topic's trace field.
func trace(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
