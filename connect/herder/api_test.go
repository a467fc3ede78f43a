package herder

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/rest/entities"
	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/test/testkit"
)

// wantErr fails unless err is of kind and has exactly msg as its text.
func wantErr(t *testing.T, err error, kind error, msg string) {
	t.Helper()
	if err == nil || !errors.Is(err, kind) || err.Error() != msg {
		t.Fatalf("error = %v; want %v %q", err, kind, msg)
	}
}

func TestStopThenAlterAndResetOffsets(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	x.create("c", connectorConfig("c", keyRecords, "3"), 2)

	_, err := x.herder.AlterConnectorOffsets(x.ctx(), "c", entities.ConnectorOffsets{Offsets: []entities.ConnectorOffset{
		{Partition: map[string]any{"task": 0}, Offset: map[string]any{"pos": 0}}}})
	wantErr(t, err, connect.ErrBadRequest, "Connectors must be in the STOPPED state before their offsets can be modified. "+
		"This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/c/stop' endpoint")

	if err := x.herder.StopConnector(x.ctx(), "c"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, x.herder.StopConnector(x.ctx(), "nope"), connect.ErrNotFound, "Unknown connector nope")
	if snap := x.configs.Snapshot(); snap.TargetState("c") != storage.TargetStopped || len(snap.Tasks("c")) != 0 {
		t.Fatalf("after stop: target %s, tasks %v; want STOPPED and none", snap.TargetState("c"), snap.Tasks("c"))
	}
	testkit.Eventually(t, waitTimeout, func() error {
		st, err := x.herder.ConnectorStatus(x.ctx(), "c")
		if err != nil {
			return err
		}
		if st.Connector.State != storage.StateStopped || len(x.workerTasks("c")) != 0 || len(st.Tasks) != 0 {
			return fmt.Errorf("connector %s, task statuses %v, running tasks %v; want STOPPED and none", st.Connector.State, st.Tasks, x.workerTasks("c"))
		}
		return nil
	})

	// The tasks flushed their offsets when they stopped: 3 records each.
	got, err := x.herder.ConnectorOffsets(x.ctx(), "c")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Offsets) != 2 || fmt.Sprint(got.Offsets[0].Offset["pos"]) != "2" {
		t.Fatalf("offsets = %+v; want 2 partitions at pos 2", got.Offsets)
	}

	msg, err := x.herder.AlterConnectorOffsets(x.ctx(), "c", entities.ConnectorOffsets{Offsets: []entities.ConnectorOffset{
		{Partition: map[string]any{"task": 0}, Offset: map[string]any{"pos": 100}},
		{Partition: map[string]any{"task": 1}, Offset: nil},
		{Partition: map[string]any{"task": 7}, Offset: map[string]any{"pos": 5}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(msg.Message, "The Connect framework-managed offsets for this connector have been altered successfully.") {
		t.Errorf("alter message = %q", msg.Message)
	}
	got, err = x.herder.ConnectorOffsets(x.ctx(), "c")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got.Offsets) != "[{map[task:0] map[pos:100]} {map[task:7] map[pos:5]}]" {
		t.Errorf("offsets after alter = %v", got.Offsets)
	}

	msg, err = x.herder.ResetConnectorOffsets(x.ctx(), "c")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg.Message, "have been reset successfully") {
		t.Errorf("reset message = %q", msg.Message)
	}
	if got, _ = x.herder.ConnectorOffsets(x.ctx(), "c"); len(got.Offsets) != 0 {
		t.Errorf("offsets after reset = %v; want none", got.Offsets)
	}
	_, err = x.herder.ConnectorOffsets(x.ctx(), "nope")
	wantErr(t, err, connect.ErrNotFound, "Connector nope not found")

	// Resume: the connector generates its tasks again and they start
	// from scratch (offsets reset).
	if err := x.herder.ResumeConnector(x.ctx(), "c"); err != nil {
		t.Fatal(err)
	}
	x.waitStatus("c", storage.StateRunning, 2, storage.StateRunning)
}

func TestPauseResumeAndPatch(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	x.create("c", connectorConfig("c", "extra.key", "x"), 2)
	if err := x.herder.PauseConnector(x.ctx(), "c"); err != nil {
		t.Fatal(err)
	}
	x.waitStatus("c", storage.StatePaused, 2, storage.StatePaused)
	if err := x.herder.ResumeConnector(x.ctx(), "c"); err != nil {
		t.Fatal(err)
	}
	x.waitStatus("c", storage.StateRunning, 2, storage.StateRunning)
	wantErr(t, x.herder.PauseConnector(x.ctx(), "x"), connect.ErrNotFound, "Unknown connector x")
	wantErr(t, x.herder.ResumeConnector(x.ctx(), "x"), connect.ErrNotFound, "Unknown connector x")

	v := "3"
	info, err := x.herder.PatchConnectorConfig(x.ctx(), "c", map[string]*string{keyTasks: &v, "extra.key": nil})
	if err != nil {
		t.Fatal(err)
	}
	if info.Config[keyTasks] != "3" {
		t.Errorf("patched config = %v", info.Config)
	}
	if _, ok := info.Config["extra.key"]; ok {
		t.Errorf("a null value must remove the key: %v", info.Config)
	}
	x.waitStatus("c", storage.StateRunning, 3, storage.StateRunning)
	_, err = x.herder.PatchConnectorConfig(x.ctx(), "x", nil)
	wantErr(t, err, connect.ErrNotFound, "Connector x not found")
	bad := "-1"
	_, err = x.herder.PatchConnectorConfig(x.ctx(), "c", map[string]*string{"tasks.max": &bad})
	if !errors.Is(err, connect.ErrBadRequest) || !strings.HasPrefix(err.Error(), "Connector configuration is invalid") {
		t.Errorf("invalid patch: %v", err)
	}

	// A deleted connector's statuses go too (GET .../status is then 404).
	if err := x.herder.DeleteConnector(x.ctx(), "c"); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, waitTimeout, func() error {
		st, err := x.herder.ConnectorStatus(x.ctx(), "c")
		if !errors.Is(err, connect.ErrNotFound) {
			return fmt.Errorf("status after delete: %+v, %v", st, err)
		}
		for i := range 3 {
			if ts, err := x.herder.TaskStatus(x.ctx(), storage.ConnectorTaskID{Connector: "c", Task: i}); err == nil {
				return fmt.Errorf("task status after delete: %+v", ts)
			}
		}
		return nil
	})
}

