package rados

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"

	"github.com/cephapi/cephapi/ceph"
)

// commander is the seam between the transport and librados: go-ceph's
// *rados.Conn satisfies it, and the unit tests answer it with replies
// captured from a real cluster.
type commander interface {
	// MonCommand sends one JSON command to the monitors.
	MonCommand(args []byte) ([]byte, string, error)
	// MgrCommand sends a JSON command to the active manager.
	MgrCommand(args [][]byte) ([]byte, string, error)
	// OsdCommand sends a JSON command to one OSD (`ceph tell osd.N`).
	OsdCommand(osd int, args [][]byte) ([]byte, string, error)
	// MonCommandTarget sends a JSON command to one named monitor.
	MonCommandTarget(name string, args [][]byte) ([]byte, string, error)
}

// runner runs commands bounded by a context.
type runner struct {
	c commander
	// mds sends commands to metadata servers (nil: none can be sent).
	mds mdsCommander
	// inflight counts calls into librados, so that Close can wait for the
	// ones a canceled context left running before it shuts librados down.
	mu       sync.RWMutex // guards closed and the start of a call
	closed   bool
	inflight sync.WaitGroup
	// cache keeps the hot reads' answers (nil: no cache); every call but
	// the known reads invalidates it (see cache.go).
	cache *cache
}

// readCommands are the commands that change nothing the cache holds: only
// they leave it alone. Any other command, including one missing
// here by mistake, invalidates it (a cost, never a stale answer).
var readCommands = map[string]bool{
	"config dump": true, "device ls-by-daemon": true, "df": true, "fs dump": true,
	"health": true, "log last": true, "mgr dump": true, "mon_status": true, "node ls": true,
	"osd crush get-device-class": true, "osd crush rule dump": true, "osd dump": true,
	"osd erasure-code-profile get": true, "osd erasure-code-profile ls": true,
	"osd metadata": true, "osd pool ls": true, "osd pool stats": true, "osd tree": true,
	"perf dump": true, "perf histogram dump": true, "perf histogram schema": true, "perf schema": true, "pg dump": true,
	"pg ls-by-pool": true, "pg stat": true, "quorum_status": true, "service dump": true, "service status": true,
	"versions": true, "config get": true, "mds metadata": true, "mon metadata": true, "mgr metadata": true, "orch status": true, "session ls": true, "config help": true, "config show": true, "osd stat": true, "mgr stat": true, "config log": true,
	// The legacy API's compatibility reads (httpapi/legacy/compat.go) and
	// its command listing: a Metricbeat poll must not empty the cache.
	"time-sync-status": true, "features": true, "get_command_descriptions": true,
}

// neutralCommands neither empty the cache nor are cached: the config-key
// store and the cluster log hold nothing a cached answer is made of. The
// account database reads config-key every 2 s and writes it on failed
// logins, and the audit trail writes the log: neither may empty the cache
// of the hot reads, and the account database must read config-key fresh.
var neutralCommands = map[string]bool{
	"config-key dump": true, "config-key get": true, "config-key exists": true, "config-key ls": true,
	"config-key set": true, "config-key rm": true, "log": true,
}

// do runs fn, a call into librados, like call, for calls with no output.
func (r *runner) do(ctx context.Context, component string, fn func() error) error {
	_, _, err := r.call(ctx, component, func() ([]byte, string, error) { return nil, "", fn() })
	return err
}

// doRead is do for a librados or librbd call that changes nothing (an
// image's stat, a directory or trash listing): unlike do, it leaves the
// cache alone, so that a dashboard polling its RBD pages does not empty the
// cache of every other read.
func (r *runner) doRead(ctx context.Context, component string, fn func() error) error {
	_, _, err := r.exec(ctx, component, true, func() ([]byte, string, error) { return nil, "", fn() })
	return err
}

// close marks the runner closed and waits for calls still running.
func (r *runner) close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.inflight.Wait()
}

type reply struct {
	out    []byte
	status string
	err    error
}

// call runs fn, a call into librados, with ctx checked before and after.
// When ctx can be canceled the call runs in its own goroutine and call
// returns as soon as ctx is done; the librados op timeouts bound the
// goroutine left behind.
func (r *runner) call(ctx context.Context, component string, fn func() ([]byte, string, error)) ([]byte, string, error) {
	return r.exec(ctx, component, false, fn)
}

// read is call for a command that changes nothing: prefix must be in
// readCommands (or neutralCommands) for the cache to be left alone.
func (r *runner) read(ctx context.Context, component, prefix string, fn func() ([]byte, string, error)) ([]byte, string, error) {
	return r.exec(ctx, component, readCommands[prefix] || neutralCommands[prefix], fn)
}

// cmdReply is a cached command answer.
type cmdReply struct {
	out    []byte
	status string
}

// readCached is read through the cache: a read command's answer (key
// names the target and the whole encoded command) is shared by every
// caller for up to the cache's ttl and dropped by any write, under the
// cache's rules (see cache.go). The output is shared: callers only decode
// it. Commands sent by a shared fetch are not cached (inFetchKey).
func (r *runner) readCached(ctx context.Context, component, prefix, key string, fn func() ([]byte, string, error)) ([]byte, string, error) {
	if r.cache == nil || !readCommands[prefix] || ctx.Value(inFetchKey{}) != nil {
		return r.read(ctx, component, prefix, fn)
	}
	rep, err := cached(ctx, r.cache, component, "cmd\x00"+key, func(ctx context.Context) (cmdReply, error) {
		out, status, err := r.read(ctx, component, prefix, fn)
		return cmdReply{out, status}, err
	})
	return rep.out, rep.status, err
}

