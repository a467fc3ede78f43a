package mirror

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// splitConnector is a started connector as far as TaskConfigs is
// concerned: its config and the source partitions it knows.
func splitConnector(t *testing.T, props map[string]string, known []topicPartition) *MirrorSourceConnector {
	t.Helper()
	all := map[string]string{"name": "mm2", "source.cluster.alias": "A", "target.cluster.alias": "B"}
	maps.Copy(all, props)
	cfg, err := parseSourceConfig(newSourceConfigDef(), all)
	if err != nil {
		t.Fatal(err)
	}
	return &MirrorSourceConnector{cfg: cfg, known: known}
}

func partitionsOf(topic string, n int32) []topicPartition {
	out := make([]topicPartition, n)
	for p := range n {
		out[p] = topicPartition{topic, p}
	}
	return out
}

// TestTaskConfigsJavaCase is Java's
// MirrorSourceConnectorTest.testMirrorSourceConnectorTaskConfig: 12
// partitions over 3 tasks, byte for byte.
func TestTaskConfigsJavaCase(t *testing.T) {
	known := slices.Concat(partitionsOf("t0", 8), partitionsOf("t1", 2), partitionsOf("t2", 2))
	c := splitConnector(t, nil, known)
	cfgs, err := c.TaskConfigs(context.Background(), 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"t0-0,t0-3,t0-6,t1-1", "t0-1,t0-4,t0-7,t2-0", "t0-2,t0-5,t1-0,t2-1"}
	if len(cfgs) != len(want) {
		t.Fatalf("%d task configs; want %d", len(cfgs), len(want))
	}
	for i := range want {
		if got := cfgs[i]["task.assigned.partitions"]; got != want[i] {
			t.Errorf("task %d: task.assigned.partitions = %q; want %q", i, got, want[i])
		}
		if got := cfgs[i]["task.index"]; got != strconv.Itoa(i) {
			t.Errorf("task %d: task.index = %q", i, got)
		}
	}
}

// TestTaskConfigsRoundRobin checks the split rule for many shapes: numTasks
// = min(tasks.max, #partitions), partition i of the discovery order goes to
// task i mod numTasks, and every task decodes its own list (as the task
// parses it) back to exactly those partitions.
func TestTaskConfigsRoundRobin(t *testing.T) {
	cases := []struct {
		name     string
		known    []topicPartition
		maxTasks int
	}{
		{"one partition, one task", partitionsOf("a", 1), 1},
		{"one partition, many tasks", partitionsOf("a", 1), 8},
		{"tasks = partitions", partitionsOf("a", 5), 5},
		{"more partitions than tasks", partitionsOf("a", 7), 3},
		{"one task takes all", slices.Concat(partitionsOf("a", 3), partitionsOf("b", 2)), 1},
		{"topic names with dashes, dots and digits", slices.Concat(
			partitionsOf("my-topic-1", 11), partitionsOf("A.orders-2", 3), partitionsOf("x-", 2), partitionsOf("9", 1)), 4},
		{"large partition numbers", []topicPartition{{"t", 2147483647}, {"t", 1000}, {"u", 0}}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := splitConnector(t, nil, tc.known)
			cfgs, err := c.TaskConfigs(context.Background(), tc.maxTasks)
			if err != nil {
				t.Fatal(err)
			}
			numTasks := min(tc.maxTasks, len(tc.known))
			if len(cfgs) != numTasks {
				t.Fatalf("%d task configs; want min(%d, %d)", len(cfgs), tc.maxTasks, len(tc.known))
			}
			wantLists := make([][]string, numTasks)
			for i, tp := range tc.known {
				wantLists[i%numTasks] = append(wantLists[i%numTasks], tp.topic+"-"+strconv.Itoa(int(tp.partition)))
			}
			for i, cfg := range cfgs {
				if got, want := cfg["task.assigned.partitions"], strings.Join(wantLists[i], ","); got != want {
					t.Errorf("task %d: task.assigned.partitions = %q; want %q", i, got, want)
				}
				task, err := parseSourceConfig(newSourceTaskConfigDef(), cfg)
				if err != nil {
					t.Fatalf("task %d cannot parse its config: %v", i, err)
				}
				var want []topicPartition
				for j := i; j < len(tc.known); j += numTasks {
					want = append(want, tc.known[j])
				}
				if !slices.Equal(task.partitions, want) {
					t.Errorf("task %d decodes %v; want %v", i, task.partitions, want)
				}
				if task.taskIndex == nil || int(*task.taskIndex) != i {
					t.Errorf("task %d decodes task.index %v", i, task.taskIndex)
				}
			}
		})
	}
}

