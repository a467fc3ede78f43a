package mirror

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
	"github.com/ferrykafka/ferry/test/testkit"
)

// heartbeatProps is a heartbeat connector config for the flow A -> B, B
// being tgt.
func heartbeatProps(tgt string) map[string]string {
	return map[string]string{
		"name":                             "hb",
		"connector.class":                  HeartbeatConnectorClass,
		"source.cluster.alias":             "A",
		"target.cluster.alias":             "B",
		"target.cluster.bootstrap.servers": tgt,
		"admin.timeout.ms":                 "10000",
	}
}

// startHeartbeatConnector starts a heartbeat connector whose log goes to a
// capture; the connector is stopped when the test ends.
func startHeartbeatConnector(t *testing.T, props map[string]string) (*MirrorHeartbeatConnector, *logCapture, error) {
	t.Helper()
	logs, log := newLogCapture(t)
	c := NewMirrorHeartbeatConnector()
	ctx, cancel := context.WithCancel(context.Background())
	err := c.Start(ctx, &testConnectorContext{log: log.With().Str("connector", "hb").Logger()}, props)
	t.Cleanup(func() {
		stopCtx, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		_ = c.Stop(stopCtx)
		cancel()
	})
	return c, logs, err
}

// startHeartbeatTask starts a heartbeat task whose log goes to a capture.
func startHeartbeatTask(t *testing.T, props map[string]string) (*MirrorHeartbeatTask, *logCapture) {
	t.Helper()
	logs, log := newLogCapture(t)
	task := NewMirrorHeartbeatTask()
	if err := task.Start(context.Background(), &testTaskContext{log: log}, props); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = task.Stop(context.Background()) })
	return task, logs
}

// TestHeartbeatConfigDefMatchesJava compares the ConfigDef with Kafka
// 4.3.1's MirrorHeartbeatConnector keys (testdata/MirrorKeys.java prints
// them): same order, names, types, required flags, defaults and
// importance.
func TestHeartbeatConfigDefMatchesJava(t *testing.T) {
	keys := (&MirrorHeartbeatConnector{}).Config().Keys()
	checkKeysMatchJava(t, "testdata/java-4.3.1-mirror-heartbeat-keys.json", keys)
}

func TestHeartbeatConfigParsing(t *testing.T) {
	c, err := parseHeartbeatConfig(map[string]string{"source.cluster.alias": "A", "name": "hb"})
	if err != nil {
		t.Fatal(err)
	}
	if !c.emitEnabled || c.emitInterval() != time.Second || c.replFactor != 3 || c.heartbeatsTopic() != "heartbeats" {
		t.Errorf("defaults: emit %v, interval %v, replication factor %d, topic %q",
			c.emitEnabled, c.emitInterval(), c.replFactor, c.heartbeatsTopic())
	}
	if got := c.targetAdminProps(roleHeartbeatsTargetAdmin)["client.id"]; got != "A->target|hb|heartbeats-target-admin" {
		t.Errorf("target admin client.id = %q", got)
	}

	// The heartbeats topic keeps its name whatever the policy and separator.
	for _, extra := range []map[string]string{
		{"replication.policy.separator": "_"},
		{"replication.policy.class": mirrorclient.IdentityReplicationPolicyClass},
	} {
		props := map[string]string{"source.cluster.alias": "A"}
		maps.Copy(props, extra)
		c, err := parseHeartbeatConfig(props)
		if err != nil {
			t.Fatal(err)
		}
		if c.heartbeatsTopic() != "heartbeats" {
			t.Errorf("%v: heartbeats topic %q", extra, c.heartbeatsTopic())
		}
	}

	for _, tc := range []struct {
		props map[string]string
		want  time.Duration // negative: disabled
	}{
		{map[string]string{"emit.heartbeats.interval.seconds": "5"}, 5 * time.Second},
		{map[string]string{"emit.heartbeats.interval.seconds": "0"}, 0},
		{map[string]string{"emit.heartbeats.interval.seconds": "-3"}, -3 * time.Second},
		{map[string]string{"emit.heartbeats.enabled": "false"}, -time.Millisecond},
		{map[string]string{"emit.heartbeats.enabled": "false", "emit.heartbeats.interval.seconds": "5"}, -time.Millisecond},
		{map[string]string{"emit.heartbeats.interval.seconds": "9223372036854775807"}, time.Duration(1<<63 - 1)},
	} {
		props := map[string]string{"source.cluster.alias": "A"}
		maps.Copy(props, tc.props)
		c, err := parseHeartbeatConfig(props)
		if err != nil {
			t.Fatalf("%v: %v", tc.props, err)
		}
		if got := c.emitInterval(); got != tc.want {
			t.Errorf("%v: interval %v; want %v", tc.props, got, tc.want)
		}
	}

	_, err = parseHeartbeatConfig(map[string]string{"source.cluster.alias": "A", "heartbeats.topic.replication.factor": "x"})
	if !errors.Is(err, connect.ErrBadRequest) || !strings.Contains(err.Error(), "heartbeats.topic.replication.factor") {
		t.Errorf("bad replication factor: %v", err)
	}
}

