package httpapi

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cephapi/cephapi/httpapi/ops"
)

func TestParseMediaType(t *testing.T) {
	tests := []struct {
		accept string
		want   Version
		ok     bool
	}{
		{"application/vnd.ceph.api.v1.0+json", V1, true},
		{"application/vnd.ceph.api.v0.1+json", V01, true},
		{"application/vnd.ceph.api.v2.0+json", V2, true},
		{"  application/vnd.ceph.api.v1.1+json ", V1_1, true},
		{"*/*, application/vnd.ceph.api.v1.0+json;q=0.9", V1, true},
		{"application/json, application/vnd.ceph.api.v2.0+json", V2, true},
		{"application/vnd.ceph.api.v123456.654321+json", Version{Major: 123456, Minor: 654321}, true},
		{"", Version{}, false},
		{"*/*", Version{}, false},
		{"application/json", Version{}, false},
		{"application/vnd.ceph.api.v1+json", Version{}, false},
		{"application/vnd.ceph.api.v1.+json", Version{}, false},
		{"application/vnd.ceph.api.v.0+json", Version{}, false},
		{"application/vnd.ceph.api.v1.0.0+json", Version{}, false},
		{"application/vnd.ceph.api.v-1.0+json", Version{}, false},
		{"application/vnd.ceph.api.v1.0+xml", Version{}, false},
		{"application/vnd.ceph.api.v1234567.0+json", Version{}, false},
		{"application/vnd.ceph.api.v1.0+jsonx", Version{}, false},
		{"xapplication/vnd.ceph.api.v1.0+json", Version{}, false},
		{",,,", Version{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseMediaType(tt.accept)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseMediaType(%q) = %v, %v; want %v, %v", tt.accept, got, ok, tt.want, tt.ok)
		}
	}
}

// TestBindingComments: each binding is preceded by its operation's
// "METHOD /path" (so a search for the path finds the row, the binding and,
// through it, the domain call), and the comment is true.
func TestBindingComments(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	bindLine := regexp.MustCompile(`^\s+(?:return \[\]binding\{)?bind(Call)?\(ops\.(\w+),`)
	n := 0
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(src), "\n")
		for i, line := range lines {
			m := bindLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			n++
			op, ok := ops.ByID(m[2])
			if !ok {
				t.Errorf("%s:%d binds unknown operation %s", file, i+1, m[2])
				continue
			}
			if want := "// " + op.String(); i == 0 || strings.TrimSpace(lines[i-1]) != want {
				t.Errorf("%s:%d: %s is not preceded by %q", file, i+1, m[2], want)
			}
		}
	}
	if n != len(New(nil).bindings()) {
		t.Errorf("found %d bind lines, the server has %d bindings", n, len(New(nil).bindings()))
	}
}
