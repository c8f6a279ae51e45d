package main

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi"
	"github.com/cephapi/cephapi/transport/memory"
)

func server(t *testing.T) string {
	t.Helper()
	accounts, err := auth.NewMemoryStore("admin", "pw-123", auth.WithBcryptCost(bcrypt.MinCost))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(httpapi.New(memory.New(), httpapi.WithAccounts(accounts)))
	t.Cleanup(ts.Close)
	return ts.URL
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestRunPrintsHealthPoolsOSDs(t *testing.T) {
	url := server(t)
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"--url", url, "--user", "admin"}, env(map[string]string{"CEPH_DASHBOARD_PASSWORD": "pw-123"}), &out, &errOut)
	if err != nil {
		t.Fatalf("run: %v (stderr %s)", err, errOut.String())
	}
	for _, want := range []string{"health: HEALTH_OK", "pools: 1", "device_health_metrics", "osds: 1", "osd.0", "dev", "up,in"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunPasswordFile(t *testing.T) {
	url := server(t)
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte("pw-123\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"--url", url, "--password-file", pw}, env(nil), &out, &out); err != nil {
		t.Fatalf("run: %v", err)
	}
}

func TestRunErrors(t *testing.T) {
	url := server(t)
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		code ceph.Code // Unknown: any error
	}{
		{"no URL", nil, map[string]string{"CEPH_DASHBOARD_PASSWORD": "x"}, ceph.Unknown},
		{"no password", []string{"--url", url}, nil, ceph.Unknown},
		{"missing password file", []string{"--url", url, "--password-file", "/nonexistent"}, nil, ceph.Unknown},
		{"wrong password", []string{"--url", url}, map[string]string{"CEPH_DASHBOARD_PASSWORD": "wrong"}, ceph.Unauthenticated},
		{"no password flag", []string{"--url", url, "--password", "x"}, nil, ceph.Unknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), tc.args, env(tc.env), &out, &out)
			if err == nil {
				t.Fatal("got no error")
			}
			if tc.code != ceph.Unknown && !errors.Is(err, &ceph.Error{Code: tc.code}) {
				t.Errorf("got %v, want code %v", err, tc.code)
			}
		})
	}
}
