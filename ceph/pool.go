package ceph

import (
	"context"
	"encoding/json"
)

// PoolType is replicated or erasure.
type PoolType string

// Pool types.
const (
	Replicated PoolType = "replicated"
	Erasure    PoolType = "erasure"
)

// PoolUsage is a pool's usage (from `ceph df`).
type PoolUsage struct {
	Stored             int64   `json:"stored"`
	Objects            int64   `json:"objects"`
	KBUsed             int64   `json:"kb_used"`
	BytesUsed          int64   `json:"bytes_used"`
	PercentUsed        float64 `json:"percent_used"`
	MaxAvail           int64   `json:"max_avail"`
	QuotaObjects       int64   `json:"quota_objects"`
	QuotaBytes         int64   `json:"quota_bytes"`
	Dirty              int64   `json:"dirty"`
	Rd                 int64   `json:"rd"`
	RdBytes            int64   `json:"rd_bytes"`
	Wr                 int64   `json:"wr"`
	WrBytes            int64   `json:"wr_bytes"`
	CompressBytesUsed  int64   `json:"compress_bytes_used"`
	CompressUnderBytes int64   `json:"compress_under_bytes"`
	StoredRaw          int64   `json:"stored_raw"`
	AvailRaw           int64   `json:"avail_raw"`
	// The data/omap split of Stored and BytesUsed (`ceph df`); zero when
	// the transport does not know it.
	StoredData    int64 `json:"stored_data"`
	StoredOmap    int64 `json:"stored_omap"`
	DataBytesUsed int64 `json:"data_bytes_used"`
	OmapBytesUsed int64 `json:"omap_bytes_used"`
}

// PoolStat is one statistic with its latest value and recent rate history, as
// the dashboard reports pool stats (`?stats=true`).
type PoolStat struct {
	Latest float64      `json:"latest"`
	Rate   float64      `json:"rate"`
	Rates  [][2]float64 `json:"rates"`
}

// PoolMapFields are the fields of an OSD-map pool that the domain does not
// interpret (cache tiering, hit sets, pool snapshots, stretch-mode peering,
// ...), passed on raw as Ceph prints them, as the dashboard does; absent
// when the transport does not know them.
type PoolMapFields struct {
	AUID                              json.RawMessage `json:"auid,omitempty"`
	CacheMinEvictAge                  json.RawMessage `json:"cache_min_evict_age,omitempty"`
	CacheMinFlushAge                  json.RawMessage `json:"cache_min_flush_age,omitempty"`
	CacheMode                         json.RawMessage `json:"cache_mode,omitempty"`
	CacheTargetDirtyHighRatioMicro    json.RawMessage `json:"cache_target_dirty_high_ratio_micro,omitempty"`
	CacheTargetDirtyRatioMicro        json.RawMessage `json:"cache_target_dirty_ratio_micro,omitempty"`
	CacheTargetFullRatioMicro         json.RawMessage `json:"cache_target_full_ratio_micro,omitempty"`
	ExpectedNumObjects                json.RawMessage `json:"expected_num_objects,omitempty"`
	GradeTable                        json.RawMessage `json:"grade_table,omitempty"`
	HitSetCount                       json.RawMessage `json:"hit_set_count,omitempty"`
	HitSetGradeDecayRate              json.RawMessage `json:"hit_set_grade_decay_rate,omitempty"`
	HitSetParams                      json.RawMessage `json:"hit_set_params,omitempty"`
	HitSetPeriod                      json.RawMessage `json:"hit_set_period,omitempty"`
	HitSetSearchLastN                 json.RawMessage `json:"hit_set_search_last_n,omitempty"`
	LastPGMergeMeta                   json.RawMessage `json:"last_pg_merge_meta,omitempty"`
	MinReadRecencyForPromote          json.RawMessage `json:"min_read_recency_for_promote,omitempty"`
	MinWriteRecencyForPromote         json.RawMessage `json:"min_write_recency_for_promote,omitempty"`
	PeeringCrushBucketBarrier         json.RawMessage `json:"peering_crush_bucket_barrier,omitempty"`
	PeeringCrushBucketCount           json.RawMessage `json:"peering_crush_bucket_count,omitempty"`
	PeeringCrushBucketMandatoryMember json.RawMessage `json:"peering_crush_bucket_mandatory_member,omitempty"`
	PeeringCrushBucketTarget          json.RawMessage `json:"peering_crush_bucket_target,omitempty"`
	PoolSnaps                         json.RawMessage `json:"pool_snaps,omitempty"`
	ReadTier                          json.RawMessage `json:"read_tier,omitempty"`
	RemovedSnaps                      json.RawMessage `json:"removed_snaps,omitempty"`
	SnapEpoch                         json.RawMessage `json:"snap_epoch,omitempty"`
	TargetMaxBytes                    json.RawMessage `json:"target_max_bytes,omitempty"`
	TargetMaxObjects                  json.RawMessage `json:"target_max_objects,omitempty"`
	TierOf                            json.RawMessage `json:"tier_of,omitempty"`
	Tiers                             json.RawMessage `json:"tiers,omitempty"`
	UseGMTHitset                      json.RawMessage `json:"use_gmt_hitset,omitempty"`
	WriteTier                         json.RawMessage `json:"write_tier,omitempty"`
}

