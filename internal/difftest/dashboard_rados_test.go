//go:build rados

package difftest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/httpapi"
	"github.com/cephapi/cephapi/transport/rados"
)

// TestDashboardDifferential sends every case of the table to our server
// (httpapi over transport/rados, in process) and to the real ceph-mgr
// dashboard of the same cluster, and compares status codes, JSON shapes and
// the stable values. Differences a case accepts are listed in the table
// with their reasons and documented in docs/dashboard-differences.md.
//
// Gated on CEPH_CONF and CEPH_DASHBOARD_URL/USER/PASSWORD (scripts/test-real
// sets them from the dev cluster's env.sh).
func TestDashboardDifferential(t *testing.T) {
	conf := os.Getenv("CEPH_CONF")
	url, user, pw := os.Getenv("CEPH_DASHBOARD_URL"), os.Getenv("CEPH_DASHBOARD_USER"), os.Getenv("CEPH_DASHBOARD_PASSWORD")
	if conf == "" || url == "" || user == "" || pw == "" {
		t.Skip("CEPH_CONF and CEPH_DASHBOARD_URL/USER/PASSWORD are not set: no real cluster and dashboard (see scripts/test-real)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()

	client, err := rados.New(ctx, rados.Config{ConfFile: conf})
	if err != nil {
		t.Fatalf("rados.New: %v", err)
	}
	t.Cleanup(func() { client.Close() })
	const ourPassword = "difftest-admin-pw"
	accounts, err := auth.NewMemoryStore("admin", ourPassword)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(client, httpapi.WithAccounts(accounts)))
	t.Cleanup(srv.Close)

	stamp := time.Now().Format("150405")
	ours := &Side{Name: "ours", Base: srv.URL, Vars: map[string]string{
		"pool": "dt-ours-pool-" + stamp, "rule": "dt-ours-rule-" + stamp, "ecp": "dt-ours-ecp-" + stamp,
		"opt": "osd_recovery_max_single_start", "rpool": "dt-ours-rbd-" + stamp, "fsdir": "/dt-ours-" + stamp,
		"rgwuser": "dt-ours-rgw-" + stamp, "bucket": "dt-ours-bucket-" + stamp,
	}}
	theirs := &Side{Name: "dashboard", Base: strings.TrimRight(url, "/"), Vars: map[string]string{
		"pool": "dt-dash-pool-" + stamp, "rule": "dt-dash-rule-" + stamp, "ecp": "dt-dash-ecp-" + stamp,
		"opt": "osd_recovery_max_active", "rpool": "dt-dash-rbd-" + stamp, "fsdir": "/dt-dash-" + stamp,
		"rgwuser": "dt-dash-rgw-" + stamp, "bucket": "dt-dash-bucket-" + stamp,
	}}
	if err := ours.Login(ctx, "admin", ourPassword); err != nil {
		t.Fatal(err)
	}
	if err := theirs.Login(ctx, user, pw); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cleanup(t, conf, ours, theirs) })

	// The cluster's OSD flags, to set noout on top and to restore.
	flags := osdFlags(ctx, t, theirs)
	withNoout := append(slices.Clone(flags), "noout")
	slices.Sort(withNoout)
	host := firstHost(ctx, t, theirs)
	for _, s := range []*Side{ours, theirs} {
		s.Vars["flags"] = jsonList(flags)
		s.Vars["flagsNoout"] = jsonList(withNoout)
		s.Vars["host"] = host
	}

	run := func(group string, cases []Case) {
		t.Run(group, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.Name, func(t *testing.T) {
					res, err := Run(ctx, c, ours, theirs)
					if err != nil {
						t.Fatal(err)
					}
					for _, e := range res.Explained {
						t.Logf("known: %s (%s)", e.Diff, e.Reason)
					}
					for _, k := range res.Unused {
						t.Logf("known difference not seen this run: %s %s (%s)", k.Kind, k.Path, k.Reason)
					}
					for _, d := range res.Diffs {
						t.Errorf("%s %s: %s", method(c), c.Path, d)
					}
					if t.Failed() || testing.Verbose() {
						t.Logf("ours %d in %v: %s", res.Ours.Status, res.Ours.Duration.Round(time.Millisecond), clip(res.Ours.Body))
						t.Logf("dashboard %d in %v: %s", res.Theirs.Status, res.Theirs.Duration.Round(time.Millisecond), clip(res.Theirs.Body))
					}
				})
			}
		})
	}
	run("Read", readCases())
	run("Error", errorCases())
	run("Write", writeCases())
	run("RBD", rbdCases())
	run("Accounts", accountCases())
	if hasFileSystem(ctx, t, theirs) {
		run("CephFS", cephfsCases())
	}
	if hasGateway(ctx, t, theirs) {
		run("RGW", rgwCases())
	}
}

