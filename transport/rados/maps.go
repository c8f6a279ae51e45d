package rados

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/ceph"
)

// osdDump is `ceph osd dump -f json`: the OSD map with its pools and
// erasure-code profiles.
type osdDump struct {
	ceph.OSDMap
	Pools               []rawPool                    `json:"pools"`
	ErasureCodeProfiles map[string]map[string]string `json:"erasure_code_profiles"`
}

// rawPool is a pool as the OSD map holds it (type and rule as numbers,
// applications as a map).
type rawPool struct {
	ceph.PoolMapFields
	Pool                 int                          `json:"pool"`
	PoolName             string                       `json:"pool_name"`
	Type                 int                          `json:"type"`
	Size                 int                          `json:"size"`
	MinSize              int                          `json:"min_size"`
	CrushRule            int                          `json:"crush_rule"`
	PGNum                int                          `json:"pg_num"`
	PGPlacementNum       int                          `json:"pg_placement_num"`
	PGNumTarget          int                          `json:"pg_num_target"`
	PGPlacementNumTarget int                          `json:"pg_placement_num_target"`
	PGAutoscaleMode      string                       `json:"pg_autoscale_mode"`
	ErasureCodeProfile   string                       `json:"erasure_code_profile"`
	Flags                int64                        `json:"flags"`
	FlagsNames           string                       `json:"flags_names"`
	ApplicationMetadata  map[string]map[string]string `json:"application_metadata"`
	QuotaMaxBytes        int64                        `json:"quota_max_bytes"`
	QuotaMaxObjects      int64                        `json:"quota_max_objects"`
	Options              map[string]any               `json:"options"`
	CreateTime           string                       `json:"create_time"`
	LastChange           string                       `json:"last_change"`
	StripeWidth          int                          `json:"stripe_width"`
	FastRead             bool                         `json:"fast_read"`
	ObjectHash           int                          `json:"object_hash"`
	SnapMode             string                       `json:"snap_mode"`
	SnapSeq              int                          `json:"snap_seq"`
	PGNumPending         int                          `json:"pg_num_pending"`
	LastForceOpResend    string                       `json:"last_force_op_resend"`
	LastForceOpResendPN  string                       `json:"last_force_op_resend_prenautilus"`
	LastForceOpResendPL  string                       `json:"last_force_op_resend_preluminous"`
}

// toPool converts an OSD map pool the way the dashboard serialises it.
func (p rawPool) toPool(ruleNames map[int]string) ceph.Pool {
	typ := ceph.PoolType("")
	switch p.Type {
	case 1:
		typ = ceph.Replicated
	case 3:
		typ = ceph.Erasure
	}
	apps := make([]string, 0, len(p.ApplicationMetadata))
	for a := range p.ApplicationMetadata {
		apps = append(apps, a)
	}
	sort.Strings(apps)
	opts := p.Options
	if opts == nil {
		opts = map[string]any{}
	}
	return ceph.Pool{
		PoolMapFields: p.PoolMapFields,
		Pool:          p.Pool, PoolName: p.PoolName, Type: typ, Size: p.Size, MinSize: p.MinSize,
		CrushRule: ruleNames[p.CrushRule], PGNum: p.PGNum, PGPlacementNum: p.PGPlacementNum,
		PGNumTarget: p.PGNumTarget, PGPlacementNumTarget: p.PGPlacementNumTarget,
		PGAutoscaleMode: p.PGAutoscaleMode, ErasureCodeProfile: p.ErasureCodeProfile,
		Flags: p.Flags, FlagsNames: p.FlagsNames, ApplicationMetadata: apps,
		QuotaMaxBytes: p.QuotaMaxBytes, QuotaMaxObjects: p.QuotaMaxObjects, Options: opts,
		CreateTime: p.CreateTime, LastChange: p.LastChange, StripeWidth: p.StripeWidth,
		FastRead: p.FastRead, ObjectHash: p.ObjectHash, SnapMode: p.SnapMode, SnapSeq: p.SnapSeq,
		PGNumPending: p.PGNumPending, LastForceOpResend: p.LastForceOpResend,
		LastForceOpResendPrenautilus: p.LastForceOpResendPN, LastForceOpResendPreluminous: p.LastForceOpResendPL,
	}
}

