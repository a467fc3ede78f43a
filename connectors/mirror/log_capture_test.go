package mirror

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"
)

// logCapture keeps every JSON log line a test's code writes, so the test
// can assert on what was said (and on what was not). The lines are shown
// when the test fails.
type logCapture struct {
	// tctx is the task context of the task whose log this is, when the
	// test started the task with startWatchedTask.
	tctx  *testTaskContext
	mu    sync.Mutex
	buf   bytes.Buffer
	lines []map[string]any
}

func newLogCapture(t *testing.T) (*logCapture, zerolog.Logger) {
	c := &logCapture{}
	t.Cleanup(func() {
		if t.Failed() {
			c.mu.Lock()
			defer c.mu.Unlock()
			t.Logf("captured log:\n%s", c.buf.String())
		}
	})
	return c, zerolog.New(c).Level(zerolog.DebugLevel).With().Timestamp().Logger()
}

func (c *logCapture) Write(p []byte) (int, error) {
	var line map[string]any
	if err := json.Unmarshal(p, &line); err != nil {
		return 0, fmt.Errorf("log line %q is not JSON: %w", p, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf.Write(p)
	c.lines = append(c.lines, line)
	return len(p), nil
}

// find returns the lines at level whose message contains every part.
func (c *logCapture) find(level string, parts ...string) []map[string]any {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []map[string]any
	for _, l := range c.lines {
		if level != "" && l["level"] != level {
			continue
		}
		msg, _ := l["message"].(string)
		all := true
		for _, p := range parts {
			all = all && strings.Contains(msg, p)
		}
		if all {
			out = append(out, l)
		}
	}
	return out
}

// count returns how many lines were logged so far.
func (c *logCapture) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.lines)
}

// since returns the lines logged after the first n.
func (c *logCapture) since(n int) []map[string]any {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]map[string]any(nil), c.lines[n:]...)
}

// waitFor polls until a line at level contains every part and returns the
// first one.
func (c *logCapture) waitFor(t *testing.T, level string, parts ...string) map[string]any {
	t.Helper()
	var found map[string]any
	waitUntil(t, func() error {
		if ls := c.find(level, parts...); len(ls) > 0 {
			found = ls[0]
			return nil
		}
		return fmt.Errorf("no %s line containing %q", level, parts)
	})
	return found
}

// number reads a numeric field of a log line.
func number(line map[string]any, key string) float64 {
	n, _ := line[key].(float64)
	return n
}
