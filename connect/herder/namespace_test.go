package herder

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/converters"
	"github.com/ferrykafka/ferry/connect/group"
	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/connect/runtime"
	"github.com/ferrykafka/ferry/rest/entities"
	"github.com/ferrykafka/ferry/storage/kafkastore"
	"github.com/ferrykafka/ferry/test/testkit"
)

// These tests run herders as members of a real Connect group: every worker
// has Kafka-backed stores and a group.Member on one in-process kfake
// cluster, as connect-distributed and dedicated MirrorMaker assemble them.

// groupWait bounds the waits of the group tests: a join takes a few
// heartbeats, more under -race.
const groupWait = 45 * time.Second

// javaNoInternalREST is Java's DistributedHerder message for a follower
// without inter-worker communication (the restClient is null), word for
// word.
const javaNoInternalREST = "This worker is not able to communicate with the leader of the cluster, " +
	"which is required for dynamically-reconfiguring connectors. If running MirrorMaker 2 " +
	"in dedicated mode, consider enabling inter-worker communication via the " +
	"'dedicated.mode.enable.internal.rest' property."

// newGroupCluster is an in-process cluster whose coordinator accepts short
// sessions.
func newGroupCluster(t *testing.T) *testkit.Cluster {
	t.Helper()
	return testkit.NewCluster(t, 1, kfake.SeedTopics(1, testTopic), kfake.GroupMinSessionTimeout(100*time.Millisecond))
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the JSON log lines written so far, decoded.
func (b *syncBuffer) lines() []map[string]any {
	b.mu.Lock()
	data := slices.Clone(b.buf.Bytes())
	b.mu.Unlock()
	var out []map[string]any
	for _, l := range bytes.Split(data, []byte("\n")) {
		var m map[string]any
		if json.Unmarshal(l, &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// groupWorker is one worker of a Connect group on a kfake cluster.
type groupWorker struct {
	t       *testing.T
	name    string
	plugin  *testPlugin
	configs *kafkastore.ConfigStore
	worker  *runtime.Worker
	herder  *Herder
	logs    *syncBuffer
	started bool
}

// newGroupWorker assembles a worker of group "herder-group" advertising
// advertisedURL; edit adjusts its herder config.
func newGroupWorker(t *testing.T, cluster *testkit.Cluster, name, advertisedURL string, edit func(*Config), opts ...Option) *groupWorker {
	t.Helper()
	addrs := strings.Join(cluster.Addrs(), ",")
	kc, err := kafkaclient.Parse(map[string]string{"bootstrap.servers": addrs})
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	log := zerolog.New(logs).With().Timestamp().Str("worker_id", name).Logger()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log of worker %s:\n%s", name, logs.String())
		}
	})
	store := func(topic string, partitions int32) kafkastore.Options {
		return kafkastore.Options{Brokers: kc.Brokers, Sarama: kc.Sarama, Topic: topic, Partitions: partitions,
			ReplicationFactor: 1, GroupID: "herder-group", ClientID: name, Logger: log}
	}
	configs, err := kafkastore.NewConfigStore(store("herder-group-configs", 1))
	if err != nil {
		t.Fatal(err)
	}
	offsets, err := kafkastore.NewOffsetStore(store("herder-group-offsets", 1))
	if err != nil {
		t.Fatal(err)
	}
	statuses, err := kafkastore.NewStatusStore(store("herder-group-status", 1))
	if err != nil {
		t.Fatal(err)
	}
	plugin := newTestPlugin(&eventLog{})
	registry := connect.NewRegistry()
	if err := plugin.register(registry); err != nil {
		t.Fatal(err)
	}
	w := runtime.New(runtime.Config{
		WorkerID:            name,
		OffsetFlushInterval: time.Hour,
		OffsetFlushTimeout:  5 * time.Second,
		TaskShutdownTimeout: 5 * time.Second,
		ProducerProps:       map[string]string{"bootstrap.servers": addrs},
		KeyConverter:        runtime.ConverterConfig{Class: converters.StringConverterClass},
		ValueConverter:      runtime.ConverterConfig{Class: converters.StringConverterClass},
		HeaderConverter:     runtime.ConverterConfig{Class: converters.SimpleHeaderConverterClass},
	}, registry, offsets, statuses, log)
	var h *Herder
	member, err := group.NewMember(group.MemberConfig{
		GroupID:           "herder-group",
		Brokers:           kc.Brokers,
		Sarama:            kc.Sarama,
		ClientID:          name,
		SessionTimeout:    3 * time.Second,
		RebalanceTimeout:  10 * time.Second,
		HeartbeatInterval: 200 * time.Millisecond,
		RetryBackoff:      50 * time.Millisecond,
		Protocols:         Protocols(ConnectProtocolSessioned),
		Wake:              func() { h.Wake() },
	}, log)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		WorkerID:           name,
		KafkaClusterID:     "herder-group-cluster",
		AdvertisedURL:      advertisedURL,
		ReconfigureBackoff: 20 * time.Millisecond,
		RetryBackoff:       100 * time.Millisecond,
		WorkerSyncTimeout:  5 * time.Second,
	}
	if edit != nil {
		edit(&cfg)
	}
	h = New(cfg, registry, w, configs, offsets, statuses, log, append([]Option{WithGroupMember(member)}, opts...)...)
	return &groupWorker{t: t, name: name, plugin: plugin, configs: configs, worker: w, herder: h, logs: logs}
}

