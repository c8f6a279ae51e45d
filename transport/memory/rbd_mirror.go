package memory

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"sync"
	"weak"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/rbd"
)

// mirroringService models RBD mirroring as librbd keeps it: a site name
// per cluster, a mode and peers per pool, a mirroring state per image.
// The model runs no rbd-mirror daemon, so nothing is copied and the
// summary shows every mirrored image's status as unknown (as the
// dashboard does for a cluster without the daemon). Bootstrap tokens
// work between the memory clusters of one process, as librbd's do
// between real clusters.
type mirroringService struct {
	*backend
	rbd.UnimplementedMirroring
}

// peersService models the peers of each pool.
type peersService struct {
	*backend
	rbd.UnimplementedMirrorPeers
}

var (
	_ rbd.Mirroring   = mirroringService{}
	_ rbd.MirrorPeers = peersService{}
)

// poolMirror is a pool's mirroring: its mode and peers, in the order they
// were added.
type poolMirror struct {
	mode  rbd.MirrorMode
	peers []*rbd.Peer
}

// imageMirror is an image's mirroring once enabled.
type imageMirror struct {
	globalID string
	mode     rbd.ImageMirrorMode
	primary  bool
	schedule string // mirror snapshot interval, "" for none
}

// registry finds the memory clusters of this process by fsid, for
// bootstrap tokens; it holds them weakly.
var registry sync.Map // fsid -> weak.Pointer[cluster]

func register(c *cluster) { registry.Store(c.fsid, weak.Make(c)) }

func lookup(fsid string) *cluster {
	v, ok := registry.Load(fsid)
	if !ok {
		return nil
	}
	return v.(weak.Pointer[cluster]).Value()
}

// newUUID is a random (version 4) UUID: fsids, peer uuids, global ids.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// mirrorLocked is p's mirroring (disabled and without peers by default).
func (c *cluster) mirrorLocked(p *pool) *poolMirror {
	r := c.rbdLocked(p, true)
	if r.mirror == nil {
		r.mirror = &poolMirror{mode: rbd.MirrorDisabled}
	}
	return r.mirror
}

// mirrorView is mirrorLocked for readers.
func (c *cluster) mirrorView(p *pool) *poolMirror {
	if p.rbd == nil || p.rbd.mirror == nil {
		return &poolMirror{mode: rbd.MirrorDisabled}
	}
	return p.rbd.mirror
}

func (c *cluster) siteNameLocked() string {
	if c.mirrorSite != "" {
		return c.mirrorSite
	}
	return c.fsid
}

// peerKey is the cephx secret of the cluster's rbd-mirror-peer user, the
// same for every token of the cluster.
func (c *cluster) peerKey() string {
	h := sha256.Sum256([]byte("rbd-mirror-peer/" + c.fsid))
	return base64.StdEncoding.EncodeToString(append([]byte{1, 0}, h[:26]...))
}

func (c *cluster) monHost() string { return "[v2:127.0.0.1:3300/0,v1:127.0.0.1:6789/0]" }

func (s mirroringService) SiteName(ctx context.Context) (string, error) {
	return view(s.backend, ctx, "RBD.Mirroring.SiteName", nil, func(c *cluster) (string, error) {
		return c.siteNameLocked(), nil
	})
}

func (s mirroringService) SetSiteName(ctx context.Context, name string) error {
	return s.update(ctx, "RBD.Mirroring.SetSiteName", []any{name}, func(c *cluster) error {
		c.mirrorSite = name
		return nil
	})
}

func (s mirroringService) PoolMode(ctx context.Context, pool string) (rbd.MirrorMode, error) {
	return view(s.backend, ctx, "RBD.Mirroring.PoolMode", []any{pool}, func(c *cluster) (rbd.MirrorMode, error) {
		p, err := c.poolByNameOrErr(pool)
		if err != nil {
			return "", err
		}
		return c.mirrorView(p).mode, nil
	})
}

