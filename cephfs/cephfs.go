package cephfs

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/internal/jsonx"
)

// FileSystem is one file system of the FS map (`ceph fs dump`), as
// GET /api/cephfs lists it: its id and its full MDS map.
type FileSystem = ceph.FSMapFilesystem

// Status is a file system's status, as GET /api/cephfs/{fs_id} returns it:
// its ranks and pools, the standby daemons of the cluster and the Ceph
// versions of its metadata servers.
type Status struct {
	CephFS   StatusFS            `json:"cephfs"`
	Standbys []Standby           `json:"standbys"`
	Versions map[string][]string `json:"versions"`
}

// StatusFS is the file system part of a Status.
type StatusFS struct {
	ID          int         `json:"id"`
	Name        string      `json:"name"`
	ClientCount int64       `json:"client_count"`
	Ranks       []Rank      `json:"ranks"`
	Pools       []PoolUsage `json:"pools"`
}

// RankID is a rank: a number, or "N-s" for the standby-replay daemon
// following rank N (the dashboard's form).
type RankID struct {
	N             int
	StandbyReplay bool
}

// MarshalJSON writes the number, or the "N-s" string.
func (r RankID) MarshalJSON() ([]byte, error) {
	if r.StandbyReplay {
		return json.Marshal(fmt.Sprintf("%d-s", r.N))
	}
	return json.Marshal(r.N)
}

// UnmarshalJSON reads either form.
func (r *RankID) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		n, err := strconv.Atoi(strings.TrimSuffix(s, "-s"))
		if err != nil || !strings.HasSuffix(s, "-s") {
			return fmt.Errorf("bad rank %q", s)
		}
		*r = RankID{N: n, StandbyReplay: true}
		return nil
	}
	var n int
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*r = RankID{N: n}
	return nil
}

// Rank is one MDS rank of a file system (or a standby-replay daemon), with
// the daemon's cache sizes and its request rate.
type Rank struct {
	Rank  RankID `json:"rank"`
	State string `json:"state"`
	// MDS is the daemon holding the rank ("" when the rank failed).
	MDS string `json:"mds"`
	// Activity is client requests per second (replayed events for a
	// standby-replay daemon).
	Activity float64 `json:"activity"`
	Dns      int64   `json:"dns"`
	Inos     int64   `json:"inos"`
	Dirs     int64   `json:"dirs"`
	Caps     int64   `json:"caps"`
}

// PoolUsage is one pool of a file system: the metadata pool first, then
// the data pools.
type PoolUsage struct {
	Pool  string `json:"pool"`
	Type  string `json:"type"` // "metadata" or "data"
	Used  uint64 `json:"used"`
	Avail uint64 `json:"avail"`
}

// Standby is a standby metadata server.
type Standby struct {
	Name string `json:"name"`
}

// ClientList is the client sessions of a file system, as
// GET /api/cephfs/{fs_id}/clients returns them.
type ClientList struct {
	// Status is the dashboard's view-cache status: 0, a fresh answer.
	Status int      `json:"status"`
	Data   []Client `json:"data"`
}

// Client is one client session (the MDS's `session ls`), with the
// dashboard's summary fields.
type Client struct {
	ID             int64           `json:"id"`
	Entity         json.RawMessage `json:"entity,omitempty"`
	State          string          `json:"state"`
	NumCaps        int64           `json:"num_caps"`
	Inst           string          `json:"inst"`
	ClientMetadata map[string]any  `json:"client_metadata"`
	// Type is "userspace", "kernel" or "unknown", from the metadata.
	Type     string `json:"type"`
	Version  string `json:"version"`
	Hostname string `json:"hostname"`
	Root     string `json:"root,omitempty"`
	// Extra holds the other fields of the session as the MDS printed them.
	Extra map[string]json.RawMessage `json:"-"`
}

// MarshalJSON writes the session's fields, Extra's included.
func (c Client) MarshalJSON() ([]byte, error) {
	type plain Client
	return jsonx.MarshalWithExtra(plain(c), c.Extra)
}

// UnmarshalJSON reads a session, keeping unknown fields in Extra.
func (c *Client) UnmarshalJSON(b []byte) error {
	type plain Client
	var p plain
	extra, err := jsonx.UnmarshalWithExtra(b, &p, clientFields)
	if err != nil {
		return err
	}
	*c = Client(p)
	c.Extra = extra
	return nil
}

var clientFields = jsonx.FieldNames(Client{})

// Describe fills Type, Version, Hostname and Root from the client's
// metadata, as the dashboard does for its web UI.
func (c *Client) Describe() {
	md := func(k string) string { s, _ := c.ClientMetadata[k].(string); return s }
	switch {
	case md("ceph_version") != "":
		c.Type, c.Version, c.Hostname, c.Root = "userspace", md("ceph_version"), md("hostname"), md("root")
	case md("kernel_version") != "":
		c.Type, c.Version, c.Hostname, c.Root = "kernel", md("kernel_version"), md("hostname"), md("root")
	default:
		c.Type, c.Version, c.Hostname = "unknown", "", ""
	}
}

// DefaultMDSCounters are the counters MDSCounters reports when none are
// asked for (the dashboard's list for its web UI).
var DefaultMDSCounters = []string{
	"mds_server.handle_client_request",
	"mds_log.ev",
	"mds_cache.num_strays",
	"mds.exported",
	"mds.exported_inodes",
	"mds.imported",
	"mds.imported_inodes",
	"mds.inodes",
	"mds.caps",
	"mds.subtrees",
	"mds_mem.ino",
}

