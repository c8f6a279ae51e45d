//go:build rados

package rados

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	gocephfs "github.com/ceph/go-ceph/cephfs"
	gorados "github.com/ceph/go-ceph/rados"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/cephfs"
)

const fsComponent = "cephfs"

var (
	_ cephfs.FileSystems = (*fileSystems)(nil)
	_ cephfs.Directories = directories{}
)

// fileSystems reads the FS map (`fs dump`, a read command the cache
// shares) and talks to the file systems' metadata servers through
// libcephfs (`session ls`, `client evict`, `perf dump`), as `ceph tell
// mds.X` does.
type fileSystems struct {
	cephfs.UnimplementedFileSystems
	r      *runner
	mounts *fsMounts
	// last keeps each MDS's previous request count, for its rate.
	mu   sync.Mutex
	last map[string]perfPoint
}

type perfPoint struct {
	at    time.Time
	value float64
}

// directories manages directories, quotas and snapshots through a
// libcephfs mount of each file system (made on first use, kept until
// Close), as the dashboard's CephFS service does.
type directories struct {
	cephfs.UnimplementedDirectories
	r      *runner
	mounts *fsMounts
}

// fsMounts holds one libcephfs mount per file system name.
type fsMounts struct {
	conn   *gorados.Conn
	mu     sync.Mutex
	byName map[string]*gocephfs.MountInfo
	closed bool
}

// get returns the mount of the file system named name, mounting it on
// first use. It runs inside a runner call: a mount waits for the MDS
// (bounded by client_mount_timeout).
func (m *fsMounts) get(name string) (*gocephfs.MountInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, errorf(ceph.Unavailable, fsComponent, "the client is closed")
	}
	if mi := m.byName[name]; mi != nil {
		return mi, nil
	}
	mi, err := gocephfs.CreateFromRados(m.conn)
	if err != nil {
		return nil, err
	}
	if err := mi.SelectFilesystem(name); err != nil {
		_ = mi.Release()
		return nil, err
	}
	if err := mi.Mount(); err != nil {
		_ = mi.Release()
		return nil, err
	}
	if m.byName == nil {
		m.byName = map[string]*gocephfs.MountInfo{}
	}
	m.byName[name] = mi
	return mi, nil
}

// unmountTimeout bounds close. On 16.2.15, once a directory that had
// snapshots is removed, libcephfs' ceph_unmount waits forever: its cache
// keeps references to the removed directory's inode and snapdir ("cache
// still has 1+2 items, waiting (for caps to release?)" at debug_client
// 20), and no sync or cap flush releases them.
var unmountTimeout = 10 * time.Second

// close unmounts every file system and reports whether it finished in
// time. The runner has waited for the calls in flight. When an unmount
// does not return within unmountTimeout the handles are left to the
// process (and so must the rados connection they share, which the
// caller then does not shut down): a Close that hangs is worse than one
// that leaks a handle.
func (m *fsMounts) close() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	if len(m.byName) == 0 {
		return true
	}
	mounts := m.byName
	m.byName = nil
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, mi := range mounts {
			_ = mi.SyncFs()
			_ = mi.Unmount()
			_ = mi.Release()
		}
	}()
	t := time.NewTimer(unmountTimeout)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

func (r *runner) fsMap(ctx context.Context) (*ceph.FSMap, error) {
	var m ceph.FSMap
	if err := r.monJSON(ctx, fsComponent, &m, "fs dump", nil); err != nil {
		return nil, err
	}
	return &m, nil
}

// fileSystem finds fsID in the FS map.
func (r *runner) fileSystem(ctx context.Context, fsID int) (*ceph.FSMap, *ceph.FSMapFilesystem, error) {
	m, err := r.fsMap(ctx)
	if err != nil {
		return nil, nil, err
	}
	for i := range m.Filesystems {
		if m.Filesystems[i].ID == fsID {
			return m, &m.Filesystems[i], nil
		}
	}
	return nil, nil, errorf(ceph.NotFound, fsComponent, "CephFS id %d not found", fsID)
}