// SetPoolMode follows librbd: disabling needs no peers and no mirrored
// image (EBUSY); pool mode enables journal mirroring of every image with
// the journaling feature.
func (s mirroringService) SetPoolMode(ctx context.Context, pool string, mode rbd.MirrorMode) error {
	return s.update(ctx, "RBD.Mirroring.SetPoolMode", []any{pool, mode}, func(c *cluster) error {
		p, err := c.poolByNameOrErr(pool)
		if err != nil {
			return err
		}
		return c.setPoolModeLocked(p, mode)
	})
}

func (c *cluster) setPoolModeLocked(p *pool, mode rbd.MirrorMode) error {
	pm := c.mirrorLocked(p)
	if mode == pm.mode {
		return nil
	}
	if mode == rbd.MirrorDisabled {
		if len(pm.peers) > 0 {
			return ceph.Errorf(ceph.Busy, "rbd", "mirror peers still registered in pool %s: RBD image is busy (error setting mirror mode)", p.name)
		}
		for _, img := range p.images {
			if img.mirror != nil {
				return ceph.Errorf(ceph.Busy, "rbd", "mirroring is enabled on one or more images of pool %s: RBD image is busy (error setting mirror mode)", p.name)
			}
		}
	}
	pm.mode = mode
	if mode == rbd.MirrorPool {
		for _, k := range sortedKeys(p.images) {
			img := p.images[k]
			if img.mirror == nil && img.features&rbdFeatureBits["journaling"] != 0 {
				img.mirror = &imageMirror{globalID: newUUID(), mode: rbd.MirrorJournal, primary: true}
			}
		}
	}
	return nil
}

// bootstrapToken is what a token holds (base64 JSON), as librbd's.
type bootstrapToken struct {
	FSID     string `json:"fsid"`
	ClientID string `json:"client_id"`
	Key      string `json:"key"`
	MonHost  string `json:"mon_host"`
}

// CreateBootstrapToken needs mirroring enabled on the pool (librbd:
// EINVAL otherwise).
func (s mirroringService) CreateBootstrapToken(ctx context.Context, pool string) (string, error) {
	return view(s.backend, ctx, "RBD.Mirroring.CreateBootstrapToken", []any{pool}, func(c *cluster) (string, error) {
		p, err := c.poolByNameOrErr(pool)
		if err != nil {
			return "", err
		}
		if c.mirrorView(p).mode == rbd.MirrorDisabled {
			return "", ceph.Errorf(ceph.InvalidArgument, "rbd", "mirroring is not enabled on pool %s: RBD invalid argument (error creating bootstrap token)", pool)
		}
		b, err := json.Marshal(bootstrapToken{FSID: c.fsid, ClientID: "rbd-mirror-peer", Key: c.peerKey(), MonHost: c.monHost()})
		if err != nil {
			return "", err
		}
		return base64.StdEncoding.EncodeToString(b), nil
	})
}

