package transporttest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cephapi/cephapi/ceph"
)

var healthChecks = []check{
	{"Report", checkHealthReport},
	{"Minimal", checkHealthMinimal},
	{"Full", checkHealthFull},
	{"Summary", checkHealthSummary},
}

var monitorChecks = []check{
	{"Status", checkMonitorStatus},
}

var logChecks = []check{
	{"RecentAfterWrite", checkLogsAfterWrite},
	{"Lines", checkLogsLines},
}

var perfChecks = []check{
	{"All", checkPerfAll},
	{"Monitor", checkPerfMonitor},
	{"Manager", checkPerfManager},
	{"MetadataServer", checkPerfMDS},
	{"MissingDaemon", checkPerfMissing},
}

var configChecks = []check{
	{"List", checkConfigList},
	{"SetPerSection", checkConfigSetPerSection},
	{"SetMany", checkConfigSetMany},
	{"Filter", checkConfigFilter},
	{"UnknownOption", checkConfigUnknown},
}

var mgrChecks = []check{
	{"List", checkMgrList},
	{"OptionsAndGet", checkMgrOptions},
	{"EnableDisable", checkMgrEnableDisable},
	{"Unknown", checkMgrUnknown},
}

var commandChecks = []check{
	{"Health", checkCommandHealth},
	{"OSDTreeJSON", checkCommandOSDTree},
	{"Unknown", checkCommandUnknown},
}

// ---------------------------------------------------------------- health --

func checkHealthReport(ctx context.Context, t testing.TB, e *env) {
	r, err := e.c.Health.Report(ctx)
	must(t, err, "Health.Report")
	if !validStatus(r.Status) {
		t.Fatalf("status %q is not one of HEALTH_OK, HEALTH_WARN, HEALTH_ERR", r.Status)
	}
	worst := ceph.HealthOK
	seen := map[string]bool{}
	for _, c := range r.Checks {
		if c.Type == "" {
			t.Errorf("a health check has no type: %+v", c)
		}
		if seen[c.Type] {
			t.Errorf("health check %s is listed twice", c.Type)
		}
		seen[c.Type] = true
		if !validStatus(c.Severity) {
			t.Errorf("check %s: severity %q is not a health status", c.Type, c.Severity)
		}
		if c.Summary.Message == "" {
			t.Errorf("check %s has no summary message", c.Type)
		}
		if !c.Muted {
			worst = worst.Worse(c.Severity)
		}
	}
	// Ceph's status is the most severe of the unmuted checks.
	if r.Status != worst {
		t.Errorf("status %s, but the worst unmuted check is %s (checks %v)", r.Status, worst, checkTypes(r.Checks))
	}
}

func checkTypes(cs []ceph.HealthCheck) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Type+"/"+string(c.Severity))
	}
	return out
}

func checkHealthMinimal(ctx context.Context, t testing.TB, e *env) {
	m, err := e.c.Health.Minimal(ctx)
	must(t, err, "Health.Minimal")
	if !validStatus(m.Health.Status) {
		t.Errorf("status %q is not a health status", m.Health.Status)
	}
	if len(m.MonStatus.Quorum) == 0 {
		t.Error("mon_status.quorum is empty")
	}
	if len(m.MonStatus.MonMap.Mons) < len(m.MonStatus.Quorum) {
		t.Errorf("%d monitors in the map but %d in quorum", len(m.MonStatus.MonMap.Mons), len(m.MonStatus.Quorum))
	}
	osds, err := e.c.OSDs.List(ctx)
	must(t, err, "OSDs.List")
	if len(m.OSDMap.OSDs) != len(osds) {
		t.Errorf("minimal health lists %d OSDs, OSDs.List %d", len(m.OSDMap.OSDs), len(osds))
	}
	up := 0
	for _, o := range osds {
		up += o.Up
	}
	upMin := 0
	for _, o := range m.OSDMap.OSDs {
		upMin += o.Up
	}
	if up != upMin {
		t.Errorf("minimal health counts %d OSDs up, OSDs.List %d", upMin, up)
	}
	pools, err := e.c.Pools.List(ctx, nil)
	must(t, err, "Pools.List")
	if len(m.Pools) != len(pools) {
		t.Errorf("minimal health counts %d pools, Pools.List %d", len(m.Pools), len(pools))
	}
}

