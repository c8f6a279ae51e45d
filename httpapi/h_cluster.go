package httpapi

import (
	"encoding/json"

	"github.com/cephapi/cephapi/auth"
)

// healthSection is one key of a health report and the scope that may read
// it (dashboard controllers/health.py, HealthData.all_health); "" is
// always present.
type healthSection struct {
	key   string
	scope string
	value any
}

// healthView keeps the sections the caller may read, exactly as the
// dashboard's all_health does.
func (c *call) healthView(sections []healthSection) map[string]any {
	out := make(map[string]any, len(sections))
	for _, sec := range sections {
		if sec.scope == "" || c.allowed(sec.scope, auth.Read) {
			out[sec.key] = sec.value
		}
	}
	return out
}

func (s *Server) healthMinimal(c *call) (any, error) {
	h, err := s.client.Health.Minimal(c.ctx())
	if err != nil {
		return nil, err
	}
	return c.healthView([]healthSection{
		{"health", "", h.Health},
		{"mon_status", auth.ScopeMonitor, h.MonStatus},
		{"fs_map", auth.ScopeCephFS, h.FSMap},
		{"osd_map", auth.ScopeOSD, h.OSDMap},
		{"scrub_status", auth.ScopeOSD, h.ScrubStatus},
		{"pg_info", auth.ScopeOSD, h.PGInfo},
		{"mgr_map", auth.ScopeManager, h.MgrMap},
		{"pools", auth.ScopePool, nonNil(h.Pools)},
		{"df", auth.ScopePool, h.DF},
		{"client_perf", auth.ScopePool, h.ClientPerf},
		{"hosts", auth.ScopeHosts, h.Hosts},
		{"rgw", auth.ScopeRGW, h.RGW},
		{"iscsi_daemons", auth.ScopeISCSI, h.ISCSIDaemons},
	}), nil
}

func (s *Server) healthFull(c *call) (any, error) {
	h, err := s.client.Health.Full(c.ctx())
	if err != nil {
		return nil, err
	}
	return c.healthView([]healthSection{
		{"health", "", h.Health},
		{"mon_status", auth.ScopeMonitor, h.MonStatus},
		{"fs_map", auth.ScopeCephFS, h.FSMap},
		{"osd_map", auth.ScopeOSD, h.OSDMap},
		{"scrub_status", auth.ScopeOSD, h.ScrubStatus},
		{"pg_info", auth.ScopeOSD, h.PGInfo},
		{"mgr_map", auth.ScopeManager, h.MgrMap},
		{"pools", auth.ScopePool, nonNil(h.Pools)},
		{"df", auth.ScopePool, h.DF},
		{"client_perf", auth.ScopePool, h.ClientPerf},
		{"hosts", auth.ScopeHosts, h.Hosts},
		{"rgw", auth.ScopeRGW, h.RGW},
		{"iscsi_daemons", auth.ScopeISCSI, h.ISCSIDaemons},
	}), nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// taskAllowed filters tasks in the summary as the dashboard's
// Summary._task_permissions does.
func (c *call) taskAllowed(name string) bool {
	switch name {
	case "pool/create":
		return c.allowed(auth.ScopePool, auth.Create)
	case "pool/edit":
		return c.allowed(auth.ScopePool, auth.Update)
	case "pool/delete":
		return c.allowed(auth.ScopePool, auth.Delete)
	case "rbd/create", "rbd/copy", "rbd/snap/create", "rbd/clone", "rbd/trash/restore":
		return c.allowed(auth.ScopeRBDImage, auth.Create)
	case "rbd/edit", "rbd/snap/edit", "rbd/flatten", "rbd/snap/rollback":
		return c.allowed(auth.ScopeRBDImage, auth.Update)
	case "rbd/delete", "rbd/snap/delete", "rbd/trash/move", "rbd/trash/remove", "rbd/trash/purge":
		return c.allowed(auth.ScopeRBDImage, auth.Delete)
	}
	return true
}

func (s *Server) summary(c *call) (any, error) {
	sum, err := s.client.Health.Summary(c.ctx())
	if err != nil {
		return nil, err
	}
	tasks := s.tasks.list("", c.taskAllowed)
	out := map[string]any{
		"health_status":       sum.HealthStatus,
		"mgr_id":              sum.MgrID,
		"mgr_host":            sum.MgrHost,
		"have_mon_connection": sum.HaveMonConnection,
		"executing_tasks":     tasks.Executing,
		"finished_tasks":      tasks.Finished,
		"version":             sum.Version,
	}
	if c.allowed(auth.ScopeRBDMirroring, auth.Read) {
		out["rbd_mirroring"] = sum.RBDMirroring
	}
	return out, nil
}

func (s *Server) taskList(c *call) (any, error) {
	return s.tasks.list(c.r.URL.Query().Get("name"), nil), nil
}

func (s *Server) logsAll(c *call) (any, error) {
	l, err := s.client.Logs.Recent(c.ctx(), nil)
	if err != nil {
		return nil, err
	}
	l.ClusterLog = nonNil(l.ClusterLog)
	l.AuditLog = nonNil(l.AuditLog)
	return l, nil
}

func (s *Server) perfCounters(daemonType string) handlerFunc {
	return func(c *call) (any, error) {
		return s.client.PerfCounters.Daemon(c.ctx(), daemonType, c.r.PathValue("service_id"))
	}
}

// project keeps only attrs (and pool_name, which the dashboard always
// keeps) of a JSON object.
func project(v any, attrs []string, always ...string) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, err
	}
	out := make(map[string]json.RawMessage, len(attrs)+len(always))
	for _, a := range append(attrs, always...) {
		if v, ok := all[a]; ok {
			out[a] = v
		}
	}
	return out, nil
}
