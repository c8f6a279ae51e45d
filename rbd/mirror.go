package rbd

import (
	"context"
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"sort"
)

// MirrorMode is a pool's mirroring mode.
type MirrorMode string

// The pool mirroring modes.
const (
	MirrorDisabled MirrorMode = "disabled"
	// MirrorPerImage mirrors the images on which mirroring is enabled.
	MirrorPerImage MirrorMode = "image"
	// MirrorPool mirrors every image that has the journaling feature.
	MirrorPool MirrorMode = "pool"
)

// ImageMirrorMode is how an image is mirrored.
type ImageMirrorMode string

// The image mirroring modes.
const (
	MirrorJournal  ImageMirrorMode = "journal"
	MirrorSnapshot ImageMirrorMode = "snapshot"
)

// PeerDirection says which way a peer's images flow.
type PeerDirection string

// The peer directions. Bootstrap tokens import as rx or rx-tx only.
const (
	PeerRx   PeerDirection = "rx"
	PeerTx   PeerDirection = "tx"
	PeerRxTx PeerDirection = "rx-tx"
)

// Peer is a pool's mirroring peer, as the dashboard returns it. Key is the
// peer's cephx secret: it is returned as the dashboard does, and must not
// be logged.
type Peer struct {
	UUID        string        `json:"uuid"`
	Direction   PeerDirection `json:"direction"`
	SiteName    string        `json:"site_name"`
	ClusterName string        `json:"cluster_name"`
	MirrorUUID  string        `json:"mirror_uuid"`
	ClientID    string        `json:"client_id"`
	MonHost     string        `json:"mon_host"`
	Key         string        `json:"key"`
}

// PeerOptions describe a peer to add, or the changes to one. SiteName
// (the dashboard's cluster_name) and ClientID (without "client.") are
// required to add; on update, empty ones are left alone, and so are nil
// MonHost and Key.
type PeerOptions struct {
	SiteName string
	ClientID string
	MonHost  *string
	Key      *string
}

// ImageMirrorInfo is an image's mirroring state.
type ImageMirrorInfo struct {
	GlobalID string          `json:"global_id"`
	State    string          `json:"state"` // disabled, enabling, enabled, disabling
	Primary  bool            `json:"primary"`
	Mode     ImageMirrorMode `json:"mode"`
}

// Enabled reports whether mirroring is enabled on the image.
func (i *ImageMirrorInfo) Enabled() bool { return i != nil && i.State == "enabled" }

// Mirroring manages RBD mirroring: the site name, each pool's mode and
// bootstrap tokens, each image's mirroring, and the summary the dashboard
// shows. Peers are MirrorPeers.
type Mirroring interface {
	// SiteName is this cluster's mirroring site name (its fsid unless set).
	SiteName(ctx context.Context) (string, error)
	SetSiteName(ctx context.Context, name string) error
	PoolMode(ctx context.Context, pool string) (MirrorMode, error)
	// SetPoolMode changes a pool's mode. Disabling mirroring on a pool
	// with peers or with mirrored images is Busy, as librbd's EBUSY.
	SetPoolMode(ctx context.Context, pool string, mode MirrorMode) error
	// CreateBootstrapToken returns a token another cluster imports to
	// mirror with this pool: base64 JSON naming this cluster (fsid,
	// mon_host) and a cephx user for its rbd-mirror daemon.
	CreateBootstrapToken(ctx context.Context, pool string) (string, error)
	// ImportBootstrapToken adds the token's cluster as a peer of pool
	// (and, with PeerRxTx, this cluster as a peer of the token's pool). A
	// pool with mirroring disabled takes the remote pool's mode.
	ImportBootstrapToken(ctx context.Context, pool string, direction PeerDirection, token string) error
	// Summary is the dashboard's mirroring summary: daemons, pools and
	// the state of each mirrored image.
	Summary(ctx context.Context) (*MirrorSummary, error)

	// ImageInfo is an image's mirroring state.
	ImageInfo(ctx context.Context, spec ImageSpec) (*ImageMirrorInfo, error)
	// EnableImage enables mirroring of an image (journal mode adds the
	// journaling feature). The pool must be in image mode:
	// InvalidArgument otherwise.
	EnableImage(ctx context.Context, spec ImageSpec, mode ImageMirrorMode) error
	DisableImage(ctx context.Context, spec ImageSpec, force bool) error
	PromoteImage(ctx context.Context, spec ImageSpec, force bool) error
	DemoteImage(ctx context.Context, spec ImageSpec) error
	// ResyncImage flags a non-primary image to be resynchronised from
	// its primary.
	ResyncImage(ctx context.Context, spec ImageSpec) error
	// CreateMirrorSnapshot takes a mirror snapshot of an image mirrored
	// by snapshot (what rbd-mirror copies to the peers).
	CreateMirrorSnapshot(ctx context.Context, spec ImageSpec) error
	// AddSnapshotSchedule schedules mirror snapshots of an image every
	// interval ("<n>m", "<n>h" or "<n>d"), as the rbd_support manager
	// module does; RemoveSnapshotSchedule removes the image's schedules.
	AddSnapshotSchedule(ctx context.Context, spec ImageSpec, interval string) error
	RemoveSnapshotSchedule(ctx context.Context, spec ImageSpec) error
}

