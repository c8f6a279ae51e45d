package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/cephfs"
)

// fileSystemsService and directoriesService model CephFS: file systems
// made with WithFileSystem, each served by one active MDS, with a
// directory tree the API manages (directories, quotas, snapshots) and the
// client sessions a test opens with Fake.OpenFSSession.
type fileSystemsService struct {
	*backend
	cephfs.UnimplementedFileSystems
}

type directoriesService struct {
	*backend
	cephfs.UnimplementedDirectories
}

// fileSystem is one file system of the model. Like everything of the
// cluster it is guarded by the cluster's mu.
type fileSystem struct {
	id             int
	name           string
	metaPool       int
	dataPool       int
	mdsName        string
	mdsGID         int64
	created        time.Time
	modified       time.Time
	epoch          int
	root           *dirNode
	sessions       map[int64]*fsSession
	nextSession    int64
	requests       int64 // client requests served, for the counters
	lastEvictEpoch int
}

// dirNode is a directory: its subdirectories, snapshots and quotas.
type dirNode struct {
	children map[string]*dirNode
	snaps    map[string]time.Time
	maxBytes uint64
	maxFiles uint64
}

func newDir() *dirNode {
	return &dirNode{children: map[string]*dirNode{}, snaps: map[string]time.Time{}}
}

// fsSession is a client session of the file system's MDS.
type fsSession struct {
	id       int64
	hostname string
	root     string
	opened   time.Time
}

// addFileSystemLocked makes a file system as `ceph fs volume create name`
// does: pools cephfs.NAME.meta and cephfs.NAME.data with the cephfs
// application and an active MDS named after the volume's first letter.
func (c *cluster) addFileSystemLocked(name string) *fileSystem {
	if c.fss == nil {
		c.fss = map[int]*fileSystem{}
	}
	meta := c.newPoolLocked("cephfs."+name+".meta", ceph.Replicated, 16)
	meta.apps["cephfs"] = map[string]string{"metadata": name}
	meta.options["pg_autoscale_bias"] = 4
	meta.options["pg_num_min"] = 16
	meta.options["recovery_priority"] = 5
	data := c.newPoolLocked("cephfs."+name+".data", ceph.Replicated, 32)
	data.apps["cephfs"] = map[string]string{"data": name}
	c.osdmapChangedLocked()
	id := len(c.fss) + 1
	fs := &fileSystem{
		id: id, name: name, metaPool: meta.id, dataPool: data.id,
		mdsName: string(rune('a' + (id-1)%26)), mdsGID: int64(4126 + 10*id),
		created: c.now(), modified: c.now(), epoch: 5,
		root: newDir(), sessions: map[int64]*fsSession{}, nextSession: int64(4200 + 100*id),
	}
	c.fss[id] = fs
	c.fsEpoch += 5
	return fs
}

// fsLocked returns the file system with id fsID.
func (c *cluster) fsLocked(fsID int) (*fileSystem, error) {
	if fs := c.fss[fsID]; fs != nil {
		return fs, nil
	}
	return nil, ceph.Errorf(ceph.NotFound, "cephfs", "CephFS id %d not found", fsID)
}

// fsUsesPoolLocked names the file system using pool id, or "".
func (c *cluster) fsUsesPoolLocked(id int) string {
	for _, fs := range c.fss {
		if fs.metaPool == id || fs.dataPool == id {
			return fs.name
		}
	}
	return ""
}

// lookup walks to the directory at p (a clean absolute path).
func (fs *fileSystem) lookup(p string) (*dirNode, error) {
	d := fs.root
	if p == "/" {
		return d, nil
	}
	for _, part := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		next := d.children[part]
		if next == nil {
			return nil, ceph.Errorf(ceph.NotFound, "cephfs", "No such file or directory: %s", p)
		}
		d = next
	}
	return d, nil
}

