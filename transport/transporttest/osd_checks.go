package transporttest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
)

var osdChecks = []check{
	{"List", checkOSDList},
	{"Get", checkOSDGet},
	{"Tree", checkOSDTree},
	{"MarkOutIn", checkOSDMarkOutIn},
	{"MarkLostUpFails", checkOSDMarkLostUp},
	{"Reweight", checkOSDReweight},
	{"Scrub", checkOSDScrub},
	{"Settings", checkOSDSettings},
	{"SetDeviceClass", checkOSDSetDeviceClass},
	{"Devices", checkOSDDevices},
}

var flagChecks = []check{
	{"List", checkFlagsList},
	{"SetAndRestore", checkFlagsSetAndRestore},
	{"PermanentCannotBeUnset", checkFlagsPermanent},
	{"PurgedSnapshots", checkFlagsPurgedSnapshots},
	{"Individual", checkFlagsIndividual},
}

var lifecycleChecks = []check{
	{"SafeToDestroyUpOSD", checkSafeToDestroyUp},
	{"DestroyUpOSDBusy", checkDestroyUpBusy},
	{"PurgeUpOSDBusy", checkPurgeUpBusy},
	{"CreateDestroyPurge", checkCreateDestroyPurge},
}

func checkOSDList(ctx context.Context, t testing.TB, e *env) {
	osds, err := e.c.OSDs.List(ctx)
	must(t, err, "OSDs.List")
	if len(osds) == 0 {
		t.Fatal("OSDs.List is empty")
	}
	seen := map[int]bool{}
	for _, o := range osds {
		if o.ID != o.OSD {
			t.Errorf("id %d but osd %d", o.ID, o.OSD)
		}
		if seen[o.ID] {
			t.Errorf("osd.%d is listed twice", o.ID)
		}
		seen[o.ID] = true
		if o.Up != 0 && o.Up != 1 || o.In != 0 && o.In != 1 {
			t.Errorf("osd.%d: up %d in %d, want 0 or 1", o.ID, o.Up, o.In)
		}
		if !slices.Contains(o.State, "exists") {
			t.Errorf("osd.%d: state %v lacks exists", o.ID, o.State)
		}
		if (o.Up == 1) != slices.Contains(o.State, "up") {
			t.Errorf("osd.%d: up=%d but state %v", o.ID, o.Up, o.State)
		}
		if o.Tree.ID != o.ID || o.Tree.Name != fmt.Sprintf("osd.%d", o.ID) {
			t.Errorf("osd.%d: tree node is %d %q", o.ID, o.Tree.ID, o.Tree.Name)
		}
		if o.Host.Name == "" || o.Host.Type != "host" || !slices.Contains(o.Host.Children, o.ID) {
			t.Errorf("osd.%d: host is %+v, want the host bucket holding it", o.ID, o.Host)
		}
	}
}

func checkOSDGet(ctx context.Context, t testing.TB, e *env) {
	o := firstOSD(ctx, t, e)
	d, err := e.c.OSDs.Get(ctx, o.ID)
	must(t, err, "OSDs.Get(%d)", o.ID)
	if d.OSDMap.ID != o.ID || d.OSDMap.OSD != o.ID {
		t.Errorf("Get(%d) returned osd_map for id %d / osd %d", o.ID, d.OSDMap.ID, d.OSDMap.OSD)
	}
	if d.OSDMap.Up != o.Up || d.OSDMap.In != o.In {
		t.Errorf("Get(%d): up/in %d/%d, List says %d/%d", o.ID, d.OSDMap.Up, d.OSDMap.In, o.Up, o.In)
	}
}

