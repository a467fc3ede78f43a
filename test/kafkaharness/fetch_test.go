package kafkaharness

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestEnsureJarsConcurrent fetches into an empty cache from three goroutines
// at once: one Maven run, one complete libs directory, no leftovers; then it
// damages the cache and checks that the next call repairs it. It needs mvn
// (and Maven Central, unless ~/.m2 already holds the jars).
func TestEnsureJarsConcurrent(t *testing.T) {
	RequireKafka(t)
	if _, err := exec.LookPath("mvn"); err != nil {
		if os.Getenv("FERRY_REQUIRE_KAFKA") == "1" {
			t.Fatal("FERRY_REQUIRE_KAFKA=1 but mvn is not on PATH")
		}
		t.Skip(loud("mvn is not on PATH (the jars are cached, so other tests run)"))
	}
	cache := filepath.Join(t.TempDir(), "cache")
	t.Setenv("FERRY_KAFKA_CACHE", cache)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()

	before := mvnRuns.Load()
	start := time.Now()
	var wg sync.WaitGroup
	dirs := make([]string, 3)
	errs := make([]error, 3)
	for i := range dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dirs[i], errs[i] = EnsureJars(ctx)
		}()
	}
	wg.Wait()
	t.Logf("three concurrent EnsureJars into an empty cache: %v", time.Since(start).Round(time.Millisecond))
	for i := range dirs {
		if errs[i] != nil {
			t.Fatalf("EnsureJars #%d: %v", i, errs[i])
		}
		if dirs[i] != filepath.Join(cache, "libs") {
			t.Fatalf("EnsureJars #%d = %s", i, dirs[i])
		}
	}
	if n := mvnRuns.Load() - before; n != 1 {
		t.Errorf("%d Maven runs for three concurrent callers, want 1", n)
	}
	if !Cached() {
		t.Fatal("cache incomplete after EnsureJars")
	}
	left, _ := filepath.Glob(filepath.Join(cache, "libs.*"))
	if len(left) > 0 {
		t.Errorf("leftovers: %v", left)
	}

	start = time.Now()
	if _, err := EnsureJars(ctx); err != nil || mvnRuns.Load()-before != 1 {
		t.Fatalf("EnsureJars on a complete cache: %v (Maven runs: %d)", err, mvnRuns.Load()-before)
	}
	t.Logf("EnsureJars on a complete cache: %v", time.Since(start))

	jars, _ := filepath.Glob(filepath.Join(cache, "libs", "log4j-slf4j-impl-*.jar"))
	if len(jars) != 1 {
		t.Fatalf("log4j-slf4j-impl jars: %v", jars)
	}
	if err := os.Remove(jars[0]); err != nil {
		t.Fatal(err)
	}
	if Cached() {
		t.Fatal("a cache missing a jar counts as complete")
	}
	if _, err := EnsureJars(ctx); err != nil {
		t.Fatalf("EnsureJars repairing the cache: %v", err)
	}
	if _, err := os.Stat(jars[0]); err != nil || mvnRuns.Load()-before != 2 {
		t.Fatalf("cache not repaired: %v (Maven runs: %d)", err, mvnRuns.Load()-before)
	}
}