// start starts the herder and stops it when the test ends.
func (g *groupWorker) start() {
	g.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), groupWait)
	defer cancel()
	if err := g.herder.Start(ctx); err != nil {
		g.t.Fatalf("start %s: %v", g.name, err)
	}
	g.started = true
	g.t.Cleanup(func() {
		if g.started {
			g.stop()
		}
	})
}

func (g *groupWorker) stop() {
	g.t.Helper()
	g.started = false
	ctx, cancel := context.WithTimeout(context.Background(), groupWait)
	defer cancel()
	if err := g.herder.Stop(ctx); err != nil {
		g.t.Errorf("stop %s: %v", g.name, err)
	}
}

// groupState is what the herder loop knows of its membership.
type groupState struct {
	joined     bool
	leader     bool
	generation int32
	leaderURL  string
}

// state reads the membership on the herder loop.
func (g *groupWorker) state() (groupState, error) {
	ctx, cancel := context.WithTimeout(context.Background(), groupWait)
	defer cancel()
	return call(g.herder, ctx, func(context.Context) (groupState, error) {
		h := g.herder
		return groupState{joined: h.ms.joined, leader: h.isLeader(), generation: h.ms.generation, leaderURL: h.ms.leaderURL}, nil
	})
}

// onLoop runs fn on the herder loop.
func (g *groupWorker) onLoop(fn func(h *Herder)) {
	g.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), groupWait)
	defer cancel()
	if err := g.herder.run(ctx, func(context.Context) error { fn(g.herder); return nil }); err != nil {
		g.t.Fatalf("run on the loop of %s: %v", g.name, err)
	}
}

// runningConnectors are the connectors the worker runs now.
func (g *groupWorker) runningConnectors() []string {
	g.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), groupWait)
	defer cancel()
	_, conns, _, err := g.herder.Running(ctx)
	if err != nil {
		g.t.Fatalf("running work of %s: %v", g.name, err)
	}
	return conns
}

// waitStable waits until every worker has joined the same generation with
// leader as the leader, and returns that generation.
func waitStable(t *testing.T, leader *groupWorker, others ...*groupWorker) int32 {
	t.Helper()
	var gen int32
	testkit.Eventually(t, groupWait, func() error {
		var err error
		gen, err = stableGeneration(leader, others...)
		return err
	})
	return gen
}

// stableGeneration returns the generation every worker has joined with
// leader as the leader, or why they have not.
func stableGeneration(leader *groupWorker, others ...*groupWorker) (int32, error) {
	ls, err := leader.state()
	if err != nil {
		return 0, err
	}
	if !ls.joined || !ls.leader {
		return 0, fmt.Errorf("%s: joined %v, leader %v", leader.name, ls.joined, ls.leader)
	}
	for _, o := range others {
		s, err := o.state()
		if err != nil {
			return 0, err
		}
		if !s.joined || s.leader || s.generation != ls.generation {
			return 0, fmt.Errorf("%s: joined %v, leader %v, generation %d; %s is in generation %d",
				o.name, s.joined, s.leader, s.generation, leader.name, ls.generation)
		}
	}
	return ls.generation, nil
}

