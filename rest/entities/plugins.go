package entities

// PluginInfo is one entry of GET /connector-plugins: the plugin's class,
// its type (source, sink, converter, header_converter, transformation,
// predicate) and version, omitted when the plugin has none.
type PluginInfo struct {
	Class   string `json:"class"`
	Type    string `json:"type"`
	Version string `json:"version,omitempty"`
}
