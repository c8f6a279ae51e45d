package ops

import (
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/ceph"
)

// Int is an integer that also accepts a numeric string ("8") or an
// integral float (8.0), as the dashboard passes body values through to
// Ceph commands that take either. It encodes as a JSON number.
type Int int64

// UnmarshalJSON implements json.Unmarshaler.
func (f *Int) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return nil
	}
	return f.parse(strings.Trim(s, `"`), string(b))
}

// UnmarshalText reads a query parameter.
func (f *Int) UnmarshalText(b []byte) error { return f.parse(string(b), string(b)) }

func (f *Int) parse(s, orig string) error {
	s = strings.TrimSpace(s)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if fl, ferr := strconv.ParseFloat(s, 64); ferr == nil && fl == float64(int64(fl)) && fl < 1<<62 && fl > -(1<<62) {
			*f = Int(int64(fl))
			return nil
		}
		return ceph.Errorf(ceph.InvalidArgument, "", "invalid integer %s", truncate(orig))
	}
	*f = Int(n)
	return nil
}

// Float is a number that also accepts a numeric string.
type Float float64

// UnmarshalJSON implements json.Unmarshaler.
func (f *Float) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return nil
	}
	return f.parse(strings.Trim(s, `"`), string(b))
}

// UnmarshalText reads a query parameter.
func (f *Float) UnmarshalText(b []byte) error { return f.parse(string(b), string(b)) }

func (f *Float) parse(s, orig string) error {
	n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || n != n || n > 1e300 || n < -1e300 {
		return ceph.Errorf(ceph.InvalidArgument, "", "invalid number %s", truncate(orig))
	}
	*f = Float(n)
	return nil
}

// Bool is a boolean that also accepts the strings the dashboard's
// str_to_bool knows ("true", "yes", "1", "off", ...).
type Bool bool

// UnmarshalJSON implements json.Unmarshaler.
func (f *Bool) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return nil
	}
	v, ok := ParseBool(strings.Trim(s, `"`))
	if !ok {
		return ceph.Errorf(ceph.InvalidArgument, "", "invalid boolean %s", truncate(string(b)))
	}
	*f = Bool(v)
	return nil
}

// UnmarshalText reads a query parameter; the error names no parameter
// (the server adds it).
func (f *Bool) UnmarshalText(b []byte) error {
	v, ok := ParseBool(string(b))
	if !ok {
		return ceph.Errorf(ceph.InvalidArgument, "", "%q is not a boolean", string(b))
	}
	*f = Bool(v)
	return nil
}

// ParseBool reads a boolean the way the dashboard's str_to_bool does; ""
// is false.
func ParseBool(s string) (v, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "y", "yes", "t", "true", "on", "1":
		return true, true
	case "n", "no", "f", "false", "off", "0", "":
		return false, true
	}
	return false, false
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
