package kafkastore

import (
	"testing"

	"github.com/ferrykafka/ferry/storage"
)

// Golden records: key and value bytes exactly as Java Connect writes them.
var goldenRecords = []struct {
	name       string
	key, value string // value "" = tombstone
	encode     func() (string, []byte)
}{
	{"connector config", "connector-my-conn", `{"properties":{"connector.class":"FileStreamSource","name":"my-conn","tasks.max":"1"}}`,
		func() (string, []byte) {
			return connectorKey("my-conn"), encodeProperties(map[string]string{"name": "my-conn", "tasks.max": "1", "connector.class": "FileStreamSource"})
		}},
	{"connector config escaping (keys sorted)", "connector-c",
		`{"properties":{"ctl":"\u0001","path":"C:\\tmp\\x","quote":"say \"hi\"","tab":"a\tb","unicode":"é€😀"}}`,
		func() (string, []byte) {
			return connectorKey("c"), encodeProperties(map[string]string{
				"path": `C:\tmp\x`, "quote": `say "hi"`, "tab": "a\tb", "unicode": "é€😀", "ctl": "\x01",
			})
		}},
	{"task config", "task-my-conn-3", `{"properties":{"task.class":"T","topic":"t"}}`,
		func() (string, []byte) {
			return taskKey(storage.ConnectorTaskID{Connector: "my-conn", Task: 3}), encodeProperties(map[string]string{"topic": "t", "task.class": "T"})
		}},
	{"empty properties", "task-c-0", `{"properties":{}}`,
		func() (string, []byte) {
			return taskKey(storage.ConnectorTaskID{Connector: "c", Task: 0}), encodeProperties(map[string]string{})
		}},
	{"commit", "commit-my-conn", `{"tasks":2}`,
		func() (string, []byte) { return commitKey("my-conn"), encodeCommit(2) }},
	{"commit of no tasks", "commit-c", `{"tasks":0}`,
		func() (string, []byte) { return commitKey("c"), encodeCommit(0) }},
	{"target state STARTED", "target-state-c", `{"state":"STARTED","state.v2":"STARTED"}`,
		func() (string, []byte) { return targetStateKey("c"), encodeTargetState(storage.TargetStarted) }},
	{"target state PAUSED", "target-state-c", `{"state":"PAUSED","state.v2":"PAUSED"}`,
		func() (string, []byte) { return targetStateKey("c"), encodeTargetState(storage.TargetPaused) }},
	{"target state STOPPED", "target-state-c", `{"state":"PAUSED","state.v2":"STOPPED"}`,
		func() (string, []byte) { return targetStateKey("c"), encodeTargetState(storage.TargetStopped) }},
	{"session key", "session-key", `{"key":"c2VjcmV0LWtleS0xMjM0NQ==","algorithm":"HmacSHA256","creation-timestamp":1700000000000}`,
		func() (string, []byte) {
			return sessionKeyKey, encodeSessionKey(storage.SessionKey{Key: []byte("secret-key-12345"), Algorithm: "HmacSHA256", CreationTime: 1700000000000})
		}},
	{"restart request", "restart-connector-c", `{"include-tasks":true,"only-failed":false}`,
		func() (string, []byte) {
			return restartKey("c"), encodeRestartRequest(storage.RestartRequest{Connector: "c", IncludeTasks: true})
		}},
	{"task count", "tasks-fencing-c", `{"task-count":3}`,
		func() (string, []byte) { return taskCountKey("c"), encodeTaskCount(3) }},
	{"logger level", "logger-cluster-org.apache.kafka.connect", `{"level":"DEBUG"}`,
		func() (string, []byte) { return loggerKey("org.apache.kafka.connect"), encodeLoggerLevel("DEBUG") }},
	{"connector status", "status-connector-my-conn", `{"state":"RUNNING","trace":null,"worker_id":"host:8083","generation":7,"version":null}`,
		func() (string, []byte) {
			s := storage.ConnectorStatus("my-conn", storage.StateRunning, "", "host:8083", 7)
			return statusKey(s.ID), encodeStatus(s)
		}},
	{"task status with plugin version", "status-task-my-conn-1", `{"state":"RUNNING","trace":null,"worker_id":"host:8083","generation":7,"version":"4.3.1"}`,
		func() (string, []byte) {
			s := storage.TaskStatus(storage.ConnectorTaskID{Connector: "my-conn", Task: 1}, storage.StateRunning, "", "host:8083", 7).WithVersion("4.3.1")
			return statusKey(s.ID), encodeStatus(s)
		}},
	{"task status with trace", "status-task-my-conn-0",
		`{"state":"FAILED","trace":"org.apache.kafka.connect.errors.ConnectException: boom\n\tat Foo.bar(Foo.java:1)\n","worker_id":"10.0.0.1:8083","generation":12,"version":null}`,
		func() (string, []byte) {
			s := storage.TaskStatus(storage.ConnectorTaskID{Connector: "my-conn", Task: 0}, storage.StateFailed,
				"org.apache.kafka.connect.errors.ConnectException: boom\n\tat Foo.bar(Foo.java:1)\n", "10.0.0.1:8083", 12)
			return statusKey(s.ID), encodeStatus(s)
		}},
	{"topic status", "status-topic-orders:connector-my-conn", `{"topic":{"name":"orders","connector":"my-conn","task":2,"discoverTimestamp":1700000000000}}`,
		func() (string, []byte) {
			return topicStatusKey("my-conn", "orders"), encodeTopicStatus(storage.TopicStatus{Topic: "orders", Connector: "my-conn", Task: 2, DiscoverTimestamp: 1700000000000})
		}},
}

