package rest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/rest/entities"
	"github.com/ferrykafka/ferry/storage"
)

// fakeHerder is an in-memory Herder for the REST unit tests: every method
// of the interface works on maps (connectors, target states, statuses,
// task configs, offsets, active topics) and imitates the checks and error
// texts of Java Connect's DistributedHerder and AbstractHerder, so the
// REST layer's answers can be compared with Java's. Tests can make any
// call fail, block until its context ends, or panic, and can read which
// calls were made.
type fakeHerder struct {
	mu       sync.Mutex
	configs  map[string]map[string]string
	targets  map[string]storage.TargetState
	statuses map[string]entities.ConnectorStateInfo
	// fail, when set, is returned by every call.
	fail error
	// panicWith, when set, makes every call panic with it.
	panicWith any
	// block, when set, makes every call wait for ctx to end.
	block bool
	// lastCtx is the context of the last call.
	lastCtx context.Context
	// taskConfigs holds the committed task configs, by connector (written
	// by PutTaskConfigs and StopConnector).
	taskConfigs map[string][]map[string]string
	// lastSig is the signature of the last PutTaskConfigs or FenceZombies
	// call.
	lastSig *entities.InternalRequestSignature
	// putTaskCalls counts PutTaskConfigs calls.
	putTaskCalls int
	// offsets holds each connector's source offsets.
	offsets map[string][]entities.ConnectorOffset
	// topics holds each connector's active topics.
	topics map[string][]string
	// trackingOff and resetOff are topic.tracking.enable=false and
	// topic.tracking.allow.reset=false.
	trackingOff, resetOff bool
	// starting makes Health wait for its context, then answer that the
	// worker is still starting; stuck makes it wait, then answer
	// unhealthy.
	starting, stuck bool
	// signed requires internal requests (FenceZombies) to carry a
	// signature.
	signed bool
	// calls lists the calls made, with their arguments, in order.
	calls []string
	// loggers holds the cluster-wide logger levels set.
	loggers map[string]string
	// clusterID, when set, is ServerInfo's Kafka cluster id.
	clusterID string
}

func newFakeHerder() *fakeHerder {
	return &fakeHerder{
		configs:     map[string]map[string]string{},
		targets:     map[string]storage.TargetState{},
		statuses:    map[string]entities.ConnectorStateInfo{},
		taskConfigs: map[string][]map[string]string{},
		offsets:     map[string][]entities.ConnectorOffset{},
		topics:      map[string][]string{},
		loggers:     map[string]string{},
	}
}

// enter starts a call: it records the context, then panics, blocks or
// fails as the test asked.
func (h *fakeHerder) enter(ctx context.Context) error {
	h.mu.Lock()
	h.lastCtx = ctx
	p, fail, block := h.panicWith, h.fail, h.block
	h.mu.Unlock()
	if p != nil {
		panic(p)
	}
	if block {
		<-ctx.Done()
		return ctx.Err()
	}
	return fail
}

// begin records a call (method and arguments) and enters it.
func (h *fakeHerder) begin(ctx context.Context, method string, args ...any) error {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = fmt.Sprint(a)
	}
	h.mu.Lock()
	h.calls = append(h.calls, method+"("+strings.Join(parts, ", ")+")")
	h.mu.Unlock()
	return h.enter(ctx)
}

// lastCall is the last call made ("" if none).
func (h *fakeHerder) lastCall() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.calls) == 0 {
		return ""
	}
	return h.calls[len(h.calls)-1]
}

// callCount is how many calls were made.
func (h *fakeHerder) callCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.calls)
}

func (h *fakeHerder) add(name string, config map[string]string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.configs[name] = config
}

func (h *fakeHerder) setStatus(s entities.ConnectorStateInfo) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.statuses[s.Name] = s
}

// setTasks sets a connector's committed task configs.
func (h *fakeHerder) setTasks(name string, configs ...map[string]string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.taskConfigs[name] = configs
}

// setTarget sets a connector's target state.
func (h *fakeHerder) setTarget(name string, ts storage.TargetState) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.targets[name] = ts
}

// setOffsets sets a connector's source offsets.
func (h *fakeHerder) setOffsets(name string, offsets ...entities.ConnectorOffset) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.offsets[name] = offsets
}

// setTopics sets a connector's active topics.
func (h *fakeHerder) setTopics(name string, topics ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.topics[name] = topics
}

