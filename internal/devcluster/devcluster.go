// Package devcluster helps tests drive the throw-away cluster of
// scripts/ceph-dev-cluster. It only ever touches a cluster that script made:
// the directory comes from CEPH_DEV_DIR, which the script's env.sh exports.
package devcluster

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Dir returns the dev cluster's directory and ceph.conf, or skips the test
// when CEPH_DEV_DIR or CEPH_CONF is not set.
func Dir(t testing.TB) (dir, conf string) {
	t.Helper()
	dir, conf = os.Getenv("CEPH_DEV_DIR"), os.Getenv("CEPH_CONF")
	if dir == "" || conf == "" {
		t.Skip("CEPH_DEV_DIR is not set: only a cluster of scripts/ceph-dev-cluster is stopped")
	}
	return dir, conf
}

// StopMonitor stops mon.a of the dev cluster in dir (by the pid in its pid
// file) and waits until it is gone. The returned restart starts it again;
// if the test never calls it, a cleanup does, so a failing test does not
// leave the cluster without its monitor.
func StopMonitor(t testing.TB, dir, conf string) (restart func()) {
	t.Helper()
	pidb, err := os.ReadFile(dir + "/run/mon.a.pid")
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(pidb)))
	if err != nil {
		t.Fatal(err)
	}
	restarted := false
	restart = func() {
		if restarted {
			return
		}
		restarted = true
		// The daemons must not see the client's CEPH_* variables: they
		// would apply them too and fail cephx.
		cmd := exec.Command("ceph-mon", "-c", conf, "-i", "a")
		cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("restart mon.a: %v: %s", err, out)
		}
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			restart()
			t.Fatalf("mon.a (pid %d) did not stop in 30s", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Cleanup(restart)
	return restart
}
