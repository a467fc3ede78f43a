package kafkastore

import (
	"maps"
	"sort"
	"strings"

	"github.com/ferrykafka/ferry/connect/javajson"
	"github.com/ferrykafka/ferry/storage"
	"github.com/rs/zerolog"
)

// configState is what the config topic says, built record by record the
// way KafkaConfigBackingStore's consumer callback builds it. It is not safe
// for concurrent use; ConfigStore guards it.
type configState struct {
	offset           int64
	sessionKey       *storage.SessionKey
	connectorConfigs map[string]map[string]string
	targetStates     map[string]storage.TargetState
	taskConfigs      map[storage.ConnectorTaskID]map[string]string
	taskCounts       map[string]int
	inconsistent     map[string]bool
	// deferred task configs wait for their connector's commit record.
	deferred map[string]map[int]map[string]string
	// tasks-fencing- records (KIP-618) and connectors whose latest task
	// configs came after their latest task-count record.
	taskCountRecords map[string]int
	pendingFencing   map[string]bool
	// applied is each connector's config when its task configs were last
	// committed completely.
	applied map[string]map[string]string
}

func newConfigState() *configState {
	return &configState{
		offset:           -1,
		connectorConfigs: map[string]map[string]string{},
		targetStates:     map[string]storage.TargetState{},
		taskConfigs:      map[storage.ConnectorTaskID]map[string]string{},
		taskCounts:       map[string]int{},
		inconsistent:     map[string]bool{},
		deferred:         map[string]map[int]map[string]string{},
		taskCountRecords: map[string]int{},
		pendingFencing:   map[string]bool{},
		applied:          map[string]map[string]string{},
	}
}

type eventKind int

const (
	evConnectorUpdate eventKind = iota
	evConnectorRemove
	evTaskUpdate
	evTargetState
	evSessionKey
	evRestart
	evLoggerLevel
)

// configEvent is a listener call owed for a record; the store makes it
// outside its lock, and only once started (as Java does).
type configEvent struct {
	kind       eventKind
	connector  string
	tasks      []storage.ConnectorTaskID
	sessionKey storage.SessionKey
	restart    storage.RestartRequest
	namespace  string
	level      string
}

// apply reads one record. A record that is not JSON is logged and skipped
// without moving the offset (Java's converter failure); a record of the
// wrong shape is logged and skipped too, but counts as read.
func (s *configState) apply(log zerolog.Logger, key, value []byte, offset int64) []configEvent {
	var v any
	if value != nil {
		var err error
		if v, err = javajson.Unmarshal(value); err != nil {
			log.Error().Err(err).Bytes("key", key).Msg("skipping config record that is not JSON")
			return nil
		}
	}
	s.offset = offset + 1
	if key == nil {
		log.Error().Msg("discarding config record without a key")
		return nil
	}
	k := string(key)
	log = log.With().Str("key", k).Logger()
	switch {
	case strings.HasPrefix(k, targetStatePrefix):
		return s.targetState(log, k[len(targetStatePrefix):], v)
	case strings.HasPrefix(k, connectorPrefix):
		return s.connectorConfig(log, k[len(connectorPrefix):], v)
	case strings.HasPrefix(k, taskPrefix):
		id, ok := parseTaskKey(k)
		if !ok {
			log.Error().Msg("ignoring task configuration because the key couldn't be parsed as a task config key")
			return nil
		}
		s.taskConfig(log, id, v)
		return nil
	case strings.HasPrefix(k, commitPrefix):
		return s.commit(log, k[len(commitPrefix):], v)
	case strings.HasPrefix(k, restartPrefix):
		return s.restartRequest(log, k[len(restartPrefix):], v)
	case strings.HasPrefix(k, taskCountPrefix):
		s.taskCount(log, k[len(taskCountPrefix):], v)
		return nil
	case k == sessionKeyKey:
		return s.sessionKeyRecord(log, v)
	case strings.HasPrefix(k, loggerClusterPrefix):
		return s.loggerLevel(log, k[len(loggerClusterPrefix):], v)
	}
	log.Error().Msg("discarding config update record with invalid key")
	return nil
}

