package cmdemu

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/ceph"
)

// The FS map reads python-cephclient calls (mds_stat, mds_compat_show, and
// mds_dump, which the legacy layer answers from fs dump), as Ceph
// 16.2.15's MDSMonitor prints them, from the health report's FS map.

// defaultMDSCompat is the FS map's default compat set of a 16.2.15
// cluster (what new file systems are checked against; the file systems'
// own maps also carry feature 7, inline data). A transport that does not
// report the FS map's compat gets this one.
var defaultMDSCompat = json.RawMessage(`{"compat":{},"ro_compat":{},"incompat":{"feature_1":"base v0.20","feature_2":"client writeable ranges","feature_3":"default file layouts on dirs","feature_4":"dir inode in separate object","feature_5":"mds uses versioned encoding","feature_6":"dirfrag is stored in omap","feature_8":"no anchor table","feature_9":"file layout v2","feature_10":"snaprealm v2"}}`)

// mdsMapKeys and mdsInfoKeys are the orders MDSMap::dump and
// mds_info_t::dump print their fields in; other fields follow by name.
var (
	mdsMapKeys = []string{"epoch", "flags", "ever_allowed_features", "explicitly_allowed_features", "created", "modified",
		"tableserver", "root", "session_timeout", "session_autoclose", "required_client_features", "max_file_size",
		"last_failure", "last_failure_osd_epoch", "compat", "max_mds", "in", "up", "failed", "damaged", "stopped", "info",
		"data_pools", "metadata_pool", "enabled", "fs_name", "balancer", "standby_count_wanted"}
	mdsInfoKeys = []string{"gid", "name", "rank", "incarnation", "state", "state_seq", "addr", "addrs", "join_fscid",
		"export_targets", "features", "flags", "compat", "epoch"}
)

// rawFields is a JSON object's fields.
type rawFields map[string]json.RawMessage

func toRaw(v any) rawFields {
	b, err := json.Marshal(v)
	if err != nil {
		return rawFields{}
	}
	m := rawFields{}
	if json.Unmarshal(b, &m) != nil {
		return rawFields{}
	}
	return m
}

// ordered lays m out with keys first, then the others by name.
func (m rawFields) ordered(keys []string) obj {
	o := obj{}
	done := map[string]bool{}
	for _, k := range keys {
		if v, ok := m[k]; ok {
			o = append(o, kv{k, v})
			done[k] = true
		}
	}
	for _, k := range sortedKeys(m) {
		if !done[k] {
			o = append(o, kv{k, m[k]})
		}
	}
	return o
}

func (m rawFields) str(k string) string {
	var s string
	if json.Unmarshal(m[k], &s) == nil {
		return s
	}
	return strings.TrimSpace(string(m[k]))
}

func (m rawFields) num(k string) int64 {
	var n int64
	_ = json.Unmarshal(m[k], &n)
	return n
}

func mdsInfoObj(i ceph.MDSInfo) obj { return toRaw(i).ordered(mdsInfoKeys) }

func mdsMapObj(mm ceph.MDSMap) obj {
	m := toRaw(mm)
	infos := obj{}
	for _, k := range sortedKeys(mm.Info) {
		infos = append(infos, kv{k, mdsInfoObj(mm.Info[k])})
	}
	b, _ := json.Marshal(infos)
	m["info"] = b
	return m.ordered(mdsMapKeys)
}

// fsMapView is the FS map with the defaults of a fresh 16.2.15 cluster for
// what the transport does not report: the default compat set, multiple
// file systems enabled (Pacific's default), and the legacy client's file
// system the first one (or -1, FS_CLUSTER_ID_NONE, when there is none).
type fsMapView struct {
	m      ceph.FSMap
	compat json.RawMessage
	flags  json.RawMessage
	fscid  int
}

func (e *Emulator) fsMap(ctx context.Context) (*fsMapView, error) {
	h, err := e.full(ctx)
	if err != nil {
		return nil, err
	}
	v := &fsMapView{m: h.FSMap, compat: h.FSMap.Compat, flags: h.FSMap.FeatureFlags, fscid: -1}
	sort.SliceStable(v.m.Filesystems, func(i, j int) bool { return v.m.Filesystems[i].ID < v.m.Filesystems[j].ID })
	if len(v.compat) == 0 {
		v.compat = defaultMDSCompat
	}
	if len(v.flags) == 0 {
		v.flags = json.RawMessage(`{"enable_multiple":true,"ever_enabled_multiple":true}`)
	}
	if len(h.FSMap.DefaultFSCID) > 0 {
		_ = json.Unmarshal(h.FSMap.DefaultFSCID, &v.fscid)
	} else if len(v.m.Filesystems) > 0 {
		v.fscid = v.m.Filesystems[0].ID
	}
	return v, nil
}

func (v *fsMapView) obj() obj {
	standbys := []obj{}
	for _, s := range v.m.Standbys {
		standbys = append(standbys, mdsInfoObj(s))
	}
	fss := []obj{}
	for _, fs := range v.m.Filesystems {
		fss = append(fss, obj{{"mdsmap", mdsMapObj(fs.MDSMap)}, {"id", fs.ID}})
	}
	return obj{{"epoch", v.m.Epoch}, {"default_fscid", v.fscid}, {"compat", v.compat}, {"feature_flags", v.flags},
		{"standbys", standbys}, {"filesystems", fss}}
}

