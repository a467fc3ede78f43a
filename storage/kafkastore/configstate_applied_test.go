package kafkastore

import (
	"maps"
	"testing"
)

// The applied connector config (Java's appliedConnectorConfig) is the
// connector's config when its task configs were last committed completely.
func TestConfigStateAppliedConnectorConfig(t *testing.T) {
	s := newConfigState()
	feed(s,
		[2]string{"connector-a", `{"properties":{"name":"a","v":"1"}}`},
		[2]string{"task-a-0", `{"properties":{"t":"0"}}`},
		[2]string{"commit-a", `{"tasks":1}`},
		[2]string{"connector-z", `{"properties":{"name":"z"}}`},
		[2]string{"commit-z", `{"tasks":0}`}, // no tasks: still applied
	)
	snap := s.snapshot()
	if got := snap.AppliedConnectorConfigs["a"]; !maps.Equal(got, map[string]string{"name": "a", "v": "1"}) {
		t.Errorf("a applied = %v", got)
	}
	if got, ok := snap.AppliedConnectorConfigs["z"]; !ok || !maps.Equal(got, map[string]string{"name": "z"}) {
		t.Errorf("z (0 tasks) applied = %v, %v", got, ok)
	}

	// A new config is not applied until its task configs are committed.
	feed(s, [2]string{"connector-a", `{"properties":{"name":"a","v":"2"}}`})
	if got := s.snapshot().AppliedConnectorConfigs["a"]["v"]; got != "1" {
		t.Errorf("a applied v = %q before the commit; want 1", got)
	}
	// An incomplete commit (compaction) applies nothing.
	feed(s, [2]string{"commit-a", `{"tasks":2}`})
	if got := s.snapshot().AppliedConnectorConfigs["a"]["v"]; got != "1" {
		t.Errorf("a applied v = %q after an incomplete commit; want 1", got)
	}
	feed(s,
		[2]string{"task-a-0", `{"properties":{"t":"0"}}`},
		[2]string{"task-a-1", `{"properties":{"t":"1"}}`},
		[2]string{"commit-a", `{"tasks":2}`},
	)
	if got := s.snapshot().AppliedConnectorConfigs["a"]["v"]; got != "2" {
		t.Errorf("a applied v = %q after the commit; want 2", got)
	}

	// Deleting the connector forgets it; snapshots are copies.
	feed(s, [2]string{"connector-a", ""})
	snap = s.snapshot()
	if _, ok := snap.AppliedConnectorConfigs["a"]; ok {
		t.Error("a still applied after its deletion")
	}
	snap.AppliedConnectorConfigs["z"]["name"] = "changed"
	if s.snapshot().AppliedConnectorConfigs["z"]["name"] != "z" {
		t.Error("a snapshot shares its applied configs with the state")
	}
}