// mdsMapLocked is the file system's MDS map in `ceph fs dump`'s form.
func (c *cluster) mdsMapLocked(fs *fileSystem) ceph.MDSMap {
	gid := fmt.Sprintf("gid_%d", fs.mdsGID)
	raw := func(v any) json.RawMessage { b, _ := json.Marshal(v); return b }
	addr := fmt.Sprintf("127.0.0.1:%d/%d", 6810+fs.id, 1000+fs.id)
	info := ceph.MDSInfo{GID: fs.mdsGID, Name: fs.mdsName, Rank: 0, State: "up:active", Extra: map[string]json.RawMessage{
		"incarnation": raw(4), "state_seq": raw(2), "addr": raw(addr),
		"addrs": raw(map[string]any{"addrvec": []map[string]any{
			{"type": "v2", "addr": fmt.Sprintf("127.0.0.1:%d", 6810+fs.id), "nonce": 1000 + fs.id},
			{"type": "v1", "addr": fmt.Sprintf("127.0.0.1:%d", 6820+fs.id), "nonce": 1000 + fs.id}}}),
		"join_fscid": raw(-1), "export_targets": raw([]int{}), "features": raw(int64(4540138314316775423)), "flags": raw(0),
		"compat": raw(mdsCompat),
	}}
	return ceph.MDSMap{
		FSName: fs.name, Enabled: true, MaxMDS: 1, In: []int{0},
		Up:   map[string]int64{"mds_0": fs.mdsGID},
		Info: map[string]ceph.MDSInfo{gid: info}, DataPools: []int{fs.dataPool}, MetadataPool: fs.metaPool,
		Extra: map[string]json.RawMessage{
			"epoch": raw(fs.epoch), "flags": raw(18), "ever_allowed_features": raw(0), "explicitly_allowed_features": raw(0),
			"created": raw(stamp(fs.created)), "modified": raw(stamp(fs.modified)), "tableserver": raw(0), "root": raw(0),
			"session_timeout": raw(60), "session_autoclose": raw(300), "required_client_features": raw(struct{}{}),
			"max_file_size": raw(int64(1) << 40), "last_failure": raw(0), "last_failure_osd_epoch": raw(fs.lastEvictEpoch),
			"compat": raw(mdsCompat), "failed": raw([]int{}), "damaged": raw([]int{}), "stopped": raw([]int{}),
			"balancer": raw(""), "standby_count_wanted": raw(0),
		},
	}
}

// mdsCompat is a Pacific file system's feature set.
var mdsCompat = map[string]any{"compat": map[string]string{}, "ro_compat": map[string]string{}, "incompat": map[string]string{
	"feature_1": "base v0.20", "feature_2": "client writeable ranges", "feature_3": "default file layouts on dirs",
	"feature_4": "dir inode in separate object", "feature_5": "mds uses versioned encoding", "feature_6": "dirfrag is stored in omap",
	"feature_7": "mds uses inline data", "feature_8": "no anchor table", "feature_9": "file layout v2", "feature_10": "snaprealm v2",
}}

// fsMapLocked is the FS map.
func (c *cluster) fsMapLocked() ceph.FSMap {
	m := ceph.FSMap{Epoch: max(1, c.fsEpoch), Filesystems: []ceph.FSMapFilesystem{}, Standbys: []ceph.MDSInfo{}}
	for _, id := range c.fsIDsLocked() {
		fs := c.fss[id]
		m.Filesystems = append(m.Filesystems, ceph.FSMapFilesystem{ID: fs.id, MDSMap: c.mdsMapLocked(fs)})
	}
	return m
}

// fsMapMinimalLocked is the FS map of the minimal health report.
func (c *cluster) fsMapMinimalLocked() ceph.FSMapMinimal {
	m := ceph.FSMapMinimal{Filesystems: []ceph.FSMapMinimalFilesystem{}, Standbys: []ceph.MDSInfo{}}
	for _, fs := range c.fsMapLocked().Filesystems {
		m.Filesystems = append(m.Filesystems, ceph.FSMapMinimalFilesystem{MDSMap: fs.MDSMap})
	}
	return m
}

