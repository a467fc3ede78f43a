package rest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/rest/entities"
	"github.com/ferrykafka/ferry/storage"
)

func TestServerInfo(t *testing.T) {
	s, _ := newTestServer(t, newFakeHerder(), Config{})
	expect(t, call(t, s, "GET", "/", ""), 200,
		`{"version":"3.9.0","commit":"1eb7644349cb0713","kafka_cluster_id":"uFt4Zsh3QUmM1WpHHrd1Dw"}`)
}

func TestListConnectors(t *testing.T) {
	h := newFakeHerder()
	s, _ := newTestServer(t, h, Config{})
	expect(t, call(t, s, "GET", "/connectors", ""), 200, `[]`)

	h.add("b", map[string]string{"name": "b"})
	h.add("a", map[string]string{"name": "a", "connector.class": "FileStreamSource"})
	expect(t, call(t, s, "GET", "/connectors", ""), 200, `["a","b"]`)
	expect(t, call(t, s, "GET", "/connectors?forward=true", ""), 200, `["a","b"]`)
}

func TestListConnectorsExpand(t *testing.T) {
	h := newFakeHerder()
	h.add("a", map[string]string{"name": "a", "connector.class": "FileStreamSource"})
	h.add("b", map[string]string{"name": "b", "connector.class": "FileStreamSink"})
	h.setStatus(entities.ConnectorStateInfo{
		Name:      "a",
		Connector: entities.ConnectorState{State: storage.StateRunning, WorkerID: "w1:8083"},
		Type:      entities.ConnectorTypeSource,
	})
	// b has no status yet: Java leaves it out of a status expansion.
	s, _ := newTestServer(t, h, Config{})

	statusA := `{"name":"a","connector":{"state":"RUNNING","worker_id":"w1:8083"},"tasks":[],"type":"source"}`
	infoA := `{"name":"a","config":{"connector.class":"FileStreamSource","name":"a"},"tasks":[],"type":"source"}`
	infoB := `{"name":"b","config":{"connector.class":"FileStreamSink","name":"b"},"tasks":[],"type":"sink"}`

	expect(t, call(t, s, "GET", "/connectors?expand=status", ""), 200, `{"a":{"status":`+statusA+`}}`)
	expect(t, call(t, s, "GET", "/connectors?expand=info", ""), 200,
		`{"a":{"info":`+infoA+`},"b":{"info":`+infoB+`}}`)
	expect(t, call(t, s, "GET", "/connectors?expand=status&expand=info", ""), 200,
		`{"a":{"status":`+statusA+`,"info":`+infoA+`}}`)
	expect(t, call(t, s, "GET", "/connectors?expand=info&expand=status", ""), 200,
		`{"a":{"info":`+infoA+`,"status":`+statusA+`}}`)
	expect(t, call(t, s, "GET", "/connectors?expand=bogus", ""), 200, `{"a":{},"b":{}}`)
	expect(t, call(t, s, "GET", "/connectors?expand", ""), 200, `{"a":{},"b":{}}`)

	h.fail = errors.New("status store unavailable")
	expect(t, call(t, s, "GET", "/connectors?expand=status", ""), 500, errorBody(500, "status store unavailable"))
}

func TestCreateConnector(t *testing.T) {
	h := newFakeHerder()
	s, _ := newTestServer(t, h, Config{})
	rec := call(t, s, "POST", "/connectors",
		`{"name":"local-file-source","config":{"connector.class":"FileStreamSource","tasks.max":1,"file":"/tmp/in.txt","topic":"lines"}}`)
	expect(t, rec, 201, `{"name":"local-file-source","config":{"connector.class":"FileStreamSource","file":"/tmp/in.txt","name":"local-file-source","tasks.max":"1","topic":"lines"},"tasks":[],"type":"source"}`)
	if loc := rec.Header().Get("Location"); loc != "http://worker1:8083/connectors/local-file-source" {
		t.Errorf("Location = %q", loc)
	}
	if got := h.config("local-file-source")["name"]; got != "local-file-source" {
		t.Errorf("name not injected into config: %q", got)
	}
	if _, ok := h.target("local-file-source"); ok {
		t.Error("target state written without initial_state")
	}

	// Exists: 409 with the herder's text.
	expect(t, call(t, s, "POST", "/connectors", `{"name":"local-file-source","config":{}}`), 409,
		`{"error_code":409,"message":"Connector local-file-source already exists"}`)
}