// exec is call; unless read, it invalidates the cache when the call starts
// and again when fn has returned (also when ctx ended first and fn was left
// running), so that no answer fetched before a write outlives it.
func (r *runner) exec(ctx context.Context, component string, read bool, fn func() ([]byte, string, error)) ([]byte, string, error) {
	fn = r.cache.inBackground(ctx, fn)
	if !read && r.cache != nil {
		r.cache.invalidate()
		inner := fn
		fn = func() ([]byte, string, error) {
			defer r.cache.invalidate()
			return inner()
		}
	}
	if err := ceph.CheckContext(ctx, component); err != nil {
		return nil, "", err
	}
	r.mu.RLock()
	if r.closed {
		r.mu.RUnlock()
		return nil, "", errorf(ceph.Unavailable, component, "the client is closed")
	}
	r.inflight.Add(1)
	r.mu.RUnlock()
	var rep reply
	if ctx.Done() == nil {
		rep.out, rep.status, rep.err = fn()
		r.inflight.Done()
	} else {
		ch := make(chan reply, 1)
		go func() {
			defer r.inflight.Done()
			var x reply
			x.out, x.status, x.err = fn()
			ch <- x
		}()
		select {
		case <-ctx.Done():
			return nil, "", ceph.CheckContext(ctx, component)
		case rep = <-ch:
		}
	}
	if err := ceph.CheckContext(ctx, component); err != nil {
		return nil, rep.status, err
	}
	if rep.err != nil {
		// some commands (osd safe-to-destroy) explain a refusal in the
		// output as well, so it is returned with the error
		return rep.out, rep.status, classify(rep.err, rep.status, component)
	}
	return rep.out, rep.status, nil
}

// args is a command's arguments besides its prefix.
type args = map[string]any

// encode builds a command: prefix, arguments and, unless format is "", the
// output format.
func encode(prefix, format string, a args) []byte {
	m := make(map[string]any, len(a)+2)
	for k, v := range a {
		m[k] = v
	}
	m["prefix"] = prefix
	if format != "" {
		m["format"] = format
	}
	b, err := json.Marshal(m)
	if err != nil {
		// Arguments are built by this package from strings, numbers and
		// slices of them; a failure is a bug.
		panic("rados: cannot encode command: " + err.Error())
	}
	return b
}

// mon runs a monitor command with JSON output and returns the output.
func (r *runner) mon(ctx context.Context, component, prefix string, a args) ([]byte, error) {
	cmd := encode(prefix, "json", a)
	out, _, err := r.readCached(ctx, component, prefix, "mon\x00"+string(cmd), func() ([]byte, string, error) { return r.c.MonCommand(cmd) })
	return out, err
}

// monWrite runs a monitor command and returns its status line (for writes).
func (r *runner) monWrite(ctx context.Context, component, prefix string, a args) (string, error) {
	cmd := encode(prefix, "json", a)
	_, status, err := r.call(ctx, component, func() ([]byte, string, error) { return r.c.MonCommand(cmd) })
	return status, err
}

// mgrWrite runs a manager command that changes the cluster (a module's
// command) and returns its status line.
func (r *runner) mgrWrite(ctx context.Context, component, prefix string, a args) (string, error) {
	cmd := encode(prefix, "json", a)
	_, status, err := r.call(ctx, component, func() ([]byte, string, error) { return r.c.MgrCommand([][]byte{cmd}) })
	return status, err
}

// monJSON runs a monitor command and decodes its JSON output into v.
func (r *runner) monJSON(ctx context.Context, component string, v any, prefix string, a args) error {
	out, err := r.mon(ctx, component, prefix, a)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(out, v); err != nil {
		return badReply(component, prefix, err)
	}
	return nil
}

// mgrJSON runs a manager command and decodes its JSON output into v.
func (r *runner) mgrJSON(ctx context.Context, component string, v any, prefix string, a args) error {
	cmd := encode(prefix, "json", a)
	out, _, err := r.readCached(ctx, component, prefix, "mgr\x00"+string(cmd), func() ([]byte, string, error) { return r.c.MgrCommand([][]byte{cmd}) })
	if err != nil {
		return err
	}
	if v == nil {
		return nil
	}
	if err := json.Unmarshal(out, v); err != nil {
		return badReply(component, prefix, err)
	}
	return nil
}

// osdJSON runs a command on one OSD and decodes its JSON output into v.
func (r *runner) osdJSON(ctx context.Context, component string, id int, v any, prefix string, a args) error {
	cmd := encode(prefix, "json", a)
	out, _, err := r.readCached(ctx, component, prefix, "osd."+strconv.Itoa(id)+"\x00"+string(cmd), func() ([]byte, string, error) { return r.c.OsdCommand(id, [][]byte{cmd}) })
	if err != nil {
		return err
	}
	if err := json.Unmarshal(out, v); err != nil {
		return badReply(component, prefix, err)
	}
	return nil
}
