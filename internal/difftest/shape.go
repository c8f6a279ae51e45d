// Package difftest compares two HTTP APIs that claim to be the same: it
// sends one request to both and compares the status codes and the JSON
// documents' shapes (field names and JSON types, recursively) and, where a
// case asks for it, values.
//
// The differential test of the project (shape_rados_test.go, build tag
// "rados") uses it to hold our server on the rados transport against the
// real ceph-mgr dashboard of the same cluster. Intentional differences are
// listed per case as Known entries, each with a reason, and documented in
// docs/dashboard-differences.md.
//
// # Paths
//
// A path names a place in a document: segments separated by "/", an
// object field by its name, every element of an array by "[]", and every
// value of an object with data-dependent keys (a map, such as the perf
// counters keyed by daemon name) by "{}". The root is "". Examples:
// "health/status", "[]/pool_name", "osd_map/osds/[]/state", "{}/{}".
// In patterns (Known.Path, Case.Maps) the segment "*" matches any one
// segment, "**" any number of them, and a segment with path.Match
// wildcards ("cache_*") the segments it matches.
package difftest

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
)

// JSON types of a value as named in reports.
const (
	TNull   = "null"
	TBool   = "bool"
	TNumber = "number"
	TString = "string"
	TArray  = "array"
	TObject = "object"
)

// Shape is the union of the shapes of one or more JSON values found at
// the same path: which JSON types occurred, the fields of the objects among
// them and the shape of the elements of the arrays among them.
type Shape struct {
	Types  map[string]bool
	Fields map[string]*Shape // object fields (nil when no object occurred)
	Elem   *Shape            // union of array elements (nil: no element seen)
}

// Of returns the shape of v, a value decoded by encoding/json into any.
// Objects at a path matching one of maps are treated as maps: their values
// are merged into one "{}" element instead of being fields.
func Of(v any, maps []string) *Shape {
	s := &Shape{}
	s.add(v, "", maps)
	return s
}

func typeOf(v any) string {
	switch v.(type) {
	case nil:
		return TNull
	case bool:
		return TBool
	case float64, json.Number:
		return TNumber
	case string:
		return TString
	case []any:
		return TArray
	case map[string]any:
		return TObject
	}
	return fmt.Sprintf("%T", v)
}

func join(path, seg string) string {
	if path == "" {
		return seg
	}
	return path + "/" + seg
}

func (s *Shape) add(v any, path string, maps []string) {
	if s.Types == nil {
		s.Types = map[string]bool{}
	}
	s.Types[typeOf(v)] = true
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			if s.Elem == nil {
				s.Elem = &Shape{}
			}
			s.Elem.add(e, join(path, "[]"), maps)
		}
	case map[string]any:
		if s.Fields == nil {
			s.Fields = map[string]*Shape{}
		}
		if MatchAny(maps, path) {
			p := join(path, "{}")
			for _, e := range v {
				f := s.Fields["{}"]
				if f == nil {
					f = &Shape{}
					s.Fields["{}"] = f
				}
				f.add(e, p, maps)
			}
			return
		}
		for k, e := range v {
			f := s.Fields[k]
			if f == nil {
				f = &Shape{}
				s.Fields[k] = f
			}
			f.add(e, join(path, k), maps)
		}
	}
}

// TypeList is the shape's sorted type names joined by "|".
func (s *Shape) TypeList() string {
	if s == nil {
		return "absent"
	}
	ts := make([]string, 0, len(s.Types))
	for t := range s.Types {
		ts = append(ts, t)
	}
	sort.Strings(ts)
	return strings.Join(ts, "|")
}

// Kind is the kind of a difference.
type Kind string

// The kinds of differences.
const (
	// Missing: the reference (the real dashboard) has the path, we do not.
	Missing Kind = "missing"
	// Extra: we have the path, the reference does not.
	Extra Kind = "extra"
	// Type: both have the path with different JSON types.
	Type Kind = "type"
	// Value: a compared value differs.
	Value Kind = "value"
	// Status: the HTTP status codes differ.
	Status Kind = "status"
)

