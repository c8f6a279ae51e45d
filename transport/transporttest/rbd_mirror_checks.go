package transporttest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/rbd"
)

var rbdMirrorChecks = []check{
	{"SiteName", checkMirrorSiteName},
	{"PoolMode", checkMirrorPoolMode},
	{"Peers", checkMirrorPeers},
	{"BootstrapToken", checkMirrorBootstrapToken},
	{"SnapshotImage", checkMirrorSnapshotImage},
	{"JournalImage", checkMirrorJournalImage},
	{"Summary", checkMirrorSummary},
	{"BadArguments", checkMirrorBadArguments},
}

// mirrorPool is rbdPool with the pool's mirroring in mode (skipping when
// the transport has no mirroring); the mode is set back to disabled
// after the test (peers first).
func mirrorPool(ctx context.Context, t testing.TB, e *env, mode rbd.MirrorMode) string {
	t.Helper()
	pool := rbdPool(ctx, t, e)
	got, err := e.c.RBD.Mirroring.PoolMode(ctx, pool)
	must(t, err, "Mirroring.PoolMode(%s)", pool)
	if got != rbd.MirrorDisabled {
		t.Errorf("a new pool's mirror mode is %q, want disabled", got)
	}
	if mode != rbd.MirrorDisabled {
		setPoolMode(ctx, t, e, pool, mode)
	}
	return pool
}

func setPoolMode(ctx context.Context, t testing.TB, e *env, pool string, mode rbd.MirrorMode) {
	t.Helper()
	must(t, e.c.RBD.Mirroring.SetPoolMode(ctx, pool, mode), "Mirroring.SetPoolMode(%s, %s)", pool, mode)
	e.eventually(ctx, t, fmt.Sprintf("pool %s in mirror mode %s", pool, mode), func(ctx context.Context) (bool, string, error) {
		got, err := e.c.RBD.Mirroring.PoolMode(ctx, pool)
		return got == mode, string(got), err
	})
}

func checkMirrorSiteName(ctx context.Context, t testing.TB, e *env) {
	old, err := e.c.RBD.Mirroring.SiteName(ctx)
	must(t, err, "Mirroring.SiteName")
	if old == "" {
		t.Fatal("the site name is empty (librbd answers the fsid when none is set)")
	}
	name := uniqueName("site")
	must(t, e.c.RBD.Mirroring.SetSiteName(ctx, name), "Mirroring.SetSiteName(%s)", name)
	e.cleanup(t, "restore the site name", func(ctx context.Context) error { return e.c.RBD.Mirroring.SetSiteName(ctx, old) })
	got, err := e.c.RBD.Mirroring.SiteName(ctx)
	must(t, err, "Mirroring.SiteName")
	if got != name {
		t.Errorf("site name %q after setting %q", got, name)
	}
}

func checkMirrorPoolMode(ctx context.Context, t testing.TB, e *env) {
	pool := mirrorPool(ctx, t, e, rbd.MirrorPerImage)
	setPoolMode(ctx, t, e, pool, rbd.MirrorPool)
	setPoolMode(ctx, t, e, pool, rbd.MirrorPerImage)
	setPoolMode(ctx, t, e, pool, rbd.MirrorDisabled)
	_, err := e.c.RBD.Mirroring.PoolMode(ctx, uniqueName("missing"))
	wantErr(t, err, ceph.ErrNotFound, "Mirroring.PoolMode(a missing pool)")
}

func addPeer(ctx context.Context, t testing.TB, e *env, pool string, o *rbd.PeerOptions) string {
	t.Helper()
	uuid, err := e.c.RBD.Peers.Add(ctx, pool, o)
	must(t, err, "Peers.Add(%s, %s)", pool, o.SiteName)
	e.cleanup(t, "delete peer "+uuid, func(ctx context.Context) error { return e.c.RBD.Peers.Delete(ctx, pool, uuid) })
	if uuid == "" {
		t.Fatal("Peers.Add returned no uuid")
	}
	return uuid
}

