package ceph

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
)

// MonInfo is one monitor in the monitor map.
type MonInfo struct {
	Rank       int    `json:"rank"`
	Name       string `json:"name"`
	PublicAddr string `json:"public_addr"`
	// PublicAddrs is the monitor's address vector (msgr v2 and v1); nil
	// when unknown.
	PublicAddrs *AddrVec       `json:"public_addrs,omitempty"`
	Addr        string         `json:"addr"`
	Priority    int            `json:"priority"`
	Weight      int            `json:"weight"`
	Stats       map[string]any `json:"stats,omitempty"`
	// CrushLocation is Ceph's text of the monitor's CRUSH location ("{}"
	// when none); empty when unknown.
	CrushLocation string `json:"crush_location,omitempty"`
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
	// More of Ceph's monmap dump, passed on as Ceph prints it (16.2 spells
	// two keys with ": " at the end); absent when the transport does not
	// know them.
	Features          json.RawMessage `json:"features,omitempty"`
	ElectionStrategy  json.RawMessage `json:"election_strategy,omitempty"`
	DisallowedLeaders json.RawMessage `json:"disallowed_leaders: ,omitempty"`
	RemovedRanks      json.RawMessage `json:"removed_ranks: ,omitempty"`
	StretchMode       json.RawMessage `json:"stretch_mode,omitempty"`
	TiebreakerMon     json.RawMessage `json:"tiebreaker_mon,omitempty"`
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
	MonStatusDetail
}

// MonStatusDetail is the rest of a monitor's own mon_status, raw as Ceph
// prints it; absent when the transport does not know it.
type MonStatusDetail struct {
	OutsideQuorum   json.RawMessage `json:"outside_quorum,omitempty"`
	ExtraProbePeers json.RawMessage `json:"extra_probe_peers,omitempty"`
	SyncProvider    json.RawMessage `json:"sync_provider,omitempty"`
	Features        json.RawMessage `json:"features,omitempty"`
	FeatureMap      json.RawMessage `json:"feature_map,omitempty"`
	StretchMode     json.RawMessage `json:"stretch_mode,omitempty"`
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

// EntityAddr is one messenger address of a daemon.
type EntityAddr struct {
	Type  string `json:"type"` // "v2", "v1" or "any"
	Addr  string `json:"addr"` // "127.0.0.1:6789"
	Nonce int64  `json:"nonce"`
}

// String formats the address as Ceph prints it: "v2:127.0.0.1:3300/0".
func (a EntityAddr) String() string {
	return a.Type + ":" + a.Addr + "/" + strconv.FormatInt(a.Nonce, 10)
}

// AddrVec is a daemon's address vector ({"addrvec": [...]} in Ceph's JSON).
type AddrVec struct {
	AddrVec []EntityAddr `json:"addrvec"`
}

// String formats the vector as Ceph prints it: "[v2:...,v1:...]".
func (v AddrVec) String() string {
	parts := make([]string, len(v.AddrVec))
	for i, a := range v.AddrVec {
		parts[i] = a.String()
	}
	return "[" + strings.Join(parts, ",") + "]"
}
