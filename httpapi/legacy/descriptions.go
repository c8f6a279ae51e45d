package legacy

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/internal/cmdemu"
)

// The legacy server listed the cluster's own commands (from the monitors'
// get_command_descriptions) on its base path and for a partial path such
// as /osd or /osd/pool. With WithPassthrough the handler does the same:
// it asks the Commander for the descriptions once (again after a failure,
// at most every descRetry) and lists them; without passthrough, or when
// the Commander has no descriptions, it lists the commands it knows.

// descRetry bounds how often failed descriptions are asked for again.
const descRetry = 30 * time.Second

type descCache struct {
	mu      sync.Mutex
	sigs    []cmdemu.Signature
	failed  time.Time
	fetched bool
}

// Command flags of get_command_descriptions that hide a command from
// listings (MonCommand::FLAG_OBSOLETE, FLAG_HIDDEN).
const (
	flagObsolete = 1 << 1
	flagHidden   = 1 << 5
)

// listedSigs returns the commands to list: the cluster's own with
// passthrough when the Commander describes them, else the handler's.
func (h *handler) listedSigs(ctx context.Context) []cmdemu.Signature {
	if !h.passthrough {
		return h.sigs
	}
	if cs := h.clusterSigs(ctx); len(cs) > 0 {
		return withCompatSigs(cs)
	}
	return h.sigs
}

func (h *handler) clusterSigs(ctx context.Context) []cmdemu.Signature {
	c := &h.desc
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fetched {
		return c.sigs
	}
	if !c.failed.IsZero() && time.Since(c.failed) < descRetry {
		return nil
	}
	res, err := h.cmd.Command(ctx, ceph.Command{Prefix: "get_command_descriptions", Format: "json"})
	if err == nil {
		c.sigs, err = parseDescriptions(res.Output)
	}
	if err != nil || len(c.sigs) == 0 {
		c.failed = time.Now()
		return nil
	}
	c.fetched = true
	return c.sigs
}

// flexBool and flexInt read the monitors' descriptions, which give
// booleans and counts as JSON values or as strings ("true", "N").
type flexBool bool

func (b *flexBool) UnmarshalJSON(d []byte) error {
	s := strings.Trim(string(d), `"`)
	*b = flexBool(s == "true" || s == "1")
	return nil
}

type flexString string

func (f *flexString) UnmarshalJSON(d []byte) error {
	var s string
	if json.Unmarshal(d, &s) == nil {
		*f = flexString(s)
		return nil
	}
	*f = flexString(strings.TrimSpace(string(d)))
	return nil
}

// parseDescriptions reads get_command_descriptions: {"cmd000": {"sig":
// ["osd", "tree", {"name": "epoch", "type": "CephInt", "req": "false"}],
// "help": ..., "module": ..., "perm": "r", "flags": 0}, ...}.
func parseDescriptions(b []byte) ([]cmdemu.Signature, error) {
	var all map[string]struct {
		Sig    []json.RawMessage `json:"sig"`
		Help   string            `json:"help"`
		Module string            `json:"module"`
		Perm   string            `json:"perm"`
		Flags  int               `json:"flags"`
	}
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []cmdemu.Signature
	for _, d := range all {
		if d.Flags&(flagObsolete|flagHidden) != 0 {
			continue
		}
		var words []string
		var params []cmdemu.Param
		for _, raw := range d.Sig {
			var w string
			if json.Unmarshal(raw, &w) == nil {
				if len(params) == 0 {
					words = append(words, w)
				}
				continue
			}
			var p struct {
				Name    string     `json:"name"`
				Type    string     `json:"type"`
				Req     *flexBool  `json:"req"`
				N       flexString `json:"n"`
				Strings string     `json:"strings"`
			}
			if json.Unmarshal(raw, &p) != nil {
				continue
			}
			if p.Type == "CephPrefix" {
				continue
			}
			param := cmdemu.Param{Name: p.Name, Type: cmdemu.ParamType(p.Type), Required: p.Req == nil || bool(*p.Req)}
			if n := string(p.N); n == "N" {
				param.List = true
			} else if k, err := strconv.Atoi(n); err == nil && k > 1 {
				param.List = true
			}
			if p.Type == string(cmdemu.CephChoices) && p.Strings != "" {
				param.Choices = strings.Split(p.Strings, "|")
			}
			params = append(params, param)
		}
		if len(words) == 0 {
			continue
		}
		prefix := strings.Join(words, " ")
		write := strings.Contains(d.Perm, "w")
		key := prefix + "|" + strconv.FormatBool(write) + "|" + d.Help
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, cmdemu.Signature{Prefix: prefix, Params: params, Help: d.Help, Module: d.Module, Write: write})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Prefix < out[j].Prefix })
	return out, nil
}

// isPartial reports whether prefix is no command of sigs but the start of
// some: the legacy server's "match as much as you gave me" listing.
func isPartial(sigs []cmdemu.Signature, prefix string) bool {
	under := false
	for _, s := range sigs {
		if s.Prefix == prefix {
			return false
		}
		under = under || strings.HasPrefix(s.Prefix, prefix+" ")
	}
	return under
}
