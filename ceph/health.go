package ceph

import (
	"context"
	"encoding/json"

	"github.com/cephapi/cephapi/internal/jsonx"
)

// HealthStatus is the overall state of the cluster.
type HealthStatus string

// The three health states, ordered by severity.
const (
	HealthOK   HealthStatus = "HEALTH_OK"
	HealthWarn HealthStatus = "HEALTH_WARN"
	HealthErr  HealthStatus = "HEALTH_ERR"
)

// Worse returns the more severe of s and o.
func (s HealthStatus) Worse(o HealthStatus) HealthStatus {
	rank := func(h HealthStatus) int {
		switch h {
		case HealthErr:
			return 2
		case HealthWarn:
			return 1
		}
		return 0
	}
	if rank(o) > rank(s) {
		return o
	}
	return s
}

// HealthCheck is one raised health check, such as OSD_DOWN.
type HealthCheck struct {
	// Type is the check's name (OSD_DOWN, OSDMAP_FLAGS, POOL_APP_NOT_ENABLED...).
	Type     string              `json:"type"`
	Severity HealthStatus        `json:"severity"`
	Summary  HealthCheckSummary  `json:"summary"`
	Detail   []HealthCheckDetail `json:"detail"`
	Muted    bool                `json:"muted"`
}

// HealthCheckSummary is the one-line summary of a check.
type HealthCheckSummary struct {
	Message string `json:"message"`
	Count   int    `json:"count"`
}

// HealthCheckDetail is one line of detail of a check.
type HealthCheckDetail struct {
	Message string `json:"message"`
}

// HealthReport is the cluster's health: its status and raised checks, sorted
// by severity (as the dashboard returns them).
type HealthReport struct {
	Status HealthStatus  `json:"status"`
	Checks []HealthCheck `json:"checks"`
	Mutes  []any         `json:"mutes"`
}

// ClientPerf is the cluster-wide client I/O rate.
type ClientPerf struct {
	ReadBytesSec          int64 `json:"read_bytes_sec"`
	ReadOpPerSec          int64 `json:"read_op_per_sec"`
	WriteBytesSec         int64 `json:"write_bytes_sec"`
	WriteOpPerSec         int64 `json:"write_op_per_sec"`
	RecoveringBytesPerSec int64 `json:"recovering_bytes_per_sec"`
}

// DFStats is the cluster-wide capacity.
type DFStats struct {
	TotalBytes         int64   `json:"total_bytes"`
	TotalAvailBytes    int64   `json:"total_avail_bytes"`
	TotalUsedBytes     int64   `json:"total_used_bytes"`
	TotalUsedRawBytes  int64   `json:"total_used_raw_bytes"`
	TotalUsedRawRatio  float64 `json:"total_used_raw_ratio"`
	NumOSDs            int     `json:"num_osds"`
	NumPerPoolOSDs     int     `json:"num_per_pool_osds"`
	NumPerPoolOmapOSDs int     `json:"num_per_pool_omap_osds"`
}

// DFPool is one pool's usage as `ceph df` reports it.
type DFPool struct {
	Name  string    `json:"name"`
	ID    int       `json:"id"`
	Stats PoolUsage `json:"stats"`
}

// DF is `ceph df`: cluster capacity and per-pool usage.
type DF struct {
	Stats DFStats  `json:"stats"`
	Pools []DFPool `json:"pools"`
}

// PGInfo summarises placement-group states and object counts.
type PGInfo struct {
	ObjectStats ObjectStats    `json:"object_stats"`
	PGsPerOSD   float64        `json:"pgs_per_osd"`
	Statuses    map[string]int `json:"statuses"`
}

// ObjectStats counts objects and their replication state.
type ObjectStats struct {
	NumObjects          int64 `json:"num_objects"`
	NumObjectCopies     int64 `json:"num_object_copies"`
	NumObjectsDegraded  int64 `json:"num_objects_degraded"`
	NumObjectsMisplaced int64 `json:"num_objects_misplaced"`
	NumObjectsUnfound   int64 `json:"num_objects_unfound"`
}

