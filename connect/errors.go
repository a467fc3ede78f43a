package connect

import (
	"errors"
	"fmt"
)

// Sentinel error kinds. Code anywhere wraps them; the REST layer alone maps
// them to HTTP status codes (errors.Is) and uses the error's text as the
// message of Connect's error body.
var (
	// ErrNotFound: a connector, task or plugin does not exist (404).
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists: a connector with that name already exists (409).
	ErrAlreadyExists = errors.New("already exists")
	// ErrBadRequest: the request or configuration is invalid (400).
	ErrBadRequest = errors.New("bad request")
	// ErrConflict: the request cannot complete now, e.g. during a rebalance (409).
	ErrConflict = errors.New("conflict")
	// ErrRetriable marks a transient failure; the runtime retries the
	// operation instead of failing the connector or task.
	ErrRetriable = errors.New("retriable")
)

// KindError is an error of one of the sentinel kinds whose text is exactly
// Msg (the message Connect's REST API shows), without the kind's own text.
type KindError struct {
	Kind error
	Msg  string
	// Cause is an optional underlying error.
	Cause error
}

func (e *KindError) Error() string { return e.Msg }

// Unwrap exposes both the kind and the cause to errors.Is and errors.As.
func (e *KindError) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Kind, e.Cause}
	}
	return []error{e.Kind}
}

// Errorf returns a KindError of the given kind with a formatted message.
func Errorf(kind error, format string, args ...any) error {
	return &KindError{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}
