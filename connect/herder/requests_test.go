package herder

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/rest/entities"
	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/test/testkit"
)

func TestUnknownConnectorIsNotFound(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	for _, tc := range []struct {
		call string
		err  error
		want string
	}{
		{"ConnectorInfo", func() error { _, err := x.herder.ConnectorInfo(x.ctx(), "c"); return err }(), "Connector c not found"},
		{"ConnectorConfig", func() error { _, err := x.herder.ConnectorConfig(x.ctx(), "c"); return err }(), "Connector c not found"},
		{"ConnectorStatus", func() error { _, err := x.herder.ConnectorStatus(x.ctx(), "c"); return err }(), "No status found for connector c"},
		{"DeleteConnector", x.herder.DeleteConnector(x.ctx(), "c"), "Connector c not found"},
	} {
		if !errors.Is(tc.err, connect.ErrNotFound) || tc.err.Error() != tc.want {
			t.Errorf("%s: %v; want ErrNotFound %q", tc.call, tc.err, tc.want)
		}
	}
	if snap := x.configs.Snapshot(); snap.Offset != -1 {
		t.Errorf("deleting an unknown connector wrote to the config topic (offset %d)", snap.Offset)
	}
}

func TestConnectorInfoConfigAndList(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	cfgB := connectorConfig("b", keyTasks, "3")
	x.create("b", cfgB, 3)
	x.create("a", connectorConfig("a", keyTasks, "1"), 1)

	names, err := x.herder.Connectors(x.ctx())
	if err != nil || !slices.Equal(names, []string{"a", "b"}) {
		t.Errorf("Connectors = %v, %v; want [a b]", names, err)
	}
	info, err := x.herder.ConnectorInfo(x.ctx(), "b")
	if err != nil {
		t.Fatal(err)
	}
	wantTasks := []storage.ConnectorTaskID{{Connector: "b", Task: 0}, {Connector: "b", Task: 1}, {Connector: "b", Task: 2}}
	if info.Name != "b" || !maps.Equal(info.Config, cfgB) || !slices.Equal(info.Tasks, wantTasks) || info.Type != entities.ConnectorTypeSource {
		t.Errorf("ConnectorInfo = %+v; want b, its config, tasks %v, type source", info, wantTasks)
	}
	config, err := x.herder.ConnectorConfig(x.ctx(), "b")
	if err != nil || !maps.Equal(config, cfgB) {
		t.Errorf("ConnectorConfig = %v, %v; want %v", config, err, cfgB)
	}
	// The caller owns what it gets.
	config["tasks.max"] = "99"
	info.Config["tasks.max"] = "99"
	if again, _ := x.herder.ConnectorConfig(x.ctx(), "b"); again["tasks.max"] != "4" {
		t.Errorf("changing a returned config changed the herder's: %v", again)
	}

	si, err := x.herder.ServerInfo(x.ctx())
	if err != nil || si.Version != connect.Version || si.Commit != "abc123" || si.KafkaClusterID != "test-cluster" {
		t.Errorf("ServerInfo = %+v, %v", si, err)
	}
}

func TestConnectorTypeUnknownForUnregisteredClass(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	// Written by a worker that has a plugin this one lacks.
	cfg := connectorConfig("c", "connector.class", "com.example.Elsewhere")
	if err := x.configs.PutConnectorConfig(x.ctx(), "c", cfg, nil); err != nil {
		t.Fatal(err)
	}
	info, err := x.herder.ConnectorInfo(x.ctx(), "c")
	if err != nil || info.Type != entities.ConnectorTypeUnknown {
		t.Errorf("ConnectorInfo = %+v, %v; want type unknown", info, err)
	}
	x.waitStatus("c", storage.StateFailed, 0, "")
	st, _ := x.herder.ConnectorStatus(x.ctx(), "c")
	if st.Type != entities.ConnectorTypeUnknown {
		t.Errorf("status type %q; want unknown", st.Type)
	}
}

func TestDeleteConnectorStopsItAndRemovesStatuses(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	x.create("c", connectorConfig("c"), 2)
	x.create("other", connectorConfig("other", keyTasks, "1"), 1)

	if err := x.herder.DeleteConnector(x.ctx(), "c"); err != nil {
		t.Fatal(err)
	}
	// Config and target state are tombstoned.
	snap := x.configs.Snapshot()
	if snap.Contains("c") || len(snap.Tasks("c")) != 0 {
		t.Errorf("config topic still holds c: %v, tasks %v", snap.ConnectorConfigs["c"], snap.Tasks("c"))
	}
	if _, ok := snap.TargetStates["c"]; ok {
		t.Errorf("target state of c not removed: %v", snap.TargetStates)
	}

	gone := func() error {
		if x.plugin.running("c") || len(x.plugin.runningTasks("c")) != 0 {
			return fmt.Errorf("plugin still runs c (tasks %v)", x.plugin.runningTasks("c"))
		}
		if slices.Contains(x.worker.Connectors(), "c") || len(x.workerTasks("c")) != 0 {
			return fmt.Errorf("worker still runs c: %v %v", x.worker.Connectors(), x.worker.Tasks())
		}
		if st, ok := x.statuses.Connector("c"); ok {
			return fmt.Errorf("status of c not removed: %+v", st)
		}
		if sts := x.statuses.Tasks("c"); len(sts) != 0 {
			return fmt.Errorf("task statuses of c not removed: %+v", sts)
		}
		return nil
	}
	testkit.Eventually(t, waitTimeout, gone)
	// Nothing written late (a stopping task's UNASSIGNED) brings them back.
	x.barrier()
	if err := gone(); err != nil {
		t.Error(err)
	}
	if n := x.plugin.connectorStops("c"); n != 1 {
		t.Errorf("connector c stopped %d times; want 1", n)
	}

	for _, tc := range []struct {
		call string
		err  error
		want string
	}{
		{"ConnectorInfo", func() error { _, err := x.herder.ConnectorInfo(x.ctx(), "c"); return err }(), "Connector c not found"},
		{"ConnectorStatus", func() error { _, err := x.herder.ConnectorStatus(x.ctx(), "c"); return err }(), "No status found for connector c"},
		{"DeleteConnector again", x.herder.DeleteConnector(x.ctx(), "c"), "Connector c not found"},
	} {
		if !errors.Is(tc.err, connect.ErrNotFound) || tc.err.Error() != tc.want {
			t.Errorf("%s after delete: %v; want ErrNotFound %q", tc.call, tc.err, tc.want)
		}
	}
	if names, _ := x.herder.Connectors(x.ctx()); !slices.Equal(names, []string{"other"}) {
		t.Errorf("Connectors = %v; want [other]", names)
	}
	// The other connector is untouched.
	x.waitStatus("other", storage.StateRunning, 1, storage.StateRunning)
	if n := x.plugin.connectorStops("other"); n != 0 {
		t.Errorf("connector other stopped %d times", n)
	}

	// The name can be used again.
	x.create("c", connectorConfig("c", keyTasks, "1"), 1)
}
