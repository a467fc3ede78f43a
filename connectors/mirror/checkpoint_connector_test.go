package mirror

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/test/testkit"
)

func startCheckpointConnector(t *testing.T, props map[string]string, cctx *testConnectorContext) *MirrorCheckpointConnector {
	t.Helper()
	c := NewMirrorCheckpointConnector()
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
	return c
}

// taskGroups returns the task.assigned.groups of each task config.
func taskGroups(t *testing.T, c *MirrorCheckpointConnector, maxTasks int) []string {
	t.Helper()
	configs, err := c.TaskConfigs(t.Context(), maxTasks)
	if err != nil {
		t.Fatalf("TaskConfigs: %v", err)
	}
	out := make([]string, len(configs))
	for i, tc := range configs {
		out[i] = tc["task.assigned.groups"]
	}
	return out
}

func TestCheckpointConnectorSelectsGroupsAndRefreshes(t *testing.T) {
	src, tgt := testkit.NewCluster(t, 1), testkit.NewCluster(t, 3)
	srcAdmin, tgtAdmin := newAdmin(t, src), newAdmin(t, tgt)
	createTopics(t, srcAdmin, map[string]int32{"orders": 2, "secret": 1})
	for group, topic := range map[string]string{
		"app1":               "orders",
		"app2":               "secret", // only topics the topic filter drops
		"console-consumer-9": "orders", // excluded groups (defaults)
		"connect-mm2":        "orders",
		"__hidden":           "orders",
	} {
		commitOffsets(t, srcAdmin, group, map[string]map[int32]int64{topic: {0: 1}})
	}
	props := checkpointProps(src, tgt)
	delete(props, "checkpoints.topic.replication.factor") // default 3
	props["refresh.groups.interval.seconds"] = "1"
	logs, log := newLogCapture(t)
	cctx := newConnectorContext(t)
	cctx.log = log
	c := startCheckpointConnector(t, props, cctx)

	// The checkpoints topic: one partition, compacted, replicated 3 times.
	parts, replicas := topicCounts(t, tgtAdmin)
	if parts[testCheckpointsTopic] != 1 || replicas[testCheckpointsTopic] != 3 {
		t.Errorf("checkpoints topic has %d partitions, %d replicas; want 1 and 3", parts[testCheckpointsTopic], replicas[testCheckpointsTopic])
	}
	res, err := tgtAdmin.DescribeConfigs([]*sarama.ConfigResource{{Type: sarama.TopicResource, Name: testCheckpointsTopic,
		ConfigNames: []string{"cleanup.policy"}}}, sarama.DescribeConfigsOptions{})
	if err != nil || len(res) != 1 || len(res[0].Configs) != 1 || res[0].Configs[0].Value != "compact" {
		t.Errorf("checkpoints topic cleanup.policy: %+v, %v", res, err)
	}
	if len(logs.find("info", "started MirrorCheckpointConnector with 1 consumer groups")) != 1 {
		t.Error("no start summary at INFO")
	}

	if got := taskGroups(t, c, 3); !slices.Equal(got, []string{"app1"}) {
		t.Fatalf("task groups %q; want [app1]", got)
	}

	// A new group is found by the refresh, which asks for new task configs.
	commitOffsets(t, srcAdmin, "app3", map[string]map[int32]int64{"orders": {1: 4}})
	waitUntil(t, func() error {
		if n := cctx.reconfigs.Load(); n < 1 {
			return fmt.Errorf("%d reconfiguration requests", n)
		}
		return nil
	})
	if got := taskGroups(t, c, 3); !slices.Equal(got, []string{"app1", "app3"}) {
		t.Errorf("after a new group: task groups %q; want [app1 app3]", got)
	}
	if got := taskGroups(t, c, 1); !slices.Equal(got, []string{"app1,app3"}) {
		t.Errorf("one task: %q", got)
	}
	line := logs.waitFor(t, "info", "found 2 consumer groups to checkpoint: 1 new, 0 removed, previously 1")
	if number(line, "new") != 1 || number(line, "groups") != 2 {
		t.Errorf("summary line fields: %v", line)
	}

	// A deleted group goes away at the next refresh.
	if err := srcAdmin.DeleteConsumerGroup("app1"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() error {
		if n := cctx.reconfigs.Load(); n < 2 {
			return fmt.Errorf("%d reconfiguration requests", n)
		}
		return nil
	})
	if got := taskGroups(t, c, 3); !slices.Equal(got, []string{"app3"}) {
		t.Errorf("after deleting app1: task groups %q; want [app3]", got)
	}
	// Refreshes that find nothing new ask for nothing (each refresh says
	// at DEBUG which groups it ignored: app2).
	before := cctx.reconfigs.Load()
	refreshes := len(logs.find("debug", "ignoring groups without offsets"))
	waitUntil(t, func() error {
		if n := len(logs.find("debug", "ignoring groups without offsets")); n < refreshes+2 {
			return fmt.Errorf("%d refreshes since the deletion", n-refreshes)
		}
		return nil
	})
	if after := cctx.reconfigs.Load(); after != before {
		t.Errorf("%d reconfiguration requests without a change", after-before)
	}
	if errs := cctx.raisedErrors(); len(errs) > 0 {
		t.Errorf("raised errors: %v", errs)
	}
}