func (c *cluster) fsIDsLocked() []int {
	ids := make([]int, 0, len(c.fss))
	for id := range c.fss {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids
}

func (s fileSystemsService) List(ctx context.Context) ([]cephfs.FileSystem, error) {
	return view(s.backend, ctx, "CephFS.FileSystems.List", nil, func(c *cluster) ([]cephfs.FileSystem, error) {
		return c.fsMapLocked().Filesystems, nil
	})
}

func (s fileSystemsService) Get(ctx context.Context, fsID int) (*cephfs.Status, error) {
	return view(s.backend, ctx, "CephFS.FileSystems.Get", []any{fsID}, func(c *cluster) (*cephfs.Status, error) {
		fs, err := c.fsLocked(fsID)
		if err != nil {
			return nil, err
		}
		pl := c.placementLocked()
		df := c.dfStatsLocked(pl)
		pools := []cephfs.PoolUsage{}
		for i, id := range []int{fs.metaPool, fs.dataPool} {
			p := c.pools[id]
			if p == nil {
				continue
			}
			u := c.poolUsageLocked(p, df)
			typ := "data"
			if i == 0 {
				typ = "metadata"
			}
			pools = append(pools, cephfs.PoolUsage{Pool: p.name, Type: typ, Used: uint64(u.Stored), Avail: uint64(u.MaxAvail)})
		}
		dirs, inos := fs.root.count()
		st := &cephfs.Status{
			CephFS: cephfs.StatusFS{ID: fs.id, Name: fs.name, ClientCount: int64(len(fs.sessions)),
				Ranks: []cephfs.Rank{{Rank: cephfs.RankID{N: 0}, State: "active", MDS: fs.mdsName,
					Dns: inos, Inos: inos, Dirs: dirs, Caps: int64(len(fs.sessions))}},
				Pools: pools},
			Standbys: []cephfs.Standby{},
			Versions: map[string][]string{cephVersion: {fs.mdsName}},
		}
		return st, nil
	})
}

// count is the directories and inodes (directories and their snapshot
// directories) below and including d.
func (d *dirNode) count() (dirs, inos int64) {
	dirs, inos = 1, 1
	for _, ch := range d.children {
		a, b := ch.count()
		dirs += a
		inos += b
	}
	return dirs, inos
}

func (c *cluster) sessionsLocked(fs *fileSystem) []cephfs.Client {
	ids := make([]int64, 0, len(fs.sessions))
	for id := range fs.sessions {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	out := make([]cephfs.Client, 0, len(ids))
	for _, id := range ids {
		se := fs.sessions[id]
		cl := cephfs.Client{
			ID: se.id, State: "open", NumCaps: 1,
			Inst: fmt.Sprintf("client.%d 127.0.0.1:0/%d", se.id, 3000+se.id),
			ClientMetadata: map[string]any{
				"client_features": map[string]string{"feature_bits": "0x000000000007ffff"},
				"ceph_sha1":       "618f440892089921c3e944a991122ddc44e60516", "ceph_version": cephVersion,
				"entity_id": "admin", "hostname": se.hostname, "pid": fmt.Sprint(3000 + se.id), "root": se.root,
			},
			Extra: map[string]json.RawMessage{
				"uptime": json.RawMessage(fmt.Sprintf("%.3f", c.now().Sub(se.opened).Seconds())),
			},
		}
		cl.Describe()
		out = append(out, cl)
	}
	return out
}

func (s fileSystemsService) Clients(ctx context.Context, fsID int) (*cephfs.ClientList, error) {
	return view(s.backend, ctx, "CephFS.FileSystems.Clients", []any{fsID}, func(c *cluster) (*cephfs.ClientList, error) {
		fs, err := c.fsLocked(fsID)
		if err != nil {
			return nil, err
		}
		return &cephfs.ClientList{Status: 0, Data: c.sessionsLocked(fs)}, nil
	})
}

func (s fileSystemsService) Evict(ctx context.Context, fsID int, clientID int64) error {
	return s.update(ctx, "CephFS.FileSystems.Evict", []any{fsID, clientID}, func(c *cluster) error {
		fs, err := c.fsLocked(fsID)
		if err != nil {
			return err
		}
		if fs.sessions[clientID] == nil {
			return ceph.Errorf(ceph.NotFound, "cephfs", "Client %d does not exist in cephfs %d", clientID, fsID)
		}
		delete(fs.sessions, clientID)
		// An eviction blocklists the client: a new OSD map.
		c.osdmapChangedLocked()
		fs.lastEvictEpoch = c.epoch
		return nil
	})
}

func (s fileSystemsService) MDSCounters(ctx context.Context, fsID int, counters []string) (cephfs.Counters, error) {
	return view(s.backend, ctx, "CephFS.FileSystems.MDSCounters", []any{fsID, counters}, func(c *cluster) (cephfs.Counters, error) {
		fs, err := c.fsLocked(fsID)
		if err != nil {
			return nil, err
		}
		if len(counters) == 0 {
			counters = cephfs.DefaultMDSCounters
		}
		dirs, inos := fs.root.count()
		values := map[string]float64{
			"mds_server.handle_client_request": float64(fs.requests),
			"mds.inodes":                       float64(inos),
			"mds_mem.ino":                      float64(inos),
			"mds.caps":                         float64(len(fs.sessions)),
			"mds.subtrees":                     2,
			"mds_log.ev":                       float64(dirs),
			"mds_cache.num_strays":             0, "mds.exported": 0, "mds.exported_inodes": 0,
			"mds.imported": 0, "mds.imported_inodes": 0,
		}
		now := float64(c.now().UnixNano()) / 1e9
		out := cephfs.Counters{fs.mdsName: {}}
		for _, name := range counters {
			v, ok := values[name]
			if !ok {
				out[fs.mdsName][name] = []cephfs.Sample{}
				continue
			}
			out[fs.mdsName][name] = []cephfs.Sample{{now, v}}
		}
		return out, nil
	})
}

// snapshotsOf lists d's snapshots (at the clean path p), oldest first.
func snapshotsOf(d *dirNode, p string) []cephfs.Snapshot {
	names := make([]string, 0, len(d.snaps))
	for n := range d.snaps {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := d.snaps[names[i]], d.snaps[names[j]]
		if !a.Equal(b) {
			return a.Before(b)
		}
		return names[i] < names[j]
	})
	out := make([]cephfs.Snapshot, 0, len(names))
	for _, n := range names {
		out = append(out, cephfs.Snapshot{Name: n, Path: path.Join(p, ".snap", n),
			Created: d.snaps[n].UTC().Format("2006-01-02T15:04:05") + "Z"})
	}
	return out
}

func directoryOf(d *dirNode, p string) cephfs.Directory {
	return cephfs.DirectoryOf(p, snapshotsOf(d, p), cephfs.Quotas{MaxBytes: d.maxBytes, MaxFiles: d.maxFiles})
}

// dirAt is the frame of the directory operations: the file system and the
// clean path.
func (c *cluster) dirAt(fsID int, p string) (*fileSystem, string, error) {
	fs, err := c.fsLocked(fsID)
	if err != nil {
		return nil, "", err
	}
	clean, err := cephfs.CleanPath(p)
	if err != nil {
		return nil, "", err
	}
	fs.requests++
	return fs, clean, nil
}

func (s directoriesService) Root(ctx context.Context, fsID int) (*cephfs.Directory, error) {
	return view(s.backend, ctx, "CephFS.Directories.Root", []any{fsID}, func(c *cluster) (*cephfs.Directory, error) {
		fs, err := c.fsLocked(fsID)
		if err != nil {
			return nil, err
		}
		d := directoryOf(fs.root, "/")
		return &d, nil
	})
}

func (s directoriesService) List(ctx context.Context, fsID int, dir string, depth int) ([]cephfs.Directory, error) {
	return view(s.backend, ctx, "CephFS.Directories.List", []any{fsID, dir, depth}, func(c *cluster) ([]cephfs.Directory, error) {
		fs, err := c.fsLocked(fsID)
		if err != nil {
			return nil, err
		}
		p, err := cephfs.CleanPath(dir)
		if err != nil {
			return nil, err
		}
		out := []cephfs.Directory{}
		d, err := fs.lookup(p)
		if err != nil {
			return out, nil // the dashboard lists nothing for a missing path
		}
		var walk func(d *dirNode, p string, depth int)
		walk = func(d *dirNode, p string, depth int) {
			if depth == 0 {
				return
			}
			names := make([]string, 0, len(d.children))
			for n := range d.children {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				cp := path.Join(p, n)
				out = append(out, directoryOf(d.children[n], cp))
				walk(d.children[n], cp, depth-1)
			}
		}
		walk(d, p, depth)
		return out, nil
	})
}

func (s directoriesService) Make(ctx context.Context, fsID int, dir string) error {
	return s.update(ctx, "CephFS.Directories.Make", []any{fsID, dir}, func(c *cluster) error {
		fs, p, err := c.dirAt(fsID, dir)
		if err != nil {
			return err
		}
		d := fs.root
		for _, part := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
			if part == ".snap" {
				return ceph.Errorf(ceph.InvalidArgument, "cephfs", "cannot create a directory named .snap")
			}
			next := d.children[part]
			if next == nil {
				next = newDir()
				d.children[part] = next
			}
			d = next
		}
		return nil
	})
}