func TestRestarts(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	x.create("c", connectorConfig("c"), 2)
	starts := len(x.plugin.connectorStarts("c"))
	if err := x.herder.RestartConnector(x.ctx(), "c"); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, waitTimeout, func() error {
		if n := len(x.plugin.connectorStarts("c")); n != starts+1 {
			return fmt.Errorf("connector started %d times; want %d", n, starts+1)
		}
		return nil
	})
	t0 := storage.ConnectorTaskID{Connector: "c", Task: 0}
	t1 := storage.ConnectorTaskID{Connector: "c", Task: 1}
	if err := x.herder.RestartTask(x.ctx(), t0); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, waitTimeout, func() error {
		if n := x.plugin.taskStartCount(t0); n != 2 {
			return fmt.Errorf("task 0 started %d times; want 2", n)
		}
		return nil
	})
	wantErr(t, x.herder.RestartConnector(x.ctx(), "x"), connect.ErrNotFound, "Unknown connector: x")
	wantErr(t, x.herder.RestartTask(x.ctx(), storage.ConnectorTaskID{Connector: "x"}), connect.ErrNotFound, "Unknown connector: x")
	wantErr(t, x.herder.RestartTask(x.ctx(), storage.ConnectorTaskID{Connector: "c", Task: 9}), connect.ErrNotFound, "Unknown task: c-9")

	// onlyFailed with nothing failed: the plan restarts nothing.
	plan, err := x.herder.RestartConnectorAndTasks(x.ctx(), "c", true, true)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Connector.State != storage.StateRunning || plan.Tasks[0].State != storage.StateRunning {
		t.Errorf("onlyFailed plan = %+v; want nothing RESTARTING", plan)
	}
	// Everything: the plan says RESTARTING, then all restart and run.
	plan, err = x.herder.RestartConnectorAndTasks(x.ctx(), "c", false, true)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Connector.State != storage.StateRestarting || len(plan.Tasks) != 2 ||
		plan.Tasks[0].State != storage.StateRestarting || plan.Tasks[1].State != storage.StateRestarting {
		t.Errorf("plan = %+v; want connector and 2 tasks RESTARTING", plan)
	}
	testkit.Eventually(t, waitTimeout, func() error {
		if n := x.plugin.taskStartCount(t1); n != 2 {
			return fmt.Errorf("task 1 started %d times; want 2", n)
		}
		if n := len(x.plugin.connectorStarts("c")); n != starts+2 {
			return fmt.Errorf("connector started %d times; want %d", n, starts+2)
		}
		return nil
	})
	x.waitStatus("c", storage.StateRunning, 2, storage.StateRunning)
	testkit.Eventually(t, waitTimeout, func() error {
		if n := x.plugin.taskStartCount(t0); n != 3 {
			return fmt.Errorf("task 0 started %d times; want 3", n)
		}
		return nil
	})
	_, err = x.herder.RestartConnectorAndTasks(x.ctx(), "x", false, true)
	wantErr(t, err, connect.ErrNotFound, "Unknown connector: x")
}

