package rest

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/cephfs"
	"github.com/cephapi/cephapi/httpapi/ops"
)

var (
	_ cephfs.FileSystems = fileSystemsService{}
	_ cephfs.Directories = directoriesService{}
)

// fileSystemsService is the dashboard's /api/cephfs.
type fileSystemsService struct {
	c *client
	cephfs.UnimplementedFileSystems
}

// directoriesService is the dashboard's directory, quota and snapshot
// operations of /api/cephfs/{fs_id}.
type directoriesService struct {
	c *client
	cephfs.UnimplementedDirectories
}

func fsIDString(id int) string { return strconv.Itoa(id) }

func (s fileSystemsService) List(ctx context.Context) ([]cephfs.FileSystem, error) {
	var out []cephfs.FileSystem
	if _, err := send(ctx, s.c, ops.CephFSList, &ops.CephFSListRequest{}, &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = []cephfs.FileSystem{}
	}
	return out, nil
}

func (s fileSystemsService) Get(ctx context.Context, fsID int) (*cephfs.Status, error) {
	return get[cephfs.Status](ctx, s.c, ops.CephFSGet, &ops.CephFSGetRequest{FSID: fsIDString(fsID)})
}

func (s fileSystemsService) Clients(ctx context.Context, fsID int) (*cephfs.ClientList, error) {
	out, err := get[cephfs.ClientList](ctx, s.c, ops.CephFSClientList, &ops.CephFSClientListRequest{FSID: fsIDString(fsID)})
	if errors.Is(err, &ceph.Error{Code: ceph.Internal}) {
		// 16.2.15's dashboard answers 500 for an unknown file system
		// here (it indexes the FS map without a check): tell NotFound.
		if list, lerr := s.List(ctx); lerr == nil && !slices.ContainsFunc(list, func(f cephfs.FileSystem) bool { return f.ID == fsID }) {
			return nil, &ceph.Error{Code: ceph.NotFound, Component: "cephfs", Detail: fmt.Sprintf("CephFS id %d not found", fsID)}
		}
	}
	if err != nil {
		return nil, err
	}
	if out.Data == nil {
		out.Data = []cephfs.Client{}
	}
	return out, nil
}

func (s fileSystemsService) Evict(ctx context.Context, fsID int, clientID int64) error {
	return exec(ctx, s.c, ops.CephFSClientDelete, &ops.CephFSClientDeleteRequest{
		FSID: fsIDString(fsID), ClientID: strconv.FormatInt(clientID, 10)})
}

// MDSCounters is GET /api/cephfs/{fs_id}/mds_counters. This server takes
// counters as a comma-separated list; the dashboard's parameter is a
// list its query string cannot carry (it iterates a string by
// character), so against it only its default counters have samples.
func (s fileSystemsService) MDSCounters(ctx context.Context, fsID int, counters []string) (cephfs.Counters, error) {
	req := &ops.CephFSMDSCountersRequest{FSID: fsIDString(fsID)}
	if len(counters) == 0 {
		counters = cephfs.DefaultMDSCounters
	}
	if !subset(counters, cephfs.DefaultMDSCounters) {
		req.Counters = strings.Join(counters, ",")
	}
	var out cephfs.Counters
	if _, err := send(ctx, s.c, ops.CephFSMDSCounters, req, &out); err != nil {
		return nil, err
	}
	picked := cephfs.Counters{}
	for daemon, all := range out {
		picked[daemon] = map[string][]cephfs.Sample{}
		for _, c := range counters {
			v := all[c]
			if v == nil {
				v = []cephfs.Sample{}
			}
			picked[daemon][c] = v
		}
	}
	return picked, nil
}

func (s directoriesService) Root(ctx context.Context, fsID int) (*cephfs.Directory, error) {
	return get[cephfs.Directory](ctx, s.c, ops.CephFSGetRootDirectory, &ops.CephFSGetRootDirectoryRequest{FSID: fsIDString(fsID)})
}

func (s directoriesService) List(ctx context.Context, fsID int, dir string, depth int) ([]cephfs.Directory, error) {
	p, err := cephfs.CleanPath(dir)
	if err != nil {
		return nil, err
	}
	var out []cephfs.Directory
	d := ops.Int(depth)
	if _, err := send(ctx, s.c, ops.CephFSLsDir, &ops.CephFSLsDirRequest{FSID: fsIDString(fsID), Path: p, Depth: &d}, &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = []cephfs.Directory{}
	}
	return out, nil
}

