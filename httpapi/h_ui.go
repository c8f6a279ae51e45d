package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
)

// uiBindings are the web UI's helpers (the dashboard's @UIRouter
// controllers) and the /api calls its pages make on every visit, answered
// as the dashboard answers them when the piece behind them (an
// orchestrator, Alertmanager, Grafana, a feature toggle) is not there.
func (s *Server) uiBindings() []binding {
	c := s.client
	return []binding{
		// GET /ui-api/langs
		bind(ops.UILangs, func(_ *call, _ *ops.UILangsRequest) (any, error) { return s.uiLangs() }),
		// GET /ui-api/login/custom_banner
		bind(ops.UILoginBanner, func(_ *call, _ *ops.UILoginBannerRequest) (any, error) { return nil, nil }),
		// POST /ui-api/logging/js-error
		bind(ops.UIJSError, func(cl *call, r *ops.UIJSErrorRequest) (any, error) {
			where := r.URL
			if u, err := url.Parse(r.URL); err == nil {
				// no query strings (a token may be in one), also not in the fragment's route
				u.RawQuery, u.User = "", nil
				u.Fragment, _, _ = strings.Cut(u.Fragment, "?")
				where = u.String()
			}
			s.log.Warn("web UI error", "url", clipText(where, 300), "message", clipText(r.Message, 1000))
			return nil, nil
		}),
		// GET /ui-api/motd
		bind(ops.UIMotd, func(_ *call, _ *ops.UIMotdRequest) (any, error) { return nil, nil }),
		// GET /ui-api/standard_settings
		bind(ops.UIStandardSettings, func(cl *call, _ *ops.UIStandardSettingsRequest) (any, error) {
			return withManager(s, func(m auth.Manager) (any, error) {
				list, err := m.Settings(cl.ctx(), standardSettings)
				if err != nil {
					return nil, err
				}
				out := make(map[string]any, len(list))
				for _, st := range list {
					out[strings.ToLower(st.Name)] = st.Value
				}
				return out, nil
			})
		}),
		// GET /ui-api/orchestrator/status
		bind(ops.UIOrchestratorStatus, func(_ *call, _ *ops.UIOrchestratorStatusRequest) (any, error) {
			return map[string]any{"available": false, "features": map[string]any{},
				"message": "Orchestrator is unavailable: this server drives no orchestrator (host and service changes are made with cephadm or Rook)"}, nil
		}),
		// GET /ui-api/block/mirroring/status
		bind(ops.UIRBDMirroringStatus, func(_ *call, _ *ops.UIRBDMirroringStatusRequest) (any, error) {
			return map[string]any{"available": true, "message": nil}, nil
		}),
		// GET /ui-api/rgw/status
		bind(ops.UIRGWStatus, func(cl *call, _ *ops.UIRGWStatusRequest) (any, error) {
			status := map[string]any{"available": false, "message": nil}
			ds, err := c.RGW.Daemons.List(cl.ctx())
			if err == nil && len(ds) == 0 {
				err = ceph.Errorf(ceph.Unavailable, "rgw", "No RGW service is running.")
			}
			if err == nil {
				// the admin API with the system user's keys
				_, err = c.RGW.Users.List(cl.ctx(), "")
			}
			if err != nil {
				var ce *ceph.Error
				if errors.As(err, &ce) && ce.Detail != "" {
					status["message"] = ce.Detail
				} else {
					status["message"] = err.Error()
				}
				return status, nil
			}
			status["available"] = true
			return status, nil
		}),
		// GET /ui-api/scope
		bind(ops.UIScopeList, func(_ *call, _ *ops.UIScopeListRequest) (any, error) {
			out := make([]string, len(auth.Scopes))
			for i, sc := range auth.Scopes {
				out[i] = string(sc)
			}
			slices.Sort(out)
			return out, nil
		}),

		// GET /ui-api/pool/info
		bindCall(ops.UIPoolInfo, s.poolInfo),

		// GET /api/feature_toggles
		bind(ops.FeatureToggles, func(_ *call, _ *ops.FeatureTogglesRequest) (any, error) {
			// The features this server serves; the web UI hides the others.
			return map[string]bool{"rbd": true, "mirroring": true, "iscsi": false, "cephfs": true, "rgw": true, "nfs": false}, nil
		}),
		// GET /api/prometheus/notifications
		bind(ops.PrometheusNotifications, func(_ *call, _ *ops.PrometheusNotificationsRequest) (any, error) {
			// alerts reach the dashboard through its receiver, which this
			// server does not have: there are none
			return []any{}, nil
		}),
		// GET /api/grafana/url
		bind(ops.GrafanaURL, func(cl *call, _ *ops.GrafanaURLRequest) (any, error) {
			return withManager(s, func(m auth.Manager) (any, error) {
				list, err := m.Settings(cl.ctx(), []string{"GRAFANA_API_URL", "GRAFANA_FRONTEND_API_URL"})
				if err != nil {
					return nil, err
				}
				v := map[string]string{}
				for _, st := range list {
					v[st.Name], _ = st.Value.(string)
				}
				api, front := v["GRAFANA_API_URL"], v["GRAFANA_FRONTEND_API_URL"]
				inst := ""
				if !(front != "" && api == "") {
					inst = front
					if inst == "" {
						inst = api
					}
				}
				return map[string]string{"instance": strings.TrimRight(inst, "/")}, nil
			})
		}),
	}
}

