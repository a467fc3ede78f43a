package kafkaharness

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// KafkaVersion is the Apache Kafka release the harness runs, broker and
// Connect alike. It must match <kafka.version> in pom.xml.
const KafkaVersion = "4.3.1"

//go:embed pom.xml
var pomXML []byte

const (
	libsDirName  = "libs"
	markerName   = ".ferry-fetch-complete"
	markerHeader = "ferry-kafkaharness-jars v1"
	lockName     = ".lock"
)

// requiredJars are the jars a usable cache must hold, by artifact name and
// version ("" for whatever version Maven picked): the broker (kafka_2.13 and
// its server modules), its logging (slf4j api, the log4j2 binding, log4j2
// core) and the Connect side with MirrorMaker 2.
var requiredJars = []struct{ name, version string }{
	{"kafka_2.13", KafkaVersion},
	{"kafka-clients", KafkaVersion},
	{"kafka-server", KafkaVersion},
	{"kafka-server-common", KafkaVersion},
	{"kafka-raft", KafkaVersion},
	{"kafka-metadata", KafkaVersion},
	{"kafka-storage", KafkaVersion},
	{"scala-library", ""},
	{"slf4j-api", ""},
	{"log4j-slf4j-impl", ""},
	{"log4j-api", ""},
	{"log4j-core", ""},
	{"connect-api", KafkaVersion},
	{"connect-runtime", KafkaVersion},
	{"connect-json", KafkaVersion},
	{"connect-mirror", KafkaVersion},
	{"connect-mirror-client", KafkaVersion},
	{"connect-transforms", KafkaVersion},
	{"jetty-server", ""},
	{"jersey-server", ""},
}

// CacheDir returns the directory that holds the fetched jars (in its libs
// subdirectory): $FERRY_KAFKA_CACHE if set, else
// $XDG_CACHE_HOME/ferry/kafka-<KafkaVersion>, else
// ~/.cache/ferry/kafka-<KafkaVersion>. It must lie outside the repository.
func CacheDir() (string, error) {
	if d := os.Getenv("FERRY_KAFKA_CACHE"); d != "" {
		return filepath.Abs(d)
	}
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("kafkaharness: no cache directory: set FERRY_KAFKA_CACHE or XDG_CACHE_HOME: %w", err)
		}
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "ferry", "kafka-"+KafkaVersion), nil
}

// PomXML returns the embedded Maven recipe (a copy of pom.xml).
func PomXML() []byte { return bytes.Clone(pomXML) }

func pomDigest() string {
	sum := sha256.Sum256(pomXML)
	return hex.EncodeToString(sum[:])
}

// Cached reports whether the jar cache is complete, without fetching.
func Cached() bool {
	dir, err := CacheDir()
	if err != nil {
		return false
	}
	return verifyLibs(filepath.Join(dir, libsDirName)) == nil
}

var (
	ensureMu sync.Mutex
	// mvnRuns counts Maven runs in this process, for tests.
	mvnRuns atomic.Int32
)

// EnsureJars makes sure the jar cache is complete and returns its libs
// directory, for `java -cp '<libDir>/*'`. It runs Maven only when the cache
// is missing, incomplete or was fetched from a different pom.xml:
//
//	mvn -q -B -f <cache>/pom.xml dependency:copy-dependencies -DoutputDirectory=<cache>/libs.tmp-*
//
// then checks the jars, writes a marker listing them and renames the
// directory to <cache>/libs. Concurrent callers, in this process or others,
// serialise on a lock file (<cache>/.lock); a crashed fetch leaves only a
// libs.tmp-* directory that the next fetch removes. Jars are downloaded into
// Maven's local repository (~/.m2/repository) first, so a second cache
// directory costs no download.
func EnsureJars(ctx context.Context) (libDir string, err error) {
	dir, err := CacheDir()
	if err != nil {
		return "", err
	}
	libDir = filepath.Join(dir, libsDirName)
	if verifyLibs(libDir) == nil {
		return libDir, nil
	}

	if root, ok := insideFerryRepo(dir); ok {
		return "", fmt.Errorf("kafkaharness: the jar cache %s lies inside the repository %s; "+
			"set FERRY_KAFKA_CACHE to a directory outside it", dir, root)
	}

	ensureMu.Lock()
	defer ensureMu.Unlock()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("kafkaharness: create cache directory: %w", err)
	}
	unlock, err := lockFile(ctx, filepath.Join(dir, lockName))
	if err != nil {
		return "", err
	}
	defer unlock()
	// Someone else may have finished the fetch while we waited.
	if verifyLibs(libDir) == nil {
		return libDir, nil
	}
	if err := fetchLocked(ctx, dir); err != nil {
		return "", err
	}
	if err := verifyLibs(libDir); err != nil {
		return "", fmt.Errorf("kafkaharness: fetched jars do not verify: %w", err)
	}
	return libDir, nil
}

