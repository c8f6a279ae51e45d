package cmdemu

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cephapi/cephapi/ceph"
)

// fakeKey is the key testdata/capmask.py writes in place of every real one.
const fakeKey = "AQXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX=="

// capturedAuth is the auth database of testdata/cephx: the entities and
// caps the dev cluster listed, all with the masked key.
type capturedAuth struct {
	l   []CephxEntity
	mon *CephxEntity
}

func (a capturedAuth) CephxEntities(context.Context) ([]CephxEntity, *CephxEntity, error) {
	// Any order: the emulator sorts as Ceph does.
	l := append([]CephxEntity(nil), a.l...)
	sort.Slice(l, func(i, j int) bool { return l[i].Name > l[j].Name })
	return l, a.mon, nil
}

type capturedKV map[string][]byte

func (m capturedKV) ConfigKeys(context.Context) (map[string][]byte, error) { return m, nil }
func (m capturedKV) SetConfigKey(_ context.Context, k string, v []byte) error {
	m[k] = v
	return nil
}
func (m capturedKV) RemoveConfigKey(_ context.Context, k string) (bool, error) {
	_, ok := m[k]
	delete(m, k)
	return ok, nil
}

func cephxFixture(t *testing.T) (capturedAuth, capturedKV) {
	t.Helper()
	var ls struct {
		AuthDump []struct {
			Entity, Key string
			Caps        map[string]string
		} `json:"auth_dump"`
	}
	readJSON(t, "cephx", "auth_ls.json.out", &ls)
	var a capturedAuth
	for _, e := range ls.AuthDump {
		if e.Key != fakeKey {
			t.Fatalf("%s: the capture holds a key that is not the mask", e.Entity)
		}
		a.l = append(a.l, CephxEntity{Name: e.Entity, Key: e.Key, Caps: e.Caps})
	}
	var mon []struct {
		Entity, Key string
		Caps        map[string]string
	}
	readJSON(t, "cephx", "auth_get_mon.json.out", &mon)
	a.mon = &CephxEntity{Name: mon[0].Entity, Key: mon[0].Key, Caps: mon[0].Caps}
	var names []string
	readJSON(t, "cephx", "ck_ls.json.out", &names)
	kv := capturedKV{}
	for _, n := range names {
		kv[n] = []byte("?")
	}
	for _, g := range []struct{ name, key string }{{"ck_get_port", "config/mgr/mgr/dashboard/server_port"}, {"ck_get_scrape", "mgr/devicehealth/last_scrape"}} {
		b, err := os.ReadFile(filepath.Join("testdata", "cephx", g.name+".out"))
		if err != nil {
			t.Fatal(err)
		}
		kv[g.key] = b
	}
	return a, kv
}

// TestGoldenCephx replays every capture of testdata/cephx.sh against the
// captured database: output and status byte for byte (the keys are the
// mask on both sides), errno and message for refused commands.
func TestGoldenCephx(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "cephx", "*.status"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no captures: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".status")
		t.Run(name, func(t *testing.T) {
			a, kv := cephxFixture(t)
			e := New(nil, WithAuth(a), WithConfigKeys(kv))
			var st struct {
				Ret  int            `json:"ret"`
				Outs string         `json:"outs"`
				Cmd  map[string]any `json:"cmd"`
			}
			readJSON(t, "cephx", name+".status", &st)
			want, err := os.ReadFile(filepath.Join("testdata", "cephx", name+".out"))
			if err != nil {
				t.Fatal(err)
			}
			cmd := ceph.Command{Prefix: st.Cmd["prefix"].(string), Args: map[string]any{}}
			for k, v := range st.Cmd {
				switch k {
				case "prefix":
				case "format":
					cmd.Format = v.(string)
				default:
					cmd.Args[k] = v
				}
			}
			res, err := e.Command(context.Background(), cmd)
			// The monitor's own argument check says only "invalid
			// command"; the emulator names the missing argument.
			lenient := func(string) bool { return st.Outs == "invalid command" }
			if !refused(t, capStatus{Ret: st.Ret, Outs: st.Outs}, res, err, lenient) {
				sameReply(t, capStatus{Ret: st.Ret, Outs: st.Outs}, want, res)
			}
		})
	}
}

// TestConfigKeyWrites: set, exists, get, rm as the monitor answers them.
func TestConfigKeyWrites(t *testing.T) {
	kv := capturedKV{}
	e := New(nil, WithConfigKeys(kv))
	run := func(prefix string, args map[string]any) (*ceph.CommandResult, error) {
		return e.Command(context.Background(), ceph.Command{Prefix: prefix, Args: args})
	}
	if res, err := run("config-key set", map[string]any{"key": "a/b", "val": "v1"}); err != nil || res.Status != "set a/b" {
		t.Fatalf("set: %v %v", res, err)
	}
	if _, err := run("config-key set", map[string]any{"key": "a/c"}); ceph.AsError(err).Detail != "no data provided" {
		t.Errorf("set without val: %v", err)
	}
	if res, err := run("config-key get", map[string]any{"key": "a/b"}); err != nil || string(res.Output) != "v1" {
		t.Fatalf("get: %v %v", res, err)
	}
	if res, err := e.Command(context.Background(), ceph.Command{Prefix: "config-key get", Args: map[string]any{"key": "a/b"}, Format: "xml"}); err != nil || string(res.Output) != "v1" {
		t.Fatalf("get in xml is the raw value: %v %v", res, err)
	}
	if res, err := run("config-key dump", map[string]any{"key": "a/"}); err != nil || string(res.Output) != "{\n    \"a/b\": \"v1\"\n}\n" {
		t.Fatalf("dump: %q %v", res.Output, err)
	}
	if res, err := run("config-key rm", map[string]any{"key": "a/b"}); err != nil || res.Status != "key deleted" {
		t.Fatalf("rm: %v %v", res, err)
	}
	if res, err := run("config-key rm", map[string]any{"key": "a/b"}); err != nil || res.Status != "no such key 'a/b'" {
		t.Fatalf("rm again: %v %v", res, err)
	}
	if _, err := run("config-key exists", map[string]any{"key": "a/b"}); ceph.AsError(err).Code != ceph.NotFound {
		t.Errorf("exists after rm: %v", err)
	}
	// Without a store (the REST transport) the commands are refused.
	if _, err := New(nil).Command(context.Background(), ceph.Command{Prefix: "auth ls"}); ceph.AsError(err).Code != ceph.Unimplemented {
		t.Errorf("auth ls without a database: %v", err)
	}
}
