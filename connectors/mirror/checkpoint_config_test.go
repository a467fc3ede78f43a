package mirror

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/connect"
)

// TestCheckpointConfigDefMatchesJava compares the ConfigDef with Kafka
// 4.3.1's MirrorCheckpointConnector keys as Java's REST API lists them
// (testdata/MirrorKeys.java run on the 4.3.1 jars): same order, names,
// types, required flags, defaults and importance.
func TestCheckpointConfigDefMatchesJava(t *testing.T) {
	keys := newCheckpointConfigDef().Keys()
	checkKeysMatchJava(t, "testdata/java-4.3.1-mirror-checkpoint-keys.json", keys)
	// The task's ConfigDef adds Java's two task keys.
	task := newCheckpointTaskConfigDef().Keys()
	if len(task) != len(keys)+2 || task[len(keys)].Name != "task.assigned.groups" || task[len(keys)+1].Name != "task.index" {
		t.Errorf("task ConfigDef ends with %s, %s", task[len(task)-2].Name, task[len(task)-1].Name)
	}
}

func TestCheckpointConfigDefaults(t *testing.T) {
	c, err := parseCheckpointConfig(newCheckpointConfigDef(), map[string]string{"source.cluster.alias": "A", "name": "cp"})
	if err != nil {
		t.Fatal(err)
	}
	if !c.enabled || c.sourceAlias != "A" || c.targetAlias != "target" || c.connectorName != "cp" {
		t.Errorf("enabled/aliases/name = %v %q %q %q", c.enabled, c.sourceAlias, c.targetAlias, c.connectorName)
	}
	if c.emitInterval != time.Minute || c.refreshGroupsInterval != 10*time.Minute || c.syncGroupOffsetsInterval != 0 {
		t.Errorf("emit %v, refresh %v, sync %v; want 1m, 10m, off", c.emitInterval, c.refreshGroupsInterval, c.syncGroupOffsetsInterval)
	}
	if c.pollTimeout != time.Second || c.checkpointsReplFactor != 3 || c.offsetSyncsLocation != "source" {
		t.Errorf("poll %v, replication factor %d, location %q", c.pollTimeout, c.checkpointsReplFactor, c.offsetSyncsLocation)
	}
	if got := c.checkpointsTopic(); got != "A.checkpoints.internal" {
		t.Errorf("checkpoints topic %q", got)
	}
	if got := c.offsetSyncsTopic(); got != "mm2-offset-syncs.target.internal" {
		t.Errorf("offset syncs topic %q", got)
	}
	// The topic filter's defaults (Kafka 4.x's DefaultTopicFilter).
	for topic, want := range map[string]bool{"orders": true, "mm2-offset-syncs.x.internal": false, "a.replica": false, "__consumer_offsets": false, "A.checkpoints.internal": true} {
		if got := c.topicFilter.shouldReplicateTopic(topic); got != want {
			t.Errorf("topic filter on %q = %v; want %v", topic, got, want)
		}
	}
}

