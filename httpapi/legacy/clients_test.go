package legacy_test

// Replays of the requests legacy clients send to /api/v0.1, decoded with
// each client's own field rules. The structs below mirror, field for field
// (JSON names and Go types), the decoders of Elastic Metricbeat's ceph
// module (metricbeat/module/ceph/<metricset>/data.go); python-cephclient
// (dmsimard/python-cephclient, cephclient/wrapper.py and client.py) decodes
// any JSON body with json.loads and reads no field itself.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// ------------------------------------------------------------ Metricbeat

type mbDiskStats struct {
	TotalUsedBytes  int64 `json:"total_used_bytes"`
	TotalBytes      int64 `json:"total_bytes"`
	TotalAvailBytes int64 `json:"total_avail_bytes"`
}

type mbClusterDisk struct {
	Status string `json:"status"`
	Output struct {
		StatsCluster mbDiskStats `json:"stats"`
	} `json:"output"`
}

type mbTimecheck struct {
	RoundStatus string `json:"round_status"`
	Epoch       int64  `json:"epoch"`
	Round       int64  `json:"round"`
}

type mbClusterHealth struct {
	Status string `json:"status"`
	Output struct {
		OverallStatus string      `json:"overall_status"`
		Timechecks    mbTimecheck `json:"timechecks"`
	} `json:"output"`
}

type mbPgState struct {
	Count     int64  `json:"count"`
	StateName string `json:"state_name"`
}

type mbClusterStatus struct {
	Status string `json:"status"`
	Output struct {
		Pgmap struct {
			AvailByte      int64       `json:"bytes_avail"`
			TotalByte      int64       `json:"bytes_total"`
			UsedByte       int64       `json:"bytes_used"`
			DataByte       int64       `json:"data_bytes"`
			DegradedObjs   int64       `json:"degraded_objects"`
			DegradedRatio  float64     `json:"degraded_ratio"`
			DegradedTotal  int64       `json:"degraded_total"`
			MisplacedObjs  int64       `json:"misplaced_objects"`
			MisplacedRatio float64     `json:"misplaced_ratio"`
			MisplacedTotal int64       `json:"misplaced_total"`
			ReadByteSec    int64       `json:"read_bytes_sec"`
			ReadOpSec      int64       `json:"read_op_per_sec"`
			WriteByteSec   int64       `json:"write_bytes_sec"`
			WriteOpSec     int64       `json:"write_op_per_sec"`
			Version        int64       `json:"version"`
			PgNum          int64       `json:"num_pgs"`
			PgStates       []mbPgState `json:"pgs_by_state"`
		} `json:"pgmap"`
		Osdmap struct {
			Osdmap struct {
				Epoch      int64 `json:"epoch"`
				Full       bool  `json:"full"`
				Nearfull   bool  `json:"nearfull"`
				OsdNum     int64 `json:"num_osds"`
				UpOsds     int64 `json:"num_up_osds"`
				InOsds     int64 `json:"num_in_osds"`
				RemapedPgs int64 `json:"num_remapped_pgs"`
			} `json:"osdmap"`
		} `json:"osdmap"`
	} `json:"output"`
}

// mbTick decodes last_updated as Metricbeat's Tick does: the string's
// quotes cut off, then parsed as "2006-01-02 15:04:05" (an error fails the
// whole event).
type mbTick struct{ time.Time }

func (t *mbTick) UnmarshalJSON(b []byte) (err error) {
	b = b[1 : len(b)-1]
	t.Time, err = time.Parse("2006-01-02 15:04:05", string(b))
	return
}

type mbMonitorHealth struct {
	Status string `json:"status"`
	Output struct {
		OverallStatus string      `json:"overall_status"`
		Timechecks    mbTimecheck `json:"timechecks"`
		Health        struct {
			HealthServices []struct {
				Mons []struct {
					LastUpdated  mbTick `json:"last_updated"`
					Name         string `json:"name"`
					AvailPercent int64  `json:"avail_percent"`
					KbTotal      int64  `json:"kb_total"`
					KbAvail      int64  `json:"kb_avail"`
					Health       string `json:"health"`
					KbUsed       int64  `json:"kb_used"`
					StoreStats   struct {
						BytesTotal  int64  `json:"bytes_total"`
						BytesLog    int64  `json:"bytes_log"`
						LastUpdated string `json:"last_updated"`
						BytesMisc   int64  `json:"bytes_misc"`
						BytesSSt    int64  `json:"bytes_sst"`
					} `json:"store_stats"`
				} `json:"mons"`
			} `json:"health_services"`
		} `json:"health"`
	} `json:"output"`
}