// capturedRequest is one request the stand-in leader endpoint received.
type capturedRequest struct {
	method     string
	requestURI string // as sent: the escaped path
	signed     bool   // both KIP-507 signature headers present
	status     int    // what the endpoint answered
}

// leaderEndpoint stands in for the leader's REST server: it records every
// request and, when forward is set, hands POST .../connectors/{c}/tasks
// under prefix to that herder as the REST layer would.
type leaderEndpoint struct {
	srv    *httptest.Server
	prefix string // the escaped path the task-config requests must start with

	mu      sync.Mutex
	reqs    []capturedRequest
	forward *Herder
}

func newLeaderEndpoint(t *testing.T, prefix string) *leaderEndpoint {
	t.Helper()
	e := &leaderEndpoint{prefix: prefix}
	e.srv = httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(e.srv.Close)
	return e
}

// url is the endpoint's base URL, as a worker advertises it.
func (e *leaderEndpoint) url() string { return e.srv.URL + "/" }

func (e *leaderEndpoint) setForward(h *Herder) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.forward = h
}

func (e *leaderEndpoint) requests() []capturedRequest {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.reqs)
}

func (e *leaderEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	sigB64, alg := r.Header.Get(entities.SignatureHeader), r.Header.Get(entities.SignatureAlgorithmHeader)
	rec := capturedRequest{method: r.Method, requestURI: r.RequestURI, signed: sigB64 != "" && alg != ""}
	status, msg := e.handle(r, body, sigB64, alg)
	rec.status = status
	e.mu.Lock()
	e.reqs = append(e.reqs, rec)
	e.mu.Unlock()
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg)
}

func (e *leaderEndpoint) handle(r *http.Request, body []byte, sigB64, alg string) (int, string) {
	rest, ok := strings.CutPrefix(r.RequestURI, e.prefix+"/connectors/")
	if !ok || r.Method != http.MethodPost {
		return http.StatusNotFound, "not a task-config request under " + e.prefix
	}
	escaped, ok := strings.CutSuffix(rest, "/tasks")
	if !ok {
		return http.StatusNotFound, "not a task-config request"
	}
	connector, err := url.PathUnescape(escaped)
	if err != nil {
		return http.StatusBadRequest, err.Error()
	}
	e.mu.Lock()
	h := e.forward
	e.mu.Unlock()
	if h == nil {
		return http.StatusNoContent, ""
	}
	var configs []map[string]string
	if err := json.Unmarshal(body, &configs); err != nil {
		return http.StatusBadRequest, err.Error()
	}
	var sig *entities.InternalRequestSignature
	if sigB64 != "" && alg != "" {
		raw, err := base64.StdEncoding.DecodeString(sigB64)
		if err != nil {
			return http.StatusBadRequest, err.Error()
		}
		sig = &entities.InternalRequestSignature{Body: body, Signature: raw, Algorithm: alg}
	}
	if err := h.PutTaskConfigs(r.Context(), connector, configs, sig); err != nil {
		return http.StatusInternalServerError, err.Error()
	}
	return http.StatusNoContent, ""
}

// createTwo creates connectors c1 and c2 on the leader (two connectors on
// two workers: each runs one) and returns their configs.
func createTwo(t *testing.T, leader *groupWorker) map[string]map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), groupWait)
	defer cancel()
	out := map[string]map[string]string{}
	for _, c := range []string{"c1", "c2"} {
		cfg := connectorConfig(c)
		if _, _, err := leader.herder.PutConnectorConfig(ctx, c, cfg, false, nil); err != nil {
			t.Fatalf("create %s: %v", c, err)
		}
		out[c] = cfg
	}
	return out
}

// waitFollowerConnector waits until the follower runs one of the
// connectors and returns it.
func waitFollowerConnector(t *testing.T, follower *groupWorker) string {
	t.Helper()
	var c string
	testkit.Eventually(t, groupWait, func() error {
		conns := follower.runningConnectors()
		if len(conns) == 0 {
			return fmt.Errorf("%s runs no connector yet", follower.name)
		}
		c = conns[0]
		return nil
	})
	return c
}

