package ceph

import "sort"

// MonHealth is health as the monitors print it (`ceph health detail -f
// json`): checks keyed by name. Report turns it into the dashboard's form.
type MonHealth struct {
	Status HealthStatus `json:"status"`
	Checks map[string]struct {
		Severity HealthStatus        `json:"severity"`
		Summary  HealthCheckSummary  `json:"summary"`
		Detail   []HealthCheckDetail `json:"detail"`
		Muted    bool                `json:"muted"`
	} `json:"checks"`
	Mutes []any `json:"mutes"`
}

// Report returns the checks as the dashboard lists them: sorted by severity
// (HEALTH_ERR before HEALTH_WARN) and, within one severity, by name; empty
// lists rather than nil.
func (h *MonHealth) Report() *HealthReport {
	rep := &HealthReport{Status: h.Status, Checks: make([]HealthCheck, 0, len(h.Checks)), Mutes: h.Mutes}
	if rep.Mutes == nil {
		rep.Mutes = []any{}
	}
	for name, c := range h.Checks {
		d := c.Detail
		if d == nil {
			d = []HealthCheckDetail{}
		}
		rep.Checks = append(rep.Checks, HealthCheck{Type: name, Severity: c.Severity, Summary: c.Summary, Detail: d, Muted: c.Muted})
	}
	sort.Slice(rep.Checks, func(i, j int) bool {
		a, b := rep.Checks[i], rep.Checks[j]
		if a.Severity != b.Severity {
			return a.Severity < b.Severity
		}
		return a.Type < b.Type
	})
	return rep
}