func checkOSDTree(ctx context.Context, t testing.TB, e *env) {
	osds, err := e.c.OSDs.List(ctx)
	must(t, err, "OSDs.List")
	tree, err := e.c.OSDs.Tree(ctx)
	must(t, err, "OSDs.Tree")
	count := map[int]int{}
	byID := map[int]osd.TreeNode{}
	for _, n := range append(slices.Clone(tree.Nodes), tree.Stray...) {
		if n.IsOSD() {
			count[n.ID]++
		}
		byID[n.ID] = n
	}
	for _, o := range osds {
		if count[o.ID] != 1 {
			t.Errorf("osd.%d appears %d times in the tree, want once", o.ID, count[o.ID])
		}
	}
	if len(count) != len(osds) {
		t.Errorf("the tree has %d OSDs, the list %d", len(count), len(osds))
	}
	roots := 0
	for _, n := range tree.Nodes {
		if n.Type == "root" {
			roots++
		}
		for _, c := range n.Children {
			if _, ok := byID[c]; !ok {
				t.Errorf("node %s has child %d, which is not in the tree", n.Name, c)
			}
		}
		if n.IsOSD() != (n.Type == "osd") {
			t.Errorf("node %d %q has type %q", n.ID, n.Name, n.Type)
		}
	}
	if roots == 0 && len(tree.Nodes) > 0 {
		t.Error("the tree has nodes but no root")
	}
}

// markRestore registers putting the OSD back in when it was in.
func markRestore(t testing.TB, e *env, o osd.OSD) {
	e.cleanup(t, fmt.Sprintf("mark osd.%d in", o.ID), func(ctx context.Context) error {
		cur, err := osdEntry(ctx, e, o.ID)
		if err != nil || cur.In == o.In {
			return err
		}
		return e.c.OSDs.Mark(ctx, []int{o.ID}, osd.In)
	})
}

func waitOSD(ctx context.Context, t testing.TB, e *env, id int, what string, cond func(ceph.OSDMapEntry) bool) {
	t.Helper()
	e.eventually(ctx, t, fmt.Sprintf("osd.%d %s", id, what), func(ctx context.Context) (bool, string, error) {
		m, err := osdEntry(ctx, e, id)
		if err != nil {
			return false, "", err
		}
		return cond(m), fmt.Sprintf("up %d in %d weight %v state %v", m.Up, m.In, m.Weight, m.State), nil
	})
}

func checkOSDMarkOutIn(ctx context.Context, t testing.TB, e *env) {
	o := firstUpInOSD(ctx, t, e)
	markRestore(t, e, o)
	must(t, e.c.OSDs.Mark(ctx, []int{o.ID}, osd.Out), "OSDs.Mark(%d, out)", o.ID)
	waitOSD(ctx, t, e, o.ID, "out", func(m ceph.OSDMapEntry) bool { return m.In == 0 })
	must(t, e.c.OSDs.Mark(ctx, []int{o.ID}, osd.In), "OSDs.Mark(%d, in)", o.ID)
	waitOSD(ctx, t, e, o.ID, "in", func(m ceph.OSDMapEntry) bool { return m.In == 1 })
}

func checkOSDMarkLostUp(ctx context.Context, t testing.TB, e *env) {
	o := firstUpInOSD(ctx, t, e)
	// Real Ceph: EBUSY "osd.N is not down".
	err := e.c.OSDs.Mark(ctx, []int{o.ID}, osd.Lost)
	wantErr(t, err, ceph.ErrBusy, "OSDs.Mark(%d, lost) on an up OSD", o.ID)
	m, err := osdEntry(ctx, e, o.ID)
	must(t, err, "OSDs.Get(%d)", o.ID)
	if m.Up != 1 || m.LostAt != o.LostAt {
		t.Errorf("osd.%d changed after a refused lost mark: up %d lost_at %d (was %d)", o.ID, m.Up, m.LostAt, o.LostAt)
	}
}

func checkOSDReweight(ctx context.Context, t testing.TB, e *env) {
	o := firstUpInOSD(ctx, t, e)
	orig := o.Weight
	e.cleanup(t, fmt.Sprintf("reweight osd.%d to %v", o.ID, orig), func(ctx context.Context) error {
		return e.c.OSDs.Reweight(ctx, o.ID, orig)
	})
	near := func(a, b float64) bool { return math.Abs(a-b) < 0.01 }
	must(t, e.c.OSDs.Reweight(ctx, o.ID, 0.5), "OSDs.Reweight(%d, 0.5)", o.ID)
	waitOSD(ctx, t, e, o.ID, "reweighted to 0.5", func(m ceph.OSDMapEntry) bool { return near(m.Weight, 0.5) })
	must(t, e.c.OSDs.Reweight(ctx, o.ID, orig), "OSDs.Reweight(%d, %v)", o.ID, orig)
	waitOSD(ctx, t, e, o.ID, fmt.Sprintf("reweighted back to %v", orig), func(m ceph.OSDMapEntry) bool { return near(m.Weight, orig) })
}

