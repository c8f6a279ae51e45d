package rest

import (
	"net/url"
	"strings"

	"github.com/cephapi/cephapi/ceph"
)

// endpoint is one operation of the API: method, path relative to the base
// URL ("{}" marks a path parameter), the API version the client asks for
// (Accept: application/vnd.ceph.api.vX.Y+json) and the component named in
// errors that carry none.
type endpoint struct {
	method    string
	path      string
	version   string
	component string
	// task: the server may answer 202 and run the work as a task.
	task bool
}

func (e endpoint) String() string { return e.method + " " + e.path }

// expand fills the path parameters, each escaped as one path segment.
func (e endpoint) expand(args []string) (string, error) {
	var b strings.Builder
	rest := e.path
	for i := 0; ; i++ {
		j := strings.Index(rest, "{}")
		if j < 0 {
			if i != len(args) {
				return "", ceph.Errorf(ceph.Internal, e.component, "%s: %d path arguments for %d parameters", e, len(args), i)
			}
			b.WriteString(rest)
			return b.String(), nil
		}
		if i >= len(args) {
			return "", ceph.Errorf(ceph.Internal, e.component, "%s: %d path arguments, too few", e, len(args))
		}
		if args[i] == "" || args[i] == "." || args[i] == ".." {
			return "", ceph.Errorf(ceph.InvalidArgument, e.component, "invalid name %q", args[i])
		}
		b.WriteString(rest[:j])
		b.WriteString(url.PathEscape(args[i]))
		rest = rest[j+2:]
	}
}

// The API versions of Ceph 16.2.15's dashboard (its OpenAPI document):
// most operations are 1.0; listing RBD images is 2.0 and the OSD settings
// are 0.1.
const (
	v01 = "0.1"
	v10 = "1.0"
	v20 = "2.0"
)