func (s directoriesService) Remove(ctx context.Context, fsID int, dir string) error {
	return s.update(ctx, "CephFS.Directories.Remove", []any{fsID, dir}, func(c *cluster) error {
		fs, p, err := c.dirAt(fsID, dir)
		if err != nil {
			return err
		}
		d, err := fs.lookup(p)
		if err != nil {
			return nil // the dashboard leaves a missing directory alone
		}
		if len(d.children) > 0 || len(d.snaps) > 0 {
			return ceph.Errorf(ceph.FailedPrecondition, "cephfs", "[Errno 39] error in rmdir %s: Directory not empty", p)
		}
		parent, _ := fs.lookup(path.Dir(p))
		delete(parent.children, path.Base(p))
		return nil
	})
}

func (s directoriesService) Quotas(ctx context.Context, fsID int, dir string) (*cephfs.Quotas, error) {
	return view(s.backend, ctx, "CephFS.Directories.Quotas", []any{fsID, dir}, func(c *cluster) (*cephfs.Quotas, error) {
		fs, err := c.fsLocked(fsID)
		if err != nil {
			return nil, err
		}
		p, err := cephfs.CleanPath(dir)
		if err != nil {
			return nil, err
		}
		d, err := fs.lookup(p)
		if err != nil {
			return nil, err
		}
		return &cephfs.Quotas{MaxBytes: d.maxBytes, MaxFiles: d.maxFiles}, nil
	})
}

