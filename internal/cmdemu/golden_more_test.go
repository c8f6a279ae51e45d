package cmdemu

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/cephapi/cephapi/ceph"
)

// moreGolden is a capture of testdata/reads-more.sh: the command, the
// formats captured, and whether the bytes must match (else the JSON must
// decode to the same type of value).
type moreGolden struct {
	name    string
	prefix  string
	args    map[string]any
	formats []string
	exact   bool
	// why the output cannot match, when it cannot.
	why string
}

var allFormats = []string{"", "json", "json-pretty"}

func moreGoldens() []moreGolden {
	pg := func(name, pool, v string, formats []string) moreGolden {
		return moreGolden{name, "osd pool get", map[string]any{"pool": pool, "var": v}, formats, true, ""}
	}
	errs := []string{"", "json"}
	return []moreGolden{
		{"osd_find", "osd find", map[string]any{"id": 0}, allFormats, true, ""},
		{"osd_find_9", "osd find", map[string]any{"id": 9}, errs, true, ""},
		{"crush_rule_dump", "osd crush rule dump", nil, allFormats, true, ""},
		pg("osd_pool_get_size", "device_health_metrics", "size", allFormats),
		pg("osd_pool_get_all", "device_health_metrics", "all", allFormats),
		pg("osd_pool_get_pg_num", "cephfs.cephfs.meta", "pg_num", allFormats),
		pg("osd_pool_get_crush_rule", "cephfs.cephfs.meta", "crush_rule", allFormats),
		pg("osd_pool_get_meta_all", "cephfs.cephfs.meta", "all", errs),
		pg("osd_pool_get_data_all", "cephfs.cephfs.data", "all", errs),
		pg("osd_pool_get_bias", "cephfs.cephfs.meta", "pg_autoscale_bias", errs),
		pg("osd_pool_get_autoscale", "cephfs.cephfs.meta", "pg_autoscale_mode", errs),
		pg("osd_pool_get_ecp", "cephfs.cephfs.meta", "erasure_code_profile", errs),
		pg("osd_pool_get_unset", "cephfs.cephfs.meta", "compression_mode", errs),
		pg("osd_pool_get_nopool", "nope", "size", errs),
		pg("osd_pool_get_hitset", "cephfs.cephfs.meta", "hit_set_type", errs),
		{"fs_dump", "fs dump", nil, allFormats, true, ""},
		{"mds_stat", "mds stat", nil, allFormats, true, ""},
		{"mds_compat_show", "mds compat show", nil, allFormats, true, ""},
		{"osd_perf", "osd perf", nil, allFormats, true, ""},
		{"osd_pool_stats", "osd pool stats", nil, allFormats, true, ""},
		{"pg_dump_stuck", "pg dump_stuck", nil, allFormats, true, ""},
		{"osd_blocklist_ls", "osd blocklist ls", nil, allFormats, false, "the domain API carries no blocklist: the emulator lists none"},
		{"osd_blacklist_ls", "osd blacklist ls", nil, allFormats, false, "the domain API carries no blocklist: the emulator lists none"},
	}
}

type capStatus struct {
	Ret  int    `json:"ret"`
	Outs string `json:"outs"`
}

// refused checks the emulator's answer to a command the capture shows
// refused: the same errno and message (or one lenient accepts). It reports
// whether the capture was a refusal; for one that was not, a failed
// answer fails the test.
func refused(t *testing.T, st capStatus, res *ceph.CommandResult, err error, lenient func(msg string) bool) bool {
	t.Helper()
	if st.Ret == 0 {
		if err != nil {
			t.Fatal(err)
		}
		return false
	}
	var en syscall.Errno
	if !errors.As(err, &en) || -int(en) != st.Ret {
		t.Fatalf("got %v (%v); want errno %d %q", res, err, -st.Ret, st.Outs)
	}
	if d := ceph.AsError(err).Detail; d != st.Outs && (lenient == nil || !lenient(d)) {
		t.Errorf("message %q, want %q", d, st.Outs)
	}
	return true
}

// sameReply checks the status line and the output against the capture.
func sameReply(t *testing.T, st capStatus, want []byte, res *ceph.CommandResult) {
	t.Helper()
	if res.Status != st.Outs {
		t.Errorf("status %q, want %q", res.Status, st.Outs)
	}
	if !bytes.Equal(res.Output, want) {
		t.Errorf("output differs from Ceph 16.2.15 (-want +got):\n%s", diff(string(want), string(res.Output)))
	}
}

// TestGoldenReadsMore replays the captures of reads-more.sh: output,
// status line, and for failed commands the errno and message.
func TestGoldenReadsMore(t *testing.T) {
	for _, state := range []string{"fs-rgw"} {
		f := loadFixture(t, state)
		c := f.client()
		for _, g := range moreGoldens() {
			for _, format := range g.formats {
				name := g.name
				if format != "" {
					name += "." + format
				}
				t.Run(state+"/"+name, func(t *testing.T) {
					want, err := os.ReadFile(filepath.Join("testdata", state, name+".out"))
					if err != nil {
						t.Fatalf("not captured: %v", err)
					}
					var st capStatus
					readJSON(t, state, name+".status", &st)
					res, err := c.Commands.Command(context.Background(), ceph.Command{Prefix: g.prefix, Args: g.args, Format: format})
					if refused(t, st, res, err, nil) {
						return
					}
					if g.exact && g.why == "" {
						sameReply(t, st, want, res)
						return
					}
					if g.why == "" && res.Status != st.Outs {
						t.Errorf("status %q, want %q", res.Status, st.Outs)
					}
					t.Logf("not byte-exact: %s; diff (-ceph +emu):\n%s", g.why, diff(string(want), string(res.Output)))
					if format == "" {
						return
					}
					// Some answers are several JSON values (osd blocklist ls).
					gv, err := jsonValues(res.Output)
					if err != nil {
						t.Fatalf("emulator JSON: %v\n%s", err, res.Output)
					}
					wv, err := jsonValues(want)
					if err != nil {
						t.Fatal(err)
					}
					if len(gv) != len(wv) {
						t.Fatalf("emulator answers %d JSON values, Ceph %d", len(gv), len(wv))
					}
					for i := range gv {
						if isList(gv[i]) != isList(wv[i]) {
							t.Errorf("emulator answers %T, Ceph %T", gv[i], wv[i])
						}
					}
				})
			}
		}
	}
}

func isList(v any) bool { _, ok := v.([]any); return ok }

// jsonValues decodes a stream of JSON values.
func jsonValues(b []byte) ([]any, error) {
	var out []any
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
}