// TestHeartbeatValidateJavaMessages checks values against what Kafka
// 4.3.1's MirrorHeartbeatConnector.validate answers (recorded from Java).
// An empty want means Java accepts the value.
func TestHeartbeatValidateJavaMessages(t *testing.T) {
	cases := []struct{ key, value, want string }{
		{"emit.heartbeats.interval.seconds", "abc", "Invalid value abc for configuration emit.heartbeats.interval.seconds: Not a number of type LONG"},
		{"emit.heartbeats.interval.seconds", "0", ""},
		{"emit.heartbeats.interval.seconds", "-1", ""},
		{"emit.heartbeats.enabled", "yes", "Invalid value yes for configuration emit.heartbeats.enabled: Expected value to be either true or false"},
		{"heartbeats.topic.replication.factor", "x", "Invalid value x for configuration heartbeats.topic.replication.factor: Not a number of type SHORT"},
		{"heartbeats.topic.replication.factor", "40000", "Invalid value 40000 for configuration heartbeats.topic.replication.factor: Not a number of type SHORT"},
		{"heartbeats.topic.replication.factor", "0", ""},
		{"metric.reporters", "a,a", "Configuration 'metric.reporters' values must not be duplicated."},
		{"enabled", "false", ""},
	}
	for _, tc := range cases {
		t.Run(tc.key+"="+tc.value, func(t *testing.T) {
			props := map[string]string{"name": "hb", "source.cluster.alias": "A", tc.key: tc.value}
			var got []string
			for _, cv := range (&MirrorHeartbeatConnector{}).Validate(props) {
				if cv.Name == tc.key {
					got = cv.Errors
				} else if len(cv.Errors) > 0 {
					t.Errorf("unexpected errors on %s: %v", cv.Name, cv.Errors)
				}
			}
			switch {
			case tc.want == "" && len(got) > 0:
				t.Errorf("errors %q; Java accepts the value", got)
			case tc.want != "" && (len(got) != 1 || got[0] != tc.want):
				t.Errorf("errors %q; want %q", got, tc.want)
			}
		})
	}
}

func TestHeartbeatConnectorCreatesTopic(t *testing.T) {
	tgt := testkit.NewCluster(t, 3)
	props := heartbeatProps(bootstrap(tgt))
	// The source cluster is never contacted.
	props["source.cluster.bootstrap.servers"] = testkit.ClosedAddr(t)
	c, logs, err := startHeartbeatConnector(t, props)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	info := tgt.Kfake().TopicInfo("heartbeats")
	if info == nil {
		t.Fatal("no heartbeats topic on the target cluster")
	}
	if n := len(tgt.Kfake().PartitionInfos("heartbeats")); n != 1 {
		t.Errorf("heartbeats has %d partitions; want 1", n)
	}
	if info.NumReplicas != 3 {
		t.Errorf("heartbeats has %d replicas; want heartbeats.topic.replication.factor's default 3", info.NumReplicas)
	}
	if p := info.Configs["cleanup.policy"]; p == nil || *p != "compact" {
		t.Errorf("heartbeats cleanup.policy = %v; want compact", p)
	}
	started := logs.find("info", "started MirrorHeartbeatConnector")
	if len(started) != 1 || started[0]["topic"] != "heartbeats" || started[0]["connector"] != "hb" || started[0]["interval"] == nil {
		t.Errorf("start log lines %v", started)
	}
	if c.ExactlyOnceSupport(props) != connect.ExactlyOnceUnknown {
		t.Error("ExactlyOnceSupport answers; Java's connector does not")
	}

	// A second connector finds the topic there: no error, topic unchanged.
	props["heartbeats.topic.replication.factor"] = "1"
	_, logs, err = startHeartbeatConnector(t, props)
	if err != nil {
		t.Fatalf("second Start: %v", err)
	}
	if bad := append(logs.find("error"), logs.find("warn")...); len(bad) > 0 {
		t.Errorf("second start logged %v", bad)
	}
	if info := tgt.Kfake().TopicInfo("heartbeats"); info.NumReplicas != 3 {
		t.Errorf("heartbeats now has %d replicas", info.NumReplicas)
	}
}

