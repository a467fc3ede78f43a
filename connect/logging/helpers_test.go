package logging

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// syncBuffer collects log output from any number of goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the JSON lines written so far, decoded.
func (b *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// messages returns the messages logged by the logger called name.
func (b *syncBuffer) messages(t *testing.T, name string) []string {
	t.Helper()
	var out []string
	for _, m := range b.lines(t) {
		if m[FieldName] == name {
			msg, _ := m["message"].(string)
			out = append(out, msg)
		}
	}
	return out
}

// fakeClock returns 1000 ms, 2000 ms, ... since the epoch, one per call.
type fakeClock struct {
	mu sync.Mutex
	ms int64
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ms += 1000
	return time.UnixMilli(c.ms)
}

// newTestRegistry is a registry over a JSON logger at rootLevel writing to
// the returned buffer, with a fake clock.
func newTestRegistry(t *testing.T, rootLevel zerolog.Level) (*Registry, *syncBuffer) {
	t.Helper()
	buf := &syncBuffer{}
	root := zerolog.New(buf).Level(rootLevel)
	clock := &fakeClock{}
	return New(root, WithClock(clock.now)), buf
}

// mustSet calls SetLevel and checks the names it reports.
func mustSet(t *testing.T, r *Registry, ns, level string, want ...string) {
	t.Helper()
	got, err := r.SetLevel(ns, level)
	if err != nil {
		t.Fatalf("SetLevel(%q, %q): %v", ns, level, err)
	}
	if want == nil {
		want = []string{}
	}
	if got == nil || !slices.Equal(got, want) {
		t.Fatalf("SetLevel(%q, %q) = %q, want %q", ns, level, got, want)
	}
}

// levelOf returns a known logger's level.
func levelOf(t *testing.T, r *Registry, name string) LoggerLevel {
	t.Helper()
	l, ok := r.Level(name)
	if !ok {
		t.Fatalf("logger %q not found", name)
	}
	return l
}
