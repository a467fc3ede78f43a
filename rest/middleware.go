package rest

import (
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/rest/entities"
)

// Each listener's router is wrapped (server.go, listenerHandler), outermost
// first, in: request logging, panic recovery, response headers
// (headers.go), CORS (cors.go, regular listeners only), basic
// authentication (basicauth.go), trailing-slash trimming. Routing failures
// (404, 405), refused credentials (401) and CORS preflights therefore get
// logged like any other request, and carry the configured headers.

// statusRecorder remembers what a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs one line per request: method, path, status, size and
// duration, like Jetty's request log in Java Connect. It never logs bodies,
// headers or query strings: connector configs carry secrets.
func logRequests(log zerolog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			log.Info().
				Str("method", r.Method).
				Str("path", r.URL.Path).
				Int("status", status).
				Int64("bytes", rec.bytes).
				Dur("duration", time.Since(start)).
				Str("remote", r.RemoteAddr).
				Msg("REST request")
		}()
		next.ServeHTTP(rec, r)
	})
}

// recoverPanics turns a panic in a handler into a 500 with Connect's error
// body and an error log line with the stack, instead of a dropped
// connection. http.ErrAbortHandler keeps its meaning (abort silently).
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.Error().Str("method", r.Method).Str("path", r.URL.Path).
				Str("panic", fmt.Sprint(p)).Bytes("stack", debug.Stack()).
				Msg("panic while handling a REST request")
			if rec.status != 0 {
				// The response has started; all we can do is cut it.
				panic(http.ErrAbortHandler)
			}
			writeJSON(rec, http.StatusInternalServerError, entities.ErrorMessage{
				ErrorCode: http.StatusInternalServerError,
				Message:   "Unexpected error while handling the request",
			})
		}()
		next.ServeHTTP(rec, r)
	})
}

// trimTrailingSlash routes /connectors/ as /connectors, as JAX-RS matching
// does.
func trimTrailingSlash(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
			u := *r.URL
			u.Path = strings.TrimRight(p, "/")
			if u.Path == "" {
				u.Path = "/"
			}
			if u.RawPath != "" {
				u.RawPath = strings.TrimRight(u.RawPath, "/")
				if u.RawPath == "" {
					u.RawPath = "/"
				}
			}
			r2 := r.Clone(r.Context())
			r2.URL = &u
			r = r2
		}
		next.ServeHTTP(w, r)
	})
}
