package memory_test

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
	"github.com/cephapi/cephapi/transport/memory"
)

type authEntry struct {
	Entity string            `json:"entity"`
	Key    string            `json:"key"`
	Caps   map[string]string `json:"caps"`
}

func authLs(t *testing.T, c *cephapi.Client) []authEntry {
	t.Helper()
	res, err := c.Commands.Command(bg, ceph.Command{Prefix: "auth ls", Format: "json"})
	must(t, err)
	var v struct {
		AuthDump []authEntry `json:"auth_dump"`
	}
	must(t, json.Unmarshal(res.Output, &v))
	return v.AuthDump
}

// TestCephxEntities: the model's auth database has a fresh cluster's
// entities in Ceph's order, each with its own key in Ceph's key format.
func TestCephxEntities(t *testing.T) {
	created := time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)
	c := memory.New(memory.WithClock(func() time.Time { return created }), memory.WithFileSystem("cephfs"), memory.WithGateway("x"))
	l := authLs(t, c)
	var names []string
	keys := map[string]bool{}
	for _, e := range l {
		names = append(names, e.Entity)
		if keys[e.Key] {
			t.Errorf("%s: key shared with another entity", e.Entity)
		}
		keys[e.Key] = true
		b, err := base64.StdEncoding.DecodeString(e.Key)
		if err != nil || len(b) != 28 || len(e.Key) != 40 {
			t.Fatalf("%s: key %d bytes (%v)", e.Entity, len(b), err)
		}
		if typ, n := binary.LittleEndian.Uint16(b), binary.LittleEndian.Uint16(b[10:]); typ != 1 || n != 16 {
			t.Errorf("%s: key type %d, secret length %d; want AES (1), 16", e.Entity, typ, n)
		}
		if sec := binary.LittleEndian.Uint32(b[2:]); int64(sec) != created.Unix() {
			t.Errorf("%s: key created %d, want %d", e.Entity, sec, created.Unix())
		}
	}
	want := []string{"mds.a", "osd.0", "client.admin", "client.bootstrap-mds", "client.bootstrap-mgr", "client.bootstrap-osd",
		"client.bootstrap-rbd", "client.bootstrap-rbd-mirror", "client.bootstrap-rgw", "client.rgw.x", "mgr.x"}
	if !slices.Equal(names, want) {
		t.Errorf("auth ls lists %v, want %v", names, want)
	}
	if l[2].Caps["mon"] != "allow *" {
		t.Errorf("client.admin caps %v", l[2].Caps)
	}
	// Keys stay the same between reads; mon. is found by get, not listed.
	res, err := c.Commands.Command(bg, ceph.Command{Prefix: "auth get-key", Args: map[string]any{"entity": "client.admin"}})
	must(t, err)
	if string(res.Output) != l[2].Key {
		t.Errorf("get-key %q, ls %q", res.Output, l[2].Key)
	}
	if res, err := c.Commands.Command(bg, ceph.Command{Prefix: "auth get", Args: map[string]any{"entity": "mon."}}); err != nil || res.Status != "exported keyring for mon." {
		t.Errorf("auth get mon.: %v %v", res, err)
	}
	_, err = c.Commands.Command(bg, ceph.Command{Prefix: "auth get", Args: map[string]any{"entity": "client.nope"}})
	if e := ceph.AsError(err); e == nil || e.Code != ceph.NotFound || e.Detail != "failed to find client.nope in keyring" {
		t.Errorf("auth get client.nope: %v", err)
	}
	// Another model has other keys.
	if other := authLs(t, memory.New()); other[1].Key == l[1].Key {
		t.Error("two models share osd.0's key")
	}
}

// TestCephxOSDLifecycle: destroying an OSD removes its entity, and the
// OSD made again gets a new key.
func TestCephxOSDLifecycle(t *testing.T) {
	c, f := memory.NewFake()
	before := authLs(t, c)[0]
	if before.Entity != "osd.0" {
		t.Fatalf("first entity %s", before.Entity)
	}
	must(t, f.SetOSDUp(0, false))
	must(t, c.OSDLifecycle.Destroy(bg, 0))
	for _, e := range authLs(t, c) {
		if e.Entity == "osd.0" {
			t.Fatal("osd.0 still has an auth entity after osd destroy")
		}
	}
	must(t, c.OSDLifecycle.Purge(bg, 0))
	id, err := c.OSDLifecycle.Create(bg, &osd.CreateOptions{Host: "dev"})
	must(t, err)
	after := authLs(t, c)[0]
	if id != 0 || after.Entity != "osd.0" || after.Key == before.Key {
		t.Errorf("osd.%d made again: %s with the old key: %v", id, after.Entity, after.Key == before.Key)
	}
}

