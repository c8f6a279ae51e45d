//go:build rados

package rados

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"syscall"

	gorados "github.com/ceph/go-ceph/rados"
	gorbd "github.com/ceph/go-ceph/rbd"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/rbd"
)

// mirroring is RBD mirroring through librbd; the summary also reads the
// service map and the daemons' status from the manager, as the
// dashboard does, and snapshot schedules are the rbd_support manager
// module's commands.
type mirroring struct {
	rbd.UnimplementedMirroring
	im *images
}

// mirrorPeers are a pool's peers through librbd.
type mirrorPeers struct {
	rbd.UnimplementedMirrorPeers
	im *images
}

var (
	_ rbd.Mirroring   = mirroring{}
	_ rbd.MirrorPeers = mirrorPeers{}
)

var mirrorModes = map[gorbd.MirrorMode]rbd.MirrorMode{
	gorbd.MirrorModeDisabled: rbd.MirrorDisabled, gorbd.MirrorModeImage: rbd.MirrorPerImage, gorbd.MirrorModePool: rbd.MirrorPool,
}

var imageModes = map[gorbd.ImageMirrorMode]rbd.ImageMirrorMode{
	gorbd.ImageMirrorModeJournal: rbd.MirrorJournal, gorbd.ImageMirrorModeSnapshot: rbd.MirrorSnapshot,
}

func goImageMode(m rbd.ImageMirrorMode) gorbd.ImageMirrorMode {
	if m == rbd.MirrorSnapshot {
		return gorbd.ImageMirrorModeSnapshot
	}
	return gorbd.ImageMirrorModeJournal
}

var peerDirections = map[gorbd.MirrorPeerDirection]rbd.PeerDirection{
	gorbd.MirrorPeerDirectionRx: rbd.PeerRx, gorbd.MirrorPeerDirectionTx: rbd.PeerTx, gorbd.MirrorPeerDirectionRxTx: rbd.PeerRxTx,
}

// pool runs fn with the pool's I/O context in one bounded call; poolRead
// is pool for an fn that changes nothing (it leaves the cache alone).
func (m mirroring) pool(ctx context.Context, pool string, fn func(io *gorados.IOContext) error) error {
	return m.im.r.do(ctx, rbdComponent, func() error { return m.im.withIOContext(pool, "", fn) })
}

func (m mirroring) poolRead(ctx context.Context, pool string, fn func(io *gorados.IOContext) error) error {
	return m.im.r.doRead(ctx, rbdComponent, func() error { return m.im.withIOContext(pool, "", fn) })
}

// image runs fn with the image open (read-write) in one bounded call.
func (m mirroring) image(ctx context.Context, spec rbd.ImageSpec, fn func(img *gorbd.Image) error) error {
	return m.im.r.do(ctx, rbdComponent, func() error { return m.openImage(spec, fn) })
}

// imageRead is image for an fn that changes nothing.
func (m mirroring) imageRead(ctx context.Context, spec rbd.ImageSpec, fn func(img *gorbd.Image) error) error {
	return m.im.r.doRead(ctx, rbdComponent, func() error { return m.openImage(spec, fn) })
}

func (m mirroring) openImage(spec rbd.ImageSpec, fn func(img *gorbd.Image) error) error {
	return m.im.withIOContext(spec.Pool, spec.Namespace, func(io *gorados.IOContext) error {
		img, err := gorbd.OpenImage(io, spec.Name, gorbd.NoSnapshot)
		if err != nil {
			return notFound(err, spec)
		}
		defer img.Close()
		return fn(img)
	})
}

func (m mirroring) SiteName(ctx context.Context) (string, error) {
	var out string
	err := m.im.r.doRead(ctx, rbdComponent, func() error {
		var err error
		out, err = gorbd.GetMirrorSiteName(m.im.conn)
		return err
	})
	return out, err
}

func (m mirroring) SetSiteName(ctx context.Context, name string) error {
	return m.im.r.do(ctx, rbdComponent, func() error { return gorbd.SetMirrorSiteName(m.im.conn, name) })
}

