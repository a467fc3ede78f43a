package testkit

import (
	"sync"
	"testing"

	"github.com/rs/zerolog"
)

// testWriter forwards log lines to t.Log until the test's cleanups have run;
// after that, lines from goroutines still winding down are dropped instead
// of panicking the test binary.
type testWriter struct {
	t    testing.TB
	mu   sync.Mutex
	done bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(string(p))
	}
	return len(p), nil
}

// Logger returns a zerolog logger writing to the test log at info level (or
// the level in FERRY_TEST_LOG_LEVEL if set).
func Logger(t testing.TB) zerolog.Logger {
	w := &testWriter{t: t}
	t.Cleanup(func() {
		w.mu.Lock()
		w.done = true
		w.mu.Unlock()
	})
	return zerolog.New(zerolog.ConsoleWriter{Out: w, NoColor: true}).Level(level()).With().Timestamp().Logger()
}