func checkHealthFull(ctx context.Context, t testing.TB, e *env) {
	f, err := e.c.Health.Full(ctx)
	must(t, err, "Health.Full")
	if !validStatus(f.Health.Status) {
		t.Errorf("status %q is not a health status", f.Health.Status)
	}
	if len(f.MonStatus.MonMap.Mons) == 0 {
		t.Error("full health has no monitor in its monitor map")
	}
	osds, err := e.c.OSDs.List(ctx)
	must(t, err, "OSDs.List")
	var listIDs, fullIDs []int
	for _, o := range osds {
		listIDs = append(listIDs, o.ID)
	}
	for _, o := range f.OSDMap.OSDs {
		fullIDs = append(fullIDs, o.OSD)
	}
	slices.Sort(listIDs)
	slices.Sort(fullIDs)
	if !slices.Equal(listIDs, fullIDs) {
		t.Errorf("full health's OSD map has OSDs %v, OSDs.List %v", fullIDs, listIDs)
	}
	pools, err := e.c.Pools.List(ctx, nil)
	must(t, err, "Pools.List")
	var listPools, fullPools []string
	for _, p := range pools {
		listPools = append(listPools, p.PoolName)
	}
	for _, p := range f.Pools {
		fullPools = append(fullPools, p.PoolName)
	}
	slices.Sort(listPools)
	slices.Sort(fullPools)
	if !slices.Equal(listPools, fullPools) {
		t.Errorf("full health lists pools %v, Pools.List %v", fullPools, listPools)
	}
	if f.MgrMap.Available && f.MgrMap.ActiveName == "" {
		t.Error("the manager map says a manager is available but names no active manager")
	}
}

func checkHealthSummary(ctx context.Context, t testing.TB, e *env) {
	s, err := e.c.Health.Summary(ctx)
	must(t, err, "Health.Summary")
	if !validStatus(s.HealthStatus) {
		t.Errorf("health_status %q is not a health status", s.HealthStatus)
	}
	if s.Version == "" {
		t.Error("summary has no version")
	}
	if !s.HaveMonConnection {
		t.Error("summary says there is no monitor connection while the call succeeded")
	}
}

// -------------------------------------------------------------- monitors --

func checkMonitorStatus(ctx context.Context, t testing.TB, e *env) {
	r, err := e.c.Monitors.Status(ctx)
	must(t, err, "Monitors.Status")
	mons := r.MonStatus.MonMap.Mons
	if len(mons) == 0 {
		t.Fatal("the monitor map is empty")
	}
	if len(r.MonStatus.Quorum) == 0 {
		t.Error("the quorum is empty")
	}
	byName := map[string]ceph.MonInfo{}
	byRank := map[int]string{}
	for _, m := range mons {
		if m.Name == "" {
			t.Errorf("a monitor has no name: %+v", m)
		}
		byName[m.Name] = m
		byRank[m.Rank] = m.Name
	}
	for _, m := range r.InQuorum {
		if _, ok := byName[m.Name]; !ok {
			t.Errorf("in_quorum has %q, which is not in the monitor map", m.Name)
		}
	}
	for _, m := range r.OutQuorum {
		if _, ok := byName[m.Name]; !ok {
			t.Errorf("out_quorum has %q, which is not in the monitor map", m.Name)
		}
	}
	if len(r.InQuorum)+len(r.OutQuorum) != len(mons) {
		t.Errorf("%d in quorum + %d out of quorum != %d monitors", len(r.InQuorum), len(r.OutQuorum), len(mons))
	}
	if len(r.InQuorum) != len(r.MonStatus.Quorum) {
		t.Errorf("in_quorum has %d monitors, quorum %v", len(r.InQuorum), r.MonStatus.Quorum)
	}
	for _, rank := range r.MonStatus.Quorum {
		name, ok := byRank[rank]
		if !ok {
			t.Errorf("quorum rank %d is not in the monitor map", rank)
			continue
		}
		if !slices.ContainsFunc(r.InQuorum, func(m ceph.MonInfo) bool { return m.Name == name }) {
			t.Errorf("monitor %s (rank %d) is in the quorum but not in in_quorum", name, rank)
		}
	}
}