func TestCreateConnectorNameHandling(t *testing.T) {
	h := newFakeHerder()
	s, _ := newTestServer(t, h, Config{})

	// Trimmed as Java's String.trim does (control characters too).
	rec := call(t, s, "POST", "/connectors", `{"name":"  trimmed\t\u0001","config":{}}`)
	expect(t, rec, 201, `{"name":"trimmed","config":{"name":"trimmed"},"tasks":[],"type":"unknown"}`)

	// A matching config.name is fine.
	expect(t, call(t, s, "POST", "/connectors", `{"name":"same","config":{"name":"same"}}`), 201,
		`{"name":"same","config":{"name":"same"},"tasks":[],"type":"unknown"}`)

	// Compared after trimming the name, not the config value.
	expect(t, call(t, s, "POST", "/connectors", `{"name":" x ","config":{"name":" x "}}`), 400,
		`{"error_code":400,"message":"Connector name configuration ( x ) doesn't match connector name in the URL (x)"}`)
	expect(t, call(t, s, "POST", "/connectors", `{"name":"x","config":{"name":"y"}}`), 400,
		`{"error_code":400,"message":"Connector name configuration (y) doesn't match connector name in the URL (x)"}`)

	// A null config.name counts as absent.
	expect(t, call(t, s, "POST", "/connectors", `{"name":"nulled","config":{"name":null}}`), 201,
		`{"name":"nulled","config":{"name":"nulled"},"tasks":[],"type":"unknown"}`)

	// Missing or empty name: "" reaches the herder, whose validation
	// rejects it (as in Java).
	empty := errorBody(400, "Connector configuration is invalid and contains the following 1 error(s):\n"+
		"Invalid value  for configuration name: String may not be empty\n"+
		"You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`")
	expect(t, call(t, s, "POST", "/connectors", `{"config":{"connector.class":"FileStreamSource"}}`), 400, empty)
	expect(t, call(t, s, "POST", "/connectors", `{"name":"   ","config":{}}`), 400, empty)
	expect(t, call(t, s, "POST", "/connectors", `{"name":null}`), 400, empty)
	// A name in config with no top-level name mismatches "".
	expect(t, call(t, s, "POST", "/connectors", `{"config":{"name":"c"}}`), 400,
		`{"error_code":400,"message":"Connector name configuration (c) doesn't match connector name in the URL ()"}`)

	// Names are escaped in Location and can be used in paths.
	rec = call(t, s, "POST", "/connectors", `{"name":"my connector/1","config":{}}`)
	if rec.Code != 201 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if loc := rec.Header().Get("Location"); loc != "http://worker1:8083/connectors/my%20connector%2F1" {
		t.Errorf("Location = %q", loc)
	}
	expect(t, call(t, s, "GET", "/connectors/my%20connector%2F1/config", ""), 200,
		`{"name":"my connector/1"}`)
}

