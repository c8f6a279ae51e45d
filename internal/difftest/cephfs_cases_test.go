package difftest

import "net/http"

// Reasons of the CephFS walk (docs/dashboard-differences.md#cephfs).
const (
	whyFS500     = "the dashboard does not handle libcephfs' errors there and answers a bare 500; ours names the error: 400 failed_precondition for a directory that is not empty, 404 not_found for a missing path"
	whySnapInUse = "the dashboard answers a snapshot name in use with 400 and code 'Snapshot name already in use'; ours keeps the code and answers 409, the status of already_exists, with our error body"
	whyFS404     = "the dashboard answers a missing file system with the framework's 404 body {status, detail, request_id}; ours adds code not_found and component cephfs"
	whyFSClients = "the client sessions are the MDS's own list, asked at different moments; their counters and uptimes differ"
)

// cephfsCases walk the file system "cephfs" (id 1) of the test cluster
// (scripts/test-real starts it with --mds): each side makes, lists,
// limits, snapshots and removes a directory of its own ({fsdir}).
func cephfsCases() []Case {
	fs := "/api/cephfs/1"
	return []Case{
		{Name: "cephfs list", Path: "/api/cephfs",
			Values: []string{"[]/id", "[]/mdsmap/fs_name", "[]/mdsmap/in", "[]/mdsmap/max_mds", "[]/mdsmap/balancer",
				"[]/mdsmap/data_pools", "[]/mdsmap/metadata_pool", "[]/mdsmap/up", "[]/mdsmap/compat", "[]/mdsmap/session_timeout"},
			Maps: []string{"[]/mdsmap/info", "[]/mdsmap/up"}},
		{Name: "cephfs get", Path: fs,
			Values: []string{"cephfs/id", "cephfs/name", "cephfs/ranks/[]/rank", "cephfs/ranks/[]/state", "cephfs/ranks/[]/mds",
				"cephfs/pools/[]/pool", "cephfs/pools/[]/type", "standbys", "versions"},
			Maps: []string{"versions"}},
		{Name: "cephfs get missing", Path: "/api/cephfs/99", Values: []string{"status", "detail"},
			Known: []Known{{Kind: Extra, Path: "**", Reason: whyFS404}}},
		{Name: "cephfs get bad id", Path: "/api/cephfs/x", Values: []string{"detail", "code", "component"}},
		{Name: "cephfs root", Path: fs + "/get_root_directory", Values: []string{"name", "path", "parent", "quotas"}},
		{Name: "cephfs mkdir", Method: http.MethodPost, Path: fs + "/tree", Body: `{"path": "{fsdir}/a/b"}`},
		{Name: "cephfs mkdir again", Method: http.MethodPost, Path: fs + "/tree", Body: `{"path": "{fsdir}/a/b"}`},
		{Name: "cephfs ls_dir", Path: fs + "/ls_dir?path={fsdir}&depth=2",
			Values: []string{"[]/name", "[]/snapshots", "[]/quotas"}},
		{Name: "cephfs clients", Path: fs + "/clients", Values: []string{"status"},
			Known: []Known{{Kind: Value, Path: "data/**", Reason: whyFSClients}}},
		{Name: "perf_counters mds", Path: "/api/perf_counters/mds/a", Values: []string{"service", "counters/[]/name"}},
		{Name: "cephfs mds_counters", Path: fs + "/mds_counters", Maps: []string{"", "{}"}},
		{Name: "cephfs quota set", Method: http.MethodPut, Path: fs + "/quota",
			Body: `{"path": "{fsdir}/a", "max_bytes": 1048576, "max_files": 10}`},
		{Name: "cephfs quota get", Path: fs + "/quota?path={fsdir}/a", Values: []string{"max_bytes", "max_files"}},
		{Name: "cephfs quota get missing", Path: fs + "/quota?path={fsdir}/missing",
			Known: []Known{{Kind: Status, Reason: whyFS500}, {Path: "**", Reason: whyFS500}}},
		{Name: "cephfs snapshot create", Method: http.MethodPost, Path: fs + "/snapshot", Body: `{"path": "{fsdir}/a", "name": "walk-snap"}`,
			Values: []string{""}},
		{Name: "cephfs snapshot in use", Method: http.MethodPost, Path: fs + "/snapshot", Body: `{"path": "{fsdir}/a", "name": "walk-snap"}`,
			Values: []string{"code", "component"},
			Known:  []Known{{Kind: Status, Reason: whySnapInUse}, {Kind: Missing, Path: "**", Reason: whySnapInUse}}},
		{Name: "cephfs ls_dir with snapshot", Path: fs + "/ls_dir?path={fsdir}&depth=1",
			Values: []string{"[]/name", "[]/snapshots/[]/name", "[]/quotas"}},
		{Name: "cephfs rmdir with snapshot", Method: http.MethodDelete, Path: fs + "/tree?path={fsdir}/a",
			Known: []Known{{Kind: Status, Reason: whyFS500}, {Path: "**", Reason: whyFS500}}},
		{Name: "cephfs snapshot delete", Method: http.MethodDelete, Path: fs + "/snapshot?path={fsdir}/a&name=walk-snap"},
		{Name: "cephfs rmdir with child", Method: http.MethodDelete, Path: fs + "/tree?path={fsdir}/a",
			Known: []Known{{Kind: Status, Reason: whyFS500}, {Path: "**", Reason: whyFS500}}},
		{Name: "cephfs rmdir child", Method: http.MethodDelete, Path: fs + "/tree?path={fsdir}/a/b"},
		{Name: "cephfs rmdir", Method: http.MethodDelete, Path: fs + "/tree?path={fsdir}/a"},
		{Name: "cephfs rmdir top", Method: http.MethodDelete, Path: fs + "/tree?path={fsdir}"},
		{Name: "cephfs rmdir missing", Method: http.MethodDelete, Path: fs + "/tree?path={fsdir}"},
		{Name: "cephfs ls_dir missing", Path: fs + "/ls_dir?path={fsdir}", Values: []string{""}},
	}
}
