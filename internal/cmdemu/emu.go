package cmdemu

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	cephapi "github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/ceph"
)

// Option configures the emulator.
type Option func(*Emulator)

// WithClock sets the clock used for "since"/"age" durations.
func WithClock(now func() time.Time) Option { return func(e *Emulator) { e.now = now } }

// Emulator answers Ceph commands from the domain API.
type Emulator struct {
	c    *cephapi.Client
	now  func() time.Time
	maps Maps
	auth AuthDB
	ck   ConfigKeyStore
}

// New returns a Commander that answers the commands of Commands() from c.
func New(c *cephapi.Client, opts ...Option) *Emulator {
	e := &Emulator{c: c, now: time.Now}
	for _, o := range opts {
		o(e)
	}
	return e
}

var _ ceph.Commander = (*Emulator)(nil)

// ParamType is the Ceph argument type of a command parameter.
type ParamType string

// Parameter types, named as in Ceph's command descriptions.
const (
	CephString  ParamType = "CephString"
	CephChoices ParamType = "CephChoices"
	CephInt     ParamType = "CephInt"
	CephFloat   ParamType = "CephFloat"
	CephOsdName ParamType = "CephOsdName"
	CephBool    ParamType = "CephBool"
)

// Param describes one argument of a command, as `get_command_descriptions`
// does.
type Param struct {
	Name     string
	Type     ParamType
	Required bool
	// List is true for arguments that take several values (n=N).
	List bool
	// Choices lists the allowed values of a CephChoices argument.
	Choices []string
}

// Signature describes a command the emulator knows.
type Signature struct {
	Prefix string
	Params []Param
	Help   string
	// Module is Ceph's module of the command ("osd", "mon", "pg").
	Module string
	// Write is true for commands that change the cluster (perm "rw").
	Write bool
}

type handler func(e *Emulator, ctx context.Context, a args, f format) ([]byte, string, error)

type command struct {
	Signature
	run handler
}

var table []command