func (h *fakeHerder) ServerInfo(ctx context.Context) (entities.ServerInfo, error) {
	if err := h.begin(ctx, "ServerInfo"); err != nil {
		return entities.ServerInfo{}, err
	}
	id := "uFt4Zsh3QUmM1WpHHrd1Dw"
	h.mu.Lock()
	if h.clusterID != "" {
		id = h.clusterID
	}
	h.mu.Unlock()
	return entities.ServerInfo{Version: "3.9.0", Commit: "1eb7644349cb0713", KafkaClusterID: id}, nil
}

func (h *fakeHerder) Connectors(ctx context.Context) ([]string, error) {
	if err := h.begin(ctx, "Connectors"); err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Sorted(maps.Keys(h.configs)), nil
}

// connectorType is the type of the connector configured with cfg.
func connectorType(cfg map[string]string) entities.ConnectorType {
	if p := findPlugin(cfg["connector.class"]); p != nil {
		switch p.Type {
		case "source":
			return entities.ConnectorTypeSource
		case "sink":
			return entities.ConnectorTypeSink
		}
	}
	return entities.ConnectorTypeUnknown
}

// info describes a connector; h.mu is held.
func (h *fakeHerder) info(name string) entities.ConnectorInfo {
	cfg := h.configs[name]
	tasks := []storage.ConnectorTaskID{}
	for i := range h.taskConfigs[name] {
		tasks = append(tasks, storage.ConnectorTaskID{Connector: name, Task: i})
	}
	return entities.ConnectorInfo{Name: name, Config: maps.Clone(cfg), Tasks: tasks, Type: connectorType(cfg)}
}

// exists reports whether a connector is configured; h.mu is held.
func (h *fakeHerder) exists(name string) bool {
	_, ok := h.configs[name]
	return ok
}

func notFound(format string, args ...any) error {
	return connect.Errorf(connect.ErrNotFound, format, args...)
}