func TestCreateConnectorInitialState(t *testing.T) {
	for in, want := range map[string]storage.TargetState{
		`"RUNNING"`: storage.TargetStarted, `"running"`: storage.TargetStarted,
		`"Paused"`: storage.TargetPaused, `"stopped"`: storage.TargetStopped,
	} {
		h := newFakeHerder()
		s, _ := newTestServer(t, h, Config{})
		rec := call(t, s, "POST", "/connectors", `{"name":"c","config":{},"initial_state":`+in+`}`)
		if rec.Code != 201 {
			t.Fatalf("initial_state %s: status %d %s", in, rec.Code, rec.Body)
		}
		if got, _ := h.target("c"); got != want {
			t.Errorf("initial_state %s: target %q, want %q", in, got, want)
		}
	}

	h := newFakeHerder()
	s, _ := newTestServer(t, h, Config{})
	expect(t, call(t, s, "POST", "/connectors", `{"name":"c","config":{},"initial_state":null}`), 201,
		`{"name":"c","config":{"name":"c"},"tasks":[],"type":"unknown"}`)
	if _, ok := h.target("c"); ok {
		t.Error("null initial_state wrote a target state")
	}
	expect(t, call(t, s, "POST", "/connectors", `{"name":"d","config":{},"initial_state":"STARTED"}`), 400,
		errorBody(400, "Cannot construct instance of `org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest$InitialState`, "+
			"problem: No enum constant org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest.InitialState.STARTED\n"+
			" at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 41] "+
			"(through reference chain: org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest[\"initial_state\"])"))
}

func TestCreateConnectorBadBodies(t *testing.T) {
	s, _ := newTestServer(t, newFakeHerder(), Config{})
	const src = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); "
	cases := []struct {
		name, body, msg string
	}{
		{"malformed", `{"name":"c",}`,
			"Unexpected character ('}' (code 125)): was expecting double-quote to start field name\n at " + src + "line: 1, column: 13]"},
		{"missing value", `{"name": }`,
			"Unexpected character ('}' (code 125)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at " + src + "line: 1, column: 10]"},
		{"not json", `name=c`,
			"Unrecognized token 'name': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at " + src + "line: 1, column: 5]"},
		{"truncated", "{\"name\":\"c\",\n \"config\": {",
			"Unexpected end-of-input: expected close marker for Object (start marker at " + src + "line: 2, column: 12])\n at " + src + "line: 2, column: 13]" +
				" (through reference chain: org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest[\"config\"])"},
		{"unknown field", `{"name":"c","connector.class":"X","config":{}}`,
			"Unrecognized field \"connector.class\" (class org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest), " +
				"not marked as ignorable (3 known properties: \"config\", \"name\", \"initial_state\"])\n at " + src + "line: 1, column: 46] " +
				"(through reference chain: org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest[\"connector.class\"])"},
		{"flat config", `{"connector.class":"X"}`,
			"Unrecognized field \"connector.class\" (class org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest), " +
				"not marked as ignorable (3 known properties: \"config\", \"name\", \"initial_state\"])\n at " + src + "line: 1, column: 23] " +
				"(through reference chain: org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest[\"connector.class\"])"},
		{"array", `[]`,
			"Cannot deserialize value of type `org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest` from Array value (token `JsonToken.START_ARRAY`)\n at " + src + "line: 1, column: 1]"},
		{"config value object", `{"name":"c","config":{"k":{}}}`,
			"Cannot deserialize value of type `java.lang.String` from Object value (token `JsonToken.START_OBJECT`)\n at " + src + "line: 1, column: 27] " +
				"(through reference chain: org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest[\"config\"]->java.util.LinkedHashMap[\"k\"])"},
		{"config array", `{"name":"c","config":[]}`,
			"Cannot deserialize value of type `java.util.LinkedHashMap<java.lang.String,java.lang.String>` from Array value (token `JsonToken.START_ARRAY`)\n at " + src + "line: 1, column: 22] " +
				"(through reference chain: org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest[\"config\"])"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			expect(t, call(t, s, "POST", "/connectors", tc.body), 400, errorBody(400, tc.msg))
		})
	}
}

