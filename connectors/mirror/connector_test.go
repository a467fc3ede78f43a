package mirror

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/test/testkit"
)

func startConnector(t *testing.T, props map[string]string) (*MirrorSourceConnector, *testConnectorContext) {
	t.Helper()
	c := NewMirrorSourceConnector()
	cctx := newConnectorContext(t)
	ctx, cancel := context.WithCancel(context.Background())
	if err := c.Start(ctx, cctx, props); err != nil {
		cancel()
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		stopCtx, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		_ = c.Stop(stopCtx)
		cancel()
	})
	return c, cctx
}

func TestConnectorStartCreatesRemoteTopics(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	tgt := testkit.NewCluster(t, 3)
	srcAdmin, tgtAdmin := newAdmin(t, src), newAdmin(t, tgt)
	createTopics(t, srcAdmin, map[string]int32{
		"orders":           3,
		"payments":         2,
		"heartbeats":       1,
		"other.heartbeats": 1,
		// never replicated: excluded by default, internal, or a cycle
		"__private":     1,
		"x.internal":    1,
		"x-internal":    1,
		"y.replica":     1,
		"target.looped": 1,
		"a.target.loop": 1,
	})
	// An existing remote topic with fewer partitions than its source grows.
	createTopics(t, tgtAdmin, map[string]int32{"source.payments": 1})

	props := baseProps(src, tgt)
	delete(props, "replication.factor") // default 2
	c, _ := startConnector(t, props)

	parts, replicas := topicCounts(t, tgtAdmin)
	want := map[string]int32{
		"source.orders":           3,
		"source.payments":         2,
		"source.heartbeats":       1,
		"source.other.heartbeats": 1,
	}
	for topic, n := range want {
		if parts[topic] != n {
			t.Errorf("target topic %s has %d partitions; want %d", topic, parts[topic], n)
		}
	}
	if replicas["source.orders"] != 2 {
		t.Errorf("source.orders has %d replicas; want replication.factor's default 2", replicas["source.orders"])
	}
	for topic := range parts {
		if _, ok := want[topic]; !ok {
			t.Errorf("unexpected topic %s on the target", topic)
		}
	}

	// Task split: 7 partitions in discovery order, dealt round-robin.
	ctx := context.Background()
	cfgs, err := c.TaskConfigs(ctx, 4)
	if err != nil {
		t.Fatal(err)
	}
	wantAssigned := []string{
		"heartbeats-0,other.heartbeats-0",
		"orders-0,payments-0",
		"orders-1,payments-1",
		"orders-2",
	}
	if len(cfgs) != len(wantAssigned) {
		t.Fatalf("%d task configs; want %d", len(cfgs), len(wantAssigned))
	}
	for i, tc := range cfgs {
		if got := tc["task.assigned.partitions"]; got != wantAssigned[i] {
			t.Errorf("task %d: task.assigned.partitions = %q; want %q", i, got, wantAssigned[i])
		}
		if got := tc["task.index"]; got != fmt.Sprint(i) {
			t.Errorf("task %d: task.index = %q", i, got)
		}
		// Task config = connector config + the two task keys.
		rest := maps.Clone(tc)
		delete(rest, "task.assigned.partitions")
		delete(rest, "task.index")
		if !maps.Equal(rest, props) {
			t.Errorf("task %d config %v is not the connector config %v plus task keys", i, rest, props)
		}
	}

	many, err := c.TaskConfigs(ctx, 100)
	if err != nil || len(many) != 7 {
		t.Fatalf("TaskConfigs(100) = %d configs, %v; want one per partition (7)", len(many), err)
	}
	one, err := c.TaskConfigs(ctx, 1)
	if err != nil || len(one) != 1 {
		t.Fatalf("TaskConfigs(1) = %d configs, %v", len(one), err)
	}
	if got := one[0]["task.assigned.partitions"]; got != "heartbeats-0,orders-0,orders-1,orders-2,other.heartbeats-0,payments-0,payments-1" {
		t.Errorf("single task gets %q", got)
	}
}

