//go:build rados

package rados

/*
#cgo LDFLAGS: -lrados -lpthread
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <rados/librados.h>

enum { CEPHAPI_MON = 0, CEPHAPI_MGR = 1, CEPHAPI_OSD = 2, CEPHAPI_MON_TARGET = 3, CEPHAPI_MGR_TARGET = 4 };

// cephapi_cmd is one command and its answer. It lives in C memory: the
// thread that runs the command uses it after the Go call that started it
// has returned.
typedef struct {
	rados_t cluster;
	int kind;
	int osd;
	char *target;
	char **cmd;
	size_t cmdlen;
	char *outbuf;
	size_t outbuflen;
	char *outs;
	size_t outslen;
	int ret;
	int fd;
} cephapi_cmd;

// cephapi_cmd_run runs the command, then writes one byte to fd and closes
// it. It does not touch j after the write: the waiting Go side frees j as
// soon as it reads the byte.
static void *cephapi_cmd_run(void *arg) {
	cephapi_cmd *j = arg;
	const char **cmd = (const char **)j->cmd;
	switch (j->kind) {
	case CEPHAPI_MON:
		j->ret = rados_mon_command(j->cluster, cmd, j->cmdlen, "", 0,
			&j->outbuf, &j->outbuflen, &j->outs, &j->outslen);
		break;
	case CEPHAPI_MGR:
		j->ret = rados_mgr_command(j->cluster, cmd, j->cmdlen, "", 0,
			&j->outbuf, &j->outbuflen, &j->outs, &j->outslen);
		break;
	case CEPHAPI_OSD:
		j->ret = rados_osd_command(j->cluster, j->osd, cmd, j->cmdlen, "", 0,
			&j->outbuf, &j->outbuflen, &j->outs, &j->outslen);
		break;
	case CEPHAPI_MON_TARGET:
		j->ret = rados_mon_command_target(j->cluster, j->target, cmd, j->cmdlen, "", 0,
			&j->outbuf, &j->outbuflen, &j->outs, &j->outslen);
		break;
	case CEPHAPI_MGR_TARGET:
		j->ret = rados_mgr_command_target(j->cluster, j->target, cmd, j->cmdlen, "", 0,
			&j->outbuf, &j->outbuflen, &j->outs, &j->outslen);
		break;
	default:
		j->ret = -EINVAL;
	}
	int fd = j->fd;
	char b = 1;
	ssize_t n;
	do {
		n = write(fd, &b, 1);
	} while (n < 0 && errno == EINTR);
	close(fd);
	return NULL;
}

// cephapi_cmd_start runs j on a new detached thread; 0 or an errno. The
// thread starts with every signal blocked, as Ceph's own threads do, so
// that no signal meant for the process (SIGPIPE included) lands on it.
static int cephapi_cmd_start(cephapi_cmd *j) {
	pthread_attr_t a;
	pthread_t t;
	sigset_t all, old;
	int rc = pthread_attr_init(&a);
	if (rc != 0) {
		return rc;
	}
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&t, &a, cephapi_cmd_run, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&a);
	return rc;
}
*/
import "C"

import (
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"syscall"
	"unsafe"

	gorados "github.com/ceph/go-ceph/rados"
)

// threadConn sends commands like go-ceph's *rados.Conn, on the connection
// go-ceph made, but waits for the answer without holding a Go processor.
//
// A goroutine in a cgo call keeps its P (one of GOMAXPROCS) until the
// runtime's monitor thread takes it back, which it does only after it
// notices, up to 10 ms later on a busy server. A monitor command waits for
// another process, often for milliseconds under load, so on a small host a
// cache refresh of a dozen commands stalled every request being served.
// threadConn runs each command on a C thread of its own and parks the
// goroutine on a pipe the thread writes when it is done: the wait is a
// network-poller wait, like a socket read, and the P serves other requests.
type threadConn struct {
	// conn owns the handle: go-ceph shuts it down when conn is collected,
	// so every command keeps conn alive until its thread is done.
	conn    *gorados.Conn
	cluster C.rados_t
}

func newThreadConn(conn *gorados.Conn) *threadConn {
	return &threadConn{conn: conn, cluster: C.rados_t(unsafe.Pointer(conn.Cluster()))}
}

// libradosError is a failed librados call; ErrorCode gives the negative
// errno, as go-ceph's errors do, and errors.Is matches the syscall.Errno.
type libradosError struct {
	call  string
	errno syscall.Errno
}

func (e *libradosError) Error() string {
	return fmt.Sprintf("%s: ret=-%d, %s", e.call, int(e.errno), e.errno.Error())
}
func (e *libradosError) ErrorCode() int { return -int(e.errno) }
func (e *libradosError) Unwrap() error  { return e.errno }

func (t *threadConn) MonCommand(args []byte) ([]byte, string, error) {
	return t.run("rados_mon_command", C.CEPHAPI_MON, 0, "", [][]byte{args})
}

