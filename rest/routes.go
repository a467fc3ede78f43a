package rest

import (
	"net/http"

	"github.com/gorilla/mux"
)

// route is one entry of the route table.
type route struct {
	method  string
	path    string
	handler endpoint
}

// routes is the REST API's route table, the one list of every method and
// path this server answers (Kafka Connect 4.x's RootResource,
// ConnectorsResource, ConnectorPluginsResource and InternalConnectResource;
// the admin resources are adminRoutes). Paths are gorilla/mux templates
// matched against the escaped path; path variables are decoded by pathVar.
// GET routes also answer HEAD, as JAX-RS does.
func (s *Server) routes() []route {
	return []route{
		{http.MethodGet, "/", s.serverInfo},
		{http.MethodGet, "/health", s.health},

		{http.MethodGet, "/connectors", s.listConnectors},
		{http.MethodPost, "/connectors", s.createConnector},
		{http.MethodGet, "/connectors/{connector}", s.getConnector},
		{http.MethodDelete, "/connectors/{connector}", s.deleteConnector},
		{http.MethodGet, "/connectors/{connector}/config", s.getConnectorConfig},
		{http.MethodPut, "/connectors/{connector}/config", s.putConnectorConfig},
		{http.MethodPatch, "/connectors/{connector}/config", s.patchConnectorConfig},
		{http.MethodGet, "/connectors/{connector}/status", s.getConnectorStatus},
		{http.MethodPost, "/connectors/{connector}/restart", s.restartConnector},
		{http.MethodPut, "/connectors/{connector}/pause", s.pauseConnector},
		{http.MethodPut, "/connectors/{connector}/resume", s.resumeConnector},
		{http.MethodPut, "/connectors/{connector}/stop", s.stopConnector},
		{http.MethodGet, "/connectors/{connector}/tasks", s.getTaskConfigs},
		{http.MethodGet, "/connectors/{connector}/tasks/{task}/status", s.getTaskStatus},
		{http.MethodPost, "/connectors/{connector}/tasks/{task}/restart", s.restartTask},
		{http.MethodGet, "/connectors/{connector}/topics", s.getActiveTopics},
		{http.MethodPut, "/connectors/{connector}/topics/reset", s.resetActiveTopics},
		{http.MethodGet, "/connectors/{connector}/offsets", s.getOffsets},
		{http.MethodPatch, "/connectors/{connector}/offsets", s.alterOffsets},
		{http.MethodDelete, "/connectors/{connector}/offsets", s.resetOffsets},

		{http.MethodGet, "/connector-plugins", s.listPlugins},
		{http.MethodGet, "/connector-plugins/{plugin}/config", s.getPluginConfig},
		{http.MethodPut, "/connector-plugins/{plugin}/config/validate", s.validateConfig},

		// Internal: between workers (internal.go).
		{http.MethodPost, "/connectors/{connector}/tasks", s.putTaskConfigs},
		{http.MethodPut, "/connectors/{connector}/fence", s.fenceZombies},
	}
}

// adminRoutes are the admin resources (Java's LoggingResource): served on
// admin.listeners when set, else on the regular listeners (see loggers.go).
// A dedicated server has none, as Java's MirrorRestServer.
func (s *Server) adminRoutes() []route {
	if s.cfg.Dedicated {
		return nil
	}
	return s.loggerRoutes()
}

// newRouter builds a router serving rts; server.go chooses the routes of
// each kind of listener and wraps the router in the middleware.
func (s *Server) newRouter(rts []route) http.Handler {
	router := mux.NewRouter()
	router.SkipClean(true) // no redirects; JAX-RS matches paths as sent
	router.UseEncodedPath()
	for _, rt := range rts {
		methods := []string{rt.method}
		if rt.method == http.MethodGet {
			methods = append(methods, http.MethodHead)
		}
		router.Handle(rt.path, s.handle(rt.handler)).Methods(methods...)
	}
	router.NotFoundHandler = s.handle(func(*http.Request) (reply, error) {
		return reply{}, jaxrsError(http.StatusNotFound)
	})
	// Java's exception mapper drops Jersey's Allow header from a 405; we
	// keep it, as HTTP requires.
	router.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allowedMethods(router, r))
		s.handle(func(*http.Request) (reply, error) {
			return reply{}, jaxrsError(http.StatusMethodNotAllowed)
		}).ServeHTTP(w, r)
	})
	return router
}

// allowedMethods lists the methods the router accepts for r's path.
func allowedMethods(router *mux.Router, r *http.Request) string {
	allow := ""
	_ = router.Walk(func(rt *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		methods, err := rt.GetMethods()
		if err != nil || len(methods) == 0 {
			return nil
		}
		probe := r.Clone(r.Context())
		probe.Method = methods[0]
		var m mux.RouteMatch
		if rt.Match(probe, &m) {
			for _, meth := range methods {
				if allow != "" {
					allow += ", "
				}
				allow += meth
			}
		}
		return nil
	})
	return allow
}