// TestHeartbeatConnectorTopicFailuresAreLogged: as in Java, a heartbeats
// topic that cannot be created does not fail the connector; it is logged.
// Settings no admin client can use do fail it.
func TestHeartbeatConnectorTopicFailuresAreLogged(t *testing.T) {
	t.Run("replication factor too large", func(t *testing.T) {
		tgt := testkit.NewCluster(t, 1)
		c, logs, err := startHeartbeatConnector(t, heartbeatProps(bootstrap(tgt))) // default RF 3 > 1 broker
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
		lines := logs.find("error", "could not create the heartbeats topic")
		if len(lines) != 1 || lines[0]["key"] != "heartbeats.topic.replication.factor" ||
			!strings.Contains(lines[0]["error"].(string), "replication factor 3") {
			t.Errorf("error lines %v", lines)
		}
		if tgt.Kfake().TopicInfo("heartbeats") != nil {
			t.Error("heartbeats topic created")
		}
		if tasks, err := c.TaskConfigs(context.Background(), 1); err != nil || len(tasks) != 1 {
			t.Errorf("TaskConfigs = %d tasks, %v; the connector runs on", len(tasks), err)
		}
	})
	t.Run("not authorized", func(t *testing.T) {
		tgt := testkit.NewCluster(t, 1)
		tgt.Kfake().ControlKey(int16(kmsg.CreateTopics), func(req kmsg.Request) (kmsg.Response, error, bool) {
			r := req.(*kmsg.CreateTopicsRequest)
			resp := r.ResponseKind().(*kmsg.CreateTopicsResponse)
			for _, rt := range r.Topics {
				st := kmsg.NewCreateTopicsResponseTopic()
				st.Topic = rt.Topic
				st.ErrorCode = kerr.TopicAuthorizationFailed.Code
				resp.Topics = append(resp.Topics, st)
			}
			return resp, nil, true
		})
		props := heartbeatProps(bootstrap(tgt))
		props["heartbeats.topic.replication.factor"] = "1"
		_, logs, err := startHeartbeatConnector(t, props)
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
		if lines := logs.find("warn", "could not create the heartbeats topic", "assuming it exists"); len(lines) != 1 {
			t.Errorf("warning lines %v", lines)
		}
		if lines := logs.find("error"); len(lines) > 0 {
			t.Errorf("error lines %v", lines)
		}
	})
	t.Run("target unreachable", func(t *testing.T) {
		props := heartbeatProps(testkit.ClosedAddr(t))
		props["admin.timeout.ms"] = "2000"
		began := time.Now()
		c, logs, err := startHeartbeatConnector(t, props)
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
		if took := time.Since(began); took > 10*time.Second {
			t.Errorf("Start took %v with admin.timeout.ms=2000", took)
		}
		if lines := logs.find("error", "could not create the heartbeats topic"); len(lines) != 1 {
			t.Errorf("error lines %v", lines)
		}
		if tasks, err := c.TaskConfigs(context.Background(), 1); err != nil || len(tasks) != 1 {
			t.Errorf("TaskConfigs = %d tasks, %v", len(tasks), err)
		}
	})
	t.Run("unusable client settings", func(t *testing.T) {
		props := heartbeatProps(testkit.ClosedAddr(t))
		props["target.cluster.security.protocol"] = "CARRIER_PIGEON"
		if _, _, err := startHeartbeatConnector(t, props); err == nil || !strings.Contains(err.Error(), "admin client settings") {
			t.Errorf("Start error %v", err)
		}
		props = heartbeatProps(testkit.ClosedAddr(t))
		props["emit.heartbeats.interval.seconds"] = "soon"
		if _, _, err := startHeartbeatConnector(t, props); !errors.Is(err, connect.ErrBadRequest) {
			t.Errorf("Start error %v", err)
		}
	})
}

