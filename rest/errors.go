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
// kind, the body is {"error_code": code, "message": err.Error()}.
//
//	error                                    status
//	has HTTPStatus() int (REST-layer errors, that status
//	  herder kinds of their own: 403, 503)
//	connect.ErrNotFound                      404
//	connect.ErrAlreadyExists                 409
//	connect.ErrConflict                      409
//	connect.ErrBadRequest                    400
//	anything else                            500
//
// The first error in err's tree (outermost first, depth first, the order
// errors.As walks) that has an HTTPStatus method or is one of the sentinel
// kinds decides, so a connect.KindError's Kind wins over whatever its Cause
// carries. error_code is the status, unless the deciding error also has an
// ErrorCode() int method (an error relayed from another worker keeps the
// error_code that worker sent, as Java's RestClient does).
//
// A herder call that outlives the request timeout answers 500 "Request
// timed out", unless the herder wrapped the deadline in a KindError with a
// better message.

// restError is an error raised by the REST layer itself with its own
// status (Java's ConnectRestException and JAX-RS WebApplicationException).
// code, when not 0, is the body's error_code if it differs from the status
// (an error relayed from another worker).
type restError struct {
	status int
	code   int
	msg    string
}

func (e *restError) Error() string   { return e.msg }
func (e *restError) HTTPStatus() int { return e.status }

// ErrorCode is the error_code of the body.
func (e *restError) ErrorCode() int {
	if e.code != 0 {
		return e.code
	}
	return e.status
}

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

// kindStatus maps connect's sentinel kinds to statuses.
var kindStatus = []struct {
	kind   error
	status int
}{
	{connect.ErrNotFound, http.StatusNotFound},
	{connect.ErrAlreadyExists, http.StatusConflict},
	{connect.ErrConflict, http.StatusConflict},
	{connect.ErrBadRequest, http.StatusBadRequest},
}

// statusOf maps an error to its HTTP status.
func statusOf(err error) int {
	status, _ := classify(err)
	return status
}

// classify maps an error to its HTTP status and the error_code of its body
// (see the table above).
func classify(err error) (status, code int) {
	status, code = http.StatusInternalServerError, http.StatusInternalServerError
	walkErrors(err, func(e error) bool {
		if sc, ok := e.(interface{ HTTPStatus() int }); ok {
			status, code = sc.HTTPStatus(), sc.HTTPStatus()
			if ec, ok := e.(interface{ ErrorCode() int }); ok {
				code = ec.ErrorCode()
			}
			return true
		}
		for _, k := range kindStatus {
			if isKind(e, k.kind) {
				status, code = k.status, k.status
				return true
			}
		}
		return false
	})
	return status, code
}

// isKind reports whether e itself (not what it wraps) is kind, by identity
// or through its own Is method, as one step of errors.Is.
func isKind(e, kind error) bool {
	if e == kind {
		return true
	}
	x, ok := e.(interface{ Is(error) bool })
	return ok && x.Is(kind)
}

// walkErrors calls visit on err and everything it wraps, in the order
// errors.As does, until visit returns true; it reports whether one did.
func walkErrors(err error, visit func(error) bool) bool {
	for err != nil {
		if visit(err) {
			return true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if walkErrors(e, visit) {
					return true
				}
			}
			return false
		default:
			return false
		}
	}
	return false
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
	status, code := classify(err)
	msg := messageOf(err)
	ev := s.log.Debug()
	if status >= http.StatusInternalServerError && !errors.Is(r.Context().Err(), context.Canceled) {
		ev = s.log.Error()
	}
	ev.Err(err).Str("method", r.Method).Str("path", r.URL.Path).Int("status", status).
		Msg("REST request failed")
	writeJSON(w, status, entities.ErrorMessage{ErrorCode: code, Message: msg})
}
