package logging

import (
	"fmt"
	"io"
	"slices"
	"sync"
	"testing"

	"github.com/rs/zerolog"
)

// A DEBUG line appears only while its logger is at DEBUG, in loggers handed
// out before the change and in loggers derived from them.
func TestLevelChangesApplyToLoggersAlreadyHandedOut(t *testing.T) {
	r, buf := newTestRegistry(t, zerolog.InfoLevel)
	const name = "org.apache.kafka.connect.runtime.Worker"
	log := r.Logger(name)
	child := log.With().Str("connector", "c1").Logger()

	log.Debug().Msg("debug 1")
	child.Debug().Msg("child debug 1")
	log.Info().Msg("info 1")
	mustSet(t, r, "org.apache.kafka.connect", "DEBUG", "org.apache.kafka.connect", RegistryLogger, name)
	log.Debug().Msg("debug 2")
	child.Debug().Msg("child debug 2")
	log.Trace().Msg("trace 2")
	mustSet(t, r, name, "WARN", name)
	log.Debug().Msg("debug 3")
	log.Info().Msg("info 3")
	child.Warn().Msg("child warn 3")

	want := []string{"info 1", "debug 2", "child debug 2", "child warn 3"}
	if got := buf.messages(t, name); !slices.Equal(got, want) {
		t.Fatalf("lines of %s: %q, want %q", name, got, want)
	}
	for _, m := range buf.lines(t) {
		if m["message"] == "child debug 2" && m["connector"] != "c1" {
			t.Fatalf("derived logger lost its fields: %v", m)
		}
	}
}

func TestEveryLoggerNamesItself(t *testing.T) {
	r, buf := newTestRegistry(t, zerolog.InfoLevel)
	ab, root := r.Logger("a.B"), r.Logger("root")
	ab.Info().Msg("from a.B")
	root.Info().Msg("from root")
	for _, m := range buf.lines(t) {
		switch m["message"] {
		case "from a.B":
			if m[FieldName] != "a.B" {
				t.Errorf("line %v", m)
			}
		case "from root":
			if m[FieldName] != "root" {
				t.Errorf("line %v", m)
			}
		}
	}
	// The registry logs level changes under its own name.
	mustSet(t, r, "a", "ERROR", "a", "a.B")
	if got := buf.messages(t, RegistryLogger); len(got) != 1 || got[0] != "setting level of namespace and children" {
		t.Fatalf("registry lines: %q", got)
	}
}

func TestRootLoggerLevelsAreDynamicToo(t *testing.T) {
	r, buf := newTestRegistry(t, zerolog.ErrorLevel)
	root := r.Logger("root")
	root.Warn().Msg("warn 1")
	mustSet(t, r, "root", "WARN", RegistryLogger, "root")
	root.Warn().Msg("warn 2")
	if got := buf.messages(t, "root"); !slices.Equal(got, []string{"warn 2"}) {
		t.Fatalf("root lines: %q", got)
	}
}

// TRACE passes trace events and ALL zerolog's numbered levels below too,
// as far as zerolog's global level allows; OFF silences even events without
// a level.
func TestTraceAllAndOff(t *testing.T) {
	prev := zerolog.GlobalLevel()
	zerolog.SetGlobalLevel(zerolog.Level(-2))
	t.Cleanup(func() { zerolog.SetGlobalLevel(prev) })

	r, buf := newTestRegistry(t, zerolog.InfoLevel)
	log := r.Logger("t.T")
	log.Trace().Msg("trace 1")
	mustSet(t, r, "t", "TRACE", "t", "t.T")
	log.Trace().Msg("trace 2")
	mustSet(t, r, "t", "ALL", "t", "t.T")
	log.WithLevel(zerolog.Level(-2)).Msg("below trace 3")
	log.WithLevel(zerolog.Level(-3)).Msg("below the global level 3")
	mustSet(t, r, "t", "OFF", "t", "t.T")
	log.Error().Msg("error 4")
	log.Log().Msg("no level 4")
	want := []string{"trace 2", "below trace 3"}
	if got := buf.messages(t, "t.T"); !slices.Equal(got, want) {
		t.Fatalf("lines: %q, want %q", got, want)
	}
}

// Levels change while many goroutines log and create loggers; run with
// -race. The final state is the last SetLevel's.
func TestConcurrentSetLevelWhileLogging(t *testing.T) {
	r := New(zerolog.New(io.Discard).Level(zerolog.InfoLevel))
	names := []string{"c.a.One", "c.a.Two", "c.b.Three", "c.b.sub.Four"}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			log := r.Logger(name)
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				log.Debug().Int("n", n).Msg("debug")
				log.Info().Int("n", n).Msg("info")
				if n%50 == 0 {
					r.Logger(fmt.Sprintf("%s.Child%d", name, n%7+i))
					_ = r.Levels()
				}
			}
		}()
	}
	levels := []string{"TRACE", "DEBUG", "INFO", "WARN", "OFF"}
	for i := range 200 {
		ns := []string{"c", "c.a", "c.b", "root"}[i%4]
		if _, err := r.SetLevel(ns, levels[i%len(levels)]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.SetLevel("c", "ERROR"); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	for _, name := range names {
		if l := levelOf(t, r, name); l.Level != Error {
			t.Errorf("%s = %+v, want ERROR", name, l)
		}
	}
}

// BenchmarkDisabledDebug is the cost of a DEBUG event on a logger at INFO,
// next to a plain zerolog logger whose static level is INFO.
func BenchmarkDisabledDebug(b *testing.B) {
	r := New(zerolog.New(io.Discard).Level(zerolog.InfoLevel))
	named := r.Logger("org.apache.kafka.connect.runtime.Worker").With().Str("worker_id", "w1").Logger()
	static := zerolog.New(io.Discard).Level(zerolog.InfoLevel).With().Str("worker_id", "w1").Logger()
	b.Run("registry", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			named.Debug().Str("topic", "t").Int("partition", 3).Msg("polled")
		}
	})
	b.Run("static", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			static.Debug().Str("topic", "t").Int("partition", 3).Msg("polled")
		}
	})
	b.Run("registry-enabled-info", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			named.Info().Str("topic", "t").Int("partition", 3).Msg("polled")
		}
	})
}
