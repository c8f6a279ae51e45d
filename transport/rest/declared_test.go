package rest

import (
	"testing"

	"github.com/cephapi/cephapi/transport/transporttest"
)

// TestEveryMethodDeclared: every service implements every method of its
// interface; none falls back to the embedded Unimplemented type unseen.
func TestEveryMethodDeclared(t *testing.T) {
	transporttest.Declared(t, ".", []string{"ceph.Commander"})
}