func checkOSDScrub(ctx context.Context, t testing.TB, e *env) {
	o := firstUpInOSD(ctx, t, e)
	must(t, e.c.OSDs.Scrub(ctx, o.ID, false), "OSDs.Scrub(%d)", o.ID)
	must(t, e.c.OSDs.Scrub(ctx, o.ID, true), "OSDs.Scrub(%d, deep)", o.ID)
}

func checkOSDSettings(ctx context.Context, t testing.TB, e *env) {
	s, err := e.c.OSDs.Settings(ctx)
	must(t, err, "OSDs.Settings")
	in01 := func(v float64) bool { return v > 0 && v <= 1 }
	if !in01(s.NearfullRatio) || !in01(s.FullRatio) {
		t.Errorf("ratios nearfull %v full %v, want both in (0, 1]", s.NearfullRatio, s.FullRatio)
	}
	if s.NearfullRatio > s.FullRatio {
		t.Errorf("nearfull ratio %v is above the full ratio %v", s.NearfullRatio, s.FullRatio)
	}
}

// deviceClass reads an OSD's device class from the CRUSH tree.
func deviceClass(ctx context.Context, e *env, id int) (string, error) {
	tree, err := e.c.OSDs.Tree(ctx)
	if err != nil {
		return "", err
	}
	for _, n := range append(slices.Clone(tree.Nodes), tree.Stray...) {
		if n.ID == id {
			return n.DeviceClass, nil
		}
	}
	return "", ceph.Errorf(ceph.NotFound, "osd", "osd.%d is not in the tree", id)
}

func checkOSDSetDeviceClass(ctx context.Context, t testing.TB, e *env) {
	o := firstOSD(ctx, t, e)
	orig, err := deviceClass(ctx, e, o.ID)
	must(t, err, "reading osd.%d's device class", o.ID)
	want := "ssd"
	if orig == want {
		want = "hdd"
	}
	e.cleanup(t, fmt.Sprintf("restore osd.%d's device class %q", o.ID, orig), func(ctx context.Context) error {
		cur, err := deviceClass(ctx, e, o.ID)
		if err != nil || cur == orig {
			return err
		}
		return e.c.OSDs.SetDeviceClass(ctx, o.ID, orig)
	})
	waitClass := func(class string) {
		t.Helper()
		e.eventually(ctx, t, fmt.Sprintf("osd.%d device class %q", o.ID, class), func(ctx context.Context) (bool, string, error) {
			got, err := deviceClass(ctx, e, o.ID)
			return got == class, fmt.Sprintf("class %q", got), err
		})
	}
	must(t, e.c.OSDs.SetDeviceClass(ctx, o.ID, want), "OSDs.SetDeviceClass(%d, %s)", o.ID, want)
	waitClass(want)
	must(t, e.c.OSDs.SetDeviceClass(ctx, o.ID, orig), "OSDs.SetDeviceClass(%d, %q)", o.ID, orig)
	waitClass(orig)
}

func checkOSDDevices(ctx context.Context, t testing.TB, e *env) {
	o := firstOSD(ctx, t, e)
	devs, err := e.c.OSDs.Devices(ctx, o.ID)
	must(t, err, "OSDs.Devices(%d)", o.ID)
	for _, d := range devs {
		if d.DevID == "" {
			t.Errorf("osd.%d: a device has no id: %+v", o.ID, d)
		}
		if !slices.Contains(d.Daemons, fmt.Sprintf("osd.%d", o.ID)) {
			t.Errorf("osd.%d: device %s does not name the OSD among its daemons %v", o.ID, d.DevID, d.Daemons)
		}
	}
}

// ----------------------------------------------------------------- flags --

// saveFlags records the cluster flags and registers their restoration.
func saveFlags(ctx context.Context, t testing.TB, e *env) []string {
	t.Helper()
	orig, err := e.c.OSDFlags.List(ctx)
	must(t, err, "OSDFlags.List")
	orig = sortedCopy(orig)
	e.cleanup(t, fmt.Sprintf("restore the OSD flags %v", orig), func(ctx context.Context) error {
		cur, err := e.c.OSDFlags.List(ctx)
		if err != nil || slices.Equal(sortedCopy(cur), orig) {
			return err
		}
		_, err = e.c.OSDFlags.Set(ctx, orig)
		return err
	})
	return orig
}

