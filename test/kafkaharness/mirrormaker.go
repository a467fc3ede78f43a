package kafkaharness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// MirrorMakerMainClass is the main class of Kafka's dedicated MirrorMaker 2
// (what bin/connect-mirror-maker.sh runs), in connect-mirror.
const MirrorMakerMainClass = "org.apache.kafka.connect.mirror.MirrorMaker"

// mirrorMakerDirPrefix names the temporary directories of MirrorMaker JVMs.
// It starts with "ferry-connect-" so that sweepStale, which globs
// ferry-connect-*, removes those a dead test binary left behind.
const mirrorMakerDirPrefix = "ferry-connect-mm2-"

// mirrorMakerStarted is what MirrorMaker.start logs once every herder has
// started (the connectors are configured later, when each flow's herder
// becomes its group's leader).
const mirrorMakerStarted = "Kafka MirrorMaker started"

// mirrorMakerFatal are what MirrorMaker.main logs before it exits 2 (bad
// configuration, a cluster it cannot reach) or 3 (a herder failed to start).
var mirrorMakerFatal = []string{"Stopping due to error", "Failed to start MirrorMaker"}

// mirrorMakerStartTimeout bounds StartJavaMirrorMaker's wait. Java's own
// Kafka clients wait up to default.api.timeout.ms (60 s) for the cluster id
// of an unreachable cluster before MirrorMaker gives up.
const mirrorMakerStartTimeout = 2 * time.Minute

// JavaMirrorMaker is Kafka's dedicated MirrorMaker 2 process,
//
//	java -Xmx512m -cp '<libs>/*' org.apache.kafka.connect.mirror.MirrorMaker mm2.properties [args...]
//
// as bin/connect-mirror-maker.sh runs it, from the harness's jars
// (connect-mirror, connect-mirror-client, connect-runtime and argparse4j
// among them). It reads Java's mm2.properties format (clusters=A, B;
// A.bootstrap.servers; A->B.enabled=true; ...) and runs one herder per flow,
// with group.id <source>-mm2 and internal topics
// mm2-configs|offsets|status.<source>.internal on the target cluster.
// Nothing on the classpath needs plugin.path: Kafka's MirrorMaker connectors
// and converters are all there.
//
// Its output (log4j2 at FERRY_KAFKA_LOG_LEVEL, default INFO, plus the JVM's
// stdout and stderr) goes to mirrormaker.log in its temporary directory,
// never to the test output; when the test fails, the last 50 lines are
// logged. The directory (prefix ferry-connect-mm2-, so the harness's sweep
// removes those of dead test binaries) is removed at the end of the test
// unless FERRY_KAFKA_KEEP=1.
type JavaMirrorMaker struct {
	dir     string
	args    []string
	proc    *proc
	startup time.Duration
	t       testing.TB

	mu      sync.Mutex
	stopped bool
}

// StartJavaMirrorMaker starts Java's connect-mirror-maker with the
// mm2.properties file at mm2PropertiesPath (read once at start; the caller
// keeps it) and args after it (e.g. "--clusters", "B"), and returns once
// MirrorMaker logs that every herder has started ("Kafka MirrorMaker
// started"). Connectors come up after that, once each flow's herder leads
// its group: poll the clusters (or, with dedicated.mode.enable.internal.rest,
// nothing: Java's internal REST server serves only internal requests) for
// what the test waits on.
//
// It fails the test if the process exits, logs a fatal error or has not
// started within two minutes. The process is stopped (SIGTERM, SIGKILL
// after 30 s) when the test ends. StartJavaMirrorMaker calls RequireKafka,
// so it skips the test where Java cannot run.
//
// For the internal REST server (dedicated.mode.enable.internal.rest=true)
// set listeners=http://127.0.0.1:0 in the file: Jetty binds a free port.
func StartJavaMirrorMaker(t testing.TB, mm2PropertiesPath string, args ...string) *JavaMirrorMaker {
	t.Helper()
	RequireKafka(t)
	libDir := mustJars(t)
	abs, err := filepath.Abs(mm2PropertiesPath)
	if err != nil {
		t.Fatalf("kafkaharness: %v", err)
	}
	if _, err := os.Stat(abs); err != nil {
		t.Fatalf("kafkaharness: StartJavaMirrorMaker: %v", err)
	}
	m, err := startMirrorMaker(t, libDir, append([]string{abs}, args...))
	if err != nil {
		t.Fatalf("kafkaharness: start Java MirrorMaker: %v", err)
	}
	t.Logf("kafkaharness: Java MirrorMaker (Kafka %s) started in %v; log %s",
		KafkaVersion, m.startup.Round(time.Millisecond), m.proc.logPath)
	return m
}

