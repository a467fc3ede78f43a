package rest

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	stdlog "log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect/workerconfig"
)

// Defaults, as in Java Connect where it has them.
const (
	// DefaultListener is Connect's default listeners value.
	DefaultListener = "http://:8083"
	// DefaultRequestTimeout bounds every herder call of a request
	// (RestServer.DEFAULT_REST_REQUEST_TIMEOUT_MS).
	DefaultRequestTimeout = 90 * time.Second
	// DefaultMaxBodyBytes caps request bodies (Java has no cap).
	DefaultMaxBodyBytes int64 = 8 << 20
	// readHeaderTimeout guards against clients that never finish their
	// headers (Jetty's idle timeout plays this part in Java).
	readHeaderTimeout = 30 * time.Second
	idleTimeout       = 60 * time.Second
)

// Config configures the REST server from the worker's REST properties
// (see docs/security.md for the security settings).
type Config struct {
	// Listeners are Connect's listeners entries, e.g. "http://:8083" or
	// "https://127.0.0.1:0". Empty means DefaultListener.
	Listeners []string
	// AdminListeners is admin.listeners: nil (unset) serves the admin
	// routes (/admin/loggers) on Listeners; empty (set to "") disables
	// them (404); otherwise they are served on these listeners only, and
	// the regular ones answer 404 there.
	AdminListeners []string
	// AdvertisedHostName is rest.advertised.host.name.
	AdvertisedHostName string
	// AdvertisedPort is rest.advertised.port; 0 means unset.
	AdvertisedPort int
	// AdvertisedListener is rest.advertised.listener ("http" or "https");
	// empty means http when a listener is http, else https.
	AdvertisedListener string
	// TLS is the TLS settings of the https listeners and of the client
	// that calls other workers (listeners.https.*, else ssl.*).
	TLS workerconfig.SSLSettings
	// AdminTLS is the TLS settings of the https admin listeners
	// (admin.listeners.https.*, else ssl.*).
	AdminTLS workerconfig.SSLSettings
	// AllowOrigin and AllowMethods are access.control.allow.origin and
	// access.control.allow.methods (CORS; blank origin: none).
	AllowOrigin  string
	AllowMethods string
	// ResponseHeaders is response.http.headers.config.
	ResponseHeaders string
	// BasicAuth says where the basic authentication credentials are;
	// zero: requests are not authenticated.
	BasicAuth workerconfig.BasicAuthSettings
	// Loggers serves the admin endpoints /admin/loggers (loggers.go);
	// nil: no logger routes.
	Loggers Loggers
	// RequestTimeout bounds each request's herder calls; 0 means
	// DefaultRequestTimeout.
	RequestTimeout time.Duration
	// MaxBodyBytes caps request bodies (413 beyond); 0 means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Dedicated serves the flows of dedicated MirrorMaker mode (SetFlows)
	// under /{source}/{target}/ instead of one herder, plus GET /flows,
	// GET /health and GET / over all of them, and no admin routes (see
	// flows.go).
	Dedicated bool
}

// Server is the Connect REST API server. New validates the configuration
// and loads the TLS material and credentials; Bind binds every listener;
// Start serves; Stop shuts down gracefully.
//
// Each kind of listener has its own handler: the regular listeners serve
// the API (plus the admin routes when admin.listeners is unset), the
// admin listeners the admin routes only. Outermost first, a handler is:
// request logging, panic recovery, response headers, CORS (regular
// listeners only, as in Java), basic authentication, path normalisation,
// the router.
type Server struct {
	cfg            Config
	listeners      []Listener
	adminListeners []Listener // separate admin listeners (admin.listeners set and not empty)
	herder         Herder
	flowsMu        sync.RWMutex
	flows          *flowTable // dedicated mode's flows (SetFlows)
	log            zerolog.Logger
	handler        http.Handler // the regular listeners'
	adminHandler   http.Handler // the admin listeners'; nil without any
	tlsConfig      *tls.Config  // https listeners; nil without any
	adminTLSConfig *tls.Config  // https admin listeners; nil without any
	fwd            *forwarder   // forwards requests to the leader or owner
	auth           *basicAuth   // nil: no authentication

	mu         sync.Mutex
	state      int
	servers    []*http.Server // one per bound listener
	bound      []net.Listener // regular listeners, then admin listeners
	urls       []string
	adminURLs  []string
	advertised string
	cancelBase context.CancelFunc
	wg         sync.WaitGroup
}

const (
	stateNew = iota
	stateBound
	stateStarted
	stateStopped
)