func checkMirrorPeers(ctx context.Context, t testing.TB, e *env) {
	pool := mirrorPool(ctx, t, e, rbd.MirrorDisabled)
	site := uniqueName("peer")
	_, err := e.c.RBD.Peers.Add(ctx, pool, &rbd.PeerOptions{SiteName: site, ClientID: "admin"})
	wantErr(t, err, ceph.ErrFailedPrecondition, "Peers.Add(to a pool with mirroring disabled)")
	setPoolMode(ctx, t, e, pool, rbd.MirrorPerImage)

	uuid := addPeer(ctx, t, e, pool, &rbd.PeerOptions{SiteName: site, ClientID: "admin", MonHost: new("127.0.0.9:6789"), Key: new("AQAAAAAAAAAAABAAAAAAAAAAAAAAAAAAAAAAAA==")})
	list, err := e.c.RBD.Peers.List(ctx, pool)
	must(t, err, "Peers.List(%s)", pool)
	if !slices.Equal(list, []string{uuid}) {
		t.Errorf("peers %v, want [%s]", list, uuid)
	}
	p, err := e.c.RBD.Peers.Get(ctx, pool, uuid)
	must(t, err, "Peers.Get(%s, %s)", pool, uuid)
	want := rbd.Peer{UUID: uuid, Direction: rbd.PeerRxTx, SiteName: site, ClusterName: site, ClientID: "admin",
		MonHost: "127.0.0.9:6789", Key: "AQAAAAAAAAAAABAAAAAAAAAAAAAAAAAAAAAAAA=="}
	if *p != want {
		t.Errorf("peer %+v, want %+v", *p, want)
	}
	_, err = e.c.RBD.Peers.Add(ctx, pool, &rbd.PeerOptions{SiteName: site, ClientID: "other"})
	wantErr(t, err, ceph.ErrAlreadyExists, "Peers.Add(the same site again)")

	// Mirroring cannot be disabled while the pool has a peer.
	wantErr(t, e.c.RBD.Mirroring.SetPoolMode(ctx, pool, rbd.MirrorDisabled), ceph.ErrBusy, "Mirroring.SetPoolMode(disabled, with a peer)")

	site2 := uniqueName("peer")
	must(t, e.c.RBD.Peers.Update(ctx, pool, uuid, &rbd.PeerOptions{SiteName: site2, ClientID: "mirror", MonHost: new("127.0.0.10:6789")}),
		"Peers.Update(%s)", uuid)
	p, err = e.c.RBD.Peers.Get(ctx, pool, uuid)
	must(t, err, "Peers.Get(%s) after Update", uuid)
	want.SiteName, want.ClusterName, want.ClientID, want.MonHost = site2, site2, "mirror", "127.0.0.10:6789"
	if *p != want {
		t.Errorf("updated peer %+v, want %+v (the key left alone)", *p, want)
	}

	must(t, e.c.RBD.Peers.Delete(ctx, pool, uuid), "Peers.Delete(%s)", uuid)
	_, err = e.c.RBD.Peers.Get(ctx, pool, uuid)
	wantErr(t, err, ceph.ErrNotFound, "Peers.Get(a deleted peer)")
	// librbd removes a peer that is not there without complaint
	must(t, e.c.RBD.Peers.Delete(ctx, pool, uuid), "Peers.Delete(a deleted peer)")
	list, err = e.c.RBD.Peers.List(ctx, pool)
	must(t, err, "Peers.List(%s)", pool)
	if len(list) != 0 {
		t.Errorf("peers %v after the delete, want none", list)
	}
}

