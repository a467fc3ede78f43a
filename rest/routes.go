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
// path this server answers. Paths are gorilla/mux templates matched against
// the escaped path; {connector} is decoded by pathVar. GET routes also
// answer HEAD, as JAX-RS does.
func (s *Server) routes() []route {
	return []route{
		{http.MethodGet, "/", s.serverInfo},

		{http.MethodGet, "/connectors", s.listConnectors},
		{http.MethodPost, "/connectors", s.createConnector},
		{http.MethodGet, "/connectors/{connector}", s.getConnector},
		{http.MethodDelete, "/connectors/{connector}", s.deleteConnector},
		{http.MethodGet, "/connectors/{connector}/config", s.getConnectorConfig},
		{http.MethodGet, "/connectors/{connector}/status", s.getConnectorStatus},

		// Internal: between workers (internal.go).
		{http.MethodPost, "/connectors/{connector}/tasks", s.putTaskConfigs},
	}
}

// newHandler builds the router from the route table and wraps it in the
// middleware (see middleware.go).
func (s *Server) newHandler() http.Handler {
	router := mux.NewRouter()
	router.SkipClean(true) // no redirects; JAX-RS matches paths as sent
	router.UseEncodedPath()
	for _, rt := range s.routes() {
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
	return logRequests(s.log, s.recoverPanics(trimTrailingSlash(router)))
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