func TestTasksAndTaskStatus(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	cfg := connectorConfig("c")
	x.create("c", cfg, 2)
	tasks, err := x.herder.TaskConfigs(x.ctx(), "c")
	if err != nil {
		t.Fatal(err)
	}
	want := x.plugin.committed(cfg, 4)
	if len(tasks) != 2 || tasks[1].ID != (storage.ConnectorTaskID{Connector: "c", Task: 1}) || tasks[1].Config[keyTaskIndex] != want[1][keyTaskIndex] {
		t.Errorf("task configs = %+v", tasks)
	}
	_, err = x.herder.TaskConfigs(x.ctx(), "x")
	wantErr(t, err, connect.ErrNotFound, "Connector x not found")
	st, err := x.herder.TaskStatus(x.ctx(), storage.ConnectorTaskID{Connector: "c", Task: 1})
	if err != nil || st.ID != 1 || st.State != storage.StateRunning || st.WorkerID != testWorkerID {
		t.Errorf("task status = %+v, %v", st, err)
	}
	_, err = x.herder.TaskStatus(x.ctx(), storage.ConnectorTaskID{Connector: "c", Task: 5})
	wantErr(t, err, connect.ErrNotFound, "No status found for task c-5")
}

func TestActiveTopics(t *testing.T) {
	t.Parallel()
	x := newHarness(t, func(c *Config) { c.TopicTracking, c.TopicTrackingAllowReset = true, true })
	x.start()
	x.create("c", connectorConfig("c", keyRecords, "2"), 2)
	testkit.Eventually(t, waitTimeout, func() error {
		got, err := x.herder.ConnectorActiveTopics(x.ctx(), "c")
		if err != nil {
			return err
		}
		if !slices.Equal(got["c"].Topics, []string{testTopic}) {
			return fmt.Errorf("active topics = %v; want [%s]", got, testTopic)
		}
		return nil
	})
	if err := x.herder.ResetConnectorActiveTopics(x.ctx(), "c"); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, waitTimeout, func() error {
		if got, _ := x.herder.ConnectorActiveTopics(x.ctx(), "c"); len(got["c"].Topics) != 0 {
			return fmt.Errorf("active topics after reset = %v", got)
		}
		return nil
	})
	// Deleting the connector forgets its topics too.
	if err := x.herder.ResumeConnector(x.ctx(), "c"); err != nil {
		t.Fatal(err)
	}

	off := newHarness(t)
	off.start()
	_, err := off.herder.ConnectorActiveTopics(off.ctx(), "c")
	var se interface{ HTTPStatus() int }
	if !errors.As(err, &se) || se.HTTPStatus() != 403 || err.Error() != "Topic tracking is disabled." {
		t.Errorf("tracking off: %v", err)
	}
	noReset := newHarness(t, func(c *Config) { c.TopicTracking = true })
	if err := noReset.herder.ResetConnectorActiveTopics(context.Background(), "c"); err == nil || err.Error() != "Topic tracking reset is disabled." {
		t.Errorf("reset off: %v", err)
	}
}