// standardSettings are the settings GET /ui-api/standard_settings shows,
// in the dashboard's order.
var standardSettings = []string{
	"USER_PWD_EXPIRATION_SPAN", "USER_PWD_EXPIRATION_WARNING_1", "USER_PWD_EXPIRATION_WARNING_2",
	auth.SettingPwdPolicyEnabled, auth.SettingPwdMinLength, auth.SettingPwdCheckLength, auth.SettingPwdCheckOldPwd,
	auth.SettingPwdCheckUsername, auth.SettingPwdCheckExclusion, auth.SettingPwdCheckRepetitive,
	auth.SettingPwdCheckSequential, auth.SettingPwdCheckComplexity,
}

func clipText(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// poolInfo is GET /ui-api/pool/info, the pool form's choices, from the
// same reads as the pool, CRUSH, erasure-code, OSD and configuration
// endpoints (the dashboard's PoolUi.info).
func (s *Server) poolInfo(cl *call) (any, error) {
	c, ctx := s.client, cl.ctx()
	pools, err := c.Pools.List(ctx, nil)
	if err != nil {
		return nil, err
	}
	rules, err := c.CrushRules.List(ctx)
	if err != nil {
		return nil, err
	}
	profiles, err := c.ErasureCodeProfiles.List(ctx)
	if err != nil {
		return nil, err
	}
	tree, err := c.OSDs.Tree(ctx)
	if err != nil {
		return nil, err
	}
	osds, err := c.OSDs.List(ctx)
	if err != nil {
		return nil, err
	}
	names := []string{}
	usedRules, usedProfiles := map[string][]string{}, map[string][]string{}
	for _, p := range pools {
		names = append(names, p.PoolName)
		usedRules[p.CrushRule] = append(usedRules[p.CrushRule], p.PoolName)
		usedProfiles[p.ErasureCodeProfile] = append(usedProfiles[p.ErasureCodeProfile], p.PoolName)
	}
	byType := func(t int) []ceph.CrushRule {
		out := []ceph.CrushRule{}
		for _, r := range rules {
			if r.Type == t {
				out = append(out, r)
			}
		}
		return out
	}
	leader := ""
	if ms, err := c.Monitors.Status(ctx); err == nil {
		leader = ms.MonStatus.Name
	}
	// every OSD's metadata says bluestore (true for none, as Python's all()
	// over the manager's osd_metadata, which holds the OSDs that booted:
	// one that never did, up_from 0, has no metadata and is not asked)
	allBlue := true
	for _, o := range osds {
		if o.UpFrom == 0 {
			continue
		}
		d, err := c.OSDs.Get(ctx, o.ID)
		if err != nil {
			return nil, err
		}
		if len(d.OSDMetadata) == 0 {
			continue
		}
		if d.OSDMetadata["osd_objectstore"] != "bluestore" {
			allBlue = false
			break
		}
	}
	opt := func(name string) (value string, enum []string, err error) {
		o, err := c.Config.Get(ctx, name)
		if err != nil {
			return "", nil, err
		}
		enum = []string{}
		for _, v := range o.EnumValues {
			if v != "" {
				enum = append(enum, v)
			}
		}
		// The value a new pool gets: the leader monitor's running value
		// (which has ceph.conf's too; the dashboard shows its manager's,
		// the same on a cluster configured alike), else the configuration
		// database's, else the default.
		if v, ok := runningValue(ctx, c, leader, name); ok {
			return v, enum, nil
		}
		value = fmt.Sprint(o.Default)
		for _, sec := range []string{"global", "mon"} {
			for _, v := range o.Value {
				if v.Section == sec {
					value = v.Value
				}
			}
		}
		return value, enum, nil
	}
	algo, algos, err := opt("bluestore_compression_algorithm")
	if err != nil {
		return nil, err
	}
	_, modes, err := opt("bluestore_compression_mode")
	if err != nil {
		return nil, err
	}
	autoscale, autoscaleModes, err := opt("osd_pool_default_pg_autoscale_mode")
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"pool_names":                      names,
		"crush_rules_replicated":          byType(1),
		"crush_rules_erasure":             byType(3),
		"is_all_bluestore":                allBlue,
		"osd_count":                       len(osds),
		"bluestore_compression_algorithm": algo,
		"compression_algorithms":          algos,
		"compression_modes":               modes,
		"pg_autoscale_default_mode":       autoscale,
		"pg_autoscale_modes":              autoscaleModes,
		"erasure_code_profiles":           nonNil(profiles),
		"used_rules":                      usedRules,
		"used_profiles":                   usedProfiles,
		"nodes":                           nonNil(tree.Nodes),
	}, nil
}

// runningValue is `config show mon.<name> <option>`: the value the
// monitor runs with, when the transport can ask (not the memory model).
func runningValue(ctx context.Context, c *cephapi.Client, mon, option string) (string, bool) {
	if mon == "" || c.Commands == nil {
		return "", false
	}
	res, err := c.Commands.Command(ctx, ceph.Command{Prefix: "config show", Args: map[string]any{"who": "mon." + mon, "key": option}})
	if err != nil {
		return "", false
	}
	v := strings.TrimSpace(string(res.Output))
	return v, v != ""
}
