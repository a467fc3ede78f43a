package kafkastore

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ferrykafka/ferry/connect/javajson"
	"github.com/ferrykafka/ferry/storage"
)

// Config-topic keys (KafkaConfigBackingStore). Keys are plain UTF-8
// strings; values are JsonConverter JSON of the Struct schemas below, so
// field order is the schema's.
const (
	targetStatePrefix   = "target-state-"
	connectorPrefix     = "connector-"
	taskPrefix          = "task-"
	commitPrefix        = "commit-"
	restartPrefix       = "restart-connector-"
	taskCountPrefix     = "tasks-fencing-"
	sessionKeyKey       = "session-key"
	loggerClusterPrefix = "logger-cluster-"
)

func connectorKey(c string) string   { return connectorPrefix + c }
func targetStateKey(c string) string { return targetStatePrefix + c }
func commitKey(c string) string      { return commitPrefix + c }
func restartKey(c string) string     { return restartPrefix + c }
func taskCountKey(c string) string   { return taskCountPrefix + c }
func loggerKey(ns string) string     { return loggerClusterPrefix + ns }
func taskKey(id storage.ConnectorTaskID) string {
	return taskPrefix + id.Connector + "-" + strconv.Itoa(id.Task)
}

// TaskConfigRecord is the task-<c>-<n> record PutTaskConfigs writes for one
// task; it takes effect with the connector's next commit record.
func TaskConfigRecord(id storage.ConnectorTaskID, props map[string]string) (key, value []byte) {
	return []byte(taskKey(id)), encodeProperties(props)
}

// CommitRecord is the commit-<c> record that ends PutTaskConfigs.
func CommitRecord(connector string, tasks int) (key, value []byte) {
	return []byte(commitKey(connector)), encodeCommit(tasks)
}

// encodeProperties is CONNECTOR_CONFIGURATION_V0 / TASK_CONFIGURATION_V0:
// {"properties":{...}}. Java writes the map in its own iteration order (for
// a REST-created connector, the request's field order); Ferry writes the
// keys sorted, so the bytes are deterministic. Readers do not care.
func encodeProperties(props map[string]string) []byte {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	inner := make(javajson.Object, 0, len(keys))
	for _, k := range keys {
		inner = append(inner, javajson.Field{Name: k, Value: props[k]})
	}
	return mustMarshal(javajson.Object{{Name: "properties", Value: inner}})
}

// encodeCommit is CONNECTOR_TASKS_COMMIT_V0: {"tasks":N}.
func encodeCommit(tasks int) []byte {
	return mustMarshal(javajson.Object{{Name: "tasks", Value: int32(tasks)}})
}

// encodeTargetState is TARGET_STATE_V1: {"state":...,"state.v2":...}; the
// "state" field says PAUSED for STOPPED, for workers that predate STOPPED.
func encodeTargetState(s storage.TargetState) []byte {
	v0 := s
	if s == storage.TargetStopped {
		v0 = storage.TargetPaused
	}
	return mustMarshal(javajson.Object{{Name: "state", Value: string(v0)}, {Name: "state.v2", Value: string(s)}})
}

// encodeSessionKey is SESSION_KEY_V0: the key base64-encoded (standard
// alphabet, padded), its algorithm and creation time in ms.
func encodeSessionKey(k storage.SessionKey) []byte {
	return mustMarshal(javajson.Object{
		{Name: "key", Value: base64.StdEncoding.EncodeToString(k.Key)},
		{Name: "algorithm", Value: k.Algorithm},
		{Name: "creation-timestamp", Value: k.CreationTime},
	})
}

// encodeRestartRequest is RESTART_REQUEST_V0.
func encodeRestartRequest(r storage.RestartRequest) []byte {
	return mustMarshal(javajson.Object{{Name: "include-tasks", Value: r.IncludeTasks}, {Name: "only-failed", Value: r.OnlyFailed}})
}

// encodeTaskCount is TASK_COUNT_RECORD_V0.
func encodeTaskCount(n int) []byte {
	return mustMarshal(javajson.Object{{Name: "task-count", Value: int32(n)}})
}

// encodeLoggerLevel is LOGGER_LEVEL_V0.
func encodeLoggerLevel(level string) []byte {
	return mustMarshal(javajson.Object{{Name: "level", Value: level}})
}

// mustMarshal encodes values built above from strings, ints and bools only,
// which cannot fail.
func mustMarshal(v any) []byte {
	b, err := javajson.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("kafkastore: encoding a fixed record shape: %v", err))
	}
	return b
}

// parseTaskKey is KafkaConfigBackingStore.parseTaskId: split on '-', the
// last part is the task number, the middle parts rejoined are the connector
// (names may contain '-'). Needs at least three parts.
func parseTaskKey(key string) (storage.ConnectorTaskID, bool) {
	return parseDashedTaskID(key, 1, 3)
}

// parseDashedTaskID splits key the way Java's String.split("-") does (empty
// trailing parts dropped) and takes parts[skip:len-1] as the connector and
// the last part as the task number.
func parseDashedTaskID(key string, skip, minParts int) (storage.ConnectorTaskID, bool) {
	parts := strings.Split(key, "-")
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	if len(parts) < minParts {
		return storage.ConnectorTaskID{}, false
	}
	n, err := strconv.ParseInt(parts[len(parts)-1], 10, 32)
	if err != nil {
		return storage.ConnectorTaskID{}, false
	}
	return storage.ConnectorTaskID{Connector: strings.Join(parts[skip:len(parts)-1], "-"), Task: int(n)}, true
}

// javaType names a decoded JSON value the way Java's className would.
func javaType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "java.lang.String"
	case bool:
		return "java.lang.Boolean"
	case int64:
		return "java.lang.Long"
	case float64:
		return "java.lang.Double"
	case []any:
		return "java.util.ArrayList"
	case map[string]any:
		return "java.util.HashMap"
	}
	return fmt.Sprintf("%T", v)
}

// intValue is Java's intValue helper: an integer (Integer or Long; JSON
// gives Long) cast to int.
func intValue(v any) (int, bool) {
	i, ok := v.(int64)
	if !ok {
		return 0, false
	}
	return int(int32(i)), true
}

// stringProperties turns a decoded {"k":"v",...} map into a config map.
// Java casts it unchecked; Ferry keeps strings, writes other scalars as Java
// would print them, drops null values (unset) and refuses nested values.
func stringProperties(v any) (map[string]string, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("'properties' field should be a Map but is %s", javaType(v))
	}
	out := make(map[string]string, len(m))
	for k, val := range m {
		switch x := val.(type) {
		case nil:
		case string:
			out[k] = x
		case bool:
			out[k] = strconv.FormatBool(x)
		case int64:
			out[k] = strconv.FormatInt(x, 10)
		case float64:
			out[k] = javajson.FormatDouble(x)
		default:
			return nil, fmt.Errorf("property %q should be a string but is %s", k, javaType(val))
		}
	}
	return out, nil
}

// decodeSessionKeyBytes is Java's Base64.getDecoder(): standard alphabet,
// padding optional.
func decodeSessionKeyBytes(s string) ([]byte, error) {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(s)
}