// ------------------------------------------------------------------ logs --

func checkLogsAfterWrite(ctx context.Context, t testing.TB, e *env) {
	// Creating an erasure-code profile is a small write that every cluster
	// logs in its audit channel with the profile's name.
	name := uniqueName("ecp")
	err := e.c.ErasureCodeProfiles.Create(ctx, name, &ceph.ErasureCodeProfileCreateOptions{K: 2, M: 1, Plugin: "jerasure", CrushFailureDomain: "osd"})
	must(t, err, "ErasureCodeProfiles.Create(%q)", name)
	e.cleanup(t, "delete erasure code profile "+name, func(ctx context.Context) error {
		return e.c.ErasureCodeProfiles.Delete(ctx, name)
	})
	e.eventually(ctx, t, "a log line naming "+name, func(ctx context.Context) (bool, string, error) {
		logs, err := e.c.Logs.Recent(ctx, &ceph.LogOptions{Lines: 100})
		if err != nil {
			return false, "", err
		}
		for _, l := range append(slices.Clone(logs.AuditLog), logs.ClusterLog...) {
			if strings.Contains(l.Message, name) {
				if l.Channel == "" || l.Stamp == "" {
					return false, "", fmt.Errorf("log line %+v has no channel or time stamp", l)
				}
				return true, "", nil
			}
		}
		return false, fmt.Sprintf("%d audit and %d cluster lines, none names it", len(logs.AuditLog), len(logs.ClusterLog)), nil
	})
}

func checkLogsLines(ctx context.Context, t testing.TB, e *env) {
	logs, err := e.c.Logs.Recent(ctx, &ceph.LogOptions{Lines: 3})
	must(t, err, "Logs.Recent(3 lines)")
	if len(logs.ClusterLog) > 3 || len(logs.AuditLog) > 3 {
		t.Errorf("asked for 3 lines, got %d cluster and %d audit lines", len(logs.ClusterLog), len(logs.AuditLog))
	}
	all, err := e.c.Logs.Recent(ctx, nil)
	must(t, err, "Logs.Recent(default)")
	if len(all.ClusterLog)+len(all.AuditLog) == 0 {
		t.Error("the cluster has logged nothing at all")
	}
}

// ---------------------------------------------------------- perf counters --

func checkPerfAll(ctx context.Context, t testing.TB, e *env) {
	all, err := e.c.PerfCounters.All(ctx)
	must(t, err, "PerfCounters.All")
	if len(all) == 0 {
		t.Fatal("no daemon has perf counters")
	}
	nonEmpty := 0
	for d, cs := range all {
		if !strings.Contains(d, ".") {
			t.Errorf("daemon key %q is not type.id", d)
		}
		if len(cs) > 0 {
			nonEmpty++
		}
	}
	if nonEmpty == 0 {
		t.Error("every daemon has an empty set of counters")
	}
}

func checkPerfMonitor(ctx context.Context, t testing.TB, e *env) {
	r, err := e.c.Monitors.Status(ctx)
	must(t, err, "Monitors.Status")
	if len(r.InQuorum) == 0 {
		t.Skip("no monitor in quorum")
	}
	name := r.InQuorum[0].Name
	d, err := e.c.PerfCounters.Daemon(ctx, "mon", name)
	must(t, err, "PerfCounters.Daemon(mon, %s)", name)
	if d.Service.Type != "mon" || d.Service.ID != name {
		t.Errorf("service is %+v, want mon %s", d.Service, name)
	}
	if len(d.Counters) == 0 {
		t.Errorf("mon.%s has no counters", name)
	}
	for _, c := range d.Counters {
		if c.Name == "" {
			t.Errorf("a counter of mon.%s has no name", name)
			break
		}
	}
}

