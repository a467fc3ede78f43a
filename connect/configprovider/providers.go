package configprovider

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// allowedPaths is Java's AllowedPaths: nil allows every path.
type allowedPaths []string

// newAllowedPaths reads the allowed.paths parameter: unset or empty
// allows everything; otherwise every comma-separated entry (not trimmed,
// as in Java) must be an absolute path that exists.
func newAllowedPaths(params map[string]string, param string) (allowedPaths, error) {
	v := params[param]
	if v == "" {
		return nil, nil
	}
	var out allowedPaths
	for _, p := range javaSplitComma(v) {
		n := normalize(p)
		if !filepath.IsAbs(n) {
			return nil, fmt.Errorf("Path %s is not absolute", n) //nolint:staticcheck // Java's text
		}
		if _, err := os.Stat(n); err != nil {
			return nil, fmt.Errorf("Path %s does not exist", n) //nolint:staticcheck // Java's text
		}
		out = append(out, n)
	}
	return out, nil
}

// parseUntrustedPath is AllowedPaths.parseUntrustedPath: the path to read,
// or ok=false when it is outside the allowed paths. With allowed paths the
// path is normalised first ("/a/b/../c" is "/a/c"), and it must be one of
// them or below one, name by name ("/a/bc" is not below "/a/b").
func (a allowedPaths) parseUntrustedPath(path string) (string, bool) {
	if a == nil {
		return path, true
	}
	n := normalize(path)
	for _, base := range a {
		if n == base || strings.HasPrefix(n, strings.TrimSuffix(base, string(filepath.Separator))+string(filepath.Separator)) {
			return n, true
		}
	}
	return "", false
}

// normalize is Java's Path.normalize: "." and "x/.." removed, a trailing
// separator dropped; the empty path stays empty.
func normalize(p string) string {
	if p == "" {
		return ""
	}
	return filepath.Clean(p)
}

// javaSplitComma is String.split(","): trailing empty strings dropped.
func javaSplitComma(v string) []string {
	parts := strings.Split(v, ",")
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// fileProvider is FileConfigProvider: a path is a Java properties file.
type fileProvider struct {
	allowed allowedPaths
	parse   func([]byte) (map[string]string, error)
}

func (p *fileProvider) get(path string, keys []string, warn func(string)) (map[string]string, error) {
	out := map[string]string{}
	if path == "" {
		return out, nil
	}
	file, ok := p.allowed.parseUntrustedPath(path)
	if !ok {
		warn(fmt.Sprintf("The path %s is not allowed to be accessed", path))
		return out, nil
	}
	data, err := os.ReadFile(file)
	if err == nil && !utf8.Valid(data) {
		err = errors.New("the file is not valid UTF-8")
	}
	var props map[string]string
	if err == nil {
		props, err = p.parse(data)
	}
	if err != nil {
		return nil, fmt.Errorf("Could not read properties from file %s: %w", path, err) //nolint:staticcheck // Java's text
	}
	for _, k := range keys {
		if v, ok := props[k]; ok {
			out[k] = v
		}
	}
	return out, nil
}

// dirProvider is DirectoryConfigProvider: a path is a directory, a key the
// name of a regular file directly in it, the value its content.
type dirProvider struct {
	allowed allowedPaths
}

func (p *dirProvider) get(path string, keys []string, warn func(string)) (map[string]string, error) {
	out := map[string]string{}
	if path == "" {
		return out, nil
	}
	dir, ok := p.allowed.parseUntrustedPath(path)
	if !ok {
		warn(fmt.Sprintf("The path %s is not allowed to be accessed", path))
		return out, nil
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		warn(fmt.Sprintf("The path %s is not a directory", path))
		return out, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("Could not list directory %s: %w", dir, err) //nolint:staticcheck // Java's text
	}
	for _, e := range entries {
		name := e.Name()
		if !slices.Contains(keys, name) {
			continue
		}
		file := filepath.Join(dir, name)
		// Java's Files.isRegularFile follows symbolic links (Kubernetes
		// mounts secrets as links).
		if st, err := os.Stat(file); err != nil || !st.Mode().IsRegular() {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("Could not read file %s for property %s: %w", file, name, err) //nolint:staticcheck // Java's text
		}
		out[name] = string(data)
	}
	return out, nil
}

// envProvider is EnvVarConfigProvider: a key is an environment variable;
// paths are not supported.
type envProvider struct {
	vars map[string]string // the allowed variables
}

func newEnvProvider(params map[string]string) (*envProvider, error) {
	allow := regexp.MustCompile(`^(?s:.*)$`)
	if v, ok := params[AllowlistPatternParam]; ok {
		re, err := regexp.Compile(`^(?:` + v + `)$`)
		if err != nil {
			return nil, err
		}
		allow = re
	}
	p := &envProvider{vars: map[string]string{}}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if k != "" && allow.MatchString(k) {
			p.vars[k] = v
		}
	}
	return p, nil
}

func (p *envProvider) get(path string, keys []string, _ func(string)) (map[string]string, error) {
	if path != "" {
		return nil, fmt.Errorf("Path is not supported for EnvVarConfigProvider, invalid value '%s'", path) //nolint:staticcheck // Java's text
	}
	out := map[string]string{}
	for _, k := range keys {
		if v, ok := p.vars[k]; ok {
			out[k] = v
		}
	}
	return out, nil
}