func TestPluginsAndPluginConfig(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	plugins, err := x.herder.ConnectorPlugins(x.ctx(), true)
	if err != nil || len(plugins) != 1 || plugins[0].Class != testConnectorClass || plugins[0].Type != "source" {
		t.Fatalf("connector plugins = %+v, %v", plugins, err)
	}
	all, _ := x.herder.ConnectorPlugins(x.ctx(), false)
	var types []string
	for _, p := range all {
		if len(types) == 0 || types[len(types)-1] != p.Type {
			types = append(types, p.Type)
		}
	}
	if !slices.Equal(types, []string{"source", "converter", "header_converter"}) {
		t.Errorf("plugin types in order %v", types)
	}
	keys, err := x.herder.ConnectorPluginConfig(x.ctx(), testConnectorClass)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.Name
	}
	// Connect 4.x's order: framework (Common .. Error Handling), the
	// plugin's keys, then the source-connector keys.
	if names[0] != "name" || slices.Index(names, "errors.log.include.messages") > slices.Index(names, keyTopic) ||
		slices.Index(names, keyRecords) > slices.Index(names, "topic.creation.groups") || names[len(names)-1] != "offsets.storage.topic" {
		t.Errorf("plugin config keys %v: want framework keys, the plugin's own, then the source-connector keys", names)
	}
	if _, err := x.herder.ConnectorPluginConfig(x.ctx(), "StringConverter"); err != nil {
		t.Errorf("converter config: %v", err)
	}
	_, err = x.herder.ConnectorPluginConfig(x.ctx(), "Nope")
	wantErr(t, err, connect.ErrNotFound, "Unknown plugin Nope.")
}

func TestHealthAndClusterLoggerLevel(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if st := x.herder.Health(ctx); st.Status != entities.HealthStarting || !strings.HasPrefix(st.Message, "Worker is still starting up.") {
		t.Errorf("before start: %+v", st)
	}
	var mu sync.Mutex
	applied := map[string]string{}
	x.herder.applyLoggerLevel = func(ns, level string) {
		mu.Lock()
		defer mu.Unlock()
		applied[ns] = level
	}
	x.start()
	if st := x.herder.Health(x.ctx()); st.Status != entities.HealthHealthy ||
		st.Message != "Worker has completed startup and is ready to handle requests." {
		t.Errorf("after start: %+v", st)
	}
	if err := x.herder.SetClusterLoggerLevel(x.ctx(), "org.apache.kafka.connect", "DEBUG"); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, waitTimeout, func() error {
		mu.Lock()
		defer mu.Unlock()
		if applied["org.apache.kafka.connect"] != "DEBUG" {
			return fmt.Errorf("applied levels %v", applied)
		}
		return nil
	})
	// A loop that does not answer is unhealthy and its stage is quoted.
	held := make(chan struct{})
	release := make(chan struct{})
	go func() {
		_ = x.herder.run(context.Background(), func(context.Context) error {
			defer x.herder.stages.begin("testing a stuck loop")()
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	ctx2, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	st := x.herder.Health(ctx2)
	ctx3, cancel3 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel3()
	timeoutErr := x.herder.DeleteConnector(ctx3, "c")
	close(release)
	if timeoutErr == nil || !strings.HasPrefix(timeoutErr.Error(), "Request timed out. The worker is currently testing a stuck loop, which began at ") {
		t.Errorf("a request to a stuck loop: %v; want Java's timeout text with the stage", timeoutErr)
	}
	if st.Status != entities.HealthUnhealthy || !strings.Contains(st.Message, "The worker is currently testing a stuck loop, which began at ") {
		t.Errorf("stuck loop: %+v", st)
	}
}

func TestJavaInstant(t *testing.T) {
	t.Parallel()
	for in, want := range map[time.Time]string{
		time.Date(2024, 1, 2, 3, 4, 5, 678_900_000, time.UTC): "2024-01-02T03:04:05.678Z",
		time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC):           "2024-01-02T03:04:05Z",
	} {
		if got := javaInstant(in); got != want {
			t.Errorf("javaInstant(%v) = %s; want %s", in, got, want)
		}
	}
}
