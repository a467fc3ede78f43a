package rest

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect/workerconfig"
	"github.com/ferrykafka/ferry/rest/entities"
	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/test/testkit"
)

// msc is the connector every flow herder of these tests runs.
const msc = "MirrorSourceConnector"

// flowHerder is a fake herder for the flow source->target: a running
// MirrorSourceConnector with one task, whose config, status and offsets
// name the flow (so answers tell which herder gave them), a stopped
// connector "Stopped" (offsets can be altered) and its own cluster id.
func flowHerder(source, target string) *fakeHerder {
	h := newFakeHerder()
	h.clusterID = "cluster-" + target
	worker := source + "-" + target + ":8083"
	h.add(msc, map[string]string{"name": msc, "connector.class": "org.apache.kafka.connect.mirror.MirrorSourceConnector",
		"source.cluster.alias": source, "target.cluster.alias": target})
	h.setTasks(msc, map[string]string{"task.class": "MirrorSourceTask", "task.assigned.partitions": source + ".t-0"})
	h.setStatus(entities.ConnectorStateInfo{Name: msc, Type: entities.ConnectorTypeSource,
		Connector: entities.ConnectorState{State: storage.StateRunning, WorkerID: worker},
		Tasks:     []entities.TaskState{{ID: 0, State: storage.StateRunning, WorkerID: worker}}})
	h.setOffsets(msc, entities.ConnectorOffset{Partition: map[string]any{"cluster": source, "topic": "t", "partition": float64(0)},
		Offset: map[string]any{"offset": float64(42)}})
	h.setTopics(msc, target+".t")
	h.add("Stopped", map[string]string{"name": "Stopped", "connector.class": "MirrorSourceConnector"})
	h.setTarget("Stopped", storage.TargetStopped)
	return h
}