type mbOsdDf struct {
	Status string `json:"status"`
	Output struct {
		Nodes []struct {
			ID          int64  `json:"id"`
			Name        string `json:"name"`
			Used        int64  `json:"kb_used"`
			Available   int64  `json:"kb_avail"`
			Total       int64  `json:"kb"`
			PgNum       int64  `json:"pgs"`
			DeviceClass string `json:"device_class"`
		} `json:"nodes"`
	} `json:"output"`
}

type mbOsdTree struct {
	Status string `json:"status"`
	Output struct {
		Nodes []struct {
			ID              int64   `json:"id"`
			Name            string  `json:"name"`
			Type            string  `json:"type"`
			TypeID          int64   `json:"type_id"`
			Children        []int64 `json:"children"`
			CrushWeight     float64 `json:"crush_weight"`
			Depth           int64   `json:"depth"`
			Exist           int64   `json:"exists"`
			PrimaryAffinity float64 `json:"primary_affinity"`
			Reweight        float64 `json:"reweight"`
			Status          string  `json:"status"`
			DeviceClass     string  `json:"device_class"`
		} `json:"nodes"`
	} `json:"output"`
}

type mbPoolDisk struct {
	Status string `json:"status"`
	Output struct {
		Pools []struct {
			ID    int64  `json:"id"`
			Name  string `json:"name"`
			Stats struct {
				BytesUsed int64 `json:"bytes_used"`
				MaxAvail  int64 `json:"max_avail"`
				Objects   int64 `json:"objects"`
				KbUsed    int64 `json:"kb_used"`
			} `json:"stats"`
		} `json:"pools"`
	} `json:"output"`
}

// metricset is one of Metricbeat's legacy ceph metricsets: the path it
// GETs (its defaultPath) with "Accept: application/json", its decoder, and
// the JSON fields it reads ("[]" walks every element of a list).
type metricset struct {
	name   string
	path   string
	decode func([]byte) error
	reads  []string
}

func decodeInto[T any](b []byte) error { var v T; return json.Unmarshal(b, &v) }

var metricsets = []metricset{
	{"cluster_disk", "/api/v0.1/df", decodeInto[mbClusterDisk], []string{
		"status", "output.stats.total_used_bytes", "output.stats.total_bytes", "output.stats.total_avail_bytes"}},
	{"cluster_health", "/api/v0.1/health", decodeInto[mbClusterHealth], []string{
		"status", "output.overall_status", "output.timechecks.epoch", "output.timechecks.round", "output.timechecks.round_status"}},
	{"cluster_status", "/api/v0.1/status", decodeInto[mbClusterStatus], []string{
		"status", "output.pgmap.bytes_avail", "output.pgmap.bytes_total", "output.pgmap.bytes_used", "output.pgmap.data_bytes",
		"output.pgmap.degraded_objects", "output.pgmap.degraded_ratio", "output.pgmap.degraded_total",
		"output.pgmap.misplaced_objects", "output.pgmap.misplaced_ratio", "output.pgmap.misplaced_total",
		"output.pgmap.read_bytes_sec", "output.pgmap.read_op_per_sec", "output.pgmap.write_bytes_sec", "output.pgmap.write_op_per_sec",
		"output.pgmap.version", "output.pgmap.num_pgs", "output.pgmap.pgs_by_state[].count", "output.pgmap.pgs_by_state[].state_name",
		"output.osdmap.osdmap.epoch", "output.osdmap.osdmap.full", "output.osdmap.osdmap.nearfull", "output.osdmap.osdmap.num_osds",
		"output.osdmap.osdmap.num_up_osds", "output.osdmap.osdmap.num_in_osds", "output.osdmap.osdmap.num_remapped_pgs"}},
	{"monitor_health", "/api/v0.1/health", decodeInto[mbMonitorHealth], []string{
		"status", "output.overall_status", "output.timechecks.epoch", "output.timechecks.round", "output.timechecks.round_status",
		"output.health.health_services[].mons[].name", "output.health.health_services[].mons[].health",
		"output.health.health_services[].mons[].last_updated", "output.health.health_services[].mons[].avail_percent",
		"output.health.health_services[].mons[].kb_total", "output.health.health_services[].mons[].kb_avail",
		"output.health.health_services[].mons[].kb_used", "output.health.health_services[].mons[].store_stats"}},
	{"osd_df", "/api/v0.1/osd/df", decodeInto[mbOsdDf], []string{
		"status", "output.nodes[].id", "output.nodes[].name", "output.nodes[].kb_used", "output.nodes[].kb_avail",
		"output.nodes[].kb", "output.nodes[].pgs", "output.nodes[].device_class"}},
	{"osd_tree", "/api/v0.1/osd/tree", decodeInto[mbOsdTree], []string{
		"status", "output.nodes[].id", "output.nodes[].name", "output.nodes[].type", "output.nodes[].type_id"}},
	{"pool_disk", "/api/v0.1/df", decodeInto[mbPoolDisk], []string{
		"status", "output.pools[].id", "output.pools[].name", "output.pools[].stats.bytes_used",
		"output.pools[].stats.max_avail", "output.pools[].stats.objects", "output.pools[].stats.kb_used"}},
}