func TestCheckpointConnectorStartFailures(t *testing.T) {
	tgt := testkit.NewCluster(t, 1)
	src := testkit.NewCluster(t, 1)

	props := checkpointProps(src, tgt)
	props["source.cluster.bootstrap.servers"] = testkit.ClosedAddr(t)
	props["admin.timeout.ms"] = "3000"
	err := NewMirrorCheckpointConnector().Start(t.Context(), newConnectorContext(t), props)
	if err == nil || !strings.Contains(err.Error(), `source cluster "source"`) {
		t.Errorf("unreachable source: %v; want an error naming the source cluster", err)
	}

	props = checkpointProps(src, tgt)
	props["checkpoints.topic.replication.factor"] = "3" // one broker
	err = NewMirrorCheckpointConnector().Start(t.Context(), newConnectorContext(t), props)
	if err == nil || !strings.Contains(err.Error(), testCheckpointsTopic) || !strings.Contains(err.Error(), "checkpoints.topic.replication.factor") {
		t.Errorf("impossible replication factor: %v; want an error naming the topic and the key", err)
	}

	// enabled=false connects to nothing and has no tasks.
	props = checkpointProps(src, tgt)
	props["enabled"] = "false"
	props["source.cluster.bootstrap.servers"] = testkit.ClosedAddr(t)
	c := startCheckpointConnector(t, props, newConnectorContext(t))
	if got := taskGroups(t, c, 2); len(got) != 0 {
		t.Errorf("disabled connector has tasks %q", got)
	}
}

func TestCheckpointConnectorRetriesGroupListing(t *testing.T) {
	src, tgt := testkit.NewCluster(t, 1), testkit.NewCluster(t, 1)
	srcAdmin := newAdmin(t, src)
	createTopics(t, srcAdmin, map[string]int32{"orders": 1})
	commitOffsets(t, srcAdmin, "app1", map[string]map[int32]int64{"orders": {0: 1}})
	listGroupsFails := func() *kfake.FaultHandle {
		return src.Kfake().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.ListGroups}, TopLevel: true,
			Err: kerr.CoordinatorLoadInProgress, Count: -1})
	}

	failing := listGroupsFails()
	props := checkpointProps(src, tgt)
	props["refresh.groups.interval.seconds"] = "1"
	logs, log := newLogCapture(t)
	cctx := newConnectorContext(t)
	cctx.log = log
	c := startCheckpointConnector(t, props, cctx)
	if len(logs.find("warn", "could not list the consumer groups to checkpoint")) != 1 {
		t.Error("the failed first listing was not said at WARN")
	}
	waitUntil(t, func() error {
		if n := failing.Hits(); n < 3 {
			return fmt.Errorf("%d listings so far", n)
		}
		return nil
	})
	// Until a listing succeeds there is no answer, only a retriable error.
	if _, err := c.TaskConfigs(t.Context(), 2); !errors.Is(err, connect.ErrRetriable) {
		t.Fatalf("TaskConfigs before any listing succeeded: %v; want a retriable error", err)
	}
	failing.Remove()
	waitUntil(t, func() error {
		if n := cctx.reconfigs.Load(); n != 1 {
			return fmt.Errorf("%d reconfiguration requests", n)
		}
		return nil
	})
	if got := taskGroups(t, c, 2); !slices.Equal(got, []string{"app1"}) {
		t.Errorf("task groups %q", got)
	}

	// A refresh that fails keeps the groups known and asks for nothing.
	failing = listGroupsFails()
	logs.waitFor(t, "warn", "consumer group refresh failed")
	if got := taskGroups(t, c, 2); !slices.Equal(got, []string{"app1"}) {
		t.Errorf("task groups after a failed refresh %q", got)
	}
	failing.Remove()
	if n := cctx.reconfigs.Load(); n != 1 {
		t.Errorf("%d reconfiguration requests; want only the one after the first listing", n)
	}
}
