package kafkaharness

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestMirrorMakerArgs needs no Java: the command line is bin/
// connect-mirror-maker.sh's (heap, log4j2 file, every jar, the main class,
// then the caller's arguments in order), and the log4j2 file sends
// everything to the log.
func TestMirrorMakerArgs(t *testing.T) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "mirrormaker.log")
	args, err := mirrorMakerArgs("/libs", dir, logPath, []string{"/x/mm2.properties", "--clusters", "B", "C"})
	if err != nil {
		t.Fatal(err)
	}
	main := slices.Index(args, MirrorMakerMainClass)
	if main < 0 {
		t.Fatalf("no main class in %q", args)
	}
	if got, want := args[main+1:], []string{"/x/mm2.properties", "--clusters", "B", "C"}; !slices.Equal(got, want) {
		t.Errorf("arguments after the main class = %q; want %q", got, want)
	}
	before := args[:main]
	for _, want := range []string{"-Xmx512m", "-Dlog4j2.configurationFile=" + filepath.Join(dir, "log4j2.properties"), "-cp", "/libs/*"} {
		if !slices.Contains(before, want) {
			t.Errorf("JVM arguments %q lack %q", before, want)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "log4j2.properties"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "appender.file.fileName = "+logPath) || !strings.Contains(string(b), "org.reflections") {
		t.Errorf("log4j2.properties does not log to %s with org.reflections quieted:\n%s", logPath, b)
	}
	if !strings.HasPrefix(mirrorMakerDirPrefix, "ferry-connect-") {
		t.Errorf("directory prefix %q escapes sweepStale's ferry-connect-* glob", mirrorMakerDirPrefix)
	}
}