// hasFileSystem reports whether the cluster has a file system (the
// CephFS walk needs one; scripts/test-real starts an MDS).
func hasFileSystem(ctx context.Context, t *testing.T, s *Side) bool {
	res, err := s.Do(ctx, http.MethodGet, "/api/cephfs", "1.0", "", false)
	if err != nil {
		t.Fatalf("GET /api/cephfs: %v", err)
	}
	if res.Status != http.StatusOK || len(bytes.TrimSpace(res.Body)) <= 2 {
		t.Logf("no file system (GET /api/cephfs: %d %s): the CephFS walk is left out", res.Status, clip(res.Body))
		return false
	}
	return true
}

// hasGateway reports whether the dashboard reaches a radosgw (the RGW
// walk needs one; scripts/test-real starts it with --rgw).
func hasGateway(ctx context.Context, t *testing.T, s *Side) bool {
	res, err := s.Do(ctx, http.MethodGet, "/api/rgw/daemon", "1.0", "", false)
	if err != nil {
		t.Fatalf("GET /api/rgw/daemon: %v", err)
	}
	var daemons []json.RawMessage
	if res.Status != http.StatusOK || json.Unmarshal(res.Body, &daemons) != nil || len(daemons) == 0 {
		t.Logf("no radosgw (GET /api/rgw/daemon: %d %s): the RGW walk is left out", res.Status, clip(res.Body))
		return false
	}
	return true
}

func method(c Case) string {
	if c.Method == "" {
		return http.MethodGet
	}
	return c.Method
}

func clip(b []byte) string {
	s := string(b)
	if len(s) > 2000 {
		s = s[:2000] + fmt.Sprintf("... (%d bytes)", len(b))
	}
	return s
}

func jsonList(l []string) string {
	b, _ := json.Marshal(l)
	return string(b)
}

func osdFlags(ctx context.Context, t *testing.T, s *Side) []string {
	t.Helper()
	rsp, err := s.Do(ctx, http.MethodGet, "/api/osd/flags", "", "", false)
	if err != nil {
		t.Fatal(err)
	}
	var flags []string
	if err := json.Unmarshal(rsp.Body, &flags); err != nil || rsp.Status != http.StatusOK {
		t.Fatalf("GET /api/osd/flags: %d %s", rsp.Status, rsp.Body)
	}
	return flags
}

// firstHost is the name of the first host the dashboard lists.
func firstHost(ctx context.Context, t *testing.T, s *Side) string {
	t.Helper()
	rsp, err := s.Do(ctx, http.MethodGet, "/api/host", "1.1", "", false)
	if err != nil {
		t.Fatal(err)
	}
	var hosts []struct {
		Hostname string `json:"hostname"`
	}
	if err := json.Unmarshal(rsp.Body, &hosts); err != nil || rsp.Status != http.StatusOK || len(hosts) == 0 {
		t.Fatalf("GET /api/host: %d %s", rsp.Status, rsp.Body)
	}
	return hosts[0].Hostname
}

// cleanup removes what the write cases may have left behind when a case
// failed half-way, and puts the flags back, with the Ceph CLI.
func cleanup(t *testing.T, conf string, sides ...*Side) {
	ceph := func(args ...string) {
		cmd := exec.Command("ceph", append([]string{"-c", conf}, args...)...)
		_ = cmd.Run()
	}
	for _, s := range sides {
		v := s.Vars
		ceph("osd", "pool", "rm", v["pool"], v["pool"], "--yes-i-really-really-mean-it")
		ceph("osd", "pool", "rm", v["rpool"], v["rpool"], "--yes-i-really-really-mean-it")
		ceph("osd", "crush", "rule", "rm", v["rule"])
		ceph("osd", "erasure-code-profile", "rm", v["ecp"])
		ceph("config", "rm", "osd", v["opt"])
		_ = exec.Command("radosgw-admin", "-c", conf, "user", "rm", "--uid", v["rgwuser"], "--purge-data").Run()
	}
	var flags []string
	if len(sides) > 0 {
		_ = json.Unmarshal([]byte(sides[0].Vars["flags"]), &flags)
	}
	if len(flags) > 0 && !slices.Contains(flags, "noout") {
		ceph("osd", "unset", "noout")
	}
}
