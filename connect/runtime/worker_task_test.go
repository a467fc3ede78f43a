package runtime

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/test/testkit"
)

// seqOf returns the seq header of a produced record.
func seqOf(t *testing.T, m *sarama.ConsumerMessage) int64 {
	t.Helper()
	v, ok := header(m, "seq")
	if !ok {
		t.Fatalf("record %s/%d@%d has no seq header", m.Topic, m.Partition, m.Offset)
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// seqs returns the seq headers of records, sorted.
func seqs(t *testing.T, ms []*sarama.ConsumerMessage) []int64 {
	t.Helper()
	var out []int64
	for _, m := range ms {
		out = append(out, seqOf(t, m))
	}
	slices.Sort(out)
	return out
}

func seqRange(from, to int64, skip ...int64) []int64 {
	var out []int64
	for i := from; i < to; i++ {
		if !slices.Contains(skip, i) {
			out = append(out, i)
		}
	}
	return out
}

func waitCommitted(t *testing.T, p *probe, task, n int) []committedRecord {
	t.Helper()
	var got []committedRecord
	testkit.Eventually(t, 15*time.Second, func() error {
		got = p.committedRecords(task)
		if len(got) < n {
			return fmt.Errorf("%d records committed, want %d", len(got), n)
		}
		return nil
	})
	return got
}

func TestTaskDeliversRecords(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.w.SetGeneration(4)
	keyed := connProps("keyed", pRecords, "6")
	explicit := connProps("explicit", pRecords, "6", pExplicitPart, "true", pBatch, "4")
	e.startTask(e.w, taskID("keyed", 0), keyed, storage.TargetStarted)
	e.startTask(e.w, taskID("explicit", 1), explicit, storage.TargetStarted)

	msgs := waitRecords(t, e.cluster.Addrs(), outTopic, 12)
	lastSeq := map[string]int64{}
	for _, m := range msgs {
		seq := seqOf(t, m)
		task := 0
		if strings.HasPrefix(string(m.Key), "k-1-") {
			task = 1
		}
		if want := fmt.Sprintf("k-%d-%d", task, seq); string(m.Key) != want {
			t.Errorf("key = %s, want %s", m.Key, want)
		}
		if want := fmt.Sprintf("v-%d-%d", task, seq); string(m.Value) != want {
			t.Errorf("value = %s, want %s", m.Value, want)
		}
		if want := baseTime.Add(time.Duration(seq) * time.Millisecond); !m.Timestamp.Equal(want) {
			t.Errorf("timestamp of seq %d = %v, want %v", seq, m.Timestamp, want)
		}
		if v, ok := header(m, "empty"); !ok || v != nil {
			t.Errorf("header empty = %q (present %v), want present with a null value", v, ok)
		}
		wantPart := kafkaclient.KeyPartition(m.Key, outParts) // the Java producer's murmur2 choice
		if task == 1 {
			wantPart = int32(seq % outParts) // explicit
		}
		if m.Partition != wantPart {
			t.Errorf("task %d seq %d went to partition %d, want %d", task, seq, m.Partition, wantPart)
		}
		// Within a Kafka partition one task's records keep their order.
		k := fmt.Sprintf("%d/%d", task, m.Partition)
		if prev, ok := lastSeq[k]; ok && seq <= prev {
			t.Errorf("task %d partition %d: seq %d after %d", task, m.Partition, seq, prev)
		}
		lastSeq[k] = seq
	}

	// Every record was acknowledged to the task with where it was written.
	for task := range 2 {
		for _, c := range waitCommitted(t, e.probe, task, 6) {
			if c.meta == nil || c.meta.Topic != outTopic || c.meta.Offset < 0 {
				t.Errorf("task %d seq %d committed with metadata %+v", task, c.seq, c.meta)
				continue
			}
			found := false
			for _, m := range msgs {
				if m.Partition == c.meta.Partition && m.Offset == c.meta.Offset {
					found = seqOf(t, m) == c.seq
				}
			}
			if !found {
				t.Errorf("task %d seq %d: metadata %+v does not point at it", task, c.seq, c.meta)
			}
		}
	}
	for _, id := range []storage.ConnectorTaskID{taskID("keyed", 0), taskID("explicit", 1)} {
		st := e.statuses.waitState(t, id, storage.StateRunning)
		if st.WorkerID != "worker-1:8083" || st.Generation != 4 {
			t.Errorf("%s status = %+v, want this worker and generation 4", id, st)
		}
	}
}

func TestTaskFlushesOffsetsOnTheInterval(t *testing.T) {
	t.Parallel()
	e := newEnv(t, flushEvery(50*time.Millisecond))
	conn := connProps("c", pRecords, "5")
	id := taskID("c", 0)
	e.startTask(e.w, id, conn, storage.TargetStarted)
	e.waitOffset("c", map[string]any{"task": 0}, 4)
	// Flushed by the interval: the task is still running.
	if st, _ := e.statuses.last(id); st.State != storage.StateRunning {
		t.Errorf("status = %s, want RUNNING", st.State)
	}
	e.probe.with(func() {
		if e.probe.taskStops[0] != 0 {
			t.Error("the task was stopped; the offsets should come from the interval flush")
		}
	})
	testkit.Eventually(t, 5*time.Second, func() error {
		var commits int
		e.probe.with(func() { commits = e.probe.taskCommits[0] })
		if commits == 0 {
			return fmt.Errorf("SourceTask.Commit not called after a flush")
		}
		return nil
	})
}

func TestTaskFlushesOffsetsOnStopAndResumesFromThem(t *testing.T) {
	t.Parallel()
	e := newEnv(t) // offset.flush.interval.ms = 1h: only the stop flushes
	id := taskID("c", 0)
	part := map[string]any{"task": 0}
	e.startTask(e.w, id, connProps("c", pRecords, "5"), storage.TargetStarted)
	waitRecords(t, e.cluster.Addrs(), outTopic, 5)
	waitCommitted(t, e.probe, 0, 5)
	if off := e.storedOffset("c", part); off != nil {
		t.Fatalf("offset %v flushed before the interval or a stop", off)
	}
	e.stopTask(e.w, id)
	if off := e.storedOffset("c", part); off["seq"] != int64(4) {
		t.Fatalf("offset after stop = %v, want seq 4", off)
	}
	last, _ := e.statuses.last(id)
	if last.State != storage.StateUnassigned {
		t.Errorf("status after stop = %s, want UNASSIGNED", last.State)
	}
	if got := e.statuses.states(id); !slices.Equal(got, []storage.State{storage.StateRunning, storage.StateUnassigned}) {
		t.Errorf("states = %v", got)
	}
	for _, w := range e.statuses.of(id) {
		if safe := w.status.State == storage.StateUnassigned; w.safe != safe {
			t.Errorf("%s written with safe=%v; Java uses putSafe only for UNASSIGNED and FAILED", w.status.State, w.safe)
		}
	}

	// A restarted worker's task reads the flushed offset and goes on.
	w2 := e.newWorker()
	e.startTask(w2, id, connProps("c", pRecords, "9"), storage.TargetStarted)
	msgs := waitRecords(t, e.cluster.Addrs(), outTopic, 9)
	e.probe.with(func() {
		if got := e.probe.startOffset[0]; got["seq"] != int64(4) {
			t.Errorf("the restarted task read offset %v, want seq 4", got)
		}
	})
	if got := seqs(t, msgs); !slices.Equal(got, seqRange(0, 9)) {
		t.Errorf("seqs in Kafka = %v, want 0..8 once each", got)
	}
	e.stopTask(w2, id)
	if off := e.storedOffset("c", part); off["seq"] != int64(8) {
		t.Errorf("offset after the second stop = %v, want seq 8", off)
	}
}

// Records without a source partition are stored under ["<connector>",null],
// the key Java writes.
func TestTaskStoresNullSourcePartition(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := taskID("c", 0)
	e.startTask(e.w, id, connProps("c", pRecords, "3", pNullPartition, "true"), storage.TargetStarted)
	waitRecords(t, e.cluster.Addrs(), outTopic, 3)
	e.stopTask(e.w, id)
	if off := e.storedOffset("c", nil); off["seq"] != int64(2) {
		t.Errorf(`offset under ["c",null] = %v, want seq 2`, off)
	}
}

func TestTaskPauseAndResume(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := taskID("c", 0)
	e.startTask(e.w, id, connProps("c", pRecords, "4"), storage.TargetPaused)
	e.statuses.waitState(t, id, storage.StatePaused)
	if n := e.probe.pollCount(0); n != 0 {
		t.Errorf("a task started paused was polled %d times", n)
	}
	if n, err := endOffsets(e.cluster.Addrs(), outTopic); err != nil || n != 0 {
		t.Errorf("a paused task produced %d records (%v)", n, err)
	}

	e.w.SetTaskTargetState(id, storage.TargetStarted)
	e.statuses.waitState(t, id, storage.StateRunning)
	waitRecords(t, e.cluster.Addrs(), outTopic, 4)

	e.w.SetTaskTargetState(id, storage.TargetPaused)
	e.statuses.waitState(t, id, storage.StatePaused)
	e.w.SetTaskTargetState(id, storage.TargetStarted)
	e.statuses.waitState(t, id, storage.StateRunning)

	e.stopTask(e.w, id)
	want := []storage.State{storage.StatePaused, storage.StateRunning, storage.StatePaused, storage.StateRunning, storage.StateUnassigned}
	if got := e.statuses.states(id); !slices.Equal(got, want) {
		t.Errorf("states = %v, want %v", got, want)
	}
	if off := e.storedOffset("c", map[string]any{"task": 0}); off["seq"] != int64(3) {
		t.Errorf("offset = %v, want seq 3", off)
	}
}

func TestTaskFailsInStart(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := taskID("c", 0)
	e.startTask(e.w, id, connProps("c", pTaskFailStart, "cannot reach the source"), storage.TargetStarted)
	st := e.statuses.waitState(t, id, storage.StateFailed)
	if want := "task c-0 failed to start: cannot reach the source"; st.Trace != want {
		t.Errorf("trace = %q, want %q", st.Trace, want)
	}
	e.stopTask(e.w, id)
	e.probe.with(func() {
		if e.probe.taskStops[0] != 1 {
			t.Errorf("Stop called %d times; a task whose Start failed is still stopped once (as in Java)", e.probe.taskStops[0])
		}
		if e.probe.taskCommits[0] != 0 || e.probe.polls[0] != 0 {
			t.Errorf("a task that never started was committed %d times and polled %d times", e.probe.taskCommits[0], e.probe.polls[0])
		}
	})
	if got := e.statuses.states(id); !slices.Equal(got, []storage.State{storage.StateFailed}) {
		t.Errorf("states = %v; a failed task is not reported RUNNING, nor UNASSIGNED when later stopped", got)
	}
}

func TestTaskFailsInPollAndFlushesWhatWasAcknowledged(t *testing.T) {
	t.Parallel()
	e := newEnv(t) // the interval never fires: the offset comes from the failure path
	id := taskID("c", 0)
	e.startTask(e.w, id, connProps("c", pRecords, "10", pTaskFailPollAt, "4"), storage.TargetStarted)
	st := e.statuses.waitState(t, id, storage.StateFailed)
	if want := "task c-0 poll failed: source exploded at seq 4"; st.Trace != want {
		t.Errorf("trace = %q, want %q", st.Trace, want)
	}
	if !st.IsConnector() && st.WorkerID != "worker-1:8083" {
		t.Errorf("status = %+v", st)
	}
	if off := e.storedOffset("c", map[string]any{"task": 0}); off["seq"] != int64(3) {
		t.Errorf("offset = %v, want seq 3 (flushed on failure)", off)
	}
	if got := seqs(t, waitRecords(t, e.cluster.Addrs(), outTopic, 4)); !slices.Equal(got, seqRange(0, 4)) {
		t.Errorf("seqs = %v", got)
	}
	if got := e.statuses.states(id); !slices.Equal(got, []storage.State{storage.StateRunning, storage.StateFailed}) {
		t.Errorf("states = %v", got)
	}
	e.probe.with(func() {
		if e.probe.taskStops[0] != 1 {
			t.Errorf("a failed task was stopped %d times, want once", e.probe.taskStops[0])
		}
	})
}

func TestTaskRetriablePollErrorDoesNotFail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := taskID("c", 0)
	e.startTask(e.w, id, connProps("c", pRecords, "4", pTaskRetriable, "true"), storage.TargetStarted)
	if got := seqs(t, waitRecords(t, e.cluster.Addrs(), outTopic, 4)); !slices.Equal(got, seqRange(0, 4)) {
		t.Errorf("seqs = %v", got)
	}
	if n := e.probe.pollCount(0); n < 3 {
		t.Errorf("polled %d times; the retriable failure should have been retried", n)
	}
	e.stopTask(e.w, id)
	if got := e.statuses.states(id); !slices.Equal(got, []storage.State{storage.StateRunning, storage.StateUnassigned}) {
		t.Errorf("states = %v, want RUNNING then UNASSIGNED (never FAILED)", got)
	}
}

// kfake does not create topics on produce by default, so sending to a topic
// that does not exist fails.
func TestTaskSendFailureFailsTheTask(t *testing.T) {
	t.Parallel()
	e := newEnv(t, flushTimeout(500*time.Millisecond))
	id := taskID("c", 0)
	e.startTask(e.w, id, connProps("c", pRecords, "5", pBatch, "1", pMissingTopicAt, "2"), storage.TargetStarted)
	st := e.statuses.waitState(t, id, storage.StateFailed)
	if want := "task c-0 failed to send a record to topic " + missingTopic + " (source partition {task=0}, source offset {seq=2}): "; !strings.HasPrefix(st.Trace, want) {
		t.Errorf("trace = %q, want prefix %q", st.Trace, want)
	}
	// Records 0 and 1 were acknowledged; 2 never will be, so nothing after
	// it may be committed even if it reached Kafka.
	if off := e.storedOffset("c", map[string]any{"task": 0}); off["seq"] != int64(1) {
		t.Errorf("offset = %v, want seq 1", off)
	}
}

func TestTaskSendFailureToleratedSkipsTheRecord(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := taskID("c", 0)
	conn := connProps("c", pRecords, "5", pBatch, "1", pMissingTopicAt, "2", KeyErrorsTolerance, "all", KeyErrorsLogEnable, "true", KeyErrorsLogMessages, "true")
	e.startTask(e.w, id, conn, storage.TargetStarted)
	if got := seqs(t, waitRecords(t, e.cluster.Addrs(), outTopic, 4)); !slices.Equal(got, seqRange(0, 5, 2)) {
		t.Errorf("seqs = %v, want every record but 2", got)
	}
	committed := waitCommitted(t, e.probe, 0, 5)
	for _, c := range committed {
		if (c.seq == 2) != (c.meta == nil) {
			t.Errorf("seq %d committed with metadata %+v; only the skipped record has none", c.seq, c.meta)
		}
	}
	e.stopTask(e.w, id)
	if off := e.storedOffset("c", map[string]any{"task": 0}); off["seq"] != int64(4) {
		t.Errorf("offset = %v, want seq 4 (a skipped record counts as done)", off)
	}
	if got := e.statuses.states(id); slices.Contains(got, storage.StateFailed) {
		t.Errorf("states = %v; a tolerated error must not fail the task", got)
	}
}

// A broker error the producer does not retry (injected with a kfake Fault).
func TestTaskProduceErrorFromTheBroker(t *testing.T) {
	for _, tolerance := range []string{"none", "all"} {
		t.Run(tolerance, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, flushTimeout(500*time.Millisecond))
			fault := e.cluster.Kfake().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: outTopic, Err: kerr.TopicAuthorizationFailed, Count: 1})
			id := taskID("c", 0)
			e.startTask(e.w, id, connProps("c", pRecords, "6", pBatch, "1", KeyErrorsTolerance, tolerance), storage.TargetStarted)
			if tolerance == "none" {
				st := e.statuses.waitState(t, id, storage.StateFailed)
				want := regexp.MustCompile(`^task c-0 failed to send a record to topic out \(source partition \{task=0\}, source offset \{seq=\d\}\): ` +
					regexp.QuoteMeta(sarama.ErrTopicAuthorizationFailed.Error()) + `$`)
				if !want.MatchString(st.Trace) {
					t.Errorf("trace = %q, want it to match %s", st.Trace, want)
				}
				if fault.Hits() != 1 {
					t.Errorf("fault hits = %d", fault.Hits())
				}
				return
			}
			committed := waitCommitted(t, e.probe, 0, 6)
			var skipped []int64
			for _, c := range committed {
				if c.meta == nil {
					skipped = append(skipped, c.seq)
				}
			}
			if len(skipped) == 0 {
				t.Fatal("no record was skipped, yet the broker refused one produce request")
			}
			if got := seqs(t, waitRecords(t, e.cluster.Addrs(), outTopic, 6-len(skipped))); !slices.Equal(got, seqRange(0, 6, skipped...)) {
				t.Errorf("seqs = %v, skipped %v", got, skipped)
			}
			e.stopTask(e.w, id)
			if off := e.storedOffset("c", map[string]any{"task": 0}); off["seq"] != int64(5) {
				t.Errorf("offset = %v, want seq 5", off)
			}
			if got := e.statuses.states(id); slices.Contains(got, storage.StateFailed) {
				t.Errorf("states = %v", got)
			}
		})
	}
}