func TestHeartbeatTaskConfigs(t *testing.T) {
	tgt := testkit.NewCluster(t, 1)
	if _, err := NewMirrorHeartbeatConnector().TaskConfigs(context.Background(), 1); err == nil {
		t.Error("TaskConfigs before Start answers")
	}
	cases := []struct {
		name     string
		extra    map[string]string
		maxTasks int
		tasks    int
	}{
		{"defaults", nil, 1, 1},
		{"one task whatever maxTasks", nil, 5, 1},
		{"emit disabled", map[string]string{"emit.heartbeats.enabled": "false"}, 1, 0},
		{"replication disabled, emit on", map[string]string{"enabled": "false"}, 1, 1},
		{"replication disabled, emit explicitly on", map[string]string{"enabled": "false", "emit.heartbeats.enabled": "true"}, 1, 1},
		{"negative interval", map[string]string{"emit.heartbeats.interval.seconds": "-1"}, 1, 0},
		{"zero interval", map[string]string{"emit.heartbeats.interval.seconds": "0"}, 1, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			props := heartbeatProps(bootstrap(tgt))
			props["heartbeats.topic.replication.factor"] = "1"
			props["some.unknown.key"] = "kept"
			maps.Copy(props, tc.extra)
			c, _, err := startHeartbeatConnector(t, props)
			if err != nil {
				t.Fatal(err)
			}
			tasks, err := c.TaskConfigs(context.Background(), tc.maxTasks)
			if err != nil {
				t.Fatal(err)
			}
			if len(tasks) != tc.tasks {
				t.Fatalf("%d tasks; want %d", len(tasks), tc.tasks)
			}
			if tasks == nil {
				t.Error("nil task list")
			}
			for _, task := range tasks {
				if !maps.Equal(task, props) {
					t.Errorf("task config %v; want the connector config %v", task, props)
				}
				task["name"] = "changed"
			}
			// The task configs are copies.
			if again, _ := c.TaskConfigs(context.Background(), 1); len(again) > 0 && again[0]["name"] != "hb" {
				t.Errorf("task config shares the connector's map")
			}
		})
	}
}

