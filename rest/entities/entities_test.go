package entities

import (
	"encoding/json"
	"testing"

	"github.com/ferrykafka/ferry/storage"
)

// The golden strings are what Java Connect's Jackson writes for the same
// values (field order of the @JsonCreator parameters).
func TestMarshalGolden(t *testing.T) {
	paused := InitialPaused
	cases := []struct {
		name string
		v    any
		want string
	}{
		{"server info", ServerInfo{Version: "3.9.0", Commit: "abc", KafkaClusterID: "cid"},
			`{"version":"3.9.0","commit":"abc","kafka_cluster_id":"cid"}`},
		{"error message", ErrorMessage{ErrorCode: 404, Message: "Connector c not found"},
			`{"error_code":404,"message":"Connector c not found"}`},
		{"connector info", ConnectorInfo{
			Name:   "c",
			Config: map[string]string{"name": "c", "connector.class": "X", "tasks.max": "2"},
			Tasks:  []storage.ConnectorTaskID{{Connector: "c", Task: 0}, {Connector: "c", Task: 1}},
			Type:   ConnectorTypeSource,
		}, `{"name":"c","config":{"connector.class":"X","name":"c","tasks.max":"2"},"tasks":[{"connector":"c","task":0},{"connector":"c","task":1}],"type":"source"}`},
		{"connector info nil collections", ConnectorInfo{Name: "c", Type: ConnectorTypeUnknown},
			`{"name":"c","config":{},"tasks":[],"type":"unknown"}`},
		{"task info", TaskInfo{ID: storage.ConnectorTaskID{Connector: "c", Task: 3}, Config: map[string]string{"k": "v"}},
			`{"id":{"connector":"c","task":3},"config":{"k":"v"}}`},
		{"task info nil config", TaskInfo{ID: storage.ConnectorTaskID{Connector: "c", Task: 0}},
			`{"id":{"connector":"c","task":0},"config":{}}`},
		{"state info sorts tasks and omits empty traces", ConnectorStateInfo{
			Name:      "c",
			Connector: ConnectorState{State: storage.StateRunning, WorkerID: "w1:8083"},
			Tasks: []TaskState{
				{ID: 2, State: storage.StateFailed, WorkerID: "w2:8083", Trace: "boom\n\tat X"},
				{ID: 0, State: storage.StateRunning, WorkerID: "w1:8083"},
				{ID: 1, State: storage.StatePaused, WorkerID: "w2:8083"},
			},
			Type: ConnectorTypeSink,
		}, `{"name":"c","connector":{"state":"RUNNING","worker_id":"w1:8083"},"tasks":[` +
			`{"id":0,"state":"RUNNING","worker_id":"w1:8083"},` +
			`{"id":1,"state":"PAUSED","worker_id":"w2:8083"},` +
			`{"id":2,"state":"FAILED","worker_id":"w2:8083","trace":"boom\n\tat X"}],"type":"sink"}`},
		{"state info connector trace, no tasks", ConnectorStateInfo{
			Name:      "c",
			Connector: ConnectorState{State: storage.StateFailed, WorkerID: "w", Trace: "t"},
			Type:      ConnectorTypeSource,
		}, `{"name":"c","connector":{"state":"FAILED","worker_id":"w","trace":"t"},"tasks":[],"type":"source"}`},
		{"state info keeps <, > and & as Jackson does", ConnectorStateInfo{
			Name:      "MirrorSourceConnector",
			Connector: ConnectorState{State: storage.StateFailed, WorkerID: "10.0.0.1:8083/A->B", Trace: "E\n\tat X.<init>(X.java:1) & more"},
			Type:      ConnectorTypeSource,
		}, `{"name":"MirrorSourceConnector","connector":{"state":"FAILED","worker_id":"10.0.0.1:8083/A->B","trace":"E\n\tat X.<init>(X.java:1) & more"},"tasks":[],"type":"source"}`},
		{"task state", TaskState{ID: 4, State: storage.StateUnassigned, WorkerID: "w"},
			`{"id":4,"state":"UNASSIGNED","worker_id":"w"}`},
		{"create request", CreateConnectorRequest{Name: "c", Config: map[string]string{"a": "b"}, InitialState: &paused},
			`{"name":"c","config":{"a":"b"},"initial_state":"PAUSED"}`},
		{"create request without initial state", CreateConnectorRequest{Name: "c", Config: map[string]string{}},
			`{"name":"c","config":{},"initial_state":null}`},
	}
	// The REST server writes bodies without HTML escaping (writeJSON), as
	// marshal does.
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("got  %s\nwant %s", b, tc.want)
			}
		})
	}
}

func TestMarshalStateInfoDoesNotReorderCaller(t *testing.T) {
	info := ConnectorStateInfo{Tasks: []TaskState{{ID: 1}, {ID: 0}}}
	if _, err := json.Marshal(info); err != nil {
		t.Fatal(err)
	}
	if info.Tasks[0].ID != 1 {
		t.Fatal("MarshalJSON reordered the caller's slice")
	}
}

func TestNewConnectorStateInfo(t *testing.T) {
	conn := storage.ConnectorStatus("c", storage.StateRunning, "", "w1:8083", 3)
	tasks := []storage.Status{
		storage.TaskStatus(storage.ConnectorTaskID{Connector: "c", Task: 1}, storage.StateFailed, "trace", "w2:8083", 3),
		storage.TaskStatus(storage.ConnectorTaskID{Connector: "c", Task: 0}, storage.StateRunning, "", "w1:8083", 3),
	}
	got := NewConnectorStateInfo("c", ConnectorTypeSource, conn, tasks)
	b, _ := json.Marshal(got)
	want := `{"name":"c","connector":{"state":"RUNNING","worker_id":"w1:8083"},"tasks":[` +
		`{"id":0,"state":"RUNNING","worker_id":"w1:8083"},{"id":1,"state":"FAILED","worker_id":"w2:8083","trace":"trace"}],"type":"source"}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	if got.Tasks[0].ID != 0 {
		t.Errorf("tasks not sorted in the value: %+v", got.Tasks)
	}
}

func TestParseInitialState(t *testing.T) {
	for in, want := range map[string]InitialState{
		"running": InitialRunning, "Running": InitialRunning, "RUNNING": InitialRunning,
		"paused": InitialPaused, "Paused": InitialPaused, "STOPPED": InitialStopped, "stopped": InitialStopped,
	} {
		got, err := ParseInitialState(in)
		if err != nil || got != want {
			t.Errorf("ParseInitialState(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "STARTED", " RUNNING", "run", "DESTROYED"} {
		if _, err := ParseInitialState(in); err == nil {
			t.Errorf("ParseInitialState(%q) succeeded", in)
		}
	}
	for s, want := range map[InitialState]storage.TargetState{
		InitialRunning: storage.TargetStarted, InitialPaused: storage.TargetPaused, InitialStopped: storage.TargetStopped,
	} {
		if got := s.TargetState(); got != want {
			t.Errorf("%s.TargetState() = %s, want %s", s, got, want)
		}
	}
}

func TestUnmarshalRoundTrip(t *testing.T) {
	in := `{"name":"c","connector":{"state":"RUNNING","worker_id":"w"},"tasks":[{"id":0,"state":"FAILED","worker_id":"w","trace":"x"}],"type":"source"}`
	var info ConnectorStateInfo
	if err := json.Unmarshal([]byte(in), &info); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(info)
	if string(out) != in {
		t.Errorf("round trip: %s", out)
	}
}