func init() {
	setFlags := []string{"full", "pause", "noup", "nodown", "noout", "noin", "nobackfill", "norebalance",
		"norecover", "noscrub", "nodeep-scrub", "notieragent", "nosnaptrim", "pglog_hardlimit"}
	epoch := Param{Name: "epoch", Type: CephInt}
	detail := Param{Name: "detail", Type: CephChoices, Choices: []string{"detail"}}
	ids := Param{Name: "ids", Type: CephString, Required: true, List: true}
	entity := Param{Name: "entity", Type: CephString, Required: true}
	// The monitor does not insist on config-key's key: a missing one is the
	// empty key, which does not exist (ENOENT).
	ckKey := Param{Name: "key", Type: CephString}
	table = []command{
		{Signature{"health", []Param{detail}, "show cluster health", "mon", false}, (*Emulator).health},
		{Signature{"status", nil, "show cluster status", "mon", false}, (*Emulator).status},
		{Signature{"df", []Param{detail}, "show cluster free space stats", "mon", false}, (*Emulator).df},
		{Signature{"osd tree", []Param{epoch, {Name: "states", Type: CephChoices, List: true, Choices: []string{"up", "down", "in", "out", "destroyed"}}}, "print OSD tree", "osd", false}, (*Emulator).osdTree},
		{Signature{"osd dump", []Param{epoch}, "print summary of OSD map", "osd", false}, (*Emulator).osdDump},
		{Signature{"osd ls", []Param{epoch}, "show all OSD ids", "osd", false}, (*Emulator).osdLs},
		{Signature{"fsid", nil, "show cluster FSID/UUID", "mon", false}, (*Emulator).fsid},
		{Signature{"osd lspools", nil, "list pools", "osd", false}, (*Emulator).osdLspools},
		{Signature{"osd getmaxosd", nil, "show largest OSD id", "osd", false}, (*Emulator).osdGetmaxosd},
		{Signature{"osd crush rule ls", nil, "list crush rules", "osd", false}, (*Emulator).osdCrushRuleLs},
		{Signature{"osd crush rule list", nil, "list crush rules", "osd", false}, (*Emulator).osdCrushRuleLs},
		{Signature{"osd df", nil, "show OSD utilization", "osd", false}, (*Emulator).osdDF},
		{Signature{"osd stat", nil, "print summary of OSD map", "osd", false}, (*Emulator).osdStat},
		{Signature{"osd pool ls", []Param{detail}, "list pools", "osd", false}, (*Emulator).osdPoolLs},
		{Signature{"pg stat", nil, "show placement group status.", "pg", false}, (*Emulator).pgStat},
		{Signature{"mon stat", nil, "summarize monitor status", "mon", false}, (*Emulator).monStat},
		{Signature{"mon dump", []Param{epoch}, "dump formatted monmap (optionally from epoch)", "mon", false}, (*Emulator).monDump},
		{Signature{"quorum_status", nil, "report status of monitor quorum", "mon", false}, (*Emulator).quorumStatus},
		{Signature{"osd find", []Param{{Name: "id", Type: CephOsdName, Required: true}}, "find osd <id> in the CRUSH map and show its location", "osd", false}, (*Emulator).osdFind},
		{Signature{"osd crush rule dump", []Param{{Name: "name", Type: CephString}}, "dump crush rule <name> (default all)", "osd", false}, (*Emulator).osdCrushRuleDump},
		{Signature{"osd blocklist ls", nil, "show blocklisted clients", "osd", false}, (*Emulator).osdBlocklistLs},
		{Signature{"osd blacklist ls", nil, "show blocklisted clients", "osd", false}, (*Emulator).osdBlocklistLs},
		{Signature{"osd pool get", []Param{{Name: "pool", Type: CephString, Required: true}, {Name: "var", Type: CephChoices, Required: true, Choices: append(append([]string(nil), poolGetVars...), "all", "eio", "allow_ec_overwrites")}}, "get pool parameter <var>", "osd", false}, (*Emulator).osdPoolGet},
		{Signature{"osd getmap", []Param{epoch}, "get OSD map", "osd", false}, (*Emulator).osdGetmap},
		{Signature{"osd getcrushmap", []Param{epoch}, "get CRUSH map", "osd", false}, (*Emulator).osdGetcrushmap},
		{Signature{"mon getmap", []Param{epoch}, "get monmap", "mon", false}, (*Emulator).monGetmap},
		{Signature{"pg getmap", nil, "get binary pg map to -o/stdout", "pg", false}, (*Emulator).pgGetmap},
		{Signature{"fs dump", []Param{epoch}, "dump all CephFS status, optionally from epoch", "mds", false}, (*Emulator).fsDump},
		{Signature{"mds stat", nil, "show MDS status", "mds", false}, (*Emulator).mdsStat},
		{Signature{"mds compat show", nil, "show mds compatibility settings", "mds", false}, (*Emulator).mdsCompatShow},
		{Signature{"osd perf", nil, "print dump of OSD perf summary stats", "osd", false}, (*Emulator).osdPerf},
		{Signature{"osd pool stats", []Param{{Name: "pool_name", Type: CephString}}, "obtain stats from all pools, or from specified pool", "osd", false}, (*Emulator).osdPoolStats},
		{Signature{"pg dump_stuck", []Param{{Name: "stuckops", Type: CephChoices, List: true, Choices: []string{"inactive", "unclean", "stale", "undersized", "degraded"}}, {Name: "threshold", Type: CephInt}}, "show information about stuck pgs", "pg", false}, (*Emulator).pgDumpStuck},
		{Signature{"osd crush dump", nil, "dump crush map", "osd", false}, (*Emulator).osdCrushDump},
		{Signature{"osd map", []Param{{Name: "pool", Type: CephString, Required: true}, {Name: "object", Type: CephString, Required: true}, {Name: "nspace", Type: CephString}}, "find pg for <object> in <pool> with [namespace]", "osd", false}, (*Emulator).osdMap},
		{Signature{"pg map", []Param{{Name: "pgid", Type: CephString, Required: true}}, "show mapping of pg to osds", "pg", false}, (*Emulator).pgMap},
		{Signature{"pg dump", []Param{{Name: "dumpcontents", Type: CephChoices, List: true, Choices: []string{"all", "summary", "sum", "delta", "pools", "osds", "pgs", "pgs_brief"}}}, "show human-readable versions of pg map (only 'all' valid with plain)", "pg", false}, (*Emulator).pgDump},
		{Signature{"pg dump_json", []Param{{Name: "dumpcontents", Type: CephChoices, List: true, Choices: []string{"all", "summary", "sum", "pools", "osds", "pgs"}}}, "show human-readable version of pg map in json only", "pg", false}, pgDumpJSON("all")},
		{Signature{"pg dump_pools_json", nil, "show pg pools info in json only", "pg", false}, pgDumpJSON("pools")},
		{Signature{"pg debug", []Param{{Name: "debugop", Type: CephChoices, Required: true, Choices: []string{"unfound_objects_exist", "degraded_pgs_exist"}}}, "show debug info about pgs", "pg", false}, (*Emulator).pgDebug},
		{Signature{"report", []Param{{Name: "tags", Type: CephString, List: true}}, "report full status of cluster, optional title tag strings", "mon", false}, (*Emulator).report},
		{Signature{"auth ls", nil, "list authentication state", "auth", false}, (*Emulator).authLs},
		{Signature{"auth list", nil, "list authentication state", "auth", false}, (*Emulator).authLs},
		{Signature{"auth get", []Param{entity}, "write keyring file with requested key", "auth", false}, (*Emulator).authGet},
		{Signature{"auth export", []Param{{Name: "entity", Type: CephString}}, "write keyring for requested entity, or master keyring if none given", "auth", false}, (*Emulator).authExport},
		{Signature{"auth get-key", []Param{entity}, "display requested key", "auth", false}, (*Emulator).authGetKey},
		{Signature{"auth print-key", []Param{entity}, "display requested key", "auth", false}, (*Emulator).authGetKey},
		{Signature{"auth print_key", []Param{entity}, "display requested key", "auth", false}, (*Emulator).authGetKey},
		{Signature{"config-key ls", nil, "list keys", "config-key", false}, (*Emulator).configKeyLs},
		{Signature{"config-key list", nil, "list keys", "config-key", false}, (*Emulator).configKeyLs},
		{Signature{"config-key dump", []Param{ckKey}, "dump keys and values (with optional prefix)", "config-key", false}, (*Emulator).configKeyDump},
		{Signature{"config-key get", []Param{ckKey}, "get <key>", "config-key", false}, (*Emulator).configKeyGet},
		{Signature{"config-key exists", []Param{ckKey}, "check for <key>'s existence", "config-key", false}, (*Emulator).configKeyExists},
		{Signature{"config-key set", []Param{ckKey, {Name: "val", Type: CephString}}, "set <key> to value <val>", "config-key", true}, (*Emulator).configKeySet},
		{Signature{"config-key put", []Param{ckKey, {Name: "val", Type: CephString}}, "put <key>, value <val>", "config-key", true}, (*Emulator).configKeySet},
		{Signature{"config-key rm", []Param{ckKey}, "rm <key>", "config-key", true}, (*Emulator).configKeyRm},
		{Signature{"config-key del", []Param{ckKey}, "delete <key>", "config-key", true}, (*Emulator).configKeyRm},
		{Signature{"osd in", []Param{ids}, "set osd(s) <id> [<id>...] in, can use <any|all> to automatically set all previously out osds in", "osd", true}, markHandler("in")},
		{Signature{"osd out", []Param{ids}, "set osd(s) <id> [<id>...] out, or use <any|all> to set all osds out", "osd", true}, markHandler("out")},
		{Signature{"osd down", []Param{ids, {Name: "definitely_dead", Type: CephBool}}, "set osd(s) <id> [<id>...] down, or use <any|all> to set all osds down", "osd", true}, markHandler("down")},
		{Signature{"osd reweight", []Param{{Name: "id", Type: CephOsdName, Required: true}, {Name: "weight", Type: CephFloat, Required: true}}, "reweight osd to 0.0 < <weight> < 1.0", "osd", true}, (*Emulator).osdReweight},
		{Signature{"osd set", []Param{{Name: "key", Type: CephChoices, Required: true, Choices: setFlags}, {Name: "yes_i_really_mean_it", Type: CephBool}}, "set <key>", "osd", true}, flagHandler(true)},
		{Signature{"osd unset", []Param{{Name: "key", Type: CephChoices, Required: true, Choices: setFlags[:len(setFlags)-1]}}, "unset <key>", "osd", true}, flagHandler(false)},
	}
}

