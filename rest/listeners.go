package rest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/ferrykafka/ferry/connect/workerconfig"
)

// Listener is one parsed entry of the listeners property; workerconfig
// owns the parsing (it validates worker properties with the same rules).
type Listener = workerconfig.Listener

// parseListeners validates the listeners list as Java's ListenersValidator
// does, then each entry.
func parseListeners(list []string) ([]Listener, error) {
	if len(list) == 0 {
		list = []string{DefaultListener}
	}
	out := make([]Listener, 0, len(list))
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, errors.New("Empty URL found when parsing listeners list.") //nolint:staticcheck // Java's text
		}
		l, err := workerconfig.ParseListener(s)
		if err != nil {
			return nil, err
		}
		if l.Protocol == "https" {
			return nil, fmt.Errorf("listener %s: https listeners are not supported yet", s)
		}
		out = append(out, l)
	}
	return out, nil
}

// advertisedURL computes the URL other workers use to reach this one, the
// way Java's RestServer.advertisedUrl does: scheme from
// rest.advertised.listener (default http); host from
// rest.advertised.host.name, else the matching listener's host, else the
// first listener's host, else this machine's address; port from
// rest.advertised.port, else the matching listener's configured port, else
// its bound port. The form is http://host:port/ (Java's URI, with the
// trailing slash); the worker id is its host:port.
func advertisedURL(ctx context.Context, cfg Config, listeners []Listener, bound []int) string {
	scheme := "http"
	if cfg.AdvertisedListener != "" {
		scheme = strings.ToLower(cfg.AdvertisedListener)
	}
	match := -1
	for i, l := range listeners {
		if l.Protocol == scheme {
			match = i
			break
		}
	}
	host, port := listeners[0].Host, bound[0]
	if host == "" {
		host = localHostAddress(ctx)
	}
	switch {
	case cfg.AdvertisedHostName != "":
		host = cfg.AdvertisedHostName
	case match >= 0 && listeners[match].Host != "":
		host = listeners[match].Host
	}
	switch {
	case cfg.AdvertisedPort != 0:
		port = cfg.AdvertisedPort
	case match >= 0 && listeners[match].Port > 0:
		port = listeners[match].Port
	case match >= 0:
		port = bound[match]
	}
	return scheme + "://" + net.JoinHostPort(host, strconv.Itoa(port)) + "/"
}

// localHostAddress is Java's InetAddress.getLocalHost().getHostAddress():
// this machine's host name resolved to an address (IPv4 preferred).
func localHostAddress(ctx context.Context) string {
	name, err := os.Hostname()
	if err != nil || name == "" {
		return "127.0.0.1"
	}
	addrs, err := net.DefaultResolver.LookupIPAddr(ctx, name)
	if err != nil || len(addrs) == 0 {
		return name
	}
	for _, a := range addrs {
		if a.IP.To4() != nil {
			return a.IP.String()
		}
	}
	return addrs[0].IP.String()
}
