package transporttest

import (
	"context"
	"errors"
	"path"
	"slices"
	"sort"
	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/cephfs"
)

var cephfsChecks = []check{
	{"List", checkFSList},
	{"Status", checkFSStatus},
	{"Directories", checkFSDirectories},
	{"Quotas", checkFSQuotas},
	{"Snapshots", checkFSSnapshots},
	{"Clients", checkFSClients},
	{"MDSCounters", checkFSCounters},
	{"BadInput", checkFSBadInput},
}

// mdsMapKeys are keys of a Pacific MDS map beyond those MDSMap names: a
// transport must answer the map whole (the dashboard's web UI reads them).
var mdsMapKeys = []string{"epoch", "flags", "created", "modified", "session_timeout", "session_autoclose",
	"max_file_size", "compat", "failed", "damaged", "stopped", "balancer", "standby_count_wanted"}

// firstFS returns the first file system, skipping the test when the
// cluster has none.
func firstFS(ctx context.Context, t testing.TB, e *env) cephfs.FileSystem {
	t.Helper()
	list, err := e.c.CephFS.FileSystems.List(ctx)
	must(t, err, "FileSystems.List")
	if len(list) == 0 {
		t.Skip("the cluster has no CephFS file system")
	}
	return list[0]
}

// testDir makes a fresh directory at the root of the file system and
// removes it, with whatever the test left in it, afterwards.
func testDir(ctx context.Context, t testing.TB, e *env, fsID int) string {
	t.Helper()
	dir := "/" + uniqueName("dir")
	e.cleanup(t, "remove "+dir, func(ctx context.Context) error { return removeTree(ctx, e, fsID, dir) })
	must(t, e.c.CephFS.Directories.Make(ctx, fsID, dir), "Directories.Make(%s)", dir)
	return dir
}

// removeTree removes dir, its subdirectories and their snapshots.
func removeTree(ctx context.Context, e *env, fsID int, dir string) error {
	d := e.c.CephFS.Directories
	list, err := d.List(ctx, fsID, dir, 64)
	if err != nil {
		return err
	}
	paths := []string{dir}
	snaps := map[string][]cephfs.Snapshot{}
	for _, x := range list {
		paths = append(paths, x.Path)
		snaps[x.Path] = x.Snapshots
	}
	if top, err := findDir(ctx, e, fsID, dir); err == nil && top != nil {
		snaps[dir] = top.Snapshots
	}
	// deepest first
	sort.Slice(paths, func(i, j int) bool { return len(paths[i]) > len(paths[j]) })
	for _, p := range paths {
		for _, s := range snaps[p] {
			if err := d.DeleteSnapshot(ctx, fsID, p, s.Name); err != nil && !errors.Is(err, ceph.ErrNotFound) {
				return err
			}
		}
		if err := d.Remove(ctx, fsID, p); err != nil {
			return err
		}
	}
	return nil
}

// findDir finds the directory p by listing its parent; nil when absent.
func findDir(ctx context.Context, e *env, fsID int, p string) (*cephfs.Directory, error) {
	list, err := e.c.CephFS.Directories.List(ctx, fsID, path.Dir(p), 1)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].Path == p {
			return &list[i], nil
		}
	}
	return nil, nil
}

func mustFindDir(ctx context.Context, t testing.TB, e *env, fsID int, p string) cephfs.Directory {
	t.Helper()
	d, err := findDir(ctx, e, fsID, p)
	must(t, err, "List(%s)", path.Dir(p))
	if d == nil {
		t.Fatalf("%s is not listed in %s", p, path.Dir(p))
	}
	return *d
}

// checkFSList: the FS map lists each file system with its id and its
// whole MDS map, daemons included.
func checkFSList(ctx context.Context, t testing.TB, e *env) {
	fs := firstFS(ctx, t, e)
	m := fs.MDSMap
	if m.FSName == "" || len(m.Info) == 0 || len(m.In) == 0 {
		t.Fatalf("file system %d: want a name, daemons and ranks in its MDS map, got %+v", fs.ID, m)
	}
	for _, k := range mdsMapKeys {
		if _, ok := m.Extra[k]; !ok {
			t.Errorf("MDS map of %s lacks %q", m.FSName, k)
		}
	}
	for gid, info := range m.Info {
		if info.Name == "" || info.State == "" {
			t.Errorf("MDS %s: want a name and a state, got %+v", gid, info)
		}
		if _, ok := info.Extra["addrs"]; !ok {
			t.Errorf("MDS %s lacks its addrs", gid)
		}
	}
	full, err := e.c.Health.Full(ctx)
	must(t, err, "Health.Full")
	if !slices.ContainsFunc(full.FSMap.Filesystems, func(f ceph.FSMapFilesystem) bool {
		_, ok := f.MDSMap.Extra["balancer"]
		return f.ID == fs.ID && ok
	}) {
		t.Errorf("Health.Full's fs_map lacks file system %d with its whole MDS map", fs.ID)
	}
}

