package rados

import (
	"context"
	"strconv"

	"github.com/cephapi/cephapi/ceph"
)

const logsComponent = "logs"

// defaultLogLines is the dashboard's log buffer size.
const defaultLogLines = 30

// logs reads the cluster and audit logs with `log last`.
type logs struct {
	r *runner
	ceph.UnimplementedLogs
}

var _ ceph.Logs = logs{}

// newestFirst reverses `log last` (oldest first) into the dashboard's order.
func newestFirst(in []ceph.LogEntry) []ceph.LogEntry {
	out := make([]ceph.LogEntry, len(in))
	for i, e := range in {
		out[len(in)-1-i] = e
	}
	return out
}

func (l logs) channel(ctx context.Context, channel string, n int) ([]ceph.LogEntry, error) {
	var entries []ceph.LogEntry
	if err := l.r.monJSON(ctx, logsComponent, &entries, "log last",
		args{"channel": channel, "num": n, "level": "debug"}); err != nil {
		return nil, err
	}
	// `log last N` can answer more than N lines; keep the N newest.
	if len(entries) > n {
		entries = entries[len(entries)-n:]
	}
	return newestFirst(entries), nil
}

func (l logs) Recent(ctx context.Context, opts *ceph.LogOptions) (*ceph.RecentLogs, error) {
	n := defaultLogLines
	if opts != nil && opts.Lines > 0 {
		n = opts.Lines
	}
	return cached(ctx, l.r.cache, logsComponent, "logs/recent/"+strconv.Itoa(n), func(ctx context.Context) (*ceph.RecentLogs, error) {
		return l.recent(ctx, n)
	})
}

func (l logs) recent(ctx context.Context, n int) (*ceph.RecentLogs, error) {
	clog, err := l.channel(ctx, "cluster", n)
	if err != nil {
		return nil, err
	}
	audit, err := l.channel(ctx, "audit", n)
	if err != nil {
		return nil, err
	}
	return &ceph.RecentLogs{ClusterLog: clog, AuditLog: audit}, nil
}
