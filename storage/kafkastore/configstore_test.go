package kafkastore

import (
	"errors"
	"fmt"
	"net"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/storage/kafkalog"
	"github.com/ferrykafka/ferry/test/testkit"
)

func newConfigStore(t *testing.T, cl *testkit.Cluster, topic string) *ConfigStore {
	t.Helper()
	s, err := NewConfigStore(options(t, cl.Addrs(), topic))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Every config record kind, written through the store API, is on the topic
// with exactly the bytes Java writes, in Java's write order.
func TestConfigStoreWritesJavaRecords(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	s := newConfigStore(t, cl, "connect-configs")
	start(t, s)
	ctx := ctxFor(t, 30*time.Second)
	stopped := storage.TargetStopped
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.PutConnectorConfig(ctx, "my-conn", map[string]string{"name": "my-conn", "connector.class": "X", "tasks.max": "2"}, &stopped))
	must(s.PutTaskConfigs(ctx, "my-conn", []map[string]string{{"task.class": "T", "id": "0"}, {"task.class": "T", "id": "1"}}))
	must(s.PutTargetState(ctx, "my-conn", storage.TargetPaused))
	must(s.PutSessionKey(ctx, storage.SessionKey{Key: []byte("secret-key-12345"), Algorithm: "HmacSHA256", CreationTime: 1700000000000}))
	must(s.PutRestartRequest(ctx, storage.RestartRequest{Connector: "my-conn", OnlyFailed: true}))
	must(s.PutTaskCountRecord(ctx, "my-conn", 2))
	must(s.PutLoggerLevel(ctx, "org.apache.kafka", "DEBUG"))
	must(s.PutConnectorConfig(ctx, "other", map[string]string{"name": "other"}, nil))
	must(s.PutTaskConfigs(ctx, "other", nil))
	must(s.RemoveConnectorConfig(ctx, "other"))

	want := [][2]string{
		{"target-state-my-conn", `{"state":"PAUSED","state.v2":"STOPPED"}`},
		{"connector-my-conn", `{"properties":{"connector.class":"X","name":"my-conn","tasks.max":"2"}}`},
		{"task-my-conn-0", `{"properties":{"id":"0","task.class":"T"}}`},
		{"task-my-conn-1", `{"properties":{"id":"1","task.class":"T"}}`},
		{"commit-my-conn", `{"tasks":2}`},
		{"target-state-my-conn", `{"state":"PAUSED","state.v2":"PAUSED"}`},
		{"session-key", `{"key":"c2VjcmV0LWtleS0xMjM0NQ==","algorithm":"HmacSHA256","creation-timestamp":1700000000000}`},
		{"restart-connector-my-conn", `{"include-tasks":false,"only-failed":true}`},
		{"tasks-fencing-my-conn", `{"task-count":2}`},
		{"logger-cluster-org.apache.kafka", `{"level":"DEBUG"}`},
		{"connector-other", `{"properties":{"name":"other"}}`},
		{"commit-other", `{"tasks":0}`},
		{"connector-other", ""},
		{"target-state-other", ""},
	}
	recs := readRaw(t, cl, "connect-configs").records(t)
	var got [][2]string
	for _, m := range recs {
		got = append(got, [2]string{string(m.Key), string(m.Value)})
		if m.Value == nil {
			got[len(got)-1][1] = ""
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("config topic holds:\n%swant:\n%v", show(recs), want)
	}
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	snap := s.Snapshot()
	if snap.TargetState("my-conn") != storage.TargetPaused || len(snap.Tasks("my-conn")) != 2 || snap.Contains("other") {
		t.Fatalf("snapshot = %+v", snap)
	}
	if snap.Offset != int64(len(want)) {
		t.Fatalf("offset = %d, want %d", snap.Offset, len(want))
	}
	// my-conn's task count record came after its task configs; "other"
	// committed tasks later (Java keeps it pending even once deleted).
	if s.TaskCountRecords()["my-conn"] != 2 || !slices.Equal(s.PendingFencing(), []string{"other"}) {
		t.Fatalf("fencing state: %v %v", s.TaskCountRecords(), s.PendingFencing())
	}
}

func TestConfigStoreRoundTripAndListeners(t *testing.T) {
	cl := testkit.NewCluster(t, 3)
	leader := newConfigStore(t, cl, "configs")
	start(t, leader)
	follower := newConfigStore(t, cl, "configs")
	var fl listener
	follower.SetUpdateListener(&fl)
	start(t, follower)

	ctx := ctxFor(t, 30*time.Second)
	paused := storage.TargetPaused
	if err := leader.PutConnectorConfig(ctx, "a", map[string]string{"k": "v"}, &paused); err != nil {
		t.Fatal(err)
	}
	if err := leader.PutTaskConfigs(ctx, "a", []map[string]string{{"t": "0"}}); err != nil {
		t.Fatal(err)
	}
	if err := leader.PutTargetState(ctx, "a", storage.TargetStarted); err != nil {
		t.Fatal(err)
	}
	if err := leader.PutSessionKey(ctx, storage.SessionKey{Key: []byte{1, 2}, Algorithm: "HmacSHA256", CreationTime: 5}); err != nil {
		t.Fatal(err)
	}
	if err := leader.PutRestartRequest(ctx, storage.RestartRequest{Connector: "a", IncludeTasks: true}); err != nil {
		t.Fatal(err)
	}
	if err := leader.PutLoggerLevel(ctx, "ns", "WARN"); err != nil {
		t.Fatal(err)
	}
	if err := leader.PutConnectorConfig(ctx, "b", map[string]string{}, nil); err != nil {
		t.Fatal(err)
	}
	if err := leader.RemoveConnectorConfig(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	want := []string{"config a", "tasks [a-0]", "target a", "session-key HmacSHA256",
		"restart a tasks=true failed=false", "level ns=WARN", "config b", "remove b"}
	testkit.Eventually(t, 10*time.Second, func() error {
		if got := fl.get(); !reflect.DeepEqual(got, want) {
			return fmt.Errorf("follower listener calls %q, want %q", got, want)
		}
		return nil
	})
	if err := follower.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if err := leader.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	ls, fs := leader.Snapshot(), follower.Snapshot()
	if !reflect.DeepEqual(ls, fs) {
		t.Fatalf("leader %+v\nfollower %+v", ls, fs)
	}

	// A fresh store has the same state when Start returns, and the records
	// it read during Start made no listener calls.
	fresh := newConfigStore(t, cl, "configs")
	var nl listener
	fresh.SetUpdateListener(&nl)
	start(t, fresh)
	if got := fresh.Snapshot(); !reflect.DeepEqual(got, ls) {
		t.Fatalf("fresh %+v\nwant %+v", got, ls)
	}
	if calls := nl.get(); len(calls) != 0 {
		t.Fatalf("listener called during Start: %q", calls)
	}
	if got := ls.TaskConfigsOf("a"); !reflect.DeepEqual(got, []map[string]string{{"t": "0"}}) || ls.SessionKey == nil {
		t.Fatalf("snapshot = %+v", ls)
	}
}

// Records as a Java worker wrote them, with corrupt ones in between.
func TestConfigStoreReadsJavaRecordsAndSkipsCorruptOnes(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	prep := newConfigStore(t, cl, "configs")
	start(t, prep) // creates the topic
	readRaw(t, cl, "configs").write(t,
		[2]string{"connector-old", `{"properties":{"connector.class":"org.apache.kafka.connect.file.FileStreamSourceConnector","name":"old"}}`},
		[2]string{"target-state-old", `{"state":"PAUSED"}`},
		[2]string{"connector-garbage", `{"properties":{"name":`},
		[2]string{"task-old-0", "\x00\x01binary"},
		[2]string{"task-old-0", `{"properties":{"task.class":"T"}}`},
		[2]string{"commit-old", `{"tasks":1}`},
		[2]string{"connector-stopped", `{"properties":{"name":"stopped"}}`},
		[2]string{"target-state-stopped", `{"state":"PAUSED","state.v2":"STOPPED"}`},
		[2]string{"commit-stopped", `[]`},
		[2]string{"bogus-key", `{}`},
	)
	s := newConfigStore(t, cl, "configs")
	start(t, s)
	snap := s.Snapshot()
	if !reflect.DeepEqual(snap.Connectors(), []string{"old", "stopped"}) {
		t.Fatalf("connectors = %v", snap.Connectors())
	}
	if snap.TargetState("old") != storage.TargetPaused || snap.TargetState("stopped") != storage.TargetStopped {
		t.Fatalf("target states = %v", snap.TargetStates)
	}
	if got := snap.TaskConfigsOf("old"); !reflect.DeepEqual(got, []map[string]string{{"task.class": "T"}}) {
		t.Fatalf("tasks = %v", got)
	}
	if snap.Offset != 10 {
		t.Fatalf("offset = %d, want 10 (two records were not JSON)", snap.Offset)
	}
}

func TestConfigStoreRefusesMultiPartitionTopic(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	o := options(t, cl.Addrs(), "configs")
	admin, err := sarama.NewClusterAdmin(o.Brokers, o.Sarama)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close() }()
	compact := "compact"
	if err := admin.CreateTopic("configs", &sarama.TopicDetail{NumPartitions: 2, ReplicationFactor: 1,
		ConfigEntries: map[string]*string{"cleanup.policy": &compact}}, false); err != nil {
		t.Fatal(err)
	}
	s := newConfigStore(t, cl, "configs")
	err = s.Start(ctxFor(t, 20*time.Second))
	want := "Topic 'configs' supplied via the 'config.storage.topic' property is required to have a single partition in " +
		"order to guarantee consistency of connector configurations, but found 2 partitions."
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v", err)
	}
	if err := s.Stop(ctxFor(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
}

func TestStoresRefuseNonCompactTopics(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	o := options(t, cl.Addrs(), "")
	admin, err := sarama.NewClusterAdmin(o.Brokers, o.Sarama)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close() }()
	del := "delete"
	for _, topic := range []string{"c", "o", "s"} {
		if err := admin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1,
			ConfigEntries: map[string]*string{"cleanup.policy": &del}}, false); err != nil {
			t.Fatal(err)
		}
	}
	cs, _ := NewConfigStore(options(t, cl.Addrs(), "c"))
	os, _ := NewOffsetStore(options(t, cl.Addrs(), "o"))
	ss, _ := NewStatusStore(options(t, cl.Addrs(), "s"))
	for _, c := range []struct {
		s       starter
		topic   string
		setting string
	}{{cs, "c", "config.storage.topic"}, {os, "o", "offset.storage.topic"}, {ss, "s", "status.storage.topic"}} {
		err := c.s.Start(ctxFor(t, 20*time.Second))
		var pe *kafkalog.PolicyError
		want := fmt.Sprintf("Topic '%s' supplied via the '%s' property is required to have 'cleanup.policy=compact'", c.topic, c.setting)
		if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "'cleanup.policy=delete'") {
			t.Errorf("%s: err = %v", c.topic, err)
		}
		_ = c.s.Stop(ctxFor(t, 5*time.Second))
	}
}