// Sample is one data point of a counter: [unix time in seconds, value].
type Sample [2]float64

// Counters are MDS performance counters: daemon name -> counter -> samples.
type Counters map[string]map[string][]Sample

// Directory is a directory of a file system, as the dashboard lists it.
type Directory struct {
	Name string `json:"name"`
	Path string `json:"path"`
	// Parent is nil for the root.
	Parent    *string    `json:"parent"`
	Snapshots []Snapshot `json:"snapshots"`
	// Quotas is nil for the root.
	Quotas *Quotas `json:"quotas"`
}

// Snapshot is a snapshot of a directory.
type Snapshot struct {
	Name    string `json:"name"`
	Path    string `json:"path"`
	Created string `json:"created"`
}

// Quotas are a directory's quotas; 0 means no limit.
type Quotas struct {
	MaxBytes uint64 `json:"max_bytes"`
	MaxFiles uint64 `json:"max_files"`
}

// QuotaUpdate changes a directory's quotas; nil fields are left alone and
// 0 removes a limit.
type QuotaUpdate struct {
	MaxBytes *uint64
	MaxFiles *uint64
}

// FileSystems reads the file systems of the FS map and their clients.
type FileSystems interface {
	// List returns every file system with its full MDS map.
	List(ctx context.Context) ([]FileSystem, error)
	// Get returns a file system's status; an unknown id is NotFound.
	Get(ctx context.Context, fsID int) (*Status, error)
	// Clients lists the client sessions of the file system (its rank 0).
	Clients(ctx context.Context, fsID int) (*ClientList, error)
	// Evict evicts a client session; an unknown client is NotFound.
	Evict(ctx context.Context, fsID int, clientID int64) error
	// MDSCounters returns counters of the file system's metadata servers
	// (DefaultMDSCounters when counters is empty); a counter a daemon
	// does not have gets no samples.
	MDSCounters(ctx context.Context, fsID int, counters []string) (Counters, error)
}

// Directories manages the directories of a file system, their quotas and
// their snapshots, without a mount of the caller's.
type Directories interface {
	// Root returns the root directory (with its snapshots).
	Root(ctx context.Context, fsID int) (*Directory, error)
	// List lists the directories below dir down to depth levels (depth
	// 1: its subdirectories), parents before their children; a directory
	// that does not exist lists nothing, as in the dashboard.
	List(ctx context.Context, fsID int, dir string, depth int) ([]Directory, error)
	// Make creates dir and its missing parents; an existing one is left
	// alone. The root is InvalidArgument.
	Make(ctx context.Context, fsID int, dir string) error
	// Remove removes an empty directory; a missing one is left alone; one
	// with entries or snapshots is FailedPrecondition. The root is
	// InvalidArgument.
	Remove(ctx context.Context, fsID int, dir string) error
	// Quotas returns dir's quotas.
	Quotas(ctx context.Context, fsID int, dir string) (*Quotas, error)
	// SetQuotas changes dir's quotas.
	SetQuotas(ctx context.Context, fsID int, dir string, q QuotaUpdate) error
	// CreateSnapshot snapshots dir as name ("": the current time, in
	// RFC 3339) and returns the name; a name in use is AlreadyExists.
	CreateSnapshot(ctx context.Context, fsID int, dir, name string) (string, error)
	// DeleteSnapshot removes dir's snapshot name.
	DeleteSnapshot(ctx context.Context, fsID int, dir, name string) error
}

// CleanPath checks and normalizes a path as the dashboard does
// (os.path.normpath): "" is the root, and a relative path is taken from
// the root, where libcephfs starts.
func CleanPath(p string) (string, error) {
	if strings.ContainsRune(p, 0) {
		return "", ceph.Errorf(ceph.InvalidArgument, "cephfs", "path contains NUL")
	}
	return path.Clean("/" + p), nil
}

// ParseFSID parses a file system id as the dashboard does; a bad one is
// InvalidArgument with the dashboard's reason invalid_cephfs_id.
func ParseFSID(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, &ceph.Error{Code: ceph.InvalidArgument, Component: "cephfs", Reason: "invalid_cephfs_id",
			Detail: fmt.Sprintf("Invalid cephfs ID %s", s)}
	}
	return n, nil
}

// ParseClientID parses a client id as the dashboard does.
func ParseClientID(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, &ceph.Error{Code: ceph.InvalidArgument, Component: "cephfs", Reason: "invalid_cephfs_client_id",
			Detail: fmt.Sprintf("Invalid cephfs client ID %s", s)}
	}
	return n, nil
}

// SnapshotName checks a snapshot name: one path element, not starting
// with "_" (the snapshots of parent directories).
func SnapshotName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") || strings.HasPrefix(name, "_") {
		return ceph.Errorf(ceph.InvalidArgument, "cephfs", "invalid snapshot name %q", name)
	}
	return nil
}

// DirectoryOf describes p (a clean path) with its snapshots and quotas, as
// the dashboard's get_directory does: the root has no parent and no quotas.
func DirectoryOf(p string, snaps []Snapshot, q Quotas) Directory {
	d := Directory{Name: path.Base(p), Path: p, Snapshots: snaps}
	if snaps == nil {
		d.Snapshots = []Snapshot{}
	}
	if p == "/" {
		d.Name = "/"
		return d
	}
	parent := path.Dir(p)
	d.Parent = &parent
	d.Quotas = &q
	return d
}
