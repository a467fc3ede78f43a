package app

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/IBM/sarama"
	"github.com/rs/zerolog"
)

// LogOptions select the log format and level.
type LogOptions struct {
	// Format is "json" (one structured object per line) or "console"
	// (human-readable); "" picks console on a terminal, json otherwise.
	Format string
	// Level is a zerolog level name (trace, debug, info, warn, error): the
	// root logger's initial level, which /admin/loggers can change.
	Level string
}

// NewLogger builds the process logger writing to w.
func NewLogger(w io.Writer, o LogOptions) (zerolog.Logger, error) {
	level := zerolog.InfoLevel
	if o.Level != "" {
		l, err := zerolog.ParseLevel(strings.ToLower(o.Level))
		if err != nil {
			return zerolog.Logger{}, fmt.Errorf("invalid log level %q", o.Level)
		}
		level = l
	}
	format := o.Format
	if format == "" {
		format = "json"
		if f, ok := w.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				format = "console"
			}
		}
	}
	// Millisecond timestamps (zerolog's default has whole seconds); the
	// setting is process-wide, and this is the one place that sets it.
	zerolog.TimeFieldFormat = "2006-01-02T15:04:05.000Z07:00"
	// Levels are decided per logger (connect/logging); zerolog's global
	// level, DEBUG by default, would hide TRACE events from all of them.
	zerolog.SetGlobalLevel(zerolog.TraceLevel)
	switch format {
	case "json":
	case "console":
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: "15:04:05.000"}
	default:
		return zerolog.Logger{}, fmt.Errorf("invalid log format %q (json or console)", o.Format)
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger(), nil
}

// saramaLogger routes sarama's internal log lines to zerolog at debug level
// (they are chatty: connection attempts, metadata refreshes).
type saramaLogger struct{ log zerolog.Logger }

func (s saramaLogger) Print(v ...any) { s.log.Debug().Msg(strings.TrimSpace(fmt.Sprint(v...))) }
func (s saramaLogger) Printf(format string, v ...any) {
	s.log.Debug().Msg(strings.TrimSpace(fmt.Sprintf(format, v...)))
}
func (s saramaLogger) Println(v ...any) { s.log.Debug().Msg(strings.TrimSpace(fmt.Sprint(v...))) }

// InstallSaramaLogger makes sarama log through log (sarama's logger is a
// package global; this is the one place that sets it).
func InstallSaramaLogger(log zerolog.Logger) {
	sarama.Logger = saramaLogger{log: log.With().Str("component", "sarama").Logger()}
}