// newDedicatedServer builds a dedicated server over flows.
func newDedicatedServer(t *testing.T, cfg Config, flows ...Flow) *Server {
	t.Helper()
	cfg.Dedicated = true
	s, err := New(cfg, nil, testkit.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	s.SetFlows(flows)
	return s
}

// Every route family reaches the herder of the flow named by the path,
// answers as a single-herder server over the same herder answers the
// unprefixed path, and leaves the other flow's herder alone.
func TestDedicatedEndpointsReachTheirFlow(t *testing.T) {
	sig := []string{entities.SignatureHeader, base64.StdEncoding.EncodeToString([]byte("mac")),
		entities.SignatureAlgorithmHeader, "HmacSHA256"}
	cases := []struct {
		method, path, body string
		headers            []string
		status             int
		call               string // the flow herder's last call
	}{
		{"GET", "/", "", nil, 200, "ServerInfo()"},
		{"GET", "/health", "", nil, 200, "Health()"},
		{"GET", "/connectors", "", nil, 200, "Connectors()"},
		{"GET", "/connectors?expand=info&expand=status", "", nil, 200, "ConnectorStatus(Stopped)"},
		{"POST", "/connectors", `{"name":"new","config":{"connector.class":"MirrorHeartbeatConnector"}}`, nil, 201, "PutConnectorConfig(new, false)"},
		{"GET", "/connectors/" + msc, "", nil, 200, "ConnectorInfo(" + msc + ")"},
		{"DELETE", "/connectors/" + msc, "", nil, 204, "DeleteConnector(" + msc + ")"},
		{"GET", "/connectors/" + msc + "/config", "", nil, 200, "ConnectorConfig(" + msc + ")"},
		{"PUT", "/connectors/" + msc + "/config", `{"connector.class":"MirrorSourceConnector","tasks.max":"2"}`, nil, 200, "PutConnectorConfig(" + msc + ", true)"},
		{"PUT", "/connectors/new/config", `{"connector.class":"MirrorSourceConnector"}`, nil, 201, "PutConnectorConfig(new, true)"},
		{"PATCH", "/connectors/" + msc + "/config", `{"tasks.max":"3"}`, nil, 200, "PatchConnectorConfig(" + msc + ")"},
		{"GET", "/connectors/" + msc + "/status", "", nil, 200, "ConnectorStatus(" + msc + ")"},
		{"POST", "/connectors/" + msc + "/restart", "", nil, 204, "RestartConnector(" + msc + ")"},
		{"POST", "/connectors/" + msc + "/restart?includeTasks=true", "", nil, 202,
			"RestartConnectorAndTasks(" + msc + ", onlyFailed=false, includeTasks=true)"},
		{"PUT", "/connectors/" + msc + "/pause", "", nil, 202, "PauseConnector(" + msc + ")"},
		{"PUT", "/connectors/" + msc + "/resume", "", nil, 202, "ResumeConnector(" + msc + ")"},
		{"PUT", "/connectors/" + msc + "/stop", "", nil, 204, "StopConnector(" + msc + ")"},
		{"GET", "/connectors/" + msc + "/tasks", "", nil, 200, "TaskConfigs(" + msc + ")"},
		{"GET", "/connectors/" + msc + "/tasks/0/status", "", nil, 200, "TaskStatus(" + msc + "-0)"},
		{"POST", "/connectors/" + msc + "/tasks/0/restart", "", nil, 204, "RestartTask(" + msc + "-0)"},
		{"GET", "/connectors/" + msc + "/topics", "", nil, 200, "ConnectorActiveTopics(" + msc + ")"},
		{"PUT", "/connectors/" + msc + "/topics/reset", "", nil, 202, "ResetConnectorActiveTopics(" + msc + ")"},
		{"GET", "/connectors/" + msc + "/offsets", "", nil, 200, "ConnectorOffsets(" + msc + ")"},
		{"PATCH", "/connectors/Stopped/offsets", `{"offsets":[{"partition":{"p":1},"offset":{"o":2}}]}`, nil, 200, "AlterConnectorOffsets(Stopped, 1)"},
		{"DELETE", "/connectors/Stopped/offsets", "", nil, 200, "ResetConnectorOffsets(Stopped)"},
		{"GET", "/connector-plugins", "", nil, 200, "ConnectorPlugins(connectorsOnly=true)"},
		{"GET", "/connector-plugins/MirrorSourceConnector/config", "", nil, 200, "ConnectorPluginConfig(MirrorSourceConnector)"},
		{"PUT", "/connector-plugins/MirrorSourceConnector/config/validate", `{"connector.class":"MirrorSourceConnector"}`, nil, 200, ""},
		// Internal: signed requests between workers.
		{"POST", "/connectors/" + msc + "/tasks", `[{"task.class":"MirrorSourceTask"}]`, sig, 204, "PutTaskConfigs(" + msc + ", 1)"},
		{"PUT", "/connectors/" + msc + "/fence", "", sig, 204, "FenceZombies(" + msc + ")"},
	}
	for _, tc := range cases {
		for _, fl := range [][2]string{{"A", "B"}, {"B", "A"}} {
			source, target := fl[0], fl[1]
			hAB, hBA := flowHerder("A", "B"), flowHerder("B", "A")
			s := newDedicatedServer(t, Config{},
				Flow{Source: "A", Target: "B", Enabled: true, Herder: hAB},
				Flow{Source: "B", Target: "A", Enabled: true, Herder: hBA})
			mine, other := hAB, hBA
			if source == "B" {
				mine, other = hBA, hAB
			}
			ref := flowHerder(source, target)
			single, _ := newTestServer(t, ref, Config{})

			path := "/" + source + "/" + target + tc.path
			got := call(t, s, tc.method, path, tc.body, tc.headers...)
			want := call(t, single, tc.method, tc.path, tc.body, tc.headers...)
			if got.Code != tc.status || want.Code != tc.status {
				t.Errorf("%s %s: %d %s (single herder: %d), want %d", tc.method, path, got.Code, got.Body, want.Code, tc.status)
			}
			if got.Body.String() != want.Body.String() {
				t.Errorf("%s %s: body\n got  %s\n want %s", tc.method, path, got.Body, want.Body)
			}
			if tc.call != "" && mine.lastCall() != tc.call {
				t.Errorf("%s %s: the flow's herder's last call %q, want %q", tc.method, path, mine.lastCall(), tc.call)
			}
			if mine.callCount() != ref.callCount() || mine.callCount() == 0 {
				t.Errorf("%s %s: the flow's herder got %d calls, the single herder %d", tc.method, path, mine.callCount(), ref.callCount())
			}
			if n := other.callCount(); n != 0 {
				t.Errorf("%s %s: the other flow's herder got %d calls (last %s)", tc.method, path, n, other.lastCall())
			}
			if loc := want.Header().Get("Location"); loc != "" {
				wantLoc := strings.Replace(loc, "worker1:8083/", "worker1:8083/"+source+"/"+target+"/", 1)
				if got := got.Header().Get("Location"); got != wantLoc {
					t.Errorf("%s %s: Location %q, want %q", tc.method, path, got, wantLoc)
				}
			}
		}
	}
}

// The answers carry each flow's own data.
func TestDedicatedAnswersAreTheFlows(t *testing.T) {
	hAB, hBA := flowHerder("A", "B"), flowHerder("B", "A")
	s := newDedicatedServer(t, Config{},
		Flow{Source: "A", Target: "B", Enabled: true, Herder: hAB},
		Flow{Source: "B", Target: "A", Enabled: true, Herder: hBA})

	expect(t, call(t, s, "GET", "/A/B/", ""), 200, `{"version":"3.9.0","commit":"1eb7644349cb0713","kafka_cluster_id":"cluster-B"}`)
	expect(t, call(t, s, "GET", "/B/A", ""), 200, `{"version":"3.9.0","commit":"1eb7644349cb0713","kafka_cluster_id":"cluster-A"}`)
	expect(t, call(t, s, "GET", "/B/A/connectors/"+msc+"/status", ""), 200,
		`{"name":"MirrorSourceConnector","connector":{"state":"RUNNING","worker_id":"B-A:8083"},`+
			`"tasks":[{"id":0,"state":"RUNNING","worker_id":"B-A:8083"}],"type":"source"}`)
	expect(t, call(t, s, "GET", "/A/B/connectors/"+msc+"/offsets", ""), 200,
		`{"offsets":[{"partition":{"cluster":"A","partition":0,"topic":"t"},"offset":{"offset":42}}]}`)
	expect(t, call(t, s, "GET", "/A/B/health/", ""), 200,
		`{"status":"healthy","message":"Worker has completed startup and is ready to handle requests."}`)

	// Writes land in the flow's herder only.
	expect(t, call(t, s, "PUT", "/B/A/connectors/"+msc+"/pause", ""), 202, "")
	if ts, _ := hBA.target(msc); ts != storage.TargetPaused {
		t.Errorf("B->A target state %v, want PAUSED", ts)
	}
	if ts, ok := hAB.target(msc); ok {
		t.Errorf("A->B target state %v, want none", ts)
	}
	expect(t, call(t, s, "DELETE", "/A/B/connectors/Stopped", ""), 204, "")
	if hAB.config("Stopped") != nil || hBA.config("Stopped") == nil {
		t.Errorf("DELETE /A/B/connectors/Stopped: A->B %v, B->A %v", hAB.config("Stopped"), hBA.config("Stopped"))
	}
}

// The internal POST /{s}/{t}/connectors/{c}/tasks reaches the flow's
// herder with the signature of the raw body.
func TestDedicatedInternalTaskConfigs(t *testing.T) {
	hAB, hBA := flowHerder("A", "B"), flowHerder("B", "A")
	s := newDedicatedServer(t, Config{},
		Flow{Source: "A", Target: "B", Enabled: true, Herder: hAB},
		Flow{Source: "B", Target: "A", Enabled: true, Herder: hBA})
	body := "[{\"task.class\":\"MirrorSourceTask\", \"n\": 1},\n {\"task.class\":\"MirrorSourceTask\"}]"
	mac := []byte{0xff, 0x00, 'm'}
	expect(t, call(t, s, "POST", "/B/A/connectors/"+msc+"/tasks?forward=true", body, "Content-Type", "text/plain",
		entities.SignatureHeader, base64.StdEncoding.EncodeToString(mac), entities.SignatureAlgorithmHeader, "HmacSHA512"), 204, "")
	if got := hBA.tasks(msc); len(got) != 2 || got[0]["n"] != "1" {
		t.Errorf("B->A task configs %v", got)
	}
	if got := hAB.tasks(msc); len(got) != 1 {
		t.Errorf("A->B task configs changed: %v", got)
	}
	sig, n := hBA.signature()
	if n != 1 || sig == nil || string(sig.Body) != body || !bytes.Equal(sig.Signature, mac) || sig.Algorithm != "HmacSHA512" {
		t.Errorf("B->A signature %+v after %d calls", sig, n)
	}
	if _, n := hAB.signature(); n != 0 {
		t.Errorf("A->B got %d task-config calls", n)
	}

	// The herder's refusal of the signature is the answer, as today.
	hAB.signed = true
	expect(t, call(t, s, "PUT", "/A/B/connectors/"+msc+"/fence", ""), 400,
		errorBody(400, "Internal request missing required signature"))
}

// An unknown source and target pair is a 404 with Java's
// InternalMirrorResource message; no herder is asked.
func TestDedicatedUnknownFlow(t *testing.T) {
	hAB, hBA := flowHerder("A", "B"), flowHerder("B", "A")
	s := newDedicatedServer(t, Config{Loggers: &fakeLoggers{}},
		Flow{Source: "A", Target: "B", Enabled: true, Herder: hAB},
		Flow{Source: "B", Target: "A", Enabled: true, Herder: hBA})
	for _, tc := range []struct{ method, path, body, msg string }{
		{"GET", "/A/C/connectors", "", "No replication flow found for source 'A' and target 'C'"},
		{"GET", "/A/A/connectors/" + msc + "/status", "", "No replication flow found for source 'A' and target 'A'"},
		{"GET", "/a/b/", "", "No replication flow found for source 'a' and target 'b'"}, // aliases are case-sensitive
		{"POST", "/B/C/connectors/" + msc + "/tasks", "[]", "No replication flow found for source 'B' and target 'C'"},
		{"PUT", "/my%20cluster/B/connectors/c/fence", "", "No replication flow found for source 'my cluster' and target 'B'"},
		{"GET", "/B%2FA/x/health", "", "No replication flow found for source 'B/A' and target 'x'"},
		// No admin routes on a dedicated server: /admin/loggers is a
		// two-segment path like any flow's GET /{s}/{t}.
		{"GET", "/admin/loggers", "", "No replication flow found for source 'admin' and target 'loggers'"},
	} {
		expect(t, call(t, s, tc.method, tc.path, tc.body), 404, errorBody(404, tc.msg))
	}
	for _, tc := range []struct{ method, path string }{
		{"GET", "/connectors"},
		{"PUT", "/admin/loggers/root"},
		{"GET", "/A/B/connectors/c/nope"},
		{"GET", "/A/B/admin/loggers"},
	} {
		expect(t, call(t, s, tc.method, tc.path, ""), 404, errorBody(404, "HTTP 404 Not Found"))
	}
	if hAB.callCount()+hBA.callCount() != 0 {
		t.Errorf("herders called: %q %q", hAB.lastCall(), hBA.lastCall())
	}
	// Known flow, wrong method: 405 as for a single herder.
	rec := call(t, s, "DELETE", "/A/B/connectors", "")
	expect(t, rec, 405, errorBody(405, "HTTP 405 Method Not Allowed"))
	if allow := rec.Header().Get("Allow"); allow != "GET, HEAD, POST" {
		t.Errorf("Allow %q", allow)
	}
}

// Aliases are decoded path segments: %20 for a space (as Java's
// MirrorMaker.encodePath writes it), any escaped character, '+' as is.
func TestDedicatedEncodedAliases(t *testing.T) {
	flows := []Flow{
		{Source: "my cluster", Target: "B", Enabled: true, Herder: flowHerder("my cluster", "B")},
		{Source: "a->b", Target: "c/d", Enabled: true, Herder: flowHerder("a->b", "c/d")},
		{Source: "x+y", Target: "ü", Enabled: true, Herder: flowHerder("x+y", "ü")},
		{Source: "e->f", Target: "g", Enabled: true, Herder: flowHerder("e->f", "g")},
	}
	s := newDedicatedServer(t, Config{}, flows...)
	for _, tc := range []struct {
		path string
		flow int
	}{
		{"/my%20cluster/B/connectors/" + msc + "/config", 0},
		{"/my%20cl%75ster/%42/connectors/" + msc + "/config", 0},
		{"/a-%3Eb/c%2Fd/connectors/" + msc + "/config", 1},
		{"/a-%3eb/c%2fd/connectors/" + msc + "/config", 1},
		{"/x+y/%C3%BC/connectors/" + msc + "/config", 2},
		{"/x%2By/%C3%BC/connectors/" + msc + "/config", 2},
		{"/e->f/g/connectors/" + msc + "/config", 3}, // '>' sent unescaped
	} {
		f := flows[tc.flow]
		h := f.Herder.(*fakeHerder)
		before := h.callCount()
		rec := call(t, s, "GET", tc.path, "")
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"source.cluster.alias":"`+f.Source+`"`) {
			t.Errorf("GET %s: %d %s, want flow %s->%s's config", tc.path, rec.Code, rec.Body, f.Source, f.Target)
		}
		if h.callCount() != before+1 {
			t.Errorf("GET %s: flow %d's herder not called", tc.path, tc.flow)
		}
	}
	// Location names the flow with its aliases escaped.
	rec := call(t, s, "POST", "/my%20cluster/B/connectors", `{"name":"n/1","config":{"connector.class":"MirrorHeartbeatConnector"}}`)
	if got := rec.Header().Get("Location"); rec.Code != 201 || got != "http://worker1:8083/my%20cluster/B/connectors/n%2F1" {
		t.Errorf("POST: %d Location %q", rec.Code, got)
	}
	rec = call(t, s, "PUT", "/a-%3Eb/c%2Fd/connectors/n/config", `{"connector.class":"MirrorHeartbeatConnector"}`)
	if got := rec.Header().Get("Location"); rec.Code != 201 || got != "http://worker1:8083/a-%3Eb/c%2Fd/connectors/n" {
		t.Errorf("PUT: %d Location %q", rec.Code, got)
	}
}

// GET /flows lists the flows in SetFlows order with the statuses their
// herders know.
func TestDedicatedListFlows(t *testing.T) {
	hAB, hBA := flowHerder("A", "B"), flowHerder("B", "A")
	// "Stopped" has no status: left out. A connector with a failed task
	// keeps its trace.
	hBA.add("MirrorHeartbeatConnector", map[string]string{"name": "MirrorHeartbeatConnector"})
	hBA.setStatus(entities.ConnectorStateInfo{Name: "MirrorHeartbeatConnector", Type: entities.ConnectorTypeSource,
		Connector: entities.ConnectorState{State: storage.StateRunning, WorkerID: "w:8083"},
		Tasks: []entities.TaskState{{ID: 1, State: storage.StateFailed, WorkerID: "w:8083", Trace: "org.apache.kafka.connect.errors.ConnectException: boom"},
			{ID: 0, State: storage.StatePaused, WorkerID: "w:8083"}}})
	empty := newFakeHerder()
	s := newDedicatedServer(t, Config{},
		Flow{Source: "B", Target: "A", Enabled: false, Herder: hBA},
		Flow{Source: "A", Target: "B", Enabled: true, Herder: hAB},
		Flow{Source: "my cluster", Target: "A", Enabled: true, Herder: empty})

	rec := call(t, s, "GET", "/flows", "")
	expect(t, rec, 200, `[`+
		`{"source":"B","target":"A","flow":"B->A","enabled":false,"connectors":{`+
		`"MirrorHeartbeatConnector":{"name":"MirrorHeartbeatConnector","connector":{"state":"RUNNING","worker_id":"w:8083"},`+
		`"tasks":[{"id":0,"state":"PAUSED","worker_id":"w:8083"},{"id":1,"state":"FAILED","worker_id":"w:8083","trace":"org.apache.kafka.connect.errors.ConnectException: boom"}],"type":"source"},`+
		`"MirrorSourceConnector":{"name":"MirrorSourceConnector","connector":{"state":"RUNNING","worker_id":"B-A:8083"},`+
		`"tasks":[{"id":0,"state":"RUNNING","worker_id":"B-A:8083"}],"type":"source"}}},`+
		`{"source":"A","target":"B","flow":"A->B","enabled":true,"connectors":{`+
		`"MirrorSourceConnector":{"name":"MirrorSourceConnector","connector":{"state":"RUNNING","worker_id":"A-B:8083"},`+
		`"tasks":[{"id":0,"state":"RUNNING","worker_id":"A-B:8083"}],"type":"source"}}},`+
		`{"source":"my cluster","target":"A","flow":"my cluster->A","enabled":true,"connectors":{}}`+
		`]`)

	// Each status is exactly the per-connector endpoint's answer.
	for _, tc := range []struct{ path, name string }{
		{"/B/A/connectors/MirrorHeartbeatConnector/status", "MirrorHeartbeatConnector"},
		{"/B/A/connectors/MirrorSourceConnector/status", "MirrorSourceConnector"},
	} {
		one := call(t, s, "GET", tc.path, "").Body.String()
		if !strings.Contains(rec.Body.String(), `"`+tc.name+`":`+one) {
			t.Errorf("GET /flows does not hold %s's status %s", tc.path, one)
		}
	}

	// A herder failure other than not-found answers as other endpoints do.
	hAB.fail = errors.New("Failed to read the config topic")
	expect(t, call(t, s, "GET", "/flows", ""), 500, errorBody(500, "Failed to read the config topic"))
	hAB.fail = nil

	// Not a dedicated server: no /flows.
	single, _ := newTestServer(t, hAB, Config{})
	expect(t, call(t, single, "GET", "/flows", ""), 404, errorBody(404, "HTTP 404 Not Found"))
	expect(t, call(t, single, "GET", "/A/B/connectors", ""), 404, errorBody(404, "HTTP 404 Not Found"))
}

// statusRaceHerder answers ConnectorStatus with not-found for connectors it
// lists, as a herder does between a connector's config and its first
// status.
type statusRaceHerder struct{ *fakeHerder }

func (h statusRaceHerder) Connectors(context.Context) ([]string, error) {
	return []string{"z-new", msc, "a-new"}, nil
}

func TestDedicatedListFlowsSkipsUnknownStatuses(t *testing.T) {
	s := newDedicatedServer(t, Config{}, Flow{Source: "A", Target: "B", Herder: statusRaceHerder{flowHerder("A", "B")}})
	expect(t, call(t, s, "GET", "/flows", ""), 200,
		`[{"source":"A","target":"B","flow":"A->B","enabled":false,"connectors":{`+
			`"MirrorSourceConnector":{"name":"MirrorSourceConnector","connector":{"state":"RUNNING","worker_id":"A-B:8083"},`+
			`"tasks":[{"id":0,"state":"RUNNING","worker_id":"A-B:8083"}],"type":"source"}}}]`)
}

// GET /health is healthy when every flow is, else the first flow's (in
// SetFlows order) that is not; GET / is the first flow's server info.
func TestDedicatedTopLevelHealthAndInfo(t *testing.T) {
	const (
		healthy  = `{"status":"healthy","message":"Worker has completed startup and is ready to handle requests."}`
		stage    = "The worker is currently ensuring membership in the cluster, which began at 2024-10-25T00:00:00Z."
		starting = `{"status":"starting","message":"Worker is still starting up. ` + stage + `"}`
		stuck    = `{"status":"unhealthy","message":"Worker was unable to handle this request and may be unable to handle other requests. ` + stage + `"}`
	)
	for _, tc := range []struct {
		name                  string
		startingAB, stuckAB   bool
		startingBA, stuckBA   bool
		status                int
		body                  string
		wantHealthCallsAB, BA int
	}{
		{name: "all healthy", status: 200, body: healthy},
		{name: "second starting", startingBA: true, status: 503, body: starting},
		{name: "second unhealthy", stuckBA: true, status: 500, body: stuck},
		{name: "first unhealthy, second starting", stuckAB: true, startingBA: true, status: 500, body: stuck},
		{name: "first starting, second unhealthy", startingAB: true, stuckBA: true, status: 503, body: starting},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hAB, hBA := flowHerder("A", "B"), flowHerder("B", "A")
			hAB.starting, hAB.stuck = tc.startingAB, tc.stuckAB
			hBA.starting, hBA.stuck = tc.startingBA, tc.stuckBA
			// The fake answers starting and stuck when the health
			// check's context ends: bound it by a short request timeout.
			s := newDedicatedServer(t, Config{RequestTimeout: 50 * time.Millisecond},
				Flow{Source: "A", Target: "B", Enabled: true, Herder: hAB},
				Flow{Source: "B", Target: "A", Enabled: true, Herder: hBA})
			expect(t, call(t, s, "GET", "/health", ""), tc.status, tc.body)
			expect(t, call(t, s, "GET", "/health/", ""), tc.status, tc.body)
			if hAB.lastCall() != "Health()" || hBA.lastCall() != "Health()" || hAB.callCount() != 2 || hBA.callCount() != 2 {
				t.Errorf("health calls: A->B %d (%s), B->A %d (%s)", hAB.callCount(), hAB.lastCall(), hBA.callCount(), hBA.lastCall())
			}
		})
	}

	hBA, hAB := flowHerder("B", "A"), flowHerder("A", "B")
	s := newDedicatedServer(t, Config{},
		Flow{Source: "B", Target: "A", Enabled: true, Herder: hBA},
		Flow{Source: "A", Target: "B", Enabled: true, Herder: hAB})
	expect(t, call(t, s, "GET", "/", ""), 200, `{"version":"3.9.0","commit":"1eb7644349cb0713","kafka_cluster_id":"cluster-A"}`)
	if hAB.callCount() != 0 {
		t.Errorf("GET / asked the second flow: %s", hAB.lastCall())
	}
	hBA.fail = errors.New("no cluster id")
	expect(t, call(t, s, "GET", "/", ""), 500, errorBody(500, "no cluster id"))

	// Without flows (Handler used without Start).
	none := newDedicatedServer(t, Config{})
	for _, p := range []string{"/", "/health"} {
		expect(t, call(t, none, "GET", p, ""), 404, errorBody(404, "No replication flows"))
	}
	expect(t, call(t, none, "GET", "/flows", ""), 200, `[]`)
}

// dedicatedWorker is a dedicated server behind httptest that records the
// requests it gets.
type dedicatedWorker struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []captured
}

func newDedicatedWorker(t *testing.T, flows ...Flow) *dedicatedWorker {
	t.Helper()
	s := newDedicatedServer(t, Config{}, flows...)
	w := &dedicatedWorker{}
	w.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.mu.Lock()
		w.reqs = append(w.reqs, captured{method: r.Method, path: r.URL.EscapedPath(), query: r.URL.RawQuery,
			header: r.Header.Clone(), body: string(b)})
		w.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(b))
		s.Handler().ServeHTTP(rw, r)
	}))
	t.Cleanup(w.Close)
	return w
}

func (w *dedicatedWorker) requests() []captured {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]captured(nil), w.reqs...)
}

// A write that a follower's flow herder cannot serve is forwarded to the
// leader's URL with the flow prefix kept, and runs there on the same
// flow's herder.
func TestDedicatedForwardKeepsFlowPrefix(t *testing.T) {
	leaderAB, leaderBA, leaderSp := flowHerder("A", "B"), flowHerder("B", "A"), flowHerder("my cluster", "B")
	leader := newDedicatedWorker(t,
		Flow{Source: "A", Target: "B", Enabled: true, Herder: leaderAB},
		Flow{Source: "B", Target: "A", Enabled: true, Herder: leaderBA},
		Flow{Source: "my cluster", Target: "B", Enabled: true, Herder: leaderSp})

	followerAB := pointingAt(leader.URL, "Only the leader can set connector configs.")
	followerBA := flowHerder("B", "A")
	followerSp := pointingAt(leader.URL, "Only the leader may write task configurations.")
	follower := newDedicatedServer(t, Config{},
		Flow{Source: "A", Target: "B", Enabled: true, Herder: followerAB},
		Flow{Source: "B", Target: "A", Enabled: true, Herder: followerBA},
		Flow{Source: "my cluster", Target: "B", Enabled: true, Herder: followerSp})

	body := `{"connector.class":"MirrorSourceConnector","tasks.max":"4"}`
	rec := call(t, follower, "PUT", "/A/B/connectors/"+msc+"/config", body, "Authorization", "Basic dTpw")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"tasks.max":"4"`) {
		t.Fatalf("forwarded PUT: %d %s", rec.Code, rec.Body)
	}
	reqs := leader.requests()
	if len(reqs) != 1 {
		t.Fatalf("leader got %d requests", len(reqs))
	}
	got := reqs[0]
	if got.method != "PUT" || got.path != "/A/B/connectors/"+msc+"/config" || got.query != "forward=true" || got.body != body {
		t.Errorf("leader got %s %s?%s %s", got.method, got.path, got.query, got.body)
	}
	checkForwardedHeaders(t, got, "Basic dTpw", true)
	if cfg := leaderAB.config(msc); cfg["tasks.max"] != "4" {
		t.Errorf("leader's A->B config %v", cfg)
	}
	if cfg := leaderBA.config(msc); cfg["tasks.max"] != "" {
		t.Errorf("leader's B->A config changed: %v", cfg)
	}
	if leaderBA.callCount() != 0 || followerBA.callCount() != 0 {
		t.Errorf("B->A herders called: leader %s, follower %s", leaderBA.lastCall(), followerBA.lastCall())
	}

	// An escaped alias stays escaped; the internal task configs go with
	// their body as sent.
	tasks := `[{"task.class":"MirrorSourceTask"}]`
	rec = call(t, follower, "POST", "/my%20cluster/B/connectors/"+msc+"/tasks?forward=true", tasks,
		entities.SignatureHeader, "c2ln", entities.SignatureAlgorithmHeader, "HmacSHA256")
	expect(t, rec, 204, "")
	reqs = leader.requests()
	if len(reqs) != 2 {
		t.Fatalf("leader got %d requests", len(reqs))
	}
	got = reqs[1]
	if got.method != "POST" || got.path != "/my%20cluster/B/connectors/"+msc+"/tasks" || got.query != "forward=false" || got.body != tasks {
		t.Errorf("leader got %s %s?%s %s", got.method, got.path, got.query, got.body)
	}
	if n := len(leaderSp.tasks(msc)); n != 1 {
		t.Errorf("leader's my cluster->B task configs: %d", n)
	}
	if _, n := leaderAB.signature(); n != 0 {
		t.Errorf("leader's A->B got %d task-config calls", n)
	}

	// The leader's answer for an unknown flow comes back as its 404.
	ghost := newDedicatedServer(t, Config{}, Flow{Source: "A", Target: "C", Herder: pointingAt(leader.URL, "not the leader")})
	expect(t, call(t, ghost, "DELETE", "/A/C/connectors/"+msc, ""), 404,
		errorBody(404, "No replication flow found for source 'A' and target 'C'"))
}

// Basic authentication covers every flow's routes except the internal
// ones, which workers send without credentials.
func TestDedicatedBasicAuth(t *testing.T) {
	creds := writeCredentials(t, t.TempDir(), "admin: pw\n")
	hAB := flowHerder("A", "B")
	cfg := Config{BasicAuth: workerconfig.BasicAuthSettings{CredentialsFile: creds}}
	s := newDedicatedServer(t, cfg, Flow{Source: "A", Target: "B", Enabled: true, Herder: hAB})
	for _, p := range []string{"/A/B/connectors", "/flows", "/health", "/"} {
		rec := call(t, s, "GET", p, "")
		expectUnauthorized(t, "GET "+p, rec.Code, rec.Header(), rec.Body.String())
	}
	expect(t, call(t, s, "GET", "/A/B/connectors", "", "Authorization", basic("admin", "pw")), 200, `["MirrorSourceConnector","Stopped"]`)
	expect(t, call(t, s, "POST", "/A/B/connectors/"+msc+"/tasks", "[]"), 204, "")
	expect(t, call(t, s, "PUT", "/A/B/connectors/"+msc+"/fence", ""), 204, "")
	// Unknown flows too: the 404 needs no credentials, as Java's would.
	expect(t, call(t, s, "POST", "/my%20cluster/B/connectors/"+msc+"/tasks", "[]"), 404,
		errorBody(404, "No replication flow found for source 'my cluster' and target 'B'"))
	// Other internal-looking paths still need credentials.
	for _, tc := range []struct{ method, path string }{
		{"GET", "/A/B/connectors/" + msc + "/tasks"},
		{"POST", "/A/B/connectors/" + msc + "/tasks/0/restart"},
		{"POST", "/A/B/C/connectors/" + msc + "/tasks"},
	} {
		rec := call(t, s, tc.method, tc.path, "")
		expectUnauthorized(t, tc.method+" "+tc.path, rec.Code, rec.Header(), rec.Body.String())
	}
	// A single-herder server does not let prefixed paths through.
	single, err := New(cfg, hAB, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	rec := call(t, single, "POST", "/A/B/connectors/"+msc+"/tasks", "[]")
	expectUnauthorized(t, "single herder POST /A/B/connectors/c/tasks", rec.Code, rec.Header(), rec.Body.String())
}

// Start checks the flows; a started dedicated server serves them on its
// listeners, and its admin listeners serve nothing.
func TestDedicatedStart(t *testing.T) {
	ctx := context.Background()
	h := flowHerder("A", "B")
	for _, tc := range []struct {
		name  string
		cfg   Config
		flows []Flow
		want  string
	}{
		{"no flows", Config{Dedicated: true}, nil, "rest: a dedicated server needs at least one flow"},
		{"no herder", Config{Dedicated: true}, []Flow{{Source: "A", Target: "B", Herder: h}, {Source: "B", Target: "A"}},
			"rest: flow B->A has no herder"},
		{"twice", Config{Dedicated: true}, []Flow{{Source: "A", Target: "B", Herder: h}, {Source: "A", Target: "B", Herder: h}},
			"rest: flow A->B given twice"},
		{"not dedicated", Config{}, []Flow{{Source: "A", Target: "B", Herder: h}},
			"rest: flows are served only by a dedicated server (Config.Dedicated)"},
	} {
		tc.cfg.Listeners = []string{"http://127.0.0.1:0"}
		s, err := New(tc.cfg, h, testkit.Logger(t))
		if err != nil {
			t.Fatal(err)
		}
		s.SetFlows(tc.flows)
		if err := s.Start(ctx); err == nil || err.Error() != tc.want {
			t.Errorf("%s: Start error %v, want %q", tc.name, err, tc.want)
			_ = s.Stop(ctx)
		}
	}

	loggers := &fakeLoggers{}
	s, err := New(Config{Dedicated: true, Listeners: []string{"http://127.0.0.1:0"}, AdminListeners: []string{"http://127.0.0.1:0"},
		Loggers: loggers}, nil, testkit.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	flows := []Flow{{Source: "A", Target: "B", Enabled: true, Herder: h}}
	s.SetFlows(flows)
	flows[0].Source = "changed" // SetFlows keeps its own copy
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Stop(context.Background()) })
	for _, tc := range []struct {
		url, body string
		status    int
	}{
		{s.URLs()[0] + "/A/B/connectors", `["MirrorSourceConnector","Stopped"]`, 200},
		{s.URLs()[0] + "/flows", `[{"source":"A","target":"B","flow":"A->B","enabled":true,"connectors":{` +
			`"MirrorSourceConnector":{"name":"MirrorSourceConnector","connector":{"state":"RUNNING","worker_id":"A-B:8083"},` +
			`"tasks":[{"id":0,"state":"RUNNING","worker_id":"A-B:8083"}],"type":"source"}}}]`, 200},
		{s.URLs()[0] + "/changed/B/connectors", errorBody(404, "No replication flow found for source 'changed' and target 'B'"), 404},
		{s.AdminURLs()[0] + "/admin/loggers", errorBody(404, "HTTP 404 Not Found"), 404},
	} {
		code, body, err := get(http.DefaultClient, tc.url)
		if err != nil {
			t.Fatal(err)
		}
		if code != tc.status || body != tc.body {
			t.Errorf("GET %s: %d %s, want %d %s", tc.url, code, body, tc.status, tc.body)
		}
	}
	if len(loggers.setCalls()) != 0 {
		t.Error("loggers touched")
	}
}

// panicHealthHerder panics in Health.
type panicHealthHerder struct{ *fakeHerder }

func (panicHealthHerder) Health(context.Context) entities.WorkerStatus { panic("health check bug") }

// A panicking health check answers 500 like any panicking endpoint,
// instead of crashing the process from the goroutine that asked.
func TestDedicatedHealthPanic(t *testing.T) {
	s := newDedicatedServer(t, Config{},
		Flow{Source: "A", Target: "B", Herder: flowHerder("A", "B")},
		Flow{Source: "B", Target: "A", Herder: panicHealthHerder{flowHerder("B", "A")}})
	expect(t, call(t, s, "GET", "/health", ""), 500, errorBody(500, "Unexpected error while handling the request"))
}
