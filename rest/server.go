package rest

import (
	"context"
	"errors"
	"fmt"
	stdlog "log"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/rs/zerolog"
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

// Config configures the REST server: the listeners and rest.advertised.*
// worker properties, plus limits.
type Config struct {
	// Listeners are Connect's listeners entries, e.g. "http://:8083" or
	// "http://127.0.0.1:0". Empty means DefaultListener.
	Listeners []string
	// AdvertisedHostName is rest.advertised.host.name.
	AdvertisedHostName string
	// AdvertisedPort is rest.advertised.port; 0 means unset.
	AdvertisedPort int
	// AdvertisedListener is rest.advertised.listener ("http").
	AdvertisedListener string
	// RequestTimeout bounds each request's herder calls; 0 means
	// DefaultRequestTimeout.
	RequestTimeout time.Duration
	// MaxBodyBytes caps request bodies (413 beyond); 0 means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
}

// Server is the Connect REST API server. New validates the configuration;
// Start binds every listener and serves; Stop shuts down gracefully.
type Server struct {
	cfg       Config
	listeners []Listener
	herder    Herder
	log       zerolog.Logger
	handler   http.Handler
	fwd       *forwarder // forwards requests to the leader or owner

	mu         sync.Mutex
	state      int // 0 new, 1 started, 2 stopped
	srv        *http.Server
	bound      []net.Listener
	urls       []string
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
// address); it must then be given with SetHerder before Start.
func New(cfg Config, herder Herder, log zerolog.Logger) (*Server, error) {
	listeners, err := parseListeners(cfg.Listeners)
	if err != nil {
		return nil, fmt.Errorf("rest: invalid listeners: %w", err)
	}
	switch cfg.AdvertisedListener {
	case "", "http", "HTTP":
	default:
		return nil, fmt.Errorf("rest: rest.advertised.listener %q is not supported (only http for now)", cfg.AdvertisedListener)
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
	s := &Server{cfg: cfg, listeners: listeners, herder: herder, log: log, fwd: newForwarder(log)}
	s.handler = s.newHandler()
	return s, nil
}

// Handler is the complete HTTP handler (router and middleware), for
// serving it elsewhere, e.g. in httptest.
func (s *Server) Handler() http.Handler { return s.handler }

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
	var bound []net.Listener
	ports := make([]int, 0, len(s.listeners))
	for _, l := range s.listeners {
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
	s.urls = make([]string, len(bound))
	for i := range bound {
		s.urls[i] = localURL(s.listeners[i], ports[i])
	}
	s.advertised = advertisedURL(ctx, s.cfg, s.listeners, ports)
	s.state = stateBound
	return nil
}

// Start binds every listener (unless Bind did) and serves on each in its
// own goroutine. It returns once all are listening, or the first bind error.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.herder == nil {
		return errors.New("rest: herder is required")
	}
	if err := s.bindLocked(ctx); err != nil {
		return err
	}
	base, cancel := context.WithCancel(context.Background())
	s.cancelBase = cancel
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          stdlog.New(s.log.With().Str("component", "http").Logger(), "", 0),
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	for _, ln := range s.bound {
		s.wg.Add(1)
		go func(ln net.Listener) {
			defer s.wg.Done()
			if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error().Err(err).Str("addr", ln.Addr().String()).Msg("REST listener failed")
			}
		}(ln)
	}
	s.state = stateStarted
	s.log.Info().Strs("urls", s.urls).Str("advertised_url", s.advertised).Msg("REST server listening")
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
	srv := s.srv
	s.mu.Unlock()

	s.log.Info().Msg("stopping REST server")
	err := srv.Shutdown(ctx)
	if err != nil {
		s.cancelBase()
		_ = srv.Close()
		err = fmt.Errorf("rest: forced shutdown: %w", err)
	}
	s.cancelBase()
	s.wg.Wait()
	s.fwd.close()
	s.log.Info().Msg("REST server stopped")
	return err
}