// RunJavaMirrorMaker runs Java's connect-mirror-maker with args (the
// mm2.properties path and flags, or anything else: bad arguments are the
// point) until it exits, and returns its exit code and its log (log4j2
// output, stdout and stderr, where argparse4j's usage errors go). It fails
// the test if the process has not exited within timeout. Tests use it to
// ask Java which exit code a bad command line or file gets: 255 for an
// argument error (argparse4j, Exit.exit(-1)), 2 for an invalid
// configuration, 3 when a herder fails to start.
func RunJavaMirrorMaker(t testing.TB, timeout time.Duration, args ...string) (int, string) {
	t.Helper()
	RequireKafka(t)
	libDir := mustJars(t)
	dir, err := makeProcDir(mirrorMakerDirPrefix)
	if err != nil {
		t.Fatalf("kafkaharness: %v", err)
	}
	defer func() {
		if keepDirs() {
			keepDir(dir)
			return
		}
		_ = os.RemoveAll(dir)
	}()
	logPath := filepath.Join(dir, "mirrormaker.log")
	jvm, err := mirrorMakerArgs(libDir, dir, logPath, args)
	if err != nil {
		t.Fatalf("kafkaharness: %v", err)
	}
	start := time.Now()
	p, err := startJava("mirror maker", dir, logPath, jvm)
	if err != nil {
		t.Fatalf("kafkaharness: %v", err)
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-p.done:
	case <-timer.C:
		p.kill()
		t.Fatalf("kafkaharness: Java MirrorMaker %q still running after %v:\n%s", args, timeout, p.tail(40))
	}
	b, _ := os.ReadFile(logPath)
	code := p.cmd.ProcessState.ExitCode()
	t.Logf("kafkaharness: Java MirrorMaker %q exited %d after %v", args, code, time.Since(start).Round(time.Millisecond))
	return code, string(b)
}

// mirrorMakerArgs is the java command line for MirrorMaker with args after
// the main class. It writes the log4j2 configuration into dir.
func mirrorMakerArgs(libDir, dir, logPath string, args []string) ([]string, error) {
	log4j := filepath.Join(dir, "log4j2.properties")
	// As Kafka's config/connect-log4j2.yaml: quiet the reflections library.
	quiet := map[string]string{"org.reflections": "ERROR"}
	if err := os.WriteFile(log4j, []byte(log4j2Config(logPath, logLevel(), quiet)), 0o644); err != nil {
		return nil, err
	}
	jvm := []string{
		"-Xmx512m",
		"-Djava.awt.headless=true",
		"-Dlog4j2.configurationFile=" + log4j,
		"-Dkafka.logs.dir=" + dir,
		"-cp", classpath(libDir),
		MirrorMakerMainClass,
	}
	return append(jvm, args...), nil
}

func startMirrorMaker(t testing.TB, libDir string, args []string) (*JavaMirrorMaker, error) {
	dir, err := makeProcDir(mirrorMakerDirPrefix)
	if err != nil {
		return nil, err
	}
	m := &JavaMirrorMaker{dir: dir, args: args, t: t}
	fail := func(err error) (*JavaMirrorMaker, error) {
		if m.proc != nil {
			m.proc.kill()
			err = fmt.Errorf("%w\n--- last lines of %s ---\n%s", err, m.proc.logPath, m.proc.tail(60))
		}
		if keepDirs() {
			keepDir(dir)
		} else {
			_ = os.RemoveAll(dir)
		}
		return nil, err
	}
	logPath := filepath.Join(dir, "mirrormaker.log")
	jvm, err := mirrorMakerArgs(libDir, dir, logPath, args)
	if err != nil {
		return fail(err)
	}
	start := time.Now()
	m.proc, err = startJava("mirror maker", dir, logPath, jvm)
	if err != nil {
		return fail(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), mirrorMakerStartTimeout)
	defer cancel()
	if err := m.waitStarted(ctx); err != nil {
		return fail(err)
	}
	m.startup = time.Since(start)
	t.Cleanup(m.cleanup)
	return m, nil
}