func (t *threadConn) MgrCommand(args [][]byte) ([]byte, string, error) {
	return t.run("rados_mgr_command", C.CEPHAPI_MGR, 0, "", args)
}

func (t *threadConn) OsdCommand(osd int, args [][]byte) ([]byte, string, error) {
	return t.run("rados_osd_command", C.CEPHAPI_OSD, osd, "", args)
}

func (t *threadConn) MonCommandTarget(name string, args [][]byte) ([]byte, string, error) {
	return t.run("rados_mon_command_target", C.CEPHAPI_MON_TARGET, 0, name, args)
}

// MgrCommandTarget sends a command to the named manager (active or
// standby): what `ceph tell mgr.NAME` does.
func (t *threadConn) MgrCommandTarget(name string, args [][]byte) ([]byte, string, error) {
	return t.run("rados_mgr_command_target", C.CEPHAPI_MGR_TARGET, 0, name, args)
}

func (t *threadConn) run(call string, kind C.int, osd int, target string, args [][]byte) ([]byte, string, error) {
	j := (*C.cephapi_cmd)(C.calloc(1, C.size_t(unsafe.Sizeof(C.cephapi_cmd{}))))
	if j == nil {
		return nil, "", &libradosError{call, syscall.ENOMEM}
	}
	j.cluster, j.kind, j.osd = t.cluster, kind, C.int(osd)
	if target != "" {
		j.target = C.CString(target)
	}
	ptrSize := C.size_t(unsafe.Sizeof((*C.char)(nil)))
	j.cmd = (**C.char)(C.calloc(C.size_t(len(args))+1, ptrSize))
	if j.cmd == nil {
		C.free(unsafe.Pointer(j.target))
		C.free(unsafe.Pointer(j))
		return nil, "", &libradosError{call, syscall.ENOMEM}
	}
	cmd := unsafe.Slice(j.cmd, len(args)+1)
	for i, a := range args {
		cmd[i] = C.CString(string(a))
	}
	j.cmdlen = C.size_t(len(args))
	free := func() {
		for _, p := range cmd {
			C.free(unsafe.Pointer(p))
		}
		C.free(unsafe.Pointer(j.cmd))
		C.free(unsafe.Pointer(j.target))
		C.free(unsafe.Pointer(j))
	}

	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC|syscall.O_NONBLOCK); err != nil {
		// No pipe: run the command here, holding the P.
		j.fd = -1
		C.cephapi_cmd_run(unsafe.Pointer(j))
	} else {
		// A non-blocking descriptor is read through the network poller.
		r := os.NewFile(uintptr(p[0]), "librados-command")
		j.fd = C.int(p[1])
		if rc := C.cephapi_cmd_start(j); rc != 0 {
			// No thread: run the command here, holding the P. It
			// writes the pipe, which is still open, and closes p[1].
			C.cephapi_cmd_run(unsafe.Pointer(j))
		} else if !waitDone(r) {
			// The thread's state is unknown: it may still write into j,
			// so j is leaked rather than freed.
			r.Close()
			runtime.KeepAlive(t.conn)
			return nil, "", &libradosError{call, syscall.EIO}
		}
		r.Close()
	}
	runtime.KeepAlive(t.conn)
	defer free()
	var out []byte
	var status string
	tooLarge := j.outbuflen > math.MaxInt32 || j.outslen > math.MaxInt32
	if j.outbuf != nil {
		if !tooLarge {
			out = C.GoBytes(unsafe.Pointer(j.outbuf), C.int(j.outbuflen))
		}
		C.rados_buffer_free(j.outbuf)
	}
	if j.outs != nil {
		if !tooLarge {
			status = C.GoStringN(j.outs, C.int(j.outslen))
		}
		C.rados_buffer_free(j.outs)
	}
	if tooLarge {
		return nil, "", &libradosError{call, syscall.E2BIG}
	}
	if j.ret < 0 {
		return out, status, &libradosError{call, syscall.Errno(-j.ret)}
	}
	return out, status, nil
}

// waitDone returns once the thread has written its byte (or closed the
// pipe), reading through the network poller. Should the poller fail
// (the descriptor could not be registered, so reads answer EAGAIN at
// once), it waits in a blocking read instead, holding the P: it never
// returns while the thread may still run, except when the pipe itself
// fails, which it reports with false.
func waitDone(r *os.File) bool {
	var b [1]byte
	n, err := r.Read(b[:])
	if n == 1 || err == io.EOF {
		return true
	}
	rc, err := r.SyscallConn()
	if err != nil {
		return false
	}
	done := false
	_ = rc.Control(func(fd uintptr) {
		if syscall.SetNonblock(int(fd), false) != nil {
			return
		}
		for {
			n, err := syscall.Read(int(fd), b[:])
			if err == syscall.EINTR {
				continue
			}
			done = err == nil && n >= 0 // a byte, or end of file: the thread closed its end
			return
		}
	})
	return done
}