// Commands returns the signatures of the commands the emulator answers, in
// a stable order.
func Commands() []Signature {
	out := make([]Signature, len(table))
	for i, c := range table {
		out[i] = c.Signature
	}
	return out
}

// Lookup returns the signature of prefix.
func Lookup(prefix string) (Signature, bool) {
	for _, c := range table {
		if c.Prefix == prefix {
			return c.Signature, true
		}
	}
	return Signature{}, false
}

type format int

const (
	plain format = iota
	jsonCompact
	jsonPretty
	xmlCompact
	xmlPretty
)

// cmdError is a failed command with the monitor's errno and message.
func cmdError(errno syscall.Errno, msg string) error {
	code := ceph.InvalidArgument
	switch errno {
	case syscall.ENOENT:
		code = ceph.NotFound
	case syscall.EEXIST:
		code = ceph.AlreadyExists
	case syscall.EPERM, syscall.EACCES:
		code = ceph.PermissionDenied
	case syscall.EBUSY:
		code = ceph.Busy
	case syscall.EOPNOTSUPP:
		code = ceph.Unimplemented
	}
	return &ceph.Error{Code: code, Component: "command", Detail: msg, Err: errno}
}

// Command runs cmd against the domain API.
func (e *Emulator) Command(ctx context.Context, cmd ceph.Command) (*ceph.CommandResult, error) {
	if err := ceph.CheckContext(ctx, "command"); err != nil {
		return nil, err
	}
	var f format
	switch cmd.Format {
	case "", "plain":
		f = plain
	case "json":
		f = jsonCompact
	case "json-pretty":
		f = jsonPretty
	case "xml":
		f = xmlCompact
	case "xml-pretty":
		f = xmlPretty
	default:
		return nil, ceph.Errorf(ceph.InvalidArgument, "command", "invalid output format %q", cmd.Format)
	}
	prefix := strings.Join(strings.Fields(cmd.Prefix), " ")
	var c *command
	for i := range table {
		if table[i].Prefix == prefix {
			c = &table[i]
			break
		}
	}
	if c == nil {
		return nil, cmdError(syscall.EINVAL, "command not known")
	}
	a, err := parseArgs(c.Params, cmd.Args)
	if err != nil {
		return nil, err
	}
	out, status, err := c.run(e, ctx, a, f)
	if err != nil {
		return nil, err
	}
	if f == jsonCompact && jsonNewline[c.Prefix] && len(out) > 0 {
		out = append(out, '\n')
	}
	if (f == xmlCompact || f == xmlPretty) && !rawOutput[c.Prefix] {
		out, err = jsonToXML(c.Prefix, out, f == xmlPretty)
		if err != nil {
			return nil, err
		}
	}
	return &ceph.CommandResult{Output: out, Status: status}, nil
}

