package configprovider_test

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferrykafka/ferry/connect/configprovider"
	"github.com/ferrykafka/ferry/connect/workerconfig"
)

func write(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// newTransformer configures one provider "p" of class with params
// (name, value pairs), collecting its warnings.
func newTransformer(t *testing.T, class string, params ...string) (*configprovider.Transformer, *[]string) {
	t.Helper()
	props := map[string]string{"config.providers": "p", "config.providers.p.class": class}
	for i := 0; i+1 < len(params); i += 2 {
		props["config.providers.p.param."+params[i]] = params[i+1]
	}
	var warnings []string
	tr, err := configprovider.New(props, configprovider.Options{
		ParseProperties: workerconfig.ParsePropertiesUTF8,
		Warn:            func(m string) { warnings = append(warnings, m) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return tr, &warnings
}

func mustTransform(t *testing.T, tr *configprovider.Transformer, in map[string]string) map[string]string {
	t.Helper()
	out, err := tr.Transform(in)
	if err != nil {
		t.Fatalf("Transform(%v): %v", in, err)
	}
	return out
}

func TestFileConfigProvider(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	secrets := write(t, filepath.Join(dir, "secrets.properties"),
		"# secrets\n"+
			"password = s3cr\\u00e9t\n"+
			"jaas=org.apache.kafka.common.security.plain.PlainLoginModule required \\\n"+
			"    username=\"alice\" password=\"\u00e4lice-secret\";\n"+
			"ref=${file:/elsewhere:key}\n")
	tr, warnings := newTransformer(t, configprovider.FileConfigProviderClass)
	got := mustTransform(t, tr, map[string]string{
		"ssl.key.password": "${p:" + secrets + ":password}",
		"sasl.jaas.config": "${p:" + secrets + ":jaas}",
		"missing":          "${p:" + secrets + ":nope}",
		"indirect":         "${p:" + secrets + ":ref}",
		"no.path":          "${p:password}",
		"other":            "${env:HOME}",
	})
	want := map[string]string{
		"ssl.key.password": "s3cr\u00e9t",
		"sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="` + "\u00e4" + `lice-secret";`,
		"missing":          "${p:" + secrets + ":nope}",
		"indirect":         "${file:/elsewhere:key}",
		"no.path":          "${p:password}", // an empty path reads nothing
		"other":            "${env:HOME}",
	}
	if !maps.Equal(got, want) {
		t.Errorf("Transform = %q\nwant %q", got, want)
	}
	if len(*warnings) != 0 {
		t.Errorf("warnings %q", *warnings)
	}

	// A file that cannot be read fails the transformation (Java's
	// ConfigException), and so does one that is not UTF-8.
	missing := filepath.Join(dir, "missing.properties")
	_, err := tr.Transform(map[string]string{"a": "${p:" + missing + ":k}"})
	if err == nil || !strings.HasPrefix(err.Error(), "Could not read properties from file "+missing) {
		t.Errorf("missing file: %v", err)
	}
	latin1 := write(t, filepath.Join(dir, "latin1.properties"), "k=caf\xe9\n")
	if _, err := tr.Transform(map[string]string{"a": "${p:" + latin1 + ":k}"}); err == nil ||
		!strings.HasPrefix(err.Error(), "Could not read properties from file "+latin1) {
		t.Errorf("file that is not UTF-8: %v", err)
	}
}

// Java's FileConfigProviderTest cases for allowed.paths.
func TestFileConfigProviderAllowedPaths(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	dir := filepath.Join(parent, "dir")
	dirFile := write(t, filepath.Join(dir, "dirFile"), "testKey=testResult\n")
	dirFile2 := write(t, filepath.Join(dir, "dirFile2"), "testKey=testResult2\n")
	siblingDir := filepath.Join(parent, "siblingDir")
	siblingDirFile := write(t, filepath.Join(siblingDir, "siblingDirFile"), "testKey=sibling\n")
	prefixDirFile := write(t, filepath.Join(parent, "dirx", "f"), "testKey=prefix\n")

	ref := func(path string) map[string]string { return map[string]string{"v": "${p:" + path + ":testKey}"} }
	for _, c := range []struct {
		name, allowed, path, want string
	}{
		{"allowed dir", dir, dirFile, "testResult"},
		{"allowed file", dirFile, dirFile, "testResult"},
		{"two allowed paths, first", dir + "," + siblingDir, dirFile, "testResult"},
		{"two allowed paths, second", dir + "," + siblingDir, siblingDirFile, "sibling"},
		{"allowed dir with trailing separator", dir + "/", dirFile, "testResult"},
		{"not allowed dir", dir, siblingDirFile, ""},
		{"not allowed file in the same dir", dirFile, dirFile2, ""},
		{"no traversal", dirFile, dirFile + "/../../siblingDir/siblingDirFile", ""},
		{"a name that only starts like the allowed dir", dir, prefixDirFile, ""},
		{"normalised into the allowed dir", dir, siblingDir + "/../dir/dirFile", "testResult"},
		{"relative path", dir, "dir/dirFile", ""},
	} {
		tr, warnings := newTransformer(t, configprovider.FileConfigProviderClass, "allowed.paths", c.allowed)
		got := mustTransform(t, tr, ref(c.path))["v"]
		if c.want == "" {
			if got != ref(c.path)["v"] {
				t.Errorf("%s: %s resolved to %q; want it left as is", c.name, c.path, got)
			}
			if len(*warnings) != 1 || (*warnings)[0] != "The path "+c.path+" is not allowed to be accessed" {
				t.Errorf("%s: warnings %q", c.name, *warnings)
			}
			continue
		}
		if got != c.want {
			t.Errorf("%s: %s resolved to %q, want %q", c.name, c.path, got, c.want)
		}
	}
}

func TestAllowedPathsMustBeAbsoluteAndExist(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, class := range []string{configprovider.FileConfigProviderClass, configprovider.DirectoryConfigProviderClass} {
		for allowed, want := range map[string]string{
			"relative/dir":                      "Path relative/dir is not absolute",
			dir + ", " + dir:                    "Path  " + dir + " is not absolute", // not trimmed, as in Java
			filepath.Join(dir, "nope"):          "Path " + filepath.Join(dir, "nope") + " does not exist",
			dir + "," + filepath.Join(dir, "x"): "Path " + filepath.Join(dir, "x") + " does not exist",
		} {
			_, err := configprovider.New(map[string]string{
				"config.providers":                             "secrets",
				"config.providers.secrets.class":               class,
				"config.providers.secrets.param.allowed.paths": allowed,
			}, configprovider.Options{ParseProperties: workerconfig.ParsePropertiesUTF8})
			prefix := "Invalid value " + allowed + " for configuration config.providers.secrets.param.allowed.paths: "
			if err == nil || err.Error() != prefix+want {
				t.Errorf("%s allowed.paths=%q: error %v\nwant %q", class, allowed, err, prefix+want)
			}
		}
		// An empty value allows every path, as an unset one does.
		if _, err := configprovider.New(map[string]string{
			"config.providers": "s", "config.providers.s.class": class, "config.providers.s.param.allowed.paths": "",
		}, configprovider.Options{ParseProperties: workerconfig.ParsePropertiesUTF8}); err != nil {
			t.Errorf("%s allowed.paths empty: %v", class, err)
		}
	}
}

// Java's DirectoryConfigProviderTest cases.
func TestDirectoryConfigProvider(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	dir := filepath.Join(parent, "dir")
	write(t, filepath.Join(dir, "foo"), "FOO")
	write(t, filepath.Join(dir, "bar"), "BAR\n")
	subdir := filepath.Join(dir, "subdir")
	write(t, filepath.Join(subdir, "subdirFile"), "SUBDIRFILE")
	siblingDir := filepath.Join(parent, "siblingDir")
	write(t, filepath.Join(siblingDir, "siblingDirFile"), "SIBLINGDIRFILE")
	write(t, filepath.Join(parent, "siblingFile"), "SIBLINGFILE")
	// Kubernetes mounts secrets as symbolic links.
	if err := os.Symlink(filepath.Join(dir, "foo"), filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}

	tr, warnings := newTransformer(t, configprovider.DirectoryConfigProviderClass)
	in := map[string]string{
		"foo":        "${p:" + dir + ":foo}",
		"bar":        "[${p:" + dir + ":bar}]",
		"baz":        "${p:" + dir + ":baz}",
		"link":       "${p:" + dir + ":link}",
		"subdir":     "${p:" + dir + ":subdir}",
		"nested":     "${p:" + dir + ":subdir/subdirFile}",
		"traversal":  "${p:" + dir + ":../siblingFile}",
		"traversal2": "${p:" + dir + ":../siblingDir/siblingDirFile}",
		"sub":        "${p:" + subdir + ":subdirFile}",
		"no.path":    "${p:foo}",
	}
	got := mustTransform(t, tr, in)
	want := maps.Clone(in)
	want["foo"] = "FOO"
	want["bar"] = "[BAR\n]" // the content as is
	want["link"] = "FOO"
	want["sub"] = "SUBDIRFILE"
	if !maps.Equal(got, want) {
		t.Errorf("Transform = %q\nwant %q", got, want)
	}
	if len(*warnings) != 0 {
		t.Errorf("warnings %q", *warnings)
	}

	// A path that is not a directory reads nothing, with Java's warning.
	file := filepath.Join(parent, "siblingFile")
	ref := "${p:" + file + ":x}"
	if got := mustTransform(t, tr, map[string]string{"v": ref})["v"]; got != ref || len(*warnings) != 1 ||
		(*warnings)[0] != "The path "+file+" is not a directory" {
		t.Errorf("not a directory: %q, warnings %q", got, *warnings)
	}
}

func TestDirectoryConfigProviderAllowedPaths(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	dir := filepath.Join(parent, "dir")
	write(t, filepath.Join(dir, "foo"), "FOO")
	subdir := filepath.Join(dir, "subdir")
	write(t, filepath.Join(subdir, "subdirFile"), "SUBDIRFILE")
	siblingDir := filepath.Join(parent, "siblingDir")
	write(t, filepath.Join(siblingDir, "siblingDirFile"), "SIBLINGDIRFILE")

	tr, warnings := newTransformer(t, configprovider.DirectoryConfigProviderClass, "allowed.paths", dir+","+siblingDir)
	in := map[string]string{
		"sub":       "${p:" + subdir + ":subdirFile}",
		"sibling":   "${p:" + siblingDir + ":siblingDirFile}",
		"traversal": "${p:" + dir + "/../siblingDir:siblingDirFile}",
		"parent":    "${p:" + parent + ":x}",
	}
	got := mustTransform(t, tr, in)
	want := maps.Clone(in)
	want["sub"] = "SUBDIRFILE"
	want["sibling"] = "SIBLINGDIRFILE"
	want["traversal"] = "SIBLINGDIRFILE" // normalised, it is the allowed sibling dir
	if !maps.Equal(got, want) {
		t.Errorf("Transform = %q\nwant %q", got, want)
	}
	if len(*warnings) != 1 || (*warnings)[0] != "The path "+parent+" is not allowed to be accessed" {
		t.Errorf("warnings %q", *warnings)
	}

	only, _ := newTransformer(t, configprovider.DirectoryConfigProviderClass, "allowed.paths", dir)
	ref := "${p:" + dir + "/../siblingDir:siblingDirFile}"
	if got := mustTransform(t, only, map[string]string{"v": ref})["v"]; got != ref {
		t.Errorf("traversal out of the allowed dir resolved to %q", got)
	}
}

// The environment is the process's: these tests set variables, so they do
// not run in parallel.
func TestEnvVarConfigProvider(t *testing.T) {
	t.Setenv("FERRY_CP_TEST_VAR1", "value1")
	t.Setenv("FERRY_CP_SECRET_VAR2", "value2")
	t.Setenv("FERRY_CP_EMPTY", "")

	tr, _ := newTransformer(t, configprovider.EnvVarConfigProviderClass)
	in := map[string]string{
		"a":     "${p:FERRY_CP_TEST_VAR1}",
		"b":     "x-${p:FERRY_CP_SECRET_VAR2}-y",
		"empty": "${p:FERRY_CP_EMPTY}",
		"unset": "${p:FERRY_CP_UNSET}",
		// Java's ${env::NAME}: the empty path is no path.
		"empty.path": "${p::FERRY_CP_TEST_VAR1}",
	}
	got := mustTransform(t, tr, in)
	want := map[string]string{"a": "value1", "b": "x-value2-y", "empty": "", "unset": "${p:FERRY_CP_UNSET}", "empty.path": "value1"}
	if !maps.Equal(got, want) {
		t.Errorf("Transform = %q\nwant %q", got, want)
	}
	// A path is an error (Java's ConfigException).
	_, err := tr.Transform(map[string]string{"a": "${p:some/path:FERRY_CP_TEST_VAR1}"})
	if err == nil || err.Error() != "Path is not supported for EnvVarConfigProvider, invalid value 'some/path'" {
		t.Errorf("path given to the env provider: %v", err)
	}

	// allowlist.pattern must match the whole name.
	secretOnly, _ := newTransformer(t, configprovider.EnvVarConfigProviderClass, "allowlist.pattern", "FERRY_CP_SECRET_.*")
	in = map[string]string{"a": "${p:FERRY_CP_TEST_VAR1}", "b": "${p:FERRY_CP_SECRET_VAR2}"}
	if got := mustTransform(t, secretOnly, in); got["a"] != in["a"] || got["b"] != "value2" {
		t.Errorf("allowlist.pattern FERRY_CP_SECRET_.*: %q", got)
	}
	partial, _ := newTransformer(t, configprovider.EnvVarConfigProviderClass, "allowlist.pattern", "SECRET")
	if got := mustTransform(t, partial, in); got["b"] != in["b"] {
		t.Errorf("allowlist.pattern SECRET matched part of a name: %q", got)
	}

	// The environment is read when the provider is built.
	t.Setenv("FERRY_CP_LATER", "later")
	if got := mustTransform(t, tr, map[string]string{"a": "${p:FERRY_CP_LATER}"}); got["a"] != "${p:FERRY_CP_LATER}" {
		t.Errorf("variable set after New: %q", got["a"])
	}

	_, err = configprovider.New(map[string]string{
		"config.providers": "env", "config.providers.env.class": configprovider.EnvVarConfigProviderClass,
		"config.providers.env.param.allowlist.pattern": "(unclosed",
	}, configprovider.Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "Invalid value (unclosed for configuration config.providers.env.param.allowlist.pattern: ") {
		t.Errorf("invalid allowlist.pattern: %v", err)
	}
}
