package rest

import (
	"errors"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/rest/entities"
)

// goldenCases lists every endpoint with its success answers and every
// error path the REST layer has (see golden_test.go). Names are the
// golden files' names: <endpoint>-<what>.
func goldenCases() []goldenCase {
	var cases []goldenCase
	add := func(c ...goldenCase) { cases = append(cases, c...) }
	fail := func(err error) func(h *fakeHerder) { return func(h *fakeHerder) { h.fail = err } }
	noLeader := fail(&targetError{msg: "Only the leader can set connector configs.", url: ""})
	leaderElsewhere := fail(&targetError{msg: "Only the leader can set connector configs.", url: "http://10.0.0.9:8083/"})
	const json = "application/json"

	// GET / and GET /health.
	add(
		goldenCase{name: "root", method: "GET", target: "/"},
		goldenCase{name: "root-head", method: "HEAD", target: "/"},
		goldenCase{name: "health-healthy", method: "GET", target: "/health"},
		goldenCase{name: "health-starting", method: "GET", target: "/health", timeout: 20 * time.Millisecond,
			setup: func(h *fakeHerder) { h.starting = true }},
		goldenCase{name: "health-unhealthy", method: "GET", target: "/health", timeout: 20 * time.Millisecond,
			setup: func(h *fakeHerder) { h.stuck = true }},
		goldenCase{name: "health-wrong-method", method: "POST", target: "/health"},
	)

	// GET and POST /connectors, GET and DELETE /connectors/{c}.
	add(
		goldenCase{name: "connectors-list", method: "GET", target: "/connectors"},
		goldenCase{name: "connectors-expand", method: "GET", target: "/connectors?expand=status&expand=info"},
		goldenCase{name: "connectors-create", method: "POST", target: "/connectors",
			body: `{"name":"new","config":{"connector.class":"FileStreamSink","tasks.max":1},"initial_state":"paused"}`},
		goldenCase{name: "connectors-create-exists", method: "POST", target: "/connectors", body: `{"name":"src","config":{}}`},
		goldenCase{name: "connectors-create-name-mismatch", method: "POST", target: "/connectors",
			body: `{"name":"new","config":{"name":"other"}}`},
		goldenCase{name: "connectors-create-no-leader", method: "POST", target: "/connectors",
			body: `{"name":"new","config":{}}`, setup: noLeader},
		goldenCase{name: "connector-get", method: "GET", target: "/connectors/src"},
		goldenCase{name: "connector-get-unknown", method: "GET", target: "/connectors/nope"},
		goldenCase{name: "connector-get-not-leader", method: "GET", target: "/connectors/src", setup: leaderElsewhere},
		goldenCase{name: "connector-delete", method: "DELETE", target: "/connectors/sink"},
		goldenCase{name: "connector-delete-unknown", method: "DELETE", target: "/connectors/nope"},
		goldenCase{name: "connector-status", method: "GET", target: "/connectors/src/status"},
		goldenCase{name: "connector-status-unknown", method: "GET", target: "/connectors/nostatus/status"},
		goldenCase{name: "connector-tasks-config-removed", method: "GET", target: "/connectors/src/tasks-config"},
		goldenCase{name: "connector-timeout", method: "GET", target: "/connectors/src", timeout: 20 * time.Millisecond,
			setup: func(h *fakeHerder) { h.block = true }},
	)

	// GET, PUT and PATCH /connectors/{c}/config.
	add(
		goldenCase{name: "config-get", method: "GET", target: "/connectors/src/config"},
		goldenCase{name: "config-get-unknown", method: "GET", target: "/connectors/nope/config"},
		goldenCase{name: "config-put-create", method: "PUT", target: "/connectors/new/config",
			body: `{"connector.class":"FileStreamSource","tasks.max":1,"topic":"t","flag":true}`},
		goldenCase{name: "config-put-create-escaped-name", method: "PUT", target: "/connectors/a%2Fb%20c/config",
			body: `{"connector.class":"FileStreamSink"}`},
		goldenCase{name: "config-put-update", method: "PUT", target: "/connectors/src/config",
			body: `{"name":"src","connector.class":"FileStreamSource","tasks.max":"3","topic":"lines"}`},
		goldenCase{name: "config-put-null-values-dropped", method: "PUT", target: "/connectors/src/config",
			body: `{"connector.class":"FileStreamSource","topic":null}`},
		goldenCase{name: "config-put-name-mismatch", method: "PUT", target: "/connectors/src/config", body: `{"name":"other"}`},
		goldenCase{name: "config-put-name-not-trimmed", method: "PUT", target: "/connectors/src/config", body: `{"name":" src"}`},
		goldenCase{name: "config-put-invalid", method: "PUT", target: "/connectors/src/config", body: `{"tasks.max":"x"}`,
			setup: fail(connect.Errorf(connect.ErrBadRequest, "Connector configuration is invalid and contains the following 1 error(s):\n"+
				"Invalid value x for configuration tasks.max: Not a number of type INT\n"+
				"You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`"))},
		goldenCase{name: "config-put-empty-body", method: "PUT", target: "/connectors/src/config", headers: []string{"Content-Type", json}},
		goldenCase{name: "config-put-null-body", method: "PUT", target: "/connectors/src/config", body: `null`},
		goldenCase{name: "config-put-array", method: "PUT", target: "/connectors/src/config", body: `["a"]`},
		goldenCase{name: "config-put-string", method: "PUT", target: "/connectors/src/config", body: `"a=b"`},
		goldenCase{name: "config-put-number", method: "PUT", target: "/connectors/src/config", body: `12`},
		goldenCase{name: "config-put-nested-value", method: "PUT", target: "/connectors/src/config", body: `{"topic":{"name":"t"}}`},
		goldenCase{name: "config-put-array-value", method: "PUT", target: "/connectors/src/config", body: "{\n  \"topics\": [\"a\", \"b\"]\n}"},
		goldenCase{name: "config-put-malformed", method: "PUT", target: "/connectors/src/config", body: `{"topic":"t",}`},
		goldenCase{name: "config-put-truncated", method: "PUT", target: "/connectors/src/config", body: `{"topic":"t`},
		goldenCase{name: "config-put-form", method: "PUT", target: "/connectors/src/config", body: `topic=t`,
			headers: []string{"Content-Type", "application/x-www-form-urlencoded"}},
		goldenCase{name: "config-put-no-leader", method: "PUT", target: "/connectors/src/config", body: `{}`, setup: noLeader},
		goldenCase{name: "config-put-third-hop", method: "PUT", target: "/connectors/src/config?forward=false", body: `{}`,
			setup: leaderElsewhere},
		goldenCase{name: "config-patch", method: "PATCH", target: "/connectors/src/config",
			body: `{"tasks.max":"1","file":null,"batch.size":100}`},
		goldenCase{name: "config-patch-same-name", method: "PATCH", target: "/connectors/src/config", body: `{"name":"src"}`},
		goldenCase{name: "config-patch-name-mismatch", method: "PATCH", target: "/connectors/src/config", body: `{"name":"other"}`},
		goldenCase{name: "config-patch-name-removed", method: "PATCH", target: "/connectors/src/config", body: `{"name":null}`},
		goldenCase{name: "config-patch-unknown", method: "PATCH", target: "/connectors/nope/config", body: `{"a":"b"}`},
		goldenCase{name: "config-patch-empty", method: "PATCH", target: "/connectors/src/config", body: `{}`},
		goldenCase{name: "config-patch-null-body", method: "PATCH", target: "/connectors/src/config", body: `null`},
		goldenCase{name: "config-patch-array", method: "PATCH", target: "/connectors/src/config", body: `[]`},
		goldenCase{name: "config-patch-nested-value", method: "PATCH", target: "/connectors/src/config", body: `{"a":[1]}`},
		goldenCase{name: "config-patch-malformed", method: "PATCH", target: "/connectors/src/config", body: `{"a" "b"}`},
		goldenCase{name: "config-patch-no-leader", method: "PATCH", target: "/connectors/src/config", body: `{}`, setup: noLeader},
		goldenCase{name: "config-wrong-method", method: "POST", target: "/connectors/src/config", body: `{}`},
	)

	// POST /connectors/{c}/restart.
	add(
		goldenCase{name: "restart-connector", method: "POST", target: "/connectors/src/restart"},
		goldenCase{name: "restart-connector-flags-false", method: "POST", target: "/connectors/src/restart?includeTasks=false&onlyFailed=FALSE"},
		goldenCase{name: "restart-connector-flags-not-true", method: "POST", target: "/connectors/src/restart?includeTasks=yes&onlyFailed=1"},
		goldenCase{name: "restart-connector-flags-empty", method: "POST", target: "/connectors/src/restart?includeTasks=&onlyFailed"},
		goldenCase{name: "restart-connector-unknown", method: "POST", target: "/connectors/nope/restart"},
		goldenCase{name: "restart-connector-no-owner", method: "POST", target: "/connectors/src/restart",
			setup: fail(&targetError{msg: "Cannot restart connector since it is not assigned to this member"})},
		goldenCase{name: "restart-include-tasks", method: "POST", target: "/connectors/src/restart?includeTasks=true"},
		goldenCase{name: "restart-include-tasks-upper-case", method: "POST", target: "/connectors/src/restart?includeTasks=TRUE"},
		goldenCase{name: "restart-only-failed", method: "POST", target: "/connectors/sink/restart?onlyFailed=true"},
		goldenCase{name: "restart-include-tasks-only-failed", method: "POST", target: "/connectors/src/restart?includeTasks=true&onlyFailed=true"},
		goldenCase{name: "restart-first-value-counts", method: "POST", target: "/connectors/src/restart?includeTasks=no&includeTasks=true"},
		goldenCase{name: "restart-and-tasks-unknown", method: "POST", target: "/connectors/nope/restart?includeTasks=true"},
		goldenCase{name: "restart-and-tasks-no-status", method: "POST", target: "/connectors/nostatus/restart?onlyFailed=true"},
		goldenCase{name: "restart-and-tasks-no-leader", method: "POST", target: "/connectors/src/restart?includeTasks=true", setup: noLeader},
		goldenCase{name: "restart-wrong-method", method: "GET", target: "/connectors/src/restart"},
	)

	// PUT /connectors/{c}/pause, /resume and /stop.
	add(
		goldenCase{name: "pause", method: "PUT", target: "/connectors/src/pause"},
		goldenCase{name: "pause-unknown", method: "PUT", target: "/connectors/nope/pause"},
		goldenCase{name: "pause-not-forwarded", method: "PUT", target: "/connectors/src/pause", setup: leaderElsewhere},
		goldenCase{name: "pause-wrong-method", method: "POST", target: "/connectors/src/pause"},
		goldenCase{name: "resume", method: "PUT", target: "/connectors/stopped/resume"},
		goldenCase{name: "resume-unknown", method: "PUT", target: "/connectors/nope/resume"},
		goldenCase{name: "stop", method: "PUT", target: "/connectors/src/stop"},
		goldenCase{name: "stop-unknown", method: "PUT", target: "/connectors/nope/stop"},
		goldenCase{name: "stop-no-leader", method: "PUT", target: "/connectors/src/stop", setup: noLeader},
	)

	// The tasks of a connector.
	add(
		goldenCase{name: "tasks", method: "GET", target: "/connectors/src/tasks"},
		goldenCase{name: "tasks-none", method: "GET", target: "/connectors/stopped/tasks"},
		goldenCase{name: "tasks-unknown", method: "GET", target: "/connectors/nope/tasks"},
		goldenCase{name: "tasks-wrong-method", method: "DELETE", target: "/connectors/src/tasks"},
		goldenCase{name: "task-status", method: "GET", target: "/connectors/src/tasks/0/status"},
		goldenCase{name: "task-status-failed", method: "GET", target: "/connectors/src/tasks/1/status"},
		goldenCase{name: "task-status-plus-sign", method: "GET", target: "/connectors/src/tasks/+1/status"},
		goldenCase{name: "task-status-arabic-indic-digit", method: "GET", target: "/connectors/src/tasks/%D9%A1/status"},
		goldenCase{name: "task-status-unknown", method: "GET", target: "/connectors/src/tasks/7/status"},
		goldenCase{name: "task-status-negative", method: "GET", target: "/connectors/src/tasks/-1/status"},
		goldenCase{name: "task-status-not-a-number", method: "GET", target: "/connectors/src/tasks/zero/status"},
		goldenCase{name: "task-status-overflow", method: "GET", target: "/connectors/src/tasks/2147483648/status"},
		goldenCase{name: "task-status-space", method: "GET", target: "/connectors/src/tasks/%201/status"},
		goldenCase{name: "task-restart", method: "POST", target: "/connectors/src/tasks/1/restart"},
		goldenCase{name: "task-restart-unknown-connector", method: "POST", target: "/connectors/nope/tasks/0/restart"},
		goldenCase{name: "task-restart-unknown-task", method: "POST", target: "/connectors/src/tasks/2/restart"},
		goldenCase{name: "task-restart-not-a-number", method: "POST", target: "/connectors/src/tasks/1.0/restart"},
		goldenCase{name: "task-restart-no-owner", method: "POST", target: "/connectors/src/tasks/0/restart",
			setup: fail(&targetError{msg: "Cannot restart task since it is not assigned to this member"})},
		goldenCase{name: "task-restart-third-hop", method: "POST", target: "/connectors/src/tasks/0/restart?forward=false",
			setup: leaderElsewhere},
	)

	// Active topics.
	add(
		goldenCase{name: "topics", method: "GET", target: "/connectors/src/topics"},
		goldenCase{name: "topics-none", method: "GET", target: "/connectors/nope/topics"},
		goldenCase{name: "topics-tracking-disabled", method: "GET", target: "/connectors/src/topics",
			setup: func(h *fakeHerder) { h.trackingOff = true }},
		goldenCase{name: "topics-reset", method: "PUT", target: "/connectors/src/topics/reset"},
		goldenCase{name: "topics-reset-tracking-disabled", method: "PUT", target: "/connectors/src/topics/reset",
			setup: func(h *fakeHerder) { h.trackingOff = true }},
		goldenCase{name: "topics-reset-disabled", method: "PUT", target: "/connectors/src/topics/reset",
			setup: func(h *fakeHerder) { h.resetOff = true }},
		goldenCase{name: "topics-reset-wrong-method", method: "POST", target: "/connectors/src/topics/reset"},
	)

	// Offsets.
	alter := func(name, target, body string, setup ...func(h *fakeHerder)) goldenCase {
		c := goldenCase{name: name, method: "PATCH", target: target, body: body}
		if len(setup) > 0 {
			c.setup = setup[0]
		}
		return c
	}
	add(
		goldenCase{name: "offsets-get", method: "GET", target: "/connectors/stopped/offsets"},
		goldenCase{name: "offsets-get-none", method: "GET", target: "/connectors/sink/offsets"},
		goldenCase{name: "offsets-get-unknown", method: "GET", target: "/connectors/nope/offsets"},
		alter("offsets-alter", "/connectors/stopped/offsets",
			`{"offsets":[{"partition":{"filename":"/a"},"offset":{"position":12,"ratio":0.5,"big":12345678901234567890,"ok":true,"tag":null}}]}`),
		alter("offsets-alter-reset-partition", "/connectors/stopped/offsets", `{"offsets":[{"partition":{"filename":"/b"},"offset":null}]}`),
		alter("offsets-alter-not-stopped", "/connectors/src/offsets", `{"offsets":[{"partition":{"filename":"/a"},"offset":{"position":1}}]}`),
		alter("offsets-alter-unknown", "/connectors/nope/offsets", `{"offsets":[{"partition":{"filename":"/a"},"offset":{"position":1}}]}`),
		alter("offsets-alter-empty-list", "/connectors/stopped/offsets", `{"offsets":[]}`),
		alter("offsets-alter-null-list", "/connectors/stopped/offsets", `{"offsets":null}`),
		alter("offsets-alter-no-list", "/connectors/stopped/offsets", `{}`),
		alter("offsets-alter-null-partition", "/connectors/stopped/offsets", `{"offsets":[{"partition":null,"offset":{"a":1}}]}`),
		alter("offsets-alter-null-entry", "/connectors/stopped/offsets", `{"offsets":[null]}`),
		alter("offsets-alter-null-body", "/connectors/stopped/offsets", `null`),
		goldenCase{name: "offsets-alter-empty-body", method: "PATCH", target: "/connectors/stopped/offsets",
			headers: []string{"Content-Type", json}},
		alter("offsets-alter-array-body", "/connectors/stopped/offsets", `[{"partition":{},"offset":{}}]`),
		alter("offsets-alter-string-body", "/connectors/stopped/offsets", `"offsets"`),
		alter("offsets-alter-unknown-field", "/connectors/stopped/offsets", `{"partitions":[]}`),
		alter("offsets-alter-unknown-field-after", "/connectors/stopped/offsets",
			`{"offsets":[{"partition":{"f":"/a"},"offset":null}],"x":1}`),
		alter("offsets-alter-unknown-entry-field", "/connectors/stopped/offsets",
			`{"offsets":[{"partition":{"f":"/a"},"offsets":{"p":1}}]}`),
		alter("offsets-alter-list-is-object", "/connectors/stopped/offsets", `{"offsets":{"partition":{}}}`),
		alter("offsets-alter-entry-is-number", "/connectors/stopped/offsets", `{"offsets":[1]}`),
		alter("offsets-alter-entry-is-string", "/connectors/stopped/offsets", `{"offsets":[""]}`),
		alter("offsets-alter-partition-is-string", "/connectors/stopped/offsets", `{"offsets":[{"partition":"/a","offset":null}]}`),
		alter("offsets-alter-offset-is-array", "/connectors/stopped/offsets", `{"offsets":[{"partition":{"f":1},"offset":[1]}]}`),
		alter("offsets-alter-malformed-in-partition", "/connectors/stopped/offsets", "{\"offsets\":[{\"partition\":{\"f\":01}}]}"),
		alter("offsets-alter-no-leader", "/connectors/stopped/offsets", `{"offsets":[{"partition":{"f":"/a"},"offset":null}]}`, noLeader),
		goldenCase{name: "offsets-alter-form", method: "PATCH", target: "/connectors/stopped/offsets", body: `offsets=1`,
			headers: []string{"Content-Type", "text/plain"}},
		goldenCase{name: "offsets-reset", method: "DELETE", target: "/connectors/stopped/offsets"},
		goldenCase{name: "offsets-reset-not-stopped", method: "DELETE", target: "/connectors/src/offsets"},
		goldenCase{name: "offsets-reset-unknown", method: "DELETE", target: "/connectors/nope/offsets"},
		goldenCase{name: "offsets-reset-third-hop", method: "DELETE", target: "/connectors/stopped/offsets?forward=false",
			setup: leaderElsewhere},
		goldenCase{name: "offsets-wrong-method", method: "PUT", target: "/connectors/src/offsets"},
	)

	// The /connector-plugins family.
	validate := func(name, plugin, body string) goldenCase {
		return goldenCase{name: name, method: "PUT", target: "/connector-plugins/" + plugin + "/config/validate", body: body}
	}
	add(
		goldenCase{name: "plugins", method: "GET", target: "/connector-plugins"},
		goldenCase{name: "plugins-all", method: "GET", target: "/connector-plugins?connectorsOnly=false"},
		goldenCase{name: "plugins-connectors-only-empty", method: "GET", target: "/connector-plugins?connectorsOnly="},
		goldenCase{name: "plugins-connectors-only-not-true", method: "GET", target: "/connector-plugins?connectorsOnly=yes"},
		goldenCase{name: "plugin-config", method: "GET", target: "/connector-plugins/FileStreamSourceConnector/config"},
		goldenCase{name: "plugin-config-alias", method: "GET", target: "/connector-plugins/FileStreamSource/config"},
		goldenCase{name: "plugin-config-converter", method: "GET", target: "/connector-plugins/org.apache.kafka.connect.storage.StringConverter/config"},
		goldenCase{name: "plugin-config-unknown", method: "GET", target: "/connector-plugins/Nope/config"},
		validate("validate", "FileStreamSourceConnector",
			`{"connector.class":"org.apache.kafka.connect.file.FileStreamSourceConnector","name":"v","tasks.max":"1"}`),
		validate("validate-errors", "FileStreamSource", `{"connector.class":"FileStreamSource","tasks.max":"many"}`),
		validate("validate-alias-in-path", "MirrorSource", `{"connector.class":"org.apache.kafka.connect.mirror.MirrorSourceConnector","name":"m"}`),
		validate("validate-class-mismatch", "FileStreamSink", `{"connector.class":"FileStreamSourceConnector"}`),
		validate("validate-suffix-only", "Connector", `{"connector.class":"FileStreamSinkConnector"}`),
		validate("validate-no-class", "FileStreamSinkConnector", `{"name":"v","topics":"t"}`),
		validate("validate-null-class", "FileStreamSinkConnector", `{"connector.class":null,"name":"v"}`),
		validate("validate-unknown-class", "Nope", `{"connector.class":"Nope"}`),
		validate("validate-nested-value", "FileStreamSink", `{"connector.class":"FileStreamSink","transforms":{"a":"b"}}`),
		validate("validate-array", "FileStreamSink", `[{"connector.class":"FileStreamSink"}]`),
		validate("validate-null-body", "FileStreamSink", `null`),
		validate("validate-malformed", "FileStreamSink", `{"connector.class":FileStreamSink}`),
		goldenCase{name: "validate-form", method: "PUT", target: "/connector-plugins/FileStreamSink/config/validate",
			body: `connector.class=FileStreamSink`, headers: []string{"Content-Type", "application/x-www-form-urlencoded"}},
		goldenCase{name: "validate-wrong-method", method: "POST", target: "/connector-plugins/FileStreamSink/config/validate", body: `{}`},
	)

	// Internal endpoints.
	sig := []string{entities.SignatureHeader, "c2lnbmF0dXJl", entities.SignatureAlgorithmHeader, "HmacSHA256"}
	add(
		goldenCase{name: "internal-task-configs", method: "POST", target: "/connectors/src/tasks?forward=true",
			body: `[{"task.class":"X","n":1}]`, headers: sig},
		goldenCase{name: "internal-task-configs-unknown", method: "POST", target: "/connectors/nope/tasks", body: `[]`},
		goldenCase{name: "fence", method: "PUT", target: "/connectors/src/fence", headers: sig},
		goldenCase{name: "fence-any-media-type", method: "PUT", target: "/connectors/src/fence", body: "x",
			headers: append([]string{"Content-Type", "text/plain"}, sig...)},
		goldenCase{name: "fence-unknown", method: "PUT", target: "/connectors/nope/fence", headers: sig},
		goldenCase{name: "fence-sink", method: "PUT", target: "/connectors/sink/fence", headers: sig},
		goldenCase{name: "fence-unsigned", method: "PUT", target: "/connectors/src/fence",
			setup: func(h *fakeHerder) { h.signed = true }},
		goldenCase{name: "fence-bad-signature-header", method: "PUT", target: "/connectors/src/fence",
			headers: []string{entities.SignatureHeader, "not base64", entities.SignatureAlgorithmHeader, "HmacSHA256"}},
		goldenCase{name: "fence-invalid-signature", method: "PUT", target: "/connectors/src/fence", headers: sig,
			setup: fail(&herderStatusError{status: 403, msg: "Internal request contained invalid signature."})},
		goldenCase{name: "fence-no-leader", method: "PUT", target: "/connectors/src/fence", headers: sig, setup: noLeader},
		goldenCase{name: "fence-wrong-method", method: "POST", target: "/connectors/src/fence"},
	)

	// Routing.
	add(
		goldenCase{name: "route-unknown", method: "GET", target: "/nope"},
		goldenCase{name: "route-too-deep", method: "GET", target: "/connectors/src/tasks/0/status/x"},
		goldenCase{name: "route-herder-failure", method: "GET", target: "/connectors/src/tasks",
			setup: fail(errors.New("kafka: client has run out of available brokers"))},
	)
	return cases
}
