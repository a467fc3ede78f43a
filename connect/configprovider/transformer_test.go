package configprovider

import (
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

// testProvider is Java's ConfigTransformerTest.TestConfigProvider, and it
// records what it was asked.
type testProvider struct {
	mu    sync.Mutex
	calls []string // "path:key,key"
	fail  error
}

func (p *testProvider) get(path string, keys []string, _ func(string)) (map[string]string, error) {
	p.mu.Lock()
	p.calls = append(p.calls, path+":"+strings.Join(keys, ","))
	p.mu.Unlock()
	if p.fail != nil {
		return nil, p.fail
	}
	out := map[string]string{}
	for _, k := range keys {
		switch {
		case path == "testPath" && k == "testKey":
			out[k] = "testResult"
		case path == "testPath" && k == "testIndirection":
			out[k] = "${test:testPath:testResult}"
		case path == "testPath" && k == "c:d":
			out[k] = "colon key"
		case path == "" && k == "testKey":
			out[k] = "testResultNoPath"
		case path == "" && k == "":
			out[k] = "empty key"
		case path == "${b" && k == "c":
			out[k] = "nested"
		}
	}
	return out, nil
}

func testTransformer(p provider) *Transformer {
	return &Transformer{providers: map[string]provider{"test": p}}
}

func transformOne(t *testing.T, tr *Transformer, v string) string {
	t.Helper()
	out, err := tr.Transform(map[string]string{"myKey": v})
	if err != nil {
		t.Fatalf("Transform(%q): %v", v, err)
	}
	return out["myKey"]
}

// The cases of Java's ConfigTransformerTest, and the pattern's corners.
func TestTransformJavaCases(t *testing.T) {
	t.Parallel()
	tr := testTransformer(&testProvider{})
	for _, c := range []struct{ in, want string }{
		{"${test:testPath:testKey}", "testResult"},
		{"hello, ${test:testPath:testKey}; goodbye, ${test:testKey}!!!", "hello, testResult; goodbye, testResultNoPath!!!"},
		{"${test:testPath:missingKey}", "${test:testPath:missingKey}"},
		// One level of indirection only.
		{"${test:testPath:testIndirection}", "${test:testPath:testResult}"},
		{"${test:testKey}", "testResultNoPath"},
		{"first ${test:testKey}; second ${test:testKey}", "first testResultNoPath; second testResultNoPath"},
		// Unknown providers are left as they are, also between resolved ones.
		{"${other:testPath:testKey}", "${other:testPath:testKey}"},
		{"${other:x} and ${test:testKey} and ${vault:a:b}", "${other:x} and testResultNoPath and ${vault:a:b}"},
		// The lazy groups: the path ends at the second colon, the key
		// takes the rest.
		{"${test:testPath:c:d}", "colon key"},
		// An empty key, no key at all, no colon.
		{"${test:}", "empty key"},
		{"${test}", "${test}"},
		{"${test:testKey", "${test:testKey"},
		{"$test:testKey}", "$test:testKey}"},
		{"{test:testKey}", "{test:testKey}"},
		// [^}] stops at the first "}": "${test:${b:c}}" is provider
		// test, path "${b", key c, then a literal "}".
		{"${test:${b:c}}", "nested}"},
		{"no reference", "no reference"},
		{"", ""},
		{"$${test:testKey}}", "$testResultNoPath}"},
	} {
		if got := transformOne(t, tr, c.in); got != c.want {
			t.Errorf("Transform(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTransformAsksOncePerPath(t *testing.T) {
	t.Parallel()
	p := &testProvider{}
	in := map[string]string{
		"a": "${test:testPath:testKey}",
		"b": "${test:testPath:testIndirection} ${test:testPath:testKey}",
		"c": "${test:testKey}",
		"d": "plain",
		"e": "${unknown:testPath:testKey}",
	}
	orig := maps.Clone(in)
	out, err := testTransformer(p).Transform(in)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(in, orig) {
		t.Errorf("Transform modified its input: %v", in)
	}
	want := map[string]string{
		"a": "testResult",
		"b": "${test:testPath:testResult} testResult",
		"c": "testResultNoPath",
		"d": "plain",
		"e": "${unknown:testPath:testKey}",
	}
	if !maps.Equal(out, want) {
		t.Errorf("Transform = %v, want %v", out, want)
	}
	if want := []string{":testKey", "testPath:testIndirection,testKey"}; !slices.Equal(p.calls, want) {
		t.Errorf("provider asked %q, want %q", p.calls, want)
	}
}

func TestTransformProviderError(t *testing.T) {
	t.Parallel()
	boom := errors.New("Could not read properties from file /x")
	tr := testTransformer(&testProvider{fail: boom})
	if _, err := tr.Transform(map[string]string{"a": "${test:/x:k}"}); !errors.Is(err, boom) {
		t.Errorf("Transform error = %v, want the provider's", err)
	}
	// A failing provider that no value refers to is never asked.
	if out, err := tr.Transform(map[string]string{"a": "${other:/x:k}"}); err != nil || out["a"] != "${other:/x:k}" {
		t.Errorf("Transform without references to the provider = %v, %v", out, err)
	}
}

func TestNilAndEmptyTransformer(t *testing.T) {
	t.Parallel()
	in := map[string]string{"a": "${file:/x:k}"}
	for _, tr := range []*Transformer{nil, {}} {
		out, err := tr.Transform(in)
		if err != nil || !maps.Equal(out, in) {
			t.Errorf("Transform = %v, %v; want the input unchanged", out, err)
		}
		out["a"] = "changed"
		if in["a"] != "${file:/x:k}" {
			t.Error("Transform returned its input map")
		}
	}
	var tr *Transformer
	if got := tr.Providers(); got != nil {
		t.Errorf("nil Providers = %v", got)
	}
}

func TestNewConfiguresProviders(t *testing.T) {
	t.Parallel()
	tr, err := New(map[string]string{
		ProvidersKey:                      " file , dir,,env,noclass",
		"config.providers.file.class":     FileConfigProviderClass,
		"config.providers.dir.class":      DirectoryConfigProviderClass,
		"config.providers.env.class":      EnvVarConfigProviderClass,
		"config.providers.unlisted.class": "com.example.Unlisted",
	}, Options{ParseProperties: func([]byte) (map[string]string, error) { return nil, nil }})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tr.Providers(), []string{"dir", "env", "file"}; !slices.Equal(got, want) {
		t.Errorf("Providers = %q, want %q", got, want)
	}
	// A listed name without a class is skipped: its references stay.
	out, err := tr.Transform(map[string]string{"a": "${noclass:x}"})
	if err != nil || out["a"] != "${noclass:x}" {
		t.Errorf("reference to a provider without class = %q, %v", out["a"], err)
	}
}

func TestNewRefusesUnknownClass(t *testing.T) {
	t.Parallel()
	_, err := New(map[string]string{
		ProvidersKey:                   "vault",
		"config.providers.vault.class": "io.example.VaultConfigProvider",
	}, Options{})
	if err == nil {
		t.Fatal("New accepted an unknown class")
	}
	want := "Invalid value io.example.VaultConfigProvider for configuration config.providers.vault.class: " +
		"Could not load config provider class or one of its dependencies. Ferry supports " +
		DirectoryConfigProviderClass + ", " + EnvVarConfigProviderClass + ", " + FileConfigProviderClass
	if err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err, want)
	}
	// Aliases are not class names.
	if _, err := New(map[string]string{ProvidersKey: "f", "config.providers.f.class": "FileConfigProvider"}, Options{}); err == nil {
		t.Error("New accepted the alias FileConfigProvider")
	}
}

func TestNewNeedsAParserForFiles(t *testing.T) {
	t.Parallel()
	_, err := New(map[string]string{ProvidersKey: "f", "config.providers.f.class": FileConfigProviderClass}, Options{})
	if err == nil || !strings.Contains(err.Error(), "ParseProperties") {
		t.Errorf("New without a parser = %v", err)
	}
}

func TestReverseTransform(t *testing.T) {
	t.Parallel()
	raw := map[string]string{
		"password": "${file:/s.properties:password}",
		"mixed":    "user-${env:USER}",
		"plain":    "x",
		"unknown":  "${nobody:k}",
		"absent":   "${file:/s.properties:other}",
	}
	tasks := []map[string]string{
		{"password": "secret", "mixed": "user-bob", "plain": "y", "unknown": "resolved?", "task.id": "0"},
		{"task.id": "1"},
	}
	got := ReverseTransform(raw, tasks)
	want := []map[string]string{
		{"password": raw["password"], "mixed": raw["mixed"], "plain": "y", "unknown": raw["unknown"], "task.id": "0"},
		{"task.id": "1"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReverseTransform = %v\nwant %v", got, want)
	}
	if tasks[0]["password"] != "secret" {
		t.Error("ReverseTransform modified its input")
	}
}

func TestHasReference(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{
		"${a:b}": true, "x${a:b:c}y": true, "${:}": true, "${ab}": false, "$a:b}": false, "": false,
	} {
		if got := HasReference(v); got != want {
			t.Errorf("HasReference(%q) = %v", v, got)
		}
	}
}
