package connect

import "errors"

// Sentinel error kinds. Code anywhere wraps them with %w; the REST layer alone
// maps them to HTTP status codes.
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
