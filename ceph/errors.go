package ceph

import (
	"errors"
	"fmt"
	"net/http"
)

// Code classifies an error. The set is closed: every error that leaves this
// library through any transport carries exactly one of these codes, and the
// HTTP status for each code is defined in exactly one place (codeTable).
type Code int

// The closed set of error codes.
const (
	// Unknown is the zero value; it is reported as Internal on the wire.
	Unknown Code = iota
	// InvalidArgument: the caller passed a bad argument (empty name, negative
	// pg_num, unknown flag). Retrying the same call will fail again.
	InvalidArgument
	// NotFound: the named thing (pool, OSD, rule, image...) does not exist.
	NotFound
	// AlreadyExists: a create named something that exists already.
	AlreadyExists
	// PermissionDenied: the caller is authenticated but not allowed.
	PermissionDenied
	// Unauthenticated: no or bad credentials.
	Unauthenticated
	// FailedPrecondition: the cluster is not in the state the call needs
	// (marking an up OSD lost, deleting a pool while deletion is disabled).
	FailedPrecondition
	// Busy: the resource is in use (EBUSY); retry later may succeed.
	Busy
	// Unavailable: the cluster (or upstream) cannot be reached right now.
	Unavailable
	// DeadlineExceeded: the call's deadline passed before Ceph answered.
	DeadlineExceeded
	// Canceled: the caller canceled the call.
	Canceled
	// Unimplemented: this transport or server does not offer the call.
	Unimplemented
	// TooLarge: a request (or response) body exceeds the allowed size.
	TooLarge
	// UnsupportedVersion: the requested API version is not served.
	UnsupportedVersion
	// Internal: a bug or an unexpected answer from Ceph.
	Internal
	// TooManyRequests: the caller sent more of a costly kind of request
	// (password checks) than the server takes at once; retry later.
	TooManyRequests
)

// codeTable is the single table that maps codes to their wire name and HTTP
// status. The server writes Status and Name; the REST client reads them back
// (by Name first, by Status when the body carries no known name).
var codeTable = [...]struct {
	code   Code
	name   string
	status int
}{
	{Unknown, "unknown", http.StatusInternalServerError},
	{InvalidArgument, "invalid_argument", http.StatusBadRequest},
	{NotFound, "not_found", http.StatusNotFound},
	{AlreadyExists, "already_exists", http.StatusConflict},
	{PermissionDenied, "permission_denied", http.StatusForbidden},
	{Unauthenticated, "unauthenticated", http.StatusUnauthorized},
	{FailedPrecondition, "failed_precondition", http.StatusBadRequest},
	{Busy, "busy", http.StatusConflict},
	{Unavailable, "unavailable", http.StatusServiceUnavailable},
	{DeadlineExceeded, "deadline_exceeded", http.StatusGatewayTimeout},
	{Canceled, "canceled", 499},
	{Unimplemented, "not_implemented", http.StatusNotImplemented},
	{TooLarge, "too_large", http.StatusRequestEntityTooLarge},
	{UnsupportedVersion, "unsupported_version", http.StatusUnsupportedMediaType},
	{Internal, "internal", http.StatusInternalServerError},
	{TooManyRequests, "too_many_requests", http.StatusTooManyRequests},
}

func init() {
	for i, e := range codeTable {
		if int(e.code) != i {
			panic("ceph: codeTable out of order")
		}
	}
}

// Codes returns every code in the closed set, in order. Tests use it to walk
// the table (for example, to round-trip every code over HTTP).
func Codes() []Code {
	out := make([]Code, len(codeTable))
	for i, e := range codeTable {
		out[i] = e.code
	}
	return out
}

func (c Code) valid() bool { return c >= 0 && int(c) < len(codeTable) }

// String returns the wire name of the code ("not_found", ...).
func (c Code) String() string {
	if !c.valid() {
		return fmt.Sprintf("code(%d)", int(c))
	}
	return codeTable[c].name
}

// HTTPStatus returns the HTTP status that stands for the code.
func (c Code) HTTPStatus() int {
	if !c.valid() {
		return http.StatusInternalServerError
	}
	return codeTable[c].status
}

// CodeFromName returns the code whose wire name is name.
func CodeFromName(name string) (Code, bool) {
	for _, e := range codeTable {
		if e.name == name {
			return e.code, true
		}
	}
	return Unknown, false
}

