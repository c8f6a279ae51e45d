package legacy_test

import (
	"net/http"
	"testing"

	"github.com/cephapi/cephapi/httpapi/legacy"
	"github.com/cephapi/cephapi/transport/memory"
)

// memoryAbsent are the fields Metricbeat reads that the memory transport's
// answers leave out: Ceph 16 has no source for a monitor's store and disk
// figures, the model has no clocks between monitors (no time check round)
// and no PG map version, and Ceph prints the degraded/misplaced/IO figures
// only while they are not zero (Luminous did the same).
var memoryAbsent = absentByDesign{
	"cluster_health:output.timechecks.round":                              "the model has no time check rounds (no time-sync-status)",
	"cluster_health:output.timechecks.round_status":                       "the model has no time check rounds (no time-sync-status)",
	"monitor_health:output.timechecks.round":                              "the model has no time check rounds (no time-sync-status)",
	"monitor_health:output.timechecks.round_status":                       "the model has no time check rounds (no time-sync-status)",
	"monitor_health:output.health.health_services[].mons[].last_updated":  "no Ceph 16 source",
	"monitor_health:output.health.health_services[].mons[].avail_percent": "Ceph 16 states it only in MON_DISK_* checks",
	"monitor_health:output.health.health_services[].mons[].kb_total":      "no Ceph 16 source",
	"monitor_health:output.health.health_services[].mons[].kb_avail":      "no Ceph 16 source",
	"monitor_health:output.health.health_services[].mons[].kb_used":       "no Ceph 16 source",
	"monitor_health:output.health.health_services[].mons[].store_stats":   "no Ceph 16 source",
	"cluster_status:output.pgmap.version":                                 "the model has no PG map version (no pg dump)",
	"cluster_status:output.pgmap.degraded_objects":                        "printed only when not zero",
	"cluster_status:output.pgmap.degraded_ratio":                          "printed only when not zero",
	"cluster_status:output.pgmap.degraded_total":                          "printed only when not zero",
	"cluster_status:output.pgmap.misplaced_objects":                       "printed only when not zero",
	"cluster_status:output.pgmap.misplaced_ratio":                         "printed only when not zero",
	"cluster_status:output.pgmap.misplaced_total":                         "printed only when not zero",
	"cluster_status:output.pgmap.read_bytes_sec":                          "printed only when not zero",
	"cluster_status:output.pgmap.read_op_per_sec":                         "printed only when not zero",
	"cluster_status:output.pgmap.write_bytes_sec":                         "printed only when not zero",
	"cluster_status:output.pgmap.write_op_per_sec":                        "printed only when not zero",
}

func memoryHandler() http.Handler {
	c := memory.New()
	return http.StripPrefix("/api/v0.1", legacy.New(c.Commands, nil))
}

func TestMetricbeatReplayMemory(t *testing.T) {
	replayMetricbeat(t, memoryHandler(), memoryAbsent)
}

func TestPythonCephclientReplayMemory(t *testing.T) {
	// With a file system, as the mds methods are for: mds dump answers
	// the legacy client's file system, and there is none without one.
	c := memory.New(memory.WithFileSystem("cephfs"))
	replayPython(t, http.StripPrefix("/api/v0.1", legacy.New(c.Commands, nil)), true, nil)
}
