package logging

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/rs/zerolog"
)

// Level is a Log4j level, ordered from the most verbose to none.
type Level int8

// The Log4j levels.
const (
	All Level = iota
	Trace
	Debug
	Info
	Warn
	Error
	Fatal
	Off
)

var levelNames = [...]string{"ALL", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF"}

// String is the level's Log4j name, e.g. "INFO".
func (l Level) String() string {
	if l < All || l > Off {
		return fmt.Sprintf("Level(%d)", int8(l))
	}
	return levelNames[l]
}

// ErrInvalidLevel: the text names no Log4j level.
var ErrInvalidLevel = errors.New("invalid log level")

// ParseLevel reads a Log4j level name as Log4j's Level.toLevel does:
// surrounding white space is ignored and case does not matter ("debug",
// " WARN "). Anything else is ErrInvalidLevel.
func ParseLevel(s string) (Level, error) {
	name := strings.ToUpper(strings.TrimFunc(s, func(r rune) bool { return r <= ' ' }))
	for i, n := range levelNames {
		if n == name {
			return Level(i), nil
		}
	}
	return 0, fmt.Errorf("%w '%s'", ErrInvalidLevel, s)
}

// ValidLevel reports whether s names a Log4j level (see ParseLevel).
func ValidLevel(s string) bool {
	_, err := ParseLevel(s)
	return err == nil
}

// threshold is the lowest zerolog level a logger at l lets through. ALL
// lets through zerolog's numbered levels below TRACE too (as far as
// zerolog's global level does); OFF lets nothing through, not even events
// without a level.
func (l Level) threshold() zerolog.Level {
	switch l {
	case All:
		return math.MinInt8
	case Trace:
		return zerolog.TraceLevel
	case Debug:
		return zerolog.DebugLevel
	case Info:
		return zerolog.InfoLevel
	case Warn:
		return zerolog.WarnLevel
	case Error:
		return zerolog.ErrorLevel
	case Fatal:
		return zerolog.FatalLevel
	}
	return zerolog.Disabled
}

// FromZerolog is the Log4j level that lets through what a zerolog logger
// at l does: TRACE for zerolog.TraceLevel, FATAL for FatalLevel and
// PanicLevel, OFF for Disabled (and NoLevel), ALL below TraceLevel.
func FromZerolog(l zerolog.Level) Level {
	switch {
	case l < zerolog.TraceLevel:
		return All
	case l == zerolog.TraceLevel:
		return Trace
	case l == zerolog.DebugLevel:
		return Debug
	case l == zerolog.InfoLevel:
		return Info
	case l == zerolog.WarnLevel:
		return Warn
	case l == zerolog.ErrorLevel:
		return Error
	case l == zerolog.FatalLevel, l == zerolog.PanicLevel:
		return Fatal
	}
	return Off
}