func TestCreateConnectorRequestLevelErrors(t *testing.T) {
	s, _ := newTestServer(t, newFakeHerder(), Config{MaxBodyBytes: 64})
	// No body at all (Jersey: NoContentException -> 400).
	expect(t, call(t, s, "POST", "/connectors", ""), 400, `{"error_code":400,"message":"HTTP 400 Bad Request"}`)
	expect(t, call(t, s, "POST", "/connectors", " \n "), 400, `{"error_code":400,"message":"HTTP 400 Bad Request"}`)
	// curl -d without -H Content-Type sends a form: Jersey says 415.
	expect(t, call(t, s, "POST", "/connectors", `{"name":"c","config":{}}`, "Content-Type", "application/x-www-form-urlencoded"),
		415, `{"error_code":415,"message":"HTTP 415 Unsupported Media Type"}`)
	expect(t, call(t, s, "POST", "/connectors", `{"name":"c","config":{}}`, "Content-Type", "application/json; charset=UTF-8"),
		201, `{"name":"c","config":{"name":"c"},"tasks":[],"type":"unknown"}`)
	expect(t, call(t, s, "POST", "/connectors?forward=true", `{"name":"d","config":{}}`, "Content-Type", ""),
		201, `{"name":"d","config":{"name":"d"},"tasks":[],"type":"unknown"}`)
	// Too large.
	big := `{"name":"c","config":{"k":"` + strings.Repeat("x", 100) + `"}}`
	expect(t, call(t, s, "POST", "/connectors", big), 413,
		`{"error_code":413,"message":"Request body is larger than the limit of 64 bytes"}`)
}

func TestGetConnector(t *testing.T) {
	h := newFakeHerder()
	h.add("c", map[string]string{"name": "c", "connector.class": "FileStreamSink", "topics": "t"})
	s, _ := newTestServer(t, h, Config{})
	expect(t, call(t, s, "GET", "/connectors/c", ""), 200,
		`{"name":"c","config":{"connector.class":"FileStreamSink","name":"c","topics":"t"},"tasks":[],"type":"sink"}`)
	expect(t, call(t, s, "GET", "/connectors/nope", ""), 404, `{"error_code":404,"message":"Connector nope not found"}`)
	expect(t, call(t, s, "GET", "/connectors/c/config", ""), 200,
		`{"connector.class":"FileStreamSink","name":"c","topics":"t"}`)
	expect(t, call(t, s, "GET", "/connectors/nope/config", ""), 404, `{"error_code":404,"message":"Connector nope not found"}`)
}

func TestConnectorStatus(t *testing.T) {
	h := newFakeHerder()
	h.add("c", map[string]string{"name": "c"})
	h.setStatus(entities.ConnectorStateInfo{
		Name:      "c",
		Connector: entities.ConnectorState{State: storage.StateRunning, WorkerID: "10.0.0.1:8083"},
		Tasks: []entities.TaskState{
			{ID: 1, State: storage.StateFailed, WorkerID: "10.0.0.2:8083", Trace: "org.apache.kafka.connect.errors.ConnectException: boom\n\tat X.poll(X.java:1)"},
			{ID: 0, State: storage.StateRunning, WorkerID: "10.0.0.1:8083"},
		},
		Type: entities.ConnectorTypeSource,
	})
	s, _ := newTestServer(t, h, Config{})
	expect(t, call(t, s, "GET", "/connectors/c/status", ""), 200,
		`{"name":"c","connector":{"state":"RUNNING","worker_id":"10.0.0.1:8083"},"tasks":[`+
			`{"id":0,"state":"RUNNING","worker_id":"10.0.0.1:8083"},`+
			`{"id":1,"state":"FAILED","worker_id":"10.0.0.2:8083","trace":"org.apache.kafka.connect.errors.ConnectException: boom\n\tat X.poll(X.java:1)"}],"type":"source"}`)
	expect(t, call(t, s, "GET", "/connectors/nope/status", ""), 404,
		`{"error_code":404,"message":"No status found for connector nope"}`)
}

func TestDeleteConnector(t *testing.T) {
	h := newFakeHerder()
	h.add("c", map[string]string{"name": "c"})
	s, _ := newTestServer(t, h, Config{})
	rec := call(t, s, "DELETE", "/connectors/c?forward=false", "")
	expect(t, rec, 204, "")
	if ct := rec.Header().Get("Content-Type"); ct != "" {
		t.Errorf("204 with Content-Type %q", ct)
	}
	expect(t, call(t, s, "DELETE", "/connectors/c", ""), 404, `{"error_code":404,"message":"Connector c not found"}`)
}

