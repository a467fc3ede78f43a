package runtime

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/producer"
	"github.com/ferrykafka/ferry/storage"
)

// retriableBackoff is how long the poll loop waits after a retriable error.
const retriableBackoff = 100 * time.Millisecond

// workerTask runs one source task: the poll loop (this goroutine converts
// and hands records to the producer), the acknowledgement loop (producer
// successes and errors), and the offset-commit ticker.
type workerTask struct {
	w         *Worker
	id        storage.ConnectorTaskID
	connProps map[string]string // references resolved
	taskProps map[string]string // references resolved
	settings  ConnectorSettings
	task      connect.SourceTask
	conv      *recordConverter
	log       zerolog.Logger
	plugLog   zerolog.Logger // the plugin's own logger, named after its task class
	// running is set while the task polls (RUNNING); problem is what the
	// task reported through connect.ProblemReporter.
	running   atomic.Bool
	problemMu sync.Mutex
	problem   string

	producer  *producer.Producer
	submitted *submittedRecords
	// partKeys caches the offsets-topic keys of the source partitions
	// (sendBatch, on the poll goroutine).
	partKeys *partitionKeys
	// batch, subs and recs are sendBatch's scratch lists (poll goroutine).
	batch []*inflight
	subs  []*submittedRecord
	recs  []*producer.Record
	// ackMu serialises the acknowledgement and error loops' calls into the
	// task (CommitRecord), as Java's single producer callback thread does.
	ackMu sync.Mutex

	targets chan storage.TargetState // capacity 1: the latest wins
	quit    chan struct{}            // closed by shutdown
	done    chan struct{}            // closed when run returns

	failOnce sync.Once
	failErr  chan error // the first fatal error from the ack loop

	// startedAt is when Start returned; firstPoll and firstAck say
	// whether the first records were polled and acknowledged since (each
	// logged once at debug level: where start-up time goes).
	startedAt atomic.Int64
	firstPoll bool // poll goroutine
	firstAck  bool // ack goroutine

	// cancelled is set when shutdown gives up waiting: the abandoned task
	// may finish later, after a new instance of it started (here or on
	// another worker), so it must not write its final status then (Java's
	// WorkerTask.cancel).
	cancelled atomic.Bool

	commitMu sync.Mutex // serialises offset commits

	// storedProps is the task config as stored (references unresolved).
	storedProps map[string]string
}

func newWorkerTask(w *Worker, id storage.ConnectorTaskID, connProps, taskProps map[string]string) (*workerTask, error) {
	settings, err := ParseConnectorSettings(connProps)
	if err != nil {
		return nil, err
	}
	plugin, err := w.registry.Task(taskProps[KeyTaskClass])
	if err != nil {
		// Tasks written without task.class (or by another Connect
		// implementation) still resolve through the connector class.
		p, cerr := w.registry.Connector(settings.Class)
		if cerr != nil {
			return nil, err
		}
		plugin = p
	}
	if plugin.NewSourceTask == nil {
		return nil, fmt.Errorf("connector class %s has no source task", plugin.Class)
	}
	conv, err := newRecordConverter(w.cfg, settings, connProps)
	if err != nil {
		return nil, err
	}
	return &workerTask{
		w:         w,
		id:        id,
		connProps: maps.Clone(connProps),
		taskProps: maps.Clone(taskProps),
		settings:  settings,
		task:      plugin.NewSourceTask(),
		conv:      conv,
		log:       w.named(loggerWorkerSourceTask).With().Str("connector", id.Connector).Int("task", id.Task).Logger(),
		plugLog:   w.named(plugin.TaskClass).With().Str("connector", id.Connector).Int("task", id.Task).Logger(),
		submitted: newSubmittedRecords(),
		partKeys:  newPartitionKeys(),
		targets:   make(chan storage.TargetState, 1),
		quit:      make(chan struct{}),
		done:      make(chan struct{}),
		failErr:   make(chan error, 1),
	}, nil
}

func (t *workerTask) start(target storage.TargetState) {
	t.transition(target)
	go t.run()
}

func (t *workerTask) transition(target storage.TargetState) {
	for {
		select {
		case t.targets <- target:
			return
		default:
		}
		select {
		case <-t.targets:
		default:
		}
	}
}

func (t *workerTask) status(state storage.State, tr string) storage.Status {
	return withPluginVersion(storage.TaskStatus(t.id, state, tr, t.w.cfg.WorkerID, t.w.currentGeneration()), t.task.Version())
}

// shutdown asks the task to stop and waits for it, at most
// task.shutdown.graceful.timeout.ms (or ctx).
func (t *workerTask) shutdown(ctx context.Context) {
	close(t.quit)
	timer := time.NewTimer(t.w.cfg.TaskShutdownTimeout + t.w.cfg.OffsetFlushTimeout)
	defer timer.Stop()
	select {
	case <-t.done:
	case <-timer.C:
		t.cancelled.Store(true)
		t.log.Error().Msg("task did not stop within task.shutdown.graceful.timeout.ms; abandoning it")
	case <-ctx.Done():
		t.cancelled.Store(true)
		t.log.Error().Msg("task did not stop before the worker's deadline; abandoning it")
	}
}

