package kafkastore

import (
	"reflect"
	"testing"

	"github.com/ferrykafka/ferry/storage"
	"github.com/rs/zerolog"
)

// fed counts the records fed to each state, so offsets are consecutive.
var fed = map[*configState]int64{}

// feed applies Java-written records (value "" = tombstone) at consecutive
// offsets and returns the listener events per record.
func feed(s *configState, recs ...[2]string) [][]configEvent {
	var out [][]configEvent
	for _, r := range recs {
		var v []byte
		if r[1] != "" {
			v = []byte(r[1])
		}
		out = append(out, s.apply(zerolog.Nop(), []byte(r[0]), v, fed[s]))
		fed[s]++
	}
	return out
}

func TestConfigStateTargetStates(t *testing.T) {
	s := newConfigState()
	feed(s,
		[2]string{"connector-a", `{"properties":{"name":"a"}}`},
		[2]string{"target-state-a", `{"state":"PAUSED"}`}, // v0: only "state"
		[2]string{"connector-b", `{"properties":{"name":"b"}}`},
		[2]string{"target-state-b", `{"state":"PAUSED","state.v2":"STOPPED"}`},
		[2]string{"target-state-c", `{"state":"STARTED","state.v2":"PAUSED"}`}, // before its connector
		[2]string{"target-state-d", `{"state":"PAUSED","state.v2":7}`},         // bad v2 falls back
		[2]string{"target-state-e", `{"state":"RUNNING"}`},                     // not a target state
	)
	snap := s.snapshot()
	want := map[string]storage.TargetState{"a": "PAUSED", "b": "STOPPED", "c": "PAUSED", "d": "PAUSED"}
	if !reflect.DeepEqual(snap.TargetStates, want) {
		t.Fatalf("target states = %v, want %v", snap.TargetStates, want)
	}
	// A tombstone resets to STARTED while the config exists, else removes.
	feed(s, [2]string{"target-state-a", ""}, [2]string{"target-state-c", ""})
	snap = s.snapshot()
	if snap.TargetStates["a"] != storage.TargetStarted {
		t.Errorf("a = %v", snap.TargetStates["a"])
	}
	if _, ok := snap.TargetStates["c"]; ok {
		t.Error("c kept a target state")
	}
}

func TestConfigStateTargetStateEvents(t *testing.T) {
	s := newConfigState()
	ev := feed(s,
		[2]string{"target-state-x", `{"state":"PAUSED","state.v2":"PAUSED"}`}, // no config yet: no event
		[2]string{"connector-x", `{"properties":{}}`},
		[2]string{"target-state-x", `{"state":"PAUSED","state.v2":"PAUSED"}`}, // unchanged: no event
		[2]string{"target-state-x", `{"state":"STARTED","state.v2":"STARTED"}`},
		[2]string{"target-state-x", ""}, // removal: no event
	)
	kinds := [][]eventKind{nil, {evConnectorUpdate}, nil, {evTargetState}, nil}
	for i, want := range kinds {
		var got []eventKind
		for _, e := range ev[i] {
			got = append(got, e.kind)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("record %d: events %v, want %v", i, got, want)
		}
	}
}

func TestConfigStateDeferredTaskConfigs(t *testing.T) {
	s := newConfigState()
	ev := feed(s,
		[2]string{"connector-my-conn", `{"properties":{"name":"my-conn","tasks.max":"2"}}`},
		[2]string{"task-my-conn-0", `{"properties":{"t":"0"}}`},
		[2]string{"task-my-conn-1", `{"properties":{"t":"1"}}`},
	)
	if snap := s.snapshot(); len(snap.TaskConfigs) != 0 || snap.TaskCounts["my-conn"] != 0 {
		t.Fatalf("task configs applied before the commit: %+v", snap)
	}
	if len(ev[1]) != 0 || len(ev[2]) != 0 {
		t.Fatal("task config records made listener calls")
	}
	ev = feed(s, [2]string{"commit-my-conn", `{"tasks":2}`})
	snap := s.snapshot()
	if got := snap.TaskConfigsOf("my-conn"); !reflect.DeepEqual(got, []map[string]string{{"t": "0"}, {"t": "1"}}) {
		t.Fatalf("task configs = %v", got)
	}
	want := []storage.ConnectorTaskID{{Connector: "my-conn", Task: 0}, {Connector: "my-conn", Task: 1}}
	if len(ev[0]) != 1 || ev[0][0].kind != evTaskUpdate || !reflect.DeepEqual(ev[0][0].tasks, want) {
		t.Fatalf("events = %+v", ev)
	}
	if snap.Offset != 4 {
		t.Fatalf("offset = %d, want 4", snap.Offset)
	}
}

