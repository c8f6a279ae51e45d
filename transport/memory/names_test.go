package memory_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/transport/memory"
)

func TestFakeRefusesUnknownMethodNames(t *testing.T) {
	_, f := memory.NewFake()
	for _, name := range []string{"RBD.Images.Creat", "Pools.create", "Pool.Create", "", "RBD.Images"} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil {
					t.Fatalf("FailNext(%q) did not panic", name)
				}
				if msg, _ := r.(string); !strings.Contains(msg, "no method") {
					t.Errorf("panic %v", r)
				}
			}()
			f.FailNext(name, ceph.Errorf(ceph.Internal, "", "x"))
		})
	}
	// Known names and "*" are fine.
	f.FailNext("RBD.Images.Create", ceph.Errorf(ceph.Internal, "", "x"))
	f.OnCall("*", func(memory.Call) error { return nil })()
}

// TestModelRecordsKnownNames: every name the model records a call under
// is one Fake accepts, so a reactor on it fires.
func TestModelRecordsKnownNames(t *testing.T) {
	known := memory.MethodNames()
	if !slices.Contains(known, "Pools.Create") || !slices.Contains(known, "RBD.Images.Create") || !slices.Contains(known, "OSDs.Mark") {
		t.Fatalf("MethodNames = %v", known)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	call := regexp.MustCompile(`\b(enter|update|write|view)\([^"\n]*"([A-Za-z.]+)"`)
	n := 0
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			n++
			if !slices.Contains(known, m[2]) {
				t.Errorf("%s: calls are recorded as %q, which is not a method name", file, m[2])
			}
		}
	}
	if n < 50 {
		t.Errorf("found %d recorded names; the pattern no longer matches the model's code", n)
	}
}