// ImportBootstrapToken adds the token's cluster (a memory cluster of this
// process) as a peer of the pool, and with rx-tx this cluster as a peer of
// the remote pool; a pool with mirroring disabled takes the remote's mode.
func (s mirroringService) ImportBootstrapToken(ctx context.Context, pool string, direction rbd.PeerDirection, token string) error {
	if err := s.enter(ctx, "RBD.Mirroring.ImportBootstrapToken", pool, direction, "<token>"); err != nil {
		return err
	}
	var tok bootstrapToken
	raw, err := base64.StdEncoding.DecodeString(token)
	if err == nil {
		err = json.Unmarshal(raw, &tok)
	}
	if err != nil || tok.FSID == "" || tok.ClientID == "" || tok.Key == "" || tok.MonHost == "" {
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "RBD invalid argument (error importing bootstrap token)")
	}
	c := s.c
	if tok.FSID == c.fsid {
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "cannot import a token of the local cluster: RBD invalid argument (error importing bootstrap token)")
	}
	remote := lookup(tok.FSID)
	if remote == nil {
		return ceph.Errorf(ceph.Unavailable, "rbd", "cannot connect to the remote cluster %s at %s", tok.FSID, tok.MonHost)
	}
	// Both clusters are written: their locks are taken in fsid order, so
	// that two imports the other way round cannot deadlock.
	first, second := c, remote
	if remote.fsid < c.fsid {
		first, second = remote, c
	}
	first.mu.Lock()
	defer first.mu.Unlock()
	second.mu.Lock()
	defer second.mu.Unlock()
	p, err := c.poolByNameOrErr(pool)
	if err != nil {
		return err
	}
	rp, err := remote.poolByNameOrErr(pool)
	if err != nil {
		return ceph.Errorf(ceph.NotFound, "rbd", "pool %s does not exist on the remote cluster", pool)
	}
	rpm := remote.mirrorLocked(rp)
	pm := c.mirrorLocked(p)
	if pm.mode == rbd.MirrorDisabled {
		mode := rpm.mode
		if mode == rbd.MirrorDisabled {
			mode = rbd.MirrorPerImage
		}
		if err := c.setPoolModeLocked(p, mode); err != nil {
			return err
		}
	}
	addPeer(pm, remote.siteNameLocked(), "rbd-mirror-peer", tok.MonHost, tok.Key, direction)
	if direction == rbd.PeerRxTx {
		if rpm.mode == rbd.MirrorDisabled {
			rpm.mode = pm.mode
		}
		addPeer(rpm, c.siteNameLocked(), "rbd-mirror-peer", c.monHost(), c.peerKey(), rbd.PeerRxTx)
	}
	return nil
}

// addPeer adds or refreshes the peer of site.
func addPeer(pm *poolMirror, site, client, monHost, key string, dir rbd.PeerDirection) {
	for _, p := range pm.peers {
		if p.SiteName == site {
			p.ClientID, p.MonHost, p.Key, p.Direction = client, monHost, key, dir
			return
		}
	}
	pm.peers = append(pm.peers, &rbd.Peer{UUID: newUUID(), Direction: dir, SiteName: site, ClusterName: site, ClientID: client, MonHost: monHost, Key: key})
}

// Summary is the dashboard's summary of a cluster without rbd-mirror
// daemons: every mirrored image's status is unknown.
func (s mirroringService) Summary(ctx context.Context) (*rbd.MirrorSummary, error) {
	return view(s.backend, ctx, "RBD.Mirroring.Summary", nil, func(c *cluster) (*rbd.MirrorSummary, error) {
		st := &rbd.MirrorState{SiteName: c.siteNameLocked()}
		for _, p := range c.sortedPools() {
			if _, ok := p.apps["rbd"]; !ok || p.typ != ceph.Replicated {
				continue
			}
			pm := c.mirrorView(p)
			ps := rbd.MirrorPoolState{Name: p.name, Mode: pm.mode, PeerUUIDs: []string{}}
			for _, peer := range pm.peers {
				ps.PeerUUIDs = append(ps.PeerUUIDs, peer.UUID)
			}
			for _, k := range sortedKeys(p.images) {
				if img := p.images[k]; img.mirror != nil && img.namespace == "" {
					ps.Images = append(ps.Images, rbd.MirrorImageStatus{Name: img.name, State: rbd.MirrorImageUnknown, Description: "status not found"})
				}
			}
			st.Pools = append(st.Pools, ps)
		}
		return st.Summary(), nil
	})
}

func (s mirroringService) ImageInfo(ctx context.Context, spec rbd.ImageSpec) (*rbd.ImageMirrorInfo, error) {
	return view(s.backend, ctx, "RBD.Mirroring.ImageInfo", []any{spec}, func(c *cluster) (*rbd.ImageMirrorInfo, error) {
		_, img, err := c.imageLocked(spec)
		if err != nil {
			return nil, err
		}
		if img.mirror == nil {
			return &rbd.ImageMirrorInfo{State: "disabled", Mode: rbd.MirrorJournal}, nil
		}
		m := img.mirror
		return &rbd.ImageMirrorInfo{GlobalID: m.globalID, State: "enabled", Primary: m.primary, Mode: m.mode}, nil
	})
}

