package rest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/rest/entities"
)

// Dedicated MirrorMaker mode (connect-mirror-maker mm2.properties) runs one
// herder per replication flow in one process, behind one REST server
// (Config.Dedicated, SetFlows). Java's MirrorRestServer serves only the
// internal endpoints of each flow, under /{source}/{target}/connectors
// (InternalMirrorResource); Ferry serves the whole API of each flow there:
//
//   - every route of routes() (the public API and the internal endpoints)
//     under /{source}/{target}, e.g. GET /A/B/connectors, POST
//     /A/B/connectors/{c}/tasks, GET /A/B/ (that flow's server info) and
//     GET /A/B/health; source and target are path segments decoded as
//     pathVar does (an alias with a space arrives as %20, as Java's
//     MirrorMaker.encodePath writes it). The endpoint runs against the
//     flow's herder (herderFor); an unknown pair answers 404 with Java's
//     message "No replication flow found for source '<s>' and target
//     '<t>'", before the request's body is read (Java reads the body of
//     POST .../tasks first);
//   - GET /flows: the flows in SetFlows order with their connectors'
//     statuses (listFlows);
//   - GET /health: every flow's health (dedicatedHealth);
//   - GET /: the first flow's server info (dedicatedServerInfo);
//   - no admin routes (/admin/loggers answers 404, also on admin
//     listeners), as Java's MirrorRestServer has none.
//
// Forwarding keeps the prefix: the forwarded request's path is the
// incoming escaped path, so PUT /A/B/connectors/c/config on a follower goes
// to <leader URL>/A/B/connectors/c/config. The herders must likewise send
// their own internal requests (task configs to the leader) under their
// flow's prefix, as Java's DistributedHerder does with its restNamespace.

// Flow is one replication flow's herder in dedicated MirrorMaker mode.
type Flow struct {
	Source, Target string // cluster aliases
	Enabled        bool   // <source>-><target>.enabled; false: a heartbeats-only herder
	Herder         Herder
}

// name is the flow's name as Java's SourceAndTarget.toString writes it.
func (f *Flow) name() string { return f.Source + "->" + f.Target }

// flowPair identifies a flow.
type flowPair struct{ source, target string }

// flowTable is the flows given to SetFlows: in order, and by pair (the
// first of duplicates; Start refuses them).
type flowTable struct {
	list   []*Flow
	byPair map[flowPair]*Flow
}

// flowCtxKey is the request context key of the request's flow.
type flowCtxKey struct{}

// flowPrefix is the path template of a flow's routes.
const flowPrefix = "/{source}/{target}"

// SetFlows gives a dedicated server (Config.Dedicated) its flows, before
// Start, as SetHerder gives a server its herder. GET /flows lists them in
// this order. Start refuses an empty list, a flow without a herder and two
// flows with the same source and target.
func (s *Server) SetFlows(flows []Flow) {
	t := &flowTable{byPair: make(map[flowPair]*Flow, len(flows))}
	for _, f := range flows {
		t.list = append(t.list, &f)
		k := flowPair{f.Source, f.Target}
		if _, dup := t.byPair[k]; !dup {
			t.byPair[k] = &f
		}
	}
	s.flowsMu.Lock()
	defer s.flowsMu.Unlock()
	s.flows = t
}

// flowTable returns the flows (never nil).
func (s *Server) flowTable() *flowTable {
	s.flowsMu.RLock()
	defer s.flowsMu.RUnlock()
	if s.flows == nil {
		return &flowTable{}
	}
	return s.flows
}

// checkFlows is Start's check of the flows of a dedicated server (and of
// the absence of flows otherwise).
func (s *Server) checkFlows() error {
	t := s.flowTable()
	if !s.cfg.Dedicated {
		if len(t.list) > 0 {
			return errors.New("rest: flows are served only by a dedicated server (Config.Dedicated)")
		}
		return nil
	}
	if len(t.list) == 0 {
		return errors.New("rest: a dedicated server needs at least one flow")
	}
	seen := map[flowPair]bool{}
	for _, f := range t.list {
		if f.Herder == nil {
			return fmt.Errorf("rest: flow %s has no herder", f.name())
		}
		k := flowPair{f.Source, f.Target}
		if seen[k] {
			return fmt.Errorf("rest: flow %s given twice", f.name())
		}
		seen[k] = true
	}
	return nil
}

// herderFor is the herder that serves r: its flow's on a dedicated server,
// else the server's one.
func (s *Server) herderFor(r *http.Request) Herder {
	if f, ok := r.Context().Value(flowCtxKey{}).(*Flow); ok {
		return f.Herder
	}
	return s.herder
}

// flowPath prefixes path (an escaped absolute path) with r's flow, if any:
// /<source>/<target>/connectors/c for /connectors/c.
func flowPath(r *http.Request, path string) string {
	if f, ok := r.Context().Value(flowCtxKey{}).(*Flow); ok {
		return "/" + url.PathEscape(f.Source) + "/" + url.PathEscape(f.Target) + path
	}
	return path
}