// osdDump returns the decoded OSD map, the cache's (decoding a big map's
// `osd dump` costs more than asking for it), kept while the OSD map's
// epoch stays the same: the value is shared, read-only, like every cached
// answer.
func (r *runner) osdDump(ctx context.Context, component string) (*osdDump, error) {
	return cachedVersioned(ctx, r.cache, component, "decoded\x00osd dump", r.osdEpochProbe(component), func(ctx context.Context) (*osdDump, error) {
		return r.osdDumpFresh(ctx, component)
	})
}

// osdEpoch returns the OSD map's epoch (`osd stat`, a few bytes): every
// change of the OSD map (OSDs, pools, flags, CRUSH) makes a new epoch.
func (r *runner) osdEpoch(ctx context.Context, component string) (string, error) {
	return r.mapEpoch(ctx, component, "osd stat", "osdmap/")
}

// mapEpoch returns the epoch field of a map's stat command, named.
func (r *runner) mapEpoch(ctx context.Context, component, prefix, name string) (string, error) {
	return memoProbe(ctx, prefix, func(ctx context.Context) (string, error) {
		var st struct {
			Epoch int64 `json:"epoch"`
		}
		if err := r.monJSON(ctx, component, &st, prefix, nil); err != nil {
			return "", err
		}
		return name + strconv.FormatInt(st.Epoch, 10), nil
	})
}

func (r *runner) osdEpochProbe(component string) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) { return r.osdEpoch(ctx, component) }
}

// pgVersion returns the version of the manager's PG stats (`pg dump
// summary`, a few hundred bytes), which moves each time the manager takes
// in the daemons' reports (about every 2 s while any daemon reports).
func (r *runner) pgVersion(ctx context.Context, component string) (string, error) {
	return memoProbe(ctx, "pg dump summary", func(ctx context.Context) (string, error) {
		var st struct {
			PGMap struct {
				Version int64 `json:"version"`
			} `json:"pg_map"`
		}
		if err := r.monJSON(ctx, component, &st, "pg dump", args{"dumpcontents": []string{"summary"}}); err != nil {
			return "", err
		}
		return "pgmap/" + strconv.FormatInt(st.PGMap.Version, 10), nil
	})
}

// configVersion returns the version of the monitors' configuration
// database: the newest entry of `config log` (every `config set`, `rm`
// and `assimilate-conf` makes one); "config/0" before the first change.
func (r *runner) configVersion(ctx context.Context) (string, error) {
	return memoProbe(ctx, "config log", func(ctx context.Context) (string, error) {
		var log []struct {
			Version int64 `json:"version"`
		}
		if err := r.monJSON(ctx, configComponent, &log, "config log", args{"num": 1}); err != nil {
			return "", err
		}
		var v int64
		for _, e := range log {
			v = max(v, e.Version)
		}
		return "config/" + strconv.FormatInt(v, 10), nil
	})
}

// mgrEpoch returns the manager map's epoch (`mgr stat`): modules, their
// options' schema and the active manager are in that map.
func (r *runner) mgrEpoch(ctx context.Context, component string) (string, error) {
	return r.mapEpoch(ctx, component, "mgr stat", "mgrmap/")
}

// probes joins versions: the answer built from several versioned parts
// is current while each is.
func probes(ps ...func(context.Context) (string, error)) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		var b strings.Builder
		for _, p := range ps {
			v, err := p(ctx)
			if err != nil {
				return "", err
			}
			b.WriteString(v)
			b.WriteByte(' ')
		}
		return b.String(), nil
	}
}

func (r *runner) osdDumpFresh(ctx context.Context, component string) (*osdDump, error) {
	var d osdDump
	if err := r.monJSON(ctx, component, &d, "osd dump", nil); err != nil {
		return nil, err
	}
	return &d, nil
}

