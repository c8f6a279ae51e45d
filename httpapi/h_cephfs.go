package httpapi

import (
	"strings"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/cephfs"
	"github.com/cephapi/cephapi/httpapi/ops"
)

// cephfsBindings are the bindings of the /api/cephfs operations
// (controllers/cephfs.py CephFS). {fs_id} is the file system's number; a
// bad one is 400 invalid_cephfs_id, as in the dashboard.
func (s *Server) cephfsBindings() []binding {
	c := s.client
	return []binding{
		// GET /api/cephfs
		bind(ops.CephFSList, func(cl *call, _ *ops.CephFSListRequest) (any, error) {
			return c.CephFS.FileSystems.List(cl.ctx())
		}),
		// GET /api/cephfs/{fs_id}
		bind(ops.CephFSGet, func(cl *call, r *ops.CephFSGetRequest) (any, error) {
			id, err := fsID(r.FSID)
			if err != nil {
				return nil, err
			}
			return c.CephFS.FileSystems.Get(cl.ctx(), id)
		}),
		// GET /api/cephfs/{fs_id}/clients
		bind(ops.CephFSClientList, func(cl *call, r *ops.CephFSClientListRequest) (any, error) {
			id, err := fsID(r.FSID)
			if err != nil {
				return nil, err
			}
			return c.CephFS.FileSystems.Clients(cl.ctx(), id)
		}),
		// DELETE /api/cephfs/{fs_id}/client/{client_id}
		bind(ops.CephFSClientDelete, func(cl *call, r *ops.CephFSClientDeleteRequest) (any, error) {
			id, err := fsID(r.FSID)
			if err != nil {
				return nil, err
			}
			client, err := cephfs.ParseClientID(r.ClientID)
			if err != nil {
				return nil, err
			}
			return nothing(c.CephFS.FileSystems.Evict(cl.ctx(), id, client))
		}),
		// GET /api/cephfs/{fs_id}/mds_counters
		bind(ops.CephFSMDSCounters, func(cl *call, r *ops.CephFSMDSCountersRequest) (any, error) {
			id, err := fsID(r.FSID)
			if err != nil {
				return nil, err
			}
			var names []string
			for _, n := range strings.Split(r.Counters, ",") {
				if n = strings.TrimSpace(n); n != "" {
					names = append(names, n)
				}
			}
			return c.CephFS.FileSystems.MDSCounters(cl.ctx(), id, names)
		}),
		// GET /api/cephfs/{fs_id}/get_root_directory
		bind(ops.CephFSGetRootDirectory, func(cl *call, r *ops.CephFSGetRootDirectoryRequest) (any, error) {
			id, err := fsID(r.FSID)
			if err != nil {
				return nil, err
			}
			return c.CephFS.Directories.Root(cl.ctx(), id)
		}),
		// GET /api/cephfs/{fs_id}/ls_dir
		bind(ops.CephFSLsDir, func(cl *call, r *ops.CephFSLsDirRequest) (any, error) {
			id, err := fsID(r.FSID)
			if err != nil {
				return nil, err
			}
			depth := 1
			if r.Depth != nil {
				depth = int(*r.Depth)
			}
			return c.CephFS.Directories.List(cl.ctx(), id, r.Path, depth)
		}),
		// POST /api/cephfs/{fs_id}/tree
		bind(ops.CephFSTreeCreate, func(cl *call, r *ops.CephFSTreeCreateRequest) (any, error) {
			id, err := fsID(r.FSID)
			if err != nil {
				return nil, err
			}
			return nothing(c.CephFS.Directories.Make(cl.ctx(), id, r.Path))
		}),
		// DELETE /api/cephfs/{fs_id}/tree
		bind(ops.CephFSTreeDelete, func(cl *call, r *ops.CephFSTreeDeleteRequest) (any, error) {
			id, err := fsID(r.FSID)
			if err != nil {
				return nil, err
			}
			return nothing(c.CephFS.Directories.Remove(cl.ctx(), id, r.Path))
		}),
		// GET /api/cephfs/{fs_id}/quota
		bind(ops.CephFSQuotaGet, func(cl *call, r *ops.CephFSQuotaGetRequest) (any, error) {
			id, err := fsID(r.FSID)
			if err != nil {
				return nil, err
			}
			return c.CephFS.Directories.Quotas(cl.ctx(), id, r.Path)
		}),
		// PUT /api/cephfs/{fs_id}/quota
		bind(ops.CephFSQuotaSet, func(cl *call, r *ops.CephFSQuotaSetRequest) (any, error) {
			id, err := fsID(r.FSID)
			if err != nil {
				return nil, err
			}
			var q cephfs.QuotaUpdate
			for _, f := range []struct {
				name string
				in   *ops.Int
				out  **uint64
			}{{"max_bytes", r.MaxBytes, &q.MaxBytes}, {"max_files", r.MaxFiles, &q.MaxFiles}} {
				if f.in == nil {
					continue
				}
				if *f.in < 0 {
					return nil, ceph.Errorf(ceph.InvalidArgument, "cephfs", "%s must not be negative", f.name)
				}
				v := uint64(*f.in)
				*f.out = &v
			}
			return nothing(c.CephFS.Directories.SetQuotas(cl.ctx(), id, r.Path, q))
		}),
		// The snapshot create answers the snapshot's name.
		// POST /api/cephfs/{fs_id}/snapshot
		bind(ops.CephFSSnapshotCreate, func(cl *call, r *ops.CephFSSnapshotCreateRequest) (any, error) {
			id, err := fsID(r.FSID)
			if err != nil {
				return nil, err
			}
			return c.CephFS.Directories.CreateSnapshot(cl.ctx(), id, r.Path, deref(r.Name))
		}),
		// DELETE /api/cephfs/{fs_id}/snapshot
		bind(ops.CephFSSnapshotDelete, func(cl *call, r *ops.CephFSSnapshotDeleteRequest) (any, error) {
			id, err := fsID(r.FSID)
			if err != nil {
				return nil, err
			}
			return nothing(c.CephFS.Directories.DeleteSnapshot(cl.ctx(), id, r.Path, r.Name))
		}),
	}
}

// fsID parses {fs_id}; a bad one is the dashboard's invalid_cephfs_id.
func fsID(s string) (int, error) { return cephfs.ParseFSID(s) }
