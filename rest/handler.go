package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gorilla/mux"
)

// reply is what an endpoint answers with.
type reply struct {
	status   int
	body     any    // written as JSON; nil: no body
	raw      []byte // a JSON body written as is (a forwarded reply); used when body is nil
	location string // Location header, if any
}

// endpoint serves one route. It returns its reply or an error; the error
// becomes the response in writeError, the one place that maps errors.
type endpoint func(r *http.Request) (reply, error)

// handle adapts an endpoint: it bounds the request by the request timeout
// and the body by the size limit, then writes the reply or the error.
func (s *Server) handle(e endpoint) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
		defer cancel()
		r = r.WithContext(ctx)
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		}
		rep, err := e(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if rep.location != "" {
			w.Header().Set("Location", rep.location)
		}
		switch {
		case rep.body != nil:
			writeJSON(w, rep.status, rep.body)
		case len(rep.raw) > 0:
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(len(rep.raw)))
			w.WriteHeader(rep.status)
			_, _ = w.Write(rep.raw)
		default:
			w.WriteHeader(rep.status)
		}
	})
}

// writeJSON writes v as Jackson would: no HTML escaping, no trailing
// newline, Content-Type application/json.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		msg, _ := json.Marshal("Unable to write the response: " + err.Error())
		buf.WriteString(`{"error_code":500,"message":` + string(msg) + `}`)
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// readJSONBody reads a request body that must be JSON. Like Jersey with
// @Consumes(application/json), a body declared as another media type is
// refused with 415; no Content-Type at all is accepted.
func readJSONBody(r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil {
			return nil, jaxrsError(http.StatusBadRequest)
		}
		if mt != "application/json" && mt != "application/*" && mt != "*/*" {
			return nil, jaxrsError(http.StatusUnsupportedMediaType)
		}
	}
	return readBody(r)
}

// readBody reads a request body of any media type, within the size limit.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, &restError{status: http.StatusRequestEntityTooLarge,
			msg: "Request body is larger than the limit of " + strconv.FormatInt(tooLarge.Limit, 10) + " bytes"}
	case err != nil:
		return nil, badRequest("Unable to read the request body: %v", err)
	}
	return body, nil
}

// pathVar returns a decoded path parameter (routes match the escaped
// path, so a connector name may contain an encoded '/').
func pathVar(r *http.Request, name string) string {
	v := mux.Vars(r)[name]
	if d, err := url.PathUnescape(v); err == nil {
		return d
	}
	return v
}

// absoluteURL resolves path against the request's base URL, as Jersey
// does for the Location header.
func absoluteURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			host = a.String()
		}
	}
	return scheme + "://" + host + path
}