// The compaction cases from KafkaConfigBackingStore's comments.
func TestConfigStateCompactionCases(t *testing.T) {
	// Shrinking from 2 tasks to 1 after compaction: an extra id is fine.
	s := newConfigState()
	feed(s,
		[2]string{"connector-foo", `{"properties":{}}`},
		[2]string{"task-foo-1", `{"properties":{"old":"1"}}`},
		[2]string{"task-foo-0", `{"properties":{"new":"0"}}`},
		[2]string{"commit-foo", `{"tasks":1}`},
	)
	snap := s.snapshot()
	if snap.Inconsistent["foo"] || !reflect.DeepEqual(snap.Tasks("foo"), []storage.ConnectorTaskID{{Connector: "foo", Task: 0}}) {
		t.Fatalf("shrink: %+v", snap)
	}
	// A task config lost to compaction: inconsistent until a full set.
	s = newConfigState()
	ev := feed(s,
		[2]string{"connector-foo", `{"properties":{}}`},
		[2]string{"task-foo-1", `{"properties":{}}`},
		[2]string{"commit-foo", `{"tasks":2}`},
	)
	snap = s.snapshot()
	if !snap.Inconsistent["foo"] || snap.Tasks("foo") != nil || snap.TaskCounts["foo"] != 2 {
		t.Fatalf("incomplete: %+v", snap)
	}
	if len(ev[2]) != 1 || ev[2][0].kind != evTaskUpdate || len(ev[2][0].tasks) != 0 {
		t.Fatalf("an incomplete commit still tells the listener, with no tasks: %+v", ev[2])
	}
	// The deferred set was cleared: a later commit needs a fresh full set.
	feed(s, [2]string{"task-foo-0", `{"properties":{}}`}, [2]string{"commit-foo", `{"tasks":2}`})
	if !s.snapshot().Inconsistent["foo"] {
		t.Fatal("stale deferred configs were reused")
	}
	feed(s, [2]string{"task-foo-0", `{"properties":{}}`}, [2]string{"task-foo-1", `{"properties":{}}`}, [2]string{"commit-foo", `{"tasks":2}`})
	if snap := s.snapshot(); snap.Inconsistent["foo"] || len(snap.Tasks("foo")) != 2 {
		t.Fatalf("full set: %+v", snap)
	}
	// A commit for a connector whose config and tombstone were compacted away.
	s = newConfigState()
	feed(s, [2]string{"task-gone-0", `{"properties":{}}`}, [2]string{"commit-gone", `{"tasks":1}`})
	if snap := s.snapshot(); len(snap.TaskConfigs) != 0 || len(snap.TaskCounts) != 0 {
		t.Fatalf("deleted connector: %+v", snap)
	}
}

func TestConfigStateConnectorRemoval(t *testing.T) {
	s := newConfigState()
	ev := feed(s,
		[2]string{"connector-c", `{"properties":{"a":"1"}}`},
		[2]string{"task-c-0", `{"properties":{}}`},
		[2]string{"commit-c", `{"tasks":1}`},
		[2]string{"task-c-0", `{"properties":{"pending":"x"}}`},
		[2]string{"connector-c", ""},
		[2]string{"target-state-c", ""},
	)
	snap := s.snapshot()
	if snap.Contains("c") || len(snap.TaskConfigs) != 0 || len(snap.TaskCounts) != 0 || len(snap.TargetStates) != 0 || len(s.deferred) != 0 {
		t.Fatalf("after removal: %+v, deferred %v", snap, s.deferred)
	}
	if len(ev[4]) != 1 || ev[4][0].kind != evConnectorRemove || ev[4][0].connector != "c" {
		t.Fatalf("removal events = %+v", ev[4])
	}
}