// TestHeartbeatTaskEmitsAtInterval polls a task with the default interval
// (1 s): each Poll waits the interval, then returns one heartbeat record as
// Java's task writes it.
func TestHeartbeatTaskEmitsAtInterval(t *testing.T) {
	props := heartbeatProps(testkit.ClosedAddr(t)) // the task talks to no cluster
	task, logs := startHeartbeatTask(t, props)
	if lines := logs.find("info", "emitting heartbeats"); len(lines) != 1 || lines[0]["topic"] != "heartbeats" || number(lines[0], "interval") != 1000 {
		t.Errorf("start log lines %v", lines)
	}
	var last int64
	for i := 0; i < 2; i++ {
		before := time.Now()
		recs, err := task.Poll(context.Background())
		after := time.Now()
		if err != nil {
			t.Fatal(err)
		}
		if waited := after.Sub(before); waited < time.Second {
			t.Errorf("Poll returned after %v; want the 1 s interval", waited)
		}
		if len(recs) != 1 {
			t.Fatalf("%d records; want 1", len(recs))
		}
		r := recs[0]
		if r.Topic != "heartbeats" || r.Partition == nil || *r.Partition != 0 {
			t.Errorf("record goes to %s/%v; want heartbeats/0", r.Topic, r.Partition)
		}
		if !reflect.DeepEqual(r.KeySchema, connect.BytesSchema) || !reflect.DeepEqual(r.ValueSchema, connect.BytesSchema) {
			t.Errorf("schemas %+v %+v; want Java's Schema.BYTES_SCHEMA", r.KeySchema, r.ValueSchema)
		}
		if !reflect.DeepEqual(r.SourcePartition, map[string]any{"sourceClusterAlias": "A", "targetClusterAlias": "B"}) {
			t.Errorf("source partition %v", r.SourcePartition)
		}
		if !reflect.DeepEqual(r.SourceOffset, map[string]any{"offset": int64(0)}) {
			t.Errorf("source offset %#v", r.SourceOffset)
		}
		key, _ := r.Key.([]byte)
		value, _ := r.Value.([]byte)
		// Java's key for ("A", "B"): two STRINGs, each an INT16 length then the bytes.
		if !bytes.Equal(key, []byte{0, 1, 'A', 0, 1, 'B'}) {
			t.Errorf("key % x", key)
		}
		if len(value) != 10 || binary.BigEndian.Uint16(value) != 0 {
			t.Errorf("value % x; want version 0 and an INT64", value)
		}
		hb, err := mirrorclient.DecodeHeartbeat(key, value)
		if err != nil {
			t.Fatal(err)
		}
		if hb.SourceClusterAlias != "A" || hb.TargetClusterAlias != "B" {
			t.Errorf("heartbeat %v", hb)
		}
		if hb.Timestamp < before.UnixMilli() || hb.Timestamp > after.UnixMilli() {
			t.Errorf("heartbeat time %d not within the Poll (%d..%d)", hb.Timestamp, before.UnixMilli(), after.UnixMilli())
		}
		if r.Timestamp.UnixMilli() != hb.Timestamp || !r.Timestamp.Equal(time.UnixMilli(hb.Timestamp)) {
			t.Errorf("record timestamp %v; want the heartbeat's %d", r.Timestamp, hb.Timestamp)
		}
		if i > 0 && hb.Timestamp-last < 1000 {
			t.Errorf("heartbeats %d ms apart; want at least the interval", hb.Timestamp-last)
		}
		last = hb.Timestamp
	}
	if err := task.Commit(context.Background()); err != nil {
		t.Error(err)
	}
}

// pollAsync runs Poll on its own goroutine.
func pollAsync(ctx context.Context, task *MirrorHeartbeatTask) <-chan []*connect.SourceRecord {
	done := make(chan []*connect.SourceRecord, 1)
	go func() {
		recs, _ := task.Poll(ctx)
		done <- recs
	}()
	return done
}

// awaitPoll waits for a Poll running on its own goroutine, failing the test
// if it has not returned within a deadline far below the interval.
func awaitPoll(t *testing.T, done <-chan []*connect.SourceRecord) []*connect.SourceRecord {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	select {
	case recs := <-done:
		return recs
	case <-deadline.C:
		t.Fatal("Poll did not return")
		return nil
	}
}

func TestHeartbeatTaskPollEndsOnCancelAndStop(t *testing.T) {
	props := heartbeatProps(testkit.ClosedAddr(t))
	props["emit.heartbeats.interval.seconds"] = "3600"

	task, _ := startHeartbeatTask(t, props)
	ctx, cancel := context.WithCancel(context.Background())
	done := pollAsync(ctx, task)
	cancel()
	if recs := awaitPoll(t, done); recs != nil {
		t.Errorf("cancelled Poll returned %d records", len(recs))
	}

	done = pollAsync(context.Background(), task)
	if err := task.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if recs := awaitPoll(t, done); recs != nil {
		t.Errorf("Poll ended by Stop returned %d records", len(recs))
	}
	// Stopped: Polls return nothing at once; Stop again is harmless.
	if recs := awaitPoll(t, pollAsync(context.Background(), task)); recs != nil {
		t.Errorf("Poll after Stop returned %d records", len(recs))
	}
	if err := task.Stop(context.Background()); err != nil {
		t.Error(err)
	}

	if _, err := NewMirrorHeartbeatTask().Poll(context.Background()); err == nil {
		t.Error("Poll before Start answers")
	}
}