// A follower of a dedicated MirrorMaker flow hands its connector's task
// configs to the leader under the flow's REST namespace: the escaped
// segments come before /connectors/{c}/tasks, unchanged (Java's
// restNamespace), and the request is signed.
func TestFollowerSendsTaskConfigsUnderRESTNamespace(t *testing.T) {
	t.Parallel()
	cluster := newGroupCluster(t)
	endpoint := newLeaderEndpoint(t, "/A/B%20x")
	elsewhere := newLeaderEndpoint(t, "/never")

	leader := newGroupWorker(t, cluster, "leader", endpoint.url(), nil)
	endpoint.setForward(leader.herder)
	leader.start()
	waitStable(t, leader)
	follower := newGroupWorker(t, cluster, "follower", elsewhere.url(), func(c *Config) {
		c.RESTNamespace = []string{"A", "B%20x"}
	})
	follower.start()
	waitStable(t, leader, follower)

	configs := createTwo(t, leader)
	c := waitFollowerConnector(t, follower)
	want := follower.plugin.committed(configs[c], 4)

	// The follower's task configs reach the leader through the endpoint
	// and are committed; the group then runs them.
	testkit.Eventually(t, groupWait, func() error {
		snap := leader.configs.Snapshot()
		if got := snap.TaskConfigsOf(c); !sameTaskConfigs(got, want) {
			return fmt.Errorf("committed task configs of %s: %v; want %v (requests %+v)", c, got, want, endpoint.requests())
		}
		return nil
	})
	testkit.Eventually(t, groupWait, func() error {
		// The tasks are spread over both workers.
		running := leader.plugin.runningTasks(c)
		maps.Copy(running, follower.plugin.runningTasks(c))
		if len(running) != len(want) {
			return fmt.Errorf("tasks %v of %s run; want %d", running, c, len(want))
		}
		for i, w := range want {
			if !maps.Equal(running[i], w) {
				return fmt.Errorf("task %s-%d runs with %v; want %v", c, i, running[i], w)
			}
		}
		return nil
	})

	reqs := endpoint.requests()
	if len(reqs) == 0 {
		t.Fatal("the leader's endpoint received no request")
	}
	wantURI := "/A/B%20x/connectors/" + c + "/tasks"
	for i, r := range reqs {
		if r.method != http.MethodPost || r.requestURI != wantURI {
			t.Errorf("request %d: %s %s; want POST %s", i, r.method, r.requestURI, wantURI)
		}
		if !r.signed {
			t.Errorf("request %d (%s) carries no KIP-507 signature; the group runs the sessioned protocol", i, r.requestURI)
		}
	}
	if got := reqs[len(reqs)-1].status; got != http.StatusNoContent {
		t.Errorf("last forwarded request answered %d; want 204", got)
	}
	if got := elsewhere.requests(); len(got) != 0 {
		t.Errorf("requests reached the follower's own URL: %+v", got)
	}
	follower.onLoop(func(h *Herder) {
		if h.needsTaskConfigs[c] || h.sending[c] {
			t.Errorf("follower still has a task-config request for %s pending: needs %v, sending %v", c, h.needsTaskConfigs, h.sending)
		}
	})
}

// Without internal REST (dedicated MirrorMaker without
// dedicated.mode.enable.internal.rest) a follower never sends task configs
// to the leader; it reports Java's message and keeps retrying.
func TestFollowerWithoutInternalRESTReportsJavaMessage(t *testing.T) {
	t.Parallel()
	cluster := newGroupCluster(t)
	endpoint := newLeaderEndpoint(t, "/A/B")

	leader := newGroupWorker(t, cluster, "leader", endpoint.url(), nil)
	leader.start()
	waitStable(t, leader)
	follower := newGroupWorker(t, cluster, "follower", "NOTUSED", func(c *Config) {
		c.NoInternalREST = true
		c.RESTNamespace = []string{"A", "B"}
	})
	follower.start()
	waitStable(t, leader, follower)

	createTwo(t, leader)
	c := waitFollowerConnector(t, follower)

	// The failure is logged with Java's message, and retried.
	testkit.Eventually(t, groupWait, func() error {
		n := 0
		for _, l := range follower.logs.lines() {
			if l["message"] == "task reconfiguration failed; will retry" && l["connector"] == c {
				if l["error"] != javaNoInternalREST {
					return fmt.Errorf("task reconfiguration of %s failed with %q; want Java's message %q", c, l["error"], javaNoInternalREST)
				}
				if l["level"] != "warn" {
					return fmt.Errorf("failure logged at level %v; want warn", l["level"])
				}
				n++
			}
		}
		if n < 2 {
			return fmt.Errorf("%d failures of %s logged; want a retry too", n, c)
		}
		return nil
	})
	follower.onLoop(func(h *Herder) {
		if !h.needsTaskConfigs[c] || h.retryAt[c].IsZero() {
			t.Errorf("no retry scheduled for %s: needs %v, retry at %v", c, h.needsTaskConfigs, h.retryAt)
		}
		if h.sending[c] {
			t.Errorf("a send of %s's task configs is in flight", c)
		}
	})
	for _, r := range endpoint.requests() {
		t.Errorf("the follower sent %s %s to the leader", r.method, r.requestURI)
	}
	if got := leader.configs.Snapshot().Tasks(c); len(got) != 0 {
		t.Errorf("task configs of %s were committed: %v", c, got)
	}
}

