package mmconfig

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/ferrykafka/ferry/connect/workerconfig"
)

// Keys of the top level of mm2.properties.
const (
	keyClusters        = "clusters"
	keyInternalREST    = "dedicated.mode.enable.internal.rest"
	keySecurityProto   = "security.protocol"
	keyBootstrap       = "bootstrap.servers"
	keyEnabled         = "enabled"
	keyEmitHeartbeats  = "emit.heartbeats.enabled"
	keyConfigProviders = "config.providers"
	keyName            = "name"
	keyConnectorClass  = "connector.class"
)

// The aliases of the seed form (source.bootstrap.servers,
// target.bootstrap.servers, no "clusters").
const (
	seedSource = "source"
	seedTarget = "target"
)

// Config is a parsed mm2.properties file. It is immutable: every method
// returns fresh maps and slices.
type Config struct {
	file string            // the file, for messages; "" when built by Parse
	raw  map[string]string // every setting; the seed form already rewritten
	// originals are raw with the references the file's config.providers
	// resolve replaced (Java's originals()); the top-level settings
	// (clusters, flags) are read from them.
	originals map[string]string
	// resolvedValues maps each raw value to its resolved form, for the
	// maps built from raw values (WorkerConfig, ClientConfig).
	resolvedValues map[string]string
	// clusterList is the "clusters" list as Java reads it, duplicates
	// included (Java sizes its HashSet by it); clusters drops them.
	clusterList []string
	clusters    []string
	warnings    []string
}

// Error lists every problem found in a MirrorMaker configuration. Where
// Java rejects the same thing, the problem starts with Java's message.
type Error struct {
	File     string // the file; "" when the settings came from Parse
	Problems []string
}

func (e *Error) Error() string {
	where := "invalid MirrorMaker configuration"
	if e.File != "" {
		where += " " + e.File
	}
	return where + ": " + strings.Join(e.Problems, "; ")
}

// Load reads an mm2.properties file (Java properties syntax, as
// MirrorMaker's main reads it) and parses it as Parse does. A file that
// cannot be read or is not valid properties syntax gives an error naming
// the file (and the line); invalid settings give an *Error naming the file
// and the keys.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read MirrorMaker properties %s: %w", path, err)
	}
	props, err := workerconfig.ParseProperties(data)
	if err != nil {
		return nil, fmt.Errorf("invalid MirrorMaker properties %s: %w", path, err)
	}
	return parse(path, props)
}

// Parse builds a Config from the settings of an mm2.properties file. It
// accepts the seed form (no "clusters"; source.bootstrap.servers,
// target.bootstrap.servers and other source.* / target.* keys), read as
// clusters = source, target with source->target.enabled = true unless the
// file sets it.
//
// It fails with an *Error listing every problem: "clusters" missing, empty
// or with an empty alias; a cluster without bootstrap.servers (neither
// <alias>.bootstrap.servers nor a top-level bootstrap.servers); no flow at
// all; an invalid dedicated.mode.enable.internal.rest or security.protocol;
// config providers that cannot be configured (an unknown class, a bad
// allowed.paths) or cannot read what a reference anywhere in the file
// names (a missing file). As Java's MirrorMakerConfig does, it resolves
// every ${provider:[path:]key} reference of the file with the file's
// config.providers once, here; the resolved values are what
// WorkerConfig and ClientConfig return and what the top-level settings
// (clusters, the flow flags) are read from.
func Parse(props map[string]string) (*Config, error) { return parse("", props) }