// CodeFromHTTPStatus returns the most likely code for an HTTP status when no
// better information (a known code name in the body) is available.
func CodeFromHTTPStatus(status int) Code {
	switch status {
	case http.StatusConflict:
		return AlreadyExists
	case http.StatusInternalServerError:
		return Internal
	}
	for _, e := range codeTable {
		if e.status == status && e.code != Unknown {
			return e.code
		}
	}
	switch {
	case status >= 200 && status < 300:
		return Unknown
	case status >= 500:
		return Unavailable
	case status >= 400:
		return InvalidArgument
	}
	return Unknown
}

// Error is the one error type of this library. Every transport returns
// *Error (possibly wrapped) for failures it can classify; the native cause
// (an errno from librados, an HTTP response body, ...) is kept in Err and is
// reachable with errors.As.
type Error struct {
	// Code is the class of the error, one of the closed set.
	Code Code
	// Component names the area the error comes from: "pool", "osd", "auth"...
	// (the dashboard's "component" field).
	Component string
	// Detail is the human-readable message (the dashboard's "detail").
	Detail string
	// Reason is an optional, more specific machine-readable code, such as the
	// dashboard's "invalid_credentials". When empty, Code's name is used on
	// the wire.
	Reason string
	// Err is the native cause, if any.
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	msg := e.Detail
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	if msg == "" {
		msg = e.Code.String()
	}
	if e.Component != "" {
		return e.Component + ": " + msg
	}
	return msg
}

// Unwrap returns the native cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error sentinel with the same code, so
// that errors.Is(err, ceph.ErrNotFound) works for every error of that code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	return t.Code == e.Code && t.Component == "" && t.Detail == "" && t.Reason == "" && t.Err == nil
}

// WireCode is the string written to the "code" field of an error body.
func (e *Error) WireCode() string {
	if e.Reason != "" {
		return e.Reason
	}
	c := e.Code
	if c == Unknown {
		c = Internal
	}
	return c.String()
}

// Sentinels for errors.Is. Compare with errors.Is, never with ==.
var (
	ErrInvalidArgument    = &Error{Code: InvalidArgument}
	ErrNotFound           = &Error{Code: NotFound}
	ErrAlreadyExists      = &Error{Code: AlreadyExists}
	ErrPermissionDenied   = &Error{Code: PermissionDenied}
	ErrUnauthenticated    = &Error{Code: Unauthenticated}
	ErrFailedPrecondition = &Error{Code: FailedPrecondition}
	ErrBusy               = &Error{Code: Busy}
	ErrUnavailable        = &Error{Code: Unavailable}
	ErrDeadlineExceeded   = &Error{Code: DeadlineExceeded}
	ErrCanceled           = &Error{Code: Canceled}
	ErrUnimplemented      = &Error{Code: Unimplemented}
	ErrTooLarge           = &Error{Code: TooLarge}
	ErrUnsupportedVersion = &Error{Code: UnsupportedVersion}
	ErrInternal           = &Error{Code: Internal}
)

// Errorf builds an *Error with a formatted detail.
func Errorf(code Code, component, format string, args ...any) *Error {
	return &Error{Code: code, Component: component, Detail: fmt.Sprintf(format, args...)}
}

// Wrap classifies a native error. It returns nil for a nil err, and err
// unchanged when it already is (or wraps) an *Error, so errors are wrapped
// exactly once.
func Wrap(err error, code Code, component string) error {
	if err == nil {
		return nil
	}
	var ce *Error
	if errors.As(err, &ce) {
		return err
	}
	return &Error{Code: code, Component: component, Detail: err.Error(), Err: err}
}

// CodeOf returns the code of err: the code of the first *Error in its chain,
// Canceled or DeadlineExceeded for context errors, Unknown otherwise, and
// Unknown for nil.
func CodeOf(err error) Code {
	if err == nil {
		return Unknown
	}
	var ce *Error
	if errors.As(err, &ce) {
		return ce.Code
	}
	return codeOfContext(err)
}

// AsError returns err as an *Error, classifying a plain error as Internal
// (or Canceled/DeadlineExceeded for context errors). It returns nil for nil.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var ce *Error
	if errors.As(err, &ce) {
		return ce
	}
	code := codeOfContext(err)
	if code == Unknown {
		code = Internal
	}
	return &Error{Code: code, Detail: err.Error(), Err: err}
}
