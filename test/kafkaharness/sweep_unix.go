//go:build unix

package kafkaharness

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

var sweepOnce sync.Once

// sweepStale removes the temporary directories that earlier test binaries
// left behind when they died before their cleanups ran (a -timeout panic, a
// SIGKILL): directories whose owner file names a process that no longer
// exists. Directories of live processes, and those kept on purpose with
// FERRY_KAFKA_KEEP (their owner file is removed), are left alone.
func sweepStale() {
	sweepOnce.Do(func() {
		if keepDirs() {
			return
		}
		for _, pattern := range []string{"ferry-kafka-*", "ferry-connect-*"} {
			dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), pattern))
			for _, d := range dirs {
				b, err := os.ReadFile(filepath.Join(d, ownerFile))
				if err != nil {
					continue
				}
				pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
				if err != nil || pid <= 0 || pid == os.Getpid() {
					continue
				}
				if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
					_ = os.RemoveAll(d)
				}
			}
		}
	})
}
