package ceph

import (
	"context"
	"errors"
)

func codeOfContext(err error) Code {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return DeadlineExceeded
	case errors.Is(err, context.Canceled):
		return Canceled
	}
	return Unknown
}

// CheckContext returns a classified error when ctx is done, nil otherwise.
// Transports call it before and after each call into Ceph.
func CheckContext(ctx context.Context, component string) error {
	if err := ctx.Err(); err != nil {
		return &Error{Code: codeOfContext(err), Component: component, Detail: err.Error(), Err: err}
	}
	return nil
}