// osdTreeReads are the fields osd_tree reads of OSD nodes (ids >= 0) and
// of buckets (children).
var osdTreeReads = map[bool][]string{
	true:  {"crush_weight", "depth", "exists", "primary_affinity", "reweight", "status", "device_class"},
	false: {"children"},
}

// missing returns the paths of reads that v lacks (each path whole, as
// written in reads).
func missing(v any, path string) []string {
	var out []string
	var walk func(v any, rest string)
	walk = func(v any, rest string) {
		head, tail, _ := strings.Cut(rest, ".")
		key := strings.TrimSuffix(head, "[]")
		m, ok := v.(map[string]any)
		if !ok {
			out = append(out, path)
			return
		}
		child, ok := m[key]
		switch {
		case !ok:
			out = append(out, path)
		case !strings.HasSuffix(head, "[]"):
			if tail != "" {
				walk(child, tail)
			}
		default:
			items, ok := child.([]any)
			if !ok || len(items) == 0 {
				out = append(out, path+" (empty)")
				return
			}
			for _, it := range items {
				if tail != "" {
					walk(it, tail)
				}
			}
		}
	}
	walk(v, path)
	return out
}

// absentByDesign are fields a metricset reads that our answer leaves out
// on purpose, with the reason; anything else missing fails the replay.
type absentByDesign map[string]string

// replayMetricbeat sends each metricset's request to h and decodes the
// answer with the metricset's structs.
func replayMetricbeat(t *testing.T, h http.Handler, absent absentByDesign) {
	t.Helper()
	for _, ms := range metricsets {
		t.Run(ms.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", ms.path, nil)
			r.Header.Set("Accept", "application/json") // helper.NewHTTP + SetHeader in each metricset's New
			r.Header.Set("User-Agent", "Metricbeat/8.15.0")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != 200 {
				t.Fatalf("GET %s: %d %s", ms.path, w.Code, w.Body.String())
			}
			body := w.Body.Bytes()
			if err := ms.decode(body); err != nil {
				t.Fatalf("%s's decoder fails: %v\n%s", ms.name, err, body)
			}
			var v any
			if err := json.Unmarshal(body, &v); err != nil {
				t.Fatal(err)
			}
			reads := append([]string(nil), ms.reads...)
			if ms.name == "osd_tree" {
				nodes, _ := v.(map[string]any)["output"].(map[string]any)["nodes"].([]any)
				for i, n := range nodes {
					id, _ := n.(map[string]any)["id"].(float64)
					for _, f := range osdTreeReads[id >= 0] {
						if _, ok := n.(map[string]any)[f]; !ok {
							t.Errorf("osd_tree: node %d (id %v) lacks %s", i, id, f)
						}
					}
				}
			}
			failed := false
			for _, p := range reads {
				seen := map[string]bool{}
				for _, m := range missing(v, p) {
					if seen[m] {
						continue
					}
					seen[m] = true
					base := strings.TrimSuffix(m, " (empty)")
					if why, ok := absent[ms.name+":"+base]; ok {
						t.Logf("%s absent by design: %s", base, why)
						continue
					}
					t.Errorf("%s reads %s: not in the answer", ms.name, m)
					failed = true
				}
			}
			if failed {
				t.Logf("answer: %s", body)
			}
			if got := v.(map[string]any)["status"]; got != "OK" {
				t.Errorf("status %v", got)
			}
		})
	}
}

// ------------------------------------------------------ python-cephclient

