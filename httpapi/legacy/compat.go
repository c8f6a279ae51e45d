package legacy

// Compatibility with the clients written for the releases that shipped
// ceph-rest-api (Jewel, Luminous): Elastic Metricbeat's ceph module (its
// cluster_health, cluster_status and monitor_health metricsets decode
// fields Ceph 16 no longer prints) and python-cephclient (whose mon_status
// calls a command Ceph 16 removed).
//
// The layer is additive and works on the JSON form only (XML and plain
// text are Ceph's own): the fields of older releases are added after Ceph
// 16's, never in their place, so a modern client sees everything Ceph 16
// printed. Every added value is computed from what Ceph 16 reports through
// the same Commander (the command's own output, plus quorum_status,
// time-sync-status, health detail or pg dump summary when needed); a value
// Ceph 16 has no source for is left out rather than made up, and the
// comments below say which. When an extra read fails the field it feeds is
// left out; the command's own answer is never lost.
//
// What replaced what:
//
//   - health: overall_status is status (the overall health the old field
//     carried); summary lists each check's severity and summary message,
//     detail its detail messages (as Jewel's lists of strings);
//     timechecks is time-sync-status's (on a Commander without that
//     command, such as the memory transport, only its epoch, which is the
//     election epoch, from quorum_status); health.health_services lists the
//     monitors in quorum with the health of their data store as the
//     MON_DISK_LOW/MON_DISK_CRIT/MON_DISK_BIG checks report it, and
//     avail_percent when such a check's detail states it. Ceph 16 reports
//     a monitor's kb_total/kb_used/kb_avail, store_stats and their
//     last_updated stamp nowhere (they live in the monitor only, for the
//     disk checks), so they are left out; Metricbeat decodes missing
//     fields as zero.
//   - status: health as above; osdmap.osdmap (Luminous nested the OSD map
//     summary) with epoch and the counts of the flat osdmap, and
//     full/nearfull, which Luminous kept set while any OSD was full or
//     nearfull: the OSD_FULL and OSD_NEARFULL checks; pgmap.version is the
//     PG map's version from pg dump summary; monmap gains fsid, created,
//     modified and mons from quorum_status's monmap.
//   - mon_status (gone since Octopus): answered, when the cluster refuses
//     it, from quorum_status as the quorum leader would answer it: name,
//     rank, state "leader", election_epoch, quorum, quorum_age, features
//     (quorum_con, quorum_mon, required_mon from the monmap's persistent
//     features), outside_quorum (empty: a leader has no peers outside the
//     quorum it leads), monmap, and feature_map from `features` when the
//     Commander has it. required_con, extra_probe_peers and sync_provider
//     have no Ceph 16 source and are left out.
//   - mds dump (obsolete since Mimic): answered, when the cluster refuses
//     it, from fs dump: the MDS map of the file system legacy clients
//     mount (default_fscid), as Luminous printed it.

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/internal/cmdemu"
)

// compatSigs are the commands of older releases the handler answers
// itself when the cluster no longer knows them.
var compatSigs = []cmdemu.Signature{
	{Prefix: "mon_status", Help: "report status of monitors", Module: "mon"},
	{Prefix: "mds dump", Params: []cmdemu.Param{{Name: "epoch", Type: cmdemu.CephInt}}, Help: "dump legacy MDS cluster info, optionally from epoch", Module: "mds"},
}

// compat holds the extra reads of one request, each done at most once.
type compat struct {
	h     *handler
	ctx   context.Context
	reads map[string]*object
}

func (h *handler) newCompat(ctx context.Context) *compat {
	return &compat{h: h, ctx: ctx, reads: map[string]*object{}}
}

// read runs a read command in JSON and returns its object (nil on error).
func (c *compat) read(prefix string, args map[string]any) *object {
	key := prefix
	if args != nil {
		b, _ := json.Marshal(args)
		key += string(b)
	}
	if o, ok := c.reads[key]; ok {
		return o
	}
	var o *object
	res, err := c.h.cmd.Command(c.ctx, ceph.Command{Prefix: prefix, Args: args, Format: "json"})
	if err == nil {
		o, _ = parseObject(res.Output)
	}
	c.reads[key] = o
	return o
}

