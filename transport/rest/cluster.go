package rest

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/ceph"
)

var (
	_ ceph.Health              = healthService{}
	_ ceph.Monitors            = monitorsService{}
	_ ceph.Logs                = logsService{}
	_ ceph.PerfCounters        = perfService{}
	_ ceph.CrushRules          = crushService{}
	_ ceph.ErasureCodeProfiles = ecpService{}
	_ ceph.ClusterConfig       = configService{}
	_ ceph.MgrModules          = mgrService{}
)

// get is a GET of ep into a new T.
func get[T any](ctx context.Context, c *client, ep endpoint, args []string, query url.Values) (*T, error) {
	var out T
	if _, err := c.call(ctx, ep, args, query, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// exec is a call whose answer is not needed.
func exec(ctx context.Context, c *client, ep endpoint, args []string, query url.Values, body any) error {
	_, err := c.call(ctx, ep, args, query, body, nil)
	return err
}

type healthService struct{ c *client }

// Report reads the health section of GET /api/health/minimal.
func (s healthService) Report(ctx context.Context) (*ceph.HealthReport, error) {
	var out struct {
		Health ceph.HealthReport `json:"health"`
	}
	if _, err := s.c.call(ctx, epHealthMinimal, nil, nil, nil, &out); err != nil {
		return nil, err
	}
	return &out.Health, nil
}

func (s healthService) Minimal(ctx context.Context) (*ceph.HealthMinimal, error) {
	return get[ceph.HealthMinimal](ctx, s.c, epHealthMinimal, nil, nil)
}

func (s healthService) Full(ctx context.Context) (*ceph.HealthFull, error) {
	return get[ceph.HealthFull](ctx, s.c, epHealthFull, nil, nil)
}

func (s healthService) Summary(ctx context.Context) (*ceph.Summary, error) {
	return get[ceph.Summary](ctx, s.c, epSummary, nil, nil)
}

type monitorsService struct{ c *client }

func (s monitorsService) Status(ctx context.Context) (*ceph.MonitorReport, error) {
	return get[ceph.MonitorReport](ctx, s.c, epMonitor, nil, nil)
}

type logsService struct{ c *client }

// Recent reads GET /api/logs/all. The endpoint has no line count; Lines
// trims the answer (newest lines are kept).
func (s logsService) Recent(ctx context.Context, opts *ceph.LogOptions) (*ceph.RecentLogs, error) {
	l, err := get[ceph.RecentLogs](ctx, s.c, epLogs, nil, nil)
	if err != nil {
		return nil, err
	}
	if opts != nil && opts.Lines > 0 {
		l.ClusterLog = lastN(l.ClusterLog, opts.Lines)
		l.AuditLog = lastN(l.AuditLog, opts.Lines)
	}
	return l, nil
}

func lastN[T any](s []T, n int) []T {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

type perfService struct{ c *client }

func (s perfService) All(ctx context.Context) (map[string]map[string]ceph.PerfCounter, error) {
	m, err := get[map[string]map[string]ceph.PerfCounter](ctx, s.c, epPerfAll, nil, nil)
	if err != nil {
		return nil, err
	}
	return *m, nil
}

func (s perfService) Daemon(ctx context.Context, daemonType, id string) (*ceph.DaemonPerfCounters, error) {
	return get[ceph.DaemonPerfCounters](ctx, s.c, epPerfDaemon, []string{daemonType, id}, nil)
}

type crushService struct{ c *client }

func (s crushService) List(ctx context.Context) ([]ceph.CrushRule, error) {
	l, err := get[[]ceph.CrushRule](ctx, s.c, epCrushList, nil, nil)
	if err != nil {
		return nil, err
	}
	return *l, nil
}

func (s crushService) Get(ctx context.Context, name string) (*ceph.CrushRule, error) {
	return get[ceph.CrushRule](ctx, s.c, epCrushGet, []string{name}, nil)
}

func (s crushService) Create(ctx context.Context, name string, opts *ceph.CrushRuleCreateOptions) error {
	body := map[string]any{"name": name, "root": opts.Root, "failure_domain": opts.FailureDomain}
	if opts.DeviceClass != "" {
		body["device_class"] = opts.DeviceClass
	}
	return exec(ctx, s.c, epCrushCreate, nil, nil, body)
}

func (s crushService) Delete(ctx context.Context, name string) error {
	return exec(ctx, s.c, epCrushDelete, []string{name}, nil, nil)
}

type ecpService struct{ c *client }

// profileFrom reads a profile as the dashboard returns it: the profile's
// keys flat, k and m as numbers (or strings), everything else a string.
func profileFrom(raw map[string]any) ceph.ErasureCodeProfile {
	p := ceph.ErasureCodeProfile{Extra: map[string]string{}}
	num := func(v any) int {
		switch t := v.(type) {
		case float64:
			return int(t)
		case string:
			n, _ := strconv.Atoi(strings.TrimSpace(t))
			return n
		}
		return 0
	}
	for k, v := range raw {
		switch k {
		case "name":
			p.Name = scalar(v)
		case "k":
			p.K = num(v)
		case "m":
			p.M = num(v)
		case "plugin":
			p.Plugin = scalar(v)
		case "technique":
			p.Technique = scalar(v)
		case "crush-failure-domain":
			p.CrushFailureDomain = scalar(v)
		case "crush-root":
			p.CrushRoot = scalar(v)
		case "crush-device-class":
			p.CrushDeviceClass = scalar(v)
		default:
			p.Extra[k] = scalar(v)
		}
	}
	return p
}

func (s ecpService) List(ctx context.Context) ([]ceph.ErasureCodeProfile, error) {
	raw, err := get[[]map[string]any](ctx, s.c, epECPList, nil, nil)
	if err != nil {
		return nil, err
	}
	out := make([]ceph.ErasureCodeProfile, 0, len(*raw))
	for _, m := range *raw {
		out = append(out, profileFrom(m))
	}
	return out, nil
}

func (s ecpService) Get(ctx context.Context, name string) (*ceph.ErasureCodeProfile, error) {
	raw, err := get[map[string]any](ctx, s.c, epECPGet, []string{name}, nil)
	if err != nil {
		return nil, err
	}
	p := profileFrom(*raw)
	return &p, nil
}

// Create sends the profile's keys as the dashboard's form does (k and m as
// strings, as `osd erasure-code-profile set` takes key=value pairs).
func (s ecpService) Create(ctx context.Context, name string, opts *ceph.ErasureCodeProfileCreateOptions) error {
	body := map[string]any{"name": name}
	for k, v := range opts.Extra {
		body[k] = v
	}
	if opts.K != 0 {
		body["k"] = strconv.Itoa(opts.K)
	}
	if opts.M != 0 {
		body["m"] = strconv.Itoa(opts.M)
	}
	for k, v := range map[string]string{
		"plugin": opts.Plugin, "technique": opts.Technique, "crush-failure-domain": opts.CrushFailureDomain,
		"crush-root": opts.CrushRoot, "crush-device-class": opts.CrushDeviceClass,
	} {
		if v != "" {
			body[k] = v
		}
	}
	return exec(ctx, s.c, epECPCreate, nil, nil, body)
}

func (s ecpService) Delete(ctx context.Context, name string) error {
	return exec(ctx, s.c, epECPDelete, []string{name}, nil, nil)
}

type configService struct{ c *client }

func (s configService) List(ctx context.Context) ([]ceph.ConfigOption, error) {
	l, err := get[[]ceph.ConfigOption](ctx, s.c, epConfList, nil, nil)
	if err != nil {
		return nil, err
	}
	return *l, nil
}

func (s configService) Get(ctx context.Context, name string) (*ceph.ConfigOption, error) {
	return get[ceph.ConfigOption](ctx, s.c, epConfGet, []string{name}, nil)
}

func (s configService) Filter(ctx context.Context, names []string) ([]ceph.ConfigOption, error) {
	l, err := get[[]ceph.ConfigOption](ctx, s.c, epConfFilter, nil, url.Values{"names": {strings.Join(names, ",")}})
	if err != nil {
		return nil, err
	}
	return *l, nil
}

func (s configService) Set(ctx context.Context, name string, values []ceph.ConfigValue) error {
	if values == nil {
		values = []ceph.ConfigValue{}
	}
	return exec(ctx, s.c, epConfCreate, nil, nil, map[string]any{"name": name, "value": values})
}

func (s configService) SetMany(ctx context.Context, values map[string]ceph.ConfigValue) error {
	return exec(ctx, s.c, epConfBulkSet, nil, nil, map[string]any{"options": values})
}

func (s configService) Delete(ctx context.Context, name, section string) error {
	return exec(ctx, s.c, epConfDelete, []string{name}, url.Values{"section": {section}}, nil)
}

type mgrService struct{ c *client }

func (s mgrService) List(ctx context.Context) ([]ceph.MgrModule, error) {
	l, err := get[[]ceph.MgrModule](ctx, s.c, epMgrList, nil, nil)
	if err != nil {
		return nil, err
	}
	return *l, nil
}

func (s mgrService) Get(ctx context.Context, name string) (map[string]any, error) {
	m, err := get[map[string]any](ctx, s.c, epMgrGet, []string{name}, nil)
	if err != nil {
		return nil, err
	}
	return *m, nil
}

func (s mgrService) Options(ctx context.Context, name string) (map[string]ceph.MgrModuleOption, error) {
	m, err := get[map[string]ceph.MgrModuleOption](ctx, s.c, epMgrOptions, []string{name}, nil)
	if err != nil {
		return nil, err
	}
	return *m, nil
}

func (s mgrService) Enable(ctx context.Context, name string) error {
	return exec(ctx, s.c, epMgrEnable, []string{name}, nil, nil)
}

func (s mgrService) Disable(ctx context.Context, name string) error {
	return exec(ctx, s.c, epMgrDisable, []string{name}, nil, nil)
}

func (s mgrService) SetOptions(ctx context.Context, name string, values map[string]any) error {
	if values == nil {
		values = map[string]any{}
	}
	return exec(ctx, s.c, epMgrSet, []string{name}, nil, map[string]any{"config": values})
}