// MgrMap is the manager map: the active manager and the standbys.
type MgrMap struct {
	Epoch      int               `json:"epoch"`
	ActiveName string            `json:"active_name"`
	ActiveAddr string            `json:"active_addr,omitempty"`
	Available  bool              `json:"available"`
	Standbys   []MgrStandby      `json:"standbys"`
	Modules    []string          `json:"modules,omitempty"`
	Services   map[string]string `json:"services,omitempty"`
	// More of `ceph mgr dump`, raw as Ceph prints it; absent when the
	// transport does not know them.
	ActiveAddrs         json.RawMessage `json:"active_addrs,omitempty"`
	ActiveChange        json.RawMessage `json:"active_change,omitempty"`
	ActiveClients       json.RawMessage `json:"active_clients,omitempty"`
	ActiveMgrFeatures   json.RawMessage `json:"active_mgr_features,omitempty"`
	LastFailureOSDEpoch json.RawMessage `json:"last_failure_osd_epoch,omitempty"`
}

// MgrStandby is a standby manager daemon.
type MgrStandby struct {
	GID  int64  `json:"gid"`
	Name string `json:"name"`
}

// FSMap is the CephFS file system map, as much of it as health reports use.
type FSMap struct {
	Epoch       int               `json:"epoch"`
	Filesystems []FSMapFilesystem `json:"filesystems"`
	Standbys    []MDSInfo         `json:"standbys"`
	// More of `ceph fs dump`, raw as Ceph prints it; absent when unknown.
	Compat       json.RawMessage `json:"compat,omitempty"`
	FeatureFlags json.RawMessage `json:"feature_flags,omitempty"`
	DefaultFSCID json.RawMessage `json:"default_fscid,omitempty"`
}

// FSMapFilesystem is one file system in the FSMap.
type FSMapFilesystem struct {
	ID     int    `json:"id"`
	MDSMap MDSMap `json:"mdsmap"`
}

// MDSMap describes a file system's metadata servers.
type MDSMap struct {
	FSName       string             `json:"fs_name"`
	Enabled      bool               `json:"enabled"`
	MaxMDS       int                `json:"max_mds"`
	In           []int              `json:"in"`
	Up           map[string]int64   `json:"up"`
	Info         map[string]MDSInfo `json:"info"`
	DataPools    []int              `json:"data_pools"`
	MetadataPool int                `json:"metadata_pool"`
	// Extra holds the map's other fields (epoch, flags, balancer,
	// session_timeout, compat, ...) as Ceph printed them, so that the
	// map is answered whole.
	Extra map[string]json.RawMessage `json:"-"`
}

var mdsMapFields = jsonx.FieldNames(MDSMap{})

// MarshalJSON writes the map, Extra's fields included.
func (m MDSMap) MarshalJSON() ([]byte, error) {
	type plain MDSMap
	return jsonx.MarshalWithExtra(plain(m), m.Extra)
}

// UnmarshalJSON reads a map, keeping the fields MDSMap does not name in Extra.
func (m *MDSMap) UnmarshalJSON(b []byte) error {
	type plain MDSMap
	var p plain
	extra, err := jsonx.UnmarshalWithExtra(b, &p, mdsMapFields)
	if err != nil {
		return err
	}
	*m = MDSMap(p)
	m.Extra = extra
	return nil
}

// MDSInfo is one metadata server.
type MDSInfo struct {
	GID   int64  `json:"gid"`
	Name  string `json:"name"`
	Rank  int    `json:"rank"`
	State string `json:"state"`
	// Extra holds the daemon's other fields (addr, addrs, join_fscid,
	// incarnation, features, ...) as Ceph printed them.
	Extra map[string]json.RawMessage `json:"-"`
}

var mdsInfoFields = jsonx.FieldNames(MDSInfo{})

// MarshalJSON writes the daemon, Extra's fields included.
func (m MDSInfo) MarshalJSON() ([]byte, error) {
	type plain MDSInfo
	return jsonx.MarshalWithExtra(plain(m), m.Extra)
}

// UnmarshalJSON reads a daemon, keeping the fields MDSInfo does not name
// in Extra.
func (m *MDSInfo) UnmarshalJSON(b []byte) error {
	type plain MDSInfo
	var p plain
	extra, err := jsonx.UnmarshalWithExtra(b, &p, mdsInfoFields)
	if err != nil {
		return err
	}
	*m = MDSInfo(p)
	m.Extra = extra
	return nil
}

