package cmdemu

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cephapi/cephapi/ceph"
)

// Monitor map in Ceph's binary encoding (MonMap::encode), as a 16.2.15
// monitor gives `mon getmap` to a client with every feature: struct v9
// (compat 6) of the raw 16-byte fsid, u32 epoch, utime_t last_changed and
// created (u32 seconds, u32 nanoseconds), the persistent and optional
// mon_feature_t (each a v1 struct of a u64 mask), map<name, mon_info_t>,
// the ranks (vector of names), u8 min_mon_release, removed_ranks
// (set<int32>), u8 election strategy, disallowed_leaders (set<string>),
// bool stretch_mode_enabled, string tiebreaker_mon and
// stretch_marked_down_mons (set<string>). mon_info_t is a v5 struct (compat
// 1) of the name, the public entity_addrvec_t, u16 priority, u16 weight
// and the CRUSH location (map<string,string>).

// monFeatureBits are the monitor features by the names mon dump prints
// (ceph::features::mon, src/mon/mon_types.h).
var monFeatureBits = map[string]uint64{
	"kraken": 1 << 0, "luminous": 1 << 1, "mimic": 1 << 2, "osdmap-prune": 1 << 3,
	"nautilus": 1 << 4, "octopus": 1 << 5, "pacific": 1 << 6, "elector-pinging": 1 << 7,
}

// encodeMonMap encodes the monitor map the domain reports.
func encodeMonMap(m ceph.MonMap) ([]byte, error) {
	var e enc
	top := e.start(9, 6)
	fsid, err := uuidBytes(m.FSID)
	if err != nil {
		return nil, err
	}
	e.raw(fsid)
	e.u32(uint32(m.Epoch))
	for _, s := range []string{m.Modified, m.Created} {
		if err := e.utime(s); err != nil {
			return nil, err
		}
	}
	persistent, optional := monFeatureMask(pacificFeatures), uint64(0)
	if len(m.Features) > 0 {
		var f struct {
			Persistent []string `json:"persistent"`
			Optional   []string `json:"optional"`
		}
		if err := json.Unmarshal(m.Features, &f); err != nil {
			return nil, fmt.Errorf("monmap features: %v", err)
		}
		persistent, optional = monFeatureMask(f.Persistent), monFeatureMask(f.Optional)
	}
	for _, mask := range []uint64{persistent, optional} {
		at := e.start(1, 1)
		e.u64(mask)
		e.finish(at)
	}
	mons := append([]ceph.MonInfo(nil), m.Mons...)
	sort.SliceStable(mons, func(i, j int) bool { return mons[i].Name < mons[j].Name })
	e.u32(uint32(len(mons)))
	for _, mi := range mons {
		e.str(mi.Name)
		at := e.start(5, 1)
		e.str(mi.Name)
		if err := e.addrvec(monAddrVec(mi)); err != nil {
			return nil, fmt.Errorf("mon.%s: %v", mi.Name, err)
		}
		e.u16(uint16(mi.Priority))
		e.u16(uint16(mi.Weight))
		if mi.CrushLocation != "" && mi.CrushLocation != "{}" {
			return nil, fmt.Errorf("mon.%s: a CRUSH location (%s) is not encoded", mi.Name, mi.CrushLocation)
		}
		e.u32(0) // crush_loc
		e.finish(at)
	}
	sort.SliceStable(mons, func(i, j int) bool { return mons[i].Rank < mons[j].Rank })
	e.u32(uint32(len(mons)))
	for _, mi := range mons {
		e.str(mi.Name)
	}
	rel := m.MinMonRelease
	if rel == 0 {
		rel = 16
	}
	e.u8(uint8(rel))
	for _, raw := range []json.RawMessage{m.RemovedRanks, m.DisallowedLeaders} {
		if s := string(raw); s != "" && s != `""` {
			return nil, fmt.Errorf("monmap: removed ranks or disallowed leaders (%s) are not encoded", s)
		}
	}
	e.u32(0) // removed_ranks
	strategy := 1
	if len(m.ElectionStrategy) > 0 {
		if err := json.Unmarshal(m.ElectionStrategy, &strategy); err != nil {
			return nil, fmt.Errorf("monmap election_strategy: %v", err)
		}
	}
	e.u8(uint8(strategy))
	e.u32(0) // disallowed_leaders
	if s := string(m.StretchMode); s == "true" {
		return nil, fmt.Errorf("monmap: stretch mode is not encoded")
	}
	e.boolean(false) // stretch_mode_enabled
	e.str("")        // tiebreaker_mon
	e.u32(0)         // stretch_marked_down_mons
	e.finish(top)
	return e.b, nil
}