// crushRules returns the CRUSH rules, kept while the OSD map's epoch (the
// CRUSH map is part of it) stays the same. Shared, read-only.
func (r *runner) crushRules(ctx context.Context, component string) ([]ceph.CrushRule, error) {
	return cachedVersioned(ctx, r.cache, component, "decoded\x00crush rules", r.osdEpochProbe(component), func(ctx context.Context) ([]ceph.CrushRule, error) {
		return r.crushRulesFresh(ctx, component)
	})
}

func (r *runner) crushRulesFresh(ctx context.Context, component string) ([]ceph.CrushRule, error) {
	var rules []ceph.CrushRule
	if err := r.monJSON(ctx, component, &rules, "osd crush rule dump", nil); err != nil {
		return nil, err
	}
	return rules, nil
}

func ruleNames(rules []ceph.CrushRule) map[int]string {
	m := make(map[int]string, len(rules))
	for _, r := range rules {
		m[r.RuleID] = r.RuleName
	}
	return m
}

// dfDetail is `ceph df detail`.
type dfDetail struct {
	Stats ceph.DFStats `json:"stats"`
	Pools []struct {
		Name  string         `json:"name"`
		ID    int            `json:"id"`
		Stats map[string]any `json:"stats"`
	} `json:"pools"`
}

func (r *runner) df(ctx context.Context, component string) (*dfDetail, error) {
	var d dfDetail
	if err := r.monJSON(ctx, component, &d, "df", args{"detail": "detail"}); err != nil {
		return nil, err
	}
	return &d, nil
}

// quorumStatus is `ceph quorum_status`.
type quorumStatus struct {
	ElectionEpoch    int         `json:"election_epoch"`
	Quorum           []int       `json:"quorum"`
	QuorumNames      []string    `json:"quorum_names"`
	QuorumLeaderName string      `json:"quorum_leader_name"`
	QuorumAge        int64       `json:"quorum_age"`
	MonMap           ceph.MonMap `json:"monmap"`
}

// monStatus builds the leader's mon_status from quorum_status (the
// monitors' `mon_status` is not a cluster command in Pacific).
func (r *runner) monStatus(ctx context.Context, component string) (*ceph.MonStatus, error) {
	var q quorumStatus
	if err := r.monJSON(ctx, component, &q, "quorum_status", nil); err != nil {
		return nil, err
	}
	st := q.monStatus()
	if err := r.leaderDetail(ctx, component, q.QuorumLeaderName, st); err != nil {
		return nil, err
	}
	return st, nil
}

// leaderDetail adds what only the leader's own mon_status has (features,
// outside_quorum, ...): mon_status is a command of each monitor, not of
// the cluster, in Pacific.
func (r *runner) leaderDetail(ctx context.Context, component, leader string, st *ceph.MonStatus) error {
	if leader == "" {
		return nil
	}
	cmd := encode("mon_status", "json", nil)
	out, _, err := r.read(ctx, component, "mon_status", func() ([]byte, string, error) {
		return r.c.MonCommandTarget(leader, [][]byte{cmd})
	})
	if err != nil {
		return err
	}
	if err := jsonUnmarshal(out, &st.MonStatusDetail); err != nil {
		return badReply(component, "mon_status", err)
	}
	return nil
}

func (q *quorumStatus) monStatus() *ceph.MonStatus {
	st := &ceph.MonStatus{
		Name: q.QuorumLeaderName, Rank: -1, State: "probing", ElectionEpoch: q.ElectionEpoch,
		Quorum: q.Quorum, QuorumAge: q.QuorumAge, MonMap: q.MonMap,
	}
	if st.Quorum == nil {
		st.Quorum = []int{}
	}
	if st.MonMap.Mons == nil {
		st.MonMap.Mons = []ceph.MonInfo{}
	}
	for _, m := range q.MonMap.Mons {
		if m.Name == q.QuorumLeaderName {
			st.Rank = m.Rank
			st.State = "leader"
		}
	}
	return st
}
