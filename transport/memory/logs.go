package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cephapi/cephapi/ceph"
)

// logCapacity is how many lines each channel keeps.
const logCapacity = 1000

// logRing is a fixed-size ring of log lines.
type logRing struct {
	lines []ceph.LogEntry
	next  int
	full  bool
}

func (r *logRing) add(e ceph.LogEntry) {
	if r.lines == nil {
		r.lines = make([]ceph.LogEntry, logCapacity)
	}
	r.lines[r.next] = e
	r.next = (r.next + 1) % logCapacity
	if r.next == 0 {
		r.full = true
	}
}

// recent returns up to n lines, newest first.
func (r *logRing) recent(n int) []ceph.LogEntry {
	size := r.next
	if r.full {
		size = logCapacity
	}
	if n > size {
		n = size
	}
	out := make([]ceph.LogEntry, 0, n)
	for i := 0; i < n; i++ {
		e := r.lines[(r.next-1-i+logCapacity)%logCapacity]
		e.Addrs.AddrVec = append([]ceph.LogAddr(nil), e.Addrs.AddrVec...)
		out = append(out, e)
	}
	return out
}

var monAddrs = ceph.LogAddrs{AddrVec: []ceph.LogAddr{
	{Type: "v2", Addr: "127.0.0.1:3300", Nonce: 0},
	{Type: "v1", Addr: "127.0.0.1:6789", Nonce: 0},
}}

func (c *cluster) logLocked(ring *logRing, channel, priority, msg string) {
	c.logSeq++
	ring.add(ceph.LogEntry{
		Name:     "mon.a",
		Rank:     "mon.0",
		Addrs:    monAddrs,
		Stamp:    stamp(c.now()),
		Seq:      c.logSeq,
		Channel:  channel,
		Priority: priority,
		Message:  msg,
	})
}

// clogLocked appends a cluster log line.
func (c *cluster) clogLocked(priority, format string, args ...any) {
	c.logLocked(&c.clog, "cluster", priority, fmt.Sprintf(format, args...))
}

// command renders a mon command as the audit log shows it:
// [{"prefix": "osd out", "ids": ["0"]}] with Python's JSON spacing.
func command(prefix string, kv ...any) string {
	var b strings.Builder
	b.WriteString(`[{"prefix": `)
	p, _ := json.Marshal(prefix)
	b.Write(p)
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := json.Marshal(kv[i])
		v, _ := json.Marshal(kv[i+1])
		b.WriteString(", ")
		b.Write(k)
		b.WriteString(": ")
		b.Write(pySpacing(v))
	}
	b.WriteString("}]")
	return b.String()
}

// pySpacing turns Go's compact JSON of a list into Python's ", " form.
func pySpacing(v []byte) []byte {
	if len(v) == 0 || v[0] != '[' {
		return v
	}
	return []byte(strings.ReplaceAll(string(v), `","`, `", "`))
}

const auditFrom = "from='client.? 127.0.0.1:0/0' entity='client.admin' cmd="

// auditLocked logs a command's dispatch; the returned func logs its
// completion and must be called when the command succeeded.
func (c *cluster) auditLocked(cmd string) func() {
	c.logLocked(&c.audit, "audit", "[INF]", auditFrom+cmd+": dispatch")
	return func() { c.logLocked(&c.audit, "audit", "[INF]", auditFrom+"'"+cmd+"': finished") }
}

// osdmapChangedLocked bumps the OSD map epoch, logs the new map summary and
// any health check that appeared, changed or cleared.
func (c *cluster) osdmapChangedLocked() {
	c.bumpEpoch()
	c.ensureShadowsLocked()
	total, up, in := 0, 0, 0
	for _, o := range c.osds {
		if o == nil {
			continue
		}
		total++
		up += b2i(o.up)
		in += b2i(o.in)
	}
	now := c.now()
	c.modified = now
	if up != c.lastUp {
		c.lastUpChange, c.lastUp = now, up
	}
	if in != c.lastIn {
		c.lastInChange, c.lastIn = now, in
	}
	c.clogLocked("[DBG]", "osdmap e%d: %d total, %d up, %d in", c.epoch, total, up, in)
	c.healthChangedLocked()
}

// healthChangedLocked writes "Health check failed/update/cleared" lines
// for the difference between the last and the current health.
func (c *cluster) healthChangedLocked() {
	checks := c.healthLocked(nil).checks
	now := make(map[string]string, len(checks))
	for _, hc := range checks {
		now[hc.Type] = hc.Summary.Message
	}
	for _, hc := range checks {
		prev, had := c.lastChecks[hc.Type]
		switch {
		case !had:
			c.clogLocked("[WRN]", "Health check failed: %s (%s)", hc.Summary.Message, hc.Type)
		case prev != hc.Summary.Message:
			c.clogLocked("[WRN]", "Health check update: %s (%s)", hc.Summary.Message, hc.Type)
		}
	}
	for _, name := range sortedKeys(c.lastChecks) {
		if _, ok := now[name]; !ok {
			c.clogLocked("[INF]", "Health check cleared: %s (was: %s)", name, c.lastChecks[name])
		}
	}
	c.lastChecks = now
}

// --- ceph.Logs -----------------------------------------------------------------

type logsService struct {
	*backend
	ceph.UnimplementedLogs
}

func (s logsService) Recent(ctx context.Context, opts *ceph.LogOptions) (*ceph.RecentLogs, error) {
	n := 30
	if opts != nil && opts.Lines > 0 {
		n = opts.Lines
	}
	return view(s.backend, ctx, "Logs.Recent", []any{opts}, func(c *cluster) (*ceph.RecentLogs, error) {
		return &ceph.RecentLogs{ClusterLog: c.clog.recent(n), AuditLog: c.audit.recent(n)}, nil
	})
}
