package httpapi

import (
	"context"
	"encoding/json"

	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/ceph"
)

// healthSections are the keys of a health report, in the dashboard's order,
// with the scope that may read each (controllers/health.py,
// HealthData.all_health); "" is always present. Minimal and full reports
// share the keys and differ only in the values.
var healthSections = [...]struct {
	key   string
	scope auth.Scope
}{
	{"health", ""},
	{"mon_status", auth.ScopeMonitor},
	{"fs_map", auth.ScopeCephFS},
	{"osd_map", auth.ScopeOSD},
	{"scrub_status", auth.ScopeOSD},
	{"pg_info", auth.ScopeOSD},
	{"mgr_map", auth.ScopeManager},
	{"pools", auth.ScopePool},
	{"df", auth.ScopePool},
	{"client_perf", auth.ScopePool},
	{"hosts", auth.ScopeHosts},
	{"rgw", auth.ScopeRGW},
	{"iscsi_daemons", auth.ScopeISCSI},
}

// healthReport builds the handler of a health report (minimal or full):
// the sections of the transport's value, in healthSections' order, of
// which the caller sees those its roles may read, exactly as the
// dashboard's all_health does. The answer is memoized per set of visible
// sections.
func healthReport[T any](get func(ctx context.Context) (T, error), sections func(T) [len(healthSections)]any) handlerFunc {
	return func(c *call) (any, error) {
		h, err := get(c.ctx())
		if err != nil {
			return nil, err
		}
		var visible uint64 // bit i: healthSections[i]
		for i, sec := range healthSections {
			if sec.scope == "" || c.allowed(sec.scope, auth.Read) {
				visible |= 1 << i
			}
		}
		return &memoized{src: h, variant: visible, view: func() any {
			values := sections(h)
			out := make(map[string]any, len(values))
			for i, sec := range healthSections {
				if visible&(1<<i) != 0 {
					out[sec.key] = values[i]
				}
			}
			return out
		}}, nil
	}
}

func minimalSections(h *ceph.HealthMinimal) [len(healthSections)]any {
	return [...]any{h.Health, h.MonStatus, h.FSMap, h.OSDMap, h.ScrubStatus, h.PGInfo,
		h.MgrMap, nonNil(h.Pools), h.DF, h.ClientPerf, h.Hosts, h.RGW, h.ISCSIDaemons}
}

func fullSections(h *ceph.HealthFull) [len(healthSections)]any {
	return [...]any{h.Health, h.MonStatus, h.FSMap, h.OSDMap, h.ScrubStatus, h.PGInfo,
		h.MgrMap, nonNil(h.Pools), h.DF, h.ClientPerf, h.Hosts, h.RGW, h.ISCSIDaemons}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// taskPermissions are the permissions that decide which tasks a caller
// sees in the summary, as the dashboard's Summary._task_permissions.
var taskPermissions = [...]struct {
	scope auth.Scope
	perm  auth.Permission
}{
	{auth.ScopePool, auth.Create},
	{auth.ScopePool, auth.Update},
	{auth.ScopePool, auth.Delete},
	{auth.ScopeRBDImage, auth.Create},
	{auth.ScopeRBDImage, auth.Update},
	{auth.ScopeRBDImage, auth.Delete},
}

// taskAllowed filters tasks in the summary as the dashboard's
// Summary._task_permissions does.
func (c *call) taskAllowed(name string) bool {
	p := -1
	switch name {
	case "pool/create":
		p = 0
	case "pool/edit":
		p = 1
	case "pool/delete":
		p = 2
	case "rbd/create", "rbd/copy", "rbd/snap/create", "rbd/clone", "rbd/trash/restore":
		p = 3
	case "rbd/edit", "rbd/snap/edit", "rbd/flatten", "rbd/snap/rollback":
		p = 4
	case "rbd/delete", "rbd/snap/delete", "rbd/trash/move", "rbd/trash/remove", "rbd/trash/purge":
		p = 5
	}
	return p < 0 || c.allowed(taskPermissions[p].scope, taskPermissions[p].perm)
}

func (s *Server) summary(c *call) (any, error) {
	sum, err := s.client.Health.Summary(c.ctx())
	if err != nil {
		return nil, err
	}
	// The answer depends on the summary, on the task list (its generation
	// changes with every change of the list) and on what the caller may see
	// of both.
	mirroring := c.allowed(auth.ScopeRBDMirroring, auth.Read)
	var variant uint64
	for i, p := range taskPermissions {
		if c.allowed(p.scope, p.perm) {
			variant |= 1 << i
		}
	}
	if mirroring {
		variant |= 1 << len(taskPermissions)
	}
	variant |= s.tasks.generation() << 16
	return &memoized{src: sum, variant: variant, view: func() any {
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
		if mirroring {
			out["rbd_mirroring"] = sum.RBDMirroring
		}
		return out
	}}, nil
}

func (s *Server) taskList(c *call) (any, error) {
	return s.tasks.list(c.r.URL.Query().Get("name"), nil), nil
}

func (s *Server) logsAll(c *call) (any, error) {
	l, err := s.client.Logs.Recent(c.ctx(), nil)
	if err != nil {
		return nil, err
	}
	// Encoded once per value the transport returns (its cached answer is
	// the same pointer until it refreshes); the view is a copy, because
	// the transport's value is read-only (see package ceph).
	return &memoized{src: l, view: func() any {
		out := *l
		out.ClusterLog = nonNil(l.ClusterLog)
		out.AuditLog = nonNil(l.AuditLog)
		return &out
	}}, nil
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