// Pool is a RADOS pool as the dashboard returns it: the OSD map's pool entry
// with the type and CRUSH rule as names and the applications as a list.
type Pool struct {
	PoolMapFields
	Pool                 int            `json:"pool"`
	PoolName             string         `json:"pool_name"`
	Type                 PoolType       `json:"type"`
	Size                 int            `json:"size"`
	MinSize              int            `json:"min_size"`
	CrushRule            string         `json:"crush_rule"`
	PGNum                int            `json:"pg_num"`
	PGPlacementNum       int            `json:"pg_placement_num"`
	PGNumTarget          int            `json:"pg_num_target"`
	PGPlacementNumTarget int            `json:"pg_placement_num_target"`
	PGAutoscaleMode      string         `json:"pg_autoscale_mode"`
	ErasureCodeProfile   string         `json:"erasure_code_profile"`
	Flags                int64          `json:"flags"`
	FlagsNames           string         `json:"flags_names"`
	ApplicationMetadata  []string       `json:"application_metadata"`
	QuotaMaxBytes        int64          `json:"quota_max_bytes"`
	QuotaMaxObjects      int64          `json:"quota_max_objects"`
	Options              map[string]any `json:"options"`
	CreateTime           string         `json:"create_time"`
	LastChange           string         `json:"last_change"`
	StripeWidth          int            `json:"stripe_width"`
	FastRead             bool           `json:"fast_read"`
	ObjectHash           int            `json:"object_hash"`
	SnapMode             string         `json:"snap_mode"`
	SnapSeq              int            `json:"snap_seq"`
	// PGNumPending is pg_num while PGs merge (`osd pool ls detail` prints
	// it when it differs from pg_num); 0 when unknown.
	PGNumPending int `json:"pg_num_pending,omitempty"`
	// LastForceOpResend* are the epochs Ceph prints as "lfor a/b/c"
	// (strings, as in Ceph's JSON); empty when unknown.
	LastForceOpResend            string `json:"last_force_op_resend,omitempty"`
	LastForceOpResendPrenautilus string `json:"last_force_op_resend_prenautilus,omitempty"`
	LastForceOpResendPreluminous string `json:"last_force_op_resend_preluminous,omitempty"`
	// Stats is filled by List/Get with Stats set: usage counters and rates.
	Stats map[string]PoolStat `json:"stats,omitempty"`
	// PGStatus counts the pool's PGs by state ("active+clean": 32); filled
	// with Stats, as the dashboard does.
	PGStatus map[string]int `json:"pg_status,omitempty"`
	// Configuration is the pool's RBD configuration (Get only).
	Configuration []PoolConfigOption `json:"configuration,omitempty"`
}

// PoolConfigOption is one RBD configuration option of a pool
// (`/api/pool/{name}/configuration`).
type PoolConfigOption struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Source int    `json:"source"`
}

// PoolListOptions selects what List returns.
type PoolListOptions struct {
	// Stats adds usage statistics to each pool.
	Stats bool
}

// PoolGetOptions selects what Get returns.
type PoolGetOptions struct {
	Stats bool
}

// Compression settings of a pool. Empty strings and zeros leave a setting
// unchanged on update; Mode "unset" removes all compression settings.
type Compression struct {
	Mode          string  `json:"compression_mode,omitempty"`
	Algorithm     string  `json:"compression_algorithm,omitempty"`
	MinBlobSize   int64   `json:"compression_min_blob_size,omitempty"`
	MaxBlobSize   int64   `json:"compression_max_blob_size,omitempty"`
	RequiredRatio float64 `json:"compression_required_ratio,omitempty"`
}

// PoolCreateOptions describes a new pool. PGNum is required (> 0).
type PoolCreateOptions struct {
	Type  PoolType // default Replicated
	PGNum int
	// Size and MinSize apply to replicated pools; 0 means the cluster default.
	Size    int
	MinSize int
	// CrushRule names the CRUSH rule; empty means the default for the type.
	CrushRule string
	// ErasureCodeProfile names the profile for erasure pools ("default" if empty).
	ErasureCodeProfile string
	// Applications to enable ("rbd", "cephfs", "rgw", or custom).
	Applications []string
	// Flags, such as "ec_overwrites".
	Flags           []string
	PGAutoscaleMode string
	Compression     *Compression
	QuotaMaxBytes   int64
	QuotaMaxObjects int64
	// Configuration sets RBD configuration options on the pool.
	Configuration map[string]string
}

// PoolUpdateOptions changes a pool. Nil fields are left as they are.
type PoolUpdateOptions struct {
	// NewName renames the pool.
	NewName   *string
	PGNum     *int
	Size      *int
	MinSize   *int
	CrushRule *string
	// Applications replaces the set of enabled applications.
	Applications    *[]string
	Flags           []string
	PGAutoscaleMode *string
	Compression     *Compression
	QuotaMaxBytes   *int64
	QuotaMaxObjects *int64
	Configuration   map[string]string
}

// Pools manages RADOS pools.
type Pools interface {
	List(ctx context.Context, opts *PoolListOptions) ([]Pool, error)
	Get(ctx context.Context, name string, opts *PoolGetOptions) (*Pool, error)
	Create(ctx context.Context, name string, opts *PoolCreateOptions) error
	Update(ctx context.Context, name string, opts *PoolUpdateOptions) error
	Delete(ctx context.Context, name string) error
	// Configuration returns the pool's RBD configuration options.
	Configuration(ctx context.Context, name string) ([]PoolConfigOption, error)
}