// imageOp runs f on the image of spec; method is the call's name.
func (s mirroringService) imageOp(ctx context.Context, method string, spec rbd.ImageSpec, args []any, f func(c *cluster, p *pool, img *image) error) error {
	return s.update(ctx, method, append([]any{spec}, args...), func(c *cluster) error {
		p, img, err := c.imageLocked(spec)
		if err != nil {
			return err
		}
		return f(c, p, img)
	})
}

func notMirrored(spec rbd.ImageSpec) error {
	return ceph.Errorf(ceph.InvalidArgument, "rbd", "mirroring is not enabled on image %s", spec)
}

// EnableImage enables mirroring in a pool in image mode; journal mode
// adds the journaling feature (which needs exclusive-lock), snapshot mode
// takes the first mirror snapshot.
func (s mirroringService) EnableImage(ctx context.Context, spec rbd.ImageSpec, mode rbd.ImageMirrorMode) error {
	return s.imageOp(ctx, "RBD.Mirroring.EnableImage", spec, []any{mode}, func(c *cluster, p *pool, img *image) error {
		pm := c.mirrorLocked(p)
		if pm.mode != rbd.MirrorPerImage {
			return ceph.Errorf(ceph.InvalidArgument, "rbd", "cannot enable mirroring of %s: pool is not in image mirror mode", spec)
		}
		if img.mirror != nil {
			return nil
		}
		m := &imageMirror{globalID: newUUID(), mode: mode, primary: true}
		if mode == rbd.MirrorJournal {
			if img.features&rbdFeatureBits["exclusive-lock"] == 0 {
				return ceph.Errorf(ceph.InvalidArgument, "rbd", "cannot enable journal mirroring of %s: the journaling feature requires exclusive-lock", spec)
			}
			img.features |= rbdFeatureBits["journaling"]
		}
		img.mirror = m
		if mode == rbd.MirrorSnapshot {
			c.mirrorSnapshotLocked(pm, img, true)
		}
		return nil
	})
}

// mirrorSnapshotLocked takes a mirror snapshot of img (primary or not).
func (c *cluster) mirrorSnapshotLocked(pm *poolMirror, img *image, primary bool) {
	uuids := []string{}
	for _, p := range pm.peers {
		uuids = append(uuids, p.UUID)
	}
	kind := "primary"
	if !primary {
		kind = "non_primary"
	}
	img.nextSnap++
	img.snaps = append(img.snaps, &snapshot{
		id: img.nextSnap, name: fmt.Sprintf(".mirror.%s.%s.%s", kind, img.mirror.globalID, newUUID()), size: img.size, created: c.now(),
		mirror: &rbd.SnapshotMirror{MirrorPeerUUIDs: uuids, Complete: true, PrimarySnapID: math.MaxUint64},
	})
}

// DisableImage disables mirroring; a non-primary image only with force.
// Its mirror snapshots go (librbd removes them); journaling stays.
func (s mirroringService) DisableImage(ctx context.Context, spec rbd.ImageSpec, force bool) error {
	return s.imageOp(ctx, "RBD.Mirroring.DisableImage", spec, []any{force}, func(c *cluster, p *pool, img *image) error {
		if img.mirror == nil {
			return nil
		}
		if !img.mirror.primary && !force {
			return ceph.Errorf(ceph.InvalidArgument, "rbd", "mirrored image %s is not primary: disable it with force", spec)
		}
		if c.mirrorLocked(p).mode == rbd.MirrorPool {
			return ceph.Errorf(ceph.InvalidArgument, "rbd", "cannot disable mirroring of %s in pool mirror mode", spec)
		}
		kept := img.snaps[:0]
		for _, sn := range img.snaps {
			if sn.mirror == nil {
				kept = append(kept, sn)
			}
		}
		img.snaps = kept
		img.mirror = nil
		return nil
	})
}