// The connector's value converter (with its prefixed properties) replaces
// the worker's; a record it cannot convert fails the task or is skipped.
func TestTaskConversion(t *testing.T) {
	for _, tolerance := range []string{"none", "all"} {
		t.Run(tolerance, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			id := taskID("c", 0)
			conn := connProps("c", pRecords, "5", pBatch, "1", pUnconvertibleAt, "2", KeyErrorsTolerance, tolerance,
				KeyValueConverter, "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable", "false")
			e.startTask(e.w, id, conn, storage.TargetStarted)
			if tolerance == "none" {
				st := e.statuses.waitState(t, id, storage.StateFailed)
				if want := "task c-0 could not convert a record for topic out: convert value: Invalid type for STRING: class java.lang.Long"; st.Trace != want {
					t.Errorf("trace = %q, want %q", st.Trace, want)
				}
				msgs := waitRecords(t, e.cluster.Addrs(), outTopic, 2)
				for _, m := range msgs {
					if want := fmt.Sprintf(`"v-0-%d"`, seqOf(t, m)); string(m.Value) != want {
						t.Errorf("value = %s, want %s (JSON without a schema)", m.Value, want)
					}
				}
				if off := e.storedOffset("c", map[string]any{"task": 0}); off["seq"] != int64(1) {
					t.Errorf("offset = %v, want seq 1", off)
				}
				return
			}
			if got := seqs(t, waitRecords(t, e.cluster.Addrs(), outTopic, 4)); !slices.Equal(got, seqRange(0, 5, 2)) {
				t.Errorf("seqs = %v", got)
			}
			for _, c := range waitCommitted(t, e.probe, 0, 5) {
				if (c.seq == 2) != (c.meta == nil) {
					t.Errorf("seq %d committed with metadata %+v", c.seq, c.meta)
				}
			}
			e.stopTask(e.w, id)
			if off := e.storedOffset("c", map[string]any{"task": 0}); off["seq"] != int64(4) {
				t.Errorf("offset = %v, want seq 4", off)
			}
		})
	}
}

