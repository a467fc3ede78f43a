package workerconfig

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
)

// AdvertisedURL returns the URL other workers use to reach this worker's REST
// API, computed as Java's RestServer.advertisedUrl does before the server
// binds:
//
//   - scheme: rest.advertised.listener, else "http" if any listener is http,
//     else "https" if any is https;
//   - host: rest.advertised.host.name, else the host of the first listener
//     with that scheme, else the host of the first listener, else this
//     machine's address (Java: InetAddress.getLocalHost().getHostAddress(),
//     the address the host name resolves to, e.g. 127.0.1.1 on Debian);
//   - port: rest.advertised.port, else the port of the first listener with
//     that scheme, else the port of the first listener.
//
// A listener port of 0 (bind to any free port) is advertised as 0; the REST
// server must pass its bound port to AdvertisedURLWithPort instead.
func (c *Config) AdvertisedURL() (*url.URL, error) { return c.AdvertisedURLWithPort(0) }

// AdvertisedURLWithPort is AdvertisedURL for a REST server whose advertised
// connector (the first listener with the advertised scheme) bound boundPort;
// it replaces a configured port of 0. A boundPort of 0 means "not known".
func (c *Config) AdvertisedURLWithPort(boundPort int) (*url.URL, error) {
	if len(c.Listeners) == 0 {
		return nil, fmt.Errorf("no REST listeners configured")
	}
	listeners := make([]Listener, 0, len(c.Listeners))
	for _, l := range c.Listeners {
		p, err := ParseListener(l)
		if err != nil {
			return nil, fmt.Errorf("listener %s: %w", l, err)
		}
		listeners = append(listeners, p)
	}
	scheme := c.advertisedProtocol()
	var chosen *Listener
	for i := range listeners {
		if listeners[i].Protocol == scheme {
			chosen = &listeners[i]
			break
		}
	}
	// Jetty's server URI is built from the first connector.
	host, port := listeners[0].Host, listeners[0].Port
	switch {
	case c.AdvertisedHostName != "":
		host = c.AdvertisedHostName
	case chosen != nil && chosen.Host != "":
		host = chosen.Host
	case host == "":
		h, err := c.localHost()
		if err != nil {
			return nil, fmt.Errorf("cannot determine this worker's address for the advertised REST URL (set %s): %w",
				RestAdvertisedHostName, err)
		}
		host = h
	}
	switch {
	case c.AdvertisedPort != 0:
		port = c.AdvertisedPort
	case chosen != nil && chosen.Port > 0:
		port = chosen.Port
	case boundPort > 0 && (chosen != nil || port == 0):
		port = boundPort
	}
	return &url.URL{Scheme: scheme, Host: net.JoinHostPort(host, strconv.Itoa(port)), Path: "/"}, nil
}

// WorkerID returns this worker's id, "host:port" of the advertised URL, as
// Java's AbstractConnectCli computes it. An IPv6 host keeps its brackets, as
// Java's URI.getHost does.
func (c *Config) WorkerID() (string, error) {
	u, err := c.AdvertisedURL()
	if err != nil {
		return "", err
	}
	host, port := u.Hostname(), u.Port()
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return host + ":" + port, nil
}

// advertisedProtocol is RestServer.determineAdvertisedProtocol: it looks at
// the raw listeners text, so an unset listeners key means http.
func (c *Config) advertisedProtocol() string {
	if c.AdvertisedListener != "" {
		return strings.ToLower(c.AdvertisedListener)
	}
	raw, ok := c.Props[Listeners]
	if !ok {
		return "http"
	}
	raw = strings.ToLower(raw)
	switch {
	case strings.Contains(raw, "http://"):
		return "http"
	case strings.Contains(raw, "https://"):
		return "https"
	}
	return "http"
}

// javaLocalHostAddress is InetAddress.getLocalHost().getHostAddress(): the
// first address (IPv4 preferred, as the JVM's default) this machine's host
// name resolves to. When the name does not resolve Java fails to start; Ferry
// uses the host name itself.
func javaLocalHostAddress() (string, error) {
	name, err := os.Hostname()
	if err != nil {
		return "", fmt.Errorf("hostname: %w", err)
	}
	ips, err := net.LookupIP(name)
	if err != nil || len(ips) == 0 {
		return name, nil
	}
	for _, ip := range ips {
		if v4 := ip.To4(); v4 != nil {
			return v4.String(), nil
		}
	}
	return ips[0].String(), nil
}