func (f *fileSystems) List(ctx context.Context) ([]cephfs.FileSystem, error) {
	m, err := f.r.fsMap(ctx)
	if err != nil {
		return nil, err
	}
	if m.Filesystems == nil {
		return []cephfs.FileSystem{}, nil
	}
	return m.Filesystems, nil
}

// mdsTell sends a JSON command to the metadata server named name.
func (f *fileSystems) mdsTell(ctx context.Context, name, prefix string, a args, read bool) ([]byte, error) {
	if f.r.mds == nil {
		return nil, errorf(ceph.Unimplemented, fsComponent, "this connection cannot send commands to a metadata server")
	}
	cmd := encode(prefix, "json", a)
	out, _, err := f.r.exec(ctx, fsComponent, read, func() ([]byte, string, error) {
		o, s, err := f.r.mds.MdsCommand(name, [][]byte{cmd})
		return o, s, classify(err, s, fsComponent)
	})
	return out, err
}

// rankZero is the name of the daemon holding rank 0, or NotFound-like
// Unavailable when the rank is down.
func rankZero(fs *ceph.FSMapFilesystem) (string, error) {
	gid, ok := fs.MDSMap.Up["mds_0"]
	if ok {
		if info, ok := fs.MDSMap.Info[fmt.Sprintf("gid_%d", gid)]; ok {
			return info.Name, nil
		}
	}
	return "", errorf(ceph.Unavailable, fsComponent, "rank 0 of file system %s is not up", fs.MDSMap.FSName)
}

// mdsPerf is one MDS's `perf dump`, flattened to "section.counter".
func (f *fileSystems) mdsPerf(ctx context.Context, name string) (map[string]float64, error) {
	out, err := f.mdsTell(ctx, name, "perf dump", nil, true)
	if err != nil {
		return nil, err
	}
	var dump perfDump
	if err := jsonUnmarshal(out, &dump); err != nil {
		return nil, badReply(fsComponent, "perf dump", err)
	}
	flat := map[string]float64{}
	for section, counters := range dump {
		for n, v := range counters {
			flat[section+"."+n] = counterValue(v)
		}
	}
	return flat, nil
}

// rate is the per-second change of the MDS's counter since the previous
// call (0 on the first), as the dashboard's get_rate over its samples.
func (f *fileSystems) rate(name string, v float64) float64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	prev, ok := f.last[name]
	f.last[name] = perfPoint{now, v}
	if !ok || !now.After(prev.at) || v < prev.value {
		return 0
	}
	return (v - prev.value) / now.Sub(prev.at).Seconds()
}