func TestConnectorNoPartitionsNoTasks(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	tgt := testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"__only_internal": 1})
	c, _ := startConnector(t, baseProps(src, tgt))
	cfgs, err := c.TaskConfigs(context.Background(), 5)
	if err != nil || len(cfgs) != 0 {
		t.Fatalf("TaskConfigs = %v, %v; want no tasks", cfgs, err)
	}
}

func TestConnectorRefreshPicksUpNewTopicsAndPartitions(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	tgt := testkit.NewCluster(t, 1)
	srcAdmin, tgtAdmin := newAdmin(t, src), newAdmin(t, tgt)
	createTopics(t, srcAdmin, map[string]int32{"orders": 1})

	props := baseProps(src, tgt)
	props["refresh.topics.interval.seconds"] = "1"
	c, cctx := startConnector(t, props)
	if n := cctx.reconfigs.Load(); n != 0 {
		t.Fatalf("%d reconfiguration requests before any change", n)
	}

	createTopics(t, srcAdmin, map[string]int32{"fresh": 2})
	if err := srcAdmin.CreatePartitions("orders", 3, nil, false); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		parts, _ := topicCounts(t, tgtAdmin)
		if parts["source.fresh"] != 2 || parts["source.orders"] != 3 {
			return fmt.Errorf("target topics %v", parts)
		}
		if cctx.reconfigs.Load() == 0 {
			return fmt.Errorf("no task reconfiguration requested")
		}
		return nil
	})
	testkit.Eventually(t, 5*time.Second, func() error {
		cfgs, err := c.TaskConfigs(context.Background(), 1)
		if err != nil {
			return err
		}
		if got := cfgs[0]["task.assigned.partitions"]; got != "fresh-0,fresh-1,orders-0,orders-1,orders-2" {
			return fmt.Errorf("assigned partitions %q", got)
		}
		return nil
	})
	if errs := cctx.raisedErrors(); len(errs) > 0 {
		t.Fatalf("connector raised %v", errs)
	}

	// Stop ends the refresh loop promptly.
	stopCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	began := time.Now()
	if err := c.Stop(stopCtx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(began); d > 2*time.Second {
		t.Errorf("Stop took %v", d)
	}
}

func TestConnectorRefreshRaisesPermanentFailure(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	tgt := testkit.NewCluster(t, 1)
	srcAdmin := newAdmin(t, src)
	createTopics(t, srcAdmin, map[string]int32{"orders": 1})
	props := baseProps(src, tgt)
	props["refresh.topics.interval.seconds"] = "1"
	_, cctx := startConnector(t, props)

	tgt.Kfake().Fault(kfake.Fault{
		Keys:  []kmsg.Key{kmsg.CreateTopics},
		Topic: "source.blocked",
		Err:   kerr.PolicyViolation,
		Count: -1,
	})
	createTopics(t, srcAdmin, map[string]int32{"blocked": 1})
	testkit.Eventually(t, 5*time.Second, func() error {
		errs := cctx.raisedErrors()
		if len(errs) == 0 {
			return fmt.Errorf("nothing raised")
		}
		for _, w := range []string{`"source.blocked"`, `target cluster "target"`} {
			if !strings.Contains(errs[0].Error(), w) {
				t.Fatalf("raised %q lacks %q", errs[0], w)
			}
		}
		return nil
	})
	// The new partition is not handed to tasks while its remote topic is
	// missing (as in Java, reconfiguration follows successful creation).
	if n := cctx.reconfigs.Load(); n != 0 {
		t.Errorf("%d reconfiguration requests", n)
	}
}