// TestConfigKeyStore: the store starts with the telemetry module's keys
// and takes set and rm.
func TestConfigKeyStore(t *testing.T) {
	c := memory.New()
	run := func(prefix string, args map[string]any) (*ceph.CommandResult, error) {
		return c.Commands.Command(bg, ceph.Command{Prefix: prefix, Args: args, Format: "json"})
	}
	res, err := run("config-key ls", nil)
	must(t, err)
	if string(res.Output) != `["mgr/telemetry/report_id","mgr/telemetry/salt"]`+"\n" {
		t.Errorf("config-key ls: %s", res.Output)
	}
	if _, err := run("config-key set", map[string]any{"key": "k", "val": "v"}); err != nil {
		t.Fatal(err)
	}
	if res, err := run("config-key exists", map[string]any{"key": "k"}); err != nil || res.Status != "key 'k' exists" {
		t.Errorf("exists: %v %v", res, err)
	}
	if _, err := run("config-key rm", map[string]any{"key": "k"}); err != nil {
		t.Fatal(err)
	}
	_, err = run("config-key get", map[string]any{"key": "k"})
	if e := ceph.AsError(err); e == nil || e.Code != ceph.NotFound {
		t.Errorf("get after rm: %v", err)
	}
	// The configuration database shows under config/, as Ceph keeps it.
	must(t, c.Config.Set(bg, "osd_recovery_max_active", []ceph.ConfigValue{{Section: "osd", Value: "3"}}))
	if res, err := run("config-key get", map[string]any{"key": "config/osd/osd_recovery_max_active"}); err != nil || string(res.Output) != "3" {
		t.Errorf("config/osd/osd_recovery_max_active: %v %v", res, err)
	}
	must(t, c.MgrModules.SetOptions(bg, "dashboard", map[string]any{"ssl": false}))
	if res, err := run("config-key get", map[string]any{"key": "config/mgr/mgr/dashboard/ssl"}); err != nil || string(res.Output) != "false" {
		t.Errorf("config/mgr/mgr/dashboard/ssl: %v %v", res, err)
	}
}

// TestCephxMatchesCapture compares the model's answers with the 16.2.15
// captures of internal/cmdemu/testdata/cephx by shape: with every key
// replaced by the mask the capture holds, the bytes must be the same.
func TestCephxMatchesCapture(t *testing.T) {
	c := memory.New(memory.WithFileSystem("cephfs"), memory.WithGateway("x"))
	mask := regexp.MustCompile(`AQ[A-Za-z0-9+/]{36}==`)
	const fake = "AQXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX=="
	dir := "../../internal/cmdemu/testdata/cephx/"
	for _, g := range []struct {
		name, prefix, entity string
	}{
		{"auth_get_admin", "auth get", "client.admin"},
		{"auth_get_mon", "auth get", "mon."},
		{"auth_get_osd0", "auth get", "osd.0"},
		{"auth_export_admin", "auth export", "client.admin"},
		{"auth_get_key_admin", "auth get-key", "client.admin"},
		{"auth_get_key_mon", "auth get-key", "mon."},
		{"auth_print_key_admin", "auth print-key", "client.admin"},
	} {
		for _, format := range []string{"", "json", "json-pretty"} {
			name := g.name
			if format != "" {
				name += "." + format
			}
			want, err := os.ReadFile(dir + name + ".out")
			must(t, err)
			var st struct{ Outs string }
			b, err := os.ReadFile(dir + name + ".status")
			must(t, err)
			must(t, json.Unmarshal(b, &st))
			res, err := c.Commands.Command(bg, ceph.Command{Prefix: g.prefix, Args: map[string]any{"entity": g.entity}, Format: format})
			must(t, err)
			if got := mask.ReplaceAllString(string(res.Output), fake); got != string(want) {
				t.Errorf("%s: %q, Ceph %q", name, got, want)
			}
			if got := mask.ReplaceAllString(res.Status, fake); got != st.Outs {
				t.Errorf("%s: status %q, Ceph %q", name, got, st.Outs)
			}
		}
	}
	// auth ls: the capture's cluster also runs an rbd-mirror daemon, which
	// the model has not.
	want, err := os.ReadFile(dir + "auth_ls.json.out")
	must(t, err)
	var v struct {
		AuthDump []json.RawMessage `json:"auth_dump"`
	}
	must(t, json.Unmarshal(want, &v))
	var keep []json.RawMessage
	for _, e := range v.AuthDump {
		if !strings.Contains(string(e), `"client.rbd-mirror.a"`) {
			keep = append(keep, e)
		}
	}
	wantLs, err := json.Marshal(map[string]any{"auth_dump": keep})
	must(t, err)
	res, err := c.Commands.Command(bg, ceph.Command{Prefix: "auth ls", Format: "json"})
	must(t, err)
	if got := mask.ReplaceAllString(string(res.Output), fake); got != string(wantLs) {
		t.Errorf("auth ls: %s\nCeph (without rbd-mirror): %s", got, wantLs)
	}
}
