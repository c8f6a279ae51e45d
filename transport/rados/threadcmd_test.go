//go:build rados

package rados

import (
	"errors"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	gorados "github.com/ceph/go-ceph/rados"
)

// realConn connects go-ceph to the cluster named by CEPH_CONF, or skips.
func realConn(t *testing.T) *gorados.Conn {
	t.Helper()
	conf := os.Getenv("CEPH_CONF")
	if conf == "" {
		t.Skip("CEPH_CONF is not set: no real cluster to test against (see scripts/test-real)")
	}
	conn, err := gorados.NewConn()
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.ReadConfigFile(conf); err != nil {
		t.Fatal(err)
	}
	if err := conn.Connect(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Shutdown)
	return conn
}

func openFDs(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents)
}

// TestThreadConn checks that commands sent on C threads answer as go-ceph's
// do (same output, same status line, errno errors), for every kind of
// command, and leave no descriptor behind.
func TestThreadConn(t *testing.T) {
	conn := realConn(t)
	tc := newThreadConn(conn)
	fds := openFDs(t)

	cmd := []byte(`{"prefix":"osd dump","format":"json"}`)
	want, _, err := conn.MonCommand(cmd)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := tc.MonCommand(cmd)
	if err != nil || !strings.Contains(string(got), `"fsid"`) || len(got) < len(want)/2 {
		t.Fatalf("mon command: %v %.200s", err, got)
	}

	tests := []struct {
		name    string
		run     func() ([]byte, string, error)
		errno   syscall.Errno // 0: success
		contain string        // in the output (success) or the status line (failure)
	}{
		{"mon", func() ([]byte, string, error) {
			return tc.MonCommand([]byte(`{"prefix":"quorum_status","format":"json"}`))
		}, 0, `"quorum_names"`},
		{"mgr", func() ([]byte, string, error) {
			return tc.MgrCommand([][]byte{[]byte(`{"prefix":"pg stat","format":"json"}`)})
		}, 0, `"num_pgs"`},
		{"osd", func() ([]byte, string, error) {
			return tc.OsdCommand(0, [][]byte{[]byte(`{"prefix":"version","format":"json"}`)})
		}, 0, `"version"`},
		{"mon target", func() ([]byte, string, error) {
			return tc.MonCommandTarget("a", [][]byte{[]byte(`{"prefix":"mon_status","format":"json"}`)})
		}, 0, `"name":"a"`},
		{"unknown command", func() ([]byte, string, error) { return tc.MonCommand([]byte(`{"prefix":"no such thing"}`)) }, syscall.EINVAL, "command not known"},
		{"missing pool", func() ([]byte, string, error) {
			return tc.MonCommand([]byte(`{"prefix":"osd pool get","pool":"no-such-pool","var":"size","format":"json"}`))
		}, syscall.ENOENT, "no-such-pool"},
		{"missing osd", func() ([]byte, string, error) {
			return tc.OsdCommand(4242, [][]byte{[]byte(`{"prefix":"version"}`)})
		}, syscall.ENOENT, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, status, err := tt.run()
			if tt.errno == 0 {
				if err != nil || !strings.Contains(string(out), tt.contain) {
					t.Fatalf("err %v, status %q, out %.200s", err, status, out)
				}
				return
			}
			var ec errnoCoder
			if !errors.Is(err, tt.errno) || !errors.As(err, &ec) || ec.ErrorCode() != -int(tt.errno) {
				t.Fatalf("err %v, want errno %v", err, tt.errno)
			}
			if !strings.Contains(status, tt.contain) {
				t.Errorf("status %q lacks %q", status, tt.contain)
			}
		})
	}

	// Many at once, on one P: every command answers (each waits on its
	// pipe, not on the P).
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := tc.MonCommand([]byte(`{"prefix":"health","format":"json"}`)); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Descriptors: the pipes are closed by the time a command returns
	// (allow for librados opening sessions meanwhile).
	time.Sleep(100 * time.Millisecond)
	if n := openFDs(t); n > fds+8 {
		t.Errorf("%d descriptors open after the commands, %d before", n, fds)
	}
}

// TestWaitDone checks the wait for a command's thread: it returns when the
// byte comes, or when the writer closes its end without one.
func TestWaitDone(t *testing.T) {
	tests := []struct {
		name  string
		write bool
	}{
		{"byte", true},
		{"closed without a byte", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p [2]int
			if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC|syscall.O_NONBLOCK); err != nil {
				t.Fatal(err)
			}
			r := os.NewFile(uintptr(p[0]), "test")
			defer r.Close()
			var signaled atomic.Bool // set just before the byte or the close
			go func() {
				time.Sleep(20 * time.Millisecond)
				signaled.Store(true)
				if tt.write {
					syscall.Write(p[1], []byte{1})
				}
				syscall.Close(p[1])
			}()
			if !waitDone(r) {
				t.Fatal("waitDone failed")
			}
			if !signaled.Load() {
				t.Fatal("waitDone returned before the writer wrote or closed")
			}
		})
	}
}
