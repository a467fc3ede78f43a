package rest

import (
	"net/http"
	"strings"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/rest/entities"
)

// The /connector-plugins resource family (Java's ConnectorPluginsResource).
// Nothing here is forwarded: every worker has the same plugins.

// listPlugins: GET /connector-plugins?connectorsOnly=, the installed
// connectors, or with connectorsOnly=false every plugin (converters,
// transformations, predicates too). connectorsOnly is a primitive boolean
// defaulting to true (see primitiveBoolQueryParam): "connectorsOnly=" is
// true, "connectorsOnly=no" false.
func (s *Server) listPlugins(r *http.Request) (reply, error) {
	plugins, err := s.herderFor(r).ConnectorPlugins(r.Context(), primitiveBoolQueryParam(r, "connectorsOnly", true))
	if err != nil {
		return reply{}, err
	}
	if plugins == nil {
		plugins = []entities.PluginInfo{}
	}
	return reply{status: http.StatusOK, body: plugins}, nil
}

// getPluginConfig: GET /connector-plugins/{plugin}/config (KIP-769), the
// plugin's config definition.
func (s *Server) getPluginConfig(r *http.Request) (reply, error) {
	keys, err := s.herderFor(r).ConnectorPluginConfig(r.Context(), pathVar(r, "plugin"))
	if err != nil {
		return reply{}, err
	}
	if keys == nil {
		keys = []connect.ConfigKeyInfo{}
	}
	return reply{status: http.StatusOK, body: keys}, nil
}

// validateConfig: PUT /connector-plugins/{plugin}/config/validate with a
// flat connector config. A connector.class in the config must name the
// path's plugin, compared as Java does (normalizedPluginName: the class,
// without a trailing "Connector", must end with the plugin name, also
// without it); a missing connector.class is the herder's 400. 200 with the
// validation result, errors included.
func (s *Server) validateConfig(r *http.Request) (reply, error) {
	body, err := readJSONBody(r)
	if err != nil {
		return reply{}, err
	}
	config, err := decodeConfigMap(body)
	if err != nil {
		return reply{}, err
	}
	plugin := pathVar(r, "plugin")
	if class, ok := config[connectorClassConfig]; ok &&
		!strings.HasSuffix(normalizedPluginName(class), normalizedPluginName(plugin)) {
		return reply{}, badRequest("Included connector type %s does not match request type %s", class, plugin)
	}
	infos, err := s.herderFor(r).ValidateConfig(r.Context(), config)
	if err != nil {
		return reply{}, err
	}
	if infos.Groups == nil {
		infos.Groups = []string{}
	}
	if infos.Configs == nil {
		infos.Configs = []connect.ConfigInfo{}
	}
	return reply{status: http.StatusOK, body: infos}, nil
}

// connectorClassConfig is the config key that names a connector's plugin.
const connectorClassConfig = "connector.class"

// pluginAliasSuffix is what a connector's short alias drops from its
// simple class name.
const pluginAliasSuffix = "Connector"

// normalizedPluginName is Java's ConnectorPluginsResource.normalizedPluginName:
// the name without a trailing "Connector", unless that is all it is.
func normalizedPluginName(name string) string {
	if len(name) > len(pluginAliasSuffix) && strings.HasSuffix(name, pluginAliasSuffix) {
		return name[:len(name)-len(pluginAliasSuffix)]
	}
	return name
}