func TestConfigStateOtherRecords(t *testing.T) {
	s := newConfigState()
	ev := feed(s,
		[2]string{"session-key", `{"key":"c2VjcmV0","algorithm":"HmacSHA256","creation-timestamp":1700000000000}`},
		[2]string{"restart-connector-c", `{"include-tasks":true,"only-failed":"yes"}`},
		[2]string{"tasks-fencing-c", `{"task-count":3}`},
		[2]string{"logger-cluster-org.apache", `{"level":"DEBUG"}`},
		[2]string{"something-else", `{}`},
		[2]string{"session-key", `{"key":"c2VjcmV0","algorithm":"HmacSHA256","creation-timestamp":1.5}`}, // ignored
	)
	snap := s.snapshot()
	want := storage.SessionKey{Key: []byte("secret"), Algorithm: "HmacSHA256", CreationTime: 1700000000000}
	if snap.SessionKey == nil || !reflect.DeepEqual(*snap.SessionKey, want) {
		t.Fatalf("session key = %+v", snap.SessionKey)
	}
	if ev[0][0].kind != evSessionKey || !reflect.DeepEqual(ev[0][0].sessionKey, want) {
		t.Fatalf("session key event = %+v", ev[0])
	}
	if r := ev[1][0].restart; r != (storage.RestartRequest{Connector: "c", IncludeTasks: true, OnlyFailed: false}) {
		t.Fatalf("restart = %+v", r)
	}
	if s.taskCountRecords["c"] != 3 {
		t.Fatalf("task count records = %v", s.taskCountRecords)
	}
	if e := ev[3][0]; e.kind != evLoggerLevel || e.namespace != "org.apache" || e.level != "DEBUG" {
		t.Fatalf("logger event = %+v", e)
	}
	if len(ev[4]) != 0 || len(ev[5]) != 0 {
		t.Fatalf("unexpected events %+v %+v", ev[4], ev[5])
	}
	if snap.Offset != 6 {
		t.Fatalf("offset = %d", snap.Offset)
	}
	// Unpadded base64 is accepted, as Java's decoder does.
	feed(s, [2]string{"session-key", `{"key":"YWI","algorithm":"A","creation-timestamp":1}`})
	if got := s.snapshot().SessionKey; string(got.Key) != "ab" {
		t.Fatalf("unpadded key = %q", got.Key)
	}
}

func TestConfigStateSkipsCorruptRecords(t *testing.T) {
	s := newConfigState()
	feed(s,
		[2]string{"connector-good", `{"properties":{"k":"v"}}`},
		[2]string{"connector-bad-json", `{"properties":`},
		[2]string{"connector-wrong-shape", `{"properties":["k"]}`},
		[2]string{"connector-nested", `{"properties":{"k":{"x":1}}}`},
		[2]string{"connector-not-object", `[1,2]`},
		[2]string{"commit-good", `{"tasks":"two"}`},
		[2]string{"task-good-0", `"str"`},
		[2]string{"connector-good2", `{"properties":{"n":5,"b":true,"f":1.5,"nil":null,"s":"x"}}`},
	)
	snap := s.snapshot()
	want := map[string]map[string]string{
		"good":  {"k": "v"},
		"good2": {"n": "5", "b": "true", "f": "1.5", "s": "x"},
	}
	if !reflect.DeepEqual(snap.ConnectorConfigs, want) {
		t.Fatalf("configs = %v", snap.ConnectorConfigs)
	}
	if snap.TaskCounts["good"] != 0 || snap.Inconsistent["good"] {
		t.Fatalf("a bad commit changed state: %+v", snap)
	}
	// The record that is not JSON does not count as read (Java's converter
	// failure); the others do.
	if snap.Offset != 8 {
		t.Fatalf("offset = %d, want 8", snap.Offset)
	}
	nilKey := s.apply(zerolog.Nop(), nil, []byte(`{}`), 100)
	if nilKey != nil || s.offset != 101 {
		t.Fatalf("nil key: %v, offset %d", nilKey, s.offset)
	}
}

func TestSnapshotIsACopy(t *testing.T) {
	s := newConfigState()
	feed(s, [2]string{"connector-c", `{"properties":{"k":"v"}}`},
		[2]string{"session-key", `{"key":"c2VjcmV0","algorithm":"A","creation-timestamp":1}`})
	snap := s.snapshot()
	snap.ConnectorConfigs["c"]["k"] = "changed"
	snap.SessionKey.Key[0] = 'X'
	snap.TargetStates["c"] = storage.TargetPaused
	again := s.snapshot()
	if again.ConnectorConfigs["c"]["k"] != "v" || string(again.SessionKey.Key) != "secret" || again.TargetStates["c"] != storage.TargetStarted {
		t.Fatalf("snapshot shares state: %+v", again)
	}
}

func FuzzConfigRecord(f *testing.F) {
	f.Add("connector-c", []byte(`{"properties":{"k":"v"}}`))
	f.Add("target-state-c", []byte(`{"state":"PAUSED","state.v2":"STOPPED"}`))
	f.Add("commit-c", []byte(`{"tasks":1}`))
	f.Add("session-key", []byte(`{"key":"c2VjcmV0","algorithm":"A","creation-timestamp":1}`))
	f.Add("task-c-0", []byte(`{"properties":{}}`))
	f.Fuzz(func(t *testing.T, key string, value []byte) {
		s := newConfigState()
		s.apply(zerolog.Nop(), []byte("connector-c"), []byte(`{"properties":{}}`), 0)
		s.apply(zerolog.Nop(), []byte(key), value, 1)
		s.apply(zerolog.Nop(), []byte("commit-c"), []byte(`{"tasks":1}`), 2)
		_ = s.snapshot()
	})
}