// New builds a server. Nothing is bound until Bind or Start. herder may be
// nil when it is only known after Bind (the worker id comes from the bound
// address); it must then be given with SetHerder before Start. A dedicated
// server (cfg.Dedicated) ignores herder and serves the flows given with
// SetFlows before Start.
func New(cfg Config, herder Herder, log zerolog.Logger) (*Server, error) {
	listeners, err := parseListeners(workerconfig.Listeners, cfg.Listeners, true)
	if err != nil {
		return nil, fmt.Errorf("rest: invalid listeners: %w", err)
	}
	adminListeners, err := parseListeners(workerconfig.AdminListeners, cfg.AdminListeners, false)
	if err != nil {
		return nil, fmt.Errorf("rest: invalid admin.listeners: %w", err)
	}
	switch strings.ToLower(cfg.AdvertisedListener) {
	case "", "http", "https":
	default:
		return nil, fmt.Errorf("rest: rest.advertised.listener %q is not supported (http or https)", cfg.AdvertisedListener)
	}
	if cfg.AdvertisedPort < 0 || cfg.AdvertisedPort > 65535 {
		return nil, fmt.Errorf("rest: rest.advertised.port %d out of range", cfg.AdvertisedPort)
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	s := &Server{cfg: cfg, listeners: listeners, adminListeners: adminListeners, herder: herder, log: log}
	if hasHTTPS(listeners) {
		if s.tlsConfig, err = serverTLSConfig(cfg.TLS); err != nil {
			return nil, fmt.Errorf("rest: https listeners: %w", err)
		}
	}
	if hasHTTPS(adminListeners) {
		if s.adminTLSConfig, err = serverTLSConfig(cfg.AdminTLS); err != nil {
			return nil, fmt.Errorf("rest: https admin listeners: %w", err)
		}
	}
	// The client to other workers: Java builds it only for https URLs, so
	// TLS settings it cannot use fail only such requests, unless this
	// worker itself listens on https.
	clientTLS, clientErr := clientTLSConfig(cfg.TLS)
	if clientErr != nil && hasHTTPS(listeners) {
		return nil, fmt.Errorf("rest: TLS client to other workers: %w", clientErr)
	}
	s.fwd = newForwarder(log, clientTLS, clientErr)
	if s.auth, err = newBasicAuth(cfg.BasicAuth, log); err != nil {
		return nil, fmt.Errorf("rest: basic authentication: %w", err)
	}
	if s.auth != nil {
		s.auth.dedicated = cfg.Dedicated
	}
	headers, err := workerconfig.ParseHeaderRules(cfg.ResponseHeaders)
	if err != nil {
		return nil, fmt.Errorf("rest: %s: %w", workerconfig.ResponseHTTPHeaders, err)
	}
	cors, err := newCORS(cfg.AllowOrigin, cfg.AllowMethods)
	if err != nil {
		return nil, fmt.Errorf("rest: %w", err)
	}
	regular := s.routes()
	if cfg.Dedicated {
		regular = s.dedicatedRoutes()
	}
	if cfg.AdminListeners == nil {
		regular = append(regular, s.adminRoutes()...)
	}
	s.handler = s.listenerHandler(regular, headers, cors)
	if len(adminListeners) > 0 {
		s.adminHandler = s.listenerHandler(s.adminRoutes(), headers, nil)
	}
	return s, nil
}

// listenerHandler wraps a router serving rts in the middleware (see
// Server).
func (s *Server) listenerHandler(rts []route, headers []workerconfig.HeaderRule, cors *cors) http.Handler {
	h := trimTrailingSlash(s.newRouter(rts))
	h = s.auth.wrap(h)
	h = cors.wrap(h)
	h = withResponseHeaders(headers, h)
	return logRequests(s.log, s.recoverPanics(h))
}

func hasHTTPS(ls []Listener) bool {
	for _, l := range ls {
		if l.Protocol == "https" {
			return true
		}
	}
	return false
}

// Handler is the regular listeners' complete HTTP handler (router and
// middleware), for serving it elsewhere, e.g. in httptest.
func (s *Server) Handler() http.Handler { return s.handler }

// AdminHandler is the separate admin listeners' handler; nil unless
// admin.listeners names listeners.
func (s *Server) AdminHandler() http.Handler { return s.adminHandler }

// HTTPClient is the client for requests to other workers (forwarded
// requests, and the herder's internal requests): direct connections, no
// redirects, and over https the trust store and key store of the
// listeners.https.* (or ssl.*) settings, as Java's RestClient.
func (s *Server) HTTPClient() *http.Client { return s.fwd.client }

// SetHerder gives the server its herder when New had none.
func (s *Server) SetHerder(h Herder) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.herder = h
}

// Bind binds every listener without serving yet, so URLs and AdvertisedURL
// (hence the worker id) are known before the herder is built, as Java's
// RestServer.initializeServer does. It returns the first bind error, having
// closed what it opened.
func (s *Server) Bind(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bindLocked(ctx)
}