// lookup finds the directory p (clean) by listing its parent; nil when it
// does not exist.
func (s directoriesService) lookup(ctx context.Context, fsID int, p string) (*cephfs.Directory, error) {
	if p == "/" {
		return s.Root(ctx, fsID)
	}
	list, err := s.List(ctx, fsID, path.Dir(p), 1)
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

// explain turns the dashboard's bare 500 for a path that does not exist
// (libcephfs' ObjectNotFound, which its quota, snapshot and remove
// operations do not handle) into NotFound, and for a directory that is
// not empty into FailedPrecondition.
func (s directoriesService) explain(ctx context.Context, fsID int, p string, err error) error {
	var re *ResponseError
	if err == nil || !errors.As(err, &re) || re.StatusCode != 500 {
		return err
	}
	d, lerr := s.lookup(ctx, fsID, p)
	switch {
	case lerr != nil:
		return err
	case d == nil:
		return &ceph.Error{Code: ceph.NotFound, Component: "cephfs", Detail: "No such file or directory: " + p, Err: native(err)}
	}
	return err
}

func (s directoriesService) Make(ctx context.Context, fsID int, dir string) error {
	p, err := cephfs.CleanPath(dir)
	if err != nil {
		return err
	}
	return exec(ctx, s.c, ops.CephFSTreeCreate, &ops.CephFSTreeCreateRequest{FSID: fsIDString(fsID), Path: p})
}

func (s directoriesService) Remove(ctx context.Context, fsID int, dir string) error {
	p, err := cephfs.CleanPath(dir)
	if err != nil {
		return err
	}
	err = exec(ctx, s.c, ops.CephFSTreeDelete, &ops.CephFSTreeDeleteRequest{FSID: fsIDString(fsID), Path: p})
	var re *ResponseError
	if err == nil || !errors.As(err, &re) || re.StatusCode != 500 {
		return err
	}
	// The dashboard answers 500 for a directory with entries or snapshots.
	if d, lerr := s.lookup(ctx, fsID, p); lerr == nil && d != nil {
		return &ceph.Error{Code: ceph.FailedPrecondition, Component: "cephfs",
			Detail: "directory " + p + " is not empty (the dashboard answered 500)", Err: native(err)}
	}
	return err
}

func (s directoriesService) Quotas(ctx context.Context, fsID int, dir string) (*cephfs.Quotas, error) {
	p, err := cephfs.CleanPath(dir)
	if err != nil {
		return nil, err
	}
	q, err := get[cephfs.Quotas](ctx, s.c, ops.CephFSQuotaGet, &ops.CephFSQuotaGetRequest{FSID: fsIDString(fsID), Path: p})
	return q, s.explain(ctx, fsID, p, err)
}

func (s directoriesService) SetQuotas(ctx context.Context, fsID int, dir string, q cephfs.QuotaUpdate) error {
	p, err := cephfs.CleanPath(dir)
	if err != nil {
		return err
	}
	req := &ops.CephFSQuotaSetRequest{FSID: fsIDString(fsID), Path: p}
	if q.MaxBytes != nil {
		req.MaxBytes = new(ops.Int(*q.MaxBytes))
	}
	if q.MaxFiles != nil {
		req.MaxFiles = new(ops.Int(*q.MaxFiles))
	}
	return s.explain(ctx, fsID, p, exec(ctx, s.c, ops.CephFSQuotaSet, req))
}

func (s directoriesService) CreateSnapshot(ctx context.Context, fsID int, dir, name string) (string, error) {
	p, err := cephfs.CleanPath(dir)
	if err != nil {
		return "", err
	}
	var made string
	_, err = send(ctx, s.c, ops.CephFSSnapshotCreate, &ops.CephFSSnapshotCreateRequest{FSID: fsIDString(fsID), Path: p, Name: nonZero(name)}, &made)
	var ce *ceph.Error
	if err != nil && errors.As(err, &ce) && ce.Reason == "Snapshot name already in use" && ce.Code != ceph.AlreadyExists {
		return "", &ceph.Error{Code: ceph.AlreadyExists, Component: "cephfs", Detail: ce.Detail, Reason: ce.Reason, Err: native(err)}
	}
	if err != nil {
		return "", s.explain(ctx, fsID, p, err)
	}
	return made, nil
}

// DeleteSnapshot is DELETE /api/cephfs/{fs_id}/snapshot. The snapshot is
// looked up first: the dashboard (16.2.15) never answers the delete of a
// snapshot that does not exist, and the request would hold one of its
// workers.
func (s directoriesService) DeleteSnapshot(ctx context.Context, fsID int, dir, name string) error {
	p, err := cephfs.CleanPath(dir)
	if err != nil {
		return err
	}
	d, err := s.lookup(ctx, fsID, p)
	if err != nil {
		return err
	}
	found := false
	if d != nil {
		for _, sn := range d.Snapshots {
			found = found || sn.Name == name
		}
	}
	if !found {
		return ceph.Errorf(ceph.NotFound, "cephfs", "No such file or directory: %s", path.Join(p, ".snap", name))
	}
	return exec(ctx, s.c, ops.CephFSSnapshotDelete, &ops.CephFSSnapshotDeleteRequest{FSID: fsIDString(fsID), Path: p, Name: name})
}

// subset reports whether every element of a is in b.
func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