func TestCheckpointConfigValues(t *testing.T) {
	props := map[string]string{
		"name":                                 "cp",
		"source.cluster.alias":                 "east",
		"target.cluster.alias":                 "west",
		"source.cluster.bootstrap.servers":     "e:9092",
		"target.cluster.bootstrap.servers":     "w:9092",
		"topics":                               "orders.*",
		"topics.exclude":                       "orders-test",
		"groups":                               "app.*",
		"groups.exclude":                       "",
		"refresh.groups.enabled":               "false",
		"emit.checkpoints.interval.seconds":    "5",
		"sync.group.offsets.enabled":           "true",
		"sync.group.offsets.interval.seconds":  "7",
		"offset-syncs.topic.location":          "target",
		"replication.policy.separator":         "_",
		"checkpoints.topic.replication.factor": "-1",
		"task.assigned.groups":                 "app-1,app-2,app-1",
		"task.index":                           "4",
		"target.consumer.max.poll.records":     "10",
	}
	c, err := parseCheckpointConfig(newCheckpointTaskConfigDef(), props)
	if err != nil {
		t.Fatal(err)
	}
	if c.refreshGroupsInterval != 0 || c.emitInterval != 5*time.Second || c.syncGroupOffsetsInterval != 7*time.Second || c.checkpointsReplFactor != -1 {
		t.Errorf("refresh %v, emit %v, sync %v, rf %d", c.refreshGroupsInterval, c.emitInterval, c.syncGroupOffsetsInterval, c.checkpointsReplFactor)
	}
	if !slices.Equal(c.groups, []string{"app-1", "app-2"}) || c.taskIndex == nil || *c.taskIndex != 4 {
		t.Errorf("groups %v, task index %v", c.groups, c.taskIndex)
	}
	if got := c.checkpointsTopic(); got != "east_checkpoints_internal" {
		t.Errorf("checkpoints topic %q", got)
	}
	// With the topic on the target, it is named after the source and read
	// from the target cluster.
	if got := c.offsetSyncsTopic(); got != "mm2-offset-syncs_east_internal" {
		t.Errorf("offset syncs topic %q", got)
	}
	c.isTask = true
	cp := c.offsetSyncsConsumerProps()
	if cp["bootstrap.servers"] != "w:9092" || cp["max.poll.records"] != "10" || cp["client.id"] != "east->west|cp-4|offset-syncs-target-consumer" {
		t.Errorf("offset syncs consumer props %v", cp)
	}
	for group, want := range map[string]bool{"app-1": true, "console-consumer-1": false, "other": false} {
		if c.groupFilter.shouldReplicateGroup(group) != want {
			t.Errorf("group filter on %q: want %v", group, want)
		}
	}
	for topic, want := range map[string]bool{"orders": true, "orders-test": false, "payments": false} {
		if c.topicFilter.shouldReplicateTopic(topic) != want {
			t.Errorf("topic filter on %q: want %v", topic, want)
		}
	}

	// Disabled checkpoints or a negative interval: Java's negative
	// emitCheckpointsInterval (no tasks).
	for _, extra := range []map[string]string{
		{"emit.checkpoints.enabled": "false"},
		{"emit.checkpoints.interval.seconds": "-1"},
	} {
		p := map[string]string{"source.cluster.alias": "A"}
		maps.Copy(p, extra)
		c, err := parseCheckpointConfig(newCheckpointConfigDef(), p)
		if err != nil || c.emitInterval >= 0 {
			t.Errorf("%v: emit interval %v, %v; want negative", extra, c.emitInterval, err)
		}
	}
}