func (s *Server) bindLocked(ctx context.Context) error {
	switch s.state {
	case stateBound:
		return nil
	case stateNew:
	default:
		return errors.New("rest: a server can be started only once")
	}
	var lc net.ListenConfig
	all := append(append([]Listener(nil), s.listeners...), s.adminListeners...)
	bound := make([]net.Listener, 0, len(all))
	ports := make([]int, 0, len(all))
	for _, l := range all {
		ln, err := lc.Listen(ctx, "tcp", net.JoinHostPort(l.Host, strconv.Itoa(l.Port)))
		if err != nil {
			for _, b := range bound {
				_ = b.Close()
			}
			return fmt.Errorf("rest: listen on %s: %w", l, err)
		}
		bound = append(bound, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	s.bound = bound
	n := len(s.listeners)
	s.urls = make([]string, n)
	for i := range s.listeners {
		s.urls[i] = localURL(s.listeners[i], ports[i])
	}
	s.adminURLs = make([]string, len(s.adminListeners))
	for i, l := range s.adminListeners {
		s.adminURLs[i] = localURL(l, ports[n+i])
	}
	s.advertised = advertisedURL(ctx, s.cfg, s.listeners, ports[:n])
	s.state = stateBound
	return nil
}

// Start binds every listener (unless Bind did) and serves on each in its
// own goroutine. It returns once all are listening, or the first bind error.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkFlows(); err != nil {
		return err
	}
	if s.herder == nil && !s.cfg.Dedicated {
		return errors.New("rest: herder is required")
	}
	if err := s.bindLocked(ctx); err != nil {
		return err
	}
	base, cancel := context.WithCancel(context.Background())
	s.cancelBase = cancel
	errorLog := stdlog.New(s.log.With().Str("component", "http").Logger(), "", 0)
	n := len(s.listeners)
	for i, ln := range s.bound {
		l, handler, tc := s.listeners, s.handler, s.tlsConfig
		j := i
		if i >= n {
			l, handler, tc, j = s.adminListeners, s.adminHandler, s.adminTLSConfig, i-n
		}
		srv := &http.Server{
			Handler:           handler,
			ReadHeaderTimeout: readHeaderTimeout,
			IdleTimeout:       idleTimeout,
			ErrorLog:          errorLog,
			BaseContext:       func(net.Listener) context.Context { return base },
		}
		https := l[j].Protocol == "https"
		if https {
			srv.TLSConfig = tc.Clone()
		}
		s.servers = append(s.servers, srv)
		s.wg.Add(1)
		go func(ln net.Listener) {
			defer s.wg.Done()
			var err error
			if https {
				err = srv.ServeTLS(ln, "", "")
			} else {
				err = srv.Serve(ln)
			}
			if err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error().Err(err).Str("addr", ln.Addr().String()).Msg("REST listener failed")
			}
		}(ln)
	}
	s.state = stateStarted
	ev := s.log.Info().Strs("urls", s.urls).Str("advertised_url", s.advertised)
	switch {
	case len(s.adminURLs) > 0:
		ev = ev.Strs("admin_urls", s.adminURLs)
	case s.cfg.AdminListeners != nil:
		ev = ev.Bool("admin_endpoints", false)
	}
	if s.cfg.Dedicated {
		var names []string
		for _, f := range s.flowTable().list {
			names = append(names, f.name())
		}
		ev = ev.Strs("flows", names)
	}
	ev.Msg("REST server listening")
	return nil
}

// localURL is a URL at which this machine reaches a bound listener.
func localURL(l Listener, port int) string {
	host := l.Host
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return l.Protocol + "://" + net.JoinHostPort(host, strconv.Itoa(port))
}

// URLs returns a local URL per listener, with the bound port (useful when
// a listener asked for port 0). Empty before Start.
func (s *Server) URLs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.urls...)
}

// AdminURLs returns a local URL per separate admin listener, with the
// bound port. Empty before Start, or without admin.listeners.
func (s *Server) AdminURLs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.adminURLs...)
}

// AdvertisedURL returns the URL other workers use to reach this one, e.g.
// "http://10.0.0.5:8083/"; its host:port is the worker id. Empty before
// Start.
func (s *Server) AdvertisedURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.advertised
}

// Stop stops accepting connections and waits for in-flight requests until
// ctx is done; then it cancels the requests still running and closes their
// connections. It returns ctx's error if it had to force the shutdown.
// Stopping a server that never started, or twice, does nothing.
func (s *Server) Stop(ctx context.Context) error {
	s.mu.Lock()
	if s.state == stateBound {
		for _, ln := range s.bound {
			_ = ln.Close()
		}
	}
	if s.state != stateStarted {
		s.state = stateStopped
		s.mu.Unlock()
		return nil
	}
	s.state = stateStopped
	servers := s.servers
	s.mu.Unlock()

	s.log.Info().Msg("stopping REST server")
	errs := make([]error, len(servers))
	var wg sync.WaitGroup
	for i, srv := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = srv.Shutdown(ctx)
		}()
	}
	wg.Wait()
	err := errors.Join(errs...)
	if err != nil {
		s.cancelBase()
		for _, srv := range servers {
			_ = srv.Close()
		}
		err = fmt.Errorf("rest: forced shutdown: %w", err)
	}
	s.cancelBase()
	s.wg.Wait()
	s.fwd.close()
	s.log.Info().Msg("REST server stopped")
	return err
}