func (f *fileSystems) Get(ctx context.Context, fsID int) (*cephfs.Status, error) {
	m, fs, err := f.r.fileSystem(ctx, fsID)
	if err != nil {
		return nil, err
	}
	st := &cephfs.Status{Standbys: []cephfs.Standby{}, Versions: map[string][]string{}}
	st.CephFS = cephfs.StatusFS{ID: fs.ID, Name: fs.MDSMap.FSName, Ranks: []cephfs.Rank{}, Pools: []cephfs.PoolUsage{}}
	version := func(name string) {
		var md map[string]any
		if err := f.r.monJSON(ctx, fsComponent, &md, "mds metadata", args{"who": name}); err != nil {
			return // the dashboard leaves out a daemon without metadata
		}
		v, _ := md["ceph_version"].(string)
		if v == "" {
			v = "unknown"
		}
		st.Versions[v] = append(st.Versions[v], name)
	}
	for _, rank := range fs.MDSMap.In {
		gid, up := fs.MDSMap.Up[fmt.Sprintf("mds_%d", rank)]
		info, known := fs.MDSMap.Info[fmt.Sprintf("gid_%d", gid)]
		if !up || !known {
			st.CephFS.Ranks = append(st.CephFS.Ranks, cephfs.Rank{Rank: cephfs.RankID{N: rank}, State: "failed"})
			continue
		}
		perf, err := f.mdsPerf(ctx, info.Name)
		if err != nil {
			perf = map[string]float64{} // a daemon that does not answer: zeros
		}
		if rank == 0 || st.CephFS.ClientCount == 0 {
			st.CephFS.ClientCount = int64(perf["mds_sessions.session_count"])
		}
		_, state, _ := strings.Cut(info.State, ":")
		if _, laggy := info.Extra["laggy_since"]; laggy {
			state += "(laggy)"
		}
		var activity float64
		if state == "active" {
			activity = f.rate(info.Name+"/req", perf["mds_server.handle_client_request"])
		}
		version(info.Name)
		st.CephFS.Ranks = append(st.CephFS.Ranks, cephfs.Rank{Rank: cephfs.RankID{N: rank}, State: state, MDS: info.Name,
			Activity: activity, Dns: int64(perf["mds_mem.dn"]), Inos: int64(perf["mds_mem.ino"]),
			Dirs: int64(perf["mds_mem.dir"]), Caps: int64(perf["mds_mem.cap"])})
	}
	for _, gidKey := range sortedInfoKeys(fs.MDSMap.Info) {
		info := fs.MDSMap.Info[gidKey]
		if info.State != "up:standby-replay" {
			continue
		}
		perf, err := f.mdsPerf(ctx, info.Name)
		if err != nil {
			perf = map[string]float64{}
		}
		st.CephFS.Ranks = append(st.CephFS.Ranks, cephfs.Rank{Rank: cephfs.RankID{N: info.Rank, StandbyReplay: true},
			State: "standby-replay", MDS: info.Name, Activity: f.rate(info.Name+"/replay", perf["mds_log.replay"]),
			Dns: int64(perf["mds_mem.dn"]), Inos: int64(perf["mds_mem.ino"]),
			Dirs: int64(perf["mds_mem.dir"]), Caps: int64(perf["mds_mem.cap"])})
	}
	var df struct {
		Pools []struct {
			ID    int `json:"id"`
			Stats struct {
				Stored   uint64 `json:"stored"`
				MaxAvail uint64 `json:"max_avail"`
			} `json:"stats"`
		} `json:"pools"`
	}
	if err := f.r.monJSON(ctx, fsComponent, &df, "df", args{"detail": "detail"}); err != nil {
		return nil, err
	}
	d, err := f.r.osdDump(ctx, fsComponent)
	if err != nil {
		return nil, err
	}
	names := map[int]string{}
	for _, p := range d.Pools {
		names[p.Pool] = p.PoolName
	}
	for i, id := range append([]int{fs.MDSMap.MetadataPool}, fs.MDSMap.DataPools...) {
		u := cephfs.PoolUsage{Pool: names[id], Type: "data"}
		if i == 0 {
			u.Type = "metadata"
		}
		for _, p := range df.Pools {
			if p.ID == id {
				u.Used, u.Avail = p.Stats.Stored, p.Stats.MaxAvail
			}
		}
		st.CephFS.Pools = append(st.CephFS.Pools, u)
	}
	for _, sb := range m.Standbys {
		version(sb.Name)
		st.Standbys = append(st.Standbys, cephfs.Standby{Name: sb.Name})
	}
	return st, nil
}

func sortedInfoKeys(m map[string]ceph.MDSInfo) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (f *fileSystems) sessions(ctx context.Context, fsID int) (string, []cephfs.Client, error) {
	_, fs, err := f.r.fileSystem(ctx, fsID)
	if err != nil {
		return "", nil, err
	}
	name, err := rankZero(fs)
	if err != nil {
		return "", nil, err
	}
	out, err := f.mdsTell(ctx, name, "session ls", nil, true)
	if err != nil {
		return "", nil, err
	}
	var list []cephfs.Client
	if err := jsonUnmarshal(out, &list); err != nil {
		return "", nil, badReply(fsComponent, "session ls", err)
	}
	if list == nil {
		list = []cephfs.Client{}
	}
	for i := range list {
		list[i].Describe()
	}
	return name, list, nil
}