// fail records the first fatal error raised outside the poll goroutine.
func (t *workerTask) fail(err error) {
	t.failOnce.Do(func() { t.failErr <- err })
}

func (t *workerTask) run() {
	defer close(t.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-t.quit:
			cancel()
		case <-ctx.Done():
		}
	}()

	err := t.execute(ctx)
	if t.cancelled.Load() {
		t.log.Warn().Err(err).Msg("abandoned task finished; not reporting its status")
		return
	}
	if err != nil {
		t.log.Error().Err(err).Msg("task failed")
		t.w.putStatus(t.status(storage.StateFailed, trace(err)), true)
		return
	}
	t.w.putStatus(t.status(storage.StateUnassigned, ""), true)
	t.log.Info().Msg("task stopped")
}

// execute runs the task to completion; a non-nil error means FAILED.
func (t *workerTask) execute(ctx context.Context) (err error) {
	// Bad producer settings fail the task before it starts (as Java's
	// worker does); the producer's client then connects while the task
	// starts: nothing is sent before Start returns, and each takes round
	// trips to a broker.
	settings, err := parseTaskProducer(producerProps(t.w.cfg.ProducerProps, t.connProps),
		fmt.Sprintf("%sconnector-producer-%s-%d", t.w.cfg.ClientIDPrefix, t.id.Connector, t.id.Task), t.log)
	if err != nil {
		return fmt.Errorf("task %s could not create its producer: %w", t.id, err)
	}
	type made struct {
		p   *producer.Producer
		err error
	}
	producerMade := make(chan made, 1)
	go func() {
		p, err := settings.connect()
		producerMade <- made{p, err}
	}()
	tctx := &taskContext{t: t}
	startErr := t.task.Start(ctx, tctx, maps.Clone(t.taskProps))
	m := <-producerMade
	var acks sync.WaitGroup
	started := false
	defer func() {
		// Flush what was acknowledged even when failing (as Java does),
		// then release everything. A task whose Start failed never ran:
		// there is nothing to flush and its Commit must not be called,
		// but it is still stopped so it can release what Start acquired.
		if started {
			t.finalCommit()
		}
		stopCtx, done := context.WithTimeout(context.Background(), t.w.cfg.TaskShutdownTimeout)
		if serr := t.task.Stop(stopCtx); serr != nil {
			t.log.Error().Err(serr).Msg("task stop failed")
		}
		done()
		if m.p != nil {
			m.p.Close()
		}
		acks.Wait()
	}()
	if m.err != nil {
		return fmt.Errorf("task %s could not create its producer: %w", t.id, m.err)
	}
	t.producer = m.p
	acks.Add(1)
	go func() {
		defer acks.Done()
		t.ackLoop()
	}()
	if startErr != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("task %s failed to start: %w", t.id, startErr)
	}
	started = true
	t.startedAt.Store(time.Now().UnixNano())
	t.log.Info().Msg("task started")

	// The committer has its own context: ctx is only cancelled when the
	// task is asked to stop, so a task that fails on its own must stop the
	// committer itself before waiting for it.
	commitCtx, stopCommitter := context.WithCancel(ctx)
	commitDone := make(chan struct{})
	go func() {
		defer close(commitDone)
		committer := time.NewTicker(t.w.cfg.OffsetFlushInterval)
		defer committer.Stop()
		for {
			select {
			case <-commitCtx.Done():
				return
			case <-committer.C:
				t.commitOffsets()
			}
		}
	}()
	defer func() {
		stopCommitter()
		<-commitDone
	}()
	return t.pollLoop(ctx)
}

func (t *workerTask) pollLoop(ctx context.Context) error {
	target := <-t.targets
	for {
		select {
		case target = <-t.targets:
		default:
		}
		switch target {
		case storage.TargetPaused, storage.TargetStopped:
			t.running.Store(false)
			t.w.putStatus(t.status(storage.StatePaused, ""), false)
			t.log.Info().Msg("task paused")
			select {
			case target = <-t.targets:
				continue
			case err := <-t.failErr:
				return err
			case <-ctx.Done():
				return nil
			}
		}
		t.running.Store(true)
		t.w.putStatus(t.runningStatus(), false)
		err := t.runUntilTargetChanges(ctx, &target)
		if err != nil || ctx.Err() != nil {
			t.running.Store(false)
			return err
		}
	}
}