func checkMirrorBootstrapToken(ctx context.Context, t testing.TB, e *env) {
	pool := mirrorPool(ctx, t, e, rbd.MirrorDisabled)
	_, err := e.c.RBD.Mirroring.CreateBootstrapToken(ctx, pool)
	wantErr(t, err, ceph.ErrInvalidArgument, "Mirroring.CreateBootstrapToken(a pool with mirroring disabled)")
	setPoolMode(ctx, t, e, pool, rbd.MirrorPerImage)
	tok, err := e.c.RBD.Mirroring.CreateBootstrapToken(ctx, pool)
	must(t, err, "Mirroring.CreateBootstrapToken(%s)", pool)
	raw, err := base64.StdEncoding.DecodeString(tok)
	if err != nil {
		t.Fatalf("the token is not base64: %v", err)
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("the token is not a JSON object of strings: %v (%s)", err, raw)
	}
	if m["fsid"] == "" || m["client_id"] != "rbd-mirror-peer" || m["key"] == "" || m["mon_host"] == "" {
		t.Errorf("token %s: want fsid, client_id rbd-mirror-peer, key and mon_host", raw)
	}
	// The cluster's own token cannot be imported (librbd's EINVAL).
	wantErr(t, e.c.RBD.Mirroring.ImportBootstrapToken(ctx, pool, rbd.PeerRxTx, tok), ceph.ErrInvalidArgument, "Mirroring.ImportBootstrapToken(the cluster's own token)")
	wantErr(t, e.c.RBD.Mirroring.ImportBootstrapToken(ctx, pool, rbd.PeerRx, "garbage"), ceph.ErrInvalidArgument, "Mirroring.ImportBootstrapToken(garbage)")
	wantErr(t, e.c.RBD.Mirroring.ImportBootstrapToken(ctx, pool, rbd.PeerTx, tok), ceph.ErrInvalidArgument, "Mirroring.ImportBootstrapToken(direction tx)")
	_, err = e.c.RBD.Mirroring.CreateBootstrapToken(ctx, uniqueName("missing"))
	if err == nil {
		t.Error("Mirroring.CreateBootstrapToken(a missing pool): no error")
	}
}

// mirroredImage creates an image and registers the disabling of its
// mirroring before its delete (cleanups run last first).
func mirroredImage(ctx context.Context, t testing.TB, e *env, pool string, features []string) rbd.ImageSpec {
	t.Helper()
	spec := rbd.ImageSpec{Pool: pool, Name: uniqueName("mirr")}
	must(t, e.c.RBD.Images.Create(ctx, spec, &rbd.CreateOptions{Size: 4 << 20, Features: features}), "Images.Create(%s)", spec)
	e.cleanup(t, "delete image "+spec.String(), func(ctx context.Context) error { return e.c.RBD.Images.Delete(ctx, spec) })
	e.cleanup(t, "disable mirroring of "+spec.String(), func(ctx context.Context) error {
		return e.c.RBD.Mirroring.DisableImage(ctx, spec, false)
	})
	return spec
}

func waitImageMirror(ctx context.Context, t testing.TB, e *env, spec rbd.ImageSpec, state string) *rbd.ImageMirrorInfo {
	t.Helper()
	var info *rbd.ImageMirrorInfo
	e.eventually(ctx, t, fmt.Sprintf("mirroring of %s %s", spec, state), func(ctx context.Context) (bool, string, error) {
		var err error
		info, err = e.c.RBD.Mirroring.ImageInfo(ctx, spec)
		if err != nil {
			return false, "", err
		}
		return info.State == state, fmt.Sprintf("%+v", *info), nil
	})
	return info
}

