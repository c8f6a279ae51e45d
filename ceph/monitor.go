package ceph

import "context"

// MonInfo is one monitor in the monitor map.
type MonInfo struct {
	Rank       int            `json:"rank"`
	Name       string         `json:"name"`
	PublicAddr string         `json:"public_addr"`
	Addr       string         `json:"addr"`
	Priority   int            `json:"priority"`
	Weight     int            `json:"weight"`
	Stats      map[string]any `json:"stats,omitempty"`
}

// MonMap is the monitor map.
type MonMap struct {
	Epoch             int       `json:"epoch"`
	FSID              string    `json:"fsid"`
	Modified          string    `json:"modified"`
	Created           string    `json:"created"`
	MinMonRelease     int       `json:"min_mon_release"`
	MinMonReleaseName string    `json:"min_mon_release_name"`
	Mons              []MonInfo `json:"mons"`
}

// MonStatus is `ceph mon_status` / `quorum_status` of the leader.
type MonStatus struct {
	Name          string `json:"name"`
	Rank          int    `json:"rank"`
	State         string `json:"state"`
	ElectionEpoch int    `json:"election_epoch"`
	Quorum        []int  `json:"quorum"`
	QuorumAge     int64  `json:"quorum_age"`
	MonMap        MonMap `json:"monmap"`
}

// MonitorReport is the dashboard's /api/monitor answer.
type MonitorReport struct {
	MonStatus MonStatus `json:"mon_status"`
	InQuorum  []MonInfo `json:"in_quorum"`
	OutQuorum []MonInfo `json:"out_quorum"`
}

// Monitors reads the monitor quorum.
type Monitors interface {
	// Status returns the monitor map, the quorum, and the monitors in and
	// out of quorum.
	Status(ctx context.Context) (*MonitorReport, error)
}