// augment adds the older releases' fields to a command's JSON output; the
// output is returned unchanged for other commands or when it is not a
// JSON object.
func (c *compat) augment(prefix string, args map[string]any, out []byte) []byte {
	var fn func(*object, map[string]any)
	switch prefix {
	case "health":
		fn = c.health
	case "status":
		fn = c.status
	default:
		return out
	}
	o, err := parseObject(out)
	if err != nil {
		return out
	}
	fn(o, args)
	b, err := o.MarshalJSON()
	if err != nil {
		return out
	}
	return b
}

type healthCheck struct {
	Severity string `json:"severity"`
	Summary  struct {
		Message string `json:"message"`
	} `json:"summary"`
	Detail []struct {
		Message string `json:"message"`
	} `json:"detail"`
}

// checks returns a health object's checks in the order Ceph printed them.
func checksOf(o *object) ([]string, map[string]healthCheck) {
	co := o.child("checks")
	m := map[string]healthCheck{}
	if co == nil {
		return nil, m
	}
	for _, k := range co.keys {
		var hc healthCheck
		if co.get(k, &hc) {
			m[k] = hc
		}
	}
	return co.keys, m
}

// health adds overall_status, summary, detail, timechecks and
// health.health_services to a Ceph 16 health object.
func (c *compat) health(o *object, args map[string]any) {
	var status string
	if !o.get("status", &status) {
		return
	}
	o.add("overall_status", status)
	codes, checks := checksOf(o)
	summary := []fields{}
	detail := []string{}
	for _, k := range codes {
		hc := checks[k]
		summary = append(summary, fields{{"severity", hc.Severity}, {"summary", hc.Summary.Message}})
		for _, d := range hc.Detail {
			detail = append(detail, d.Message)
		}
	}
	o.add("summary", summary)
	o.add("detail", detail)
	if tc := c.timechecks(); tc != nil {
		o.add("timechecks", tc)
	}
	if mons := c.monHealth(checks); mons != nil {
		o.add("health", fields{{"health_services", []fields{{{"mons", mons}}}}})
	}
}

// timechecks is time-sync-status's timechecks, or the epoch alone (the
// time check epoch is the election epoch) when the Commander does not
// have time-sync-status.
func (c *compat) timechecks() any {
	if ts := c.read("time-sync-status", nil); ts != nil && ts.has("timechecks") {
		return ts.vals["timechecks"]
	}
	q := c.read("quorum_status", nil)
	var epoch json.RawMessage
	if q == nil || !q.get("election_epoch", &epoch) {
		return nil
	}
	return fields{{"epoch", epoch}}
}

// monAvail matches the detail of the monitor disk checks: "mon.a has 29%
// avail".
var monAvail = regexp.MustCompile(`^mon\.(\S+) has (\d+)% avail`)

// monNamed matches the monitor a disk check's detail names.
var monNamed = regexp.MustCompile(`^mon\.(\S+) `)

// monHealth lists the monitors in quorum as the old data health service
// did: each with the health of its store from the disk checks.
func (c *compat) monHealth(checks map[string]healthCheck) []fields {
	q := c.read("quorum_status", nil)
	var names []string
	if q == nil || !q.get("quorum_names", &names) {
		return nil
	}
	health := map[string]string{}
	avail := map[string]int{}
	disk := []string{"MON_DISK_BIG", "MON_DISK_LOW", "MON_DISK_CRIT"} // by rising severity
	need := false
	for _, code := range disk {
		if hc, ok := checks[code]; ok && len(hc.Detail) == 0 {
			need = true
		}
	}
	if need {
		// The plain health has no details: ask for them to learn which
		// monitor the checks name.
		if hd := c.read("health", map[string]any{"detail": "detail"}); hd != nil {
			_, checks = checksOf(hd)
		}
	}
	for _, code := range disk {
		hc, ok := checks[code]
		if !ok {
			continue
		}
		for _, d := range hc.Detail {
			if m := monNamed.FindStringSubmatch(d.Message); m != nil {
				health[m[1]] = hc.Severity
			}
			if m := monAvail.FindStringSubmatch(d.Message); m != nil {
				var n int
				if json.Unmarshal([]byte(m[2]), &n) == nil {
					avail[m[1]] = n
				}
			}
		}
	}
	out := []fields{}
	for _, n := range names {
		hs := health[n]
		if hs == "" {
			hs = "HEALTH_OK"
		}
		f := fields{{"name", n}, {"health", hs}}
		if a, ok := avail[n]; ok {
			f = append(f, field{"avail_percent", a})
		}
		out = append(out, f)
	}
	return out
}