func (m mirroring) PoolMode(ctx context.Context, pool string) (rbd.MirrorMode, error) {
	var out rbd.MirrorMode
	err := m.poolRead(ctx, pool, func(io *gorados.IOContext) error {
		mode, err := gorbd.GetMirrorMode(io)
		out = mirrorModes[mode]
		if out == "" {
			out = "unknown"
		}
		return err
	})
	return out, err
}

// SetPoolMode: librbd's EBUSY (peers, or images still mirrored, when
// disabling) is Busy.
func (m mirroring) SetPoolMode(ctx context.Context, pool string, mode rbd.MirrorMode) error {
	var gm gorbd.MirrorMode
	for k, v := range mirrorModes {
		if v == mode {
			gm = k
		}
	}
	return m.pool(ctx, pool, func(io *gorados.IOContext) error {
		err := gorbd.SetMirrorMode(io, gm)
		if errnoOf(err) == syscall.EBUSY {
			return &ceph.Error{Code: ceph.Busy, Component: rbdComponent, Detail: "pool " + pool + " has mirror peers or mirrored images: RBD image is busy (error setting mirror mode)", Err: err}
		}
		return err
	})
}

func (m mirroring) CreateBootstrapToken(ctx context.Context, pool string) (string, error) {
	var out string
	err := m.pool(ctx, pool, func(io *gorados.IOContext) error {
		var err error
		out, err = gorbd.CreateMirrorPeerBootstrapToken(io)
		return err
	})
	return out, err
}

// ImportBootstrapToken connects to the token's cluster (librbd does):
// the call is bounded like every other.
func (m mirroring) ImportBootstrapToken(ctx context.Context, pool string, direction rbd.PeerDirection, token string) error {
	dir := gorbd.MirrorPeerDirectionRx
	if direction == rbd.PeerRxTx {
		dir = gorbd.MirrorPeerDirectionRxTx
	}
	return m.pool(ctx, pool, func(io *gorados.IOContext) error {
		return gorbd.ImportMirrorPeerBootstrapToken(io, dir, token)
	})
}

func (m mirroring) ImageInfo(ctx context.Context, spec rbd.ImageSpec) (*rbd.ImageMirrorInfo, error) {
	var out *rbd.ImageMirrorInfo
	err := m.imageRead(ctx, spec, func(img *gorbd.Image) error {
		info, err := img.GetMirrorImageInfo()
		if err != nil {
			return err
		}
		mode, err := img.GetImageMirrorMode()
		if err != nil {
			return err
		}
		out = &rbd.ImageMirrorInfo{GlobalID: info.GlobalID, State: info.State.String(), Primary: info.Primary, Mode: imageModes[mode]}
		return nil
	})
	return out, err
}

func (m mirroring) EnableImage(ctx context.Context, spec rbd.ImageSpec, mode rbd.ImageMirrorMode) error {
	return m.image(ctx, spec, func(img *gorbd.Image) error { return img.MirrorEnable(goImageMode(mode)) })
}

func (m mirroring) DisableImage(ctx context.Context, spec rbd.ImageSpec, force bool) error {
	return m.image(ctx, spec, func(img *gorbd.Image) error { return img.MirrorDisable(force) })
}

func (m mirroring) PromoteImage(ctx context.Context, spec rbd.ImageSpec, force bool) error {
	return m.image(ctx, spec, func(img *gorbd.Image) error { return img.MirrorPromote(force) })
}

func (m mirroring) DemoteImage(ctx context.Context, spec rbd.ImageSpec) error {
	return m.image(ctx, spec, func(img *gorbd.Image) error { return img.MirrorDemote() })
}

func (m mirroring) ResyncImage(ctx context.Context, spec rbd.ImageSpec) error {
	return m.image(ctx, spec, func(img *gorbd.Image) error { return img.MirrorResync() })
}