func TestTaskConfigsCarryTheConnectorConfig(t *testing.T) {
	props := map[string]string{"topics": "a.*", "some.unknown.key": " kept as written ", "tasks.max": "2"}
	c := splitConnector(t, props, partitionsOf("a", 3))
	before := maps.Clone(c.cfg.props)
	cfgs, err := c.TaskConfigs(context.Background(), 2)
	if err != nil {
		t.Fatal(err)
	}
	for i, cfg := range cfgs {
		rest := maps.Clone(cfg)
		delete(rest, "task.assigned.partitions")
		delete(rest, "task.index")
		if !maps.Equal(rest, before) {
			t.Errorf("task %d: %v is not the connector config %v plus the task keys", i, rest, before)
		}
	}
	// Each task config is a copy: changing one changes nothing else.
	cfgs[0]["topics"] = "changed"
	if c.cfg.props["topics"] != "a.*" || cfgs[1]["topics"] != "a.*" {
		t.Error("task configs share their map with the connector config or with each other")
	}
}

func TestTaskConfigsNone(t *testing.T) {
	cases := []struct {
		name     string
		props    map[string]string
		known    []topicPartition
		maxTasks int
	}{
		{"no partitions", nil, nil, 4},
		{"disabled", map[string]string{"enabled": "false"}, partitionsOf("a", 3), 4},
		{"no task allowed", nil, partitionsOf("a", 3), 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfgs, err := splitConnector(t, tc.props, tc.known).TaskConfigs(context.Background(), tc.maxTasks)
			if err != nil || cfgs == nil || len(cfgs) != 0 {
				t.Errorf("TaskConfigs = %#v, %v; want an empty list", cfgs, err)
			}
		})
	}
}

// TestTaskAssignedPartitionsAsJavaReadsThem decodes task configs written by
// Java (or by hand) the way Java's MirrorSourceTaskConfig does: a LIST
// (blanks around commas trimmed), each entry split at its last '-', kept
// as a set.
func TestTaskAssignedPartitionsAsJavaReadsThem(t *testing.T) {
	cases := []struct {
		value string
		want  []topicPartition
	}{
		{"", nil},
		{"t0-0", []topicPartition{{"t0", 0}}},
		{"t0-0, t0-3 ,t1-1", []topicPartition{{"t0", 0}, {"t0", 3}, {"t1", 1}}},
		{"my-topic-12,my-topic-12", []topicPartition{{"my-topic", 12}}},
		{"a--1", []topicPartition{{"a-", 1}}},
	}
	for _, tc := range cases {
		cfg, err := parseSourceConfig(newSourceTaskConfigDef(), map[string]string{
			"source.cluster.alias": "A", "task.assigned.partitions": tc.value, "task.index": "0",
		})
		if err != nil {
			t.Errorf("%q: %v", tc.value, err)
			continue
		}
		if !slices.Equal(cfg.partitions, tc.want) {
			t.Errorf("%q decodes to %v; want %v", tc.value, cfg.partitions, tc.want)
		}
	}
	for _, bad := range []string{"t0", "t0-x", "t0-", "t0-0,t1"} {
		_, err := parseSourceConfig(newSourceTaskConfigDef(), map[string]string{
			"source.cluster.alias": "A", "task.assigned.partitions": bad,
		})
		if err == nil || !strings.Contains(err.Error(), "task.assigned.partitions") {
			t.Errorf("%q: error %v; want one naming task.assigned.partitions", bad, err)
		}
	}
}
