package rest

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/rest/entities"
)

// Forwarding, as Java's HerderRequestHandler.completeOrForwardRequest and
// RestClient do it. Writes run on the leader (connector configs, task
// configs) or on the worker that owns a connector or task; a herder that is
// not that worker fails with a request target, an error with a
// ForwardURL() string method. The endpoint then sends the same request to
// that worker and answers with its reply:
//
//   - the same method, escaped path, body and query parameters, with
//     forward=true added when the incoming request had no forward
//     parameter (a user's request: the target may forward once more) and
//     forward=false when it had forward=true (already forwarded once: two
//     hops at most);
//   - an incoming forward=false (already forwarded twice) answers 409
//     "Cannot complete request because of a conflicting operation (e.g.
//     worker rebalance)" instead, and an empty ForwardURL 409 "Cannot
//     complete request momentarily due to no known leader URL, likely
//     because a rebalance was underway.";
//   - the forwarded request carries Accept and Content-Type
//     application/json, User-Agent kafka-connect, and of the incoming
//     headers only Authorization (not the internal request signature:
//     Java does not copy it either);
//   - the target's reply: 2xx passes through (status and JSON body); >= 400
//     is parsed as {"error_code","message"} and answered with that status,
//     error_code and message; any other status (redirects are not
//     followed) is a 500 "Unexpected status code when handling forwarded
//     request: N"; a failure to reach the target or read its reply is a 500
//     "IO Error trying to forward REST request: <error>".
//
// The forwarded request is bounded by the incoming request's context (the
// REST request timeout); Java bounds only the herder call.

// requestTarget is an error naming the worker that can serve the request:
// its advertised URL, or "" when it is not known.
type requestTarget interface{ ForwardURL() string }

// forwardParam is the name of the query parameter that counts hops.
const forwardParam = "forward"

// maxForwardedReplyBytes caps the reply read from the target worker.
const maxForwardedReplyBytes = 32 << 20

// forwarder is the HTTP client for forwarded requests (Java's RestClient);
// the herder's internal requests use its client too (Server.HTTPClient).
type forwarder struct {
	client *http.Client
	log    zerolog.Logger
}