// pyMethod is a read method of python-cephclient's CephWrapper: the path
// it GETs under the endpoint (".../api/v0.1/") and the body type it asks
// for; client.py sets Accept and Content-Type from the body type and
// User-Agent "python-cephclient-wrapper".
type pyMethod struct {
	method string
	path   string
	body   string // "json" (what callers pass for JSON), "binary" for the getmap calls
	// memory is true for the methods whose command the memory transport
	// answers (the emulated command set, see internal/cmdemu).
	memory bool
}

var pyMethods = []pyMethod{
	{"get_df", "df", "json", true},
	{"get_df(detail)", "df?detail=detail", "json", true},
	{"get_fsid", "fsid", "json", true},
	{"get_health", "health", "json", true},
	{"get_health(detail)", "health?detail=detail", "json", true},
	{"get_quorum_status", "quorum_status", "json", true},
	{"get_report", "report", "json", true},
	{"get_status", "status", "json", true},
	{"auth_export", "auth/export?entity=client.admin", "json", true},
	{"auth_get", "auth/get?entity=client.admin", "json", true},
	{"auth_get_key", "auth/get-key?entity=client.admin", "json", true},
	{"auth_list", "auth/list", "json", true},
	{"auth_print_key", "auth/print-key?entity=client.admin", "json", true},
	// A key every 16.2.15 cluster has from its first manager start (the
	// telemetry module makes it, enabled or not), the memory model too.
	{"config_key_exists", "config-key/exists?key=mgr/telemetry/report_id", "json", true},
	{"config_key_get", "config-key/get?key=mgr/telemetry/report_id", "json", true},
	{"config_key_list", "config-key/list", "json", true},
	{"mds_compat_show", "mds/compat/show", "json", true},
	{"mds_dump", "mds/dump", "json", true},
	{"mds_getmap", "mds/getmap", "binary", false},
	{"mds_stat", "mds/stat", "json", true},
	{"osd_blacklist_ls", "osd/blacklist/ls", "json", true},
	{"osd_crush_dump", "osd/crush/dump", "json", true},
	{"osd_crush_rule_dump", "osd/crush/rule/dump", "json", true},
	{"osd_crush_rule_list", "osd/crush/rule/list", "json", true},
	{"osd_crush_rule_ls", "osd/crush/rule/ls", "json", true},
	{"osd_dump", "osd/dump", "json", true},
	{"osd_find", "osd/find?id=0", "json", true},
	{"osd_getcrushmap", "osd/getcrushmap", "binary", true},
	{"osd_getmap", "osd/getmap", "binary", true},
	{"osd_getmaxosd", "osd/getmaxosd", "json", true},
	{"osd_ls", "osd/ls", "json", true},
	{"osd_lspools", "osd/lspools", "json", true},
	{"osd_map", "osd/map?pool=device_health_metrics&object=legacy-replay", "json", true},
	{"osd_perf", "osd/perf", "json", true},
	{"osd_pool_get", "osd/pool/get?pool=device_health_metrics&var=size", "json", true},
	{"osd_pool_stats", "osd/pool/stats", "json", true},
	{"osd_stat", "osd/stat", "json", true},
	{"osd_tree", "osd/tree", "json", true},
	{"mon_dump", "mon/dump", "json", true},
	{"mon_getmap", "mon/getmap", "binary", true},
	{"mon_stat", "mon/stat", "xml", true}, // supported_body_types text, xml
	{"mon_status", "mon_status", "json", true},
	{"pg_debug", "pg/debug?debugop=unfound_objects_exist", "text", true},
	{"pg_dump", "pg/dump", "json", true},
	{"pg_dump_json", "pg/dump_json", "json", true},
	{"pg_dump_pools_json", "pg/dump_pools_json", "json", true},
	{"pg_dump_stuck", "pg/dump_stuck", "json", true},
	{"pg_getmap", "pg/getmap", "binary", true},
	{"pg_map", "pg/map?pgid=1.0", "json", true},
	{"pg_stat", "pg/stat", "json", true},
}

var pyContentTypes = map[string]string{
	"json": "application/json", "xml": "application/xml", "text": "text/plain", "binary": "application/octet-stream",
}

// pyNeverSent are read methods that send no request at all.
var pyNeverSent = map[string]string{
	"pg_debug": "wrapper.py passes its kwargs positionally (self.get(url, kwargs)): Python raises TypeError before any request",
}