// waitStarted polls the log until MirrorMaker reports it started, logs a
// fatal error, exits, or ctx ends.
func (m *JavaMirrorMaker) waitStarted(ctx context.Context) error {
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	needles := append([]string{mirrorMakerStarted}, mirrorMakerFatal...)
	for {
		if found, ok := m.proc.scanLog(needles...); ok {
			if found == mirrorMakerStarted && !m.anyFatal() {
				return nil
			}
			return errors.New("MirrorMaker logged: " + found)
		}
		select {
		case <-m.proc.done:
			return fmt.Errorf("MirrorMaker exited during start-up: %s", m.proc.exitError())
		case <-ctx.Done():
			return fmt.Errorf("MirrorMaker did not log %q: %w", mirrorMakerStarted, ctx.Err())
		case <-tick.C:
		}
	}
}

func (m *JavaMirrorMaker) anyFatal() bool {
	for _, s := range mirrorMakerFatal {
		if m.proc.logContains(s) {
			return true
		}
	}
	return false
}

// Args returns the arguments after the main class (the absolute path of
// mm2.properties first).
func (m *JavaMirrorMaker) Args() []string { return append([]string(nil), m.args...) }

// Dir returns the process's temporary directory: log4j2.properties and
// mirrormaker.log.
func (m *JavaMirrorMaker) Dir() string { return m.dir }

// LogPath returns the log file.
func (m *JavaMirrorMaker) LogPath() string { return m.proc.logPath }

// StartupTime returns how long the process took to log that it started.
func (m *JavaMirrorMaker) StartupTime() time.Duration { return m.startup }

// Running reports whether the process is still alive.
func (m *JavaMirrorMaker) Running() bool { return !m.proc.exited() }

// ExitCode returns the process's exit code once it has exited (ok false
// while it runs; -1 if a signal ended it).
func (m *JavaMirrorMaker) ExitCode() (code int, ok bool) {
	if !m.proc.exited() {
		return 0, false
	}
	return m.proc.cmd.ProcessState.ExitCode(), true
}

// Stop shuts MirrorMaker down gracefully (SIGTERM runs its shutdown hook:
// every herder stops, its tasks commit their offsets and it leaves its
// group; SIGKILL if the process has not exited after 30 s) and waits for
// it. Safe to call more than once, and after Kill.
func (m *JavaMirrorMaker) Stop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stopped {
		return
	}
	m.stopped = true
	start := time.Now()
	if !m.proc.stop(stopTimeout) {
		m.t.Logf("kafkaharness: Java MirrorMaker ignored SIGTERM for %v; killed it", stopTimeout)
	} else {
		m.t.Logf("kafkaharness: Java MirrorMaker stopped in %v (%s)", time.Since(start).Round(time.Millisecond), m.proc.exitError())
	}
}

// Kill ends the process with SIGKILL, as a crash would, and waits for it.
func (m *JavaMirrorMaker) Kill() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stopped = true
	m.proc.kill()
}

// LogTail returns the last n lines of the log.
func (m *JavaMirrorMaker) LogTail(n int) string { return m.proc.tail(n) }

func (m *JavaMirrorMaker) cleanup() {
	if m.t.Failed() {
		m.t.Logf("kafkaharness: last 50 lines of Java MirrorMaker log %s (FERRY_KAFKA_KEEP=1 keeps it):\n%s", m.proc.logPath, m.LogTail(50))
	}
	m.Stop()
	if keepDirs() {
		keepDir(m.dir)
		m.t.Logf("kafkaharness: kept Java MirrorMaker directory %s", m.dir)
		return
	}
	if err := os.RemoveAll(m.dir); err != nil {
		m.t.Logf("kafkaharness: remove %s: %v", m.dir, err)
	}
}
