//go:build linux

package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mirror is a running mirroring process of any runner.
type mirror struct {
	pid     int
	started time.Time // just before the process was started
	// exited reports whether the process has ended, and then how.
	exited func() (bool, string)
	// stop ends it gracefully (SIGTERM) and waits for it.
	stop    func()
	logTail func(n int) string
}

// startProcess runs bin with args, its stdout and stderr in dir/<name>.log
// (in $FERRY_BENCH_LOG_DIR/<test name>.log when that is set).
// The process is killed if the test binary dies (parent-death signal, which
// follows the OS thread that forked: the goroutine that starts it stays
// locked to its thread while the process lives) and when the test ends.
func startProcess(t *testing.T, name, dir, bin string, args ...string) *mirror {
	t.Helper()
	logPath := filepath.Join(dir, name+".log")
	if keep := os.Getenv("FERRY_BENCH_LOG_DIR"); keep != "" {
		// Kept after the run: one file per runner and dataset.
		logPath = filepath.Join(keep, strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())+".log")
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	done := make(chan struct{})
	started := make(chan error, 1)
	var waitErr error
	begin := time.Now()
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the process
		err := cmd.Start()
		_ = logFile.Close()
		started <- err
		if err == nil {
			waitErr = cmd.Wait()
		}
		close(done)
	}()
	if err := <-started; err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	tail := func(n int) string {
		b, _ := os.ReadFile(logPath)
		lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
		return strings.Join(lines[max(0, len(lines)-n):], "\n")
	}
	m := &mirror{pid: cmd.Process.Pid, started: begin, logTail: tail}
	m.exited = func() (bool, string) {
		select {
		case <-done:
			return true, fmt.Sprintf("%s exited (%v); last lines of %s:\n%s", name, waitErr, logPath, tail(30))
		default:
			return false, ""
		}
	}
	m.stop = func() {
		select {
		case <-done:
			return
		default:
		}
		_ = cmd.Process.Signal(syscall.SIGTERM)
		timer := time.NewTimer(60 * time.Second)
		defer timer.Stop()
		select {
		case <-done:
		case <-timer.C:
			t.Logf("%s ignored SIGTERM for 60 s: killed", name)
			_ = cmd.Process.Kill()
			<-done
		}
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("last lines of %s:\n%s", logPath, tail(40))
		}
		m.stop()
	})
	return m
}