// The one table of operations this client calls, with the version each
// sends. Paths are relative (no leading "/"), so the API may sit under a
// URL prefix.
var (
	epLogin = endpoint{"POST", "api/auth", v10, "auth", false}
	epTask  = endpoint{"GET", "api/task", v10, "task", false}

	epHealthFull    = endpoint{"GET", "api/health/full", v10, "health", false}
	epHealthMinimal = endpoint{"GET", "api/health/minimal", v10, "health", false}
	epSummary       = endpoint{"GET", "api/summary", v10, "summary", false}
	epMonitor       = endpoint{"GET", "api/monitor", v10, "monitor", false}
	epLogs          = endpoint{"GET", "api/logs/all", v10, "logs", false}
	epPerfAll       = endpoint{"GET", "api/perf_counters", v10, "perf_counters", false}
	epPerfDaemon    = endpoint{"GET", "api/perf_counters/{}/{}", v10, "perf_counters", false}

	epPoolList   = endpoint{"GET", "api/pool", v10, "pool", false}
	epPoolCreate = endpoint{"POST", "api/pool", v10, "pool", true}
	epPoolGet    = endpoint{"GET", "api/pool/{}", v10, "pool", false}
	epPoolUpdate = endpoint{"PUT", "api/pool/{}", v10, "pool", true}
	epPoolDelete = endpoint{"DELETE", "api/pool/{}", v10, "pool", true}
	epPoolConfig = endpoint{"GET", "api/pool/{}/configuration", v10, "pool", false}

	epCrushList   = endpoint{"GET", "api/crush_rule", v10, "crush_rule", false}
	epCrushCreate = endpoint{"POST", "api/crush_rule", v10, "crush_rule", false}
	epCrushGet    = endpoint{"GET", "api/crush_rule/{}", v10, "crush_rule", false}
	epCrushDelete = endpoint{"DELETE", "api/crush_rule/{}", v10, "crush_rule", false}
	// The dashboard's UI helper that returns the CRUSH tree (osd_map_tree);
	// not part of its public API and absent from our server.
	epCrushInfo = endpoint{"GET", "ui-api/crush_rule/info", v10, "osd", false}

	epECPList   = endpoint{"GET", "api/erasure_code_profile", v10, "erasure_code_profile", false}
	epECPCreate = endpoint{"POST", "api/erasure_code_profile", v10, "erasure_code_profile", false}
	epECPGet    = endpoint{"GET", "api/erasure_code_profile/{}", v10, "erasure_code_profile", false}
	epECPDelete = endpoint{"DELETE", "api/erasure_code_profile/{}", v10, "erasure_code_profile", false}

	epConfList    = endpoint{"GET", "api/cluster_conf", v10, "cluster_configuration", false}
	epConfCreate  = endpoint{"POST", "api/cluster_conf", v10, "cluster_configuration", false}
	epConfBulkSet = endpoint{"PUT", "api/cluster_conf", v10, "cluster_configuration", false}
	epConfFilter  = endpoint{"GET", "api/cluster_conf/filter", v10, "cluster_configuration", false}
	epConfGet     = endpoint{"GET", "api/cluster_conf/{}", v10, "cluster_configuration", false}
	epConfDelete  = endpoint{"DELETE", "api/cluster_conf/{}", v10, "cluster_configuration", false}

	epMgrList    = endpoint{"GET", "api/mgr/module", v10, "mgr_modules", false}
	epMgrGet     = endpoint{"GET", "api/mgr/module/{}", v10, "mgr_modules", false}
	epMgrSet     = endpoint{"PUT", "api/mgr/module/{}", v10, "mgr_modules", false}
	epMgrEnable  = endpoint{"POST", "api/mgr/module/{}/enable", v10, "mgr_modules", false}
	epMgrDisable = endpoint{"POST", "api/mgr/module/{}/disable", v10, "mgr_modules", false}
	epMgrOptions = endpoint{"GET", "api/mgr/module/{}/options", v10, "mgr_modules", false}

	epOSDList          = endpoint{"GET", "api/osd", v10, "osd", false}
	epOSDCreate        = endpoint{"POST", "api/osd", v10, "osd", true}
	epOSDFlags         = endpoint{"GET", "api/osd/flags", v10, "osd", false}
	epOSDFlagsSet      = endpoint{"PUT", "api/osd/flags", v10, "osd", false}
	epOSDFlagsInd      = endpoint{"GET", "api/osd/flags/individual", v10, "osd", false}
	epOSDFlagsIndSet   = endpoint{"PUT", "api/osd/flags/individual", v10, "osd", false}
	epOSDSafeToDelete  = endpoint{"GET", "api/osd/safe_to_delete", v10, "osd", false}
	epOSDSafeToDestroy = endpoint{"GET", "api/osd/safe_to_destroy", v10, "osd", false}
	epOSDSettings      = endpoint{"GET", "api/osd/settings", v01, "osd", false}
	epOSDDelete        = endpoint{"DELETE", "api/osd/{}", v10, "osd", true}
	epOSDGet           = endpoint{"GET", "api/osd/{}", v10, "osd", false}
	epOSDSetClass      = endpoint{"PUT", "api/osd/{}", v10, "osd", false}
	epOSDDestroy       = endpoint{"POST", "api/osd/{}/destroy", v10, "osd", false}
	epOSDDevices       = endpoint{"GET", "api/osd/{}/devices", v10, "osd", false}
	epOSDHistogram     = endpoint{"GET", "api/osd/{}/histogram", v10, "osd", false}
	epOSDMark          = endpoint{"PUT", "api/osd/{}/mark", v10, "osd", false}
	epOSDPurge         = endpoint{"POST", "api/osd/{}/purge", v10, "osd", false}
	epOSDReweight      = endpoint{"POST", "api/osd/{}/reweight", v10, "osd", false}
	epOSDScrub         = endpoint{"POST", "api/osd/{}/scrub", v10, "osd", false}

	epImageList   = endpoint{"GET", "api/block/image", v20, "rbd", false}
	epImageCreate = endpoint{"POST", "api/block/image", v10, "rbd", true}
	epImageGet    = endpoint{"GET", "api/block/image/{}", v10, "rbd", false}
	epImageUpdate = endpoint{"PUT", "api/block/image/{}", v10, "rbd", true}
	epImageDelete = endpoint{"DELETE", "api/block/image/{}", v10, "rbd", true}
)

// endpoints lists the table, for tests that compare it with a server's
// route table.
var endpoints = []endpoint{
	epLogin, epTask, epHealthFull, epHealthMinimal, epSummary, epMonitor, epLogs, epPerfAll, epPerfDaemon,
	epPoolList, epPoolCreate, epPoolGet, epPoolUpdate, epPoolDelete, epPoolConfig,
	epCrushList, epCrushCreate, epCrushGet, epCrushDelete, epCrushInfo,
	epECPList, epECPCreate, epECPGet, epECPDelete,
	epConfList, epConfCreate, epConfBulkSet, epConfFilter, epConfGet, epConfDelete,
	epMgrList, epMgrGet, epMgrSet, epMgrEnable, epMgrDisable, epMgrOptions,
	epOSDList, epOSDCreate, epOSDFlags, epOSDFlagsSet, epOSDFlagsInd, epOSDFlagsIndSet,
	epOSDSafeToDelete, epOSDSafeToDestroy, epOSDSettings, epOSDDelete, epOSDGet, epOSDSetClass,
	epOSDDestroy, epOSDDevices, epOSDHistogram, epOSDMark, epOSDPurge, epOSDReweight, epOSDScrub,
	epImageList, epImageCreate, epImageGet, epImageUpdate, epImageDelete,
}