func checkMirrorSnapshotImage(ctx context.Context, t testing.TB, e *env) {
	pool := mirrorPool(ctx, t, e, rbd.MirrorPerImage)
	spec := mirroredImage(ctx, t, e, pool, []string{"layering", "exclusive-lock"})
	info, err := e.c.RBD.Mirroring.ImageInfo(ctx, spec)
	must(t, err, "Mirroring.ImageInfo(%s)", spec)
	if info.State != "disabled" {
		t.Errorf("a new image's mirroring is %+v, want disabled", *info)
	}
	if img := getImage(ctx, t, e, spec); img.MirrorMode != rbd.MirrorJournal {
		t.Errorf("mirror_mode of an image without mirroring %q, want journal (librbd's answer)", img.MirrorMode)
	}
	must(t, e.c.RBD.Mirroring.EnableImage(ctx, spec, rbd.MirrorSnapshot), "Mirroring.EnableImage(%s, snapshot)", spec)
	info = waitImageMirror(ctx, t, e, spec, "enabled")
	if !info.Primary || info.Mode != rbd.MirrorSnapshot {
		t.Errorf("mirroring %+v, want primary in snapshot mode", *info)
	}
	img := getImage(ctx, t, e, spec)
	if img.MirrorMode != rbd.MirrorSnapshot {
		t.Errorf("mirror_mode %q, want snapshot", img.MirrorMode)
	}
	mirrorSnaps := func(img *rbd.Image) int {
		n := 0
		for _, s := range img.Snapshots {
			if s.Namespace == 3 {
				n++
				if s.MirrorMode != rbd.MirrorSnapshot || !strings.HasPrefix(s.Name, ".mirror.primary.") {
					t.Errorf("mirror snapshot %+v", s)
				}
			}
		}
		return n
	}
	if n := mirrorSnaps(img); n != 1 {
		t.Errorf("%d mirror snapshots after enabling, want 1: %+v", n, img.Snapshots)
	}
	// librbd takes mirror snapshots for peers: none without one
	wantErr(t, e.c.RBD.Mirroring.CreateMirrorSnapshot(ctx, spec), ceph.ErrInvalidArgument, "Mirroring.CreateMirrorSnapshot(without a peer)")
	addPeer(ctx, t, e, pool, &rbd.PeerOptions{SiteName: uniqueName("peer"), ClientID: "admin"})
	must(t, e.c.RBD.Mirroring.CreateMirrorSnapshot(ctx, spec), "Mirroring.CreateMirrorSnapshot(%s)", spec)
	if n := mirrorSnaps(getImage(ctx, t, e, spec)); n < 1 {
		t.Errorf("%d mirror snapshots after CreateMirrorSnapshot", n)
	}

	// The pool cannot go back to disabled while an image is mirrored.
	wantErr(t, e.c.RBD.Mirroring.SetPoolMode(ctx, pool, rbd.MirrorDisabled), ceph.ErrBusy, "Mirroring.SetPoolMode(disabled, with a mirrored image)")

	must(t, e.c.RBD.Mirroring.DisableImage(ctx, spec, false), "Mirroring.DisableImage(%s)", spec)
	waitImageMirror(ctx, t, e, spec, "disabled")
	if img := getImage(ctx, t, e, spec); img.MirrorMode != rbd.MirrorJournal {
		t.Errorf("mirror_mode %q after disabling, want journal", img.MirrorMode)
	}
}

func checkMirrorJournalImage(ctx context.Context, t testing.TB, e *env) {
	pool := mirrorPool(ctx, t, e, rbd.MirrorPerImage)
	spec := mirroredImage(ctx, t, e, pool, []string{"layering", "exclusive-lock"})
	must(t, e.c.RBD.Mirroring.EnableImage(ctx, spec, rbd.MirrorJournal), "Mirroring.EnableImage(%s, journal)", spec)
	info := waitImageMirror(ctx, t, e, spec, "enabled")
	if !info.Primary || info.Mode != rbd.MirrorJournal {
		t.Errorf("mirroring %+v, want primary in journal mode", *info)
	}
	img := getImage(ctx, t, e, spec)
	if !slices.Contains(img.FeaturesName, "journaling") {
		t.Errorf("features %v: journal mirroring adds journaling", img.FeaturesName)
	}

	// A pool in pool mode mirrors its journaled images; image mode is
	// needed to enable one by hand.
	other := mirroredImage(ctx, t, e, pool, []string{"layering"})
	setPoolMode(ctx, t, e, pool, rbd.MirrorPool)
	wantErr(t, e.c.RBD.Mirroring.EnableImage(ctx, other, rbd.MirrorSnapshot), ceph.ErrInvalidArgument, "Mirroring.EnableImage(in a pool in pool mode)")
	setPoolMode(ctx, t, e, pool, rbd.MirrorPerImage)
	must(t, e.c.RBD.Mirroring.DisableImage(ctx, spec, false), "Mirroring.DisableImage(%s)", spec)
	waitImageMirror(ctx, t, e, spec, "disabled")
}

