package ceph

import (
	"context"
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

// Pool is a RADOS pool as the dashboard returns it: the OSD map's pool entry
// with the type and CRUSH rule as names and the applications as a list.
type Pool struct {
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