func monFeatureMask(names []string) uint64 {
	var m uint64
	for _, n := range names {
		m |= monFeatureBits[n]
	}
	return m
}

// monAddrVec is the monitor's address vector, or its one legacy address.
func monAddrVec(mi ceph.MonInfo) []ceph.EntityAddr {
	if mi.PublicAddrs != nil {
		return mi.PublicAddrs.AddrVec
	}
	if a, ok := parseEntityAddr(mi.Addr); ok {
		return []ceph.EntityAddr{a}
	}
	return nil
}

// parseEntityAddr parses Ceph's "[v1:]1.2.3.4:6789/0".
func parseEntityAddr(s string) (ceph.EntityAddr, bool) {
	a := ceph.EntityAddr{Type: "v1"}
	for _, t := range []string{"v1:", "v2:", "any:"} {
		if strings.HasPrefix(s, t) {
			a.Type, s = t[:len(t)-1], s[len(t):]
		}
	}
	i := strings.LastIndexByte(s, '/')
	if i < 0 {
		return a, false
	}
	n, err := strconv.ParseInt(s[i+1:], 10, 64)
	if err != nil {
		return a, false
	}
	a.Addr, a.Nonce = s[:i], n
	return a, true
}

// uuidBytes is a uuid's 16 bytes, as uuid_d encodes raw.
func uuidBytes(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	if err != nil || len(b) != 16 {
		return nil, fmt.Errorf("bad uuid %q", s)
	}
	return b, nil
}

// utime encodes a Ceph time stamp ("2026-12-04T21:59:26.953632Z", or
// +0000) as utime_t: u32 seconds, u32 nanoseconds. An empty stamp is 0.
func (e *enc) utime(s string) error {
	if s == "" {
		e.u64(0)
		return nil
	}
	var t time.Time
	var err error
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999-0700", "2006-01-02 15:04:05.999999999"} {
		if t, err = time.Parse(layout, s); err == nil {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("bad time stamp %q", s)
	}
	e.u32(uint32(t.Unix()))
	e.u32(uint32(t.Nanosecond()))
	return nil
}

// entityAddrTypes are entity_addr_t's types by the names Ceph prints.
var entityAddrTypes = map[string]uint32{"none": 0, "v1": 1, "v2": 2, "any": 3}

// addrvec encodes an entity_addrvec_t for a peer with MSG_ADDR2: u8 2, the
// count and each entity_addr_t (u8 1, then a v1 struct of u32 type, u32
// nonce, u32 sockaddr length and the sockaddr: u16 family little-endian,
// then the rest as in memory, port and address in network order).
func (e *enc) addrvec(v []ceph.EntityAddr) error {
	e.u8(2)
	e.u32(uint32(len(v)))
	for _, a := range v {
		if err := e.entityAddr(a); err != nil {
			return err
		}
	}
	return nil
}

func (e *enc) entityAddr(a ceph.EntityAddr) error {
	t, ok := entityAddrTypes[a.Type]
	if !ok {
		return fmt.Errorf("address type %q", a.Type)
	}
	e.u8(1)
	at := e.start(1, 1)
	e.u32(t)
	e.u32(uint32(a.Nonce))
	switch host, port, err := net.SplitHostPort(a.Addr); {
	case a.Addr == "" || a.Addr == "-":
		e.u32(0)
	case err != nil:
		return fmt.Errorf("address %q: %v", a.Addr, err)
	default:
		p, err := strconv.ParseUint(port, 10, 16)
		ip := net.ParseIP(host)
		if err != nil || ip == nil {
			return fmt.Errorf("address %q", a.Addr)
		}
		if ip4 := ip.To4(); ip4 != nil {
			e.u32(16) // sizeof(sockaddr_in)
			e.u16(2)  // AF_INET
			e.b = append(e.b, byte(p>>8), byte(p))
			e.raw(ip4)
			e.raw(make([]byte, 8))
		} else {
			e.u32(28) // sizeof(sockaddr_in6)
			e.u16(10) // AF_INET6
			e.b = append(e.b, byte(p>>8), byte(p))
			e.u32(0) // flow info
			e.raw(ip.To16())
			e.u32(0) // scope id
		}
	}
	e.finish(at)
	return nil
}