// jsonNewline are the commands whose compact JSON ends with a newline (the
// monitor flushes their formatter with one); the others end without.
var jsonNewline = map[string]bool{
	"osd tree": true, "osd ls": true, "osd dump": true, "mon dump": true, "mon stat": true,
	"quorum_status": true, "df": true, "status": true, "osd df": true, "osd crush rule dump": true,
	"fs dump": true, "mds stat": true, "mds compat show": true, "osd crush dump": true,
	"config-key ls": true, "config-key list": true, "config-key dump": true,
}

// rawOutput are the commands whose output is the stored bytes in every
// format: it is not JSON, so XML leaves it as it is.
var rawOutput = map[string]bool{"config-key get": true,
	// JSON in every format (the manager's "json only" dumps), and replies
	// that render their XML themselves (pg debug: a word before it;
	// report: its status is the checksum of what it prints).
	"pg dump_json": true, "pg dump_pools_json": true, "pg debug": true, "report": true,
	// The binary maps, the same bytes in every format.
	"osd getmap": true, "osd getcrushmap": true, "mon getmap": true, "pg getmap": true}

// args are a command's validated arguments.
type args map[string]any

func (a args) str(k string) string {
	s, _ := a[k].(string)
	return s
}

func (a args) list(k string) []string {
	l, _ := a[k].([]string)
	return l
}