func (f *fileSystems) Clients(ctx context.Context, fsID int) (*cephfs.ClientList, error) {
	_, list, err := f.sessions(ctx, fsID)
	if err != nil {
		return nil, err
	}
	return &cephfs.ClientList{Status: 0, Data: list}, nil
}

func (f *fileSystems) Evict(ctx context.Context, fsID int, clientID int64) error {
	name, list, err := f.sessions(ctx, fsID)
	if err != nil {
		return err
	}
	found := false
	for _, c := range list {
		found = found || c.ID == clientID
	}
	if !found {
		return errorf(ceph.NotFound, fsComponent, "Client %d does not exist in cephfs %d", clientID, fsID)
	}
	_, err = f.mdsTell(ctx, name, "client evict", args{"filters": []string{"id=" + strconv.FormatInt(clientID, 10)}}, false)
	return err
}

func (f *fileSystems) MDSCounters(ctx context.Context, fsID int, counters []string) (cephfs.Counters, error) {
	_, fs, err := f.r.fileSystem(ctx, fsID)
	if err != nil {
		return nil, err
	}
	if len(counters) == 0 {
		counters = cephfs.DefaultMDSCounters
	}
	out := cephfs.Counters{}
	for _, key := range sortedInfoKeys(fs.MDSMap.Info) {
		name := fs.MDSMap.Info[key].Name
		perf, err := f.mdsPerf(ctx, name)
		now := float64(time.Now().UnixNano()) / 1e9
		out[name] = map[string][]cephfs.Sample{}
		for _, c := range counters {
			v, ok := perf[c]
			if err != nil || !ok {
				out[name][c] = []cephfs.Sample{}
				continue
			}
			out[name][c] = []cephfs.Sample{{now, v}}
		}
	}
	return out, nil
}

// mount finds fsID's name and its mount.
func (d directories) mount(ctx context.Context, fsID int) (*gocephfs.MountInfo, error) {
	_, fs, err := d.r.fileSystem(ctx, fsID)
	if err != nil {
		return nil, err
	}
	var mi *gocephfs.MountInfo
	err = d.r.doRead(ctx, fsComponent, func() error {
		var err error
		mi, err = d.mounts.get(fs.MDSMap.FSName)
		return err
	})
	if err != nil {
		return nil, fsError(err, "mount "+fs.MDSMap.FSName)
	}
	return mi, nil
}

// fsError classifies a libcephfs error with the dashboard's wording
// ("[Errno 2] error in rmdir /x: No such file or directory").
func fsError(err error, what string) error {
	if err == nil {
		return nil
	}
	var ce *ceph.Error
	if errors.As(err, &ce) && (ce.Err == nil || errnoOf(ce.Err) == 0) {
		return err
	}
	n := errnoOf(err)
	if n == 0 {
		return &ceph.Error{Code: ceph.Internal, Component: fsComponent, Detail: what + ": " + err.Error(), Err: err}
	}
	return &ceph.Error{Code: codeOfErrno(n), Component: fsComponent,
		Detail: fmt.Sprintf("[Errno %d] error in %s: %s", int(n), what, syscall.Errno(n).Error()), Err: err}
}

func isNotExist(err error) bool { return errnoOf(err) == syscall.ENOENT }

// snapdir is the client's snapshot directory name (client_snapdir).
func snapdir(mi *gocephfs.MountInfo) string {
	if s, err := mi.GetConfigOption("client_snapdir"); err == nil && s != "" {
		return s
	}
	return ".snap"
}

