package rest

import (
	"context"
	"strings"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
	"github.com/cephapi/cephapi/rbd"
)

var (
	_ rbd.Mirroring   = mirroringService{}
	_ rbd.MirrorPeers = peersService{}
)

// mirroringService is the dashboard's /api/block/mirroring, plus the
// mirroring fields of its image edit (PUT /api/block/image/{image_spec}).
type mirroringService struct {
	c *client
	rbd.UnimplementedMirroring
}

// peersService is the dashboard's /api/block/mirroring/pool/{pool}/peer.
type peersService struct {
	c *client
	rbd.UnimplementedMirrorPeers
}

func (s mirroringService) SiteName(ctx context.Context) (string, error) {
	out, err := get[struct {
		SiteName string `json:"site_name"`
	}](ctx, s.c, ops.RBDMirrorSiteNameGet, &ops.RBDMirrorSiteNameGetRequest{})
	if err != nil {
		return "", err
	}
	return out.SiteName, nil
}

func (s mirroringService) SetSiteName(ctx context.Context, name string) error {
	return exec(ctx, s.c, ops.RBDMirrorSiteNameSet, &ops.RBDMirrorSiteNameSetRequest{SiteName: name})
}

func (s mirroringService) PoolMode(ctx context.Context, pool string) (rbd.MirrorMode, error) {
	out, err := get[struct {
		MirrorMode rbd.MirrorMode `json:"mirror_mode"`
	}](ctx, s.c, ops.RBDMirrorPoolGet, &ops.RBDMirrorPoolGetRequest{PoolName: pool})
	if err != nil {
		return "", err
	}
	return out.MirrorMode, nil
}

// SetPoolMode is a task on the dashboard (rbd/mirroring/pool/edit).
func (s mirroringService) SetPoolMode(ctx context.Context, pool string, mode rbd.MirrorMode) error {
	return exec(ctx, s.c, ops.RBDMirrorPoolUpdate, &ops.RBDMirrorPoolUpdateRequest{PoolName: pool, MirrorMode: new(string(mode))})
}

func (s mirroringService) CreateBootstrapToken(ctx context.Context, pool string) (string, error) {
	out, err := get[struct {
		Token string `json:"token"`
	}](ctx, s.c, ops.RBDMirrorBootstrapToken, &ops.RBDMirrorBootstrapTokenRequest{PoolName: pool})
	if err != nil {
		return "", err
	}
	return out.Token, nil
}

func (s mirroringService) ImportBootstrapToken(ctx context.Context, pool string, direction rbd.PeerDirection, token string) error {
	return exec(ctx, s.c, ops.RBDMirrorBootstrapPeer, &ops.RBDMirrorBootstrapPeerRequest{PoolName: pool, Direction: string(direction), Token: token})
}

func (s mirroringService) Summary(ctx context.Context) (*rbd.MirrorSummary, error) {
	return get[rbd.MirrorSummary](ctx, s.c, ops.RBDMirrorSummary, &ops.RBDMirrorSummaryRequest{})
}

// ImageInfo is worked out from what the dashboard shows, since it has no
// call for it: an image is enabled when the summary lists it (librbd's
// status list holds exactly the enabled images), its mode is the image's
// mirror_mode, and it is primary unless its status or its latest mirror
// snapshot says non-primary. The dashboard does not show the global id.
func (s mirroringService) ImageInfo(ctx context.Context, spec rbd.ImageSpec) (*rbd.ImageMirrorInfo, error) {
	if spec.Namespace != "" {
		// the summary lists the default namespace of each pool only
		return nil, ceph.Errorf(ceph.Unimplemented, "rbd", "the dashboard shows no mirroring state of images in a namespace (%s)", spec)
	}
	img, err := get[rbd.Image](ctx, s.c, ops.RBDImageGet, &ops.RBDImageGetRequest{ImageSpec: spec.String()})
	if err != nil {
		return nil, err
	}
	info := &rbd.ImageMirrorInfo{State: "disabled", Mode: img.MirrorMode, Primary: true}
	sum, err := s.Summary(ctx)
	if err != nil {
		return nil, err
	}
	cd := sum.ContentData
	for _, list := range [][]rbd.MirrorImageSummary{cd.ImageError, cd.ImageSyncing, cd.ImageReady} {
		for _, im := range list {
			if im.PoolName == spec.Pool && im.Name == spec.Name {
				info.State = "enabled"
				if im.Description != nil && strings.Contains(*im.Description, "non-primary") {
					info.Primary = false
				}
			}
		}
	}
	if info.State == "enabled" && img.MirrorMode == rbd.MirrorSnapshot {
		for i := len(img.Snapshots) - 1; i >= 0; i-- {
			if n := img.Snapshots[i].Name; img.Snapshots[i].Namespace == 3 || strings.HasPrefix(n, ".mirror.") {
				info.Primary = strings.HasPrefix(n, ".mirror.primary.")
				break
			}
		}
	}
	return info, nil
}

// edit sends the dashboard's image edit with only mirroring fields.
func (s mirroringService) edit(ctx context.Context, spec rbd.ImageSpec, r *ops.RBDImageUpdateRequest) error {
	r.ImageSpec = spec.String()
	return exec(ctx, s.c, ops.RBDImageUpdate, r)
}

