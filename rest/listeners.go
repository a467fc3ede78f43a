package rest

import (
	"context"
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

// parseListeners validates a listeners or admin.listeners list as Java's
// ListenersValidator and RestServer.createConnector do. An empty listeners
// list means DefaultListener; an empty admin.listeners list means none.
func parseListeners(name string, list []string, regular bool) ([]Listener, error) {
	if len(list) == 0 {
		if !regular {
			return nil, nil
		}
		list = []string{DefaultListener}
	}
	out := make([]Listener, 0, len(list))
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, fmt.Errorf("Empty URL found when parsing %s list.", name)
		}
		l, err := workerconfig.ParseListener(s)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// advertisedProtocol is Java's RestServer.determineAdvertisedProtocol:
// rest.advertised.listener if set; else http when a listener is http,
// https when one is https.
func advertisedProtocol(cfg Config) string {
	if cfg.AdvertisedListener != "" {
		return strings.ToLower(cfg.AdvertisedListener)
	}
	raw := strings.ToLower(strings.Join(cfg.Listeners, ","))
	if strings.Contains(raw, "https://") && !strings.Contains(raw, "http://") {
		return "https"
	}
	return "http"
}

// advertisedURL computes the URL other workers use to reach this one, the
// way Java's RestServer.advertisedUrl does: scheme from advertisedProtocol;
// host from rest.advertised.host.name, else the first listener of that
// scheme's host, else the first listener's host, else this machine's
// address; port from rest.advertised.port, else that listener's configured
// port, else its bound port, else the first listener's bound port. The form
// is scheme://host:port/ (Java's URI, with the trailing slash); the worker
// id is its host:port.
func advertisedURL(ctx context.Context, cfg Config, listeners []Listener, bound []int) string {
	scheme := advertisedProtocol(cfg)
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