// fsDump answers `fs dump`: the FS map (JSON: FSMap::dump; plain:
// FSMap::print), with the status "dumped fsmap epoch N". An older epoch
// is not kept.
func (e *Emulator) fsDump(ctx context.Context, a args, f format) ([]byte, string, error) {
	v, err := e.fsMap(ctx)
	if err != nil {
		return nil, "", err
	}
	if ep, ok := a["epoch"].(int); ok && ep != v.m.Epoch {
		return nil, "", ceph.UnimplementedError("fs dump", "an older FS map epoch")
	}
	status := "dumped fsmap epoch " + strconv.Itoa(v.m.Epoch)
	if f != plain {
		b, err := encodeJSON(v.obj(), f)
		return b, status, err
	}
	var b strings.Builder
	ff := toRaw(json.RawMessage(v.flags))
	fmt.Fprintf(&b, "e%d\nenable_multiple, ever_enabled_multiple: %s,%s\ndefault compat: %s\nlegacy client fscid: %d\n \n",
		v.m.Epoch, boolDigit(ff["enable_multiple"]), boolDigit(ff["ever_enabled_multiple"]), compatString(v.compat), v.fscid)
	if len(v.m.Filesystems) == 0 {
		b.WriteString("No filesystems configured\n")
	}
	for _, fs := range v.m.Filesystems {
		fmt.Fprintf(&b, "Filesystem '%s' (%d)\n", fs.MDSMap.FSName, fs.ID)
		printMDSMap(&b, fs.MDSMap)
		b.WriteString(" \n \n")
	}
	if len(v.m.Standbys) > 0 {
		b.WriteString("Standby daemons:\n \n")
	}
	for _, s := range v.m.Standbys {
		b.WriteString(mdsInfoString(s) + "\n")
	}
	return []byte(b.String()), status, nil
}

func boolDigit(r json.RawMessage) string {
	if strings.TrimSpace(string(r)) == "true" {
		return "1"
	}
	return "0"
}

// compatFeatures returns a compat set's three feature maps, by bit.
func compatFeatures(r json.RawMessage) [3]map[int]string {
	var c map[string]map[string]string
	_ = json.Unmarshal(r, &c)
	var out [3]map[int]string
	for i, k := range []string{"compat", "ro_compat", "incompat"} {
		out[i] = map[int]string{}
		for name, d := range c[k] {
			if n, err := strconv.Atoi(strings.TrimPrefix(name, "feature_")); err == nil {
				out[i][n] = d
			}
		}
	}
	return out
}

// compatString prints a compat set as CompatSet's operator<< does.
func compatString(r json.RawMessage) string {
	fs := compatFeatures(r)
	var parts []string
	for i, k := range []string{"compat", "rocompat", "incompat"} {
		var ids []int
		for n := range fs[i] {
			ids = append(ids, n)
		}
		sort.Ints(ids)
		var items []string
		for _, n := range ids {
			items = append(items, fmt.Sprintf("%d=%s", n, fs[i][n]))
		}
		parts = append(parts, k+"={"+strings.Join(items, ",")+"}")
	}
	return strings.Join(parts, ",")
}