func TestGoldenRecords(t *testing.T) {
	for _, g := range goldenRecords {
		k, v := g.encode()
		if k != g.key {
			t.Errorf("%s: key %q, want %q", g.name, k, g.key)
		}
		if string(v) != g.value {
			t.Errorf("%s:\n got %s\nwant %s", g.name, v, g.value)
		}
	}
}

func TestKeyParsing(t *testing.T) {
	tasks := map[string]*storage.ConnectorTaskID{
		"task-c-0":              {Connector: "c", Task: 0},
		"task-my-conn-12":       {Connector: "my-conn", Task: 12},
		"task-a--b-1":           {Connector: "a--b", Task: 1},
		"task-c-+4":             {Connector: "c", Task: 4}, // Integer.parseInt accepts a sign
		"task-c":                nil,
		"task-c-x":              nil,
		"task-c-99999999999999": nil,
		"task--1":               {Connector: "", Task: 1}, // ["task","","1"], as Java splits it
	}
	for key, want := range tasks {
		got, ok := parseTaskKey(key)
		if (want == nil) != !ok || (want != nil && got != *want) {
			t.Errorf("parseTaskKey(%q) = %+v, %v; want %+v", key, got, ok, want)
		}
	}
	statuses := map[string]*storage.ConnectorTaskID{
		"status-task-c-0":        {Connector: "c", Task: 0},
		"status-task-my-conn-3":  {Connector: "my-conn", Task: 3},
		"status-task-c":          nil,
		"status-task-c-":         nil, // trailing empty part dropped, as String.split does
		"status-task-c-notanint": nil,
	}
	for key, want := range statuses {
		got, ok := parseTaskStatusKey(key)
		if (want == nil) != !ok || (want != nil && got != *want) {
			t.Errorf("parseTaskStatusKey(%q) = %+v, %v; want %+v", key, got, ok, want)
		}
	}
	topics := []struct {
		key, topic, connector string
		ok                    bool
	}{
		{"status-topic-orders:connector-my-conn", "orders", "my-conn", true},
		{"status-topic-orders:connector-a:b", "orders", "a:b", true},
		{"status-topic-:connector-c", "", "", false},
		{"status-topic-orders", "", "", false},
		{"status-topic-orders:connector-", "", "", false},
		{"status-topic-t:c", "", "", false},
	}
	for _, c := range topics {
		topic, conn, ok := parseTopicStatusKey(c.key)
		if ok != c.ok || topic != c.topic || conn != c.connector {
			t.Errorf("parseTopicStatusKey(%q) = %q %q %v", c.key, topic, conn, ok)
		}
	}
}

func TestParseJavaWrittenStatuses(t *testing.T) {
	id := storage.ConnectorTaskID{Connector: "c", Task: 1}
	st, err := parseStatus(id, []byte(`{"state":"RUNNING","trace":null,"worker_id":"host:8083","generation":7}`))
	if err != nil || st != storage.TaskStatus(id, storage.StateRunning, "", "host:8083", 7) {
		t.Fatalf("got %+v, %v", st, err)
	}
	st, err = parseStatus(id, []byte(`{"state":"FAILED","trace":"boom\n\tat x","worker_id":"w:1","generation":2}`))
	if err != nil || st.Trace != "boom\n\tat x" || st.State != storage.StateFailed {
		t.Fatalf("got %+v, %v", st, err)
	}
	// Kafka 4.1+ adds the plugin version.
	st, err = parseStatus(id, []byte(`{"state":"RUNNING","trace":null,"worker_id":"w:1","generation":2,"version":"4.3.1"}`))
	if err != nil || st.Version != "4.3.1" {
		t.Fatalf("got %+v, %v", st, err)
	}
	for _, bad := range []string{
		`{"state":"RUNNING","trace":null,"worker_id":"w","generation":1,"version":7}`,
		`{"state":"WEIRD","trace":null,"worker_id":"w","generation":1}`,
		`{"state":"RUNNING","trace":1,"worker_id":"w","generation":1}`,
		`{"state":"RUNNING","trace":null,"worker_id":"w","generation":"1"}`,
		`{"state":"RUNNING","trace":null,"worker_id":"w"}`,
		`["RUNNING"]`, `{`,
	} {
		if _, err := parseStatus(id, []byte(bad)); err == nil {
			t.Errorf("parseStatus(%s) accepted", bad)
		}
	}
	ts, err := parseTopicStatus([]byte(`{"topic":{"name":"t","connector":"c","task":0,"discoverTimestamp":1700000000000}}`))
	if err != nil || ts != (storage.TopicStatus{Topic: "t", Connector: "c", Task: 0, DiscoverTimestamp: 1700000000000}) {
		t.Fatalf("topic status %+v, %v", ts, err)
	}
	if _, err := parseTopicStatus([]byte(`{"topic":{"name":"t","connector":"c","task":0,"discoverTimestamp":1.5}}`)); err == nil {
		t.Fatal("a float timestamp was accepted")
	}
}

func FuzzParseStatus(f *testing.F) {
	f.Add([]byte(`{"state":"RUNNING","trace":null,"worker_id":"host:8083","generation":7}`))
	f.Add([]byte(`{"topic":{"name":"t","connector":"c","task":0,"discoverTimestamp":1}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = parseStatus(storage.ConnectorTaskID{Connector: "c"}, data)
		_, _ = parseTopicStatus(data)
	})
}