// TestCheckpointValidateJavaMessages checks values against the messages
// Kafka 4.3.1's MirrorCheckpointConnector.validate gives for them
// (recorded from Java). An empty want means Java accepts the value; keys
// marked ferry are checks Ferry adds.
func TestCheckpointValidateJavaMessages(t *testing.T) {
	cases := []struct {
		props map[string]string
		want  map[string]string
	}{
		{map[string]string{"emit.checkpoints.enabled": "false"},
			map[string]string{"emit.checkpoints.enabled": "MirrorCheckpointConnector can't run with emit.checkpoints.enabled set to false"}},
		{map[string]string{"emit.checkpoints.enabled": "FALSE"}, nil}, // Java compares "false" exactly
		{map[string]string{"emit.offset-syncs.enabled": "false"},
			map[string]string{"emit.offset-syncs.enabled": "MirrorCheckpointConnector can't run without offset syncs"}},
		{map[string]string{"enabled": "false", "emit.checkpoints.enabled": "false", "emit.offset-syncs.enabled": "false"}, nil},
		{map[string]string{"emit.checkpoints.enabled": "false", "emit.offset-syncs.enabled": "false"}, map[string]string{
			"emit.checkpoints.enabled":  "MirrorCheckpointConnector can't run with emit.checkpoints.enabled set to false",
			"emit.offset-syncs.enabled": "MirrorCheckpointConnector can't run without offset syncs"}},
		{map[string]string{"groups": "a,a"}, map[string]string{"groups": "Configuration 'groups' values must not be duplicated."}},
		{map[string]string{"groups": ""}, nil},
		{map[string]string{"groups": "a,,b"}, map[string]string{"groups": "Configuration 'groups' values must not be empty."}},
		{map[string]string{"groups.exclude": ""}, nil},
		{map[string]string{"group.filter.class": "Nope"},
			map[string]string{"group.filter.class": "Invalid value Nope for configuration group.filter.class: Class Nope could not be found."}},
		{map[string]string{"group.filter.class": "DefaultGroupFilter"}, nil},
		{map[string]string{"checkpoints.topic.replication.factor": "x"},
			map[string]string{"checkpoints.topic.replication.factor": "Invalid value x for configuration checkpoints.topic.replication.factor: Not a number of type SHORT"}},
		{map[string]string{"offset-syncs.topic.location": "Source"},
			map[string]string{"offset-syncs.topic.location": "Invalid value Source for configuration offset-syncs.topic.location: String must be one of: source, target"}},
		{map[string]string{"metric.names.formats": "new"}, nil},
		// Ferry's additions.
		{map[string]string{"checkpoints.topic.replication.factor": "0"},
			map[string]string{"checkpoints.topic.replication.factor": "Invalid value 0 for configuration checkpoints.topic.replication.factor: Value must be -1"}},
		{map[string]string{"refresh.groups.interval.seconds": "0"},
			map[string]string{"refresh.groups.interval.seconds": "Invalid value 0 for configuration refresh.groups.interval.seconds: Value must not be 0"}},
		{map[string]string{"groups": "(open"}, map[string]string{"groups": "Invalid value (open for configuration groups: invalid regular expression"}},
		{map[string]string{"topics": "a,a"}, map[string]string{"topics": "Configuration 'topics' values must not be duplicated."}},
		{map[string]string{"topics.exclude": "a(?=b)"}, map[string]string{"topics.exclude": "Invalid value a(?=b) for configuration topics.exclude: invalid regular expression"}},
	}
	for _, tc := range cases {
		props := map[string]string{"name": "x", "source.cluster.alias": "A"}
		maps.Copy(props, tc.props)
		got := map[string][]string{}
		for _, cv := range (&MirrorCheckpointConnector{}).Validate(props) {
			if len(cv.Errors) > 0 {
				got[cv.Name] = cv.Errors
			}
		}
		if len(got) != len(tc.want) {
			t.Errorf("%v: errors %v; want %v", tc.props, got, tc.want)
			continue
		}
		for key, want := range tc.want {
			if errs := got[key]; len(errs) != 1 || !strings.HasPrefix(errs[0], want) {
				t.Errorf("%v: errors on %s %q; want one starting with %q", tc.props, key, errs, want)
			}
		}
	}

	// Start parses without Java's cross-key checks (the connector then has
	// no tasks), but rejects what the ConfigDef rejects, as a bad request.
	if _, err := parseCheckpointConfig(newCheckpointConfigDef(), map[string]string{"source.cluster.alias": "A", "emit.checkpoints.enabled": "false"}); err != nil {
		t.Errorf("emit.checkpoints.enabled=false does not parse: %v", err)
	}
	_, err := parseCheckpointConfig(newCheckpointConfigDef(), map[string]string{"source.cluster.alias": "A", "topics": "(open"})
	if err == nil || !errors.Is(err, connect.ErrBadRequest) || !strings.Contains(err.Error(), "configuration topics") {
		t.Errorf("bad topics pattern: %v", err)
	}
	_, err = parseCheckpointConfig(newCheckpointConfigDef(), map[string]string{})
	if err == nil || !strings.Contains(err.Error(), `Missing required configuration "source.cluster.alias"`) {
		t.Errorf("missing alias: %v", err)
	}
}

func TestCheckpointTaskSplit(t *testing.T) {
	groups := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = string(rune('a' + i))
		}
		return out
	}
	cases := []struct {
		groups, maxTasks int
		want             []string // task.assigned.groups of each task
	}{
		{5, 3, []string{"a,b", "c,d", "e"}},
		{6, 3, []string{"a,b", "c,d", "e,f"}},
		{7, 3, []string{"a,b,c", "d,e", "f,g"}},
		{2, 5, []string{"a", "b"}},
		{3, 1, []string{"a,b,c"}},
		{1, 1, []string{"a"}},
		{0, 3, []string{}},
		{3, 0, []string{}},
	}
	for _, tc := range cases {
		cfg, err := parseCheckpointConfig(newCheckpointConfigDef(), map[string]string{"source.cluster.alias": "A", "name": "cp"})
		if err != nil {
			t.Fatal(err)
		}
		c := &MirrorCheckpointConnector{cfg: cfg}
		c.setKnown(groups(tc.groups))
		configs, err := c.TaskConfigs(t.Context(), tc.maxTasks)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]string, len(configs))
		for i, tc := range configs {
			got[i] = tc["task.assigned.groups"]
			if tc["task.index"] != string(rune('0'+i)) || tc["name"] != "cp" || tc["source.cluster.alias"] != "A" {
				t.Errorf("task %d config %v", i, tc)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%d groups over %d tasks: %q; want %q", tc.groups, tc.maxTasks, got, tc.want)
		}
	}
}

