package kafkaharness

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// These tests need neither Java nor Maven.

func TestPomMatchesKafkaVersion(t *testing.T) {
	m := regexp.MustCompile(`<kafka\.version>([^<]+)</kafka\.version>`).FindSubmatch(pomXML)
	if m == nil {
		t.Fatal("pom.xml has no <kafka.version> property")
	}
	if got := string(m[1]); got != KafkaVersion {
		t.Fatalf("pom.xml kafka.version = %s, KafkaVersion = %s", got, KafkaVersion)
	}
	for _, a := range []string{"kafka_2.13", "connect-runtime", "connect-mirror", "connect-mirror-client", "connect-json", "log4j-slf4j-impl", "maven-dependency-plugin"} {
		if !strings.Contains(string(pomXML), "<artifactId>"+a+"</artifactId>") {
			t.Errorf("pom.xml does not name %s", a)
		}
	}
}

func TestCacheDir(t *testing.T) {
	t.Setenv("FERRY_KAFKA_CACHE", "")
	t.Setenv("XDG_CACHE_HOME", "/xdg")
	if d, _ := CacheDir(); d != "/xdg/ferry/kafka-"+KafkaVersion {
		t.Errorf("with XDG_CACHE_HOME: %s", d)
	}
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "/home/u")
	if d, _ := CacheDir(); d != "/home/u/.cache/ferry/kafka-"+KafkaVersion {
		t.Errorf("with HOME: %s", d)
	}
	t.Setenv("FERRY_KAFKA_CACHE", "/c/k")
	if d, _ := CacheDir(); d != "/c/k" {
		t.Errorf("with FERRY_KAFKA_CACHE: %s", d)
	}
}

func TestCacheRefusedInsideRepository(t *testing.T) {
	repo, err := filepath.Abs("../..") // this package is test/kafkaharness
	if err != nil {
		t.Fatal(err)
	}
	if root, ok := insideFerryRepo(filepath.Join(repo, ".cache", "kafka")); !ok || root != repo {
		t.Fatalf("insideFerryRepo(<repo>/.cache/kafka) = %q, %v", root, ok)
	}
	if _, ok := insideFerryRepo(t.TempDir()); ok {
		t.Fatal("a temporary directory counts as inside the repository")
	}
	t.Setenv("FERRY_KAFKA_CACHE", filepath.Join(repo, ".cache", "kafka"))
	_, err = EnsureJars(context.Background())
	if err == nil || !strings.Contains(err.Error(), "inside the repository") {
		t.Fatalf("EnsureJars with a cache in the repository: %v", err)
	}
	if _, err := os.Stat(filepath.Join(repo, ".cache", "kafka")); err == nil {
		t.Fatal("EnsureJars created the cache inside the repository")
	}
}

func TestJarIs(t *testing.T) {
	cases := []struct {
		jar, name, version string
		want               bool
	}{
		{"kafka-server-4.3.1.jar", "kafka-server", "4.3.1", true},
		{"kafka-server-common-4.3.1.jar", "kafka-server", "4.3.1", false},
		{"kafka-server-4.3.0.jar", "kafka-server", "4.3.1", false},
		{"log4j-core-2.25.4.jar", "log4j-core", "", true},
		{"log4j-core-api-2.25.4.jar", "log4j-core", "", false},
		{"connect-mirror-client-4.3.1.jar", "connect-mirror", "4.3.1", false},
		{"connect-mirror-4.3.1.jar", "connect-mirror", "4.3.1", true},
	}
	for _, c := range cases {
		if got := jarIs(c.jar, c.name, c.version); got != c.want {
			t.Errorf("jarIs(%q, %q, %q) = %v", c.jar, c.name, c.version, got)
		}
	}
}