// status adds Luminous's nested osdmap, pgmap.version, the monmap's mons
// and the health fields to a Ceph 16 status.
func (c *compat) status(o *object, args map[string]any) {
	var checks map[string]healthCheck
	if ho := o.child("health"); ho != nil {
		_, checks = checksOf(ho)
		c.health(ho, nil)
		o.set("health", ho)
	}
	if om := o.child("osdmap"); om != nil && !om.has("osdmap") {
		inner := fields{}
		for _, k := range []string{"epoch", "num_osds", "num_up_osds", "num_in_osds", "num_remapped_pgs"} {
			if om.has(k) {
				inner = append(inner, field{k, om.vals[k]})
			}
		}
		_, full := checks["OSD_FULL"]
		_, nearfull := checks["OSD_NEARFULL"]
		if checks != nil {
			inner = append(inner, field{"full", full}, field{"nearfull", nearfull})
		}
		om.add("osdmap", inner)
		o.set("osdmap", om)
	}
	if pm := o.child("pgmap"); pm != nil && !pm.has("version") {
		if d := c.read("pg dump", map[string]any{"dumpcontents": []string{"summary"}}); d != nil {
			if m := d.child("pg_map"); m != nil && m.has("version") {
				pm.add("version", m.vals["version"])
				o.set("pgmap", pm)
			}
		}
	}
	if mm := o.child("monmap"); mm != nil && !mm.has("mons") {
		if q := c.read("quorum_status", nil); q != nil {
			if qm := q.child("monmap"); qm != nil {
				for _, k := range []string{"fsid", "created", "modified", "mons"} {
					if qm.has(k) {
						mm.add(k, qm.vals[k])
					}
				}
				o.set("monmap", mm)
			}
		}
	}
}

// monStatus answers mon_status from quorum_status as its leader would.
func (c *compat) monStatus() ([]byte, bool) {
	q := c.read("quorum_status", nil)
	if q == nil {
		return nil, false
	}
	var leader string
	var quorum []int
	q.get("quorum_leader_name", &leader)
	q.get("quorum", &quorum)
	qm := q.child("monmap")
	if qm == nil {
		return nil, false
	}
	var mons []struct {
		Rank int    `json:"rank"`
		Name string `json:"name"`
	}
	qm.get("mons", &mons)
	rank := -1
	for _, m := range mons {
		if m.Name == leader {
			rank = m.Rank
		}
	}
	if rank < 0 {
		return nil, false
	}
	o := &object{vals: map[string]json.RawMessage{}}
	o.set("name", leader)
	o.set("rank", rank)
	o.set("state", "leader")
	for _, k := range []string{"election_epoch", "quorum", "quorum_age"} {
		if q.has(k) {
			o.set(k, q.vals[k])
		}
	}
	feat := fields{}
	if mf := qm.child("features"); mf != nil && mf.has("persistent") {
		feat = append(feat, field{"required_mon", mf.vals["persistent"]})
	}
	if qf := q.child("features"); qf != nil {
		for _, k := range []string{"quorum_con", "quorum_mon"} {
			if qf.has(k) {
				feat = append(feat, field{k, qf.vals[k]})
			}
		}
	}
	o.set("features", feat)
	o.set("outside_quorum", []string{})
	o.set("monmap", qm)
	if fm := c.read("features", nil); fm != nil {
		o.set("feature_map", fm)
	}
	b, err := o.MarshalJSON()
	return b, err == nil
}

