package legacy

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
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

// clusterSig returns, with passthrough, the cluster's signature of a
// command the handler does not know, to type its arguments as the legacy
// server did (ceph_argparse validated them against the descriptions): the
// first one that has every parameter the query gives.
func (h *handler) clusterSig(ctx context.Context, prefix string, known bool, q url.Values) (cmdemu.Signature, bool) {
	if known || !h.passthrough {
		return cmdemu.Signature{}, false
	}
	for _, s := range h.clusterSigs(ctx) {
		if s.Prefix != prefix {
			continue
		}
		all := true
		for k := range q {
			found := k == "help"
			for _, p := range s.Params {
				found = found || p.Name == k
			}
			all = all && found
		}
		if all {
			return s, true
		}
	}
	return cmdemu.Signature{}, false
}

// typeArgs turns query parameters into arguments typed by a cluster
// signature: integers, floats and booleans as JSON numbers and booleans,
// an OSD name ("0" or "osd.0") as its id, lists for parameters that take
// several values, strings otherwise. Required parameters are left for the
// cluster to check.
func typeArgs(sig cmdemu.Signature, q url.Values) (map[string]any, error) {
	args := map[string]any{}
	for k, vals := range q {
		if k == "help" {
			continue
		}
		var p cmdemu.Param
		for _, x := range sig.Params {
			if x.Name == k {
				p = x
			}
		}
		if !p.List && len(vals) > 1 {
			return nil, fmt.Errorf("parameter %q takes one value, got %d", k, len(vals))
		}
		var typed []any
		for _, v := range vals {
			x, err := typeValue(p.Type, k, v)
			if err != nil {
				return nil, err
			}
			typed = append(typed, x)
		}
		switch {
		case !p.List:
			args[k] = typed[0]
		case p.Type == cmdemu.CephString || p.Type == cmdemu.CephChoices || p.Type == "":
			args[k] = append([]string(nil), vals...)
		default:
			args[k] = typed
		}
	}
	return args, nil
}

// typeValue converts one argument value to its Ceph type's JSON form.
func typeValue(t cmdemu.ParamType, k, v string) (any, error) {
	switch t {
	case cmdemu.CephInt:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: expected an integer, got %q", k, v)
		}
		return n, nil
	case cmdemu.CephFloat:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: expected a number, got %q", k, v)
		}
		return f, nil
	case cmdemu.CephBool:
		if v == "" {
			return true, nil
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("%s: expected true or false, got %q", k, v)
		}
		return b, nil
	case cmdemu.CephOsdName:
		n, err := strconv.Atoi(strings.TrimPrefix(v, "osd."))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%s: invalid osd id value %q", k, v)
		}
		return n, nil
	}
	return v, nil
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
