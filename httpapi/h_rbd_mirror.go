package httpapi

import (
	"context"

	"github.com/cephapi/cephapi/httpapi/ops"
	"github.com/cephapi/cephapi/rbd"
)

// rbdMirrorBindings are the bindings of RBD mirroring
// (controllers/rbd_mirroring.py).
func (s *Server) rbdMirrorBindings() []binding {
	m, peers := s.client.RBD.Mirroring, s.client.RBD.Peers
	return []binding{
		// GET /api/block/mirroring/site_name
		bindCall(ops.RBDMirrorSiteNameGet, func(cl *call) (any, error) { return siteName(cl.ctx(), m) }),
		// PUT /api/block/mirroring/site_name
		bind(ops.RBDMirrorSiteNameSet, func(cl *call, r *ops.RBDMirrorSiteNameSetRequest) (any, error) {
			if err := m.SetSiteName(cl.ctx(), r.SiteName); err != nil {
				return nil, err
			}
			return siteName(cl.ctx(), m)
		}),
		// GET /api/block/mirroring/summary
		bindCall(ops.RBDMirrorSummary, func(cl *call) (any, error) { return m.Summary(cl.ctx()) }),
		// GET /api/block/mirroring/pool/{pool_name}
		bind(ops.RBDMirrorPoolGet, func(cl *call, r *ops.RBDMirrorPoolGetRequest) (any, error) {
			mode, err := m.PoolMode(cl.ctx(), r.PoolName)
			if err != nil {
				return nil, err
			}
			return map[string]rbd.MirrorMode{"mirror_mode": mode}, nil
		}),
		// PUT /api/block/mirroring/pool/{pool_name}
		bind(ops.RBDMirrorPoolUpdate, func(_ *call, r *ops.RBDMirrorPoolUpdateRequest) (any, error) {
			// The dashboard changes nothing without a mode, and sets it
			// only when it differs.
			mode := rbd.MirrorMode(deref(r.MirrorMode))
			return later(func(ctx context.Context) (any, error) {
				if mode == "" {
					return nil, nil
				}
				cur, err := m.PoolMode(ctx, r.PoolName)
				if err != nil || cur == mode {
					return nil, err
				}
				return nothing(m.SetPoolMode(ctx, r.PoolName, mode))
			}), nil
		}),
		// POST /api/block/mirroring/pool/{pool_name}/bootstrap/token
		bind(ops.RBDMirrorBootstrapToken, func(cl *call, r *ops.RBDMirrorBootstrapTokenRequest) (any, error) {
			tok, err := m.CreateBootstrapToken(cl.ctx(), r.PoolName)
			if err != nil {
				return nil, err
			}
			return map[string]string{"token": tok}, nil
		}),
		// POST /api/block/mirroring/pool/{pool_name}/bootstrap/peer
		bind(ops.RBDMirrorBootstrapPeer, func(cl *call, r *ops.RBDMirrorBootstrapPeerRequest) (any, error) {
			if err := m.ImportBootstrapToken(cl.ctx(), r.PoolName, rbd.PeerDirection(r.Direction), r.Token); err != nil {
				return nil, err
			}
			return struct{}{}, nil
		}),
		// GET /api/block/mirroring/pool/{pool_name}/peer
		bind(ops.RBDMirrorPeerList, func(cl *call, r *ops.RBDMirrorPeerListRequest) (any, error) {
			return peers.List(cl.ctx(), r.PoolName)
		}),
		// POST /api/block/mirroring/pool/{pool_name}/peer
		bind(ops.RBDMirrorPeerCreate, func(cl *call, r *ops.RBDMirrorPeerCreateRequest) (any, error) {
			uuid, err := peers.Add(cl.ctx(), r.PoolName, &rbd.PeerOptions{SiteName: r.ClusterName, ClientID: r.ClientID, MonHost: r.MonHost, Key: r.Key})
			if err != nil {
				return nil, err
			}
			return map[string]string{"uuid": uuid}, nil
		}),
		// GET /api/block/mirroring/pool/{pool_name}/peer/{peer_uuid}
		bind(ops.RBDMirrorPeerGet, func(cl *call, r *ops.RBDMirrorPeerGetRequest) (any, error) {
			return peers.Get(cl.ctx(), r.PoolName, r.PeerUUID)
		}),
		// PUT /api/block/mirroring/pool/{pool_name}/peer/{peer_uuid}
		bind(ops.RBDMirrorPeerUpdate, func(cl *call, r *ops.RBDMirrorPeerUpdateRequest) (any, error) {
			opts := &rbd.PeerOptions{SiteName: deref(r.ClusterName), ClientID: deref(r.ClientID), MonHost: r.MonHost, Key: r.Key}
			return nothing(peers.Update(cl.ctx(), r.PoolName, r.PeerUUID, opts))
		}),
		// DELETE /api/block/mirroring/pool/{pool_name}/peer/{peer_uuid}
		bind(ops.RBDMirrorPeerDelete, func(cl *call, r *ops.RBDMirrorPeerDeleteRequest) (any, error) {
			return nothing(peers.Delete(cl.ctx(), r.PoolName, r.PeerUUID))
		}),
	}
}

