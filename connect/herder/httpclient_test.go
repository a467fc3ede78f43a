package herder

import (
	"net/http"
	"testing"
	"time"
)

func TestWithHTTPClient(t *testing.T) {
	tr := &http.Transport{}
	given := &http.Client{Transport: tr}
	h := &Herder{client: &http.Client{Timeout: internalRequestTimeout}}
	WithHTTPClient(given)(h)
	if h.client.Transport != tr {
		t.Error("the herder does not use the given client's transport")
	}
	if h.client.Timeout != internalRequestTimeout || given.Timeout != 0 {
		t.Errorf("timeouts: herder %v, given %v", h.client.Timeout, given.Timeout)
	}
	WithHTTPClient(&http.Client{Transport: tr, Timeout: time.Second})(h)
	if h.client.Timeout != time.Second {
		t.Errorf("a client's own timeout is kept: %v", h.client.Timeout)
	}
	before := h.client
	WithHTTPClient(nil)(h)
	if h.client != before {
		t.Error("a nil client replaced the herder's")
	}
}
