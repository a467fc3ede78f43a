package converters

import (
	"errors"
	"fmt"
	"strings"
)

// ErrData is the kind of every DataError: errors.Is(err, ErrData) tells a
// conversion failure (bad data or a value that does not fit its schema) from
// other failures.
var ErrData = errors.New("data error")

// DataError is Java's DataException: data that cannot be converted. Msg is
// Java's message; Cause, if any, is appended as Java's log line shows it.
type DataError struct {
	Msg   string
	Cause error
}

func (e *DataError) Error() string {
	if e.Cause == nil {
		return e.Msg
	}
	if strings.HasSuffix(e.Msg, ": ") {
		return e.Msg + e.Cause.Error()
	}
	return e.Msg + ": " + e.Cause.Error()
}

// Unwrap returns the cause.
func (e *DataError) Unwrap() error { return e.Cause }

// Is reports whether target is ErrData.
func (e *DataError) Is(target error) bool { return target == ErrData }

func dataErrorf(format string, args ...any) error {
	return &DataError{Msg: fmt.Sprintf(format, args...)}
}

func dataErrorWrap(msg string, cause error) error {
	return &DataError{Msg: msg, Cause: cause}
}