// The leader's own connector is unaffected by its followers' lack of
// internal REST: newTaskConfigRequest fails only on a follower, and the
// leader writes task configs directly.
func TestNoInternalRESTLeaderWritesItsOwnTaskConfigs(t *testing.T) {
	t.Parallel()
	cluster := newGroupCluster(t)
	leader := newGroupWorker(t, cluster, "leader", "NOTUSED", func(c *Config) { c.NoInternalREST = true })
	leader.start()
	waitStable(t, leader)
	ctx, cancel := context.WithTimeout(context.Background(), groupWait)
	defer cancel()
	cfg := connectorConfig("solo")
	if _, _, err := leader.herder.PutConnectorConfig(ctx, "solo", cfg, false, nil); err != nil {
		t.Fatal(err)
	}
	want := leader.plugin.committed(cfg, 4)
	testkit.Eventually(t, groupWait, func() error {
		if got := leader.configs.Snapshot().TaskConfigsOf("solo"); !sameTaskConfigs(got, want) {
			return fmt.Errorf("committed task configs %v; want %v", got, want)
		}
		return nil
	})
	if strings.Contains(leader.logs.String(), "not able to communicate with the leader") {
		t.Error("the leader reported that it cannot reach the leader")
	}
}

// newTaskConfigRequest puts every namespace segment, as given (already
// escaped), between the leader's URL and /connectors/{c}/tasks, and
// escapes the connector name.
func TestTaskConfigRequestURL(t *testing.T) {
	for _, tc := range []struct {
		leader    string
		namespace []string
		connector string
		want      string
	}{
		{"http://leader:8083/", nil, "c", "http://leader:8083/connectors/c/tasks"},
		{"http://leader:8083", nil, "c", "http://leader:8083/connectors/c/tasks"},
		{"http://leader:8083/", []string{"A", "B"}, "c", "http://leader:8083/A/B/connectors/c/tasks"},
		{"http://leader:8083/", []string{"my%20src", "x%2By"}, "MirrorSourceConnector", "http://leader:8083/my%20src/x%2By/connectors/MirrorSourceConnector/tasks"},
		{"http://leader:8083/", []string{"A", "B"}, "a b/c", "http://leader:8083/A/B/connectors/a%20b%2Fc/tasks"},
	} {
		h := New(Config{WorkerID: "w", AdvertisedURL: tc.leader, RESTNamespace: tc.namespace}, connect.NewRegistry(), nil, nil, nil, nil, zerolog.Nop())
		req, err := h.newTaskConfigRequest(tc.connector, []map[string]string{{"k": "v"}})
		if err != nil {
			t.Fatalf("%v: %v", tc.namespace, err)
		}
		if got := req.URL.String(); got != tc.want {
			t.Errorf("leader %s, namespace %q, connector %q: request to %s; want %s", tc.leader, tc.namespace, tc.connector, got, tc.want)
		}
		if req.Method != http.MethodPost {
			t.Errorf("method %s", req.Method)
		}
		h.cancelSends()
	}
	h := New(Config{WorkerID: "w", AdvertisedURL: "http://leader:8083/", NoInternalREST: true}, connect.NewRegistry(), nil, nil, nil, nil, zerolog.Nop())
	defer h.cancelSends()
	if _, err := h.newTaskConfigRequest("c", nil); err == nil || err.Error() != javaNoInternalREST {
		t.Errorf("NoInternalREST: err %v; want Java's message", err)
	}
}