// parseArgs checks the arguments against the signature as the monitor
// does (unknown arguments are ignored, like the monitor ignores them).
func parseArgs(params []Param, in map[string]any) (args, error) {
	out := args{}
	for _, p := range params {
		v, ok := in[p.Name]
		if !ok || v == nil {
			if p.Required && !p.List {
				return nil, cmdError(syscall.EINVAL, fmt.Sprintf("missing required parameter %s(<%s>)", p.Name, strings.ToLower(strings.TrimPrefix(string(p.Type), "Ceph"))))
			}
			continue
		}
		vals := flatten(v)
		if !p.List && len(vals) > 1 {
			return nil, cmdError(syscall.EINVAL, fmt.Sprintf("too many values for %s", p.Name))
		}
		switch p.Type {
		case CephInt:
			n, err := toInt(vals)
			if err != nil {
				return nil, err
			}
			out[p.Name] = n
		case CephFloat:
			if len(vals) == 0 {
				return nil, cmdError(syscall.EINVAL, fmt.Sprintf("missing value for %s", p.Name))
			}
			f, err := strconv.ParseFloat(vals[0], 64)
			if err != nil {
				return nil, cmdError(syscall.EINVAL, fmt.Sprintf("Expected option value to be float, got '%s'", vals[0]))
			}
			out[p.Name] = f
		case CephOsdName:
			if len(vals) == 0 {
				return nil, cmdError(syscall.EINVAL, fmt.Sprintf("missing value for %s", p.Name))
			}
			s := strings.TrimPrefix(vals[0], "osd.")
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return nil, cmdError(syscall.EINVAL, fmt.Sprintf("invalid osd id value '%s'", vals[0]))
			}
			out[p.Name] = n
		case CephBool:
			b := true
			if len(vals) > 0 {
				var err error
				if b, err = strconv.ParseBool(vals[0]); err != nil {
					return nil, cmdError(syscall.EINVAL, fmt.Sprintf("Expected option value to be boolean, got '%s'", vals[0]))
				}
			}
			out[p.Name] = b
		case CephChoices:
			// The monitor does not check choices (the CLI does): an
			// unknown "detail" value means no detail. Flags are checked
			// by the set/unset commands themselves.
			for _, s := range vals {
				if p.Name == "key" && !contains(p.Choices, s) {
					return nil, cmdError(syscall.EINVAL, fmt.Sprintf("unrecognized flag '%s'", s))
				}
			}
			if p.List {
				out[p.Name] = vals
			} else if len(vals) > 0 {
				out[p.Name] = vals[0]
			}
		default:
			if p.List {
				out[p.Name] = vals
			} else if len(vals) > 0 {
				out[p.Name] = vals[0]
			}
		}
	}
	return out, nil
}

// flatten turns an argument value (string, number, bool or a list of them)
// into strings.
func flatten(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []string:
		return x
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, flatten(e)...)
		}
		return out
	case []int:
		out := make([]string, len(x))
		for i, n := range x {
			out[i] = strconv.Itoa(n)
		}
		return out
	case float64:
		return []string{strconv.FormatFloat(x, 'f', -1, 64)}
	case json.Number:
		return []string{x.String()}
	case nil:
		return nil
	}
	return []string{fmt.Sprint(v)}
}

func toInt(vals []string) (int, error) {
	if len(vals) == 0 {
		return 0, cmdError(syscall.EINVAL, "missing integer value")
	}
	n, err := strconv.Atoi(vals[0])
	if err != nil {
		return 0, cmdError(syscall.EINVAL, fmt.Sprintf("Expected option value to be integer, got '%s'", vals[0]))
	}
	return n, nil
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// encodeJSON renders v as Ceph's JSON formatter does: compact without a
// trailing newline, or pretty with four-space indentation and a newline.
func encodeJSON(v any, f format) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if f == jsonPretty || f == xmlPretty {
		enc.SetIndent("", "    ")
	}
	if err := enc.Encode(v); err != nil {
		return nil, ceph.Wrap(err, ceph.Internal, "command")
	}
	b := buf.Bytes()
	if f != jsonPretty {
		b = bytes.TrimRight(b, "\n")
	}
	return b, nil
}

// obj is a JSON object that keeps its key order.
type obj []kv

type kv struct {
	k string
	v any
}

func (o obj) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, p := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(p.k)
		buf.Write(k)
		buf.WriteByte(':')
		var vb bytes.Buffer
		enc := json.NewEncoder(&vb)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(p.v); err != nil {
			return nil, err
		}
		buf.Write(bytes.TrimRight(vb.Bytes(), "\n"))
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// cfloat is a float Ceph's JSON formatter prints with 17 significant digits.
type cfloat float64

func (f cfloat) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(f), 'g', 17, 64)), nil
}

// emptyList returns l, or an empty non-nil list.
func emptyList[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