func siteName(ctx context.Context, m rbd.Mirroring) (any, error) {
	name, err := m.SiteName(ctx)
	if err != nil {
		return nil, err
	}
	return map[string]string{"site_name": name}, nil
}

// imageMirror is the mirroring part of an image create or edit body.
type imageMirror struct {
	mode             *string
	enable, primary  *bool
	force, resync    bool
	schedule         string
	removeScheduling bool
}

// check refuses a bad mode or schedule up front, so that a bad body fails
// before the image is touched (the domain calls check them again, later,
// in the task).
func (im *imageMirror) check(enabling bool) error {
	if im.schedule != "" {
		if err := rbd.ValidateScheduleInterval(im.schedule); err != nil {
			return err
		}
	}
	if mode := deref(im.mode); mode != "" || enabling {
		return rbd.ImageMirrorMode(mode).Validate()
	}
	return nil
}

// mirrorCreated is what the dashboard does after creating an image: enable
// mirroring in mirror_mode, then add the snapshot schedule.
func (s *Server) mirrorCreated(ctx context.Context, spec rbd.ImageSpec, im *imageMirror) error {
	m := s.client.RBD.Mirroring
	if deref(im.mode) != "" {
		if err := m.EnableImage(ctx, spec, rbd.ImageMirrorMode(*im.mode)); err != nil {
			return err
		}
	}
	if im.schedule != "" {
		return m.AddSnapshotSchedule(ctx, spec, im.schedule)
	}
	return nil
}

// mirrorEdited is the mirroring part of the dashboard's image edit:
// enable_mirror true enables a disabled image in mirror_mode, false
// disables an enabled one; primary true promotes (with force), false
// demotes; then resync, the schedule, and its removal.
func (s *Server) mirrorEdited(ctx context.Context, spec rbd.ImageSpec, im *imageMirror) error {
	m := s.client.RBD.Mirroring
	if im.enable == nil && im.primary == nil && !im.resync && im.schedule == "" && !im.removeScheduling {
		return nil
	}
	info, err := m.ImageInfo(ctx, spec)
	if err != nil {
		return err
	}
	switch {
	case deref(im.enable) && info.State == "disabled":
		if err := m.EnableImage(ctx, spec, rbd.ImageMirrorMode(deref(im.mode))); err != nil {
			return err
		}
	case im.enable != nil && !*im.enable && info.State == "enabled":
		if err := m.DisableImage(ctx, spec, false); err != nil {
			return err
		}
	}
	switch {
	case deref(im.primary) && !info.Primary:
		if err := m.PromoteImage(ctx, spec, im.force); err != nil {
			return err
		}
	case im.primary != nil && !*im.primary && info.Primary:
		if err := m.DemoteImage(ctx, spec); err != nil {
			return err
		}
	}
	if im.resync {
		if err := m.ResyncImage(ctx, spec); err != nil {
			return err
		}
	}
	if im.schedule != "" {
		if err := m.AddSnapshotSchedule(ctx, spec, im.schedule); err != nil {
			return err
		}
	}
	if im.removeScheduling {
		return m.RemoveSnapshotSchedule(ctx, spec)
	}
	return nil
}