// insideFerryRepo reports whether dir lies in a checkout of this module,
// where downloaded jars must not go: some ancestor holds a go.mod declaring
// module github.com/ferrykafka/ferry.
func insideFerryRepo(dir string) (string, bool) {
	for d := filepath.Clean(dir); ; {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				if strings.TrimSpace(line) == "module github.com/ferrykafka/ferry" {
					return d, true
				}
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
}

// fetchLocked runs Maven into a fresh temporary directory and renames it
// into place. The caller holds the cache lock.
func fetchLocked(ctx context.Context, dir string) error {
	mvn, err := exec.LookPath("mvn")
	if err != nil {
		return fmt.Errorf("kafkaharness: the Kafka jars are not cached in %s and mvn is not on PATH: %w", dir, err)
	}
	// Leftovers of fetches that died: nobody else holds the lock.
	if old, _ := filepath.Glob(filepath.Join(dir, libsDirName+".*-*")); len(old) > 0 {
		for _, o := range old {
			_ = os.RemoveAll(o)
		}
	}
	pom := filepath.Join(dir, "pom.xml")
	if err := writeFileAtomic(pom, pomXML); err != nil {
		return fmt.Errorf("kafkaharness: write %s: %w", pom, err)
	}
	tmp, err := os.MkdirTemp(dir, libsDirName+".tmp-")
	if err != nil {
		return fmt.Errorf("kafkaharness: %w", err)
	}
	defer func() { _ = os.RemoveAll(tmp) }() // a no-op after the rename
	// MkdirTemp makes it 0700; the cache may be shared.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("kafkaharness: %w", err)
	}

	args := []string{"-q", "-B", "-f", pom}
	args = append(args, strings.Fields(os.Getenv("FERRY_KAFKA_MVN_FLAGS"))...)
	args = append(args, "dependency:copy-dependencies", "-DoutputDirectory="+tmp)
	cmd := exec.CommandContext(ctx, mvn, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	start := time.Now()
	mvnRuns.Add(1)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("kafkaharness: %s %s failed after %v: %w\n%s",
			mvn, strings.Join(args, " "), time.Since(start).Round(time.Millisecond), err, tailString(out.String(), 40))
	}
	if err := writeMarker(tmp); err != nil {
		return err
	}
	libDir := filepath.Join(dir, libsDirName)
	if _, err := os.Stat(libDir); err == nil {
		// An incomplete or outdated cache: move it aside, then drop it.
		aside := libDir + ".old-" + strconv.FormatInt(time.Now().UnixNano(), 36)
		if err := os.Rename(libDir, aside); err != nil {
			return fmt.Errorf("kafkaharness: move outdated %s aside: %w", libDir, err)
		}
		defer func() { _ = os.RemoveAll(aside) }()
	}
	if err := os.Rename(tmp, libDir); err != nil {
		return fmt.Errorf("kafkaharness: publish %s: %w", libDir, err)
	}
	return nil
}

// writeMarker checks that dir holds the required jars and writes the marker
// that lists every jar with its size.
func writeMarker(dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("kafkaharness: %w", err)
	}
	var jars []string
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nkafka.version=%s\npom.sha256=%s\n", markerHeader, KafkaVersion, pomDigest())
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".jar") || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return fmt.Errorf("kafkaharness: %w", err)
		}
		jars = append(jars, e.Name())
		fmt.Fprintf(&b, "jar %d %s\n", info.Size(), e.Name())
	}
	if err := checkRequired(jars); err != nil {
		return fmt.Errorf("kafkaharness: Maven fetched an incomplete classpath into %s: %w", dir, err)
	}
	return writeFileAtomic(filepath.Join(dir, markerName), []byte(b.String()))
}

func checkRequired(jars []string) error {
	var missing []string
	for _, r := range requiredJars {
		found := false
		for _, j := range jars {
			if jarIs(j, r.name, r.version) {
				found = true
				break
			}
		}
		if !found {
			v := r.version
			if v == "" {
				v = "*"
			}
			missing = append(missing, r.name+"-"+v+".jar")
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	return nil
}

// jarIs reports whether the file name jar is artifact name at version (any
// version when version is ""): kafka-server-4.3.1.jar is kafka-server, but
// kafka-server-common-4.3.1.jar is not.
func jarIs(jar, name, version string) bool {
	if version != "" {
		return jar == name+"-"+version+".jar"
	}
	rest, ok := strings.CutPrefix(jar, name+"-")
	return ok && strings.HasSuffix(rest, ".jar") && rest[0] >= '0' && rest[0] <= '9'
}

// verifyLibs checks a libs directory against its marker: same version, same
// pom, every listed jar present with its size, and the required jars there.
func verifyLibs(libDir string) error {
	f, err := os.Open(filepath.Join(libDir, markerName))
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(lines) < 3 || lines[0] != markerHeader {
		return errors.New("unknown marker format")
	}
	if lines[1] != "kafka.version="+KafkaVersion {
		return fmt.Errorf("cache holds %s, want kafka.version=%s", lines[1], KafkaVersion)
	}
	if lines[2] != "pom.sha256="+pomDigest() {
		return errors.New("cache was fetched from a different pom.xml")
	}
	var jars []string
	for _, l := range lines[3:] {
		parts := strings.SplitN(l, " ", 3)
		if len(parts) != 3 || parts[0] != "jar" {
			return fmt.Errorf("bad marker line %q", l)
		}
		size, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil {
			return fmt.Errorf("bad marker line %q", l)
		}
		info, err := os.Stat(filepath.Join(libDir, parts[2]))
		if err != nil {
			return err
		}
		if info.Size() != size {
			return fmt.Errorf("%s has %d bytes, the marker says %d", parts[2], info.Size(), size)
		}
		jars = append(jars, parts[2])
	}
	return checkRequired(jars)
}

func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644) // CreateTemp makes it 0600
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return err
}