func (s mirroringService) PromoteImage(ctx context.Context, spec rbd.ImageSpec, force bool) error {
	return s.imageOp(ctx, "RBD.Mirroring.PromoteImage", spec, []any{force}, func(c *cluster, p *pool, img *image) error {
		switch {
		case img.mirror == nil:
			return notMirrored(spec)
		case img.mirror.primary:
			return ceph.Errorf(ceph.InvalidArgument, "rbd", "image %s is already primary", spec)
		}
		img.mirror.primary = true
		if img.mirror.mode == rbd.MirrorSnapshot {
			c.mirrorSnapshotLocked(c.mirrorLocked(p), img, true)
		}
		return nil
	})
}

func (s mirroringService) DemoteImage(ctx context.Context, spec rbd.ImageSpec) error {
	return s.imageOp(ctx, "RBD.Mirroring.DemoteImage", spec, nil, func(c *cluster, p *pool, img *image) error {
		switch {
		case img.mirror == nil:
			return notMirrored(spec)
		case !img.mirror.primary:
			return ceph.Errorf(ceph.InvalidArgument, "rbd", "image %s is not primary", spec)
		}
		img.mirror.primary = false
		if img.mirror.mode == rbd.MirrorSnapshot {
			c.mirrorSnapshotLocked(c.mirrorLocked(p), img, false)
		}
		return nil
	})
}

// ResyncImage flags a non-primary image for resync; with no rbd-mirror
// daemon nothing follows.
func (s mirroringService) ResyncImage(ctx context.Context, spec rbd.ImageSpec) error {
	return s.imageOp(ctx, "RBD.Mirroring.ResyncImage", spec, nil, func(c *cluster, p *pool, img *image) error {
		switch {
		case img.mirror == nil:
			return notMirrored(spec)
		case img.mirror.primary:
			return ceph.Errorf(ceph.InvalidArgument, "rbd", "image %s is primary: only a non-primary image resyncs", spec)
		}
		return nil
	})
}

func (s mirroringService) CreateMirrorSnapshot(ctx context.Context, spec rbd.ImageSpec) error {
	return s.imageOp(ctx, "RBD.Mirroring.CreateMirrorSnapshot", spec, nil, func(c *cluster, p *pool, img *image) error {
		if img.mirror == nil || img.mirror.mode != rbd.MirrorSnapshot {
			return ceph.Errorf(ceph.InvalidArgument, "rbd", "image %s is not mirrored by snapshot", spec)
		}
		if !img.mirror.primary {
			return ceph.Errorf(ceph.InvalidArgument, "rbd", "image %s is not primary", spec)
		}
		pm := c.mirrorLocked(p)
		if len(pm.peers) == 0 {
			return ceph.Errorf(ceph.InvalidArgument, "rbd", "pool %s has no mirror peer: RBD invalid argument (error creating mirror snapshot)", p.name)
		}
		c.mirrorSnapshotLocked(pm, img, true)
		return nil
	})
}

// AddSnapshotSchedule keeps the interval; the model takes no snapshot on
// its own. rbd_support accepts a schedule of any image.
func (s mirroringService) AddSnapshotSchedule(ctx context.Context, spec rbd.ImageSpec, interval string) error {
	return s.imageOp(ctx, "RBD.Mirroring.AddSnapshotSchedule", spec, []any{interval}, func(c *cluster, p *pool, img *image) error {
		img.schedule = interval
		return nil
	})
}

func (s mirroringService) RemoveSnapshotSchedule(ctx context.Context, spec rbd.ImageSpec) error {
	return s.imageOp(ctx, "RBD.Mirroring.RemoveSnapshotSchedule", spec, nil, func(c *cluster, p *pool, img *image) error {
		if img.schedule == "" {
			return ceph.Errorf(ceph.NotFound, "rbd", "no schedule for %s", spec)
		}
		img.schedule = ""
		return nil
	})
}

func (s peersService) List(ctx context.Context, pool string) ([]string, error) {
	return view(s.backend, ctx, "RBD.Peers.List", []any{pool}, func(c *cluster) ([]string, error) {
		p, err := c.poolByNameOrErr(pool)
		if err != nil {
			return nil, err
		}
		out := []string{}
		for _, peer := range c.mirrorView(p).peers {
			out = append(out, peer.UUID)
		}
		return out, nil
	})
}