func parse(file string, props map[string]string) (*Config, error) {
	c := &Config{file: file, raw: make(map[string]string, len(props)+2)}
	for k, v := range props {
		c.raw[k] = v
	}
	var problems []string

	clustersValue, hasClusters := c.raw[keyClusters]
	if !hasClusters && (hasKey(c.raw, seedSource+"."+keyBootstrap) || hasKey(c.raw, seedTarget+"."+keyBootstrap)) {
		clustersValue, hasClusters = seedSource+", "+seedTarget, true
		c.raw[keyClusters] = clustersValue
		flowEnabled := Flow{Source: seedSource, Target: seedTarget}.prefix() + keyEnabled
		if !hasKey(c.raw, flowEnabled) {
			c.raw[flowEnabled] = "true"
		}
	}
	problems = append(problems, c.resolveReferences()...)
	if hasClusters {
		clustersValue = c.originals[keyClusters]
	}

	clustersOK := false
	if list := javaList(clustersValue); !hasClusters {
		problems = append(problems, `Missing required configuration "clusters" which has no default value. `+
			`List the cluster aliases (clusters = A, B), or give source.bootstrap.servers and `+
			`target.bootstrap.servers for one flow source->target`)
	} else if containsEmpty(list) {
		problems = append(problems, fmt.Sprintf(
			"Configuration 'clusters' values must not be empty. Got clusters = %q", clustersValue))
	} else {
		clustersOK = true
		c.clusterList = list
		seen := map[string]bool{}
		for _, alias := range list {
			if seen[alias] {
				c.warnings = append(c.warnings, fmt.Sprintf("clusters lists %q more than once; it counts once", alias))
				continue
			}
			seen[alias] = true
			c.clusters = append(c.clusters, alias)
		}
	}

	if v, ok := c.originals[keyInternalREST]; ok {
		if _, valid := javaConfigBoolean(v); !valid {
			problems = append(problems, fmt.Sprintf(
				"Invalid value %s for configuration %s: Expected value to be either true or false", v, keyInternalREST))
		}
	}
	if v, ok := c.originals[keySecurityProto]; ok {
		p := javaTrim(v)
		if !validSecurityProtocol(p) {
			problems = append(problems, fmt.Sprintf("Invalid value %s for configuration %s: "+
				"String must be one of (case insensitive): SASL_SSL, PLAINTEXT, SSL, SASL_PLAINTEXT", p, keySecurityProto))
		}
	}

	if clustersOK {
		for _, alias := range c.clusters {
			if strings.TrimSpace(c.ClusterProps(alias)[keyBootstrap]) == "" {
				problems = append(problems, fmt.Sprintf(
					"cluster %q has no bootstrap.servers: set %s.bootstrap.servers", alias, alias))
			}
		}
		if len(c.Flows()) == 0 {
			switch len(c.clusters) {
			case 0:
				problems = append(problems, `No source->target replication flows. "clusters" lists no cluster alias (e.g. clusters = A, B)`)
			case 1:
				problems = append(problems, fmt.Sprintf(
					"No source->target replication flows. clusters lists only %q; a flow needs two clusters", c.clusters[0]))
			default:
				problems = append(problems, "No source->target replication flows. "+
					"Enable one with <source>-><target>.enabled = true")
			}
		}
		c.warnings = append(c.warnings, c.settingWarnings()...)
	}

	if len(problems) > 0 {
		return nil, &Error{File: file, Problems: problems}
	}
	return c, nil
}

// Clusters returns the aliases of "clusters" in the file's order, each
// once ("source", "target" for the seed form).
func (c *Config) Clusters() []string { return append([]string(nil), c.clusters...) }

// InternalREST reports dedicated.mode.enable.internal.rest (default false):
// whether the nodes of a multi-node MirrorMaker talk over an internal REST
// server (KIP-710).
func (c *Config) InternalREST() bool {
	b, _ := javaConfigBoolean(c.originals[keyInternalREST])
	return b
}

// Originals returns every setting of the file, the seed form already
// rewritten into clusters and source->target.enabled, with config-provider
// references as written (Java's originals() has them resolved; a
// workerconfig.Parse of these settings resolves them with the same
// config.providers).
func (c *Config) Originals() map[string]string { return copyMap(c.raw) }

// resolveReferences builds the file's config providers (config.providers)
// and resolves every value with them, as Java's AbstractConfig does when
// MirrorMakerConfig is built; it returns the problems. Without providers,
// or when they fail, the values stay as written.
func (c *Config) resolveReferences() []string {
	c.originals = copyMap(c.raw)
	c.resolvedValues = map[string]string{}
	if strings.TrimSpace(c.raw[keyConfigProviders]) == "" {
		return nil
	}
	t, err := workerconfig.NewConfigTransformer(c.raw)
	if err != nil {
		return []string{err.Error()}
	}
	resolved, err := t.WithWarn(func(m string) { c.warnings = append(c.warnings, m) }).Transform(c.raw)
	if err != nil {
		return []string{err.Error()}
	}
	c.originals = resolved
	for k, v := range c.raw {
		if resolved[k] != v {
			c.resolvedValues[v] = resolved[k]
		}
	}
	return nil
}

// resolve replaces, in a map built from the file's values, every value
// with its resolved form (Java's MirrorMakerConfig.transform).
func (c *Config) resolve(props map[string]string) map[string]string {
	for k, v := range props {
		if r, ok := c.resolvedValues[v]; ok {
			props[k] = r
		}
	}
	return props
}

// Warnings lists settings the configuration accepts but that Java
// MirrorMaker ignores or reads differently from how they look, one
// sentence each, for the caller to log.
func (c *Config) Warnings() []string { return append([]string(nil), c.warnings...) }

