package failover

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/ferrykafka/ferry/connect/workerconfig"
)

// MM2Properties is a MirrorMaker 2 dedicated-mode configuration file
// (mm2.properties) as far as the failover command needs it: the cluster
// aliases and, per alias, the client settings to reach that cluster.
type MM2Properties struct {
	path     string
	clusters []string
	props    map[string]string
}

// LoadMM2Properties reads an mm2.properties file (Java properties syntax).
// It fails when the file cannot be read, is not valid properties syntax or
// has no "clusters" list; the error names the file.
func LoadMM2Properties(path string) (*MM2Properties, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	return ParseMM2Properties(path, data)
}

// ParseMM2Properties parses the content of an mm2.properties file; name
// labels errors (usually the file's path).
func ParseMM2Properties(name string, data []byte) (*MM2Properties, error) {
	props, err := workerconfig.ParseProperties(data)
	if err != nil {
		return nil, fmt.Errorf("invalid properties file %s: %w", name, err)
	}
	raw, ok := props["clusters"]
	if !ok {
		return nil, fmt.Errorf("invalid MirrorMaker configuration %s: missing required setting \"clusters\" (e.g. clusters = A, B)", name)
	}
	clusters := splitList(raw)
	if len(clusters) == 0 {
		return nil, fmt.Errorf("invalid MirrorMaker configuration %s: \"clusters\" lists no cluster alias", name)
	}
	return &MM2Properties{path: name, clusters: clusters, props: props}, nil
}

// splitList splits a Java ConfigDef list value: comma-separated, each item
// trimmed, empty items dropped.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// Clusters returns the aliases listed in "clusters", in file order.
func (m *MM2Properties) Clusters() []string { return append([]string(nil), m.clusters...) }

// HasCluster reports whether alias is listed in "clusters".
func (m *MM2Properties) HasCluster(alias string) bool {
	for _, c := range m.clusters {
		if c == alias {
			return true
		}
	}
	return false
}

// UnknownAliasError is returned by ClusterProps for an alias that the
// file's "clusters" list does not name.
type UnknownAliasError struct {
	Path     string
	Alias    string
	Clusters []string
}

func (e *UnknownAliasError) Error() string {
	return fmt.Sprintf("cluster alias %q is not listed in %s (clusters = %s)", e.Alias, e.Path, strings.Join(e.Clusters, ", "))
}

// isConnectionKey reports whether key is one of the settings Java's
// MirrorClientConfig takes from a cluster's connection settings:
// bootstrap.servers, security.protocol and the ssl.* and sasl.* keys.
func isConnectionKey(key string) bool {
	return key == "bootstrap.servers" || key == "security.protocol" ||
		strings.HasPrefix(key, "ssl.") || strings.HasPrefix(key, "sasl.")
}

// replicationPolicyPrefix starts the keys configuring the replication
// policy (replication.policy.class, replication.policy.separator, ...).
const replicationPolicyPrefix = "replication.policy."

// ClusterProps returns the Java client properties for the cluster alias,
// built the way MirrorMaker's dedicated mode builds a cluster's client
// settings, later layers winning:
//
//  1. top-level connection keys (bootstrap.servers, security.protocol,
//     ssl.*, sasl.*), which apply to every cluster;
//  2. the same keys prefixed with the alias (B.bootstrap.servers,
//     B.security.protocol, B.ssl.*, B.sasl.*);
//  3. the alias's consumer settings (B.consumer.*), then its admin
//     settings (B.admin.*), with the role prefix removed.
//
// The replication policy keys (replication.policy.*) are added from the top
// level, overridden by alias-prefixed ones, so that the policy the
// connectors used names the topics here too.
//
// The result has no bootstrap.servers when neither the alias nor the top
// level sets one. An alias not listed in "clusters" gives an
// *UnknownAliasError.
func (m *MM2Properties) ClusterProps(alias string) (map[string]string, error) {
	if !m.HasCluster(alias) {
		return nil, &UnknownAliasError{Path: m.path, Alias: alias, Clusters: m.Clusters()}
	}
	prefix := alias + "."
	out := map[string]string{}
	// Layers applied in order; sorting keys makes the result independent
	// of map order when two keys of one layer collide (they cannot today,
	// but the layers stay easy to reason about).
	layer := func(match func(key string) (string, bool)) {
		keys := make([]string, 0, len(m.props))
		for k := range m.props {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if name, ok := match(k); ok {
				out[name] = m.props[k]
			}
		}
	}
	topLevel := func(pred func(string) bool) func(string) (string, bool) {
		return func(k string) (string, bool) { return k, pred(k) && !m.hasAliasPrefix(k) }
	}
	prefixed := func(p string, pred func(string) bool) func(string) (string, bool) {
		return func(k string) (string, bool) {
			rest, ok := strings.CutPrefix(k, p)
			return rest, ok && rest != "" && pred(rest)
		}
	}
	anyKey := func(string) bool { return true }
	isPolicyKey := func(k string) bool { return strings.HasPrefix(k, replicationPolicyPrefix) }

	layer(topLevel(isConnectionKey))
	layer(prefixed(prefix, isConnectionKey))
	layer(prefixed(prefix+"consumer.", anyKey))
	layer(prefixed(prefix+"admin.", anyKey))
	layer(topLevel(isPolicyKey))
	layer(prefixed(prefix, isPolicyKey))
	return out, nil
}

// hasAliasPrefix reports whether key starts with one of the file's cluster
// aliases and a dot, i.e. is a cluster-level rather than a top-level key.
func (m *MM2Properties) hasAliasPrefix(key string) bool {
	for _, c := range m.clusters {
		if strings.HasPrefix(key, c+".") {
			return true
		}
	}
	return false
}
