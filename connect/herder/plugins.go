package herder

import (
	"context"
	"sort"
	"strings"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/converters"
	"github.com/ferrykafka/ferry/connect/runtime"
	"github.com/ferrykafka/ferry/rest/entities"
)

// ConnectorPlugins lists the plugins as Java's ConnectorPluginsResource
// does: sinks, sources, transformations, predicates, converters, header
// converters, each sorted by class; connectorsOnly keeps the connectors.
func (h *Herder) ConnectorPlugins(_ context.Context, connectorsOnly bool) ([]entities.PluginInfo, error) {
	var sinks, sources []entities.PluginInfo
	for _, p := range h.registry.Connectors() {
		info := entities.PluginInfo{Class: p.Class, Type: string(p.Type), Version: p.Version}
		if p.Type == connect.PluginSink {
			sinks = append(sinks, info)
		} else {
			sources = append(sources, info)
		}
	}
	byClass := func(s []entities.PluginInfo) {
		sort.SliceStable(s, func(i, j int) bool { return s[i].Class < s[j].Class })
	}
	byClass(sinks)
	byClass(sources)
	out := append(append([]entities.PluginInfo{}, sinks...), sources...)
	if connectorsOnly {
		return out, nil
	}
	var convs, headers []entities.PluginInfo
	for _, p := range converters.Plugins() {
		info := entities.PluginInfo{Class: p.Class, Type: string(p.Type), Version: connect.Version}
		if p.Type == connect.PluginConverter {
			convs = append(convs, info)
		} else {
			headers = append(headers, info)
		}
	}
	return append(append(out, convs...), headers...), nil
}

// ConnectorPluginConfig is a plugin's ConfigDef: the plugin's own keys,
// then the framework's keys it does not define itself (Java's
// connectorPluginConfig).
func (h *Herder) ConnectorPluginConfig(_ context.Context, name string) ([]connect.ConfigKeyInfo, error) {
	var own, base *connect.ConfigDef
	if p, err := h.registry.Connector(name); err == nil {
		own = p.NewConnector().Config()
		base = runtime.SourceConnectorConfigDef()
	} else if cp, ok := converterPlugin(name); ok {
		own = cp.ConfigDef()
	} else {
		return nil, connect.Errorf(connect.ErrNotFound, "Unknown plugin %s.", name)
	}
	if own == nil {
		own = connect.NewConfigDef()
	}
	// Connect 4.x's order: the connector framework's keys (Common,
	// Transforms, Predicates, Error Handling), the plugin's own keys, then
	// the source-connector keys (topic creation, exactly-once, offsets
	// topic). A key the plugin defines itself is listed once, with the
	// plugin's definition, in the plugin's place.
	out := []connect.ConfigKeyInfo{}
	ownKeys := map[string]bool{}
	for _, k := range own.Keys() {
		ownKeys[k.Name] = true
	}
	var sourceKeys []*connect.ConfigKey
	if base != nil {
		for _, k := range base.Keys() {
			switch {
			case ownKeys[k.Name]:
			case frameworkFirst[k.Group]:
				out = append(out, *k.KeyInfo())
			default:
				sourceKeys = append(sourceKeys, k)
			}
		}
	}
	for _, k := range own.Keys() {
		out = append(out, *k.KeyInfo())
	}
	for _, k := range sourceKeys {
		out = append(out, *k.KeyInfo())
	}
	return out, nil
}

// frameworkFirst are the groups of ConnectorConfig's own keys, which Connect
// lists before a plugin's keys.
var frameworkFirst = map[string]bool{"Common": true, "Transforms": true, "Predicates": true, "Error Handling": true}

// converterPlugin finds a converter or header converter by class or simple
// class name.
func converterPlugin(name string) (converters.Plugin, bool) {
	for _, p := range converters.Plugins() {
		simple := p.Class[strings.LastIndexByte(p.Class, '.')+1:]
		if p.Class == name || simple == name {
			return p, true
		}
	}
	return converters.Plugin{}, false
}

// ValidateConfig validates a connector config (PUT
// /connector-plugins/{p}/config/validate).
func (h *Herder) ValidateConfig(_ context.Context, config map[string]string) (connect.ConfigInfos, error) {
	infos, _, err := h.ValidateConnectorConfig(config)
	return infos, err
}
