package logging

import (
	"errors"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

func TestRootStartsAtTheConfiguredLevel(t *testing.T) {
	r, _ := newTestRegistry(t, zerolog.WarnLevel)
	root := levelOf(t, r, "root")
	if root.Level != Warn || !root.LastModified.IsZero() {
		t.Fatalf("root = %+v, want WARN never modified", root)
	}
	for _, name := range []string{"ROOT", "Root", ""} {
		if l := levelOf(t, r, name); l != root {
			t.Errorf("Level(%q) = %+v, want the root's %+v", name, l, root)
		}
	}
	// The registry's own logger is known from the start, as Java's
	// Loggers class logger is.
	all := r.Levels()
	if len(all) != 2 || all["root"] != root || all[RegistryLogger].Level != Warn {
		t.Fatalf("Levels() = %+v", all)
	}
}

func TestLoggerCreatesAnInheritingLogger(t *testing.T) {
	r, _ := newTestRegistry(t, zerolog.InfoLevel)
	if _, ok := r.Level("a.b.C"); ok {
		t.Fatal("an unused logger is known")
	}
	r.Logger("a.b.C")
	if l := levelOf(t, r, "a.b.C"); l.Level != Info || !l.LastModified.IsZero() {
		t.Fatalf("a.b.C = %+v, want INFO (the root's) never modified", l)
	}
	// Only exact names are found: the ancestors were not created.
	for _, name := range []string{"a", "a.b", "a.b.c"} {
		if _, ok := r.Level(name); ok {
			t.Errorf("Level(%q) found a logger", name)
		}
	}
}

func TestSetLevelSetsTheNamespaceAndItsDescendants(t *testing.T) {
	r, _ := newTestRegistry(t, zerolog.InfoLevel)
	for _, name := range []string{"org.x.Herder", "org.x.sub.Task", "org.x.sub.Conn", "org.y.Other"} {
		r.Logger(name)
	}
	mustSet(t, r, "org.x", "debug", "org.x", "org.x.Herder", "org.x.sub.Conn", "org.x.sub.Task")
	for _, name := range []string{"org.x", "org.x.Herder", "org.x.sub.Task", "org.x.sub.Conn"} {
		if l := levelOf(t, r, name); l.Level != Debug || l.LastModified != time.UnixMilli(1000) {
			t.Errorf("%s = %+v, want DEBUG modified at 1000 ms", name, l)
		}
	}
	if l := levelOf(t, r, "org.y.Other"); l.Level != Info || !l.LastModified.IsZero() {
		t.Errorf("org.y.Other = %+v, want untouched INFO", l)
	}
	if l := levelOf(t, r, "root"); l.Level != Info {
		t.Errorf("root = %+v, want INFO", l)
	}

	// A narrower namespace: only its loggers change.
	mustSet(t, r, "org.x.sub", "TRACE", "org.x.sub", "org.x.sub.Conn", "org.x.sub.Task")
	if l := levelOf(t, r, "org.x.sub.Task"); l.Level != Trace || l.LastModified != time.UnixMilli(2000) {
		t.Errorf("org.x.sub.Task = %+v", l)
	}
	if l := levelOf(t, r, "org.x.Herder"); l.Level != Debug || l.LastModified != time.UnixMilli(1000) {
		t.Errorf("org.x.Herder = %+v, want DEBUG still modified at 1000 ms", l)
	}

	// Setting the wider namespace again overrides the narrower one's own
	// level; loggers already at the level are not reported or touched.
	mustSet(t, r, "org.x", "DEBUG", "org.x.sub", "org.x.sub.Conn", "org.x.sub.Task")
	if l := levelOf(t, r, "org.x.Herder"); l.LastModified != time.UnixMilli(1000) {
		t.Errorf("org.x.Herder = %+v, want last_modified unchanged", l)
	}
	if l := levelOf(t, r, "org.x.sub.Task"); l.Level != Debug || l.LastModified != time.UnixMilli(3000) {
		t.Errorf("org.x.sub.Task = %+v", l)
	}

	// Nothing changes: an empty list, not nil.
	mustSet(t, r, "org.x", "DEBUG")
}

func TestSetLevelMatchesNamesByPrefixAsLog4jDoes(t *testing.T) {
	r, _ := newTestRegistry(t, zerolog.InfoLevel)
	r.Logger("a.b.C")
	r.Logger("a.bc")
	// "a.bc" has no level of its own: it inherits the root's, unchanged.
	mustSet(t, r, "a.b", "DEBUG", "a.b", "a.b.C")
	if l := levelOf(t, r, "a.bc"); l.Level != Info {
		t.Fatalf("a.bc = %+v, want INFO", l)
	}
	// Once "a.bc" has a level of its own, setting "a.b" reaches it.
	mustSet(t, r, "a.bc", "WARN", "a.bc")
	mustSet(t, r, "a.b", "ERROR", "a.b", "a.b.C", "a.bc")
	if l := levelOf(t, r, "a.bc"); l.Level != Error {
		t.Fatalf("a.bc = %+v, want ERROR", l)
	}
}

func TestSetLevelCreatesAnUnknownNamespace(t *testing.T) {
	r, _ := newTestRegistry(t, zerolog.InfoLevel)
	mustSet(t, r, "com.example.Plugin", "WARN", "com.example.Plugin")
	if l := levelOf(t, r, "com.example.Plugin"); l.Level != Warn || l.LastModified != time.UnixMilli(1000) {
		t.Fatalf("com.example.Plugin = %+v", l)
	}
	if got := r.Levels()["com.example.Plugin"]; got.Level != Warn {
		t.Fatalf("Levels() lacks the new logger: %+v", r.Levels())
	}
	// A namespace created at the level it inherits is known but not
	// reported as changed.
	mustSet(t, r, "com.other", "INFO")
	if l := levelOf(t, r, "com.other"); l.Level != Info || !l.LastModified.IsZero() {
		t.Fatalf("com.other = %+v", l)
	}
	// Loggers used later inherit the namespace's level.
	r.Logger("com.example.Plugin.Inner")
	if l := levelOf(t, r, "com.example.Plugin.Inner"); l.Level != Warn || !l.LastModified.IsZero() {
		t.Fatalf("com.example.Plugin.Inner = %+v, want inherited WARN", l)
	}
}

func TestSetLevelOfTheRootSetsEverything(t *testing.T) {
	r, _ := newTestRegistry(t, zerolog.InfoLevel)
	r.Logger("a.B")
	mustSet(t, r, "a", "DEBUG", "a", "a.B")
	mustSet(t, r, "ROOT", "warn", "a", "a.B", RegistryLogger, "root")
	for name, l := range r.Levels() {
		if l.Level != Warn || l.LastModified != time.UnixMilli(2000) {
			t.Errorf("%s = %+v, want WARN modified at 2000 ms", name, l)
		}
	}
	// "" names the root too.
	mustSet(t, r, "", "ERROR", "a", "a.B", RegistryLogger, "root")
}

func TestSetLevelRejectsAnInvalidLevel(t *testing.T) {
	r, _ := newTestRegistry(t, zerolog.InfoLevel)
	before := r.Levels()
	got, err := r.SetLevel("new.Logger", "LOUD")
	if !errors.Is(err, ErrInvalidLevel) || got != nil {
		t.Fatalf("SetLevel(LOUD) = %q, %v; want ErrInvalidLevel", got, err)
	}
	if err.Error() != "invalid log level 'LOUD'" {
		t.Fatalf("error text %q", err)
	}
	if _, ok := r.Level("new.Logger"); ok {
		t.Fatal("an invalid level created the logger")
	}
	if after := r.Levels(); len(after) != len(before) {
		t.Fatalf("Levels() changed: %+v", after)
	}
}

// Java lists loggers at OFF nowhere but in GET of the exact name, and
// counts them as changed every time they are set.
func TestLoggersAtOff(t *testing.T) {
	r, _ := newTestRegistry(t, zerolog.InfoLevel)
	r.Logger("q.Quiet")
	mustSet(t, r, "q", "OFF", "q", "q.Quiet")
	if _, ok := r.Levels()["q.Quiet"]; ok {
		t.Fatalf("Levels() lists a logger at OFF: %+v", r.Levels())
	}
	if l := levelOf(t, r, "q.Quiet"); l.Level != Off || l.LastModified != time.UnixMilli(1000) {
		t.Fatalf("q.Quiet = %+v", l)
	}
	mustSet(t, r, "q", "OFF", "q", "q.Quiet")
	if l := levelOf(t, r, "q.Quiet"); l.LastModified != time.UnixMilli(2000) {
		t.Fatalf("q.Quiet = %+v, want modified again", l)
	}
	mustSet(t, r, "q.Quiet", "INFO", "q.Quiet")
	if l := r.Levels()["q.Quiet"]; l.Level != Info {
		t.Fatalf("Levels() = %+v", r.Levels())
	}
}
