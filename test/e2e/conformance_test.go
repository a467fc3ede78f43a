package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/test/kafkaharness"
	"github.com/ferrykafka/ferry/test/testkit"
)

// TestConformance is the differential conformance test: a Java Connect
// 4.x worker and a Ferry worker, each alone in its own group with its own
// internal topics on the same real Kafka, get the same scripted sequence of
// REST calls, and every answer's status, Location and JSON body are compared
// after confNormalise (conformance_compare_test.go) has removed what
// legitimately differs. Every step is recorded as identical or differing;
// the report is logged and, when FERRY_CONFORMANCE_REPORT names a file,
// written there. The test fails on a difference only if its step is not in
// conformanceAllowed, whose entries docs/rest-api.md lists too ("Differences
// found by the differential test").
//
// It needs real Kafka and a JVM: FERRY_TEST_KAFKA=real (make
// test-integration) or external.

// conformanceAllowed lists the steps whose difference from Java is accepted,
// each with its reason; with only, just the differences whose description
// (see confDescribeDiff: "status: ...", "body.message: ...") starts with
// one of these prefixes are accepted, so a deliberate status code does not
// hide a wrong message. Keep docs/rest-api.md's section "Differences found
// by the differential test" in step with it
// (TestConformanceAllowListDocumented).
var conformanceAllowed = []confAllowance{
	{step: "POST /connectors (malformed JSON)",
		reason: "400 where Java answers 500 (bad input gets a 4xx); same Jackson message",
		only:   []string{"status:", "body.error_code:"}},
	{step: "POST /connectors (no config)",
		reason: "400 `Connector config {name=c} contains no connector type` where Java answers 500 with a NullPointerException's text",
		only:   []string{"status:", "body.error_code:", "body.message:"}},
	{step: "POST /connectors (unknown connector.class)",
		reason: "the message lists the class names of Ferry's connectors; Java's lists its PluginDesc{...} descriptors",
		only:   []string{"body.message:"}},
	{step: "PUT /connector-plugins/{p}/config/validate (no connector.class)",
		reason: "400 `Connector config {...} contains no connector type` where Java answers 500 with the same text prefixed by the exception's class name",
		only:   []string{"status:", "body.error_code:", "body.message:"}},
	{step: "GET /connector-plugins?connectorsOnly=false",
		reason: "Ferry ships the three MirrorMaker connectors but no transformations or predicates",
		only:   []string{"body: "}},
	{step: "GET /connector-plugins/MirrorSourceConnector/config",
		reason: confDocsReason,
		only:   []string{"body[*].documentation:"}},
	{step: "GET /connector-plugins/{full class name}/config",
		reason: confDocsReason,
		only:   []string{"body[*].documentation:"}},
	{step: "PUT /connector-plugins/{p}/config/validate (bad config)",
		reason: confDocsReason,
		only:   []string{"body.configs[*].definition.documentation:"}},
	{step: "PUT /connector-plugins/{p}/config/validate (valid config)",
		reason: confDocsReason,
		only:   []string{"body.configs[*].definition.documentation:"}},
	{step: "PUT /admin/loggers/{name} (DEBUG)",
		reason: "Java lists every log4j logger below the name that exists in its JVM (one per loaded class); Ferry lists the name and its own loggers below it",
		only:   []string{"body: "}},
}

// confDocsReason is the reason of the config-definition steps: every key,
// type, default, importance, group and order is Java's; some documentation
// texts are not.
const confDocsReason = "the documentation texts of some keys are Ferry's own words, not Java's"

// confAllowance is an allow-list entry (see conformanceAllowed).
type confAllowance struct {
	step, reason string
	only         []string
}

// The connectors the sequence creates.
const (
	confMirror  = "mirror"         // created with POST, then changed, paused, stopped, ...
	confPut     = "mirror-put"     // created with PUT .../config
	confStopped = "mirror-stopped" // created with initial_state STOPPED
	confUnknown = "nosuch"         // never exists
)