func (h *fakeHerder) ConnectorInfo(ctx context.Context, name string) (entities.ConnectorInfo, error) {
	if err := h.begin(ctx, "ConnectorInfo", name); err != nil {
		return entities.ConnectorInfo{}, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.exists(name) {
		return entities.ConnectorInfo{}, notFound("Connector %s not found", name)
	}
	return h.info(name), nil
}

func (h *fakeHerder) ConnectorConfig(ctx context.Context, name string) (map[string]string, error) {
	if err := h.begin(ctx, "ConnectorConfig", name); err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	cfg, ok := h.configs[name]
	if !ok {
		return nil, notFound("Connector %s not found", name)
	}
	return maps.Clone(cfg), nil
}

func (h *fakeHerder) ConnectorStatus(ctx context.Context, name string) (entities.ConnectorStateInfo, error) {
	if err := h.begin(ctx, "ConnectorStatus", name); err != nil {
		return entities.ConnectorStateInfo{}, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	st, ok := h.statuses[name]
	if !ok {
		return entities.ConnectorStateInfo{}, notFound("No status found for connector %s", name)
	}
	return st, nil
}

// invalidConfig is Connect's answer to a config that fails validation.
func invalidConfig(errs ...string) error {
	return connect.Errorf(connect.ErrBadRequest,
		"Connector configuration is invalid and contains the following %d error(s):\n%s\n"+
			"You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`",
		len(errs), strings.Join(errs, "\n"))
}

// validateName is what Connect's validation says about a config's name.
func validateName(config map[string]string) error {
	name, ok := config["name"]
	switch {
	case !ok:
		return invalidConfig(`Missing required configuration "name" which has no default value.`)
	case name == "":
		return invalidConfig("Invalid value  for configuration name: String may not be empty")
	}
	return nil
}

func (h *fakeHerder) PutConnectorConfig(ctx context.Context, name string, config map[string]string, allowReplace bool, initial *storage.TargetState) (bool, entities.ConnectorInfo, error) {
	if err := h.begin(ctx, "PutConnectorConfig", name, allowReplace); err != nil {
		return false, entities.ConnectorInfo{}, err
	}
	if err := validateName(config); err != nil {
		return false, entities.ConnectorInfo{}, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	exists := h.exists(name)
	if exists && !allowReplace {
		return false, entities.ConnectorInfo{}, connect.Errorf(connect.ErrAlreadyExists, "Connector %s already exists", name)
	}
	h.configs[name] = maps.Clone(config)
	if initial != nil {
		h.targets[name] = *initial
	}
	return !exists, h.info(name), nil
}

func (h *fakeHerder) PatchConnectorConfig(ctx context.Context, name string, patch map[string]*string) (entities.ConnectorInfo, error) {
	if err := h.begin(ctx, "PatchConnectorConfig", name); err != nil {
		return entities.ConnectorInfo{}, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.exists(name) {
		return entities.ConnectorInfo{}, notFound("Connector %s not found", name)
	}
	patched := maps.Clone(h.configs[name])
	for k, v := range patch {
		if v == nil {
			delete(patched, k)
		} else {
			patched[k] = *v
		}
	}
	if err := validateName(patched); err != nil {
		return entities.ConnectorInfo{}, err
	}
	h.configs[name] = patched
	return h.info(name), nil
}

func (h *fakeHerder) DeleteConnector(ctx context.Context, name string) error {
	if err := h.begin(ctx, "DeleteConnector", name); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.exists(name) {
		return notFound("Connector %s not found", name)
	}
	delete(h.configs, name)
	delete(h.targets, name)
	delete(h.taskConfigs, name)
	return nil
}

func (h *fakeHerder) PutTaskConfigs(ctx context.Context, connector string, configs []map[string]string, sig *entities.InternalRequestSignature) error {
	h.mu.Lock()
	h.putTaskCalls++
	h.lastSig = sig
	h.mu.Unlock()
	if err := h.begin(ctx, "PutTaskConfigs", connector, len(configs)); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.exists(connector) {
		return notFound("Connector %s not found", connector)
	}
	h.taskConfigs[connector] = configs
	return nil
}

func (h *fakeHerder) RestartConnector(ctx context.Context, name string) error {
	if err := h.begin(ctx, "RestartConnector", name); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.exists(name) {
		return notFound("Unknown connector: %s", name)
	}
	return nil
}

func (h *fakeHerder) RestartConnectorAndTasks(ctx context.Context, name string, onlyFailed, includeTasks bool) (entities.ConnectorStateInfo, error) {
	if err := h.begin(ctx, "RestartConnectorAndTasks", name, "onlyFailed="+strconv.FormatBool(onlyFailed),
		"includeTasks="+strconv.FormatBool(includeTasks)); err != nil {
		return entities.ConnectorStateInfo{}, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.exists(name) {
		return entities.ConnectorStateInfo{}, notFound("Unknown connector: %s", name)
	}
	st, ok := h.statuses[name]
	if !ok {
		return entities.ConnectorStateInfo{}, notFound("Status for connector %s not found", name)
	}
	// Java's AbstractHerder.buildRestartPlan.
	if !onlyFailed || st.Connector.State == storage.StateFailed {
		st.Connector.State = storage.StateRestarting
	}
	tasks := make([]entities.TaskState, len(st.Tasks))
	for i, t := range st.Tasks {
		if includeTasks && (!onlyFailed || t.State == storage.StateFailed) {
			t.State = storage.StateRestarting
		}
		tasks[i] = t
	}
	st.Tasks = tasks
	return st, nil
}

// setTargetState is Java's pause/resume: any worker writes the target
// state of a known connector.
func (h *fakeHerder) setTargetState(ctx context.Context, method, name string, ts storage.TargetState) error {
	if err := h.begin(ctx, method, name); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.exists(name) {
		return notFound("Unknown connector %s", name)
	}
	h.targets[name] = ts
	return nil
}

func (h *fakeHerder) PauseConnector(ctx context.Context, name string) error {
	return h.setTargetState(ctx, "PauseConnector", name, storage.TargetPaused)
}

func (h *fakeHerder) ResumeConnector(ctx context.Context, name string) error {
	return h.setTargetState(ctx, "ResumeConnector", name, storage.TargetStarted)
}

func (h *fakeHerder) StopConnector(ctx context.Context, name string) error {
	if err := h.setTargetState(ctx, "StopConnector", name, storage.TargetStopped); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.taskConfigs[name] = []map[string]string{}
	return nil
}

func (h *fakeHerder) TaskConfigs(ctx context.Context, name string) ([]entities.TaskInfo, error) {
	if err := h.begin(ctx, "TaskConfigs", name); err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.exists(name) {
		return nil, notFound("Connector %s not found", name)
	}
	out := []entities.TaskInfo{}
	for i, cfg := range h.taskConfigs[name] {
		out = append(out, entities.TaskInfo{ID: storage.ConnectorTaskID{Connector: name, Task: i}, Config: maps.Clone(cfg)})
	}
	return out, nil
}

func (h *fakeHerder) TaskStatus(ctx context.Context, id storage.ConnectorTaskID) (entities.TaskState, error) {
	if err := h.begin(ctx, "TaskStatus", id); err != nil {
		return entities.TaskState{}, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, t := range h.statuses[id.Connector].Tasks {
		if t.ID == id.Task {
			return t, nil
		}
	}
	return entities.TaskState{}, notFound("No status found for task %s", id)
}

func (h *fakeHerder) RestartTask(ctx context.Context, id storage.ConnectorTaskID) error {
	if err := h.begin(ctx, "RestartTask", id); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.exists(id.Connector) {
		return notFound("Unknown connector: %s", id.Connector)
	}
	if id.Task < 0 || id.Task >= len(h.taskConfigs[id.Connector]) {
		return notFound("Unknown task: %s", id)
	}
	return nil
}

// forbidden is the herder's 403 (shaped like connect/herder's errors with
// an HTTP status).
func forbidden(msg string) error { return &herderStatusError{status: 403, msg: msg} }

func (h *fakeHerder) ConnectorActiveTopics(ctx context.Context, name string) (entities.ActiveTopics, error) {
	if err := h.begin(ctx, "ConnectorActiveTopics", name); err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.trackingOff {
		return nil, forbidden("Topic tracking is disabled.")
	}
	// Java answers for any name, known or not.
	return entities.ActiveTopics{name: {Topics: slices.Sorted(slices.Values(h.topics[name]))}}, nil
}

func (h *fakeHerder) ResetConnectorActiveTopics(ctx context.Context, name string) error {
	if err := h.begin(ctx, "ResetConnectorActiveTopics", name); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.trackingOff:
		return forbidden("Topic tracking is disabled.")
	case h.resetOff:
		return forbidden("Topic tracking reset is disabled.")
	}
	delete(h.topics, name)
	return nil
}

func (h *fakeHerder) ConnectorOffsets(ctx context.Context, name string) (entities.ConnectorOffsets, error) {
	if err := h.begin(ctx, "ConnectorOffsets", name); err != nil {
		return entities.ConnectorOffsets{}, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.exists(name) {
		return entities.ConnectorOffsets{}, notFound("Connector %s not found", name)
	}
	return entities.ConnectorOffsets{Offsets: slices.Clone(h.offsets[name])}, nil
}

// modifiable is Java's DistributedHerder.modifyConnectorOffsets check; h.mu
// is held.
func (h *fakeHerder) modifiable(name string) error {
	if !h.exists(name) {
		return notFound("Connector %s not found", name)
	}
	if h.targets[name] != storage.TargetStopped || len(h.taskConfigs[name]) != 0 {
		return connect.Errorf(connect.ErrBadRequest, "Connectors must be in the STOPPED state before their offsets can be modified. "+
			"This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/%s/stop' endpoint", name)
	}
	return nil
}

// offsetsModified is Connect's answer when the connector does not manage
// its offsets itself.
func offsetsModified(kind string) entities.Message {
	return entities.Message{Message: "The Connect framework-managed offsets for this connector have been " + kind +
		" successfully. However, if this connector manages offsets externally, they will need to be manually " + kind +
		" in the system that the connector uses."}
}

func (h *fakeHerder) AlterConnectorOffsets(ctx context.Context, name string, offsets entities.ConnectorOffsets) (entities.Message, error) {
	if err := h.begin(ctx, "AlterConnectorOffsets", name, len(offsets.Offsets)); err != nil {
		return entities.Message{}, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(offsets.Offsets) == 0 {
		return entities.Message{}, connect.Errorf(connect.ErrBadRequest, "Partitions / offsets need to be provided for an alter offsets request")
	}
	if err := h.modifiable(name); err != nil {
		return entities.Message{}, err
	}
	for _, o := range offsets.Offsets {
		if o.Partition == nil {
			return entities.Message{}, connect.Errorf(connect.ErrBadRequest, "Source partitions may not be null")
		}
	}
	h.offsets[name] = append(h.offsets[name], offsets.Offsets...)
	return offsetsModified("altered"), nil
}

func (h *fakeHerder) ResetConnectorOffsets(ctx context.Context, name string) (entities.Message, error) {
	if err := h.begin(ctx, "ResetConnectorOffsets", name); err != nil {
		return entities.Message{}, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.modifiable(name); err != nil {
		return entities.Message{}, err
	}
	delete(h.offsets, name)
	return offsetsModified("reset"), nil
}

// fakePlugins are the fake worker's plugins in Java's listing order:
// sinks, sources, transformations, predicates, converters, header
// converters.
var fakePlugins = []entities.PluginInfo{
	{Class: "org.apache.kafka.connect.file.FileStreamSinkConnector", Type: "sink", Version: "4.0.0"},
	{Class: "org.apache.kafka.connect.file.FileStreamSourceConnector", Type: "source", Version: "4.0.0"},
	{Class: "org.apache.kafka.connect.mirror.MirrorSourceConnector", Type: "source", Version: "4.0.0"},
	{Class: "org.apache.kafka.connect.transforms.InsertField$Value", Type: "transformation", Version: "4.0.0"},
	{Class: "org.apache.kafka.connect.transforms.predicates.TopicNameMatches", Type: "predicate", Version: "4.0.0"},
	{Class: "org.apache.kafka.connect.converters.ByteArrayConverter", Type: "converter"},
	{Class: "org.apache.kafka.connect.storage.StringConverter", Type: "converter", Version: "4.0.0"},
	{Class: "org.apache.kafka.connect.storage.SimpleHeaderConverter", Type: "header_converter", Version: "4.0.0"},
}

// findPlugin resolves a plugin by class name, simple name, or (connectors)
// simple name without "Connector", as Java's plugin aliases do; the
// FileStream connectors also go by the names the older tests use.
func findPlugin(name string) *entities.PluginInfo {
	switch name {
	case "FileStreamSource":
		name = "FileStreamSourceConnector"
	case "FileStreamSink":
		name = "FileStreamSinkConnector"
	}
	for i, p := range fakePlugins {
		simple := p.Class[strings.LastIndex(p.Class, ".")+1:]
		if name == p.Class || name == simple ||
			((p.Type == "source" || p.Type == "sink") && name+"Connector" == simple) {
			return &fakePlugins[i]
		}
	}
	return nil
}

func (h *fakeHerder) ConnectorPlugins(ctx context.Context, connectorsOnly bool) ([]entities.PluginInfo, error) {
	if err := h.begin(ctx, "ConnectorPlugins", "connectorsOnly="+strconv.FormatBool(connectorsOnly)); err != nil {
		return nil, err
	}
	out := []entities.PluginInfo{}
	for _, p := range fakePlugins {
		if !connectorsOnly || p.Type == "source" || p.Type == "sink" {
			out = append(out, p)
		}
	}
	return out, nil
}

func strPtr(s string) *string { return &s }

func (h *fakeHerder) ConnectorPluginConfig(ctx context.Context, plugin string) ([]connect.ConfigKeyInfo, error) {
	if err := h.begin(ctx, "ConnectorPluginConfig", plugin); err != nil {
		return nil, err
	}
	p := findPlugin(plugin)
	if p == nil {
		return nil, notFound("Unknown plugin %s.", plugin)
	}
	if p.Type != "source" {
		return []connect.ConfigKeyInfo{}, nil
	}
	return []connect.ConfigKeyInfo{
		{Name: "file", Type: "STRING", DefaultValue: strPtr(""), Importance: "HIGH",
			Documentation: "Source filename. If not specified, the standard input will be used", Order: -1,
			Width: "NONE", DisplayName: "file", Dependents: []string{}},
		{Name: "topic", Type: "LIST", Required: true, Importance: "HIGH",
			Documentation: "The topic to publish data to", Order: -1, Width: "NONE", DisplayName: "topic", Dependents: []string{}},
		{Name: "name", Type: "STRING", Required: true, Importance: "HIGH",
			Documentation: "Globally unique name to use for this connector.", Group: strPtr("Common"), Order: 1,
			Width: "MEDIUM", DisplayName: "Connector name", Dependents: []string{}},
	}, nil
}

// javaMapString is Java's AbstractMap.toString, keys sorted (Java's
// HashMap order differs).
func javaMapString(m map[string]string) string {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func (h *fakeHerder) ValidateConfig(ctx context.Context, config map[string]string) (connect.ConfigInfos, error) {
	if err := h.begin(ctx, "ValidateConfig", javaMapString(config)); err != nil {
		return connect.ConfigInfos{}, err
	}
	class, ok := config["connector.class"]
	if !ok {
		return connect.ConfigInfos{}, connect.Errorf(connect.ErrBadRequest, "Connector config %s contains no connector type", javaMapString(config))
	}
	p := findPlugin(class)
	if p == nil || (p.Type != "source" && p.Type != "sink") {
		var names []string
		for _, q := range fakePlugins {
			if q.Type == "source" || q.Type == "sink" {
				names = append(names, q.Class)
			}
		}
		return connect.ConfigInfos{}, connect.Errorf(connect.ErrBadRequest, "Failed to find any class that implements Connector and which name matches %s, available connectors are: %s",
			class, strings.Join(names, ", "))
	}
	infos := connect.ConfigInfos{Name: class, Groups: []string{"Common"}}
	keys := []string{"connector.class", "name", "tasks.max"}
	for _, k := range keys {
		v, ok := config[k]
		vi := &connect.ConfigValueInfo{Name: k, RecommendedValues: []string{}, Errors: []string{}, Visible: true}
		if ok {
			vi.Value = strPtr(v)
		}
		switch {
		case k == "name" && !ok:
			vi.Errors = append(vi.Errors, `Missing required configuration "name" which has no default value.`)
		case k == "tasks.max" && ok:
			if _, err := strconv.Atoi(strings.TrimSpace(v)); err != nil {
				vi.Errors = append(vi.Errors, "Invalid value "+v+" for configuration tasks.max: Not a number of type INT")
			}
		}
		infos.ErrorCount += len(vi.Errors)
		infos.Configs = append(infos.Configs, connect.ConfigInfo{
			Definition: &connect.ConfigKeyInfo{Name: k, Type: "STRING", Required: k == "name", Importance: "HIGH",
				Group: strPtr("Common"), Width: "NONE", DisplayName: k, Dependents: []string{}},
			Value: vi,
		})
	}
	return infos, nil
}

func (h *fakeHerder) Health(ctx context.Context) entities.WorkerStatus {
	h.mu.Lock()
	h.calls = append(h.calls, "Health()")
	h.lastCtx = ctx
	starting, stuck := h.starting, h.stuck
	h.mu.Unlock()
	const stage = "The worker is currently ensuring membership in the cluster, which began at 2024-10-25T00:00:00Z."
	switch {
	case starting:
		<-ctx.Done()
		return entities.WorkerStatus{Status: entities.HealthStarting, Message: "Worker is still starting up. " + stage}
	case stuck:
		<-ctx.Done()
		return entities.WorkerStatus{Status: entities.HealthUnhealthy,
			Message: "Worker was unable to handle this request and may be unable to handle other requests. " + stage}
	}
	return entities.WorkerStatus{Status: entities.HealthHealthy, Message: "Worker has completed startup and is ready to handle requests."}
}

func (h *fakeHerder) SetClusterLoggerLevel(ctx context.Context, namespace, level string) error {
	if err := h.begin(ctx, "SetClusterLoggerLevel", namespace, level); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.loggers[namespace] = level
	return nil
}

func (h *fakeHerder) FenceZombies(ctx context.Context, name string, sig *entities.InternalRequestSignature) error {
	h.mu.Lock()
	h.lastSig = sig
	signed := h.signed
	h.mu.Unlock()
	if err := h.begin(ctx, "FenceZombies", name); err != nil {
		return err
	}
	if signed && sig == nil {
		return connect.Errorf(connect.ErrBadRequest, "Internal request missing required signature")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.exists(name) {
		return notFound("Connector %s not found", name)
	}
	if connectorType(h.configs[name]) != entities.ConnectorTypeSource {
		return connect.Errorf(connect.ErrBadRequest, "Connector %s is not a source connector", name)
	}
	return nil
}

// signature returns the last signature PutTaskConfigs got and how many
// calls there were.
func (h *fakeHerder) signature() (*entities.InternalRequestSignature, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lastSig, h.putTaskCalls
}

func (h *fakeHerder) tasks(connector string) []map[string]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.taskConfigs[connector]
}

func (h *fakeHerder) target(name string) (storage.TargetState, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	t, ok := h.targets[name]
	return t, ok
}

func (h *fakeHerder) config(name string) map[string]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return maps.Clone(h.configs[name])
}

// storedOffsets returns a connector's offsets, sorted by partition text.
func (h *fakeHerder) storedOffsets(name string) []entities.ConnectorOffset {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := slices.Clone(h.offsets[name])
	sort.SliceStable(out, func(i, j int) bool { return fmt.Sprint(out[i].Partition) < fmt.Sprint(out[j].Partition) })
	return out
}

var _ Herder = (*fakeHerder)(nil)
