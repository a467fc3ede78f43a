package configprovider

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// Keys and class names of the configuration of config providers.
const (
	// ProvidersKey lists the provider names (config.providers = a, b).
	ProvidersKey = "config.providers"

	FileConfigProviderClass      = "org.apache.kafka.common.config.provider.FileConfigProvider"
	DirectoryConfigProviderClass = "org.apache.kafka.common.config.provider.DirectoryConfigProvider"
	EnvVarConfigProviderClass    = "org.apache.kafka.common.config.provider.EnvVarConfigProvider"

	// AllowedPathsParam is the file and directory providers' parameter
	// (config.providers.<name>.param.allowed.paths).
	AllowedPathsParam = "allowed.paths"
	// AllowlistPatternParam is the env provider's parameter
	// (config.providers.<name>.param.allowlist.pattern).
	AllowlistPatternParam = "allowlist.pattern"
)

// Classes returns the provider classes Ferry supports, sorted.
func Classes() []string {
	return []string{DirectoryConfigProviderClass, EnvVarConfigProviderClass, FileConfigProviderClass}
}

// pattern is Java's ConfigTransformer.DEFAULT_PATTERN. Go's regexp picks
// the submatches a backtracking matcher would, so the lazy groups split
// ${a:b:c:d} as Java does (provider a, path b, key c:d).
var pattern = regexp.MustCompile(`\$\{([^}]*?):(([^}]*?):)?([^}]*?)\}`)

// HasReference reports whether v holds a ${provider:[path:]key} reference
// (resolvable or not).
func HasReference(v string) bool { return pattern.MatchString(v) }

// Options are what New needs besides the properties.
type Options struct {
	// ParseProperties parses the content of a Java properties file for
	// FileConfigProvider (the content is UTF-8; workerconfig's
	// ParsePropertiesUTF8). Required when a FileConfigProvider is
	// configured.
	ParseProperties func(data []byte) (map[string]string, error)
	// Warn, when set, receives what Java's providers log as warnings (a
	// path outside allowed.paths, a directory that is not one); the
	// reference is then left unresolved.
	Warn func(msg string)
}

// provider is one configured provider: Java's ConfigProvider.get(path,
// keys). It returns only the keys it has.
type provider interface {
	get(path string, keys []string, warn func(string)) (map[string]string, error)
}

// Transformer resolves references with the providers of one
// configuration. It is immutable and safe for concurrent use; the nil
// *Transformer resolves nothing.
type Transformer struct {
	providers map[string]provider
	warn      func(string)
}

// New builds the providers that props configure: config.providers names
// them (a comma-separated list), config.providers.<name>.class gives each
// one's class, and config.providers.<name>.param.<param> its parameters.
// A name without a .class is skipped, as Java skips it (its references
// stay unresolved). An unknown class, or a parameter the provider refuses
// (allowed.paths not absolute or missing, an invalid allowlist.pattern),
// is an error naming the key, in Java's ConfigException wording.
func New(props map[string]string, opts Options) (*Transformer, error) {
	t := &Transformer{providers: map[string]provider{}, warn: opts.Warn}
	for _, name := range splitList(props[ProvidersKey]) {
		classKey := ProvidersKey + "." + name + ".class"
		class, ok := props[classKey]
		if !ok {
			continue
		}
		params := withPrefix(props, ProvidersKey+"."+name+".param.")
		paramError := func(param string, err error) error {
			return fmt.Errorf("Invalid value %s for configuration %s.%s.param.%s: %v", //nolint:staticcheck // Java's text
				params[param], ProvidersKey, name, param, err)
		}
		var p provider
		switch class {
		case FileConfigProviderClass, DirectoryConfigProviderClass:
			allowed, err := newAllowedPaths(params, AllowedPathsParam)
			if err != nil {
				return nil, paramError(AllowedPathsParam, err)
			}
			if class == DirectoryConfigProviderClass {
				p = &dirProvider{allowed: allowed}
				break
			}
			if opts.ParseProperties == nil {
				return nil, fmt.Errorf("configprovider: %s needs Options.ParseProperties", classKey)
			}
			p = &fileProvider{allowed: allowed, parse: opts.ParseProperties}
		case EnvVarConfigProviderClass:
			env, err := newEnvProvider(params)
			if err != nil {
				return nil, paramError(AllowlistPatternParam, err)
			}
			p = env
		default:
			return nil, fmt.Errorf("Invalid value %s for configuration %s: Could not load config provider class or one of its dependencies. "+ //nolint:staticcheck // Java's text
				"Ferry supports %s", class, classKey, strings.Join(Classes(), ", "))
		}
		t.providers[name] = p
	}
	return t, nil
}

