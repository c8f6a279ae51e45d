package ceph

import "context"

// LogEntry is one cluster or audit log line.
type LogEntry struct {
	Name     string   `json:"name"`
	Rank     string   `json:"rank"`
	Addrs    LogAddrs `json:"addrs"`
	Stamp    string   `json:"stamp"`
	Seq      int64    `json:"seq"`
	Channel  string   `json:"channel"`
	Priority string   `json:"priority"`
	Message  string   `json:"message"`
}

// LogAddrs are the addresses of the daemon that logged a line.
type LogAddrs struct {
	AddrVec []LogAddr `json:"addrvec"`
}

// LogAddr is one address of a daemon.
type LogAddr struct {
	Type  string `json:"type"`
	Addr  string `json:"addr"`
	Nonce int64  `json:"nonce"`
}

// RecentLogs holds the most recent cluster and audit log lines, newest first.
type RecentLogs struct {
	ClusterLog []LogEntry `json:"clog"`
	AuditLog   []LogEntry `json:"audit_log"`
}

// LogOptions selects how many lines Recent returns.
type LogOptions struct {
	// Lines per channel; 0 means the dashboard's 30.
	Lines int
}

// Logs reads the cluster log.
type Logs interface {
	Recent(ctx context.Context, opts *LogOptions) (*RecentLogs, error)
}

// PerfCounter is one performance counter value.
type PerfCounter struct {
	Description string  `json:"description"`
	Nick        string  `json:"nick,omitempty"`
	Type        int     `json:"type"`
	Priority    int     `json:"priority"`
	Units       int     `json:"units"`
	Value       float64 `json:"value"`
	// Count is the number of samples of a long-running average (Type has
	// bit 4), whose Value is their sum; absent for other counters, as in
	// the dashboard.
	Count *uint64 `json:"count,omitempty"`
}

// DaemonPerfCounters is the answer for one daemon: its service name and
// counters keyed by path ("osd.op_w").
type DaemonPerfCounters struct {
	Service  DaemonRef      `json:"service"`
	Counters []NamedCounter `json:"counters"`
}

// DaemonRef names a daemon.
type DaemonRef struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// NamedCounter is a counter with its path and its latest value.
type NamedCounter struct {
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Unit        string  `json:"unit"`
	Value       float64 `json:"value"`
}

// PerfCounters reads daemons' performance counters.
type PerfCounters interface {
	// All returns every daemon's counters keyed "type.id" then counter path.
	All(ctx context.Context) (map[string]map[string]PerfCounter, error)
	// Daemon returns one daemon's counters; NotFound for an unknown daemon.
	Daemon(ctx context.Context, daemonType, id string) (*DaemonPerfCounters, error)
}