// OSDMapEntry is one OSD in the OSD map (`ceph osd dump`).
type OSDMapEntry struct {
	OSD             int      `json:"osd"`
	UUID            string   `json:"uuid"`
	Up              int      `json:"up"`
	In              int      `json:"in"`
	Weight          float64  `json:"weight"`
	PrimaryAffinity float64  `json:"primary_affinity"`
	LastCleanBegin  int      `json:"last_clean_begin"`
	LastCleanEnd    int      `json:"last_clean_end"`
	UpFrom          int      `json:"up_from"`
	UpThru          int      `json:"up_thru"`
	DownAt          int      `json:"down_at"`
	LostAt          int      `json:"lost_at"`
	PublicAddr      string   `json:"public_addr"`
	ClusterAddr     string   `json:"cluster_addr"`
	HeartbeatBack   string   `json:"heartbeat_back_addr"`
	HeartbeatFront  string   `json:"heartbeat_front_addr"`
	State           []string `json:"state"`
	// PublicAddrs and ClusterAddrs are the OSD's address vectors (msgr v2
	// and v1), as `ceph osd dump` prints them; nil when unknown.
	PublicAddrs  *AddrVec `json:"public_addrs,omitempty"`
	ClusterAddrs *AddrVec `json:"cluster_addrs,omitempty"`
	// HeartbeatBackAddrs and HeartbeatFrontAddrs are the heartbeat address
	// vectors, likewise.
	HeartbeatBackAddrs  *AddrVec `json:"heartbeat_back_addrs,omitempty"`
	HeartbeatFrontAddrs *AddrVec `json:"heartbeat_front_addrs,omitempty"`
}

// OSDMap is the part of the OSD map that health and status report.
type OSDMap struct {
	Epoch             int           `json:"epoch"`
	FSID              string        `json:"fsid"`
	Flags             string        `json:"flags"`
	FlagsSet          []string      `json:"flags_set"`
	FullRatio         float64       `json:"full_ratio"`
	BackfillfullRatio float64       `json:"backfillfull_ratio"`
	NearfullRatio     float64       `json:"nearfull_ratio"`
	MaxOSD            int           `json:"max_osd"`
	OSDs              []OSDMapEntry `json:"osds"`
	// Header fields of `ceph osd dump`; empty when the transport does not
	// know them (times are Ceph's "2006-01-02T15:04:05.000000+0000").
	Created                string `json:"created,omitempty"`
	Modified               string `json:"modified,omitempty"`
	LastUpChange           string `json:"last_up_change,omitempty"`
	LastInChange           string `json:"last_in_change,omitempty"`
	CrushVersion           int    `json:"crush_version,omitempty"`
	RequireMinCompatClient string `json:"require_min_compat_client,omitempty"`
	MinCompatClient        string `json:"min_compat_client,omitempty"`
	RequireOSDRelease      string `json:"require_osd_release,omitempty"`
	// The rest of `ceph osd dump`, passed on as Ceph prints it (the
	// dashboard's health/full has them); absent when the transport does not
	// know them.
	FlagsNum          json.RawMessage `json:"flags_num,omitempty"`
	PoolMax           json.RawMessage `json:"pool_max,omitempty"`
	ClusterSnapshot   json.RawMessage `json:"cluster_snapshot,omitempty"`
	CrushNodeFlags    json.RawMessage `json:"crush_node_flags,omitempty"`
	DeviceClassFlags  json.RawMessage `json:"device_class_flags,omitempty"`
	StretchMode       json.RawMessage `json:"stretch_mode,omitempty"`
	PGUpmap           json.RawMessage `json:"pg_upmap,omitempty"`
	PGUpmapItems      json.RawMessage `json:"pg_upmap_items,omitempty"`
	PrimaryTemp       json.RawMessage `json:"primary_temp,omitempty"`
	Blocklist         json.RawMessage `json:"blocklist,omitempty"`
	RangeBlocklist    json.RawMessage `json:"range_blocklist,omitempty"`
	OSDXInfo          json.RawMessage `json:"osd_xinfo,omitempty"`
	NewPurgedSnaps    json.RawMessage `json:"new_purged_snaps,omitempty"`
	NewRemovedSnaps   json.RawMessage `json:"new_removed_snaps,omitempty"`
	RemovedSnapsQueue json.RawMessage `json:"removed_snaps_queue,omitempty"`
}

// OSDMapSummary is the minimal form of the OSD map: per OSD only in, up and state.
type OSDMapSummary struct {
	OSDs []OSDState `json:"osds"`
}

// OSDState is one OSD's in/up state and state names.
type OSDState struct {
	In    int      `json:"in"`
	Up    int      `json:"up"`
	State []string `json:"state"`
}

