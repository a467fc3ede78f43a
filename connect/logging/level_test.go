package logging

import (
	"errors"
	"testing"

	"github.com/rs/zerolog"
)

func TestParseLevel(t *testing.T) {
	ok := map[string]Level{
		"ALL": All, "TRACE": Trace, "DEBUG": Debug, "INFO": Info, "WARN": Warn,
		"ERROR": Error, "FATAL": Fatal, "OFF": Off,
		"debug": Debug, "Warn": Warn, " info\t": Info, "oFf": Off,
	}
	for in, want := range ok {
		got, err := ParseLevel(in)
		if err != nil || got != want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v", in, got, err, want)
		}
		if !ValidLevel(in) {
			t.Errorf("ValidLevel(%q) = false", in)
		}
	}
	for _, in := range []string{"", " ", "WARNING", "information", "VERBOSE", "5", "DEBUG!", "IN FO"} {
		if _, err := ParseLevel(in); !errors.Is(err, ErrInvalidLevel) {
			t.Errorf("ParseLevel(%q) error = %v, want ErrInvalidLevel", in, err)
		}
		if ValidLevel(in) {
			t.Errorf("ValidLevel(%q) = true", in)
		}
	}
}

func TestLevelString(t *testing.T) {
	for l, want := range map[Level]string{All: "ALL", Trace: "TRACE", Info: "INFO", Fatal: "FATAL", Off: "OFF", Level(42): "Level(42)"} {
		if got := l.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int8(l), got, want)
		}
	}
}

func TestFromZerolog(t *testing.T) {
	cases := map[zerolog.Level]Level{
		zerolog.Level(-5):  All,
		zerolog.TraceLevel: Trace,
		zerolog.DebugLevel: Debug,
		zerolog.InfoLevel:  Info,
		zerolog.WarnLevel:  Warn,
		zerolog.ErrorLevel: Error,
		zerolog.FatalLevel: Fatal,
		zerolog.PanicLevel: Fatal,
		zerolog.NoLevel:    Off,
		zerolog.Disabled:   Off,
	}
	for in, want := range cases {
		if got := FromZerolog(in); got != want {
			t.Errorf("FromZerolog(%v) = %v, want %v", in, got, want)
		}
	}
}

// A level lets through exactly the zerolog levels at or above it.
func TestThresholds(t *testing.T) {
	type check struct {
		event zerolog.Level
		pass  bool
	}
	cases := map[Level][]check{
		All:   {{zerolog.Level(-3), true}, {zerolog.TraceLevel, true}},
		Trace: {{zerolog.Level(-3), false}, {zerolog.TraceLevel, true}, {zerolog.DebugLevel, true}},
		Debug: {{zerolog.TraceLevel, false}, {zerolog.DebugLevel, true}},
		Info:  {{zerolog.DebugLevel, false}, {zerolog.InfoLevel, true}, {zerolog.NoLevel, true}},
		Warn:  {{zerolog.InfoLevel, false}, {zerolog.WarnLevel, true}},
		Error: {{zerolog.WarnLevel, false}, {zerolog.ErrorLevel, true}},
		Fatal: {{zerolog.ErrorLevel, false}, {zerolog.FatalLevel, true}, {zerolog.PanicLevel, true}},
		Off:   {{zerolog.PanicLevel, false}, {zerolog.NoLevel, false}},
	}
	for l, checks := range cases {
		n := &node{}
		n.setEffective(l)
		for _, c := range checks {
			if got := n.Sample(c.event); got != c.pass {
				t.Errorf("a logger at %v passes a %v event: %v, want %v", l, c.event, got, c.pass)
			}
		}
	}
}