func checkFlagsList(ctx context.Context, t testing.TB, e *env) {
	flags, err := e.c.OSDFlags.List(ctx)
	must(t, err, "OSDFlags.List")
	if !slices.Contains(flags, "sortbitwise") {
		t.Errorf("flags %v lack sortbitwise, which every cluster since Luminous has", flags)
	}
	if !slices.IsSorted(flags) {
		t.Errorf("flags %v are not sorted", flags)
	}
	if slices.Contains(flags, "pauserd") || slices.Contains(flags, "pausewr") {
		t.Errorf("flags %v show pauserd/pausewr; the API reports them as pause", flags)
	}
}

// unsetFlag returns the first of candidates that is not in set, skipping
// the test when all are.
func unsetFlag(t testing.TB, set []string, candidates ...string) string {
	t.Helper()
	for _, f := range candidates {
		if !slices.Contains(set, f) {
			return f
		}
	}
	t.Skipf("%v are all set already: %v", candidates, set)
	return ""
}

func checkFlagsSetAndRestore(ctx context.Context, t testing.TB, e *env) {
	orig := saveFlags(ctx, t, e)
	flag := unsetFlag(t, orig, "noout", "noscrub", "nodeep-scrub")
	want := sortedCopy(append(slices.Clone(orig), flag))
	got, err := e.c.OSDFlags.Set(ctx, want)
	must(t, err, "OSDFlags.Set(%v)", want)
	if !slices.Equal(sortedCopy(got), want) {
		t.Errorf("Set returned %v, want %v", got, want)
	}
	waitFlags(ctx, t, e, want)
	if flag == "noout" {
		// Real Ceph raises OSDMAP_FLAGS for noout (and friends).
		e.eventually(ctx, t, "health check OSDMAP_FLAGS", func(ctx context.Context) (bool, string, error) {
			ok, types, err := healthHas(ctx, e, "OSDMAP_FLAGS")
			return ok, fmt.Sprint(types), err
		})
	}
	got, err = e.c.OSDFlags.Set(ctx, orig)
	must(t, err, "OSDFlags.Set(%v)", orig)
	if !slices.Equal(sortedCopy(got), orig) {
		t.Errorf("Set returned %v, want %v", got, orig)
	}
	waitFlags(ctx, t, e, orig)
}

func waitFlags(ctx context.Context, t testing.TB, e *env, want []string) {
	t.Helper()
	e.eventually(ctx, t, fmt.Sprintf("flags %v", want), func(ctx context.Context) (bool, string, error) {
		got, err := e.c.OSDFlags.List(ctx)
		return slices.Equal(sortedCopy(got), want), fmt.Sprint(got), err
	})
}

func without(s []string, x string) []string {
	return slices.DeleteFunc(slices.Clone(s), func(v string) bool { return v == x })
}

func checkFlagsPermanent(ctx context.Context, t testing.TB, e *env) {
	orig := saveFlags(ctx, t, e)
	if !slices.Contains(orig, "sortbitwise") {
		t.Skipf("sortbitwise is not set: %v", orig)
	}
	_, err := e.c.OSDFlags.Set(ctx, without(orig, "sortbitwise"))
	wantErr(t, err, ceph.ErrInvalidArgument, "OSDFlags.Set without sortbitwise")
	now, err := e.c.OSDFlags.List(ctx)
	must(t, err, "OSDFlags.List")
	if !slices.Equal(sortedCopy(now), orig) {
		t.Errorf("a refused Set changed the flags from %v to %v", orig, now)
	}
}