func (m mirroring) CreateMirrorSnapshot(ctx context.Context, spec rbd.ImageSpec) error {
	return m.image(ctx, spec, func(img *gorbd.Image) error {
		_, err := img.CreateMirrorSnapshot()
		return err
	})
}

// AddSnapshotSchedule and RemoveSnapshotSchedule are the rbd_support
// module's `rbd mirror snapshot schedule add/remove`, which librbd has no
// call for.
func (m mirroring) AddSnapshotSchedule(ctx context.Context, spec rbd.ImageSpec, interval string) error {
	_, err := m.im.r.mgrWrite(ctx, rbdComponent, "rbd mirror snapshot schedule add", args{"level_spec": spec.String(), "interval": interval})
	return err
}

func (m mirroring) RemoveSnapshotSchedule(ctx context.Context, spec rbd.ImageSpec) error {
	_, err := m.im.r.mgrWrite(ctx, rbdComponent, "rbd mirror snapshot schedule remove", args{"level_spec": spec.String()})
	return err
}

// serviceStatus is the manager's `service status`: each daemon's last
// reported status, by service and daemon key.
type serviceStatus map[string]map[string]struct {
	Status map[string]string `json:"status"`
}

// mirrorDaemon is an rbd-mirror entry of `service dump`.
type mirrorDaemon struct {
	GID      json.Number       `json:"gid"`
	Metadata map[string]string `json:"metadata"`
}

// daemons reads the rbd-mirror daemons as the dashboard's
// CephService.get_service_map shows them: the service map's daemons,
// each with its metadata and its status from the manager, grouped by
// host.
func (m mirroring) daemons(ctx context.Context) ([]rbd.MirrorDaemon, error) {
	r := m.im.r
	var sd serviceDump
	var st serviceStatus
	err := parallel(
		func() error { return r.monJSON(ctx, rbdComponent, &sd, "service dump", nil) },
		func() error { return r.mgrJSON(ctx, rbdComponent, &st, "service status", nil) },
	)
	if err != nil {
		return nil, err
	}
	type entry struct {
		key string
		d   mirrorDaemon
	}
	byHost := map[string][]entry{}
	var hosts []string
	raw := sd.Services["rbd-mirror"].Daemons
	keys := make([]string, 0, len(raw))
	for k := range raw {
		if k != "summary" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		var d mirrorDaemon
		if err := json.Unmarshal(raw[k], &d); err != nil {
			return nil, &ceph.Error{Code: ceph.Internal, Component: rbdComponent, Detail: "cannot decode the service map's rbd-mirror daemon " + k, Err: err}
		}
		h := d.Metadata["hostname"]
		if _, ok := byHost[h]; !ok {
			hosts = append(hosts, h)
		}
		byHost[h] = append(byHost[h], entry{k, d})
	}
	var out []rbd.MirrorDaemon
	for _, h := range hosts {
		var services []any
		var refs []any
		built := make([]rbd.MirrorDaemon, 0, len(byHost[h]))
		for _, e := range byHost[h] {
			status := st["rbd-mirror"][e.key].Status
			svc := map[string]any{"id": e.key, "type": "rbd-mirror", "hostname": h, "metadata": e.d.Metadata, "status": status}
			services = append(services, svc)
			refs = append(refs, map[string]any{"type": "rbd-mirror", "id": e.key, "ceph_version": e.d.Metadata["ceph_version"], "name": e.d.Metadata["id"]})
			pools := map[string]rbd.MirrorDaemonPool{}
			if js, ok := status["json"]; ok {
				if err := json.Unmarshal([]byte(js), &pools); err != nil {
					pools = map[string]rbd.MirrorDaemonPool{}
				}
			}
			id := e.key
			if id == e.d.Metadata["instance_id"] {
				id = e.d.Metadata["id"] // one leader election per cluster
			}
			built = append(built, rbd.MirrorDaemon{ID: id, InstanceID: e.d.Metadata["instance_id"], Version: e.d.Metadata["ceph_version"],
				ServerHostname: h, Service: svc, Metadata: e.d.Metadata, Status: pools})
		}
		version := ""
		if len(byHost[h]) > 0 {
			version = byHost[h][0].d.Metadata["ceph_version"]
		}
		// The manager's server entry lists every daemon of the host; the
		// rbd-mirror ones are those this reads.
		server := map[string]any{
			"server":   map[string]any{"hostname": h, "ceph_version": version, "services": refs},
			"services": services,
		}
		for i := range built {
			built[i].Server = server
		}
		out = append(out, built...)
	}
	return out, nil
}

