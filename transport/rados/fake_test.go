package rados

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// errnoErr stands for a go-ceph error: a negative errno with ErrorCode.
type errnoErr int

func (e errnoErr) Error() string  { return fmt.Sprintf("rados: ret=%d, %s", int(e), syscall.Errno(-e)) }
func (e errnoErr) ErrorCode() int { return int(e) }

// fakeReply is a canned answer.
type fakeReply struct {
	out    []byte
	status string
	err    error
}

// fakeCommander answers commands from testdata files captured on a real
// cluster (`ceph <prefix> -f json > testdata/<prefix with _>.json`) and
// from per-test overrides, and records every command it receives.
type fakeCommander struct {
	t     testing.TB
	mu    sync.Mutex
	calls []map[string]any
	// overrides by command key (see key)
	answers map[string]fakeReply
	// block, when set, is waited on before answering
	block chan struct{}
}

func newFake(t testing.TB) *fakeCommander {
	return &fakeCommander{t: t, answers: map[string]fakeReply{}}
}

// key names a command by its prefix and its dumpcontents/detail/id/name
// arguments: "pg dump osds", "df detail", "osd metadata 0".
func key(cmd map[string]any) string {
	k := fmt.Sprint(cmd["prefix"])
	for _, a := range []string{"dumpcontents", "detail", "id", "name", "who", "poolstr"} {
		switch v := cmd[a].(type) {
		case nil:
		case []any:
			for _, x := range v {
				k += " " + fmt.Sprint(x)
			}
		default:
			k += " " + fmt.Sprint(v)
		}
	}
	return k
}

func (f *fakeCommander) answer(args []byte) ([]byte, string, error) {
	if f.block != nil {
		<-f.block
	}
	var cmd map[string]any
	dec := json.NewDecoder(bytes.NewReader(args))
	dec.UseNumber() // keep 1.0 as sent
	if err := dec.Decode(&cmd); err != nil {
		f.t.Errorf("command is not JSON: %s", args)
		return nil, "", errnoErr(-int(syscall.EINVAL))
	}
	f.mu.Lock()
	f.calls = append(f.calls, cmd)
	r, ok := f.answers[key(cmd)]
	if !ok {
		r, ok = f.answers[fmt.Sprint(cmd["prefix"])]
	}
	f.mu.Unlock()
	if ok {
		return r.out, r.status, r.err
	}
	file := filepath.Join("testdata", strings.ReplaceAll(key(cmd), " ", "_")+".json")
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, "no valid command found (fake: no " + file + ")", errnoErr(-int(syscall.EINVAL))
	}
	return b, "", nil
}

func (f *fakeCommander) MonCommand(args []byte) ([]byte, string, error) { return f.answer(args) }
func (f *fakeCommander) MgrCommand(args [][]byte) ([]byte, string, error) {
	return f.answer(args[0])
}
func (f *fakeCommander) OsdCommand(osd int, args [][]byte) ([]byte, string, error) {
	var cmd map[string]any
	_ = json.Unmarshal(args[0], &cmd)
	cmd["prefix"] = fmt.Sprintf("tell osd.%d %s", osd, cmd["prefix"])
	b, _ := json.Marshal(cmd)
	return f.answer(b)
}
func (f *fakeCommander) MonCommandTarget(name string, args [][]byte) ([]byte, string, error) {
	var cmd map[string]any
	_ = json.Unmarshal(args[0], &cmd)
	cmd["prefix"] = fmt.Sprintf("tell mon.%s %s", name, cmd["prefix"])
	b, _ := json.Marshal(cmd)
	return f.answer(b)
}

// on sets the answer to the command with the given key.
func (f *fakeCommander) on(key string, out string, status string, errno syscall.Errno) {
	r := fakeReply{out: []byte(out), status: status}
	if errno != 0 {
		r.err = errnoErr(-int(errno))
	}
	f.answers[key] = r
}

// writes returns the keys of the commands received that are not reads,
// in order, with their arguments, for comparison.
func (f *fakeCommander) writes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		p := fmt.Sprint(c["prefix"])
		if isRead(p) {
			continue
		}
		keys := make([]string, 0, len(c))
		for k := range c {
			if k != "prefix" && k != "format" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		s := p
		for _, k := range keys {
			v, _ := json.Marshal(c[k])
			s += " " + k + "=" + string(v)
		}
		out = append(out, s)
	}
	return out
}

func isRead(prefix string) bool {
	for _, r := range []string{"osd dump", "osd pool ls", "osd crush rule dump", "df", "osd tree", "pg dump",
		"health", "quorum_status", "mgr dump", "config dump", "config help", "osd erasure-code-profile ls",
		"osd erasure-code-profile get", "osd crush get-device-class", "osd metadata", "tell "} {
		if prefix == r || strings.HasPrefix(prefix, "tell ") {
			return true
		}
	}
	return false
}

func newTestRunner(t testing.TB) (*runner, *fakeCommander) {
	f := newFake(t)
	return &runner{c: f}, f
}

func readTestdata(name string) ([]byte, error) { return os.ReadFile(filepath.Join("testdata", name)) }