func TestStoresFailFastOnUnreachableBootstrap(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	o := options(t, []string{addr}, "t")
	cs, _ := NewConfigStore(o)
	os, _ := NewOffsetStore(o)
	ss, _ := NewStatusStore(o)
	for i, s := range []starter{cs, os, ss} {
		ctx := ctxFor(t, 5*time.Second)
		began := time.Now()
		err := s.Start(ctx)
		if err == nil || !strings.Contains(err.Error(), addr) {
			t.Errorf("store %d: err = %v", i, err)
		}
		if time.Since(began) > 5*time.Second {
			t.Errorf("store %d: Start took %v", i, time.Since(began))
		}
		if err := s.Stop(ctxFor(t, 5*time.Second)); err != nil {
			t.Errorf("store %d: stop: %v", i, err)
		}
	}
}

func TestOptions(t *testing.T) {
	o := Options{Brokers: []string{"b:1"}, Topic: "t", GroupID: "connect-cluster"}
	if got := o.clientID(configsKind); got != "connect-cluster-configs" {
		t.Errorf("client id %q", got)
	}
	o.ClientID = "w1"
	if got := o.clientID(statusesKind); got != "connect-cluster-w1-statuses" {
		t.Errorf("client id %q", got)
	}
	o.GroupID = ""
	if got := o.clientID(offsetsKind); got != "sarama-offsets" {
		t.Errorf("client id %q", got)
	}
	cfg := o.logConfig(offsetsKind)
	if cfg.Partitions != 25 || cfg.ReplicationFactor != 3 || cfg.WorkerTopicConfig != "offset.storage.topic" {
		t.Errorf("offsets defaults: %+v", cfg)
	}
	if cfg := o.logConfig(statusesKind); cfg.Partitions != 5 {
		t.Errorf("status defaults: %+v", cfg)
	}
	o.Partitions = 3
	if _, err := NewConfigStore(o); err == nil {
		t.Error("config store accepted 3 partitions")
	}
	if _, err := NewOffsetStore(Options{Brokers: []string{"b:1"}}); err == nil {
		t.Error("no topic accepted")
	}
	if !slices.Equal(o.Brokers, []string{"b:1"}) {
		t.Error("options changed")
	}
}