// ISCSIDaemons counts iSCSI gateways up and down.
type ISCSIDaemons struct {
	Up   int `json:"up"`
	Down int `json:"down"`
}

// HealthMinimal is the dashboard's minimal health report (counts and states
// only). Every section is present; the HTTP layer drops sections the caller
// may not read.
type HealthMinimal struct {
	Health       HealthReport     `json:"health"`
	MonStatus    MonStatusMinimal `json:"mon_status"`
	FSMap        FSMapMinimal     `json:"fs_map"`
	OSDMap       OSDMapSummary    `json:"osd_map"`
	ScrubStatus  string           `json:"scrub_status"`
	PGInfo       PGInfo           `json:"pg_info"`
	MgrMap       MgrMapMinimal    `json:"mgr_map"`
	Pools        []struct{}       `json:"pools"`
	DF           DFMinimal        `json:"df"`
	ClientPerf   ClientPerf       `json:"client_perf"`
	Hosts        int              `json:"hosts"`
	RGW          int              `json:"rgw"`
	ISCSIDaemons ISCSIDaemons     `json:"iscsi_daemons"`
}

// MonStatusMinimal has only the monitor count and the quorum.
type MonStatusMinimal struct {
	MonMap struct {
		Mons []struct{} `json:"mons"`
	} `json:"monmap"`
	Quorum []int `json:"quorum"`
}

// FSMapMinimal has the file systems' MDS maps (without their ids) and
// the standby daemons, as the dashboard's minimal health has them.
type FSMapMinimal struct {
	Filesystems []FSMapMinimalFilesystem `json:"filesystems"`
	Standbys    []MDSInfo                `json:"standbys"`
}

// FSMapMinimalFilesystem is a file system of FSMapMinimal.
type FSMapMinimalFilesystem struct {
	MDSMap MDSMap `json:"mdsmap"`
}

// MgrMapMinimal has the active manager's name and the standbys.
type MgrMapMinimal struct {
	ActiveName string       `json:"active_name"`
	Standbys   []MgrStandby `json:"standbys"`
}

// DFMinimal has only the three capacity totals.
type DFMinimal struct {
	Stats struct {
		TotalAvailBytes   int64 `json:"total_avail_bytes"`
		TotalBytes        int64 `json:"total_bytes"`
		TotalUsedRawBytes int64 `json:"total_used_raw_bytes"`
	} `json:"stats"`
}

// HealthFull is the dashboard's full health report.
type HealthFull struct {
	Health       HealthReport `json:"health"`
	MonStatus    MonStatus    `json:"mon_status"`
	FSMap        FSMap        `json:"fs_map"`
	OSDMap       OSDMap       `json:"osd_map"`
	ScrubStatus  string       `json:"scrub_status"`
	PGInfo       PGInfo       `json:"pg_info"`
	MgrMap       MgrMap       `json:"mgr_map"`
	Pools        []Pool       `json:"pools"`
	DF           DF           `json:"df"`
	ClientPerf   ClientPerf   `json:"client_perf"`
	Hosts        int          `json:"hosts"`
	RGW          int          `json:"rgw"`
	ISCSIDaemons ISCSIDaemons `json:"iscsi_daemons"`
}

// Summary is the dashboard's /api/summary without the task lists, which the
// HTTP server owns.
type Summary struct {
	HealthStatus      HealthStatus        `json:"health_status"`
	MgrID             string              `json:"mgr_id"`
	MgrHost           string              `json:"mgr_host"`
	HaveMonConnection bool                `json:"have_mon_connection"`
	Version           string              `json:"version"`
	RBDMirroring      RBDMirroringSummary `json:"rbd_mirroring"`
}

// RBDMirroringSummary counts RBD mirroring warnings and errors.
type RBDMirroringSummary struct {
	Warnings int `json:"warnings"`
	Errors   int `json:"errors"`
}

// Health reads the cluster's health.
type Health interface {
	// Report returns the status and the raised checks.
	Report(ctx context.Context) (*HealthReport, error)
	// Minimal returns the dashboard's minimal health report.
	Minimal(ctx context.Context) (*HealthMinimal, error)
	// Full returns the dashboard's full health report.
	Full(ctx context.Context) (*HealthFull, error)
	// Summary returns the cluster summary (health status, manager, version).
	Summary(ctx context.Context) (*Summary, error)
}