// readDirs lists the subdirectory names of p.
func readDirs(mi *gocephfs.MountInfo, p string) ([]string, error) {
	dir, err := mi.OpenDir(p)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	var names []string
	for {
		e, err := dir.ReadDir()
		if err != nil {
			return nil, err
		}
		if e == nil {
			break
		}
		if n := e.Name(); n != "." && n != ".." && e.DType() == gocephfs.DTypeDir {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

// fsSnapshots lists p's snapshots (not those of its parents, whose names
// start with "_"), oldest first.
func fsSnapshots(mi *gocephfs.MountInfo, p string) ([]cephfs.Snapshot, error) {
	sd := path.Join(p, snapdir(mi))
	names, err := readDirs(mi, sd)
	if err != nil {
		return nil, err
	}
	out := []cephfs.Snapshot{}
	for _, n := range names {
		if strings.HasPrefix(n, "_") {
			continue
		}
		sp := path.Join(sd, n)
		st, err := mi.Statx(sp, gocephfs.StatxBasicStats, 0)
		if err != nil {
			return nil, err
		}
		created := time.Unix(st.Ctime.Sec, st.Ctime.Nsec).UTC()
		out = append(out, cephfs.Snapshot{Name: n, Path: sp, Created: created.Format("2006-01-02T15:04:05") + "Z"})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created < out[j].Created })
	return out, nil
}

func quotas(mi *gocephfs.MountInfo, p string) (cephfs.Quotas, error) {
	var q cephfs.Quotas
	for _, x := range []struct {
		name string
		out  *uint64
	}{{"ceph.quota.max_bytes", &q.MaxBytes}, {"ceph.quota.max_files", &q.MaxFiles}} {
		b, err := mi.GetXattr(p, x.name)
		if errnoOf(err) == syscall.ENODATA {
			continue
		}
		if err != nil {
			return q, err
		}
		v, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
		if err != nil {
			return q, fmt.Errorf("bad %s %q", x.name, b)
		}
		*x.out = v
	}
	return q, nil
}

func directory(mi *gocephfs.MountInfo, p string) (cephfs.Directory, error) {
	snaps, err := fsSnapshots(mi, p)
	if err != nil {
		return cephfs.Directory{}, err
	}
	var q cephfs.Quotas
	if p != "/" {
		if q, err = quotas(mi, p); err != nil {
			return cephfs.Directory{}, err
		}
	}
	return cephfs.DirectoryOf(p, snaps, q), nil
}

func (d directories) Root(ctx context.Context, fsID int) (*cephfs.Directory, error) {
	mi, err := d.mount(ctx, fsID)
	if err != nil {
		return nil, err
	}
	var dir cephfs.Directory
	err = d.r.doRead(ctx, fsComponent, func() error {
		var err error
		dir, err = directory(mi, "/")
		return err
	})
	if err != nil {
		return nil, fsError(err, "get_directory /")
	}
	return &dir, nil
}

func (d directories) List(ctx context.Context, fsID int, dir string, depth int) ([]cephfs.Directory, error) {
	mi, p, err := d.open(ctx, fsID, dir)
	if err != nil {
		return nil, err
	}
	out := []cephfs.Directory{}
	err = d.r.doRead(ctx, fsComponent, func() error {
		var walk func(p string, depth int) error
		walk = func(p string, depth int) error {
			if depth == 0 {
				return nil
			}
			names, err := readDirs(mi, p)
			if err != nil {
				return err
			}
			for _, n := range names {
				cp := path.Join(p, n)
				dd, err := directory(mi, cp)
				if err != nil {
					return err
				}
				out = append(out, dd)
				if err := walk(cp, depth-1); err != nil {
					return err
				}
			}
			return nil
		}
		return walk(p, depth)
	})
	switch {
	case isNotExist(err) || errnoOf(err) == syscall.EACCES || errnoOf(err) == syscall.EPERM:
		return []cephfs.Directory{}, nil // the dashboard lists nothing
	case err != nil:
		return nil, fsError(err, "ls_dir "+p)
	}
	return out, nil
}

func exists(mi *gocephfs.MountInfo, p string) (bool, error) {
	dir, err := mi.OpenDir(p)
	if isNotExist(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, dir.Close()
}

// open checks and normalizes dir and returns the file system's mount.
func (d directories) open(ctx context.Context, fsID int, dir string) (*gocephfs.MountInfo, string, error) {
	p, err := cephfs.CleanPath(dir)
	if err != nil {
		return nil, "", err
	}
	mi, err := d.mount(ctx, fsID)
	return mi, p, err
}

func (d directories) Make(ctx context.Context, fsID int, dir string) error {
	mi, p, err := d.open(ctx, fsID, dir)
	if err != nil {
		return err
	}
	return fsError(d.r.do(ctx, fsComponent, func() error {
		if ok, err := exists(mi, p); err != nil || ok {
			return err
		}
		return mi.MakeDirs(p, 0o755)
	}), "mkdirs "+p)
}

func (d directories) Remove(ctx context.Context, fsID int, dir string) error {
	mi, p, err := d.open(ctx, fsID, dir)
	if err != nil {
		return err
	}
	return fsError(d.r.do(ctx, fsComponent, func() error {
		if ok, err := exists(mi, p); err != nil || !ok {
			return err
		}
		return mi.RemoveDir(p)
	}), "rmdir "+p)
}

func (d directories) Quotas(ctx context.Context, fsID int, dir string) (*cephfs.Quotas, error) {
	mi, p, err := d.open(ctx, fsID, dir)
	if err != nil {
		return nil, err
	}
	var q cephfs.Quotas
	err = d.r.doRead(ctx, fsComponent, func() error {
		var err error
		if _, err = mi.Statx(p, gocephfs.StatxBasicStats, 0); err != nil {
			return err
		}
		q, err = quotas(mi, p)
		return err
	})
	if err != nil {
		return nil, fsError(err, "getxattr "+p)
	}
	return &q, nil
}

func (d directories) SetQuotas(ctx context.Context, fsID int, dir string, q cephfs.QuotaUpdate) error {
	mi, p, err := d.open(ctx, fsID, dir)
	if err != nil {
		return err
	}
	return fsError(d.r.do(ctx, fsComponent, func() error {
		for _, x := range []struct {
			name string
			v    *uint64
		}{{"ceph.quota.max_bytes", q.MaxBytes}, {"ceph.quota.max_files", q.MaxFiles}} {
			if x.v == nil {
				continue
			}
			if err := mi.SetXattr(p, x.name, []byte(strconv.FormatUint(*x.v, 10)), gocephfs.XattrDefault); err != nil {
				return err
			}
		}
		return nil
	}), "setxattr "+p)
}

func (d directories) CreateSnapshot(ctx context.Context, fsID int, dir, name string) (string, error) {
	mi, p, err := d.open(ctx, fsID, dir)
	if err != nil {
		return "", err
	}
	var inUse bool
	err = d.r.do(ctx, fsComponent, func() error {
		snaps, err := fsSnapshots(mi, p)
		if err != nil {
			return err
		}
		if name == "" {
			// Python's isoformat of the local time, as the dashboard names it.
			name = time.Now().Format("2006-01-02T15:04:05.000000-07:00")
		}
		for _, s := range snaps {
			if s.Name == name {
				inUse = true
				return nil
			}
		}
		return mi.MakeDir(path.Join(p, snapdir(mi), name), 0o755)
	})
	if err != nil {
		return "", fsError(err, "mkdir "+path.Join(p, ".snap", name))
	}
	if inUse {
		return "", &ceph.Error{Code: ceph.AlreadyExists, Component: fsComponent, Reason: "Snapshot name already in use",
			Detail: fmt.Sprintf("Snapshot name %s is already in use.Please use another name", name)}
	}
	return name, nil
}

func (d directories) DeleteSnapshot(ctx context.Context, fsID int, dir, name string) error {
	mi, p, err := d.open(ctx, fsID, dir)
	if err != nil {
		return err
	}
	return fsError(d.r.do(ctx, fsComponent, func() error {
		return mi.RemoveDir(path.Join(p, snapdir(mi), name))
	}), "rmdir "+path.Join(p, ".snap", name))
}