func TestConnectorUnreachableClusters(t *testing.T) {
	live := testkit.NewCluster(t, 1)
	cases := []struct {
		name    string
		side    string
		addr    string
		timeout string
		want    []string
	}{
		{"source refuses connections", "source", testkit.ClosedAddr(t), "5000", []string{`source cluster "source"`}},
		{"target refuses connections", "target", testkit.ClosedAddr(t), "5000", []string{`target cluster "target"`}},
		{"source never answers", "source", silentAddr(t), "400", []string{`source cluster "source"`, "timed out", "admin.timeout.ms"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			props := baseProps(live, live)
			props[tc.side+".cluster.bootstrap.servers"] = tc.addr
			props["admin.timeout.ms"] = tc.timeout
			c := NewMirrorSourceConnector()
			began := time.Now()
			err := c.Start(context.Background(), newConnectorContext(t), props)
			elapsed := time.Since(began)
			if err == nil {
				t.Fatal("Start succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			limit, _ := time.ParseDuration(tc.timeout + "ms")
			if elapsed > limit+time.Second {
				t.Errorf("Start took %v with admin.timeout.ms=%s", elapsed, tc.timeout)
			}
			// An admin call that outlived admin.timeout.ms may still be
			// running in sarama; Stop waits for it only as long as asked.
			stopCtx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			began = time.Now()
			_ = c.Stop(stopCtx)
			if d := time.Since(began); d > time.Second {
				t.Errorf("Stop took %v with a 200ms deadline", d)
			}
		})
	}
}

func TestConnectorCreateFailureNamesTopicAndCluster(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	tgt := testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"orders": 1})
	props := baseProps(src, tgt)
	props["replication.factor"] = "3" // more than the target's one broker
	c := NewMirrorSourceConnector()
	err := c.Start(context.Background(), newConnectorContext(t), props)
	if err == nil {
		t.Fatal("Start succeeded")
	}
	for _, w := range []string{`"source.orders"`, `target cluster "target"`, "replication factor 3"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	if isRetriable(err) {
		t.Errorf("an invalid replication factor is reported as retriable")
	}
	_ = c.Stop(context.Background())
}

func TestConnectorDisabled(t *testing.T) {
	props := map[string]string{
		"name":                             "mm2",
		"source.cluster.alias":             "A",
		"enabled":                          "false",
		"source.cluster.bootstrap.servers": testkit.ClosedAddr(t),
		"target.cluster.bootstrap.servers": testkit.ClosedAddr(t),
	}
	c := NewMirrorSourceConnector()
	if err := c.Start(context.Background(), newConnectorContext(t), props); err != nil {
		t.Fatalf("Start with enabled=false: %v", err)
	}
	cfgs, err := c.TaskConfigs(context.Background(), 3)
	if err != nil || len(cfgs) != 0 {
		t.Fatalf("TaskConfigs = %v, %v; want none", cfgs, err)
	}
	if err := c.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestConnectorStartRejectsBadConfig(t *testing.T) {
	c := NewMirrorSourceConnector()
	err := c.Start(context.Background(), newConnectorContext(t), map[string]string{"replication.factor": "x"})
	if err == nil {
		t.Fatal("Start succeeded")
	}
	for _, w := range []string{"source.cluster.alias", "replication.factor"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not name %s", err, w)
		}
	}
	if _, err := c.TaskConfigs(context.Background(), 1); err == nil {
		t.Error("TaskConfigs after a failed Start succeeded")
	}
	_ = c.Stop(context.Background())
}

func TestConnectorCreatesOffsetSyncsTopic(t *testing.T) {
	source := testkit.NewCluster(t, 1)
	target := testkit.NewCluster(t, 1)
	for _, tc := range []struct {
		location string
		cluster  *testkit.Cluster
		topic    string
	}{
		{"source", source, "mm2-offset-syncs.target.internal"},
		{"target", target, "mm2-offset-syncs.source.internal"},
	} {
		c := NewMirrorSourceConnector()
		props := map[string]string{
			"name": "m", "source.cluster.alias": "source",
			"source.cluster.bootstrap.servers":      strings.Join(source.Addrs(), ","),
			"target.cluster.bootstrap.servers":      strings.Join(target.Addrs(), ","),
			"offset-syncs.topic.location":           tc.location,
			"offset-syncs.topic.replication.factor": "1",
			"replication.factor":                    "1",
		}
		if err := c.Start(context.Background(), newConnectorContext(t), props); err != nil {
			t.Fatal(err)
		}
		admin := newAdmin(t, tc.cluster)
		entries, err := kafkaclient.DescribeTopicConfig(admin, tc.topic, "cleanup.policy")
		if err != nil {
			t.Fatalf("%s: %v", tc.location, err)
		}
		if len(entries) != 1 || entries[0].Value != "compact" {
			t.Errorf("%s: %s has cleanup.policy %v", tc.location, tc.topic, entries)
		}
		if err := c.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}
