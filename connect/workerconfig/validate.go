package workerconfig

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"

	"github.com/ferrykafka/ferry/connect"
)

// Error is an invalid worker configuration: every problem found, one per
// line, each worded as Java's ConfigException.
type Error struct {
	Problems []string
}

func (e *Error) Error() string { return strings.Join(e.Problems, "\n") }

// Unwrap makes an invalid configuration a connect.ErrBadRequest.
func (e *Error) Unwrap() error { return connect.ErrBadRequest }

// listenerPattern is RestServer.LISTENER_PATTERN (Java's Matcher.matches
// anchors both ends).
var listenerPattern = regexp.MustCompile(`^(.*)://\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$`)

// Listener is one parsed REST listener URL.
type Listener struct {
	// Protocol is "http" or "https".
	Protocol string
	// Host is empty for "bind to the default interface".
	Host string
	Port int
}

// ParseListener parses a listener URL as Java's RestServer.createConnector
// does, with its error messages.
func ParseListener(s string) (Listener, error) {
	m := listenerPattern.FindStringSubmatch(s)
	if m == nil {
		return Listener{}, fmt.Errorf("Listener doesn't have the right format (protocol://hostname:port).")
	}
	proto := strings.ToLower(m[1])
	if proto != "http" && proto != "https" {
		return Listener{}, fmt.Errorf("Listener protocol must be either \"http\" or \"https\".")
	}
	port, err := strconv.Atoi(m[3])
	if err != nil || port < 0 || port > 65535 {
		// Java fails later, when Jetty binds ("port out of range:N").
		return Listener{}, fmt.Errorf("port out of range:%s", m[3])
	}
	return Listener{Protocol: proto, Host: m[2], Port: port}, nil
}

// checkListeners applies RestServerConfig's ListenersValidator and the
// listener format checks Java makes when it builds the REST server.
func checkListeners(name string, v any) []string {
	items, _ := v.([]string)
	if len(items) == 0 {
		return []string{"Invalid value for " + name + ", at least one URL is expected, ex: http://localhost:8080,https://localhost:8443."}
	}
	return checkURLs(name, items)
}

// checkAdminListeners applies AdminListenersValidator: unset or empty is
// fine (empty disables the admin endpoints).
func checkAdminListeners(v any) []string {
	items, _ := v.([]string)
	if len(items) == 0 {
		return nil
	}
	return checkURLs(AdminListeners, items)
}

func checkURLs(name string, items []string) []string {
	var out []string
	for _, it := range items {
		if strings.TrimSpace(it) == "" {
			return append(out, "Empty URL found when parsing "+name+" list.")
		}
		if _, err := ParseListener(it); err != nil {
			out = append(out, err.Error())
		}
	}
	return out
}

// checkInterWorker applies DistributedConfig.validateInterWorkerKeyConfigs.
func checkInterWorker(values connect.Values) []string {
	var out []string
	algos, _ := values[InterWorkerVerificationAlgos].([]string)
	if len(algos) == 0 {
		out = append(out, fmt.Sprintf("Invalid value [] for configuration %s: At least one signature verification algorithm must be provided",
			InterWorkerVerificationAlgos))
	}
	for _, a := range algos {
		if !SupportedMACAlgorithm(a) {
			out = append(out, (&connect.ConfigError{Name: InterWorkerVerificationAlgos, Value: a, Reason: unsupportedAlgorithm().Error()}).Error())
		}
	}
	if size, ok := values[InterWorkerKeySize].(int32); ok && size < 40 {
		algo, _ := values[InterWorkerKeyGenerationAlgo].(string)
		out = append(out, fmt.Sprintf("Unable to create key generator with algorithm %s and key size %d: Key length must be at least 40 bits", algo, size))
	}
	sig, _ := values[InterWorkerSignatureAlgorithm].(string)
	if len(algos) > 0 && sig != "" && SupportedMACAlgorithm(sig) {
		found := false
		for _, a := range algos {
			if a == sig {
				found = true
			}
		}
		if !found {
			out = append(out, (&connect.ConfigError{Name: InterWorkerSignatureAlgorithm, Value: sig,
				Reason: "Signature algorithm must be present in " + InterWorkerVerificationAlgos + " list"}).Error())
		}
	}
	return out
}

// String renders the listener as protocol://host:port.
func (l Listener) String() string {
	return l.Protocol + "://" + net.JoinHostPort(l.Host, strconv.Itoa(l.Port))
}