// fakeLibs writes a jar for every required artifact, and the marker.
func fakeLibs(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, r := range requiredJars {
		v := r.version
		if v == "" {
			v = "1.0"
		}
		if err := os.WriteFile(filepath.Join(dir, r.name+"-"+v+".jar"), []byte(r.name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeMarker(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestVerifyLibs(t *testing.T) {
	dir := fakeLibs(t)
	if err := verifyLibs(dir); err != nil {
		t.Fatalf("complete cache: %v", err)
	}

	jar := filepath.Join(dir, "kafka-server-"+KafkaVersion+".jar")
	if err := os.WriteFile(jar, []byte("truncated"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := verifyLibs(dir); err == nil {
		t.Error("a jar whose size changed verified")
	}
	if err := os.Remove(jar); err != nil {
		t.Fatal(err)
	}
	if err := verifyLibs(dir); err == nil {
		t.Error("a missing jar verified")
	}

	dir = fakeLibs(t)
	marker := filepath.Join(dir, markerName)
	b, _ := os.ReadFile(marker)
	if err := os.WriteFile(marker, []byte(strings.Replace(string(b), "pom.sha256=", "pom.sha256=0", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := verifyLibs(dir); err == nil {
		t.Error("a cache fetched from another pom verified")
	}

	if err := verifyLibs(t.TempDir()); err == nil {
		t.Error("a directory without marker verified")
	}
}

func TestWriteMarkerRefusesIncomplete(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "kafka_2.13-"+KafkaVersion+".jar"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := writeMarker(dir)
	if err == nil || !strings.Contains(err.Error(), "log4j-slf4j-impl-*.jar") {
		t.Fatalf("writeMarker on an incomplete classpath: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, markerName)); err == nil {
		t.Fatal("marker written for an incomplete classpath")
	}
}

func TestTailFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	var b strings.Builder
	for i := 1; i <= 20000; i++ { // larger than one read chunk
		fmt.Fprintf(&b, "line %d\n", i)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := tailFile(path, 3)
	if err != nil || got != "line 19998\nline 19999\nline 20000" {
		t.Fatalf("tailFile = %q, %v", got, err)
	}
	if got, _ := tailFile(path, 0); got != "" {
		t.Fatalf("tailFile(0) = %q", got)
	}
	short := filepath.Join(t.TempDir(), "short")
	if err := os.WriteFile(short, []byte("a\nb"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _ := tailFile(short, 5); got != "a\nb" {
		t.Fatalf("tailFile(short) = %q", got)
	}
}

func TestJavaMajor(t *testing.T) {
	for out, want := range map[string]int{
		`openjdk version "17.0.15" 2025-04-15`:   17,
		`openjdk version "25" 2025-09-16`:        25,
		`java version "1.8.0_392"`:               8,
		`openjdk version "21.0.2-ea" 2024-01-16`: 21,
	} {
		if got, err := javaMajor(out); err != nil || got != want {
			t.Errorf("javaMajor(%q) = %d, %v; want %d", out, got, err, want)
		}
	}
	if _, err := javaMajor("bash: java: not found"); err == nil {
		t.Error("javaMajor accepted garbage")
	}
}

func TestPropEscape(t *testing.T) {
	if got := propEscape(`C:\dir\x`); got != `C:\\dir\\x` {
		t.Errorf("propEscape = %s", got)
	}
	if got := propKeyEscape("a b=c:d"); got != `a\ b\=c\:d` {
		t.Errorf("propKeyEscape = %s", got)
	}
}

func TestFreePortsDistinct(t *testing.T) {
	seen := map[int]bool{}
	for i := 0; i < 5; i++ {
		ports, err := freePorts(3)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ports {
			if seen[p] {
				t.Fatalf("port %d handed out twice", p)
			}
			seen[p] = true
		}
	}
}

func TestClusterIDShape(t *testing.T) {
	for i := 0; i < 100; i++ {
		id := newClusterID()
		if len(id) != 22 || strings.HasPrefix(id, "-") || strings.ContainsAny(id, "+/=") {
			t.Fatalf("bad cluster id %q", id)
		}
	}
}