// mdsDump answers mds dump (obsolete since Mimic) from fs dump: the
// MDS map of the file system legacy clients mount (default_fscid), as
// Luminous printed it (JSON: the MDS map; plain: its section of fs dump),
// with Luminous's status line. False when there is no such file system.
func (c *compat) mdsDump(args map[string]any, format string) ([]byte, string, bool) {
	var fsArgs map[string]any
	if e, ok := args["epoch"]; ok {
		fsArgs = map[string]any{"epoch": e}
	}
	d := c.read("fs dump", fsArgs)
	if d == nil {
		return nil, "", false
	}
	var epoch, fscid int
	var filesystems []struct {
		ID     int             `json:"id"`
		MDSMap json.RawMessage `json:"mdsmap"`
	}
	if !d.get("epoch", &epoch) || !d.get("default_fscid", &fscid) || !d.get("filesystems", &filesystems) {
		return nil, "", false
	}
	status := "dumped fsmap epoch " + strconv.Itoa(epoch)
	for _, fs := range filesystems {
		if fs.ID != fscid {
			continue
		}
		if format != "" {
			return fs.MDSMap, status, true
		}
		res, err := c.h.cmd.Command(c.ctx, ceph.Command{Prefix: "fs dump", Args: fsArgs})
		if err != nil {
			return nil, "", false
		}
		if sec, ok := fsSection(string(res.Output), fscid); ok {
			return []byte(sec), status, true
		}
		return nil, "", false
	}
	return nil, "", false
}

// fsSection cuts one file system's section ("Filesystem 'name' (id)" up
// to the next blank line) out of fs dump's plain text.
func fsSection(text string, fscid int) (string, bool) {
	lines := strings.SplitAfter(text, "\n")
	suffix := " (" + strconv.Itoa(fscid) + ")\n"
	for i, l := range lines {
		if !strings.HasPrefix(l, "Filesystem '") || !strings.HasSuffix(l, suffix) {
			continue
		}
		var b strings.Builder
		for _, m := range lines[i+1:] {
			if strings.TrimSpace(m) == "" {
				break
			}
			b.WriteString(m)
		}
		return b.String(), b.Len() > 0
	}
	return "", false
}

// serveCompat answers a command the cluster refused as unknown (EINVAL)
// or obsolete (EOPNOTSUPP) when the layer can stand in for it; false when
// it cannot (the cluster's error is answered then).
func (h *handler) serveCompat(w http.ResponseWriter, r *http.Request, format, prefix string, args map[string]any, cerr *ceph.Error) bool {
	if en := errnoOf(cerr); en != int(syscall.EINVAL) && en != int(syscall.EOPNOTSUPP) {
		return false
	}
	c := h.newCompat(r.Context())
	var out []byte
	var status string
	root := prefix
	switch prefix {
	case "mon_status":
		b, ok := c.monStatus()
		if !ok {
			return false
		}
		out, status = b, ""
		if format == "" {
			// The monitor printed mon_status as pretty JSON when no
			// format was asked for.
			var buf bytes.Buffer
			if json.Indent(&buf, out, "", "    ") == nil {
				out = append(buf.Bytes(), '\n')
			}
		}
	case "mds dump":
		b, st, ok := c.mdsDump(args, format)
		if !ok {
			return false
		}
		out, status, root = b, st, "mdsmap"
	default:
		return false
	}
	if strings.HasPrefix(format, "xml") {
		x, err := cmdemu.JSONToXML(root, out, strings.HasSuffix(format, "-pretty"))
		if err != nil {
			return false
		}
		out = x
	}
	w.Header().Set("X-Ceph-Status", headerSafe(status))
	if status == "" {
		status = "OK"
	}
	h.respond(w, r, format, out, status, http.StatusOK)
	return true
}

// withCompatSigs adds the compatibility commands to sigs.
func withCompatSigs(sigs []cmdemu.Signature) []cmdemu.Signature {
	out := append([]cmdemu.Signature(nil), sigs...)
	for _, s := range compatSigs {
		found := false
		for _, x := range out {
			found = found || x.Prefix == s.Prefix
		}
		if !found {
			out = append(out, s)
		}
	}
	return out
}
