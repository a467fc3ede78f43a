package herder

import "net/http"

// WithHTTPClient makes the herder send its internal requests to other
// workers (task configs to the leader) with c: over https it must trust the
// other workers' certificates, and present this worker's when they ask, as
// the REST server's client does (cmd passes rest.Server.HTTPClient). A
// client without a timeout gets the herder's internal request timeout; c
// itself is not changed.
func WithHTTPClient(c *http.Client) Option {
	return func(h *Herder) {
		if c == nil {
			return
		}
		cc := *c
		if cc.Timeout == 0 {
			cc.Timeout = internalRequestTimeout
		}
		h.client = &cc
	}
}
