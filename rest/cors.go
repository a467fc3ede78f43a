package rest

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Cross-origin resource sharing, as Java's RestServer sets up Jetty's
// CrossOriginFilter when access.control.allow.origin is not blank: the
// allowed origins are that comma-separated list ("*" allows any; an origin
// with "*" in it is a pattern where "*" matches anything, e.g.
// https://*.example.com); the allowed methods are
// access.control.allow.methods, or GET,POST,HEAD when it is blank; the
// allowed request headers are X-Requested-With, Content-Type, Accept and
// Origin; preflight answers may be cached 1800 s; credentials are allowed.
//
// A request whose Origin matches gets Access-Control-Allow-Origin (the
// origin itself), Access-Control-Allow-Credentials: true and, unless any
// origin is allowed, Vary: Origin. A preflight (OPTIONS with
// Access-Control-Request-Method) whose method and headers are allowed also
// gets Access-Control-Max-Age, -Allow-Methods and -Allow-Headers, and is
// answered 200 here: Jetty passes it on to Jersey, which answers OPTIONS
// with 200 itself, while Ferry's router has no OPTIONS routes (and a
// preflight carries no credentials, which basic authentication would
// refuse). Any other request goes on to the API unchanged. CORS applies
// to the regular listeners only, as in Java.

// Jetty CrossOriginFilter defaults Connect keeps.
const (
	corsDefaultMethods = "GET,POST,HEAD"
	corsAllowedHeaders = "X-Requested-With,Content-Type,Accept,Origin"
	corsMaxAgeSeconds  = 1800
)

// cors is the CORS filter's configuration.
type cors struct {
	anyOrigin bool
	origins   []string         // exact origins
	patterns  []*regexp.Regexp // origins with "*"
	methods   []string
	headers   []string
}

// newCORS configures CORS; nil when allowOrigin is blank (no CORS headers
// at all).
func newCORS(allowOrigin, allowMethods string) (*cors, error) {
	if strings.TrimSpace(allowOrigin) == "" {
		return nil, nil
	}
	c := &cors{}
	for _, o := range strings.Split(allowOrigin, ",") {
		o = strings.TrimSpace(o)
		switch {
		case o == "":
		case o == "*":
			c.anyOrigin = true
		case strings.Contains(o, "*"):
			// Jetty escapes dots and turns "*" into ".*"; the rest is a
			// regular expression.
			re, err := regexp.Compile("^(?:" + strings.ReplaceAll(strings.ReplaceAll(o, ".", `\.`), "*", ".*") + ")$")
			if err != nil {
				return nil, fmt.Errorf("access.control.allow.origin: invalid origin pattern %q: %w", o, err)
			}
			c.patterns = append(c.patterns, re)
		default:
			c.origins = append(c.origins, o)
		}
	}
	if strings.TrimSpace(allowMethods) == "" {
		allowMethods = corsDefaultMethods
	}
	c.methods = splitTrim(allowMethods)
	c.headers = splitTrim(corsAllowedHeaders)
	return c, nil
}

func splitTrim(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// wrap applies CORS in front of next (a nil cors does nothing).
func (c *cors) wrap(next http.Handler) http.Handler {
	if c == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin != "" && !isWebSocketUpgrade(r) && c.originAllowed(origin) {
			switch {
			case isPreflight(r):
				if c.preflightAllowed(r) {
					c.allowOrigin(w, origin)
					h := w.Header()
					h.Set("Access-Control-Max-Age", strconv.Itoa(corsMaxAgeSeconds))
					h.Set("Access-Control-Allow-Methods", strings.Join(c.methods, ","))
					h.Set("Access-Control-Allow-Headers", strings.Join(c.headers, ","))
					h.Set("Content-Length", "0")
					w.WriteHeader(http.StatusOK)
					return
				}
			default:
				// Simple and other cross-origin requests alike.
				c.allowOrigin(w, origin)
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (c *cors) allowOrigin(w http.ResponseWriter, origin string) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	if !c.anyOrigin {
		h.Add("Vary", "Origin")
	}
	h.Set("Access-Control-Allow-Credentials", "true")
}

// originAllowed matches the Origin header (a space-separated list, any of
// which may match) against the allowed origins.
func (c *cors) originAllowed(header string) bool {
	if c.anyOrigin {
		return true
	}
	for _, o := range strings.Fields(header) {
		if slices.Contains(c.origins, o) {
			return true
		}
		for _, re := range c.patterns {
			if re.MatchString(o) {
				return true
			}
		}
	}
	return false
}

// isPreflight is an OPTIONS request with Access-Control-Request-Method.
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && len(r.Header.Values("Access-Control-Request-Method")) > 0
}

// preflightAllowed checks the requested method (exactly, as Jetty does) and
// headers (in any case).
func (c *cors) preflightAllowed(r *http.Request) bool {
	if !slices.Contains(c.methods, r.Header.Get("Access-Control-Request-Method")) {
		return false
	}
	for _, h := range strings.Split(r.Header.Get("Access-Control-Request-Headers"), ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if !slices.ContainsFunc(c.headers, func(a string) bool { return strings.EqualFold(a, h) }) {
			return false
		}
	}
	return true
}

// isWebSocketUpgrade: Jetty leaves WebSocket handshakes alone.
func isWebSocketUpgrade(r *http.Request) bool {
	for _, c := range r.Header.Values("Connection") {
		for _, tok := range strings.Split(c, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), "upgrade") {
				for _, u := range r.Header.Values("Upgrade") {
					if strings.EqualFold(u, "websocket") {
						return true
					}
				}
			}
		}
	}
	return false
}
