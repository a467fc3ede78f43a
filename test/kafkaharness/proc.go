package kafkaharness

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// pollInterval is how often the harness looks at a starting process.
const pollInterval = 100 * time.Millisecond

// stopTimeout is how long Stop waits after SIGTERM before SIGKILL.
const stopTimeout = 30 * time.Second

// proc is a JVM child process whose stdout, stderr and log4j2 output all go
// to one log file.
type proc struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	done    chan struct{} // closed when the process has exited
	waitErr error         // set before done is closed

	stopOnce sync.Once

	scanMu   sync.Mutex
	scanOff  int64  // how far scanLog has read the log
	scanTail string // the end of what it read, for needles across reads
}

// startJava starts `java args...` in dir with its output appended to
// logPath. The process is started from a goroutine locked to its OS thread
// that lives as long as the process, because Linux's parent-death signal
// follows the thread that forked.
func startJava(name, dir, logPath string, args []string) (*proc, error) {
	java, err := exec.LookPath("java")
	if err != nil {
		return nil, err
	}
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(java, args...)
	cmd.Dir = dir
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.Env = javaEnv()
	setProcAttr(cmd)
	p := &proc{name: name, cmd: cmd, logPath: logPath, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// Never unlocked: the thread ends with this goroutine, after the JVM.
		err := cmd.Start()
		_ = logFile.Close() // the child has its own copy
		started <- err
		if err != nil {
			close(p.done)
			return
		}
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	return p, nil
}

// javaEnv is the environment for the JVMs: the test's, minus the variables
// Kafka's own scripts read (they do not apply, since the harness runs java
// directly, but would confuse a reader of the log).
func javaEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "KAFKA_OPTS", "KAFKA_HEAP_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_LOG4J_OPTS", "CLASSPATH":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// exited reports whether the process has ended.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// exitError describes how the process ended ("" while it runs).
func (p *proc) exitError() string {
	if !p.exited() {
		return ""
	}
	if p.waitErr == nil {
		return "exit status 0"
	}
	return p.waitErr.Error()
}

// stop sends SIGTERM, waits up to timeout, then SIGKILLs and waits. It is
// idempotent; graceful is false when SIGKILL was needed.
func (p *proc) stop(timeout time.Duration) (graceful bool) {
	graceful = true
	p.stopOnce.Do(func() {
		if p.exited() {
			return
		}
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		t := time.NewTimer(timeout)
		defer t.Stop()
		select {
		case <-p.done:
		case <-t.C:
			graceful = false
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	<-p.done
	return graceful
}

// kill sends SIGKILL and waits for the process to end.
func (p *proc) kill() {
	p.stopOnce.Do(func() {
		if !p.exited() {
			_ = p.cmd.Process.Kill()
		}
	})
	<-p.done
}

// tail returns the last n lines of the log.
func (p *proc) tail(n int) string {
	s, err := tailFile(p.logPath, n)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	return s
}

// logContains reports whether the log holds s (it reads the whole file, so
// it is for start-up failures only).
func (p *proc) logContains(s string) bool {
	b, err := os.ReadFile(p.logPath)
	return err == nil && strings.Contains(string(b), s)
}

// scanLog reports the first of needles that the log has gained since the
// last call (or that straddles the previous read's end). It reads only new
// bytes, so start-up loops can call it on every poll.
func (p *proc) scanLog(needles ...string) (string, bool) {
	p.scanMu.Lock()
	defer p.scanMu.Unlock()
	f, err := os.Open(p.logPath)
	if err != nil {
		return "", false
	}
	defer func() { _ = f.Close() }()
	if _, err := f.Seek(p.scanOff, io.SeekStart); err != nil {
		return "", false
	}
	b, err := io.ReadAll(f)
	if err != nil || len(b) == 0 {
		return "", false
	}
	p.scanOff += int64(len(b))
	text := p.scanTail + string(b)
	const keep = 512
	if len(text) > keep {
		p.scanTail = text[len(text)-keep:]
	} else {
		p.scanTail = text
	}
	for _, n := range needles {
		if strings.Contains(text, n) {
			return n, true
		}
	}
	return "", false
}

// tailFile returns the last n lines of the file at path, reading backwards
// in chunks so that a large log costs no more than its tail.
func tailFile(path string, n int) (string, error) {
	if n <= 0 {
		return "", nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }()
	info, err := f.Stat()
	if err != nil {
		return "", err
	}
	const chunk = 64 << 10
	size := info.Size()
	var buf []byte
	for off := size; off > 0; {
		step := int64(chunk)
		if off < step {
			step = off
		}
		off -= step
		b := make([]byte, step)
		if _, err := f.ReadAt(b, off); err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		buf = append(b, buf...)
		// n lines need n newlines before them (plus one that may end the file).
		if strings.Count(string(buf), "\n") > n {
			break
		}
	}
	return tailString(string(buf), n), nil
}

// tailString returns the last n lines of s.
func tailString(s string, n int) string {
	s = strings.TrimRight(s, "\n")
	if s == "" || n <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

var (
	portsMu sync.Mutex
	// portsGiven are ports this process already handed out, so that two
	// clusters starting at once never get the same one.
	portsGiven = map[int]bool{}
)

// pickPorts is freePorts; tests replace it to stage a lost port race.
var pickPorts = freePorts

// freePorts returns n distinct free TCP ports on 127.0.0.1, found by
// binding :0 and closing. Another process may still take one before the
// JVM binds it; callers retry on a bind conflict.
func freePorts(n int) ([]int, error) {
	portsMu.Lock()
	defer portsMu.Unlock()
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	var ports []int
	for tries := 0; len(ports) < n; tries++ {
		if tries > 100 {
			return nil, errors.New("kafkaharness: no free ports on 127.0.0.1")
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("kafkaharness: find a free port: %w", err)
		}
		ls = append(ls, l) // held open until all are chosen, so they differ
		port := l.Addr().(*net.TCPAddr).Port
		if portsGiven[port] {
			continue
		}
		portsGiven[port] = true
		ports = append(ports, port)
	}
	return ports, nil
}

// bindConflictMarker is what a JVM logs when it lost a port race (Kafka's
// SocketServer and Jetty both end up in java.net.BindException).
const bindConflictMarker = "Address already in use"

// classpath is the -cp value for a libs directory.
func classpath(libDir string) string { return filepath.Join(libDir, "*") }

// log4j2Config is a log4j2 properties configuration that writes every
// logger at level to one file, nothing to the console.
func log4j2Config(logPath, level string, extra map[string]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Written by Ferry's kafkaharness.\nstatus = warn\nname = ferry-kafkaharness\n")
	fmt.Fprintf(&b, "appender.file.type = File\nappender.file.name = file\n")
	fmt.Fprintf(&b, "appender.file.fileName = %s\n", propEscape(logPath))
	fmt.Fprintf(&b, "appender.file.append = true\n")
	fmt.Fprintf(&b, "appender.file.layout.type = PatternLayout\n")
	fmt.Fprintf(&b, "appender.file.layout.pattern = [%%d] %%p %%m (%%c)%%n\n")
	fmt.Fprintf(&b, "rootLogger.level = %s\nrootLogger.appenderRef.file.ref = file\n", level)
	names := make([]string, 0, len(extra))
	for name := range extra {
		names = append(names, name)
	}
	sort.Strings(names)
	for i, name := range names {
		fmt.Fprintf(&b, "logger.l%d.name = %s\nlogger.l%d.level = %s\n", i, name, i, extra[name])
	}
	return b.String()
}

// logLevel is the JVMs' log4j2 root level: $FERRY_KAFKA_LOG_LEVEL or INFO.
func logLevel() string {
	if l := strings.TrimSpace(os.Getenv("FERRY_KAFKA_LOG_LEVEL")); l != "" {
		return strings.ToUpper(l)
	}
	return "INFO"
}

// writeProperties writes a Java properties file with sorted keys.
func writeProperties(path, header string, props map[string]string) error {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n", header)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s\n", propKeyEscape(k), propEscape(props[k]))
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// propEscape escapes a value for java.util.Properties (and log4j2's
// properties format): backslashes, line breaks and a leading space.
func propEscape(v string) string {
	var b strings.Builder
	for i, r := range v {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == ' ' && i == 0:
			b.WriteString(`\ `)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// propKeyEscape also escapes the separators a key cannot hold.
func propKeyEscape(k string) string {
	r := strings.NewReplacer(`=`, `\=`, `:`, `\:`, ` `, `\ `)
	return r.Replace(propEscape(k))
}

// ownerFile, in each temporary directory, holds the test binary's pid.
const ownerFile = "ferry-owner"

// makeProcDir creates a temporary directory for a JVM, owned by this
// process, after sweeping away those of dead test binaries.
func makeProcDir(prefix string) (string, error) {
	sweepStale()
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		_ = os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// keepDir disowns a directory kept with FERRY_KAFKA_KEEP, so that no sweep
// removes it.
func keepDir(dir string) { _ = os.Remove(filepath.Join(dir, ownerFile)) }

// keepDirs reports whether FERRY_KAFKA_KEEP asks to keep temporary
// directories.
func keepDirs() bool { return os.Getenv("FERRY_KAFKA_KEEP") == "1" }