// MirrorPeers manages a pool's mirroring peers.
type MirrorPeers interface {
	// List returns the uuids of the pool's peers.
	List(ctx context.Context, pool string) ([]string, error)
	Get(ctx context.Context, pool, uuid string) (*Peer, error)
	// Add adds a peer and returns its uuid; a pool with mirroring
	// disabled is FailedPrecondition, an existing site AlreadyExists.
	Add(ctx context.Context, pool string, opts *PeerOptions) (string, error)
	Update(ctx context.Context, pool, uuid string, opts *PeerOptions) error
	// Delete removes a peer; a missing one is not an error (as librbd).
	Delete(ctx context.Context, pool, uuid string) error
}

// MirrorSummary is GET /api/block/mirroring/summary.
type MirrorSummary struct {
	SiteName string `json:"site_name"`
	// Status is the dashboard's view-cache status: 0, the value is fresh.
	Status      int           `json:"status"`
	ContentData MirrorContent `json:"content_data"`
}

// MirrorContent is the summary's content.
type MirrorContent struct {
	Daemons      []MirrorDaemon       `json:"daemons"`
	Pools        []MirrorPoolSummary  `json:"pools"`
	ImageError   []MirrorImageSummary `json:"image_error"`
	ImageSyncing []MirrorImageSummary `json:"image_syncing"`
	ImageReady   []MirrorImageSummary `json:"image_ready"`
}

// MirrorDaemon is an rbd-mirror daemon of the service map.
type MirrorDaemon struct {
	ID             string `json:"id"`
	InstanceID     string `json:"instance_id"`
	Version        string `json:"version"`
	ServerHostname string `json:"server_hostname"`
	// Service and Server are the daemon's service map entry and its
	// host's, as the dashboard passes them on.
	Service  map[string]any    `json:"service"`
	Server   map[string]any    `json:"server"`
	Metadata map[string]string `json:"metadata"`
	// Status is the daemon's reported status, per pool id.
	Status      map[string]MirrorDaemonPool `json:"status"`
	HealthColor string                      `json:"health_color"`
	Health      string                      `json:"health"`
}

// MirrorDaemonPool is what an rbd-mirror daemon reports of one pool; the
// counts and the leader flag are absent until the daemon knows them.
type MirrorDaemonPool struct {
	Name               string                   `json:"name"`
	Callouts           map[string]MirrorCallout `json:"callouts"`
	ImageAssignedCount *int                     `json:"image_assigned_count,omitempty"`
	ImageErrorCount    *int                     `json:"image_error_count,omitempty"`
	ImageLocalCount    *int                     `json:"image_local_count,omitempty"`
	ImageRemoteCount   *int                     `json:"image_remote_count,omitempty"`
	ImageWarningCount  *int                     `json:"image_warning_count,omitempty"`
	InstanceID         string                   `json:"instance_id,omitempty"`
	Leader             *bool                    `json:"leader,omitempty"`
}

func count(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}

// MirrorCallout is a daemon's warning or error about a pool.
type MirrorCallout struct {
	Level string `json:"level"`
	Text  string `json:"text,omitempty"`
}

// MirrorPoolSummary is a pool of the summary.
type MirrorPoolSummary struct {
	Name             string     `json:"name"`
	MirrorMode       MirrorMode `json:"mirror_mode"`
	PeerUUIDs        []string   `json:"peer_uuids"`
	LeaderID         string     `json:"leader_id,omitempty"`
	ImageLocalCount  *int       `json:"image_local_count,omitempty"`
	ImageRemoteCount *int       `json:"image_remote_count,omitempty"`
	HealthColor      string     `json:"health_color"`
	Health           string     `json:"health"`
}

// MirrorImageSummary is a mirrored image of the summary. Images in sync
// have Progress (bootstrapping) or the replay figures instead of a
// Description.
type MirrorImageSummary struct {
	PoolName    string
	Name        string
	StateColor  string
	State       string
	Description *string
	Syncing     bool
	Progress    string
	Replay      map[string]any
}