// checkFSStatus: a file system's status names its active rank 0, its
// metadata pool first, and the versions of its daemons; an unknown id is
// NotFound.
func checkFSStatus(ctx context.Context, t testing.TB, e *env) {
	fs := firstFS(ctx, t, e)
	st, err := e.c.CephFS.FileSystems.Get(ctx, fs.ID)
	must(t, err, "FileSystems.Get(%d)", fs.ID)
	if st.CephFS.ID != fs.ID || st.CephFS.Name != fs.MDSMap.FSName {
		t.Errorf("status names %d/%q, want %d/%q", st.CephFS.ID, st.CephFS.Name, fs.ID, fs.MDSMap.FSName)
	}
	i := slices.IndexFunc(st.CephFS.Ranks, func(r cephfs.Rank) bool { return r.Rank == cephfs.RankID{N: 0} })
	if i < 0 || st.CephFS.Ranks[i].State != "active" || st.CephFS.Ranks[i].MDS == "" {
		t.Errorf("want rank 0 active with its daemon, got ranks %+v", st.CephFS.Ranks)
	}
	if len(st.CephFS.Pools) < 2 || st.CephFS.Pools[0].Type != "metadata" || st.CephFS.Pools[1].Type != "data" {
		t.Fatalf("want the metadata pool, then the data pools, got %+v", st.CephFS.Pools)
	}
	pools, err := e.c.Pools.List(ctx, nil)
	must(t, err, "Pools.List")
	for _, p := range st.CephFS.Pools {
		if !slices.ContainsFunc(pools, func(x ceph.Pool) bool { return x.PoolName == p.Pool }) {
			t.Errorf("status pool %q is not in the pool list", p.Pool)
		}
		if p.Avail == 0 {
			t.Errorf("pool %q: no space available reported", p.Pool)
		}
	}
	n := 0
	for _, names := range st.Versions {
		n += len(names)
	}
	if n == 0 {
		t.Errorf("no daemon versions: %+v", st.Versions)
	}
	_, err = e.c.CephFS.FileSystems.Get(ctx, fs.ID+1000)
	wantErr(t, err, &ceph.Error{Code: ceph.NotFound}, "FileSystems.Get(%d)", fs.ID+1000)
}

// checkFSDirectories: directories are made with their parents (again: no
// change), listed to a depth with their parents, refused removal while
// not empty, and removed; a missing one lists nothing and is removed
// without error.
func checkFSDirectories(ctx context.Context, t testing.TB, e *env) {
	fs := firstFS(ctx, t, e)
	d := e.c.CephFS.Directories
	dir := testDir(ctx, t, e, fs.ID)
	deep := path.Join(dir, "a", "b")
	must(t, d.Make(ctx, fs.ID, deep), "Make(%s)", deep)
	must(t, d.Make(ctx, fs.ID, deep), "Make(%s) again", deep)
	must(t, d.Make(ctx, fs.ID, path.Join(dir, "c")), "Make(%s/c)", dir)

	list, err := d.List(ctx, fs.ID, dir, 2)
	must(t, err, "List(%s, 2)", dir)
	var got []string
	for _, x := range list {
		got = append(got, x.Path)
		if x.Parent == nil || *x.Parent != path.Dir(x.Path) || x.Name != path.Base(x.Path) || x.Quotas == nil {
			t.Errorf("listed %+v: want name, parent and quotas of %s", x, x.Path)
		}
	}
	// The order of siblings is the file system's (the dashboard keeps
	// readdir's); a parent comes before its children.
	want := []string{path.Join(dir, "a"), deep, path.Join(dir, "c")}
	if !slices.Equal(slices.Sorted(slices.Values(got)), want) {
		t.Errorf("List(%s, 2) = %v, want %v", dir, got, want)
	}
	if slices.Index(got, path.Join(dir, "a")) > slices.Index(got, deep) {
		t.Errorf("List(%s, 2) = %v: %s listed before its parent", dir, got, deep)
	}
	one, err := d.List(ctx, fs.ID, dir, 1)
	must(t, err, "List(%s, 1)", dir)
	if len(one) != 2 {
		t.Errorf("List(%s, 1) = %d entries, want 2 (a and c)", dir, len(one))
	}
	root, err := d.Root(ctx, fs.ID)
	must(t, err, "Root")
	if root.Path != "/" || root.Name != "/" || root.Parent != nil || root.Quotas != nil {
		t.Errorf("Root() = %+v, want / without parent and quotas", root)
	}
	mustFindDir(ctx, t, e, fs.ID, dir)

	err = d.Remove(ctx, fs.ID, path.Join(dir, "a"))
	wantErr(t, err, &ceph.Error{Code: ceph.FailedPrecondition}, "Remove(%s/a) with a child", dir)
	must(t, d.Remove(ctx, fs.ID, deep), "Remove(%s)", deep)
	must(t, d.Remove(ctx, fs.ID, path.Join(dir, "a")), "Remove(%s/a)", dir)
	one, err = d.List(ctx, fs.ID, dir, 1)
	must(t, err, "List(%s, 1)", dir)
	if len(one) != 1 || one[0].Path != path.Join(dir, "c") {
		t.Errorf("after removing a: List(%s) = %+v, want only c", dir, one)
	}
	missing := path.Join(dir, "missing")
	must(t, d.Remove(ctx, fs.ID, missing), "Remove(%s) of a missing directory", missing)
	none, err := d.List(ctx, fs.ID, missing, 1)
	must(t, err, "List(%s)", missing)
	if len(none) != 0 {
		t.Errorf("List(%s) = %+v, want nothing", missing, none)
	}
}