func (s *configState) targetState(log zerolog.Logger, connector string, v any) []configEvent {
	log = log.With().Str("connector", connector).Logger()
	if v == nil {
		// Written after a connector's config tombstone; if the config is
		// somehow still there, it falls back to STARTED. No listener call:
		// the config removal already made one.
		delete(s.targetStates, connector)
		if _, ok := s.connectorConfigs[connector]; ok {
			s.targetStates[connector] = storage.TargetStarted
		}
		log.Debug().Msg("removed target state")
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		log.Error().Str("found", javaType(v)).Msg("ignoring target state because it is in the wrong format")
		return nil
	}
	raw, present := m["state.v2"]
	name, ok := raw.(string)
	if present && raw != nil && !ok {
		log.Error().Str("found", javaType(raw)).Msg("invalid target state: 'state.v2' field should be a String; trying 'state'")
	}
	if !ok {
		// v0 records (and workers before STOPPED) have only "state".
		raw = m["state"]
		if name, ok = raw.(string); !ok {
			log.Error().Str("found", javaType(raw)).Msg("invalid target state: 'state' field should be a String")
			return nil
		}
	}
	var state storage.TargetState
	switch storage.TargetState(name) {
	case storage.TargetStarted, storage.TargetPaused, storage.TargetStopped:
		state = storage.TargetState(name)
	default:
		log.Error().Str("state", name).Msg("invalid target state")
		return nil
	}
	prev, had := s.targetStates[connector]
	s.targetStates[connector] = state
	log.Debug().Str("state", name).Msg("set target state")
	_, exists := s.connectorConfigs[connector]
	if (!had || prev != state) && exists {
		return []configEvent{{kind: evTargetState, connector: connector}}
	}
	return nil
}

func (s *configState) connectorConfig(log zerolog.Logger, connector string, v any) []configEvent {
	log = log.With().Str("connector", connector).Logger()
	if v == nil {
		s.removeConnector(connector)
		log.Info().Msg("processed removal of connector")
		return []configEvent{{kind: evConnectorRemove, connector: connector}}
	}
	m, ok := v.(map[string]any)
	if !ok {
		log.Error().Str("found", javaType(v)).Msg("ignoring connector configuration because it is in the wrong format")
		return nil
	}
	props, err := stringProperties(m["properties"])
	if err != nil {
		log.Error().Err(err).Msg("ignoring invalid connector configuration")
		return nil
	}
	s.connectorConfigs[connector] = props
	// Connectors created by old workers have no target state record.
	if _, ok := s.targetStates[connector]; !ok {
		s.targetStates[connector] = storage.TargetStarted
	}
	log.Debug().Msg("updated connector configuration")
	return []configEvent{{kind: evConnectorUpdate, connector: connector}}
}

func (s *configState) taskConfig(log zerolog.Logger, id storage.ConnectorTaskID, v any) {
	log = log.With().Str("connector", id.Connector).Int("task", id.Task).Logger()
	if v == nil {
		log.Error().Msg("ignoring task configuration because it is unexpectedly null")
		return
	}
	m, ok := v.(map[string]any)
	if !ok {
		log.Error().Str("found", javaType(v)).Msg("ignoring task configuration because the value is not a Map")
		return
	}
	props, err := stringProperties(m["properties"])
	if err != nil {
		log.Error().Err(err).Msg("ignoring invalid task configuration")
		return
	}
	d := s.deferred[id.Connector]
	if d == nil {
		d = map[int]map[string]string{}
		s.deferred[id.Connector] = d
	}
	d[id.Task] = props
	log.Debug().Msg("stored task configuration; it takes effect with the next commit record")
}

// commit applies the deferred task configs of a connector if the commit's
// task ids 0..N-1 are all among them (extra ids are tolerated: compaction
// can leave them), and otherwise marks the connector inconsistent so the
// leader regenerates its tasks. Either way the deferred set is cleared.
func (s *configState) commit(log zerolog.Logger, connector string, v any) []configEvent {
	log = log.With().Str("connector", connector).Logger()
	if _, ok := s.connectorConfigs[connector]; !ok {
		// Deleted before these task configs were committed, and compaction
		// removed both its config and the tombstone.
		s.removeConnector(connector)
		log.Debug().Msg("ignoring task configs of a connector deleted earlier")
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		log.Error().Str("found", javaType(v)).Msg("ignoring task configuration commit because it is in the wrong format")
		return nil
	}
	n, ok := intValue(m["tasks"])
	if !ok {
		log.Error().Str("found", javaType(m["tasks"])).Msg("ignoring task configuration commit: 'tasks' should be an integer")
		return nil
	}
	deferred := s.deferred[connector]
	complete := len(deferred) >= n
	for i := 0; i < n && complete; i++ {
		_, complete = deferred[i]
	}
	var updated []storage.ConnectorTaskID
	if !complete {
		log.Debug().Int("tasks", n).Msg("incomplete set of task configs, probably due to compaction; marking the connector inconsistent")
		s.inconsistent[connector] = true
	} else {
		for task, props := range deferred {
			id := storage.ConnectorTaskID{Connector: connector, Task: task}
			s.taskConfigs[id] = props
			updated = append(updated, id)
		}
		sort.Slice(updated, func(i, j int) bool { return updated[i].Task < updated[j].Task })
		delete(s.inconsistent, connector)
		s.applied[connector] = maps.Clone(s.connectorConfigs[connector])
	}
	delete(s.deferred, connector)
	s.taskCounts[connector] = n
	s.pendingFencing[connector] = true
	return []configEvent{{kind: evTaskUpdate, connector: connector, tasks: updated}}
}