// MarshalJSON writes the image as the dashboard does: a syncing image has
// progress or replay figures, the others a description (null when the
// image's status is not known).
func (m MirrorImageSummary) MarshalJSON() ([]byte, error) {
	out := map[string]any{"pool_name": m.PoolName, "name": m.Name, "state_color": m.StateColor, "state": m.State}
	switch {
	case !m.Syncing:
		out["description"] = m.Description
	case m.Replay != nil:
		for k, v := range m.Replay {
			out[k] = v
		}
	default:
		out["progress"] = m.Progress
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (m *MirrorImageSummary) UnmarshalJSON(b []byte) error {
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	str := func(k string) string { s, _ := raw[k].(string); return s }
	*m = MirrorImageSummary{PoolName: str("pool_name"), Name: str("name"), StateColor: str("state_color"), State: str("state")}
	if d, ok := raw["description"]; ok {
		if s, ok := d.(string); ok {
			m.Description = &s
		}
		return nil
	}
	m.Syncing = true
	if p, ok := raw["progress"]; ok {
		m.Progress, _ = p.(string)
		if f, ok := p.(float64); ok && f == 0 {
			m.Progress = "0"
		}
		return nil
	}
	m.Replay = map[string]any{}
	for _, k := range replayFields {
		if v, ok := raw[k]; ok {
			m.Replay[k] = v
		}
	}
	return nil
}

// MirrorImageState is the state of a mirrored image's local status.
type MirrorImageState string

// The image states librbd reports.
const (
	MirrorImageUnknown        MirrorImageState = "unknown"
	MirrorImageError          MirrorImageState = "error"
	MirrorImageSyncing        MirrorImageState = "syncing"
	MirrorImageStartingReplay MirrorImageState = "starting_replay"
	MirrorImageReplaying      MirrorImageState = "replaying"
	MirrorImageStoppingReplay MirrorImageState = "stopping_replay"
	MirrorImageStopped        MirrorImageState = "stopped"
)

// MirrorImageStatus is a mirrored image's local status, as an rbd-mirror
// daemon (or, for a primary image, librbd) records it.
type MirrorImageStatus struct {
	Name        string
	Up          bool // a daemon reports on it
	State       MirrorImageState
	Description string
}

// MirrorState is what a summary is worked out from: transports that read
// librbd (or model it) fill it in and call Summary.
type MirrorState struct {
	SiteName string
	// Daemons are the rbd-mirror daemons with ID, InstanceID, Version,
	// ServerHostname, Service, Server, Metadata and Status set.
	Daemons []MirrorDaemon
	// Pools are the replicated RBD pools in the pool list's order.
	Pools []MirrorPoolState
}

// MirrorPoolState is a pool's mirroring as read from librbd.
type MirrorPoolState struct {
	Name string
	// Mode is "" when it could not be read.
	Mode      MirrorMode
	PeerUUIDs []string
	Images    []MirrorImageStatus
}

var replayFields = []string{"bytes_per_second", "seconds_until_synced", "syncing_percent", "entries_behind_primary"}

var (
	replayingRE = regexp.MustCompile(`replaying, (\{.*\})`)
	progressRE  = regexp.MustCompile(`bootstrapping, IMAGE_COPY/COPY_OBJECT (.*)%`)
)

// imageState is the dashboard's table of image states: health (ok,
// syncing, issue), colour and label.
func imageState(st MirrorImageStatus) (health, color, label string) {
	if !st.Up {
		return "issue", "warning", "Unknown"
	}
	switch st.State {
	case MirrorImageError:
		return "issue", "error", "Error"
	case MirrorImageSyncing:
		return "syncing", "success", "Syncing"
	case MirrorImageStartingReplay:
		return "syncing", "success", "Starting"
	case MirrorImageReplaying:
		return "syncing", "success", "Replaying"
	case MirrorImageStoppingReplay:
		return "ok", "success", "Stopping"
	case MirrorImageStopped:
		return "ok", "info", "Stopped"
	}
	return "issue", "warning", "Unknown"
}

// Summary works out the dashboard's summary (the rules of its
// rbd_mirroring controller): each daemon's health from its callouts, each
// pool's from its mode, its leader's counts and its daemons' error and
// warning counts, and the images sorted into error, syncing and ready.
func (s *MirrorState) Summary() *MirrorSummary {
	out := &MirrorSummary{SiteName: s.SiteName, ContentData: MirrorContent{
		Daemons: []MirrorDaemon{}, Pools: []MirrorPoolSummary{},
		ImageError: []MirrorImageSummary{}, ImageSyncing: []MirrorImageSummary{}, ImageReady: []MirrorImageSummary{},
	}}
	cd := &out.ContentData
	for _, d := range s.Daemons {
		d.HealthColor, d.Health = daemonHealth(d.Status)
		cd.Daemons = append(cd.Daemons, d)
	}
	sort.SliceStable(cd.Daemons, func(i, j int) bool { return cd.Daemons[i].InstanceID < cd.Daemons[j].InstanceID })
	for _, p := range s.Pools {
		ps := poolSummary(p, cd.Daemons)
		for _, st := range sortedImages(p.Images) {
			health, color, label := imageState(st)
			im := MirrorImageSummary{PoolName: p.Name, Name: st.Name, StateColor: color, State: label}
			if st.Up {
				im.Description = new(st.Description)
			}
			switch health {
			case "ok":
				cd.ImageReady = append(cd.ImageReady, im)
			case "syncing":
				im.Syncing = true
				syncing(&im, st.Description)
				cd.ImageSyncing = append(cd.ImageSyncing, im)
			default:
				cd.ImageError = append(cd.ImageError, im)
			}
		}
		cd.Pools = append(cd.Pools, ps)
	}
	return out
}

func sortedImages(in []MirrorImageStatus) []MirrorImageStatus {
	out := append([]MirrorImageStatus(nil), in...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// syncing adds the figures of a replaying image (from the JSON in its
// description; "idle" replay shows as Idle) or a bootstrapping one's
// progress.
func syncing(im *MirrorImageSummary, desc string) {
	if im.State == "Replaying" {
		m := replayingRE.FindStringSubmatch(desc)
		var data map[string]any
		if len(m) == 2 && json.Unmarshal([]byte(m[1]), &data) == nil {
			if data["replay_state"] == "idle" {
				im.StateColor, im.State = "info", "Idle"
			}
			im.Replay = map[string]any{}
			for _, k := range replayFields {
				if v, ok := data[k]; ok {
					im.Replay[k] = v
				}
			}
		}
		if im.Replay == nil {
			im.Replay = map[string]any{}
		}
		return
	}
	im.Progress = "0"
	if m := progressRE.FindStringSubmatch(desc); len(m) == 2 {
		im.Progress = m[1]
	}
}

func daemonHealth(status map[string]MirrorDaemonPool) (color, health string) {
	color, health = "info", "Unknown"
	for _, id := range slices.Sorted(maps.Keys(status)) {
		p := status[id]
		switch {
		case hasCallout(p, "error"):
			color, health = "error", "Error"
		case hasCallout(p, "warning"):
			color, health = "warning", "Warning"
		case color == "info":
			color, health = "success", "OK"
		}
	}
	return color, health
}

func hasCallout(p MirrorDaemonPool, level string) bool {
	for _, c := range p.Callouts {
		if c.Level == level {
			return true
		}
	}
	return false
}

func poolSummary(p MirrorPoolState, daemons []MirrorDaemon) MirrorPoolSummary {
	ps := MirrorPoolSummary{Name: p.Name, MirrorMode: p.Mode, PeerUUIDs: append([]string{}, p.PeerUUIDs...)}
	switch p.Mode {
	case MirrorDisabled:
		ps.HealthColor, ps.Health = "info", "Disabled"
	case MirrorPerImage, MirrorPool:
	default:
		ps.MirrorMode = "unknown"
		ps.HealthColor, ps.Health = "warning", "Warning"
	}
	for _, d := range daemons {
		for _, id := range slices.Sorted(maps.Keys(d.Status)) {
			dp := d.Status[id]
			if dp.Name != p.Name {
				continue
			}
			if dp.Leader != nil && *dp.Leader {
				ps.LeaderID = d.Metadata["instance_id"]
				ps.ImageLocalCount, ps.ImageRemoteCount = new(count(dp.ImageLocalCount)), new(count(dp.ImageRemoteCount))
			}
			switch {
			case ps.HealthColor != "error" && count(dp.ImageErrorCount) > 0:
				ps.HealthColor, ps.Health = "error", "Error"
			case ps.HealthColor != "error" && count(dp.ImageWarningCount) > 0:
				ps.HealthColor, ps.Health = "warning", "Warning"
			case ps.Health == "":
				ps.HealthColor, ps.Health = "success", "OK"
			}
		}
	}
	if ps.MirrorMode != MirrorDisabled {
		switch {
		case ps.Health == "":
			ps.HealthColor, ps.Health = "error", "Error" // no daemon knows the pool
		case ps.LeaderID == "":
			ps.HealthColor, ps.Health = "warning", "Warning" // no leader manages it
		}
	}
	return ps
}