// checkFlagsPurgedSnapshots: the purged-snapshots flag (the dashboard
// documents it as purged_snapshots; Ceph 16 reports purged_snapdirs) can
// neither be unset nor newly set.
func checkFlagsPurgedSnapshots(ctx context.Context, t testing.TB, e *env) {
	orig := saveFlags(ctx, t, e)
	for _, f := range []string{"purged_snapshots", "purged_snapdirs"} {
		if slices.Contains(orig, f) {
			_, err := e.c.OSDFlags.Set(ctx, without(orig, f))
			wantErr(t, err, ceph.ErrInvalidArgument, "OSDFlags.Set without %s", f)
		} else if f == "purged_snapshots" {
			_, err := e.c.OSDFlags.Set(ctx, append(slices.Clone(orig), f))
			wantErr(t, err, ceph.ErrInvalidArgument, "OSDFlags.Set adding %s", f)
		}
	}
	now, err := e.c.OSDFlags.List(ctx)
	must(t, err, "OSDFlags.List")
	if !slices.Equal(sortedCopy(now), orig) {
		t.Errorf("refused Sets changed the flags from %v to %v", orig, now)
	}
}

func individualHas(ctx context.Context, e *env, id int, flag string) (bool, string, error) {
	states, err := e.c.OSDFlags.Individual(ctx)
	if err != nil {
		return false, "", err
	}
	for _, s := range states {
		if s.OSD == id {
			return slices.Contains(s.Flags, flag), fmt.Sprint(s.Flags), nil
		}
	}
	return false, fmt.Sprintf("osd.%d not listed", id), nil
}

func checkFlagsIndividual(ctx context.Context, t testing.TB, e *env) {
	o := firstOSD(ctx, t, e)
	had, _, err := individualHas(ctx, e, o.ID, "noout")
	must(t, err, "OSDFlags.Individual")
	if had {
		t.Skipf("osd.%d has noout already", o.ID)
	}
	e.cleanup(t, fmt.Sprintf("unset noout on osd.%d", o.ID), func(ctx context.Context) error {
		_, err := e.c.OSDFlags.SetIndividual(ctx, []int{o.ID}, map[string]bool{"noout": false})
		return err
	})
	res, err := e.c.OSDFlags.SetIndividual(ctx, []int{o.ID}, map[string]bool{"noout": true})
	must(t, err, "OSDFlags.SetIndividual(%d, noout)", o.ID)
	if !slices.Equal(res.Added, []string{"noout"}) || len(res.Removed) != 0 || !slices.Equal(res.IDs, []int{o.ID}) {
		t.Errorf("SetIndividual returned %+v, want added [noout] for [%d]", *res, o.ID)
	}
	e.eventually(ctx, t, fmt.Sprintf("osd.%d has noout", o.ID), func(ctx context.Context) (bool, string, error) {
		return individualHas(ctx, e, o.ID, "noout")
	})
	// Real Ceph raises OSD_FLAGS for per-OSD flags.
	e.eventually(ctx, t, "health check OSD_FLAGS", func(ctx context.Context) (bool, string, error) {
		ok, types, err := healthHas(ctx, e, "OSD_FLAGS")
		return ok, fmt.Sprint(types), err
	})
	res, err = e.c.OSDFlags.SetIndividual(ctx, []int{o.ID}, map[string]bool{"noout": false})
	must(t, err, "OSDFlags.SetIndividual(%d, noout=false)", o.ID)
	if !slices.Equal(res.Removed, []string{"noout"}) || len(res.Added) != 0 {
		t.Errorf("SetIndividual returned %+v, want removed [noout]", *res)
	}
	e.eventually(ctx, t, fmt.Sprintf("osd.%d without noout", o.ID), func(ctx context.Context) (bool, string, error) {
		has, state, err := individualHas(ctx, e, o.ID, "noout")
		return !has, state, err
	})
}

// ------------------------------------------------------------- lifecycle --

func checkSafeToDestroyUp(ctx context.Context, t testing.TB, e *env) {
	o := firstUpInOSD(ctx, t, e)
	r, err := e.c.OSDLifecycle.SafeToDestroy(ctx, []int{o.ID})
	must(t, err, "OSDLifecycle.SafeToDestroy(%d)", o.ID)
	// An up OSD is active, so never safe to destroy.
	if r.IsSafeToDestroy {
		t.Errorf("up osd.%d is reported safe to destroy: %+v", o.ID, *r)
	}
	if slices.Contains(r.SafeToDestroy, o.ID) {
		t.Errorf("up osd.%d is listed in safe_to_destroy: %+v", o.ID, *r)
	}
}

