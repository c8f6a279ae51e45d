package osd

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cephapi/cephapi/ceph"
)

// OSDStats is an OSD's usage and PG counts (`ceph osd df`/pg dump osd_stats).
type OSDStats struct {
	OSD              int    `json:"osd"`
	UpFrom           int    `json:"up_from"`
	Seq              int64  `json:"seq"`
	NumPGs           int    `json:"num_pgs"`
	NumOSDs          int    `json:"num_osds"`
	NumPerPoolOSDs   int    `json:"num_per_pool_osds"`
	KB               int64  `json:"kb"`
	KBUsed           int64  `json:"kb_used"`
	KBUsedData       int64  `json:"kb_used_data"`
	KBAvail          int64  `json:"kb_avail"`
	HBPeers          []int  `json:"hb_peers"`
	SnapTrimQueueLen int    `json:"snap_trim_queue_len"`
	NumSnapTrimming  int    `json:"num_snap_trimming"`
	Statfs           Statfs `json:"statfs"`
	// More of `pg dump osds`, as the dashboard passes them on; zero when
	// the transport does not know them. The raw documents (alerts,
	// op_queue_age_hist, perf_stat) are left out when unknown.
	KBUsedOmap         int64           `json:"kb_used_omap"`
	KBUsedMeta         int64           `json:"kb_used_meta"`
	NumPerPoolOmapOSDs int             `json:"num_per_pool_omap_osds"`
	NumShardsRepaired  int64           `json:"num_shards_repaired"`
	Alerts             json.RawMessage `json:"alerts,omitempty"`
	OpQueueAgeHist     json.RawMessage `json:"op_queue_age_hist,omitempty"`
	PerfStat           json.RawMessage `json:"perf_stat,omitempty"`
}

// Statfs is an OSD's store statistics in bytes.
type Statfs struct {
	Total      int64 `json:"total"`
	Available  int64 `json:"available"`
	Allocated  int64 `json:"allocated"`
	DataStored int64 `json:"data_stored"`
	// The BlueStore details of the same statfs; zero when unknown.
	DataCompressed          int64 `json:"data_compressed"`
	DataCompressedAllocated int64 `json:"data_compressed_allocated"`
	DataCompressedOriginal  int64 `json:"data_compressed_original"`
	OmapAllocated           int64 `json:"omap_allocated"`
	InternalMetadata        int64 `json:"internal_metadata"`
	InternallyReserved      int64 `json:"internally_reserved"`
}

// TreeNode is a node of the CRUSH tree (`ceph osd tree`): a bucket (root,
// rack, host, ...) when ID < 0, an OSD when ID >= 0.
type TreeNode struct {
	ID              int                `json:"id"`
	Name            string             `json:"name"`
	Type            string             `json:"type"`
	TypeID          int                `json:"type_id"`
	Children        []int              `json:"children,omitempty"`
	DeviceClass     string             `json:"device_class,omitempty"`
	CrushWeight     float64            `json:"crush_weight"`
	Depth           int                `json:"depth"`
	PoolWeights     map[string]float64 `json:"pool_weights,omitzero"` // absent for a root, as osd tree prints it
	Exists          int                `json:"exists,omitempty"`
	Status          string             `json:"status,omitempty"`
	Reweight        float64            `json:"reweight"`
	PrimaryAffinity float64            `json:"primary_affinity"`
}

// IsOSD reports whether the node is an OSD (not a bucket).
func (n TreeNode) IsOSD() bool { return n.ID >= 0 }

// Tree is the CRUSH hierarchy: nodes in `ceph osd tree` order (each root,
// then its subtree depth first), and OSDs that are in no bucket.
type Tree struct {
	Nodes []TreeNode `json:"nodes"`
	Stray []TreeNode `json:"stray"`
}

// OSD is one OSD as the dashboard lists it: its OSD map entry, its usage,
// its CRUSH node and host, and recent rates.
type OSD struct {
	ceph.OSDMapEntry
	ID                int                     `json:"id"`
	OSDStats          OSDStats                `json:"osd_stats"`
	Tree              TreeNode                `json:"tree"`
	Host              TreeNode                `json:"host"`
	Stats             map[string]float64      `json:"stats"`
	StatsHistory      map[string][][2]float64 `json:"stats_history"`
	OperationalStatus string                  `json:"operational_status"`
}

// Details is the dashboard's answer for one OSD.
type Details struct {
	OSDMap            OSDMapEntryWithID `json:"osd_map"`
	OSDMetadata       map[string]string `json:"osd_metadata"`
	OperationalStatus string            `json:"operational_status"`
}

// OSDMapEntryWithID is an OSD map entry with the dashboard's extra "id".
type OSDMapEntryWithID struct {
	ceph.OSDMapEntry
	ID int `json:"id"`
}

