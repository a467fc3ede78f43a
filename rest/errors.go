package rest

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/rest/entities"
)

// This file is the one place that turns errors into HTTP responses, as
// Java's ConnectExceptionMapper does: the status comes from the error's
// kind, the body is {"error_code": status, "message": err.Error()}.
//
//	error                                    status
//	has HTTPStatus() int (REST-layer errors) that status
//	connect.ErrNotFound                      404
//	connect.ErrAlreadyExists                 409
//	connect.ErrConflict                      409
//	connect.ErrBadRequest                    400
//	anything else                            500
//
// A herder call that outlives the request timeout answers 500 "Request
// timed out", unless the herder wrapped the deadline in a KindError with a
// better message.

// restError is an error raised by the REST layer itself with its own
// status (Java's ConnectRestException and JAX-RS WebApplicationException).
type restError struct {
	status int
	msg    string
}

func (e *restError) Error() string   { return e.msg }
func (e *restError) HTTPStatus() int { return e.status }

// jaxrsError is the error JAX-RS raises for a bare status; Connect shows
// its default message, "HTTP 404 Not Found" and the like.
func jaxrsError(status int) error {
	return &restError{status: status, msg: fmt.Sprintf("HTTP %d %s", status, http.StatusText(status))}
}

// errNoContent: a body was required and there was none (Jersey turns
// Jackson's NoContentException into a plain 400).
func errNoContent() error { return jaxrsError(http.StatusBadRequest) }

func badRequest(format string, args ...any) error {
	return &restError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

// statusOf maps an error to its HTTP status.
func statusOf(err error) int {
	var sc interface{ HTTPStatus() int }
	switch {
	case errors.As(err, &sc):
		return sc.HTTPStatus()
	case errors.Is(err, connect.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, connect.ErrAlreadyExists), errors.Is(err, connect.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, connect.ErrBadRequest):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// messageOf is the text shown to the client.
func messageOf(err error) string {
	var ke *connect.KindError
	if errors.Is(err, context.DeadlineExceeded) && !errors.As(err, &ke) {
		return "Request timed out"
	}
	return err.Error()
}

// writeError answers a request with err. Failures (500) are logged at error
// level, like Java's mapper does, unless the client has gone; client errors
// at debug.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := statusOf(err), messageOf(err)
	ev := s.log.Debug()
	if status >= http.StatusInternalServerError && !errors.Is(r.Context().Err(), context.Canceled) {
		ev = s.log.Error()
	}
	ev.Err(err).Str("method", r.Method).Str("path", r.URL.Path).Int("status", status).
		Msg("REST request failed")
	writeJSON(w, status, entities.ErrorMessage{ErrorCode: status, Message: msg})
}
