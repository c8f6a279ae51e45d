package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestGeneratedFilesAreCurrent regenerates each domain package's
// services_gen.go from its go:generate line and compares: an interface
// changed without go generate fails here.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	line := regexp.MustCompile(`(?m)^//go:generate go run \.\./internal/svcgen -o (\S+) (.+)$`)
	for _, pkg := range []string{"ceph", "osd", "rbd"} {
		dir := filepath.Join("..", "..", pkg)
		src, err := os.ReadFile(filepath.Join(dir, "validated.go"))
		if err != nil {
			t.Fatal(err)
		}
		m := line.FindSubmatch(src)
		if m == nil {
			t.Fatalf("%s/validated.go has no svcgen go:generate line", pkg)
		}
		out := string(m[1])
		want, err := generate(dir, out, strings.Fields(string(m[2])))
		if err != nil {
			t.Fatalf("%s: %v", pkg, err)
		}
		got, err := os.ReadFile(filepath.Join(dir, out))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s/%s is stale: run go generate ./%s", pkg, out, pkg)
		}
	}
}

// TestChecksMustMatchAMethod: a check for a method the interface does not
// have is an error, not a rule that silently never runs.
func TestChecksMustMatchAMethod(t *testing.T) {
	dir := t.TempDir()
	src := `package p

import "context"

type Things interface {
	Get(ctx context.Context, name string) (string, error)
}

type thingsChecks struct{}

func (thingsChecks) Gett(name string) error { return nil }
`
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := generate(dir, "gen.go", []string{"Things=thing"}); err == nil || !strings.Contains(err.Error(), "Gett") {
		t.Errorf("err = %v", err)
	}
}