// Settings are the cluster's fullness ratios.
type Settings struct {
	NearfullRatio float64 `json:"nearfull_ratio"`
	FullRatio     float64 `json:"full_ratio"`
}

// Device is a physical device an OSD uses.
type Device struct {
	DevID                 string           `json:"devid"`
	Location              []DeviceLocation `json:"location"`
	Daemons               []string         `json:"daemons"`
	LifeExpectancyEnabled bool             `json:"life_expectancy_enabled"`
}

// DeviceLocation is where a device is attached.
type DeviceLocation struct {
	Host string `json:"host"`
	Dev  string `json:"dev"`
	Path string `json:"path"`
}

// HistogramAxis is one axis of a perf histogram.
type HistogramAxis struct {
	Name      string           `json:"name"`
	Min       int64            `json:"min"`
	QuantSize int64            `json:"quant_size"`
	Buckets   int              `json:"buckets"`
	ScaleType string           `json:"scale_type"`
	Ranges    []HistogramRange `json:"ranges"`
}

// HistogramRange is one bucket's range; open ends are nil.
type HistogramRange struct {
	Min *int64 `json:"min,omitempty"`
	Max *int64 `json:"max,omitempty"`
}

// HistogramData is a 2-D histogram.
type HistogramData struct {
	Axes   []HistogramAxis `json:"axes"`
	Values [][]int64       `json:"values"`
}

// Histogram is `perf histogram dump` of one OSD.
type Histogram struct {
	OSD map[string]HistogramData `json:"osd"`
	// Other are the dump's other sections (one per perf counter logger,
	// empty objects in Ceph 16), raw; written next to "osd" as the
	// dashboard does. Nil when the transport does not know them.
	Other map[string]json.RawMessage `json:"-"`
}

// MarshalJSON writes the other sections and "osd" side by side.
func (h Histogram) MarshalJSON() ([]byte, error) {
	out := make(map[string]any, len(h.Other)+1)
	for k, v := range h.Other {
		out[k] = v
	}
	out["osd"] = h.OSD
	return json.Marshal(out)
}

// UnmarshalJSON reads "osd" into OSD and keeps every other section in
// Other.
func (h *Histogram) UnmarshalJSON(b []byte) error {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	*h = Histogram{}
	if raw, ok := all["osd"]; ok {
		if err := json.Unmarshal(raw, &h.OSD); err != nil {
			return err
		}
		delete(all, "osd")
	}
	if len(all) > 0 {
		h.Other = all
	}
	return nil
}

// MarkAction is what Mark does to OSDs.
type MarkAction string

// Mark actions. Lost needs the OSD to be down.
const (
	In   MarkAction = "in"
	Out  MarkAction = "out"
	Down MarkAction = "down"
	Lost MarkAction = "lost"
)

// ParseMarkAction parses "in", "out", "down" or "lost" (any case).
func ParseMarkAction(s string) (MarkAction, error) {
	a := MarkAction(strings.ToLower(strings.TrimSpace(s)))
	switch a {
	case In, Out, Down, Lost:
		return a, nil
	}
	return "", ceph.Errorf(ceph.InvalidArgument, "osd", "invalid OSD mark action %q: want one of in, out, down, lost", s)
}

// OSDs reads and operates OSDs.
type OSDs interface {
	// List returns every OSD with stats, host and tree position.
	List(ctx context.Context) ([]OSD, error)
	// Get returns one OSD's map entry and metadata.
	Get(ctx context.Context, id int) (*Details, error)
	// Tree returns the CRUSH hierarchy.
	Tree(ctx context.Context) (*Tree, error)
	// Mark marks OSDs in, out, down or lost (lost only when down).
	Mark(ctx context.Context, ids []int, action MarkAction) error
	// Reweight sets the temporary reweight (0 to 1).
	Reweight(ctx context.Context, id int, weight float64) error
	// Scrub asks the OSD to scrub (deep: deep-scrub) its PGs.
	Scrub(ctx context.Context, id int, deep bool) error
	// SetDeviceClass changes the OSD's CRUSH device class ("" removes it).
	SetDeviceClass(ctx context.Context, id int, class string) error
	// Devices lists the physical devices the OSD uses.
	Devices(ctx context.Context, id int) ([]Device, error)
	// Histogram returns the OSD's perf histograms.
	Histogram(ctx context.Context, id int) (*Histogram, error)
	// Settings returns the nearfull and full ratios.
	Settings(ctx context.Context) (*Settings, error)
}