// replayPython sends each read method's request; onMemory limits it to the
// methods the memory transport answers (the others must then be refused as
// unknown commands, so that this list stays true). skip names methods not
// replayed, with the reason.
func replayPython(t *testing.T, h http.Handler, onMemory bool, skip map[string]string) {
	t.Helper()
	for _, m := range pyMethods {
		t.Run(m.method, func(t *testing.T) {
			if why, ok := pyNeverSent[m.method]; ok {
				t.Skip(why)
			}
			if why, ok := skip[m.method]; ok {
				t.Skip(why)
			}
			// The body type the caller asks for, and client.py's default
			// (text/plain; a command may print nothing then, such as
			// config-key exists, whose answer is its status line).
			for _, body := range []string{m.body, "text"} {
				r := httptest.NewRequest("GET", "/api/v0.1/"+m.path, nil)
				r.Header.Set("Accept", pyContentTypes[body])
				r.Header.Set("Content-Type", pyContentTypes[body])
				r.Header.Set("User-Agent", "python-cephclient-wrapper")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if onMemory && !m.memory {
					// mds getmap is no command in Ceph 16.
					if b := w.Body.String(); w.Code != 400 || !strings.Contains(b, "Invalid endpoint") && !strings.Contains(b, "command not known") &&
						// pg dump lists the known pg dump_stuck, as the old server did.
						!strings.Contains(b, "Possible commands:") {
						t.Errorf("%s (%s) on memory: %d %q; want it refused as not emulated (or mark it memory: true)", m.method, body, w.Code, w.Body.String())
					}
					continue
				}
				if w.Code != 200 {
					t.Fatalf("%s (%s): GET %s: %d %s", m.method, body, m.path, w.Code, w.Body.String())
				}
				switch body {
				case "json":
					// client.py: json.loads(resp.text); a ValueError gives body None.
					// status is the command's status line, or "OK" (ceph_rest_api.py).
					var v struct {
						Output json.RawMessage `json:"output"`
						Status string          `json:"status"`
					}
					if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil || v.Status == "" || len(v.Output) == 0 {
						t.Errorf("%s: not the wrapped JSON: %v %q", m.method, err, w.Body.String())
					}
				case "xml":
					if !strings.Contains(w.Body.String(), "<response>") || !strings.Contains(w.Body.String(), "<status>") {
						t.Errorf("%s: not the wrapped XML: %q", m.method, w.Body.String())
					}
				case "binary":
					if w.Body.Len() == 0 {
						t.Errorf("%s (%s): empty body", m.method, body)
					}
				}
				// A binary map is served as it is, whatever the caller asked for.
				if ct := w.Header().Get("Content-Type"); m.body == "binary" && (ct != "application/octet-stream" || w.Body.Len() == 0) {
					t.Errorf("%s (%s): %s, %d bytes; want the map as application/octet-stream", m.method, body, ct, w.Body.Len())
				}
				if m.method == "mon_status" && body == "json" {
					checkMonStatus(t, w.Body.Bytes())
				}
			}
		})
	}
}

// checkMonStatus checks the fields of old Ceph's mon_status a caller reads.
func checkMonStatus(t *testing.T, b []byte) {
	t.Helper()
	var v struct {
		Output struct {
			Name          string   `json:"name"`
			Rank          int      `json:"rank"`
			State         string   `json:"state"`
			ElectionEpoch int      `json:"election_epoch"`
			Quorum        []int    `json:"quorum"`
			OutsideQuorum []string `json:"outside_quorum"`
			Features      struct {
				QuorumCon string   `json:"quorum_con"`
				QuorumMon []string `json:"quorum_mon"`
			} `json:"features"`
			Monmap struct {
				Epoch int    `json:"epoch"`
				FSID  string `json:"fsid"`
				Mons  []struct {
					Rank int    `json:"rank"`
					Name string `json:"name"`
					Addr string `json:"addr"`
				} `json:"mons"`
			} `json:"monmap"`
		} `json:"output"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("mon_status: %v", err)
	}
	o := v.Output
	found := false
	for _, m := range o.Monmap.Mons {
		found = found || (m.Name == o.Name && m.Rank == o.Rank)
	}
	if o.Name == "" || o.State != "leader" || o.ElectionEpoch == 0 || len(o.Quorum) == 0 || o.OutsideQuorum == nil ||
		o.Features.QuorumCon == "" || len(o.Features.QuorumMon) == 0 || o.Monmap.FSID == "" || !found {
		t.Errorf("mon_status lacks fields: %s", fmt.Sprintf("%+v", o))
	}
}