// checkPerfDaemon wants typ.id's counters, each named.
func checkPerfDaemon(ctx context.Context, t testing.TB, e *env, typ, id string) {
	t.Helper()
	d, err := e.c.PerfCounters.Daemon(ctx, typ, id)
	must(t, err, "PerfCounters.Daemon(%s, %s)", typ, id)
	if d.Service.Type != typ || d.Service.ID != id {
		t.Errorf("service is %+v, want %s %s", d.Service, typ, id)
	}
	if len(d.Counters) == 0 {
		t.Errorf("%s.%s has no counters", typ, id)
	}
	for _, c := range d.Counters {
		if c.Name == "" {
			t.Errorf("a counter of %s.%s has no name", typ, id)
			break
		}
	}
}

func checkPerfManager(ctx context.Context, t testing.TB, e *env) {
	full, err := e.c.Health.Full(ctx)
	must(t, err, "Health.Full")
	if full.MgrMap.ActiveName == "" {
		t.Skip("no active manager")
	}
	checkPerfDaemon(ctx, t, e, "mgr", full.MgrMap.ActiveName)
	_, err = e.c.PerfCounters.Daemon(ctx, "mgr", uniqueName("mgr"))
	wantErr(t, err, ceph.ErrNotFound, "PerfCounters.Daemon(missing mgr)")
}

func checkPerfMDS(ctx context.Context, t testing.TB, e *env) {
	full, err := e.c.Health.Full(ctx)
	must(t, err, "Health.Full")
	var name string
	for _, fs := range full.FSMap.Filesystems {
		for _, m := range fs.MDSMap.Info {
			if m.State == "up:active" {
				name = m.Name
			}
		}
	}
	if name == "" {
		t.Skip("no active metadata server")
	}
	checkPerfDaemon(ctx, t, e, "mds", name)
	all, err := e.c.PerfCounters.All(ctx)
	must(t, err, "PerfCounters.All")
	if len(all["mds."+name]) == 0 {
		t.Errorf("All has no counters of mds.%s", name)
	}
	_, err = e.c.PerfCounters.Daemon(ctx, "mds", uniqueName("mds"))
	wantErr(t, err, ceph.ErrNotFound, "PerfCounters.Daemon(missing mds)")
}

func checkPerfMissing(ctx context.Context, t testing.TB, e *env) {
	_, err := e.c.PerfCounters.Daemon(ctx, "mon", uniqueName("mon"))
	wantErr(t, err, ceph.ErrNotFound, "PerfCounters.Daemon(missing mon)")
	_, err = e.c.PerfCounters.Daemon(ctx, "ctest-no-such-type", "0")
	wantErr(t, err, ceph.ErrInvalidArgument, "PerfCounters.Daemon(unknown daemon type)")
}

// ---------------------------------------------------------------- config --

// configOption is an ordinary option whose value does not matter on a test
// cluster (it bounds concurrent backfills per OSD).
const configOption = "osd_max_backfills"

// configValues returns the option's values keyed by section.
func configValues(ctx context.Context, e *env, name string) (map[string]string, error) {
	o, err := e.c.Config.Get(ctx, name)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, v := range o.Value {
		out[v.Section] = v.Value
	}
	return out, nil
}

// saveConfig records the option's values and registers their restoration.
func saveConfig(ctx context.Context, t testing.TB, e *env, name string) map[string]string {
	t.Helper()
	orig, err := configValues(ctx, e, name)
	must(t, err, "Config.Get(%s)", name)
	e.cleanup(t, "restore "+name, func(ctx context.Context) error {
		if len(orig) == 0 {
			now, err := configValues(ctx, e, name)
			if err != nil {
				return err
			}
			for s := range now {
				if err := e.c.Config.Delete(ctx, name, s); err != nil {
					return err
				}
			}
			return nil
		}
		var vs []ceph.ConfigValue
		for s, v := range orig {
			vs = append(vs, ceph.ConfigValue{Section: s, Value: v})
		}
		return e.c.Config.Set(ctx, name, vs)
	})
	return orig
}

