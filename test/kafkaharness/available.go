package kafkaharness

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// MinJava is the oldest Java major version that runs the Kafka 4.x broker
// and Connect worker.
const MinJava = 17

var (
	availOnce sync.Once
	availOK   bool
	availWhy  string
)

// Available reports whether real Kafka can run here: java (MinJava or newer)
// on PATH, and mvn on PATH unless the jars are already cached. why says what
// is missing, or what was found.
func Available() (ok bool, why string) {
	availOnce.Do(func() { availOK, availWhy = probeAvailable() })
	return availOK, availWhy
}

func probeAvailable() (bool, string) {
	java, err := exec.LookPath("java")
	if err != nil {
		return false, "java is not on PATH (Kafka " + KafkaVersion + " needs Java " + strconv.Itoa(MinJava) + "+)"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, java, "-version").CombinedOutput()
	if err != nil {
		return false, fmt.Sprintf("%s -version failed: %v: %s", java, err, strings.TrimSpace(string(out)))
	}
	major, err := javaMajor(string(out))
	if err != nil {
		return false, fmt.Sprintf("%s -version: %v", java, err)
	}
	if major < MinJava {
		return false, fmt.Sprintf("%s is Java %d; Kafka %s needs Java %d+", java, major, KafkaVersion, MinJava)
	}
	found := fmt.Sprintf("java %d at %s", major, java)
	if Cached() {
		dir, _ := CacheDir()
		return true, found + ", jars cached in " + dir
	}
	mvn, err := exec.LookPath("mvn")
	if err != nil {
		dir, _ := CacheDir()
		return false, "mvn is not on PATH and the Kafka " + KafkaVersion + " jars are not cached in " + dir +
			" (install Maven, or pre-fetch with `go run ./test/kafkaharness/cmd/fetch` where it is)"
	}
	return true, found + ", mvn at " + mvn
}

var javaVersionRE = regexp.MustCompile(`version "([0-9]+)(?:\.([0-9]+))?`)

// javaMajor extracts the major version from `java -version` output:
// `openjdk version "17.0.15"` is 17, `java version "1.8.0_392"` is 8.
func javaMajor(out string) (int, error) {
	m := javaVersionRE.FindStringSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no version in %q", strings.TrimSpace(out))
	}
	major, _ := strconv.Atoi(m[1])
	if major == 1 && m[2] != "" {
		major, _ = strconv.Atoi(m[2])
	}
	return major, nil
}

// RequireKafka skips the test, loudly, when real Kafka cannot run here (see
// Available), when FERRY_SKIP_KAFKA=1, or under -short. With
// FERRY_REQUIRE_KAFKA=1 it fails the test instead of skipping, and -short
// and FERRY_SKIP_KAFKA no longer skip. Start and StartConnectWorker call it.
func RequireKafka(t testing.TB) {
	t.Helper()
	required := os.Getenv("FERRY_REQUIRE_KAFKA") == "1"
	if !required {
		if os.Getenv("FERRY_SKIP_KAFKA") == "1" {
			t.Skip(loud("FERRY_SKIP_KAFKA=1"))
		}
		if testing.Short() {
			t.Skip(loud("-short"))
		}
	}
	ok, why := Available()
	if ok {
		return
	}
	if required {
		t.Fatalf("kafkaharness: FERRY_REQUIRE_KAFKA=1 but real Kafka %s cannot run here: %s", KafkaVersion, why)
	}
	t.Skip(loud(why))
}

func loud(why string) string {
	return "\n" +
		"******************************************************************\n" +
		"*** SKIPPED: this test needs REAL Apache Kafka " + KafkaVersion + " (a JVM).\n" +
		"*** Reason: " + why + "\n" +
		"*** Set FERRY_REQUIRE_KAFKA=1 to make this a failure instead.\n" +
		"******************************************************************"
}
