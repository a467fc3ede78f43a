package kafkastore

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ferrykafka/ferry/connect/javajson"
	"github.com/ferrykafka/ferry/storage"
)

// Status-topic keys (KafkaStatusBackingStore).
const (
	connectorStatusPrefix = "status-connector-"
	taskStatusPrefix      = "status-task-"
	topicStatusPrefix     = "status-topic-"
	topicStatusSeparator  = ":connector-"
)

func statusKey(id storage.ConnectorTaskID) string {
	if id.Task < 0 {
		return connectorStatusPrefix + id.Connector
	}
	return taskStatusPrefix + id.Connector + "-" + strconv.Itoa(id.Task)
}

func topicStatusKey(connector, topic string) string {
	return topicStatusPrefix + topic + topicStatusSeparator + connector
}

// encodeStatus is STATUS_SCHEMA_V0 as Kafka 4.1+ writes it: state, trace
// (null when empty), worker_id, generation, version (the plugin's, null
// when unknown). Older Java workers ignore the version key. DESTROYED is a
// tombstone and never encoded.
func encodeStatus(s storage.Status) []byte {
	var trace, version any
	if s.Trace != "" {
		trace = s.Trace
	}
	if s.Version != "" {
		version = s.Version
	}
	return mustMarshal(javajson.Object{
		{Name: "state", Value: string(s.State)},
		{Name: "trace", Value: trace},
		{Name: "worker_id", Value: s.WorkerID},
		{Name: "generation", Value: s.Generation},
		{Name: "version", Value: version},
	})
}

// encodeTopicStatus is {"topic":TOPIC_STATUS_VALUE_SCHEMA_V0}.
func encodeTopicStatus(t storage.TopicStatus) []byte {
	return mustMarshal(javajson.Object{{Name: "topic", Value: javajson.Object{
		{Name: "name", Value: t.Topic},
		{Name: "connector", Value: t.Connector},
		{Name: "task", Value: t.Task},
		{Name: "discoverTimestamp", Value: t.DiscoverTimestamp},
	}}})
}

var knownStates = map[storage.State]bool{
	storage.StateUnassigned: true, storage.StateRunning: true, storage.StatePaused: true, storage.StateFailed: true,
	storage.StateRestarting: true, storage.StateStopped: true, storage.StateDestroyed: true,
}

// parseStatus reads a status value as Java does: state must name a state,
// trace and worker_id are strings or null, generation an integer.
func parseStatus(id storage.ConnectorTaskID, value []byte) (storage.Status, error) {
	v, err := javajson.Unmarshal(value)
	if err != nil {
		return storage.Status{}, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return storage.Status{}, fmt.Errorf("invalid status type %s", javaType(v))
	}
	state, ok := m["state"].(string)
	if !ok || !knownStates[storage.State(state)] {
		return storage.Status{}, fmt.Errorf("invalid state %v", m["state"])
	}
	trace, err := optionalString(m, "trace")
	if err != nil {
		return storage.Status{}, err
	}
	worker, err := optionalString(m, "worker_id")
	if err != nil {
		return storage.Status{}, err
	}
	gen, ok := m["generation"].(int64)
	if !ok {
		return storage.Status{}, fmt.Errorf("invalid generation %s", javaType(m["generation"]))
	}
	version, err := optionalString(m, "version")
	if err != nil {
		return storage.Status{}, err
	}
	return storage.Status{ID: id, State: storage.State(state), Trace: trace, WorkerID: worker, Generation: int32(gen), Version: version}, nil
}

func optionalString(m map[string]any, field string) (string, error) {
	switch x := m[field].(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	default:
		return "", fmt.Errorf("invalid %s %s", field, javaType(x))
	}
}

// parseTaskStatusKey is parseConnectorTaskId: status-task-<connector>-<n>,
// split on '-' with at least four parts.
func parseTaskStatusKey(key string) (storage.ConnectorTaskID, bool) {
	return parseDashedTaskID(key, 2, 4)
}

// parseTopicStatusKey splits status-topic-<topic>:connector-<connector> the
// way Java does: at the first ':', skipping the separator's length.
func parseTopicStatusKey(key string) (topic, connector string, ok bool) {
	delim := strings.IndexByte(key, ':')
	begin := len(topicStatusPrefix)
	if begin > delim {
		return "", "", false
	}
	topic = key[begin:delim]
	begin = delim + len(topicStatusSeparator)
	if topic == "" || begin > len(key) {
		return "", "", false
	}
	connector = key[begin:]
	if connector == "" {
		return "", "", false
	}
	return topic, connector, true
}

func parseTopicStatus(value []byte) (storage.TopicStatus, error) {
	v, err := javajson.Unmarshal(value)
	if err != nil {
		return storage.TopicStatus{}, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return storage.TopicStatus{}, fmt.Errorf("invalid topic status value %s", javaType(v))
	}
	inner, ok := m["topic"].(map[string]any)
	if !ok {
		return storage.TopicStatus{}, fmt.Errorf("invalid topic status field 'topic': %s", javaType(m["topic"]))
	}
	name, err := optionalString(inner, "name")
	if err != nil {
		return storage.TopicStatus{}, err
	}
	connector, err := optionalString(inner, "connector")
	if err != nil {
		return storage.TopicStatus{}, err
	}
	task, ok := inner["task"].(int64)
	if !ok {
		return storage.TopicStatus{}, fmt.Errorf("invalid topic status task %s", javaType(inner["task"]))
	}
	ts, ok := inner["discoverTimestamp"].(int64)
	if !ok {
		return storage.TopicStatus{}, fmt.Errorf("invalid topic status discoverTimestamp %s", javaType(inner["discoverTimestamp"]))
	}
	return storage.TopicStatus{Topic: name, Connector: connector, Task: int32(task), DiscoverTimestamp: ts}, nil
}