// dedicatedRoutes is a dedicated server's route table (see the top of this
// file): the top-level routes, then every route of routes() under
// flowPrefix.
func (s *Server) dedicatedRoutes() []route {
	rts := []route{
		{http.MethodGet, "/", s.dedicatedServerInfo},
		{http.MethodGet, "/health", s.dedicatedHealth},
		{http.MethodGet, "/flows", s.listFlows},
	}
	for _, rt := range s.routes() {
		path := flowPrefix + rt.path
		if rt.path == "/" {
			path = flowPrefix // trimTrailingSlash routes /A/B/ here
		}
		rts = append(rts, route{rt.method, path, s.inFlow(rt.handler)})
	}
	return rts
}

// inFlow runs e with the request's flow in its context, or answers 404
// when no flow has the path's source and target (Java's
// InternalMirrorResource.herderForRequest).
func (s *Server) inFlow(e endpoint) endpoint {
	return func(r *http.Request) (reply, error) {
		source, target := pathVar(r, "source"), pathVar(r, "target")
		f := s.flowTable().byPair[flowPair{source, target}]
		if f == nil {
			return reply{}, &restError{status: http.StatusNotFound,
				msg: "No replication flow found for source '" + source + "' and target '" + target + "'"}
		}
		return e(r.WithContext(context.WithValue(r.Context(), flowCtxKey{}, f)))
	}
}

// errNoFlows answers the top-level routes of a dedicated server that has
// no flows (only possible through Handler without Start).
func errNoFlows() error {
	return &restError{status: http.StatusNotFound, msg: "No replication flows"}
}

// dedicatedServerInfo: GET / on a dedicated server — the first flow's
// herder's server info: Ferry's version and commit (the same for every
// flow) and the Kafka cluster id of that flow's target cluster (the one
// its herder keeps its internal topics in). GET /<source>/<target>/ tells
// each flow's.
func (s *Server) dedicatedServerInfo(r *http.Request) (reply, error) {
	t := s.flowTable()
	if len(t.list) == 0 {
		return reply{}, errNoFlows()
	}
	info, err := t.list[0].Herder.ServerInfo(r.Context())
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusOK, body: info}, nil
}

// dedicatedHealth: GET /health on a dedicated server. Every flow's herder
// is asked at once, all within one healthCheckTimeout. When all are
// healthy the answer is the first flow's (200 and its body, the shape of
// GET /<source>/<target>/health); otherwise it is the answer of the first
// flow, in SetFlows order, that is not healthy: 503 while starting, 500
// when unhealthy, with that herder's status and message.
func (s *Server) dedicatedHealth(r *http.Request) (reply, error) {
	t := s.flowTable()
	if len(t.list) == 0 {
		return reply{}, errNoFlows()
	}
	ctx, cancel := context.WithTimeout(r.Context(), healthCheckTimeout)
	defer cancel()
	statuses := make([]entities.WorkerStatus, len(t.list))
	panics := make([]any, len(t.list))
	var wg sync.WaitGroup
	for i, f := range t.list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A panic is re-raised on the request's goroutine, where
			// recoverPanics answers it.
			defer func() { panics[i] = recover() }()
			statuses[i] = f.Herder.Health(ctx)
		}()
	}
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p)
		}
	}
	for i, st := range statuses {
		if st.Status != entities.HealthHealthy {
			s.log.Debug().Str("flow", t.list[i].name()).Str("status", st.Status).Msg("replication flow not healthy")
			return healthReply(st), nil
		}
	}
	return healthReply(statuses[0]), nil
}

// flowInfo is one flow in GET /flows. Connectors maps each connector the
// flow's herder lists to its status, exactly as GET
// /<source>/<target>/connectors/<name>/status answers it; connectors
// without a status yet are left out. Keys are written sorted.
type flowInfo struct {
	Source     string                                 `json:"source"`
	Target     string                                 `json:"target"`
	Flow       string                                 `json:"flow"`
	Enabled    bool                                   `json:"enabled"`
	Connectors map[string]entities.ConnectorStateInfo `json:"connectors"`
}

// listFlows: GET /flows on a dedicated server, a Ferry addition — a JSON
// array of the flows in SetFlows order:
//
//	[{"source":"A","target":"B","flow":"A->B","enabled":true,
//	  "connectors":{"MirrorSourceConnector":{"name":...,"connector":...,"tasks":[...],"type":"source"}}}]
//
// "connectors" is always an object, {} when there are none. A herder call
// that fails other than with not-found answers as the other endpoints do
// (e.g. 500 with Connect's error body).
func (s *Server) listFlows(r *http.Request) (reply, error) {
	ctx := r.Context()
	t := s.flowTable()
	out := make([]flowInfo, 0, len(t.list))
	for _, f := range t.list {
		names, err := f.Herder.Connectors(ctx)
		if err != nil {
			return reply{}, err
		}
		fi := flowInfo{Source: f.Source, Target: f.Target, Flow: f.name(), Enabled: f.Enabled,
			Connectors: make(map[string]entities.ConnectorStateInfo, len(names))}
		for _, name := range names {
			st, err := f.Herder.ConnectorStatus(ctx, name)
			if errors.Is(err, connect.ErrNotFound) {
				continue
			}
			if err != nil {
				return reply{}, err
			}
			fi.Connectors[name] = st
		}
		out = append(out, fi)
	}
	return reply{status: http.StatusOK, body: out}, nil
}