// Diff is one difference between our answer and the reference's.
type Diff struct {
	Kind   Kind
	Path   string
	Ours   string
	Theirs string
}

func (d Diff) String() string {
	p := d.Path
	if p == "" {
		p = "(root)"
	}
	switch d.Kind {
	case Missing:
		return fmt.Sprintf("missing %s (theirs: %s)", p, d.Theirs)
	case Extra:
		return fmt.Sprintf("extra %s (ours: %s)", p, d.Ours)
	}
	return fmt.Sprintf("%s %s: ours %s, theirs %s", d.Kind, p, d.Ours, d.Theirs)
}

// CompareShapes lists the differences of shape between ours and theirs.
// Fields of a missing or extra object are not listed one by one, and the
// elements of arrays are compared only when both sides have some (an empty
// list says nothing about its elements).
func CompareShapes(ours, theirs *Shape) []Diff {
	var out []Diff
	compare(ours, theirs, "", &out)
	return out
}

func compare(o, t *Shape, path string, out *[]Diff) {
	if o.TypeList() != t.TypeList() {
		*out = append(*out, Diff{Kind: Type, Path: path, Ours: o.TypeList(), Theirs: t.TypeList()})
	}
	if o.Types[TObject] && t.Types[TObject] {
		names := make([]string, 0, len(o.Fields)+len(t.Fields))
		for k := range o.Fields {
			names = append(names, k)
		}
		for k := range t.Fields {
			if _, ok := o.Fields[k]; !ok {
				names = append(names, k)
			}
		}
		sort.Strings(names)
		for _, k := range names {
			of, tf := o.Fields[k], t.Fields[k]
			p := join(path, k)
			switch {
			case of == nil:
				*out = append(*out, Diff{Kind: Missing, Path: p, Theirs: tf.TypeList()})
			case tf == nil:
				*out = append(*out, Diff{Kind: Extra, Path: p, Ours: of.TypeList()})
			default:
				compare(of, tf, p, out)
			}
		}
	}
	if o.Elem != nil && t.Elem != nil {
		compare(o.Elem, t.Elem, join(path, "[]"), out)
	}
}

// Match reports whether path matches pattern: segments separated by "/",
// "*" matches one segment, "**" any number (also none).
func Match(pattern, path string) bool {
	return matchSegs(split(pattern), split(path))
}

func split(p string) []string {
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func matchSegs(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(segs); i++ {
				if matchSegs(pat[1:], segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 || !matchSeg(pat[0], segs[0]) {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}

// matchSeg matches one segment: equal, or a path.Match pattern
// ("cache_*"); "[]" and "{}" only match themselves.
func matchSeg(pat, seg string) bool {
	if pat == seg || pat == "*" {
		return true
	}
	if pat == "[]" || pat == "{}" {
		return false
	}
	ok, err := path.Match(pat, seg)
	return ok && err == nil
}

// MatchAny reports whether path matches one of patterns.
func MatchAny(patterns []string, path string) bool {
	return slices.ContainsFunc(patterns, func(p string) bool { return Match(p, path) })
}

// Values returns the JSON encodings of every value at path in doc ("[]"
// walks every element of an array, "{}" every value of an object, "*" too),
// sorted, so that two documents can be compared as multisets of values.
func Values(doc any, path string) []string {
	var out []string
	collect(doc, split(path), &out)
	sort.Strings(out)
	return out
}

func collect(v any, segs []string, out *[]string) {
	if len(segs) == 0 {
		b, err := json.Marshal(v)
		if err != nil {
			b = []byte(fmt.Sprint(v))
		}
		*out = append(*out, string(b))
		return
	}
	seg := segs[0]
	switch v := v.(type) {
	case []any:
		if seg == "[]" || seg == "*" {
			for _, e := range v {
				collect(e, segs[1:], out)
			}
		}
	case map[string]any:
		if seg == "{}" || seg == "*" {
			for _, e := range v {
				collect(e, segs[1:], out)
			}
			return
		}
		if e, ok := v[seg]; ok {
			collect(e, segs[1:], out)
		}
	}
}