func TestCheckpointTaskConfigsStates(t *testing.T) {
	parse := func(extra map[string]string) *checkpointConfig {
		props := map[string]string{"source.cluster.alias": "A"}
		maps.Copy(props, extra)
		cfg, err := parseCheckpointConfig(newCheckpointConfigDef(), props)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	// Before the first listing: a retriable error.
	c := &MirrorCheckpointConnector{cfg: parse(nil)}
	if _, err := c.TaskConfigs(t.Context(), 2); !errors.Is(err, connect.ErrRetriable) || !strings.Contains(err.Error(), `"A"`) {
		t.Errorf("before listing: %v; want a retriable error naming the source", err)
	}
	// No tasks when replication or checkpoints are disabled.
	for _, extra := range []map[string]string{
		{"enabled": "false"},
		{"emit.checkpoints.enabled": "false"},
		{"emit.checkpoints.interval.seconds": "-5"},
	} {
		c := &MirrorCheckpointConnector{cfg: parse(extra)}
		c.setKnown([]string{"g1", "g2"})
		if configs, err := c.TaskConfigs(t.Context(), 2); err != nil || len(configs) != 0 {
			t.Errorf("%v: %d task configs, %v; want none", extra, len(configs), err)
		}
	}
	// enabled=false needs no listing at all.
	c = &MirrorCheckpointConnector{cfg: parse(map[string]string{"enabled": "false"})}
	if configs, err := c.TaskConfigs(t.Context(), 2); err != nil || len(configs) != 0 {
		t.Errorf("disabled, not listed: %d task configs, %v", len(configs), err)
	}
	if _, err := (&MirrorCheckpointConnector{}).TaskConfigs(t.Context(), 1); err == nil {
		t.Error("TaskConfigs before Start did not fail")
	}
}

func TestCheckpointAlterOffsets(t *testing.T) {
	c := NewMirrorCheckpointConnector()
	good := map[string]any{"group": "g", "topic": "A.orders", "partition": 3}
	cases := []struct {
		partition, offset map[string]any
		want              string
	}{
		{good, map[string]any{"offset": int64(0)}, ""},
		{good, nil, ""},
		{map[string]any{"garbage": true}, nil, ""}, // resets always allowed
		{map[string]any{"topic": "t", "partition": 0}, map[string]any{"offset": 0}, "is missing the 'group' key"},
		{map[string]any{"group": 5, "topic": "t", "partition": 0}, map[string]any{"offset": 0}, "for the 'group' key, which must be a string"},
		{map[string]any{"group": "g", "partition": 0}, map[string]any{"offset": 0}, "is missing the 'topic' key"},
		{map[string]any{"group": "g", "topic": "t", "partition": -1}, map[string]any{"offset": 0}, "which cannot be negative"},
		{good, map[string]any{"offset": int64(7)}, "has an invalid value 7 for the 'offset' key; the only accepted value is 0"},
		{good, map[string]any{"offset": "0"}, "which must be an integer"},
		{good, map[string]any{}, "is missing the 'offset' key"},
	}
	for _, tc := range cases {
		ok, err := c.AlterOffsets(nil, []connect.PartitionOffset{{Partition: tc.partition, Offset: tc.offset}})
		switch {
		case tc.want == "" && (err != nil || !ok):
			t.Errorf("%v -> %v: %v, %v; want accepted", tc.partition, tc.offset, ok, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v -> %v: %v; want an error containing %q", tc.partition, tc.offset, err, tc.want)
		}
	}
}