func (s *configState) removeConnector(connector string) {
	delete(s.connectorConfigs, connector)
	delete(s.taskCounts, connector)
	for id := range s.taskConfigs {
		if id.Connector == connector {
			delete(s.taskConfigs, id)
		}
	}
	delete(s.deferred, connector)
	delete(s.applied, connector)
}

func (s *configState) restartRequest(log zerolog.Logger, connector string, v any) []configEvent {
	log = log.With().Str("connector", connector).Logger()
	m, ok := v.(map[string]any)
	if !ok {
		log.Error().Str("found", javaType(v)).Msg("ignoring restart request because the value is not a Map")
		return nil
	}
	flag := func(name string) bool {
		b, ok := m[name].(bool)
		if !ok {
			log.Warn().Str("field", name).Str("found", javaType(m[name])).Msg("invalid restart request field, defaulting to false")
		}
		return b
	}
	r := storage.RestartRequest{Connector: connector, OnlyFailed: flag("only-failed"), IncludeTasks: flag("include-tasks")}
	return []configEvent{{kind: evRestart, connector: connector, restart: r}}
}

func (s *configState) taskCount(log zerolog.Logger, connector string, v any) {
	log = log.With().Str("connector", connector).Logger()
	m, ok := v.(map[string]any)
	if !ok {
		log.Error().Str("found", javaType(v)).Msg("ignoring task count record because it is in the wrong format")
		return
	}
	n, ok := intValue(m["task-count"])
	if !ok {
		log.Error().Str("found", javaType(m["task-count"])).Msg("ignoring task count record: 'task-count' should be an integer")
		return
	}
	s.taskCountRecords[connector] = n
	delete(s.pendingFencing, connector)
	log.Debug().Int("task_count", n).Msg("set task count record")
}

func (s *configState) sessionKeyRecord(log zerolog.Logger, v any) []configEvent {
	if v == nil {
		log.Error().Msg("ignoring session key because it is unexpectedly null")
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		log.Error().Str("found", javaType(v)).Msg("ignoring session key because the value is not a Map")
		return nil
	}
	encoded, ok := m["key"].(string)
	if !ok {
		log.Error().Str("found", javaType(m["key"])).Msg("invalid session key: 'key' should be a String")
		return nil
	}
	key, err := decodeSessionKeyBytes(encoded)
	if err != nil {
		log.Error().Err(err).Msg("invalid session key: 'key' is not base64")
		return nil
	}
	alg, ok := m["algorithm"].(string)
	if !ok {
		log.Error().Str("found", javaType(m["algorithm"])).Msg("invalid session key: 'algorithm' should be a String")
		return nil
	}
	created, ok := m["creation-timestamp"].(int64)
	if !ok {
		log.Error().Str("found", javaType(m["creation-timestamp"])).Msg("invalid session key: 'creation-timestamp' should be a long")
		return nil
	}
	sk := storage.SessionKey{Key: key, Algorithm: alg, CreationTime: created}
	s.sessionKey = &sk
	return []configEvent{{kind: evSessionKey, sessionKey: sk}}
}

func (s *configState) loggerLevel(log zerolog.Logger, namespace string, v any) []configEvent {
	log = log.With().Str("namespace", namespace).Logger()
	if v == nil {
		log.Error().Msg("ignoring logging level because it is unexpectedly null")
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		log.Error().Str("found", javaType(v)).Msg("ignoring logging level because the value is not a Map")
		return nil
	}
	level, ok := m["level"].(string)
	if !ok {
		log.Error().Str("found", javaType(m["level"])).Msg("invalid logging level: 'level' should be a String")
		return nil
	}
	return []configEvent{{kind: evLoggerLevel, namespace: namespace, level: level}}
}

// snapshot copies the state; the copy shares nothing with the store.
func (s *configState) snapshot() storage.ClusterConfigState {
	out := storage.ClusterConfigState{
		Offset:           s.offset,
		ConnectorConfigs: make(map[string]map[string]string, len(s.connectorConfigs)),
		TargetStates:     maps.Clone(s.targetStates),
		TaskConfigs:      make(map[storage.ConnectorTaskID]map[string]string, len(s.taskConfigs)),
		TaskCounts:       maps.Clone(s.taskCounts),
		Inconsistent:     maps.Clone(s.inconsistent),

		AppliedConnectorConfigs: make(map[string]map[string]string, len(s.applied)),
	}
	for c, props := range s.applied {
		out.AppliedConnectorConfigs[c] = maps.Clone(props)
	}
	if s.sessionKey != nil {
		sk := *s.sessionKey
		sk.Key = append([]byte(nil), sk.Key...)
		out.SessionKey = &sk
	}
	for c, props := range s.connectorConfigs {
		out.ConnectorConfigs[c] = maps.Clone(props)
	}
	for id, props := range s.taskConfigs {
		out.TaskConfigs[id] = maps.Clone(props)
	}
	return out
}
