package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cephapi/cephapi/transport/memory"
)

// TestCoreSliceOverMemory drives every implemented endpoint of the core
// slice against the memory transport's cluster model.
func TestCoreSliceOverMemory(t *testing.T) {
	f := newFixtureWith(t, memory.New(), nil, WithTaskWait(5*time.Second))
	type step struct {
		method, path, body string
		accept             string
		status             int
		contains           []string
	}
	v01 := "application/vnd.ceph.api.v0.1+json"
	v2 := "application/vnd.ceph.api.v2.0+json"
	for _, s := range []step{
		{"GET", "/api/health/minimal", "", "", 200, []string{`"status":"HEALTH_`, `"osd_map"`}},
		{"GET", "/api/health/full", "", "", 200, []string{`"mon_status"`, `"pools"`}},
		{"GET", "/api/summary", "", "", 200, []string{`"health_status"`, `"executing_tasks":[]`}},
		{"GET", "/api/monitor", "", "", 200, []string{`"in_quorum"`}},
		{"GET", "/api/logs/all", "", "", 200, []string{`"clog"`, `"audit_log"`}},
		{"GET", "/api/perf_counters", "", "", 200, nil},
		{"GET", "/api/perf_counters/osd/0", "", "", 200, []string{`"counters"`}},
		{"GET", "/api/perf_counters/osd/999", "", "", 404, nil},

		{"GET", "/api/crush_rule", "", "", 200, []string{`"rule_name"`}},
		{"POST", "/api/crush_rule", `{"name":"fast","root":"default","failure_domain":"host"}`, "", 201, nil},
		{"GET", "/api/crush_rule/fast", "", "", 200, []string{`"rule_name":"fast"`}},
		{"DELETE", "/api/crush_rule/fast", "", "", 204, nil},
		{"GET", "/api/crush_rule/fast", "", "", 404, nil},

		{"GET", "/api/erasure_code_profile", "", "", 200, []string{`"name":"default"`}},
		{"POST", "/api/erasure_code_profile", `{"name":"ec21","k":"2","m":1,"crush-failure-domain":"osd"}`, "", 201, nil},
		{"GET", "/api/erasure_code_profile/ec21", "", "", 200, []string{`"k":2`, `"m":1`}},
		{"DELETE", "/api/erasure_code_profile/ec21", "", "", 204, nil},

		{"POST", "/api/pool", `{"pool":"p1","pg_num":8,"pool_type":"replicated","size":1,"application_metadata":["rbd"]}`, "", 201, []string{"null"}},
		{"GET", "/api/pool", "", "", 200, []string{`"pool_name":"p1"`}},
		{"GET", "/api/pool?attrs=pool_name,size&stats=true", "", "", 200, []string{`"size":1`}},
		{"GET", "/api/pool/p1?stats=true", "", "", 200, []string{`"application_metadata":["rbd"]`, `"configuration"`}},
		{"GET", "/api/pool/p1/configuration", "", "", 200, nil},
		{"PUT", "/api/pool/p1", `{"pool":"p2","quota_max_objects":100}`, "", 200, []string{"null"}},
		{"GET", "/api/pool/p2", "", "", 200, []string{`"quota_max_objects":100`}},

		{"POST", "/api/block/image", `{"name":"img","pool_name":"p2","size":1048576}`, "", 201, nil},
		{"GET", "/api/block/image?pool_name=p2", "", v2, 200, []string{`"name":"img"`}},
		{"GET", "/api/block/image/p2%2Fimg", "", "", 200, []string{`"size":1048576`}},
		{"PUT", "/api/block/image/p2%2Fimg", `{"size":2097152}`, "", 200, nil},
		{"POST", "/api/block/image/p2%2Fimg/snap", `{"snapshot_name":"s1","mirrorImageSnapshot":false}`, "", 201, []string{"null"}},
		{"POST", "/api/block/image/p2%2Fimg/snap", `{"snapshot_name":"s1"}`, "", 409, []string{`"code":"already_exists"`}},
		{"POST", "/api/block/image/p2%2Fimg/snap", `{}`, "", 400, []string{"Missing parameters: snapshot_name"}},
		{"POST", "/api/block/image/p2%2Fimg/snap", `{"snapshot_name":"s2"}`, "", 201, nil},
		{"DELETE", "/api/block/image/p2%2Fimg/snap/s2", "", "", 204, nil},
		{"GET", "/api/block/image/p2%2Fimg", "", "", 200, []string{`"name":"s1"`}},
		// As the dashboard's: the image's snapshots go with it.
		{"DELETE", "/api/block/image/p2%2Fimg", "", "", 204, nil},
		{"GET", "/api/block/image/p2%2Fimg", "", "", 404, nil},

		{"GET", "/api/cluster_conf", "", "", 200, []string{`"name":"osd_pool_default_size"`}},
		{"POST", "/api/cluster_conf", `{"name":"osd_pool_default_size","value":[{"section":"global","value":"2"}]}`, "", 201, nil},
		{"GET", "/api/cluster_conf/osd_pool_default_size", "", "", 200, []string{`"section":"global"`}},
		{"GET", "/api/cluster_conf/filter?names=osd_pool_default_size,mon_max_pg_per_osd", "", "", 200, nil},
		{"PUT", "/api/cluster_conf", `{"options":{"osd_pool_default_size":{"section":"osd","value":"3"}}}`, "", 200, nil},
		{"DELETE", "/api/cluster_conf/osd_pool_default_size?section=osd", "", "", 204, nil},
		{"GET", "/api/cluster_conf/no_such_option", "", "", 404, nil},

		{"GET", "/api/mgr/module", "", "", 200, []string{`"name":"dashboard"`}},
		{"GET", "/api/mgr/module/telemetry/options", "", "", 200, nil},
		{"POST", "/api/mgr/module/zabbix/enable", "", "", 200, nil},
		{"POST", "/api/mgr/module/zabbix/disable", "", "", 200, nil},

		{"GET", "/api/osd", "", "", 200, []string{`"id":0`}},
		{"GET", "/api/osd/0", "", "", 200, []string{`"osd_map"`}},
		{"GET", "/api/osd/999", "", "", 404, nil},
		{"GET", "/api/osd/settings", "", v01, 200, []string{`"nearfull_ratio"`}},
		{"GET", "/api/osd/0/devices", "", "", 200, nil},
		{"GET", "/api/osd/0/histogram", "", "", 200, nil},
		{"GET", "/api/osd/0/smart", "", "", 501, nil},
		{"PUT", "/api/osd/0", `{"device_class":"ssd"}`, "", 200, nil},
		{"POST", "/api/osd/0/scrub?deep=true", "", "", 200, nil},
		{"POST", "/api/osd/0/reweight", `{"weight":0.5}`, "", 200, nil},
		{"PUT", "/api/osd/0/mark", `{"action":"out"}`, "", 200, nil},
		{"PUT", "/api/osd/0/mark", `{"action":"in"}`, "", 200, nil},
		{"GET", "/api/osd/flags", "", "", 200, []string{"sortbitwise"}},
		{"PUT", "/api/osd/flags", `{"flags":["noout","pglog_hardlimit","purged_snapdirs","recovery_deletes","sortbitwise"]}`, "", 200, []string{`"noout"`}},
		{"PUT", "/api/osd/flags/individual", `{"flags":{"noup":true},"ids":[0]}`, "", 200, []string{`"added":["noup"]`}},
		{"GET", "/api/osd/flags/individual", "", "", 200, []string{`"noup"`}},
		{"GET", "/api/osd/safe_to_destroy?ids=[0]", "", "", 200, []string{`"is_safe_to_destroy"`}},
		{"GET", "/api/osd/safe_to_delete?svc_ids=0", "", "", 200, []string{`"is_safe_to_delete"`}},
		{"POST", "/api/osd", `{"method":"bare","data":{"host":"dev2"},"tracking_id":"t1"}`, "", 201, []string{`"svc_id":1`}},

		{"DELETE", "/api/pool/p2", "", "", 204, nil},
		{"GET", "/api/task", "", "", 200, []string{`"pool/delete"`, `"rbd/create"`, `"osd/create"`}},
	} {
		w := f.do(req{method: s.method, path: s.path, body: s.body, token: f.admin, accept: s.accept})
		if w.Code != s.status {
			t.Errorf("%s %s %s: %d %s", s.method, s.path, s.body, w.Code, w.Body)
			continue
		}
		if w.Code >= 400 {
			decodeError(t, w)
		} else if w.Code != http.StatusNoContent && !json.Valid(w.Body.Bytes()) {
			t.Errorf("%s %s: invalid JSON %s", s.method, s.path, w.Body)
		}
		for _, c := range s.contains {
			if !strings.Contains(w.Body.String(), c) {
				t.Errorf("%s %s: body lacks %s: %.400s", s.method, s.path, c, w.Body)
			}
		}
	}
}