func wantConfig(ctx context.Context, t testing.TB, e *env, name string, want map[string]string) {
	t.Helper()
	e.eventually(ctx, t, fmt.Sprintf("%s to be %v", name, want), func(ctx context.Context) (bool, string, error) {
		got, err := configValues(ctx, e, name)
		if err != nil {
			return false, "", err
		}
		return fmt.Sprint(got) == fmt.Sprint(want), fmt.Sprint(got), nil
	})
}

func checkConfigList(ctx context.Context, t testing.TB, e *env) {
	opts, err := e.c.Config.List(ctx)
	must(t, err, "Config.List")
	if !slices.ContainsFunc(opts, func(o ceph.ConfigOption) bool { return o.Name == configOption }) {
		t.Errorf("Config.List (%d options) has no %s", len(opts), configOption)
	}
	for _, o := range opts {
		if o.Name == "" || o.Type == "" {
			t.Errorf("option %+v has no name or type", o)
			break
		}
	}
}

func checkConfigSetPerSection(ctx context.Context, t testing.TB, e *env) {
	saveConfig(ctx, t, e, configOption)
	err := e.c.Config.Set(ctx, configOption, []ceph.ConfigValue{{Section: "global", Value: "2"}, {Section: "osd", Value: "3"}})
	must(t, err, "Config.Set(global=2, osd=3)")
	wantConfig(ctx, t, e, configOption, map[string]string{"global": "2", "osd": "3"})

	// Set makes the given sections the complete set: global goes away.
	err = e.c.Config.Set(ctx, configOption, []ceph.ConfigValue{{Section: "osd", Value: "4"}})
	must(t, err, "Config.Set(osd=4)")
	wantConfig(ctx, t, e, configOption, map[string]string{"osd": "4"})

	must(t, e.c.Config.Delete(ctx, configOption, "osd"), "Config.Delete(osd)")
	wantConfig(ctx, t, e, configOption, map[string]string{})
	o, err := e.c.Config.Get(ctx, configOption)
	must(t, err, "Config.Get after delete")
	if o.Value != nil {
		t.Errorf("value after deleting every section is %v, want none", o.Value)
	}
}

func checkConfigSetMany(ctx context.Context, t testing.TB, e *env) {
	orig := saveConfig(ctx, t, e, configOption)
	err := e.c.Config.SetMany(ctx, map[string]ceph.ConfigValue{configOption: {Section: "mon", Value: "5"}})
	must(t, err, "Config.SetMany(mon=5)")
	want := map[string]string{}
	for s, v := range orig {
		want[s] = v
	}
	want["mon"] = "5" // SetMany leaves the other sections alone
	wantConfig(ctx, t, e, configOption, want)
}

func checkConfigFilter(ctx context.Context, t testing.TB, e *env) {
	names := []string{configOption, "osd_max_scrubs"}
	got, err := e.c.Config.Filter(ctx, append(slices.Clone(names), "ctest_no_such_option"))
	must(t, err, "Config.Filter")
	var gotNames []string
	for _, o := range got {
		gotNames = append(gotNames, o.Name)
	}
	if !slices.Equal(sortedCopy(gotNames), names) {
		t.Errorf("Filter returned %v, want %v", gotNames, names)
	}
	_, err = e.c.Config.Filter(ctx, []string{"ctest_no_such_option"})
	wantErr(t, err, ceph.ErrNotFound, "Config.Filter(only unknown names)")
}

func checkConfigUnknown(ctx context.Context, t testing.TB, e *env) {
	_, err := e.c.Config.Get(ctx, "ctest_no_such_option")
	wantErr(t, err, ceph.ErrNotFound, "Config.Get(unknown)")
	// The dashboard answers 404 to setting an unknown option (it looks the
	// option up first); the mon's `config set` says EINVAL. The library
	// follows the dashboard, whose API it mirrors: NotFound, as for Get.
	err = e.c.Config.Set(ctx, "ctest_no_such_option", []ceph.ConfigValue{{Section: "global", Value: "1"}})
	wantErr(t, err, ceph.ErrNotFound, "Config.Set(unknown)")
	err = e.c.Config.Set(ctx, configOption, []ceph.ConfigValue{{Section: "ctest-no-such-section", Value: "1"}})
	wantErr(t, err, ceph.ErrInvalidArgument, "Config.Set(unknown section)")
}

