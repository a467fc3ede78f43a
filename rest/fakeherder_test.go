package rest

import (
	"context"
	"maps"
	"slices"
	"sync"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/rest/entities"
	"github.com/ferrykafka/ferry/storage"
)

// fakeHerder is an in-memory Herder for the REST unit tests: connectors are
// a map, statuses are set by the test, and a few of Connect's checks and
// texts are imitated. Tests can make any call fail or panic.
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
	// taskConfigs holds what PutTaskConfigs wrote, by connector.
	taskConfigs map[string][]map[string]string
	// lastSig is the signature of the last PutTaskConfigs call.
	lastSig *entities.InternalRequestSignature
	// putTaskCalls counts PutTaskConfigs calls.
	putTaskCalls int
}

func newFakeHerder() *fakeHerder {
	return &fakeHerder{
		configs:     map[string]map[string]string{},
		targets:     map[string]storage.TargetState{},
		statuses:    map[string]entities.ConnectorStateInfo{},
		taskConfigs: map[string][]map[string]string{},
	}
}

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

func (h *fakeHerder) ServerInfo(ctx context.Context) (entities.ServerInfo, error) {
	if err := h.enter(ctx); err != nil {
		return entities.ServerInfo{}, err
	}
	return entities.ServerInfo{Version: "3.9.0", Commit: "1eb7644349cb0713", KafkaClusterID: "uFt4Zsh3QUmM1WpHHrd1Dw"}, nil
}

func (h *fakeHerder) Connectors(ctx context.Context) ([]string, error) {
	if err := h.enter(ctx); err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Sorted(maps.Keys(h.configs)), nil
}

func (h *fakeHerder) info(name string) entities.ConnectorInfo {
	cfg := h.configs[name]
	typ := entities.ConnectorTypeUnknown
	switch cfg["connector.class"] {
	case "FileStreamSource":
		typ = entities.ConnectorTypeSource
	case "FileStreamSink":
		typ = entities.ConnectorTypeSink
	}
	return entities.ConnectorInfo{Name: name, Config: maps.Clone(cfg), Tasks: []storage.ConnectorTaskID{}, Type: typ}
}

func (h *fakeHerder) ConnectorInfo(ctx context.Context, name string) (entities.ConnectorInfo, error) {
	if err := h.enter(ctx); err != nil {
		return entities.ConnectorInfo{}, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.configs[name]; !ok {
		return entities.ConnectorInfo{}, connect.Errorf(connect.ErrNotFound, "Connector %s not found", name)
	}
	return h.info(name), nil
}

func (h *fakeHerder) ConnectorConfig(ctx context.Context, name string) (map[string]string, error) {
	if err := h.enter(ctx); err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	cfg, ok := h.configs[name]
	if !ok {
		return nil, connect.Errorf(connect.ErrNotFound, "Connector %s not found", name)
	}
	return maps.Clone(cfg), nil
}

func (h *fakeHerder) ConnectorStatus(ctx context.Context, name string) (entities.ConnectorStateInfo, error) {
	if err := h.enter(ctx); err != nil {
		return entities.ConnectorStateInfo{}, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	st, ok := h.statuses[name]
	if !ok {
		return entities.ConnectorStateInfo{}, connect.Errorf(connect.ErrNotFound, "No status found for connector %s", name)
	}
	return st, nil
}

func (h *fakeHerder) PutConnectorConfig(ctx context.Context, name string, config map[string]string, allowReplace bool, initial *storage.TargetState) (bool, entities.ConnectorInfo, error) {
	if err := h.enter(ctx); err != nil {
		return false, entities.ConnectorInfo{}, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if name == "" {
		// What Java's validation says about an empty name.
		return false, entities.ConnectorInfo{}, connect.Errorf(connect.ErrBadRequest,
			"Connector configuration is invalid and contains the following 1 error(s):\n"+
				"Invalid value  for configuration name: String may not be empty\n"+
				"You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`")
	}
	_, exists := h.configs[name]
	if exists && !allowReplace {
		return false, entities.ConnectorInfo{}, connect.Errorf(connect.ErrAlreadyExists, "Connector %s already exists", name)
	}
	h.configs[name] = maps.Clone(config)
	if initial != nil {
		h.targets[name] = *initial
	}
	return !exists, h.info(name), nil
}

func (h *fakeHerder) DeleteConnector(ctx context.Context, name string) error {
	if err := h.enter(ctx); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.configs[name]; !ok {
		return connect.Errorf(connect.ErrNotFound, "Connector %s not found", name)
	}
	delete(h.configs, name)
	delete(h.targets, name)
	return nil
}

func (h *fakeHerder) PutTaskConfigs(ctx context.Context, connector string, configs []map[string]string, sig *entities.InternalRequestSignature) error {
	h.mu.Lock()
	h.putTaskCalls++
	h.lastSig = sig
	h.mu.Unlock()
	if err := h.enter(ctx); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.configs[connector]; !ok {
		return connect.Errorf(connect.ErrNotFound, "Connector %s not found", connector)
	}
	h.taskConfigs[connector] = configs
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

var _ Herder = (*fakeHerder)(nil)
