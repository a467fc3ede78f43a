package rest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// Listener is one entry of Connect's listeners property,
// protocol://host:port. An empty host means every interface; port 0 asks
// for an ephemeral port. IPv6 hosts may be bracketed.
type Listener struct {
	Protocol string // "http" ("https" is refused for now)
	Host     string
	Port     int
}

func (l Listener) String() string {
	return l.Protocol + "://" + net.JoinHostPort(l.Host, strconv.Itoa(l.Port))
}

// listenerPattern is Java's RestServer.LISTENER_PATTERN, matched whole.
var listenerPattern = regexp.MustCompile(`^(.*)://\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$`)

// ParseListener parses one listener with Java Connect's rules and error
// texts. https listeners are rejected: TLS is not supported yet.
func ParseListener(s string) (Listener, error) {
	m := listenerPattern.FindStringSubmatch(s)
	if m == nil {
		return Listener{}, errors.New("Listener doesn't have the right format (protocol://hostname:port).") //nolint:staticcheck // Java's text
	}
	l := Listener{Protocol: strings.ToLower(m[1]), Host: m[2]}
	if l.Protocol != "http" && l.Protocol != "https" {
		return Listener{}, errors.New(`Listener protocol must be either "http" or "https".`) //nolint:staticcheck // Java's text
	}
	if l.Protocol == "https" {
		return Listener{}, fmt.Errorf("listener %s: https listeners are not supported yet", s)
	}
	port, err := strconv.Atoi(m[3])
	if err != nil || port < 0 || port > 65535 {
		return Listener{}, fmt.Errorf("listener %s: port out of range 0-65535", s)
	}
	l.Port = port
	return l, nil
}

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
		l, err := ParseListener(s)
		if err != nil {
			return nil, err
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