// ----------------------------------------------------------- mgr modules --

func checkMgrList(ctx context.Context, t testing.TB, e *env) {
	mods, err := e.c.MgrModules.List(ctx)
	must(t, err, "MgrModules.List")
	if len(mods) == 0 {
		t.Fatal("no manager module")
	}
	seen := map[string]bool{}
	running := 0
	for _, m := range mods {
		if m.Name == "" {
			t.Errorf("a module has no name: %+v", m)
		}
		if seen[m.Name] {
			t.Errorf("module %s is listed twice", m.Name)
		}
		seen[m.Name] = true
		if m.Enabled || m.AlwaysOn {
			running++
		}
	}
	if running == 0 {
		t.Error("no module is enabled or always on")
	}
}

func checkMgrOptions(ctx context.Context, t testing.TB, e *env) {
	mods, err := e.c.MgrModules.List(ctx)
	must(t, err, "MgrModules.List")
	if len(mods) == 0 {
		t.Skip("no manager module")
	}
	// The first enabled module that has options, else the first enabled one.
	var name string
	for _, m := range mods {
		if (m.Enabled || m.AlwaysOn) && (name == "" || len(m.Options) > 0) {
			name = m.Name
			if len(m.Options) > 0 {
				break
			}
		}
	}
	if name == "" {
		name = mods[0].Name
	}
	opts, err := e.c.MgrModules.Options(ctx, name)
	must(t, err, "MgrModules.Options(%s)", name)
	for k, o := range opts {
		if o.Name != k {
			t.Errorf("module %s: option keyed %q is named %q", name, k, o.Name)
		}
	}
	vals, err := e.c.MgrModules.Get(ctx, name)
	must(t, err, "MgrModules.Get(%s)", name)
	for k := range vals {
		if len(opts) > 0 {
			if _, ok := opts[k]; !ok {
				t.Errorf("module %s: value %q is not one of its options", name, k)
			}
		}
	}
}

// toggleCandidates are modules that are harmless to switch on and off.
var toggleCandidates = []string{"iostat", "alerts", "influx", "telegraf", "zabbix", "selftest"}

func moduleEnabled(ctx context.Context, e *env, name string) (bool, error) {
	mods, err := e.c.MgrModules.List(ctx)
	if err != nil {
		return false, err
	}
	for _, m := range mods {
		if m.Name == name {
			return m.Enabled || m.AlwaysOn, nil
		}
	}
	return false, ceph.Errorf(ceph.NotFound, "mgr_modules", "module %s is not listed", name)
}

func checkMgrEnableDisable(ctx context.Context, t testing.TB, e *env) {
	mods, err := e.c.MgrModules.List(ctx)
	must(t, err, "MgrModules.List")
	var mod *ceph.MgrModule
	for _, cand := range toggleCandidates {
		for i := range mods {
			if mods[i].Name == cand && !mods[i].AlwaysOn {
				mod = &mods[i]
				break
			}
		}
		if mod != nil {
			break
		}
	}
	if mod == nil {
		t.Skipf("none of the harmless modules %v is listed", toggleCandidates)
	}
	name, orig := mod.Name, mod.Enabled
	// A real ceph-mgr restarts when its set of modules changes; waits below
	// retry Unavailable while it does.
	set := func(ctx context.Context, on bool) error {
		if on {
			return e.c.MgrModules.Enable(ctx, name)
		}
		return e.c.MgrModules.Disable(ctx, name)
	}
	waitFor := func(ctx context.Context, t testing.TB, on bool) {
		t.Helper()
		e.eventually(ctx, t, fmt.Sprintf("module %s enabled=%v", name, on), func(ctx context.Context) (bool, string, error) {
			got, err := moduleEnabled(ctx, e, name)
			return got == on, fmt.Sprintf("enabled=%v", got), err
		})
	}
	e.cleanup(t, "restore module "+name, func(ctx context.Context) error {
		got, err := moduleEnabled(ctx, e, name)
		if err == nil && got == orig {
			return nil
		}
		if err := set(ctx, orig); err != nil {
			return err
		}
		waitFor(ctx, t, orig)
		return nil
	})
	must(t, set(ctx, !orig), "switching module %s to enabled=%v", name, !orig)
	waitFor(ctx, t, !orig)
	must(t, set(ctx, orig), "switching module %s back to enabled=%v", name, orig)
	waitFor(ctx, t, orig)
	waitManager(ctx, t, e)
}