// compatBits prints a compat set as CompatSet::printbits does: each
// feature mask in hex, bit 0 always set.
func compatBits(r json.RawMessage) string {
	fs := compatFeatures(r)
	var parts []string
	for i, k := range []string{"c", "r", "i"} {
		mask := uint64(1)
		for n := range fs[i] {
			if n < 64 {
				mask |= 1 << n
			}
		}
		parts = append(parts, fmt.Sprintf("%s=[%x]", k, mask))
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// mdsInfoString prints a daemon as mds_info_t's operator<< does.
func mdsInfoString(i ceph.MDSInfo) string {
	m := toRaw(i)
	var b strings.Builder
	fmt.Fprintf(&b, "[mds.%s{%d:%d} state %s seq %d", i.Name, i.Rank, i.GID, i.State, m.num("state_seq"))
	var targets []int
	if json.Unmarshal(m["export_targets"], &targets) == nil && len(targets) > 0 {
		b.WriteString(" export targets " + intSet(targets))
	}
	var addrs ceph.AddrVec
	_ = json.Unmarshal(m["addrs"], &addrs)
	fmt.Fprintf(&b, " addr %s compat %s]", addrs.String(), compatBits(m["compat"]))
	return b.String()
}

// intSet prints a set of ints as std::set's operator<< does: "0,1".
func intSet(l []int) string {
	s := make([]string, len(l))
	for i, n := range l {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

// printMDSMap prints a file system's map as MDSMap::print does.
func printMDSMap(b *strings.Builder, mm ceph.MDSMap) {
	m := toRaw(mm)
	ints := func(k string) []int {
		var l []int
		_ = json.Unmarshal(m[k], &l)
		sort.Ints(l)
		return l
	}
	var up []string
	var ranks []int
	byRank := map[int]int64{}
	for k, gid := range mm.Up {
		if n, err := strconv.Atoi(strings.TrimPrefix(k, "mds_")); err == nil {
			ranks = append(ranks, n)
			byRank[n] = gid
		}
	}
	sort.Ints(ranks)
	for _, r := range ranks {
		up = append(up, fmt.Sprintf("%d=%d", r, byRank[r]))
	}
	var pools []string
	for _, p := range mm.DataPools {
		pools = append(pools, strconv.Itoa(p))
	}
	inline := "disabled"
	if m.str("inline_data") == "true" {
		inline = "enabled"
	}
	reqFeatures := m.str("required_client_features")
	if reqFeatures == "" {
		reqFeatures = "{}"
	}
	fmt.Fprintf(b, "fs_name\t%s\nepoch\t%d\nflags\t%x\ncreated\t%s\nmodified\t%s\ntableserver\t%d\nroot\t%d\n",
		mm.FSName, m.num("epoch"), m.num("flags"), m.str("created"), m.str("modified"), m.num("tableserver"), m.num("root"))
	fmt.Fprintf(b, "session_timeout\t%d\nsession_autoclose\t%d\nmax_file_size\t%d\nrequired_client_features\t%s\n",
		m.num("session_timeout"), m.num("session_autoclose"), m.num("max_file_size"), reqFeatures)
	fmt.Fprintf(b, "last_failure\t%d\nlast_failure_osd_epoch\t%d\ncompat\t%s\nmax_mds\t%d\n",
		m.num("last_failure"), m.num("last_failure_osd_epoch"), compatString(m["compat"]), mm.MaxMDS)
	fmt.Fprintf(b, "in\t%s\nup\t{%s}\nfailed\t%s\ndamaged\t%s\nstopped\t%s\n",
		intSet(ints("in")), strings.Join(up, ","), intSet(ints("failed")), intSet(ints("damaged")), intSet(ints("stopped")))
	fmt.Fprintf(b, "data_pools\t[%s]\nmetadata_pool\t%d\ninline_data\t%s\nbalancer\t%s\nstandby_count_wanted\t%d\n",
		strings.Join(pools, ","), mm.MetadataPool, inline, m.str("balancer"), max(0, m.num("standby_count_wanted")))
	// Daemons by rank, then incarnation.
	infos := make([]ceph.MDSInfo, 0, len(mm.Info))
	for _, i := range mm.Info {
		infos = append(infos, i)
	}
	sort.SliceStable(infos, func(x, y int) bool {
		if infos[x].Rank != infos[y].Rank {
			return infos[x].Rank < infos[y].Rank
		}
		return toRaw(infos[x]).num("incarnation") < toRaw(infos[y]).num("incarnation")
	})
	for _, i := range infos {
		b.WriteString(mdsInfoString(i) + "\n")
	}
}

// mdsStat answers `mds stat`: JSON the FS map with the MDS service's
// first and last committed versions (the model keeps no Paxos history:
// a fresh cluster's, 1 and the map's epoch, one commit per epoch); plain
// the summary "cephfs:1 {0=a=up:active} 1 up:standby".
func (e *Emulator) mdsStat(ctx context.Context, a args, f format) ([]byte, string, error) {
	v, err := e.fsMap(ctx)
	if err != nil {
		return nil, "", err
	}
	if f != plain {
		b, err := encodeJSON(obj{{"fsmap", v.obj()}, {"mdsmap_first_committed", 1}, {"mdsmap_last_committed", v.m.Epoch}}, f)
		return b, "", err
	}
	var parts, ranks []string
	multi := len(v.m.Filesystems) > 1
	for _, fs := range v.m.Filesystems {
		mm := fs.MDSMap
		parts = append(parts, fmt.Sprintf("%s:%d", mm.FSName, len(mm.Up)))
		infos := make([]ceph.MDSInfo, 0, len(mm.Info))
		for _, i := range mm.Info {
			if i.Rank >= 0 {
				infos = append(infos, i)
			}
		}
		sort.SliceStable(infos, func(x, y int) bool { return infos[x].Rank < infos[y].Rank })
		for _, i := range infos {
			r := strconv.Itoa(i.Rank)
			if multi {
				r = mm.FSName + ":" + r
			}
			ranks = append(ranks, r+"="+i.Name+"="+i.State)
		}
	}
	out := strings.Join(parts, " ")
	if len(ranks) > 0 {
		out += " {" + strings.Join(ranks, ",") + "}"
	}
	if n := len(v.m.Standbys); n > 0 {
		out += fmt.Sprintf(" %d up:standby", n)
	}
	return []byte(strings.TrimSpace(out) + "\n"), "", nil
}

// mdsCompatShow answers `mds compat show`: the FS map's default compat set.
func (e *Emulator) mdsCompatShow(ctx context.Context, a args, f format) ([]byte, string, error) {
	v, err := e.fsMap(ctx)
	if err != nil {
		return nil, "", err
	}
	if f != plain {
		b, err := encodeJSON(v.compat, f)
		return b, "", err
	}
	return []byte(compatString(v.compat) + "\n"), "", nil
}