// Summary reads the daemons, then each replicated RBD pool's mode, peers
// and its images' mirroring status, and works the dashboard's summary out
// of them (rbd.MirrorState.Summary).
func (m mirroring) Summary(ctx context.Context) (*rbd.MirrorSummary, error) {
	st := &rbd.MirrorState{}
	var d *osdDump
	err := parallel(
		func() (err error) { st.Daemons, err = m.daemons(ctx); return },
		func() (err error) { st.SiteName, err = m.SiteName(ctx); return },
		func() (err error) { d, err = m.im.r.osdDump(ctx, rbdComponent); return },
	)
	if err != nil {
		return nil, err
	}
	for _, p := range d.Pools {
		if _, ok := p.ApplicationMetadata["rbd"]; !ok || p.Type != 1 {
			continue
		}
		ps := rbd.MirrorPoolState{Name: p.PoolName, PeerUUIDs: []string{}}
		err := m.poolRead(ctx, p.PoolName, func(io *gorados.IOContext) error {
			mode, err := gorbd.GetMirrorMode(io)
			if err != nil {
				return nil // the dashboard shows the mode as unknown
			}
			ps.Mode = mirrorModes[mode]
			peers, err := gorbd.ListMirrorPeerSite(io)
			if err != nil {
				return nil
			}
			for _, pe := range peers {
				ps.PeerUUIDs = append(ps.PeerUUIDs, pe.UUID)
			}
			list, err := gorbd.MirrorImageGlobalStatusList(io, "", 0)
			if err != nil && errnoOf(err) != syscall.ENOENT {
				return err
			}
			for _, it := range list {
				local, err := it.Status.LocalStatus()
				if err != nil {
					ps.Images = append(ps.Images, rbd.MirrorImageStatus{Name: it.Status.Name, State: rbd.MirrorImageUnknown})
					continue
				}
				ps.Images = append(ps.Images, rbd.MirrorImageStatus{Name: it.Status.Name, Up: local.Up,
					State: rbd.MirrorImageState(local.State.String()), Description: local.Description})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		st.Pools = append(st.Pools, ps)
	}
	return st.Summary(), nil
}

// peerByUUID finds a peer of the pool (nil when there is none).
func peerByUUID(io *gorados.IOContext, uuid string) (*gorbd.MirrorPeerSite, error) {
	peers, err := gorbd.ListMirrorPeerSite(io)
	if err != nil {
		return nil, err
	}
	for _, p := range peers {
		if p.UUID == uuid {
			return p, nil
		}
	}
	return nil, nil
}

func (p mirrorPeers) pool(ctx context.Context, pool string, fn func(io *gorados.IOContext) error) error {
	return mirroring{im: p.im}.pool(ctx, pool, fn)
}

func (p mirrorPeers) poolRead(ctx context.Context, pool string, fn func(io *gorados.IOContext) error) error {
	return mirroring{im: p.im}.poolRead(ctx, pool, fn)
}

func (p mirrorPeers) List(ctx context.Context, pool string) ([]string, error) {
	out := []string{}
	err := p.poolRead(ctx, pool, func(io *gorados.IOContext) error {
		peers, err := gorbd.ListMirrorPeerSite(io)
		for _, pe := range peers {
			out = append(out, pe.UUID)
		}
		return err
	})
	return out, err
}

func noPeer(pool, uuid string) error {
	return &ceph.Error{Code: ceph.NotFound, Component: rbdComponent, Detail: "no mirror peer " + uuid + " in pool " + pool}
}

func (p mirrorPeers) Get(ctx context.Context, pool, uuid string) (*rbd.Peer, error) {
	var out *rbd.Peer
	err := p.poolRead(ctx, pool, func(io *gorados.IOContext) error {
		pe, err := peerByUUID(io, uuid)
		if err != nil {
			return err
		}
		if pe == nil {
			return noPeer(pool, uuid)
		}
		out = &rbd.Peer{UUID: pe.UUID, Direction: peerDirections[pe.Direction], SiteName: pe.SiteName, ClusterName: pe.SiteName,
			MirrorUUID: pe.MirrorUUID, ClientID: strings.TrimPrefix(pe.ClientName, "client.")}
		attrs, err := gorbd.GetAttributesMirrorPeerSite(io, uuid)
		if err != nil && errnoOf(err) != syscall.ENOENT {
			return err
		}
		out.MonHost, out.Key = attrs["mon_host"], attrs["key"]
		return nil
	})
	return out, err
}

// setAttributes merges mon_host and key into the peer's attributes.
func setAttributes(io *gorados.IOContext, uuid string, monHost, key *string) error {
	if monHost == nil && key == nil {
		return nil
	}
	attrs, err := gorbd.GetAttributesMirrorPeerSite(io, uuid)
	if err != nil && errnoOf(err) != syscall.ENOENT {
		return err
	}
	if attrs == nil {
		attrs = map[string]string{}
	}
	if monHost != nil {
		attrs["mon_host"] = *monHost
	}
	if key != nil {
		attrs["key"] = *key
	}
	return gorbd.SetAttributesMirrorPeerSite(io, uuid, attrs)
}

// Add refuses a pool with mirroring disabled, as the dashboard does;
// librbd's EEXIST (the site is a peer already) is AlreadyExists.
func (p mirrorPeers) Add(ctx context.Context, pool string, o *rbd.PeerOptions) (string, error) {
	var uuid string
	err := p.pool(ctx, pool, func(io *gorados.IOContext) error {
		mode, err := gorbd.GetMirrorMode(io)
		if err != nil {
			return err
		}
		if mode == gorbd.MirrorModeDisabled {
			return &ceph.Error{Code: ceph.FailedPrecondition, Component: rbdComponent, Detail: "mirroring must be enabled"}
		}
		uuid, err = gorbd.AddMirrorPeerSite(io, o.SiteName, "client."+o.ClientID, gorbd.MirrorPeerDirectionRxTx)
		if errnoOf(err) == syscall.EEXIST {
			return &ceph.Error{Code: ceph.AlreadyExists, Component: rbdComponent, Detail: "site " + o.SiteName + " is a peer of pool " + pool + " already (error adding mirror peer)", Err: err}
		}
		if err != nil {
			return err
		}
		return setAttributes(io, uuid, o.MonHost, o.Key)
	})
	return uuid, err
}

func (p mirrorPeers) Update(ctx context.Context, pool, uuid string, o *rbd.PeerOptions) error {
	return p.pool(ctx, pool, func(io *gorados.IOContext) error {
		pe, err := peerByUUID(io, uuid)
		if err != nil {
			return err
		}
		if pe == nil {
			return noPeer(pool, uuid)
		}
		if o.SiteName != "" {
			if err := gorbd.SetMirrorPeerSiteName(io, uuid, o.SiteName); err != nil {
				return err
			}
		}
		if o.ClientID != "" {
			if err := gorbd.SetMirrorPeerSiteClientName(io, uuid, "client."+o.ClientID); err != nil {
				return err
			}
		}
		return setAttributes(io, uuid, o.MonHost, o.Key)
	})
}

// Delete of a missing peer succeeds (librbd's answer).
func (p mirrorPeers) Delete(ctx context.Context, pool, uuid string) error {
	return p.pool(ctx, pool, func(io *gorados.IOContext) error {
		err := gorbd.RemoveMirrorPeerSite(io, uuid)
		if errnoOf(err) == syscall.ENOENT {
			return nil
		}
		return err
	})
}
