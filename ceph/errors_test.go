package ceph_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/cephapi/cephapi/ceph"
)

func TestCodeTable(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range ceph.Codes() {
		name := c.String()
		if seen[name] {
			t.Errorf("duplicate wire name %q", name)
		}
		seen[name] = true
		got, ok := ceph.CodeFromName(name)
		if !ok || got != c {
			t.Errorf("CodeFromName(%q) = %v, %v; want %v", name, got, ok, c)
		}
		if s := c.HTTPStatus(); s < 400 || s > 599 {
			t.Errorf("%v: status %d is not an error status", c, s)
		}
	}
	if _, ok := ceph.CodeFromName("no_such_code"); ok {
		t.Error("CodeFromName accepted an unknown name")
	}
}

func TestHTTPStatus(t *testing.T) {
	tests := []struct {
		code   ceph.Code
		status int
	}{
		{ceph.InvalidArgument, http.StatusBadRequest},
		{ceph.NotFound, http.StatusNotFound},
		{ceph.AlreadyExists, http.StatusConflict},
		{ceph.PermissionDenied, http.StatusForbidden},
		{ceph.Unauthenticated, http.StatusUnauthorized},
		{ceph.Unavailable, http.StatusServiceUnavailable},
		{ceph.Unimplemented, http.StatusNotImplemented},
		{ceph.TooLarge, http.StatusRequestEntityTooLarge},
		{ceph.UnsupportedVersion, http.StatusUnsupportedMediaType},
		{ceph.Internal, http.StatusInternalServerError},
		{ceph.Code(999), http.StatusInternalServerError},
	}
	for _, tt := range tests {
		if got := tt.code.HTTPStatus(); got != tt.status {
			t.Errorf("%v.HTTPStatus() = %d, want %d", tt.code, got, tt.status)
		}
	}
}

func TestCodeFromHTTPStatus(t *testing.T) {
	tests := []struct {
		status int
		want   ceph.Code
	}{
		{400, ceph.InvalidArgument},
		{401, ceph.Unauthenticated},
		{403, ceph.PermissionDenied},
		{404, ceph.NotFound},
		{409, ceph.AlreadyExists},
		{413, ceph.TooLarge},
		{415, ceph.UnsupportedVersion},
		{418, ceph.InvalidArgument},
		{500, ceph.Internal},
		{501, ceph.Unimplemented},
		{502, ceph.Unavailable},
		{503, ceph.Unavailable},
		{504, ceph.DeadlineExceeded},
	}
	for _, tt := range tests {
		if got := ceph.CodeFromHTTPStatus(tt.status); got != tt.want {
			t.Errorf("CodeFromHTTPStatus(%d) = %v, want %v", tt.status, got, tt.want)
		}
	}
}

func TestIsAndAs(t *testing.T) {
	native := io.ErrUnexpectedEOF
	err := fmt.Errorf("listing: %w", ceph.Wrap(native, ceph.NotFound, "pool"))
	if !errors.Is(err, ceph.ErrNotFound) {
		t.Fatal("errors.Is(err, ErrNotFound) = false")
	}
	if errors.Is(err, ceph.ErrAlreadyExists) {
		t.Fatal("errors.Is(err, ErrAlreadyExists) = true")
	}
	if !errors.Is(err, native) {
		t.Fatal("native cause not reachable with errors.Is")
	}
	var ce *ceph.Error
	if !errors.As(err, &ce) || ce.Component != "pool" || ce.Code != ceph.NotFound {
		t.Fatalf("errors.As = %+v", ce)
	}
	// A detailed error is not a sentinel: Is must not match it as target.
	detailed := ceph.Errorf(ceph.NotFound, "pool", "no pool x")
	if errors.Is(ceph.ErrNotFound, detailed) {
		t.Error("a detailed error matched as a sentinel target")
	}
}

func TestWrapOnce(t *testing.T) {
	inner := ceph.Errorf(ceph.Busy, "osd", "osd.0 is not down")
	outer := ceph.Wrap(fmt.Errorf("ctx: %w", inner), ceph.Internal, "x")
	if ceph.CodeOf(outer) != ceph.Busy {
		t.Fatalf("Wrap re-classified an *Error: %v", ceph.CodeOf(outer))
	}
	if ceph.Wrap(nil, ceph.Internal, "x") != nil {
		t.Fatal("Wrap(nil) != nil")
	}
}

func TestCodeOfAndAsError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		err  error
		code ceph.Code
		as   ceph.Code
	}{
		{"nil", nil, ceph.Unknown, ceph.Unknown},
		{"plain", errors.New("boom"), ceph.Unknown, ceph.Internal},
		{"canceled", ctx.Err(), ceph.Canceled, ceph.Canceled},
		{"deadline", context.DeadlineExceeded, ceph.DeadlineExceeded, ceph.DeadlineExceeded},
		{"typed", ceph.Errorf(ceph.NotFound, "osd", "x"), ceph.NotFound, ceph.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ceph.CodeOf(tt.err); got != tt.code {
				t.Errorf("CodeOf = %v, want %v", got, tt.code)
			}
			e := ceph.AsError(tt.err)
			if tt.err == nil {
				if e != nil {
					t.Errorf("AsError(nil) = %v", e)
				}
				return
			}
			if e.Code != tt.as {
				t.Errorf("AsError code = %v, want %v", e.Code, tt.as)
			}
		})
	}
}

func TestWireCodeAndMessage(t *testing.T) {
	e := &ceph.Error{Code: ceph.InvalidArgument, Component: "auth", Detail: "Invalid credentials", Reason: "invalid_credentials"}
	if e.WireCode() != "invalid_credentials" {
		t.Errorf("WireCode = %q", e.WireCode())
	}
	if e.Error() != "auth: Invalid credentials" {
		t.Errorf("Error() = %q", e.Error())
	}
	if (&ceph.Error{}).WireCode() != "internal" {
		t.Error("zero Error must go on the wire as internal")
	}
}

func ExampleError() {
	err := fmt.Errorf("get pool: %w", ceph.Errorf(ceph.NotFound, "pool", "pool %q does not exist", "rbd"))
	fmt.Println(errors.Is(err, ceph.ErrNotFound))
	var ce *ceph.Error
	if errors.As(err, &ce) {
		fmt.Println(ce.Code, ce.Code.HTTPStatus(), ce.Component)
	}
	// Output:
	// true
	// not_found 404 pool
}