// checkFSQuotas: quotas are set, read back, shown in the listing, and
// lifted with 0; a missing directory's quotas are NotFound.
func checkFSQuotas(ctx context.Context, t testing.TB, e *env) {
	fs := firstFS(ctx, t, e)
	d := e.c.CephFS.Directories
	dir := testDir(ctx, t, e, fs.ID)
	q, err := d.Quotas(ctx, fs.ID, dir)
	must(t, err, "Quotas(%s)", dir)
	if *q != (cephfs.Quotas{}) {
		t.Errorf("a new directory has quotas %+v", q)
	}
	mb, mf := uint64(1<<20), uint64(10)
	must(t, d.SetQuotas(ctx, fs.ID, dir, cephfs.QuotaUpdate{MaxBytes: &mb, MaxFiles: &mf}), "SetQuotas(%s)", dir)
	q, err = d.Quotas(ctx, fs.ID, dir)
	must(t, err, "Quotas(%s)", dir)
	if *q != (cephfs.Quotas{MaxBytes: mb, MaxFiles: mf}) {
		t.Errorf("Quotas(%s) = %+v, want %d bytes, %d files", dir, q, mb, mf)
	}
	if got := mustFindDir(ctx, t, e, fs.ID, dir); got.Quotas == nil || *got.Quotas != *q {
		t.Errorf("listing shows quotas %+v, want %+v", got.Quotas, q)
	}
	zero := uint64(0)
	must(t, d.SetQuotas(ctx, fs.ID, dir, cephfs.QuotaUpdate{MaxFiles: &zero}), "SetQuotas(%s, max_files 0)", dir)
	q, err = d.Quotas(ctx, fs.ID, dir)
	must(t, err, "Quotas(%s)", dir)
	if *q != (cephfs.Quotas{MaxBytes: mb}) {
		t.Errorf("after lifting max_files: %+v, want only %d bytes", q, mb)
	}
	_, err = d.Quotas(ctx, fs.ID, path.Join(dir, "missing"))
	wantErr(t, err, &ceph.Error{Code: ceph.NotFound}, "Quotas of a missing directory")
}

// checkFSSnapshots: snapshots are made by name (a name in use is
// AlreadyExists) or named by the time, listed with the directory, keep it
// from being removed, and are deleted; a missing one is NotFound.
func checkFSSnapshots(ctx context.Context, t testing.TB, e *env) {
	fs := firstFS(ctx, t, e)
	d := e.c.CephFS.Directories
	dir := testDir(ctx, t, e, fs.ID)
	name, err := d.CreateSnapshot(ctx, fs.ID, dir, "s1")
	must(t, err, "CreateSnapshot(%s, s1)", dir)
	if name != "s1" {
		t.Errorf("CreateSnapshot(s1) named it %q", name)
	}
	_, err = d.CreateSnapshot(ctx, fs.ID, dir, "s1")
	wantErr(t, err, &ceph.Error{Code: ceph.AlreadyExists}, "CreateSnapshot(%s, s1) again", dir)
	auto, err := d.CreateSnapshot(ctx, fs.ID, dir, "")
	must(t, err, "CreateSnapshot(%s) without a name", dir)
	if auto == "" {
		t.Error("CreateSnapshot without a name returned no name")
	}
	got := mustFindDir(ctx, t, e, fs.ID, dir)
	var names []string
	for _, s := range got.Snapshots {
		names = append(names, s.Name)
		if s.Path != path.Join(dir, ".snap", s.Name) || s.Created == "" {
			t.Errorf("snapshot %+v: want its path under .snap and its time", s)
		}
	}
	if !slices.Contains(names, "s1") || !slices.Contains(names, auto) {
		t.Errorf("%s lists snapshots %v, want s1 and %s", dir, names, auto)
	}
	err = d.Remove(ctx, fs.ID, dir)
	wantErr(t, err, &ceph.Error{Code: ceph.FailedPrecondition}, "Remove(%s) with snapshots", dir)
	must(t, d.DeleteSnapshot(ctx, fs.ID, dir, "s1"), "DeleteSnapshot(s1)")
	must(t, d.DeleteSnapshot(ctx, fs.ID, dir, auto), "DeleteSnapshot(%s)", auto)
	if got := mustFindDir(ctx, t, e, fs.ID, dir); len(got.Snapshots) != 0 {
		t.Errorf("after deleting: snapshots %+v", got.Snapshots)
	}
	err = d.DeleteSnapshot(ctx, fs.ID, dir, "s1")
	wantErr(t, err, &ceph.Error{Code: ceph.NotFound}, "DeleteSnapshot(s1) again")
	_, err = d.CreateSnapshot(ctx, fs.ID, path.Join(dir, "missing"), "s1")
	wantErr(t, err, &ceph.Error{Code: ceph.NotFound}, "CreateSnapshot of a missing directory")
}