// waitManager waits until the manager answers again after a restart. The
// module list comes from the monitors' manager map, which shows a switch
// at once, while the manager it makes restart can take longer than one
// check's budget to serve again: the checks that follow would otherwise
// see their manager-served reads (the OSD list's PG stats) time out.
func waitManager(ctx context.Context, t testing.TB, e *env) {
	t.Helper()
	e.eventually(ctx, t, "manager answering after its restart", func(ctx context.Context) (bool, string, error) {
		actx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		_, err := e.c.OSDs.List(actx)
		if err != nil && actx.Err() != nil && ctx.Err() == nil {
			return false, "OSDs.List: " + err.Error(), nil
		}
		return err == nil, "", err
	})
}

func checkMgrUnknown(ctx context.Context, t testing.TB, e *env) {
	name := uniqueName("mod")
	c := e.c
	wantAll(ctx, t, []namedCall{
		{"MgrModules.Get(missing)", func(ctx context.Context) error { _, err := c.MgrModules.Get(ctx, name); return err }},
		{"MgrModules.Options(missing)", func(ctx context.Context) error { _, err := c.MgrModules.Options(ctx, name); return err }},
		// Real Ceph: ENOENT "all mgr daemons do not support module".
		{"MgrModules.Enable(missing)", func(ctx context.Context) error { return c.MgrModules.Enable(ctx, name) }},
	}, ceph.ErrNotFound)
}

// --------------------------------------------------------------- commands --

func checkCommandHealth(ctx context.Context, t testing.TB, e *env) {
	r, err := e.c.Commands.Command(ctx, ceph.Command{Prefix: "health"})
	must(t, err, "command health")
	if !strings.HasPrefix(string(r.Output), "HEALTH_") {
		t.Errorf("`health` printed %q, want HEALTH_...", r.Output)
	}
}

func checkCommandOSDTree(ctx context.Context, t testing.TB, e *env) {
	r, err := e.c.Commands.Command(ctx, ceph.Command{Prefix: "osd tree", Format: "json"})
	must(t, err, "command osd tree")
	var tree struct {
		Nodes []struct {
			ID   int    `json:"id"`
			Type string `json:"type"`
		} `json:"nodes"`
		Stray []struct {
			ID int `json:"id"`
		} `json:"stray"`
	}
	if err := json.Unmarshal(r.Output, &tree); err != nil {
		t.Fatalf("`osd tree -f json` is not JSON: %v\n%s", err, r.Output)
	}
	var ids []int
	for _, n := range tree.Nodes {
		if n.ID >= 0 {
			ids = append(ids, n.ID)
		}
	}
	for _, n := range tree.Stray {
		ids = append(ids, n.ID)
	}
	osds, err := e.c.OSDs.List(ctx)
	must(t, err, "OSDs.List")
	var want []int
	for _, o := range osds {
		want = append(want, o.ID)
	}
	slices.Sort(ids)
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Errorf("`osd tree` has OSDs %v, OSDs.List %v", ids, want)
	}
}

func checkCommandUnknown(ctx context.Context, t testing.TB, e *env) {
	_, err := e.c.Commands.Command(ctx, ceph.Command{Prefix: "ctest no such command"})
	// Real Ceph: EINVAL "no valid command found".
	wantErr(t, err, ceph.ErrInvalidArgument, "unknown command")
}