func TestHerderErrorMapping(t *testing.T) {
	h := newFakeHerder()
	s, logs := newTestServer(t, h, Config{})
	cases := []struct {
		err    error
		status int
		msg    string
	}{
		{connect.Errorf(connect.ErrConflict, "Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)"),
			409, "Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)"},
		{connect.Errorf(connect.ErrBadRequest, "Connector config {} contains no connector type"), 400, "Connector config {} contains no connector type"},
		{fmt.Errorf("lookup: %w", connect.ErrNotFound), 404, "lookup: not found"},
		{connect.Errorf(connect.ErrAlreadyExists, "Connector c already exists"), 409, "Connector c already exists"},
		{connect.Errorf(connect.ErrRetriable, "Request cannot be completed because a rebalance is expected"), 500,
			"Request cannot be completed because a rebalance is expected"},
		{errors.New("kafka: client has run out of available brokers"), 500, "kafka: client has run out of available brokers"},
		{&restError{status: 403, msg: "Topic tracking is disabled."}, 403, "Topic tracking is disabled."},
	}
	for _, tc := range cases {
		h.fail = tc.err
		expect(t, call(t, s, "GET", "/connectors/c", ""), tc.status, errorBody(tc.status, tc.msg))
	}
	if !strings.Contains(logs.String(), `"level":"error"`) || !strings.Contains(logs.String(), "out of available brokers") {
		t.Errorf("500 not logged at error level:\n%s", logs)
	}
}

func TestRequestTimeout(t *testing.T) {
	h := newFakeHerder()
	h.block = true
	s, _ := newTestServer(t, h, Config{RequestTimeout: 20 * time.Millisecond})
	expect(t, call(t, s, "GET", "/connectors", ""), 500, `{"error_code":500,"message":"Request timed out"}`)

	// A herder may explain the timeout itself.
	h.block = false
	h.fail = &connect.KindError{Kind: errors.New("timeout"), Msg: "Request timed out. The worker is currently ensuring membership in the cluster, which began at 2024-10-25T00:00:00Z.",
		Cause: context.DeadlineExceeded}
	expect(t, call(t, s, "GET", "/connectors", ""), 500, errorBody(500, h.fail.Error()))

	// The deadline reaches the herder.
	h.fail = nil
	call(t, s, "GET", "/connectors", "")
	if _, ok := h.lastCtx.Deadline(); !ok {
		t.Error("herder context has no deadline")
	}
}

func TestRoutingErrors(t *testing.T) {
	s, _ := newTestServer(t, newFakeHerder(), Config{})
	notFound := `{"error_code":404,"message":"HTTP 404 Not Found"}`
	expect(t, call(t, s, "GET", "/nope", ""), 404, notFound)
	expect(t, call(t, s, "GET", "/connectors/a/b/c", ""), 404, notFound)
	expect(t, call(t, s, "GET", "/connectors//status", ""), 404, notFound)

	rec := call(t, s, "PUT", "/connectors", `{}`)
	expect(t, rec, 405, `{"error_code":405,"message":"HTTP 405 Method Not Allowed"}`)
	if allow := rec.Header().Get("Allow"); allow != "GET, HEAD, POST" {
		t.Errorf("Allow = %q", allow)
	}
	rec = call(t, s, "POST", "/connectors/c/status", "")
	expect(t, rec, 405, `{"error_code":405,"message":"HTTP 405 Method Not Allowed"}`)
	if allow := rec.Header().Get("Allow"); allow != "GET, HEAD" {
		t.Errorf("Allow = %q", allow)
	}
}

func TestTrailingSlashAndHead(t *testing.T) {
	h := newFakeHerder()
	h.add("c", map[string]string{"name": "c"})
	s, _ := newTestServer(t, h, Config{})
	expect(t, call(t, s, "GET", "/connectors/", ""), 200, `["c"]`)
	expect(t, call(t, s, "GET", "/connectors/c/config/", ""), 200, `{"name":"c"}`)

	rec := call(t, s, "HEAD", "/connectors", "")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("HEAD: %d %v", rec.Code, rec.Header())
	}
}
