package herder

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/converters"
	"github.com/ferrykafka/ferry/connect/runtime"
)

// ValidateConnectorConfig validates a connector config against the framework
// keys and the connector's own ConfigDef, as Java's
// AbstractHerder.validateConnectorConfig does, and returns Connect's
// ConfigInfos. A config without connector.class, or naming an unknown class,
// is an error (400).
//
// As in Java, the connector validates the config with its config-provider
// references resolved by the worker's providers (the caller stores props
// as given); a reference that cannot be resolved is an error (500).
func (h *Herder) ValidateConnectorConfig(props map[string]string) (connect.ConfigInfos, *connect.ConnectorPlugin, error) {
	props, err := h.worker.TransformConfig(props)
	if err != nil {
		return connect.ConfigInfos{}, nil, err
	}
	class, ok := props[runtime.KeyConnectorClass]
	if !ok {
		return connect.ConfigInfos{}, nil, connect.Errorf(connect.ErrBadRequest, "Connector config %s contains no connector type", javaMapString(props))
	}
	plugin, err := h.registry.Connector(class)
	if err != nil {
		// A bad connector.class is bad input (400), not a missing resource.
		return connect.ConfigInfos{}, nil, connect.Errorf(connect.ErrBadRequest, "%s", err.Error())
	}
	framework := runtime.SourceConnectorConfigDef()
	values := framework.Validate(props)
	conn := plugin.NewConnector()
	own := conn.Config()
	if own == nil {
		own = connect.NewConfigDef()
	}
	if v, ok := conn.(connect.ConfigValidator); ok {
		values = append(values, v.Validate(props)...)
	} else {
		values = append(values, own.Validate(props)...)
	}
	checkConverters(props, values)
	checkPluginVersions(props, plugin, values)
	return connect.GenerateConfigInfos(class, framework.Merge(own), values), plugin, nil
}

// checkConverters adds an error to the converter keys whose class cannot be
// resolved.
func checkConverters(props map[string]string, values []connect.ConfigValue) {
	for i := range values {
		v := &values[i]
		class := props[v.Name]
		if class == "" || len(v.Errors) > 0 {
			continue
		}
		var err error
		switch v.Name {
		case runtime.KeyKeyConverter, runtime.KeyValueConverter:
			_, err = converters.New(class, nil, v.Name == runtime.KeyKeyConverter)
		case runtime.KeyHeaderConverter:
			_, err = converters.NewHeader(class, nil)
		default:
			continue
		}
		if err != nil {
			v.Errors = append(v.Errors, fmt.Sprintf("Invalid value %s for configuration %s: %v", class, v.Name, err))
		}
	}
}

// checkPluginVersions refuses a requested plugin version (KIP-891) other
// than the one Ferry ships: the connector's own version, and for the
// built-in converters Ferry's version.
func checkPluginVersions(props map[string]string, plugin *connect.ConnectorPlugin, values []connect.ConfigValue) {
	for i := range values {
		v := &values[i]
		want := ""
		switch v.Name {
		case runtime.KeyConnectorPluginVersion:
			want = plugin.Version
		case runtime.KeyKeyConverter + ".plugin.version", runtime.KeyValueConverter + ".plugin.version", runtime.KeyHeaderConverter + ".plugin.version":
			want = connect.Version
			// As in Java, a converter's version is only shown when the
			// connector sets that converter.
			if strings.TrimSpace(props[strings.TrimSuffix(v.Name, ".plugin.version")]) == "" {
				v.Visible = false
			}
		default:
			continue
		}
		got := strings.TrimSpace(props[v.Name])
		if got == "" || got == want || len(v.Errors) > 0 {
			continue
		}
		v.Errors = append(v.Errors, fmt.Sprintf("Invalid value %s for configuration %s: this worker has version %s only", got, v.Name, want))
	}
}

// invalidConfigError is Java's message for a create/update with errors.
func invalidConfigError(infos connect.ConfigInfos) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Connector configuration is invalid and contains the following %d error(s):", infos.ErrorCount)
	for _, ci := range infos.Configs {
		if ci.Value == nil {
			continue
		}
		for _, e := range ci.Value.Errors {
			b.WriteString("\n")
			b.WriteString(e)
		}
	}
	b.WriteString("\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`")
	return connect.Errorf(connect.ErrBadRequest, "%s", b.String())
}

// javaMapString renders a map as Java's AbstractMap.toString does ({k=v, ...}),
// with keys sorted for a stable message.
func javaMapString(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