func checkMirrorSummary(ctx context.Context, t testing.TB, e *env) {
	pool := mirrorPool(ctx, t, e, rbd.MirrorPerImage)
	spec := mirroredImage(ctx, t, e, pool, []string{"layering", "exclusive-lock"})
	must(t, e.c.RBD.Mirroring.EnableImage(ctx, spec, rbd.MirrorSnapshot), "Mirroring.EnableImage(%s, snapshot)", spec)
	uuid := addPeer(ctx, t, e, pool, &rbd.PeerOptions{SiteName: uniqueName("peer"), ClientID: "admin"})
	site, err := e.c.RBD.Mirroring.SiteName(ctx)
	must(t, err, "Mirroring.SiteName")

	var sum *rbd.MirrorSummary
	e.eventually(ctx, t, "the summary lists the pool and the image", func(ctx context.Context) (bool, string, error) {
		var err error
		if sum, err = e.c.RBD.Mirroring.Summary(ctx); err != nil {
			return false, "", err
		}
		cd := sum.ContentData
		i := slices.IndexFunc(cd.Pools, func(p rbd.MirrorPoolSummary) bool { return p.Name == pool })
		if i < 0 || cd.Pools[i].MirrorMode != rbd.MirrorPerImage || !slices.Equal(cd.Pools[i].PeerUUIDs, []string{uuid}) {
			return false, fmt.Sprintf("pools %+v", cd.Pools), nil
		}
		listed := false
		for _, list := range [][]rbd.MirrorImageSummary{cd.ImageError, cd.ImageSyncing, cd.ImageReady} {
			for _, im := range list {
				listed = listed || im.PoolName == pool && im.Name == spec.Name
			}
		}
		return listed, "the image is not among the summary's images", nil
	})
	if sum.SiteName != site {
		t.Errorf("summary site name %q, SiteName %q", sum.SiteName, site)
	}
	cd := sum.ContentData
	if len(cd.Daemons) == 0 {
		// Without an rbd-mirror daemon (the memory model, or a cluster
		// without one) the dashboard's rules give: the pool in error, the
		// image's state unknown.
		i := slices.IndexFunc(cd.Pools, func(p rbd.MirrorPoolSummary) bool { return p.Name == pool })
		if p := cd.Pools[i]; p.Health != "Error" || p.HealthColor != "error" {
			t.Errorf("pool %+v without a daemon: want health Error", p)
		}
		j := slices.IndexFunc(cd.ImageError, func(im rbd.MirrorImageSummary) bool { return im.PoolName == pool && im.Name == spec.Name })
		if j < 0 || cd.ImageError[j].State != "Unknown" || cd.ImageError[j].StateColor != "warning" {
			t.Errorf("image_error %+v without a daemon: want the image Unknown", cd.ImageError)
		}
	}
	for _, d := range cd.Daemons {
		if d.Health == "" || d.HealthColor == "" || d.InstanceID == "" {
			t.Errorf("daemon %+v: want an instance id and a health", d)
		}
	}
}

func checkMirrorBadArguments(ctx context.Context, t testing.TB, e *env) {
	m := e.c.RBD.Mirroring
	if _, err := m.SiteName(ctx); errors.Is(err, ceph.ErrUnimplemented) {
		t.Skip("no mirroring")
	}
	spec := rbd.ImageSpec{Pool: "rbd", Name: "x"}
	for _, c := range []struct {
		name string
		err  error
	}{
		{"SetSiteName(\"\")", m.SetSiteName(ctx, "")},
		{"SetPoolMode(bogus)", m.SetPoolMode(ctx, "rbd", "bogus")},
		{"ImportBootstrapToken(direction bogus)", m.ImportBootstrapToken(ctx, "rbd", "bogus", "x")},
		{"ImportBootstrapToken(empty token)", m.ImportBootstrapToken(ctx, "rbd", rbd.PeerRx, "")},
		{"EnableImage(mode bogus)", m.EnableImage(ctx, spec, "bogus")},
		{"AddSnapshotSchedule(interval 5s)", m.AddSnapshotSchedule(ctx, spec, "5s")},
		{"Peers.Get(bad uuid)", func() error { _, err := e.c.RBD.Peers.Get(ctx, "rbd", "a/b"); return err }()},
		{"Peers.Add(no site)", func() error { _, err := e.c.RBD.Peers.Add(ctx, "rbd", &rbd.PeerOptions{ClientID: "admin"}); return err }()},
	} {
		wantErr(t, c.err, ceph.ErrInvalidArgument, "Mirroring.%s", c.name)
	}
}
