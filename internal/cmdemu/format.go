package cmdemu

import (
	"math"
	"strconv"
	"strings"
	"time"
)

type align int

const (
	left align = iota
	right
)

type column struct {
	heading     string
	headAlign   align
	cellAlign   align
	width       int
	headingOnly bool
}

// textTable reproduces Ceph's TextTable: each column is as wide as its
// widest cell or heading, cells are padded to the column's alignment and
// columns are separated by two spaces. Lines keep their trailing padding,
// as Ceph prints them.
type textTable struct {
	cols []column
	rows [][]string
}

func (t *textTable) define(heading string, headAlign, cellAlign align) {
	t.cols = append(t.cols, column{heading: heading, headAlign: headAlign, cellAlign: cellAlign, width: len(heading)})
}

func (t *textTable) row(cells ...string) {
	r := make([]string, len(t.cols))
	copy(r, cells)
	for i, c := range r {
		if len(c) > t.cols[i].width {
			t.cols[i].width = len(c)
		}
	}
	t.rows = append(t.rows, r)
}

func pad(s string, w int, a align) string {
	if len(s) >= w {
		return s
	}
	if a == right {
		return strings.Repeat(" ", w-len(s)) + s
	}
	return s + strings.Repeat(" ", w-len(s))
}

func (t *textTable) String() string {
	var b strings.Builder
	for i, c := range t.cols {
		if i > 0 {
			b.WriteString("  ")
		}
		b.WriteString(pad(c.heading, c.width, c.headAlign))
	}
	b.WriteByte('\n')
	for _, r := range t.rows {
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(pad(c, t.cols[i].width, t.cols[i].cellAlign))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// weightf formats a CRUSH weight or reweight as Ceph's weightf_t: "-" for
// negative, "0" for zero, else five decimals of the single-precision value.
func weightf(v float64) string {
	w := float32(v)
	switch {
	case w < -0.01:
		return "-"
	case w < 0.000001:
		return "0"
	}
	return strconv.FormatFloat(float64(w), 'f', 5, 64)
}

// byteU formats a byte count as Ceph's byte_u_t ("0 B", "259 KiB",
// "3.0 GiB", "2.8 GiB").
func byteU(v int64) string {
	return unitU(v, []string{" B", " KiB", " MiB", " GiB", " TiB", " PiB", " EiB"}, 1024)
}

func unitU(v int64, units []string, base uint64) string {
	if v < 0 {
		v = 0
	}
	u := uint64(v)
	n := u
	idx := 0
	for n >= base && idx < len(units)-1 {
		n /= base
		idx++
	}
	if idx == 0 {
		return strconv.FormatUint(n, 10) + units[0]
	}
	mult := uint64(math.Pow(float64(base), float64(idx)))
	if u%mult == 0 {
		return strconv.FormatUint(n, 10) + units[idx]
	}
	f := float64(u) / float64(mult)
	var s string
	for prec := 2; prec >= 0; prec-- {
		s = strconv.FormatFloat(f, 'f', prec, 64) + units[idx]
		if len(s) <= 7 {
			break
		}
	}
	return s
}

// percentify formats a percentage as Ceph's df does.
func percentify(v float64) string {
	if v < 0.01 {
		return "0"
	}
	return strconv.FormatFloat(float64(float32(v)), 'f', 2, 64)
}

// timespan formats a duration as Ceph's timespan_str ("94s", "2m", "5h").
func timespan(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	if d < 2*time.Second {
		return strconv.FormatFloat(float64(float32(d.Seconds())), 'g', 6, 64) + "s"
	}
	sec := int64(d / time.Second)
	if sec < 120 {
		return strconv.FormatInt(sec, 10) + "s"
	}
	min := sec / 60
	if min < 120 {
		return strconv.FormatInt(min, 10) + "m"
	}
	hr := min / 60
	if hr < 48 {
		return strconv.FormatInt(hr, 10) + "h"
	}
	day := hr / 24
	if day < 14 {
		return strconv.FormatInt(day, 10) + "d"
	}
	if wk := day / 7; wk < 12 {
		return strconv.FormatInt(wk, 10) + "w"
	}
	if mn := day / 30; mn < 24 {
		return strconv.FormatInt(mn, 10) + "M"
	}
	return strconv.FormatInt(day/365, 10) + "y"
}

// parseCephTime parses Ceph's timestamps ("2026-11-26T20:02:40.377360+0000"
// or with "Z").
func parseCephTime(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02T15:04:05.999999-0700", "2006-01-02T15:04:05.999999Z07:00", "2006-01-02 15:04:05.999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// plainTime formats a Ceph timestamp as the plain-text dumps print it
// ("+0000" instead of "Z").
func plainTime(s string) string {
	if strings.HasSuffix(s, "Z") {
		return strings.TrimSuffix(s, "Z") + "+0000"
	}
	return s
}

// jsonOnly encodes v for a command that prints JSON whatever format is
// asked: json-pretty for plain. eol adds the newline the monitor puts
// after some commands' pretty answers (osd crush dump, osd crush rule
// dump).
func jsonOnly(v any, f format, eol bool) ([]byte, string, error) {
	if f == plain {
		f = jsonPretty
	}
	b, err := encodeJSON(v, f)
	if eol && f == jsonPretty && err == nil {
		b = append(b, '\n')
	}
	return b, "", err
}