func (s directoriesService) SetQuotas(ctx context.Context, fsID int, dir string, q cephfs.QuotaUpdate) error {
	return s.update(ctx, "CephFS.Directories.SetQuotas", []any{fsID, dir, q}, func(c *cluster) error {
		fs, p, err := c.dirAt(fsID, dir)
		if err != nil {
			return err
		}
		d, err := fs.lookup(p)
		if err != nil {
			return err
		}
		if q.MaxBytes != nil {
			d.maxBytes = *q.MaxBytes
		}
		if q.MaxFiles != nil {
			d.maxFiles = *q.MaxFiles
		}
		return nil
	})
}

func (s directoriesService) CreateSnapshot(ctx context.Context, fsID int, dir, name string) (string, error) {
	var made string
	err := s.update(ctx, "CephFS.Directories.CreateSnapshot", []any{fsID, dir, name}, func(c *cluster) error {
		fs, p, err := c.dirAt(fsID, dir)
		if err != nil {
			return err
		}
		d, err := fs.lookup(p)
		if err != nil {
			return err
		}
		now := c.now()
		if name == "" {
			// Python's isoformat of the local time, as the dashboard names it.
			name = now.Format("2006-01-02T15:04:05.000000-07:00")
		}
		if _, ok := d.snaps[name]; ok {
			return &ceph.Error{Code: ceph.AlreadyExists, Component: "cephfs", Reason: "Snapshot name already in use",
				Detail: fmt.Sprintf("Snapshot name %s is already in use.Please use another name", name)}
		}
		d.snaps[name] = now
		made = name
		return nil
	})
	return made, err
}

func (s directoriesService) DeleteSnapshot(ctx context.Context, fsID int, dir, name string) error {
	return s.update(ctx, "CephFS.Directories.DeleteSnapshot", []any{fsID, dir, name}, func(c *cluster) error {
		fs, p, err := c.dirAt(fsID, dir)
		if err != nil {
			return err
		}
		d, err := fs.lookup(p)
		if err != nil {
			return err
		}
		if _, ok := d.snaps[name]; !ok {
			return ceph.Errorf(ceph.NotFound, "cephfs", "No such file or directory: %s", path.Join(p, ".snap", name))
		}
		delete(d.snaps, name)
		return nil
	})
}

// OpenFSSession opens a client session on the file system named fsName, as
// a ceph-fuse mount on host hostname would, and returns its id: a client
// the API lists and can evict.
func (f *Fake) OpenFSSession(fsName, hostname string) (int64, error) {
	c := f.c
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, fs := range c.fss {
		if fs.name == fsName {
			fs.nextSession++
			id := fs.nextSession
			fs.sessions[id] = &fsSession{id: id, hostname: hostname, root: "/", opened: c.now()}
			return id, nil
		}
	}
	return 0, ceph.Errorf(ceph.NotFound, "cephfs", "no file system %q", fsName)
}
