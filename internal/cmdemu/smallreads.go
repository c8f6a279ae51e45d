package cmdemu

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Small reads the legacy API's clients call (python-cephclient's get_fsid,
// osd_lspools, osd_getmaxosd, osd_crush_rule_ls/list), laid out as Ceph
// 16.2.15 prints them: compact JSON without a trailing newline, plain text
// one item a line.

func (e *Emulator) fsid(ctx context.Context, a args, f format) ([]byte, string, error) {
	h, err := e.full(ctx)
	if err != nil {
		return nil, "", err
	}
	if f != plain {
		b, err := encodeJSON(obj{{"fsid", h.OSDMap.FSID}}, f)
		return b, "", err
	}
	return []byte(h.OSDMap.FSID + "\n"), "", nil
}

func (e *Emulator) osdLspools(ctx context.Context, a args, f format) ([]byte, string, error) {
	ps, err := e.pools(ctx)
	if err != nil {
		return nil, "", err
	}
	if f != plain {
		l := []obj{}
		for _, p := range ps {
			l = append(l, obj{{"poolnum", p.Pool}, {"poolname", p.PoolName}})
		}
		b, err := encodeJSON(l, f)
		return b, "", err
	}
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "%d %s\n", p.Pool, p.PoolName)
	}
	return []byte(b.String()), "", nil
}

func (e *Emulator) osdGetmaxosd(ctx context.Context, a args, f format) ([]byte, string, error) {
	h, err := e.full(ctx)
	if err != nil {
		return nil, "", err
	}
	m := h.OSDMap
	if f != plain {
		b, err := encodeJSON(obj{{"epoch", m.Epoch}, {"max_osd", m.MaxOSD}}, f)
		return b, "", err
	}
	return []byte("max_osd = " + strconv.Itoa(m.MaxOSD) + " in epoch " + strconv.Itoa(m.Epoch) + "\n"), "", nil
}

// osdCrushRuleLs lists the rule names by rule id.
func (e *Emulator) osdCrushRuleLs(ctx context.Context, a args, f format) ([]byte, string, error) {
	ids := e.ruleIDs(ctx)
	names := make([]string, 0, len(ids))
	for n := range ids {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return ids[names[i]] < ids[names[j]] })
	if f != plain {
		b, err := encodeJSON(names, f)
		return b, "", err
	}
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n + "\n")
	}
	return []byte(b.String()), "", nil
}