func TestConformance(t *testing.T) {
	if testkit.KafkaMode() == testkit.KafkaInProcess {
		t.Skip("TestConformance compares Ferry with the Java Connect worker on real Kafka: run it with FERRY_TEST_KAFKA=real (make test-integration)")
	}
	t.Parallel()
	kafkaharness.RequireKafka(t)
	start := time.Now()
	var source, target testkit.Kafka
	if testkit.KafkaMode() == testkit.KafkaExternal {
		ks := testkit.StartKafkas(t, "source", "target")
		source, target = ks[0], ks[1]
	} else {
		cs := kafkaharness.StartClusters(t, []string{"source", "target"})
		source, target = cs[0], cs[1]
	}
	// Four partitions and tasks.max 2: MirrorSource makes two tasks on
	// both sides. The topic stays empty, so both sides' offsets are only
	// what the sequence writes, and the two connectors copying it into the
	// same target topic do not disturb each other.
	topic := testkit.UniqueName("conformance")
	createTopic(t, source.Addrs(), topic, 4)

	javaGroup := testkit.UniqueName("conformance-java")
	jp := workerProps(target.Addrs(), javaGroup)
	delete(jp, "listeners")
	jw := kafkaharness.StartConnectWorker(t, jp)
	ferryGroup := testkit.UniqueName("conformance-ferry")
	fw := startWorker(t, writeProps(t, workerProps(target.Addrs(), ferryGroup)))

	c := &conformance{
		t:     t,
		start: start,
		java:  confSide{name: "Java", url: jw.URL(), workerID: strings.TrimPrefix(jw.URL(), "http://"), group: javaGroup},
		ferry: confSide{name: "Ferry", url: fw.restURL(), workerID: strings.TrimPrefix(fw.restURL(), "http://"), group: ferryGroup},
	}
	c.java.version, c.java.commit = confServerVersion(t, c.java)
	c.ferry.version, c.ferry.commit = confServerVersion(t, c.ferry)
	defer c.finish()
	confSequence(c, source.Addrs(), target.Addrs(), topic)
	t.Logf("CONFORMANCE run took %v", time.Since(start).Round(time.Second))
}

// confServerVersion reads a side's version and commit from GET /, for
// confNormalise.
func confServerVersion(t *testing.T, s confSide) (string, string) {
	r := confRequest(http.MethodGet, s.url+"/", nil)
	var info struct {
		Version string `json:"version"`
		Commit  string `json:"commit"`
	}
	if r.Status != http.StatusOK || json.Unmarshal(r.Body, &info) != nil {
		t.Logf("%s: GET / answered %d %s %s", s.name, r.Status, r.Body, r.Err)
	}
	return info.Version, info.Commit
}