func findPeer(pm *poolMirror, uuid string) *rbd.Peer {
	for _, p := range pm.peers {
		if p.UUID == uuid {
			return p
		}
	}
	return nil
}

func (s peersService) Get(ctx context.Context, pool, uuid string) (*rbd.Peer, error) {
	return view(s.backend, ctx, "RBD.Peers.Get", []any{pool, uuid}, func(c *cluster) (*rbd.Peer, error) {
		p, err := c.poolByNameOrErr(pool)
		if err != nil {
			return nil, err
		}
		peer := findPeer(c.mirrorView(p), uuid)
		if peer == nil {
			return nil, ceph.Errorf(ceph.NotFound, "rbd", "no peer %s in pool %s", uuid, pool)
		}
		out := *peer
		return &out, nil
	})
}

// Add refuses a pool with mirroring disabled and a site that is a peer
// already (librbd's EEXIST).
func (s peersService) Add(ctx context.Context, pool string, o *rbd.PeerOptions) (string, error) {
	var uuid string
	err := s.update(ctx, "RBD.Peers.Add", []any{pool, o}, func(c *cluster) error {
		p, err := c.poolByNameOrErr(pool)
		if err != nil {
			return err
		}
		pm := c.mirrorLocked(p)
		if pm.mode == rbd.MirrorDisabled {
			return ceph.Errorf(ceph.FailedPrecondition, "rbd", "mirroring must be enabled")
		}
		if o.SiteName == c.siteNameLocked() {
			return ceph.Errorf(ceph.InvalidArgument, "rbd", "the peer's site name is the local site's")
		}
		for _, peer := range pm.peers {
			if peer.SiteName == o.SiteName {
				return ceph.Errorf(ceph.AlreadyExists, "rbd", "RBD image already exists (error adding mirror peer): site %s is a peer of pool %s", o.SiteName, pool)
			}
		}
		peer := &rbd.Peer{UUID: newUUID(), Direction: rbd.PeerRxTx, SiteName: o.SiteName, ClusterName: o.SiteName, ClientID: o.ClientID}
		if o.MonHost != nil {
			peer.MonHost = *o.MonHost
		}
		if o.Key != nil {
			peer.Key = *o.Key
		}
		pm.peers = append(pm.peers, peer)
		uuid = peer.UUID
		return nil
	})
	return uuid, err
}

func (s peersService) Update(ctx context.Context, pool, uuid string, o *rbd.PeerOptions) error {
	return s.update(ctx, "RBD.Peers.Update", []any{pool, uuid, o}, func(c *cluster) error {
		p, err := c.poolByNameOrErr(pool)
		if err != nil {
			return err
		}
		pm := c.mirrorLocked(p)
		peer := findPeer(pm, uuid)
		if peer == nil {
			return ceph.Errorf(ceph.NotFound, "rbd", "no peer %s in pool %s", uuid, pool)
		}
		if o.SiteName != "" && o.SiteName != peer.SiteName {
			for _, other := range pm.peers {
				if other.SiteName == o.SiteName {
					return ceph.Errorf(ceph.AlreadyExists, "rbd", "site %s is a peer of pool %s already", o.SiteName, pool)
				}
			}
			peer.SiteName, peer.ClusterName = o.SiteName, o.SiteName
		}
		if o.ClientID != "" {
			peer.ClientID = o.ClientID
		}
		if o.MonHost != nil {
			peer.MonHost = *o.MonHost
		}
		if o.Key != nil {
			peer.Key = *o.Key
		}
		return nil
	})
}

// Delete of a peer that does not exist succeeds, as in librbd.
func (s peersService) Delete(ctx context.Context, pool, uuid string) error {
	return s.update(ctx, "RBD.Peers.Delete", []any{pool, uuid}, func(c *cluster) error {
		p, err := c.poolByNameOrErr(pool)
		if err != nil {
			return err
		}
		pm := c.mirrorLocked(p)
		for i, peer := range pm.peers {
			if peer.UUID == uuid {
				pm.peers = append(pm.peers[:i], pm.peers[i+1:]...)
				break
			}
		}
		return nil
	})
}