// TestHeartbeatTaskZeroInterval: like Java, interval 0 means no pause (and a
// warning says so).
func TestHeartbeatTaskZeroInterval(t *testing.T) {
	props := heartbeatProps(testkit.ClosedAddr(t))
	props["emit.heartbeats.interval.seconds"] = "0"
	task, logs := startHeartbeatTask(t, props)
	if len(logs.find("warn", "interval is 0")) != 1 {
		t.Error("no warning about the zero interval")
	}
	for i := 0; i < 3; i++ {
		if recs := awaitPoll(t, pollAsync(context.Background(), task)); len(recs) != 1 {
			t.Fatalf("Poll %d returned %d records", i, len(recs))
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if recs := awaitPoll(t, pollAsync(ctx, task)); recs != nil {
		t.Errorf("cancelled Poll returned %d records", len(recs))
	}
}

func TestHeartbeatTaskRejectsAliasTooLong(t *testing.T) {
	props := heartbeatProps(testkit.ClosedAddr(t))
	props["source.cluster.alias"] = strings.Repeat("a", 40000)
	_, log := newLogCapture(t)
	err := NewMirrorHeartbeatTask().Start(context.Background(), &testTaskContext{log: log}, props)
	if !errors.Is(err, mirrorclient.ErrStringTooLong) {
		t.Errorf("Start error %v", err)
	}
}

// TestHeartbeatAlterOffsets checks offsets against what Kafka 4.3.1's
// MirrorHeartbeatConnector.alterOffsets answers (recorded from Java).
func TestHeartbeatAlterOffsets(t *testing.T) {
	ab := map[string]any{"sourceClusterAlias": "A", "targetClusterAlias": "B"}
	cases := []struct {
		name      string
		partition map[string]any
		offset    map[string]any
		want      string // "" when accepted
	}{
		{"valid", ab, map[string]any{"offset": int64(0)}, ""},
		{"tombstone of anything", map[string]any{"x": int64(1)}, nil, ""},
		{"extra partition keys", map[string]any{"sourceClusterAlias": "A", "targetClusterAlias": "B", "topic": "t"}, map[string]any{"offset": int64(0)}, ""},
		{"offset 1", ab, map[string]any{"offset": int64(1)},
			"Source offset {offset=1} for source partition {sourceClusterAlias=A, targetClusterAlias=B} has an invalid value 1 for the 'offset' key; the only accepted value is 0"},
		{"offset -1", ab, map[string]any{"offset": int64(-1)},
			"Source offset {offset=-1} for source partition {sourceClusterAlias=A, targetClusterAlias=B} has an invalid value -1 for the 'offset' key; the only accepted value is 0"},
		{"offset 0.0", ab, map[string]any{"offset": 0.0},
			"Source offset {offset=0.0} for source partition {sourceClusterAlias=A, targetClusterAlias=B} has an invalid value 0.0 for the 'offset' key, which must be an integer"},
		{"offset string", ab, map[string]any{"offset": "0"},
			"Source offset {offset=0} for source partition {sourceClusterAlias=A, targetClusterAlias=B} has an invalid value 0 for the 'offset' key, which must be an integer"},
		{"no offset key", ab, map[string]any{"other": int64(0)},
			"Source offset {other=0} for source partition {sourceClusterAlias=A, targetClusterAlias=B} is missing the 'offset' key, which is required"},
		{"no target alias", map[string]any{"sourceClusterAlias": "A"}, map[string]any{"offset": int64(0)},
			"Source partition {sourceClusterAlias=A} is missing the 'targetClusterAlias' key, which is required"},
		{"no source alias", map[string]any{"targetClusterAlias": "B"}, map[string]any{"offset": int64(0)},
			"Source partition {targetClusterAlias=B} is missing the 'sourceClusterAlias' key, which is required"},
		{"source alias not a string", map[string]any{"sourceClusterAlias": int64(5), "targetClusterAlias": "B"}, map[string]any{"offset": int64(0)},
			"Source partition {sourceClusterAlias=5, targetClusterAlias=B} has an invalid value 5 for the 'sourceClusterAlias' key, which must be a string"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			managed, err := NewMirrorHeartbeatConnector().AlterOffsets(nil,
				[]connect.PartitionOffset{{Partition: tc.partition, Offset: tc.offset}})
			switch {
			case tc.want == "" && (err != nil || !managed):
				t.Errorf("AlterOffsets = %v, %v; Java accepts it (true)", managed, err)
			case tc.want != "" && (err == nil || err.Error() != tc.want):
				t.Errorf("AlterOffsets error %v; want %q", err, tc.want)
			}
		})
	}
}