func confSequence(c *conformance, source, target []string, topic string) {
	cfg := map[string]any{}
	for k, v := range mirrorConfig(source, target, topic) {
		cfg[k] = v
	}
	cfg["sync.topic.acls.enabled"] = "false"
	with := func(extra map[string]any) map[string]any {
		m := maps.Clone(cfg)
		for k, v := range extra {
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		return m
	}
	running := func(name string) confStepOpt { return confUntil(confConnectorIs(name, "RUNNING", "RUNNING", 2)) }
	conn := "/connectors/" + confMirror

	c.step("GET /", http.MethodGet, "/", nil)
	c.step("GET /connectors (none yet)", http.MethodGet, "/connectors", nil)
	c.step("GET /connectors/{c} (unknown connector)", http.MethodGet, "/connectors/"+confUnknown, nil)

	// Create, and the ways a create fails.
	c.step("POST /connectors", http.MethodPost, "/connectors", map[string]any{"name": confMirror, "config": cfg})
	c.step("POST /connectors (exists: 409)", http.MethodPost, "/connectors", map[string]any{"name": confMirror, "config": cfg})
	c.step("POST /connectors (malformed JSON)", http.MethodPost, "/connectors", []byte(`{"name": "broken", "config": {`))
	c.step("POST /connectors (config name mismatch)", http.MethodPost, "/connectors",
		map[string]any{"name": "mismatch", "config": with(map[string]any{"name": "other"})})
	c.step("POST /connectors (unknown connector.class)", http.MethodPost, "/connectors",
		map[string]any{"name": "unknown-class", "config": with(map[string]any{"connector.class": "com.example.NoSuchConnector"})})
	c.step("POST /connectors (invalid tasks.max)", http.MethodPost, "/connectors",
		map[string]any{"name": "bad-tasks", "config": with(map[string]any{"tasks.max": "-1"})})
	c.step("POST /connectors (no config)", http.MethodPost, "/connectors", map[string]any{"name": "no-config"})

	c.step("GET /connectors/{c}/status (RUNNING)", http.MethodGet, conn+"/status", nil, running(confMirror))
	c.step("GET /connectors/{c}", http.MethodGet, conn, nil)
	c.step("GET /connectors/{c}/config", http.MethodGet, conn+"/config", nil)

	// Config changes.
	c.step("PUT /connectors/{c}/config (update: 200)", http.MethodPut, conn+"/config",
		with(map[string]any{"refresh.topics.interval.seconds": "600"}))
	c.step("PUT /connectors/{c}/config (new connector: 201)", http.MethodPut, "/connectors/"+confPut+"/config", cfg)
	c.step("PUT /connectors/{c}/config (name mismatch)", http.MethodPut, conn+"/config", with(map[string]any{"name": "other"}))
	c.step("PATCH /connectors/{c}/config (add and remove a key)", http.MethodPatch, conn+"/config",
		map[string]any{"sync.topic.configs.interval.seconds": "300", "refresh.topics.interval.seconds": nil})
	c.step("PATCH /connectors/{c}/config (unknown connector)", http.MethodPatch, "/connectors/"+confUnknown+"/config",
		map[string]any{"tasks.max": "1"})
	c.step("GET /connectors/{c}/config (after PATCH)", http.MethodGet, conn+"/config", nil)

	c.step("GET /connectors/{c}/status (RUNNING after config changes)", http.MethodGet, conn+"/status", nil, running(confMirror))
	c.step("GET /connectors/mirror-put/status (RUNNING)", http.MethodGet, "/connectors/"+confPut+"/status", nil, running(confPut))
	c.step("GET /connectors?expand=status&expand=info", http.MethodGet, "/connectors?expand=status&expand=info", nil,
		confUntil(confExpandedRunning(confMirror, confPut)))
	c.step("GET /connectors?expand=status", http.MethodGet, "/connectors?expand=status", nil, confUntil(confExpandedRunning(confMirror, confPut)))
	c.step("GET /connectors?expand=info", http.MethodGet, "/connectors?expand=info", nil)
	c.step("GET /connectors?expand=nonsense", http.MethodGet, "/connectors?expand=nonsense", nil, confUnordered(""))
	c.step("GET /connectors (two)", http.MethodGet, "/connectors", nil, confUnordered(""))
	c.step("GET /connectors/{c}/status", http.MethodGet, conn+"/status", nil, running(confMirror))
	c.step("GET /connectors/{c}/status (unknown connector)", http.MethodGet, "/connectors/"+confUnknown+"/status", nil)
	c.step("GET /connectors/{c}/config (unknown connector)", http.MethodGet, "/connectors/"+confUnknown+"/config", nil)
	c.step("GET /connectors/{c}/tasks", http.MethodGet, conn+"/tasks", nil)
	c.step("GET /connectors/{c}/tasks (unknown connector)", http.MethodGet, "/connectors/"+confUnknown+"/tasks", nil)
	c.step("GET /connectors/{c}/tasks/0/status", http.MethodGet, conn+"/tasks/0/status", nil, confUntil(func(r confResponse) bool {
		var st struct {
			State string `json:"state"`
		}
		return r.Status == http.StatusOK && json.Unmarshal(r.Body, &st) == nil && st.State == "RUNNING"
	}))
	c.step("GET /connectors/{c}/tasks/99/status", http.MethodGet, conn+"/tasks/99/status", nil)
	c.step("GET /connectors/{c}/offsets (running)", http.MethodGet, conn+"/offsets", nil, confUnordered("offsets"))

	// Restarts.
	c.step("POST /connectors/{c}/restart", http.MethodPost, conn+"/restart", nil)
	c.step("GET /connectors/{c}/status (RUNNING after restart)", http.MethodGet, conn+"/status", nil, running(confMirror))
	// The 202 body lists the tasks in the order of Java's status map (a
	// HashMap), not sorted as GET .../status does.
	c.step("POST /connectors/{c}/restart?includeTasks=true&onlyFailed=false", http.MethodPost, conn+"/restart?includeTasks=true&onlyFailed=false", nil, confUnordered("tasks"))
	c.step("GET /connectors/{c}/status (RUNNING after restart with tasks)", http.MethodGet, conn+"/status", nil, running(confMirror))
	c.step("POST /connectors/{c}/restart?includeTasks=true&onlyFailed=true", http.MethodPost, conn+"/restart?includeTasks=true&onlyFailed=true", nil, confUnordered("tasks"))
	c.step("POST /connectors/{c}/restart (unknown connector)", http.MethodPost, "/connectors/"+confUnknown+"/restart", nil)
	c.step("POST /connectors/{c}/tasks/0/restart", http.MethodPost, conn+"/tasks/0/restart", nil)
	c.step("POST /connectors/{c}/tasks/99/restart", http.MethodPost, conn+"/tasks/99/restart", nil)
	c.step("GET /connectors/{c}/status (RUNNING after task restart)", http.MethodGet, conn+"/status", nil, running(confMirror))

	// Pause, resume, stop.
	c.step("PUT /connectors/{c}/pause", http.MethodPut, conn+"/pause", nil)
	c.step("GET /connectors/{c}/status (PAUSED)", http.MethodGet, conn+"/status", nil, confUntil(confConnectorIs(confMirror, "PAUSED", "PAUSED", 2)))
	c.step("PUT /connectors/{c}/pause (unknown connector)", http.MethodPut, "/connectors/"+confUnknown+"/pause", nil)
	c.step("PUT /connectors/{c}/resume", http.MethodPut, conn+"/resume", nil)
	c.step("GET /connectors/{c}/status (RUNNING after resume)", http.MethodGet, conn+"/status", nil, running(confMirror))
	c.step("PUT /connectors/{c}/resume (unknown connector)", http.MethodPut, "/connectors/"+confUnknown+"/resume", nil)
	c.step("PUT /connectors/{c}/stop", http.MethodPut, conn+"/stop", nil)
	c.step("GET /connectors/{c}/status (STOPPED)", http.MethodGet, conn+"/status", nil, confUntil(confConnectorIs(confMirror, "STOPPED", "", 0)))
	c.step("PUT /connectors/{c}/stop (unknown connector)", http.MethodPut, "/connectors/"+confUnknown+"/stop", nil)
	c.step("GET /connectors/{c} (stopped)", http.MethodGet, conn, nil)
	c.step("GET /connectors/{c}/tasks (stopped)", http.MethodGet, conn+"/tasks", nil)

	// Offsets, while STOPPED. MirrorSource's partitions are
	// {"cluster","topic","partition"} and its offsets {"offset"}.
	partition := func(p int) map[string]any {
		return map[string]any{"cluster": sourceAlias, "topic": topic, "partition": p}
	}
	offsets := func(entries ...map[string]any) map[string]any {
		list := make([]any, len(entries))
		for i, e := range entries {
			list[i] = e
		}
		return map[string]any{"offsets": list}
	}
	c.step("GET /connectors/{c}/offsets (stopped)", http.MethodGet, conn+"/offsets", nil, confUnordered("offsets"))
	c.step("PATCH /connectors/{c}/offsets (empty list)", http.MethodPatch, conn+"/offsets", offsets())
	c.step("PATCH /connectors/{c}/offsets (no offsets field)", http.MethodPatch, conn+"/offsets", map[string]any{})
	c.step("PATCH /connectors/{c}/offsets (partition lacks \"partition\")", http.MethodPatch, conn+"/offsets",
		offsets(map[string]any{"partition": map[string]any{"cluster": sourceAlias, "topic": topic}, "offset": map[string]any{"offset": 5}}))
	c.step("PATCH /connectors/{c}/offsets (offset is not a number)", http.MethodPatch, conn+"/offsets",
		offsets(map[string]any{"partition": partition(0), "offset": map[string]any{"offset": "five"}}))
	c.step("PATCH /connectors/{c}/offsets", http.MethodPatch, conn+"/offsets",
		offsets(map[string]any{"partition": partition(0), "offset": map[string]any{"offset": 5}},
			map[string]any{"partition": partition(1), "offset": map[string]any{"offset": 7}}))
	c.step("GET /connectors/{c}/offsets (after PATCH)", http.MethodGet, conn+"/offsets", nil, confUnordered("offsets"), confUntil(confOffsetCount(2)))
	c.step("PATCH /connectors/{c}/offsets (null offset)", http.MethodPatch, conn+"/offsets",
		offsets(map[string]any{"partition": partition(1), "offset": nil}))
	// Java's answer lists the partition with a null offset until its
	// offset store has read the tombstone back; both sides get until then.
	c.step("GET /connectors/{c}/offsets (after null offset)", http.MethodGet, conn+"/offsets", nil, confUnordered("offsets"),
		confUntil(func(r confResponse) bool {
			return r.Status == http.StatusOK && !strings.Contains(string(r.Body), `"offset":null`)
		}))
	c.step("DELETE /connectors/{c}/offsets", http.MethodDelete, conn+"/offsets", nil)
	c.step("GET /connectors/{c}/offsets (after DELETE)", http.MethodGet, conn+"/offsets", nil, confUnordered("offsets"), confUntil(confOffsetCount(0)))
	c.step("GET /connectors/{c}/offsets (unknown connector)", http.MethodGet, "/connectors/"+confUnknown+"/offsets", nil)
	c.step("PUT /connectors/{c}/resume (from STOPPED)", http.MethodPut, conn+"/resume", nil)
	c.step("GET /connectors/{c}/status (RUNNING after STOPPED)", http.MethodGet, conn+"/status", nil, running(confMirror))
	c.step("PATCH /connectors/{c}/offsets (running)", http.MethodPatch, conn+"/offsets",
		offsets(map[string]any{"partition": partition(0), "offset": map[string]any{"offset": 5}}))
	c.step("DELETE /connectors/{c}/offsets (running)", http.MethodDelete, conn+"/offsets", nil)

	// Topics.
	c.step("GET /connectors/{c}/topics", http.MethodGet, conn+"/topics", nil, confUnordered("*.topics"))
	c.step("PUT /connectors/{c}/topics/reset", http.MethodPut, conn+"/topics/reset", nil)
	c.step("GET /connectors/{c}/topics (after reset)", http.MethodGet, conn+"/topics", nil, confUnordered("*.topics"))
	c.step("GET /connectors/{c}/topics (unknown connector)", http.MethodGet, "/connectors/"+confUnknown+"/topics", nil)

	// Created STOPPED (KIP-980).
	c.step("POST /connectors (initial_state STOPPED)", http.MethodPost, "/connectors",
		map[string]any{"name": confStopped, "config": cfg, "initial_state": "STOPPED"})
	c.step("GET /connectors/mirror-stopped/status (STOPPED)", http.MethodGet, "/connectors/"+confStopped+"/status", nil,
		confUntil(confConnectorIs(confStopped, "STOPPED", "", 0)))

	// Plugins and validation.
	c.step("GET /connector-plugins", http.MethodGet, "/connector-plugins", nil)
	c.step("GET /connector-plugins?connectorsOnly=false", http.MethodGet, "/connector-plugins?connectorsOnly=false", nil)
	c.step("GET /connector-plugins/MirrorSourceConnector/config", http.MethodGet, "/connector-plugins/MirrorSourceConnector/config", nil, confConfigDef())
	c.step("GET /connector-plugins/{full class name}/config", http.MethodGet, "/connector-plugins/org.apache.kafka.connect.mirror.MirrorSourceConnector/config", nil, confConfigDef())
	c.step("GET /connector-plugins/NoSuchPlugin/config", http.MethodGet, "/connector-plugins/NoSuchPlugin/config", nil)
	c.step("PUT /connector-plugins/{p}/config/validate (bad config)", http.MethodPut, "/connector-plugins/MirrorSourceConnector/config/validate",
		map[string]any{"connector.class": "MirrorSourceConnector", "tasks.max": "-1"}, confConfigDef())
	c.step("PUT /connector-plugins/{p}/config/validate (valid config)", http.MethodPut, "/connector-plugins/MirrorSourceConnector/config/validate",
		with(map[string]any{"name": "validated"}), confConfigDef())
	c.step("PUT /connector-plugins/{p}/config/validate (plugin name mismatch)", http.MethodPut, "/connector-plugins/MirrorCheckpointConnector/config/validate",
		with(map[string]any{"name": "validated"}))
	c.step("PUT /connector-plugins/{p}/config/validate (no connector.class)", http.MethodPut, "/connector-plugins/MirrorSourceConnector/config/validate",
		map[string]any{"tasks.max": "1"})

	// Health and loggers.
	c.step("GET /health", http.MethodGet, "/health", nil)
	c.step("GET /admin/loggers (confShape)", http.MethodGet, "/admin/loggers", nil, confShape(confLoggersShape))
	c.step("PUT /admin/loggers/{name} (DEBUG)", http.MethodPut, "/admin/loggers/org.apache.kafka.connect.mirror", map[string]any{"level": "DEBUG"}, confUnordered(""))
	c.step("GET /admin/loggers/{name}", http.MethodGet, "/admin/loggers/org.apache.kafka.connect.mirror", nil)
	c.step("PUT /admin/loggers/{name} (invalid level)", http.MethodPut, "/admin/loggers/org.apache.kafka.connect.mirror", map[string]any{"level": "NOPE"})
	c.step("PUT /admin/loggers/{name} (no level)", http.MethodPut, "/admin/loggers/org.apache.kafka.connect.mirror", map[string]any{})

	// Routing.
	c.step("GET unknown path (404)", http.MethodGet, "/no/such/path", nil)
	c.step("DELETE /connectors (405)", http.MethodDelete, "/connectors", nil)
	c.step("POST / (405)", http.MethodPost, "/", map[string]any{})

	// Delete.
	c.step("DELETE /connectors/{c}", http.MethodDelete, conn, nil)
	c.step("DELETE /connectors/{c} (again: 404)", http.MethodDelete, conn, nil)
	c.step("GET /connectors/{c} (deleted: 404)", http.MethodGet, conn, nil, confUntil(func(r confResponse) bool { return r.Status == http.StatusNotFound }))
	c.step("DELETE /connectors/mirror-put", http.MethodDelete, "/connectors/"+confPut, nil)
	c.step("DELETE /connectors/mirror-stopped", http.MethodDelete, "/connectors/"+confStopped, nil)
	c.step("GET /connectors (all deleted)", http.MethodGet, "/connectors", nil,
		confUntil(func(r confResponse) bool { return strings.TrimSpace(string(r.Body)) == "[]" }))
}

// confStepSpec is how a step runs and compares, beyond its request.
type confStepSpec struct {
	confCompareOpts
	until     func(confResponse) bool
	timeout   time.Duration
	configDef bool // the report compares the answer key by key (confConfigDef)
}

type confStepOpt func(*confStepSpec)

// confUntil repeats an idempotent request on each side until cond has held
// for confStable (or confUntilTimeout passes) and compares the last
// answers: for reads after an asynchronous change (a state transition, a
// restart). Holding for confStable, not just once, matters: right after a
// restart or a config change a worker's status cache still shows the old
// RUNNING for a moment before the RESTARTING or UNASSIGNED records it
// wrote come back from the status topic.
func confUntil(cond func(confResponse) bool) confStepOpt {
	return func(s *confStepSpec) { s.until = cond }
}

// confUnordered sorts the arrays at these paths first (see confCompareOpts).
func confUnordered(paths ...string) confStepOpt {
	return func(s *confStepSpec) { s.unordered = append(s.unordered, paths...) }
}

// confShape compares the bodies' shapes only.
func confShape(f func(any) any) confStepOpt {
	return func(s *confStepSpec) { s.shape = f }
}

// How long a step may keep repeating: until's condition, and the retries
// of answers that say "try again" (rebalance in progress).
const (
	confUntilTimeout = 90 * time.Second
	confStable       = 3 * time.Second
	confRetryTimeout = 30 * time.Second
	// Ferry waits at most confGrace longer than Java on a step, and only
	// confGraceSpent once it has lagged confLagBudget in all: a broken
	// Ferry still finishes the sequence well inside the package timeout.
	confGrace      = 30 * time.Second
	confGraceSpent = 5 * time.Second
	confLagBudget  = 3 * time.Minute
)

// confRetryable is an answer Connect's own clients retry: the worker is in the
// middle of a rebalance after a config change (1.3 of the reference: 409
// "Cannot complete request momentarily ...", or 500 "Request cannot be
// completed because a rebalance is expected" from the tick-thread reads).
// Both sides get the same treatment, so timing does not make a difference.
func confRetryable(r confResponse) bool {
	var e struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(r.Body, &e) != nil {
		return false
	}
	switch r.Status {
	case http.StatusConflict:
		return strings.HasPrefix(e.Message, "Cannot complete request momentarily") ||
			strings.HasPrefix(e.Message, "Cannot complete request because of a conflicting operation")
	case http.StatusInternalServerError:
		return strings.Contains(e.Message, "rebalance is expected")
	}
	return false
}

// step runs one request on both sides (concurrently) and records the
// comparison.
func (c *conformance) step(name, method, path string, body any, opts ...confStepOpt) *confResult {
	spec := confStepSpec{timeout: confUntilTimeout}
	for _, o := range opts {
		o(&spec)
	}
	var (
		wg          sync.WaitGroup
		java, ferry confResponse
		jn, fn      []string
		javaEnd     time.Time
		ferryEnd    time.Time
	)
	// Ferry's wait ends at most a grace period after Java's has: a Ferry
	// that never gets there costs that, not the whole confUntilTimeout,
	// on every step.
	javaDone := make(chan time.Time, 1)
	wg.Add(2)
	go func() {
		defer wg.Done()
		java, jn = c.run(c.java, method, path, body, spec, nil)
		javaEnd = time.Now()
		javaDone <- javaEnd
	}()
	go func() {
		defer wg.Done()
		ferry, fn = c.run(c.ferry, method, path, body, spec, javaDone)
		ferryEnd = time.Now()
	}()
	wg.Wait()
	if lag := ferryEnd.Sub(javaEnd); lag > 0 {
		c.ferryLag += lag
	}
	for _, n := range jn {
		// The sequence is written against Java's behaviour: Java not
		// getting there is a broken test, not a finding.
		if strings.HasPrefix(n, "condition not met") {
			c.t.Errorf("step %q: Java: %s (the scripted sequence assumes Java gets there)", name, n)
		}
	}
	notes := make([]string, 0, len(jn)+len(fn))
	for _, n := range jn {
		notes = append(notes, "Java: "+n)
	}
	for _, n := range fn {
		notes = append(notes, "Ferry: "+n)
	}
	r := c.record(name, method, path, body, java, ferry, spec.confCompareOpts, notes)
	r.configDef = spec.configDef
	return r
}

// run sends a step's request to one side, repeating it while the answer is
// retryable, and, with confUntil, while the condition does not hold; once
// peerDone delivers the time the other side finished, it waits at most
// confGrace (confGraceSpent after confLagBudget has been used up) longer.
func (c *conformance) run(s confSide, method, path string, body any, spec confStepSpec, peerDone <-chan time.Time) (confResponse, []string) {
	var notes []string
	start := time.Now()
	retryDeadline := start.Add(confRetryTimeout)
	untilDeadline := start.Add(spec.timeout)
	grace := confGrace
	if c.ferryLag > confLagBudget {
		grace = confGraceSpent
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	retries := 0
	var holding time.Time // since when spec.until has held
	for {
		select {
		case end := <-peerDone:
			if d := end.Add(grace); d.Before(untilDeadline) {
				untilDeadline = d
			}
			if d := end.Add(grace); d.Before(retryDeadline) {
				retryDeadline = d
			}
		default:
		}
		r := confRequest(method, s.url+path, body)
		now := time.Now()
		switch {
		case confRetryable(r) && now.Before(retryDeadline):
			retries++
		case spec.until != nil && !spec.until(r):
			holding = time.Time{}
			if now.After(untilDeadline) {
				notes = append(notes, fmt.Sprintf("condition not met within %v; the last answer is compared", now.Sub(start).Round(time.Second)))
				return r, notes
			}
		case spec.until != nil && now.Before(untilDeadline) && (holding.IsZero() || now.Sub(holding) < confStable):
			if holding.IsZero() {
				holding = now
			}
		default:
			if retries > 0 {
				notes = append(notes, fmt.Sprintf("retried %d time(s) over %v while the answer was %q", retries, time.Since(start).Round(time.Millisecond), "rebalance in progress"))
			}
			return r, notes
		}
		<-tick.C
	}
}

// confConnectorIs is the condition "the status shows the connector in state
// and exactly tasks tasks, each in taskState".
func confConnectorIs(name, state, taskState string, tasks int) func(confResponse) bool {
	return func(r confResponse) bool {
		if r.Status != http.StatusOK {
			return false
		}
		var st connectorStatus
		if json.Unmarshal(r.Body, &st) != nil || st.Name != name || st.Connector.State != state || len(st.Tasks) != tasks {
			return false
		}
		for _, task := range st.Tasks {
			if task.State != taskState {
				return false
			}
		}
		return true
	}
}

// confOffsetCount is the condition "GET offsets lists n partitions": the
// offsets a worker has just written show once its offset store has read
// them back.
func confOffsetCount(n int) func(confResponse) bool {
	return func(r confResponse) bool {
		var o struct {
			Offsets []json.RawMessage `json:"offsets"`
		}
		return r.Status == http.StatusOK && json.Unmarshal(r.Body, &o) == nil && len(o.Offsets) == n
	}
}

// confExpandedRunning is the condition "GET /connectors?expand=status shows
// these connectors RUNNING with two RUNNING tasks each".
func confExpandedRunning(names ...string) func(confResponse) bool {
	return func(r confResponse) bool {
		if r.Status != http.StatusOK {
			return false
		}
		var m map[string]struct {
			Status json.RawMessage `json:"status"`
		}
		if json.Unmarshal(r.Body, &m) != nil {
			return false
		}
		for _, n := range names {
			e, ok := m[n]
			if !ok || !confConnectorIs(n, "RUNNING", "RUNNING", 2)(confResponse{Status: http.StatusOK, Body: e.Status}) {
				return false
			}
		}
		return true
	}
}

// TestConformanceAllowListDocumented: every allow-listed difference is
// listed, with its reason, in docs/rest-api.md's last section, and the
// section lists nothing else.
func TestConformanceAllowListDocumented(t *testing.T) {
	const heading = "## Differences found by the differential test"
	f, err := os.Open("../../docs/rest-api.md")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	var section []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == heading:
			in = true
		case in && strings.HasPrefix(line, "## "):
			t.Fatalf("docs/rest-api.md: %q must be the last section, but %q follows it", heading, line)
		case in:
			section = append(section, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if !in {
		t.Fatalf("docs/rest-api.md has no section %q", heading)
	}
	text := strings.Join(section, "\n")
	documented := map[string]bool{}
	for _, line := range section {
		// Entries are "- `<step>`: <reason>".
		if rest, ok := strings.CutPrefix(line, "- `"); ok {
			if step, _, ok := strings.Cut(rest, "`"); ok {
				documented[step] = true
			}
		}
	}
	for _, a := range conformanceAllowed {
		if !documented[a.step] {
			t.Errorf("allow-listed step %q is not listed in docs/rest-api.md (%s) as \"- `%s`: ...\"", a.step, heading, a.step)
		}
		if !strings.Contains(strings.Join(strings.Fields(text), " "), a.reason) {
			t.Errorf("docs/rest-api.md (%s) does not give the reason for %q: %q", heading, a.step, a.reason)
		}
		delete(documented, a.step)
	}
	for step := range documented {
		t.Errorf("docs/rest-api.md (%s) lists %q, which is not in conformanceAllowed", heading, step)
	}
}