// checkFSClients: the client sessions are listed with their summary
// fields; evicting an unknown client is NotFound.
func checkFSClients(ctx context.Context, t testing.TB, e *env) {
	fs := firstFS(ctx, t, e)
	list, err := e.c.CephFS.FileSystems.Clients(ctx, fs.ID)
	must(t, err, "Clients(%d)", fs.ID)
	if list.Data == nil {
		t.Fatal("Clients: nil data, want a list")
	}
	for _, c := range list.Data {
		if c.ID == 0 || c.Type == "" || c.State == "" {
			t.Errorf("client %+v: want an id, a type and a state", c)
		}
	}
	err = e.c.CephFS.FileSystems.Evict(ctx, fs.ID, 987654321)
	wantErr(t, err, &ceph.Error{Code: ceph.NotFound}, "Evict(unknown client)")
	_, err = e.c.CephFS.FileSystems.Clients(ctx, fs.ID+1000)
	wantErr(t, err, &ceph.Error{Code: ceph.NotFound}, "Clients(%d)", fs.ID+1000)
}

// checkFSCounters: every metadata server of the file system reports the
// asked-for counters (the dashboard's list by default).
func checkFSCounters(ctx context.Context, t testing.TB, e *env) {
	fs := firstFS(ctx, t, e)
	all, err := e.c.CephFS.FileSystems.MDSCounters(ctx, fs.ID, nil)
	must(t, err, "MDSCounters(%d)", fs.ID)
	for _, info := range fs.MDSMap.Info {
		got, ok := all[info.Name]
		if !ok {
			t.Errorf("no counters of MDS %s: %v", info.Name, all)
			continue
		}
		for _, c := range cephfs.DefaultMDSCounters {
			if _, ok := got[c]; !ok {
				t.Errorf("MDS %s lacks counter %s", info.Name, c)
			}
		}
		if len(got["mds.inodes"]) == 0 {
			t.Errorf("MDS %s: no samples of mds.inodes", info.Name)
		}
	}
	one, err := e.c.CephFS.FileSystems.MDSCounters(ctx, fs.ID, []string{"mds.inodes"})
	must(t, err, "MDSCounters(mds.inodes)")
	for name, got := range one {
		if len(got) != 1 || len(got["mds.inodes"]) == 0 {
			t.Errorf("MDS %s: asked for mds.inodes, got %v", name, got)
		}
	}
}

// checkFSBadInput: bad arguments are InvalidArgument, and change nothing.
func checkFSBadInput(ctx context.Context, t testing.TB, e *env) {
	fs := firstFS(ctx, t, e)
	d := e.c.CephFS.Directories
	dir := testDir(ctx, t, e, fs.ID)
	bad := &ceph.Error{Code: ceph.InvalidArgument}
	wantErr(t, d.Make(ctx, fs.ID, "/"), bad, "Make(/)")
	wantErr(t, d.Remove(ctx, fs.ID, "/"), bad, "Remove(/)")
	_, err := d.List(ctx, fs.ID, dir, -1)
	wantErr(t, err, bad, "List(depth -1)")
	for _, name := range []string{"a/b", "_x", ".."} {
		_, err := d.CreateSnapshot(ctx, fs.ID, dir, name)
		wantErr(t, err, bad, "CreateSnapshot(%q)", name)
	}
	if got := mustFindDir(ctx, t, e, fs.ID, dir); len(got.Snapshots) != 0 {
		t.Errorf("refused snapshots were made: %+v", got.Snapshots)
	}
}
