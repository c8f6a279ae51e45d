package rados

import (
	"errors"
	"fmt"
	"strings"
	"syscall"

	"github.com/cephapi/cephapi/ceph"
)

// errnoCoder is implemented by go-ceph's errors (rados and rbd): the
// negative return of the C call as a (possibly negative) errno.
type errnoCoder interface{ ErrorCode() int }

// errnoCode is the one table from errno to code.
var errnoCode = map[syscall.Errno]ceph.Code{
	syscall.ENOENT:       ceph.NotFound,
	syscall.EEXIST:       ceph.AlreadyExists,
	syscall.EINVAL:       ceph.InvalidArgument,
	syscall.ERANGE:       ceph.InvalidArgument,
	syscall.EDOM:         ceph.InvalidArgument,
	syscall.EPERM:        ceph.PermissionDenied,
	syscall.EACCES:       ceph.PermissionDenied,
	syscall.EBUSY:        ceph.Busy,
	syscall.EAGAIN:       ceph.Unavailable,
	syscall.ENOTSUP:      ceph.Unimplemented,
	syscall.ENOSYS:       ceph.Unimplemented,
	syscall.ETIMEDOUT:    ceph.Unavailable,
	syscall.ENOTCONN:     ceph.Unavailable,
	syscall.ESHUTDOWN:    ceph.Unavailable,
	syscall.ECONNREFUSED: ceph.Unavailable,
	syscall.ENOSPC:       ceph.FailedPrecondition,
	syscall.EDQUOT:       ceph.FailedPrecondition,
	syscall.ENOTEMPTY:    ceph.FailedPrecondition,
	syscall.EROFS:        ceph.FailedPrecondition,
	syscall.E2BIG:        ceph.TooLarge,
	syscall.EFBIG:        ceph.TooLarge,
}

// errnoOf returns the positive errno carried by err, or 0.
func errnoOf(err error) syscall.Errno {
	var ec errnoCoder
	if errors.As(err, &ec) {
		n := ec.ErrorCode()
		if n < 0 {
			n = -n
		}
		return syscall.Errno(n)
	}
	var en syscall.Errno
	if errors.As(err, &en) {
		return en
	}
	return 0
}

// codeOfErrno maps an errno to a code; unknown errnos are Internal.
func codeOfErrno(n syscall.Errno) ceph.Code {
	if c, ok := errnoCode[n]; ok {
		return c
	}
	return ceph.Internal
}

// classify turns a failed librados call into *ceph.Error. status is Ceph's
// status line (the command's "outs"), used as Detail when present; the
// native error is kept as the cause. A nil err gives nil.
func classify(err error, status, component string) error {
	if err == nil {
		return nil
	}
	var ce *ceph.Error
	if errors.As(err, &ce) {
		return err
	}
	n := errnoOf(err)
	code := codeOfErrno(n)
	if n == 0 {
		code = ceph.Internal
	}
	status = strings.TrimSpace(status)
	// The monitors answer an unknown command with EINVAL and a list of close
	// matches; a manager without the module says "no handler".
	switch {
	case strings.Contains(status, "no handler") || strings.HasPrefix(status, "No handler"):
		code = ceph.Unimplemented
	}
	detail := status
	if detail == "" {
		detail = err.Error()
	}
	return &ceph.Error{Code: code, Component: component, Detail: detail, Err: err}
}

// errorf is a shorthand for the errors this transport raises itself.
func errorf(code ceph.Code, component, format string, args ...any) error {
	return &ceph.Error{Code: code, Component: component, Detail: fmt.Sprintf(format, args...)}
}

// badReply is the error for an answer from Ceph that does not parse.
func badReply(component, what string, err error) error {
	return &ceph.Error{Code: ceph.Internal, Component: component,
		Detail: fmt.Sprintf("unexpected reply to %s: %v", what, err), Err: err}
}