// newForwarder builds the client. tlsConfig is used for https URLs; when
// the TLS settings could not be used (tlsErr), https requests fail with
// that error and http ones work.
func newForwarder(log zerolog.Logger, tlsConfig *tls.Config, tlsErr error) *forwarder {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // workers talk to each other directly, as Java's client does
	tr.TLSClientConfig = tlsConfig
	return &forwarder{
		client: &http.Client{
			Transport: &workerTransport{base: tr, tlsErr: tlsErr},
			// Java's client does not follow redirects; a 3xx is an
			// unexpected status.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		log: log,
	}
}

// workerTransport refuses https requests when the TLS settings could not
// be used, naming why.
type workerTransport struct {
	base   *http.Transport
	tlsErr error
}

func (t *workerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if t.tlsErr != nil && r.URL.Scheme == "https" {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		return nil, fmt.Errorf("the worker's TLS client settings cannot be used: %w", t.tlsErr)
	}
	return t.base.RoundTrip(r)
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the
// transport.
func (t *workerTransport) CloseIdleConnections() { t.base.CloseIdleConnections() }

// close releases idle connections.
func (f *forwarder) close() { f.client.CloseIdleConnections() }

// completeOrForward handles a herder error: when err names a request
// target, the request (whose body was body; nil when it has none or the
// endpoint does not read it) is forwarded there and the target's reply
// returned; any other error is returned as is.
func (s *Server) completeOrForward(r *http.Request, body []byte, err error) (reply, error) {
	var target requestTarget
	if !errors.As(err, &target) {
		return reply{}, err
	}
	forward, hasForward := forwardFlag(r)
	if hasForward && !forward {
		// A request forwarded twice still did not reach its target:
		// most likely a rebalance moved it meanwhile.
		s.log.Error().Str("method", r.Method).Str("path", r.URL.Path).
			Msg("Request failed because it couldn't find the target Connect worker within two hops (between workers).")
		return reply{}, &restError{status: http.StatusConflict,
			msg: "Cannot complete request because of a conflicting operation (e.g. worker rebalance)"}
	}
	base := target.ForwardURL()
	if base == "" {
		return reply{}, &restError{status: http.StatusConflict,
			msg: "Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway."}
	}
	return s.fwd.do(r, forwardURL(base, r, !hasForward), !hasForward, body)
}

// forwardFlag reads the forward query parameter as JAX-RS binds a Boolean:
// absent is unset; otherwise its first value, true when it is "true" in
// any case (Boolean.valueOf), false for anything else.
func forwardFlag(r *http.Request) (forward, ok bool) {
	vals := r.URL.Query()[forwardParam]
	if len(vals) == 0 {
		return false, false
	}
	return strings.EqualFold(vals[0], "true"), true
}

// forwardURL is base (an advertised URL such as "http://10.0.0.5:8083/")
// plus r's escaped path, then forward=<forward> and r's other query
// parameters as they were sent.
func forwardURL(base string, r *http.Request, forward bool) string {
	var sb strings.Builder
	sb.WriteString(strings.TrimRight(base, "/"))
	sb.WriteString(r.URL.EscapedPath())
	sb.WriteString("?" + forwardParam + "=" + strconv.FormatBool(forward))
	for _, kv := range strings.Split(r.URL.RawQuery, "&") {
		if kv == "" {
			continue
		}
		k, _, _ := strings.Cut(kv, "=")
		if uk, err := url.QueryUnescape(k); k == forwardParam || (err == nil && uk == forwardParam) {
			continue
		}
		sb.WriteString("&" + kv)
	}
	return sb.String()
}

// do sends r's method, body and Authorization header to target (whose
// forward parameter is forward) and maps the reply (see the top of this
// file). It logs the target URL and the forward flag at debug level, but
// no query string, body or header, as the request log does (they may carry
// configs and credentials).
func (f *forwarder) do(r *http.Request, target string, forward bool, body []byte) (reply, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(r.Context(), r.Method, target, rd)
	if err != nil {
		return reply{}, forwardIOError(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "kafka-connect")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth := r.Header.Values("Authorization"); len(auth) > 0 {
		req.Header.Set("Authorization", strings.Join(auth, ","))
	}
	logURL, _, _ := strings.Cut(target, "?")
	f.log.Debug().Str("method", r.Method).Str("url", logURL).Bool("forward", forward).Msg("forwarding REST request")
	resp, err := f.client.Do(req)
	if err != nil {
		return reply{}, forwardIOError(err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxForwardedReplyBytes+1))
	if err != nil {
		return reply{}, forwardIOError(err)
	}
	if len(data) > maxForwardedReplyBytes {
		return reply{}, forwardIOError(fmt.Errorf("reply larger than %d bytes", maxForwardedReplyBytes))
	}
	code := resp.StatusCode
	f.log.Debug().Str("method", r.Method).Str("url", logURL).Int("status", code).Msg("forwarded REST request answered")
	switch {
	case code >= 200 && code < 300:
		if len(bytes.TrimSpace(data)) == 0 {
			return reply{status: code}, nil
		}
		if !json.Valid(data) {
			return reply{}, forwardIOError(errors.New("the reply is not valid JSON"))
		}
		return reply{status: code, raw: data}, nil
	case code >= 400:
		var em entities.ErrorMessage
		if err := json.Unmarshal(data, &em); err != nil {
			return reply{}, forwardIOError(fmt.Errorf("reading the error reply (status %d): %w", code, err))
		}
		return reply{}, &restError{status: code, code: em.ErrorCode, msg: em.Message}
	default:
		return reply{}, &restError{status: http.StatusInternalServerError,
			msg: "Unexpected status code when handling forwarded request: " + strconv.Itoa(code)}
	}
}

// forwardIOError is RestClient's answer to a request that failed on the
// way: the target unreachable, the connection cut, the request timeout
// reached, an unreadable reply.
func forwardIOError(err error) error {
	return &restError{status: http.StatusInternalServerError, msg: "IO Error trying to forward REST request: " + err.Error()}
}