// WithWarn returns a Transformer with the same providers that reports
// warnings to warn.
func (t *Transformer) WithWarn(warn func(msg string)) *Transformer {
	if t == nil {
		return &Transformer{providers: map[string]provider{}, warn: warn}
	}
	return &Transformer{providers: t.providers, warn: warn}
}

// Providers returns the names of the configured providers, sorted.
func (t *Transformer) Providers() []string {
	if t == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(t.providers))
}

// variable is one match of the pattern in a value.
type variable struct {
	provider, path, key string
	start, end          int
}

func variables(v string) []variable {
	var out []variable
	for _, m := range pattern.FindAllStringSubmatchIndex(v, -1) {
		vr := variable{provider: v[m[2]:m[3]], key: v[m[8]:m[9]], start: m[0], end: m[1]}
		if m[6] >= 0 {
			vr.path = v[m[6]:m[7]]
		}
		out = append(out, vr)
	}
	return out
}

// Transform returns configs with every reference to a configured provider
// replaced by the value the provider has for it (Java's
// ConfigTransformer.transform). References to other providers, and those
// whose key the provider does not have, are kept as they are. configs is
// not modified; the result is a new map, also when nothing changed.
func (t *Transformer) Transform(configs map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(configs))
	maps.Copy(out, configs)
	if t == nil || len(t.providers) == 0 {
		return out, nil
	}
	// The keys each provider is asked for, per path.
	wanted := map[string]map[string]map[string]bool{}
	for _, v := range configs {
		for _, vr := range variables(v) {
			if _, ok := t.providers[vr.provider]; !ok {
				continue
			}
			byPath := wanted[vr.provider]
			if byPath == nil {
				byPath = map[string]map[string]bool{}
				wanted[vr.provider] = byPath
			}
			if byPath[vr.path] == nil {
				byPath[vr.path] = map[string]bool{}
			}
			byPath[vr.path][vr.key] = true
		}
	}
	if len(wanted) == 0 {
		return out, nil
	}
	warn := t.warn
	if warn == nil {
		warn = func(string) {}
	}
	lookups := map[string]map[string]map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(wanted)) {
		lookups[name] = map[string]map[string]string{}
		for _, path := range slices.Sorted(maps.Keys(wanted[name])) {
			data, err := t.providers[name].get(path, slices.Sorted(maps.Keys(wanted[name][path])), warn)
			if err != nil {
				return nil, err
			}
			lookups[name][path] = data
		}
	}
	for k, v := range configs {
		out[k] = replace(lookups, v)
	}
	return out, nil
}

// replace is ConfigTransformer.replace.
func replace(lookups map[string]map[string]map[string]string, v string) string {
	vars := variables(v)
	if len(vars) == 0 {
		return v
	}
	var b strings.Builder
	i := 0
	for _, vr := range vars {
		byPath, ok := lookups[vr.provider]
		if !ok {
			continue // unknown provider: the text stays, up to the next replacement
		}
		b.WriteString(v[i:vr.start])
		if r, ok := byPath[vr.path][vr.key]; ok {
			b.WriteString(r)
		} else {
			b.WriteString(v[vr.start:vr.end])
		}
		i = vr.end
	}
	b.WriteString(v[i:])
	return b.String()
}

// ReverseTransform is Java's AbstractHerder.reverseTransform: it returns
// copies of the task configs in which every key whose value in raw (the
// connector's config as stored, references unresolved) has a reference
// gets that raw value back, so that values a connector copied from its
// resolved config are stored as references. Other keys are kept.
func ReverseTransform(raw map[string]string, configs []map[string]string) []map[string]string {
	var withRefs []string
	for k, v := range raw {
		if HasReference(v) {
			withRefs = append(withRefs, k)
		}
	}
	out := make([]map[string]string, len(configs))
	for i, c := range configs {
		nc := maps.Clone(c)
		for _, k := range withRefs {
			if _, ok := nc[k]; ok {
				nc[k] = raw[k]
			}
		}
		out[i] = nc
	}
	return out
}

// splitList reads config.providers as a LIST: comma-separated, names
// trimmed, empty names skipped.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// withPrefix returns the entries whose key starts with prefix and goes on
// after it, prefix removed (AbstractConfig.originalsWithPrefix).
func withPrefix(m map[string]string, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if rest, ok := strings.CutPrefix(k, prefix); ok && rest != "" {
			out[rest] = v
		}
	}
	return out
}