// settingWarnings finds the settings Java ignores or reads surprisingly.
func (c *Config) settingWarnings() []string {
	listed := map[string]bool{}
	for _, a := range c.clusters {
		listed[a] = true
	}
	listing := strings.Join(c.clusters, ", ")
	keys := make([]string, 0, len(c.raw))
	for k := range c.raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	var out []string
	for _, k := range keys {
		v := c.originals[k]
		if strings.Contains(k, "->") {
			if w := c.flowKeyWarning(k, listed, listing); w != "" {
				out = append(out, w)
				continue
			}
		} else if alias, ok := strings.CutSuffix(k, "."+keyBootstrap); ok && !c.coveredByAlias(k) {
			out = append(out, fmt.Sprintf("%s is ignored: %q is not listed in clusters (%s)", k, alias, listing))
		}
		if c.isFlowFlag(k) && !javaParseBoolean(v) && !strings.EqualFold(v, "false") {
			out = append(out, fmt.Sprintf("%s = %q is read as false: only \"true\" (in any case, without spaces) is true", k, v))
		}
	}
	out = append(out, c.ignoredWorkerKeyWarnings(keys)...)
	for _, k := range []string{keyName, keyConnectorClass} {
		if v, ok := c.raw[k]; ok {
			out = append(out, fmt.Sprintf("top-level %s = %q is copied into every connector config, "+
				"so all of MirrorMaker's connectors get it; set it per flow (<source>-><target>.%s) if at all", k, v, k))
		}
	}
	return out
}

// isFlowFlag reports whether key is one of the flags that decide which
// flows run, which Java reads with Boolean.parseBoolean: the top-level
// emit.heartbeats.enabled, and <source>-><target>.enabled and
// <source>-><target>.emit.heartbeats.enabled for two listed clusters.
func (c *Config) isFlowFlag(key string) bool {
	if key == keyEmitHeartbeats {
		return true
	}
	for _, s := range c.clusters {
		for _, t := range c.clusters {
			p := Flow{Source: s, Target: t}.prefix()
			if s != t && (key == p+keyEnabled || key == p+keyEmitHeartbeats) {
				return true
			}
		}
	}
	return false
}

// flowKeyWarning returns a warning for a key with "->" that names no flow
// between two listed clusters, or "".
func (c *Config) flowKeyWarning(k string, listed map[string]bool, listing string) string {
	for _, s := range c.clusters {
		for _, t := range c.clusters {
			if strings.HasPrefix(k, s+"->"+t+".") {
				if s == t {
					return fmt.Sprintf("%s is ignored: a flow from a cluster to itself is never run", k)
				}
				return ""
			}
		}
	}
	source, rest, _ := strings.Cut(k, "->")
	target, _, _ := strings.Cut(rest, ".")
	unknown := source
	if listed[source] {
		unknown = target
	}
	return fmt.Sprintf("%s is ignored: %q is not listed in clusters (%s)", k, unknown, listing)
}

// coveredByAlias reports whether key is a setting of a listed cluster
// (it starts with "<alias>.").
func (c *Config) coveredByAlias(key string) bool {
	for _, a := range c.clusters {
		if strings.HasPrefix(key, a+".") {
			return true
		}
	}
	return false
}

// javaList splits a list value as Java's ConfigDef does: the value trimmed,
// split at commas with the white space around each comma dropped; an empty
// value is an empty list, empty items are kept (and then refused).
func javaList(v string) []string {
	t := javaTrim(v)
	if t == "" {
		return nil
	}
	const regexSpace = " \t\n\v\f\r" // Java's \s
	parts := strings.Split(t, ",")
	for i := range parts {
		if i > 0 {
			parts[i] = strings.TrimLeft(parts[i], regexSpace)
		}
		if i < len(parts)-1 {
			parts[i] = strings.TrimRight(parts[i], regexSpace)
		}
	}
	return parts
}

// javaTrim trims as Java's String.trim: every character up to U+0020.
func javaTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}

// javaParseBoolean is Java's Boolean.parseBoolean, which MirrorMakerConfig
// uses for the enabled flags: true only for "true" in any case, untrimmed.
func javaParseBoolean(s string) bool { return strings.EqualFold(s, "true") }

// javaConfigBoolean parses a ConfigDef BOOLEAN: trimmed, "true" or "false"
// in any case. An absent ("") value is the default, false.
func javaConfigBoolean(s string) (value, valid bool) {
	if s == "" {
		return false, true
	}
	switch t := javaTrim(s); {
	case strings.EqualFold(t, "true"):
		return true, true
	case strings.EqualFold(t, "false"):
		return false, true
	}
	return false, false
}

func validSecurityProtocol(p string) bool {
	switch strings.ToUpper(p) {
	case "PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL":
		return true
	}
	return false
}

func containsEmpty(list []string) bool {
	for _, s := range list {
		if s == "" {
			return true
		}
	}
	return false
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