// runUntilTargetChanges polls and sends until the target state changes, the
// task is stopped (nil) or fails (error).
func (t *workerTask) runUntilTargetChanges(ctx context.Context, target *storage.TargetState) error {
	for {
		select {
		case nt := <-t.targets:
			if nt != storage.TargetStarted {
				*target = nt
				return nil
			}
		case err := <-t.failErr:
			return err
		case <-ctx.Done():
			return nil
		default:
		}
		records, err := t.task.Poll(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, connect.ErrRetriable) {
				t.log.Warn().Err(err).Msg("poll failed with a retriable error; retrying")
				select {
				case <-time.After(retriableBackoff):
				case <-ctx.Done():
				}
				continue
			}
			return fmt.Errorf("task %s poll failed: %w", t.id, err)
		}
		if len(records) > 0 && !t.firstPoll {
			t.firstPoll = true
			t.log.Debug().Int("records", len(records)).Dur("since_start", t.sinceStart()).Msg("first records polled")
		}
		if err := t.sendBatch(ctx, records); err != nil {
			return err
		}
	}
}

// sinceStart is the time since the task's Start returned.
func (t *workerTask) sinceStart() time.Duration {
	return time.Since(time.Unix(0, t.startedAt.Load()))
}

// formatSourceMap writes a source partition or offset as Java's
// Map.toString does ({key=value, ...}), keys sorted; "null" for none.
func formatSourceMap(m map[string]any) string {
	if m == nil {
		return "null"
	}
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%v", k, m[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func (t *workerTask) commitRecord(ctx context.Context, rec *connect.SourceRecord, meta *connect.RecordMetadata) {
	if err := t.task.CommitRecord(ctx, rec, meta); err != nil {
		t.log.Warn().Err(err).Msg("task commitRecord failed")
	}
}

func (t *workerTask) logSkipped(rec *connect.SourceRecord, err error) {
	if !t.settings.LogErrors {
		return
	}
	ev := t.log.Warn().Err(err)
	if t.settings.LogErrorMessages {
		ev = ev.Str("topic", rec.Topic).Interface("source_partition", rec.SourcePartition).Interface("source_offset", rec.Offset())
	}
	ev.Msg("skipping a record (errors.tolerance=all)")
}

// commitOffsets writes the offsets of every acknowledged prefix, then lets
// the task commit (Java's commitOffsets + task.commit()).
func (t *workerTask) commitOffsets() bool {
	t.commitMu.Lock()
	defer t.commitMu.Unlock()
	offsets := t.submitted.committable()
	if len(offsets) > 0 {
		entries, err := encodeOffsets(offsets)
		if err != nil {
			t.log.Error().Err(err).Msg("cannot encode offsets")
			return false
		}
		ctx, cancel := context.WithTimeout(context.Background(), t.w.cfg.OffsetFlushTimeout)
		err = t.w.offsets.Set(ctx, entries)
		cancel()
		if err != nil {
			// The records stay acknowledged; their offsets are lost from
			// this snapshot, so put them back for the next attempt.
			t.submitted.requeue(offsets)
			t.log.Error().Err(err).Int("partitions", len(offsets)).Msg("failed to flush offsets; will retry at the next interval")
			return false
		}
		t.log.Debug().Int("partitions", len(offsets)).Msg("flushed offsets")
	}
	if err := t.task.Commit(context.Background()); err != nil {
		t.log.Warn().Err(err).Msg("task commit failed")
	}
	return true
}

// finalCommit waits (up to offset.flush.timeout.ms) for outstanding records
// to be acknowledged, then commits what can be committed.
func (t *workerTask) finalCommit() {
	if t.producer == nil {
		return
	}
	timer := time.NewTimer(t.w.cfg.OffsetFlushTimeout)
	defer timer.Stop()
	select {
	case <-t.submitted.drainedCh():
	case <-timer.C:
		t.log.Warn().Int("unacknowledged", t.submitted.pending()).Msg("records still unacknowledged at shutdown; their offsets are not committed and they will be copied again")
	}
	t.commitOffsets()
}

// taskContext is the connect.SourceTaskContext of one task.
type taskContext struct{ t *workerTask }

func (c *taskContext) Offsets() connect.OffsetReader {
	return offsetReader{connector: c.t.id.Connector, store: c.t.w.offsets}
}

func (c *taskContext) Logger() zerolog.Logger { return c.t.plugLog }

// ReportProblem implements connect.ProblemReporter: while the task runs,
// its RUNNING status carries msg as the trace (cleared by "").
func (c *taskContext) ReportProblem(msg string) {
	t := c.t
	t.problemMu.Lock()
	defer t.problemMu.Unlock()
	if t.problem == msg {
		return
	}
	t.problem = msg
	if t.running.Load() {
		t.w.putStatus(t.status(storage.StateRunning, msg), false)
	}
}

// runningStatus is the RUNNING status with the problem the task reported,
// if any.
func (t *workerTask) runningStatus() storage.Status {
	t.problemMu.Lock()
	defer t.problemMu.Unlock()
	return t.status(storage.StateRunning, t.problem)
}
