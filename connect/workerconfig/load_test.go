package workerconfig

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "worker.properties")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadJavaSyntax(t *testing.T) {
	content := "# comment\n" +
		"! another comment\n" +
		"a=1\n" +
		"b : 2\n" +
		"c 3\n" +
		"   d=  spaced value  \n" +
		"e=first \\\n    second\n" +
		"f=crlf \\\r\n  continued\r\n" +
		"g=\\u0041\\u00e9\\t\\=\n" +
		"h=latin \xe9\n" +
		"i=${file:/etc/secrets.properties:password}\n" +
		"j=${env:HOME}/x\n" +
		"k\n" +
		"a=override\n" +
		"=orphan value\n" +
		"  : orphan \\\n   continued=still orphan\n" +
		"m=after orphans\n" +
		"l=ends with backslash \\"
	got, err := Load(writeFile(t, content))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"a": "override",
		"b": "2",
		"c": "3",
		"d": "spaced value  ",
		"e": "first second",
		"f": "crlf continued",
		"g": "A\u00e9\t=",
		"h": "latin \u00e9",
		"i": "${file:/etc/secrets.properties:password}",
		"j": "${env:HOME}/x",
		"k": "",
		"l": "ends with backslash ",
		"m": "after orphans",
	}
	if len(got) != len(want) {
		t.Errorf("got %d keys %q, want %d", len(got), got, len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestParsePropertiesLeaksNoGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	for i := 0; i < 50; i++ {
		_, _ = parseProperties([]byte("=x\n:y\na=\\u00zz\n"))
	}
	// Finished lexer goroutines exit promptly; blocked ones never do.
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before+5 {
		if time.Now().After(deadline) {
			t.Fatalf("goroutines: %d before, %d after", before, runtime.NumGoroutine())
		}
		runtime.Gosched()
	}
}

func TestLoadUTF8BOM(t *testing.T) {
	got, err := Load(writeFile(t, "\xEF\xBB\xBFgroup.id=g\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got["group.id"] != "g" {
		t.Fatalf("got %q", got)
	}
}

func TestLoadMalformed(t *testing.T) {
	p := writeFile(t, "a=1\nb=bad \\u00zz escape\n")
	_, err := Load(p)
	if err == nil {
		t.Fatal("want error")
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("error has more than one line: %q", msg)
	}
	want := "invalid worker properties " + p + ": line 2: invalid unicode literal"
	if msg != want {
		t.Errorf("error = %q, want %q", msg, want)
	}
}

func TestLoadMissingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nope.properties")
	_, err := Load(p)
	if err == nil {
		t.Fatal("want error")
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v does not wrap fs.ErrNotExist", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || !strings.Contains(msg, p) {
		t.Errorf("error = %q; want one line naming %s", msg, p)
	}
}

func FuzzParseProperties(f *testing.F) {
	for _, s := range []string{"a=b\n", "a=\\u00zz", "k\\\n v", "=x", "a=b\\", "#x\n!y\na:b c\\\r\n d"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = parseProperties(data)
	})
}