// A record naming a partition the topic does not have fails the task.
func TestTaskExplicitPartitionOutOfRange(t *testing.T) {
	t.Parallel()
	e := newEnv(t, flushTimeout(200*time.Millisecond))
	id := taskID("c", 0)
	e.startTask(e.w, id, connProps("c", pRecords, "1", pFixedPartition, "7"), storage.TargetStarted)
	st := e.statuses.waitState(t, id, storage.StateFailed)
	if want := "task c-0 failed to send a record to topic out partition 7 (source partition {task=0}, source offset {seq=0}): " + sarama.ErrInvalidPartition.Error(); st.Trace != want {
		t.Errorf("trace = %q, want %q", st.Trace, want)
	}
	if n, err := endOffsets(e.cluster.Addrs(), outTopic); err != nil || n != 0 {
		t.Errorf("%d records written (%v)", n, err)
	}
}

// A task that does not stop in time is abandoned: StopTasks returns, and
// when the task finally finishes it writes no status (a new instance may be
// running by then, as in Java's WorkerTask.cancel).
func TestTaskAbandonedWhenItDoesNotStop(t *testing.T) {
	t.Parallel()
	e := newEnv(t, flushTimeout(100*time.Millisecond), func(c *Config) { c.TaskShutdownTimeout = 100 * time.Millisecond })
	id := taskID("c", 0)
	e.startTask(e.w, id, connProps("c", pHangPoll, "true"), storage.TargetStarted)
	e.statuses.waitState(t, id, storage.StateRunning)
	testkit.Eventually(t, 5*time.Second, func() error {
		if e.probe.pollCount(0) == 0 {
			return fmt.Errorf("not polled yet")
		}
		return nil
	})
	e.w.mu.Lock()
	wt := e.w.tasks[id]
	e.w.mu.Unlock()

	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		e.stopTask(e.w, id)
	}()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("StopTasks waits for a task that does not stop")
	}
	if len(e.w.Tasks()) != 0 {
		t.Errorf("tasks = %v", e.w.Tasks())
	}
	close(e.probe.release)
	select {
	case <-wt.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the abandoned task never finished")
	}
	if got := e.statuses.states(id); !slices.Equal(got, []storage.State{storage.StateRunning}) {
		t.Errorf("states = %v; the abandoned task must not report UNASSIGNED", got)
	}
}