// Cluster-wide OSD flags that cannot be unset, and the one that cannot be set.
var (
	// Ceph 16 reports the purged-snapshots flag as "purged_snapdirs"
	// (`ceph osd dump`, the dashboard's GET /api/osd/flags); the dashboard's
	// documentation calls it "purged_snapshots". Both are accepted.
	PermanentFlags = []string{"recovery_deletes", "sortbitwise", "pglog_hardlimit", "purged_snapshots", "purged_snapdirs"}
	// ClusterFlags is every flag that `ceph osd set` accepts plus the
	// permanent ones.
	ClusterFlags = []string{
		"full", "pause", "noup", "nodown", "noout", "noin", "nobackfill", "norebalance",
		"norecover", "noscrub", "nodeep-scrub", "notieragent", "nosnaptrim", "pglog_hardlimit",
		"recovery_deletes", "sortbitwise", "purged_snapshots", "purged_snapdirs",
	}
	// IndividualFlags are the flags that can be set per OSD.
	IndividualFlags = []string{"noup", "nodown", "noin", "noout"}
)

// IndividualFlagState is the per-OSD flags of one OSD.
type IndividualFlagState struct {
	OSD   int      `json:"osd"`
	Flags []string `json:"flags"`
}

// IndividualFlagsResult is what SetIndividual changed.
type IndividualFlagsResult struct {
	Added   []string `json:"added"`
	Removed []string `json:"removed"`
	IDs     []int    `json:"ids"`
}

// Flags manages cluster-wide and per-OSD flags.
type Flags interface {
	// List returns the cluster flags that are set, sorted ("pause" stands for
	// pauserd+pausewr).
	List(ctx context.Context) ([]string, error)
	// Set makes flags the complete set of cluster flags and returns the new
	// set. The permanent flags must be included (they cannot be unset) and
	// purged_snapshots cannot be newly set.
	Set(ctx context.Context, flags []string) ([]string, error)
	// Individual lists the per-OSD flags of every OSD that has some.
	Individual(ctx context.Context) ([]IndividualFlagState, error)
	// SetIndividual sets (true) or unsets (false) per-OSD flags on ids.
	SetIndividual(ctx context.Context, ids []int, flags map[string]bool) (*IndividualFlagsResult, error)
}

// SafeToDestroyReport says whether OSDs can be destroyed without data loss.
type SafeToDestroyReport struct {
	SafeToDestroy   []int  `json:"safe_to_destroy"`
	Active          []int  `json:"active"`
	MissingStats    []int  `json:"missing_stats"`
	StoredPGs       []int  `json:"stored_pgs"`
	IsSafeToDestroy bool   `json:"is_safe_to_destroy"`
	Message         string `json:"message,omitempty"`
}

// SafeToDeleteReport says whether removing OSDs is advisable now.
type SafeToDeleteReport struct {
	IsSafeToDelete bool   `json:"is_safe_to_delete"`
	Message        string `json:"message"`
}

// DeleteOptions tune Delete.
type DeleteOptions struct {
	// PreserveID keeps the OSD id for a replacement (the OSD is destroyed,
	// not purged).
	PreserveID bool
	// Force skips the safe-to-delete check.
	Force bool
}

// CreateOptions describe a new OSD ("bare" creation: an id and a CRUSH
// position, no device).
type CreateOptions struct {
	// UUID of the new OSD; generated when empty.
	UUID string
	// Host to place the OSD under; it is created under root "default" when
	// missing. Required.
	Host string
	// Weight is the CRUSH weight (default 1).
	Weight float64
	// DeviceClass such as "hdd" or "ssd".
	DeviceClass string
}

// Lifecycle creates and removes OSDs.
type Lifecycle interface {
	// Create adds a new OSD and returns its id.
	Create(ctx context.Context, opts *CreateOptions) (int, error)
	SafeToDestroy(ctx context.Context, ids []int) (*SafeToDestroyReport, error)
	SafeToDelete(ctx context.Context, ids []int) (*SafeToDeleteReport, error)
	// Destroy removes the OSD's keys but keeps its id (the OSD must be down).
	Destroy(ctx context.Context, id int) error
	// Purge removes the OSD from the CRUSH map, its keys and its id (the
	// OSD must be down).
	Purge(ctx context.Context, id int) error
	// Delete removes the OSD as an orchestrator would.
	Delete(ctx context.Context, id int, opts *DeleteOptions) error
}

// ValidateID checks an OSD id.
func ValidateID(id int) error {
	if id < 0 {
		return ceph.Errorf(ceph.InvalidArgument, "osd", "invalid OSD id %d", id)
	}
	return nil
}

// ParseID parses "3" or "osd.3".
func ParseID(s string) (int, error) {
	t := strings.TrimPrefix(strings.TrimSpace(s), "osd.")
	var id int
	if _, err := fmt.Sscan(t, &id); err != nil || fmt.Sprint(id) != t {
		return 0, ceph.Errorf(ceph.InvalidArgument, "osd", "invalid OSD id %q", s)
	}
	return id, ValidateID(id)
}
