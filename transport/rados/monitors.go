package rados

import (
	"context"

	"github.com/cephapi/cephapi/ceph"
)

// monitors reads the quorum with `quorum_status` and the leader's own
// `mon_status`.
type monitors struct {
	r *runner
	ceph.UnimplementedMonitors
}

var _ ceph.Monitors = monitors{}

func report(st *ceph.MonStatus) *ceph.MonitorReport {
	in := map[int]bool{}
	for _, r := range st.Quorum {
		in[r] = true
	}
	rep := &ceph.MonitorReport{MonStatus: *st, InQuorum: []ceph.MonInfo{}, OutQuorum: []ceph.MonInfo{}}
	for _, m := range st.MonMap.Mons {
		if in[m.Rank] {
			rep.InQuorum = append(rep.InQuorum, m)
		} else {
			rep.OutQuorum = append(rep.OutQuorum, m)
		}
	}
	return rep
}

func (m monitors) Status(ctx context.Context) (*ceph.MonitorReport, error) {
	return cached(ctx, m.r.cache, "monitor", "monitor/status", m.status)
}

func (m monitors) status(ctx context.Context) (*ceph.MonitorReport, error) {
	st, err := m.r.monStatus(ctx, "monitor")
	if err != nil {
		return nil, err
	}
	return report(st), nil
}