// checkUpStays checks that a refused call left the OSD up and not destroyed.
func checkUpStays(ctx context.Context, t testing.TB, e *env, id int) {
	t.Helper()
	m, err := osdEntry(ctx, e, id)
	must(t, err, "OSDs.Get(%d)", id)
	if m.Up != 1 || slices.Contains(m.State, "destroyed") {
		t.Errorf("osd.%d changed after a refused call: up %d state %v", id, m.Up, m.State)
	}
}

func checkDestroyUpBusy(ctx context.Context, t testing.TB, e *env) {
	o := firstUpInOSD(ctx, t, e)
	// Real Ceph: EBUSY "osd.N is not `down`".
	wantErr(t, e.c.OSDLifecycle.Destroy(ctx, o.ID), ceph.ErrBusy, "OSDLifecycle.Destroy(%d) on an up OSD", o.ID)
	checkUpStays(ctx, t, e, o.ID)
}

func checkPurgeUpBusy(ctx context.Context, t testing.TB, e *env) {
	o := firstUpInOSD(ctx, t, e)
	wantErr(t, e.c.OSDLifecycle.Purge(ctx, o.ID), ceph.ErrBusy, "OSDLifecycle.Purge(%d) on an up OSD", o.ID)
	checkUpStays(ctx, t, e, o.ID)
}

// checkCreateDestroyPurge creates a bare OSD (no daemon: it never comes
// up) under the first OSD's host, then destroys and purges it.
func checkCreateDestroyPurge(ctx context.Context, t testing.TB, e *env) {
	host := firstOSD(ctx, t, e).Host.Name
	if host == "" {
		t.Skip("the first OSD has no host")
	}
	id, err := e.c.OSDLifecycle.Create(ctx, &osd.CreateOptions{Host: host, Weight: 0.001})
	must(t, err, "OSDLifecycle.Create(host %s)", host)
	e.cleanup(t, fmt.Sprintf("purge osd.%d", id), func(ctx context.Context) error {
		return e.c.OSDLifecycle.Purge(ctx, id)
	})
	m, err := osdEntry(ctx, e, id)
	must(t, err, "OSDs.Get(new osd.%d)", id)
	// Real 16.2.15: `osd new` leaves the OSD down, in (weight 1) and "new".
	if m.Up != 0 || m.In != 1 || !slices.Contains(m.State, "new") {
		t.Errorf("new osd.%d without a daemon: up %d in %d weight %v state %v; want down, in, new", id, m.Up, m.In, m.Weight, m.State)
	}
	// Keep data off it while it exists.
	if err := e.c.OSDs.Mark(ctx, []int{id}, osd.Out); err != nil && !errors.Is(err, ceph.ErrUnimplemented) {
		t.Errorf("OSDs.Mark(%d, out): %v", id, err)
	}
	tree, err := e.c.OSDs.Tree(ctx)
	must(t, err, "OSDs.Tree")
	var parent string
	for _, n := range tree.Nodes {
		if slices.Contains(n.Children, id) {
			parent = n.Name
		}
	}
	if parent != host {
		t.Errorf("new osd.%d is under %q in the tree, want %q", id, parent, host)
	}

	must(t, e.c.OSDLifecycle.Destroy(ctx, id), "OSDLifecycle.Destroy(%d)", id)
	waitOSD(ctx, t, e, id, "destroyed", func(m ceph.OSDMapEntry) bool { return slices.Contains(m.State, "destroyed") })
	must(t, e.c.OSDLifecycle.Purge(ctx, id), "OSDLifecycle.Purge(%d)", id)
	_, err = e.c.OSDs.Get(ctx, id)
	wantErr(t, err, ceph.ErrNotFound, "OSDs.Get(purged osd.%d)", id)
	e.eventually(ctx, t, fmt.Sprintf("osd.%d gone from the list and the tree", id), func(ctx context.Context) (bool, string, error) {
		osds, err := e.c.OSDs.List(ctx)
		if err != nil {
			return false, "", err
		}
		if slices.ContainsFunc(osds, func(o osd.OSD) bool { return o.ID == id }) {
			return false, "still listed", nil
		}
		_, err = deviceClass(ctx, e, id)
		if errors.Is(err, ceph.ErrNotFound) {
			return true, "", nil
		}
		return false, "still in the tree", err
	})
}