func (s mirroringService) EnableImage(ctx context.Context, spec rbd.ImageSpec, mode rbd.ImageMirrorMode) error {
	return s.edit(ctx, spec, &ops.RBDImageUpdateRequest{EnableMirror: new(true), MirrorMode: new(string(mode))})
}

// DisableImage cannot force: the dashboard's edit disables without it.
func (s mirroringService) DisableImage(ctx context.Context, spec rbd.ImageSpec, force bool) error {
	if force {
		return ceph.Errorf(ceph.Unimplemented, "rbd", "the dashboard API cannot force-disable mirroring of %s", spec)
	}
	return s.edit(ctx, spec, &ops.RBDImageUpdateRequest{EnableMirror: new(false)})
}

func (s mirroringService) PromoteImage(ctx context.Context, spec rbd.ImageSpec, force bool) error {
	return s.edit(ctx, spec, &ops.RBDImageUpdateRequest{Primary: new(true), Force: new(force)})
}

func (s mirroringService) DemoteImage(ctx context.Context, spec rbd.ImageSpec) error {
	return s.edit(ctx, spec, &ops.RBDImageUpdateRequest{Primary: new(false)})
}

func (s mirroringService) ResyncImage(ctx context.Context, spec rbd.ImageSpec) error {
	return s.edit(ctx, spec, &ops.RBDImageUpdateRequest{Resync: new(true)})
}

func (s mirroringService) AddSnapshotSchedule(ctx context.Context, spec rbd.ImageSpec, interval string) error {
	return s.edit(ctx, spec, &ops.RBDImageUpdateRequest{ScheduleInterval: new(interval)})
}

func (s mirroringService) RemoveSnapshotSchedule(ctx context.Context, spec rbd.ImageSpec) error {
	return s.edit(ctx, spec, &ops.RBDImageUpdateRequest{RemoveScheduling: new(true)})
}

// CreateMirrorSnapshot is the snapshot create with mirrorImageSnapshot,
// which takes a mirror snapshot of an image mirrored by snapshot (the
// name the dashboard requires is then unused).
func (s mirroringService) CreateMirrorSnapshot(ctx context.Context, spec rbd.ImageSpec) error {
	info, err := s.ImageInfo(ctx, spec)
	if err != nil {
		return err
	}
	if !info.Enabled() || info.Mode != rbd.MirrorSnapshot {
		// the dashboard would take a user snapshot instead
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "%s is not mirrored by snapshot", spec)
	}
	return exec(ctx, s.c, ops.RBDSnapCreate, &ops.RBDSnapCreateRequest{ImageSpec: spec.String(), SnapshotName: "mirror", MirrorImageSnapshot: new(true)})
}

func (s peersService) List(ctx context.Context, pool string) ([]string, error) {
	out := []string{}
	if _, err := send(ctx, s.c, ops.RBDMirrorPeerList, &ops.RBDMirrorPeerListRequest{PoolName: pool}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func (s peersService) Get(ctx context.Context, pool, uuid string) (*rbd.Peer, error) {
	return get[rbd.Peer](ctx, s.c, ops.RBDMirrorPeerGet, &ops.RBDMirrorPeerGetRequest{PoolName: pool, PeerUUID: uuid})
}

// Add asks for the pool's mode first: the dashboard refuses a pool with
// mirroring disabled with a bare "Error" code, which is FailedPrecondition
// in the domain API.
func (s peersService) Add(ctx context.Context, pool string, o *rbd.PeerOptions) (string, error) {
	mode, err := mirroringService{c: s.c}.PoolMode(ctx, pool)
	if err != nil {
		return "", err
	}
	if mode == rbd.MirrorDisabled {
		return "", ceph.Errorf(ceph.FailedPrecondition, "rbd", "mirroring must be enabled")
	}
	out, err := get[struct {
		UUID string `json:"uuid"`
	}](ctx, s.c, ops.RBDMirrorPeerCreate, &ops.RBDMirrorPeerCreateRequest{PoolName: pool, ClusterName: o.SiteName, ClientID: o.ClientID, MonHost: o.MonHost, Key: o.Key})
	if err != nil {
		return "", err
	}
	return out.UUID, nil
}

func (s peersService) Update(ctx context.Context, pool, uuid string, o *rbd.PeerOptions) error {
	r := &ops.RBDMirrorPeerUpdateRequest{PoolName: pool, PeerUUID: uuid, MonHost: o.MonHost, Key: o.Key}
	if o.SiteName != "" {
		r.ClusterName = new(o.SiteName)
	}
	if o.ClientID != "" {
		r.ClientID = new(o.ClientID)
	}
	return exec(ctx, s.c, ops.RBDMirrorPeerUpdate, r)
}

func (s peersService) Delete(ctx context.Context, pool, uuid string) error {
	return exec(ctx, s.c, ops.RBDMirrorPeerDelete, &ops.RBDMirrorPeerDeleteRequest{PoolName: pool, PeerUUID: uuid})
}
