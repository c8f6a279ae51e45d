package legacy_test

import "maps"

// cephAbsent are the fields Metricbeat reads that a Ceph 16 answer leaves
// out, on every transport: no Ceph 16 source for a monitor's store and
// disk figures, and the degraded/misplaced/IO figures, which Ceph prints
// only while they are not zero (Luminous did the same; a healthy idle
// cluster has none).
var cephAbsent = absentByDesign{
	"monitor_health:output.health.health_services[].mons[].last_updated":  "no Ceph 16 source",
	"monitor_health:output.health.health_services[].mons[].avail_percent": "Ceph 16 states it only in MON_DISK_* checks",
	"monitor_health:output.health.health_services[].mons[].kb_total":      "no Ceph 16 source",
	"monitor_health:output.health.health_services[].mons[].kb_avail":      "no Ceph 16 source",
	"monitor_health:output.health.health_services[].mons[].kb_used":       "no Ceph 16 source",
	"monitor_health:output.health.health_services[].mons[].store_stats":   "no Ceph 16 source",
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

// with returns a copy of a with the entries of more added.
func (a absentByDesign) with(more absentByDesign) absentByDesign {
	out := maps.Clone(a)
	maps.Copy(out, more)
	return out
}
