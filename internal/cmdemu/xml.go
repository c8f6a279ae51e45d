package cmdemu

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"

	"github.com/cephapi/cephapi/ceph"
)

// xmlRoots are the root element names Ceph's XML formatter uses.
var xmlRoots = map[string]string{
	"health": "health", "osd tree": "tree", "osd ls": "osds", "mon stat": "mon_stat",
	"osd stat": "osdmap", "osd dump": "osdmap", "mon dump": "monmap", "quorum_status": "quorum_status",
	"status": "status", "df": "stats", "pg stat": "pg_summary", "osd pool ls": "pools",
	"osd df": "osd_utilization",
	// the manager's PG reads wrap their answer in <pg_info>
	"pg dump": "pg_info", "pg debug": "pg_info",
}

// jsonToXML renders a JSON output as XML the way Ceph's XMLFormatter lays
// it out: objects become elements named by their keys, list items become
// <item> elements. Element names of list items can differ from Ceph's,
// which names them per command; the values and their order are the same.
func jsonToXML(prefix string, in []byte, pretty bool) ([]byte, error) {
	if len(bytes.TrimSpace(in)) == 0 {
		return in, nil
	}
	root := xmlRoots[prefix]
	if root == "" {
		root = strings.ReplaceAll(prefix, " ", "_")
	}
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.UseNumber()
	var b bytes.Buffer
	if err := xmlValue(dec, &b, root, 0, pretty); err != nil {
		return nil, ceph.Wrap(err, ceph.Internal, "command")
	}
	if pretty {
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

func xmlValue(dec *json.Decoder, b *bytes.Buffer, name string, depth int, pretty bool) error {
	indent := func(d int) {
		if pretty {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(strings.Repeat(" ", d))
		}
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	indent(depth)
	b.WriteString("<" + name + ">")
	switch t := tok.(type) {
	case json.Delim:
		n := 0
		for dec.More() {
			child := "item"
			if t == '{' {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				child, _ = k.(string)
				child = strings.NewReplacer(" ", "_", ":", "").Replace(strings.TrimSpace(child))
				if child == "" {
					child = "item"
				}
			}
			if err := xmlValue(dec, b, child, depth+1, pretty); err != nil {
				return err
			}
			n++
		}
		if _, err := dec.Token(); err != nil {
			return err
		}
		if n > 0 {
			indent(depth)
		}
	default:
		var s string
		switch v := t.(type) {
		case string:
			s = v
		case json.Number:
			s = v.String()
		case bool:
			if v {
				s = "true"
			} else {
				s = "false"
			}
		}
		var esc bytes.Buffer
		_ = xml.EscapeText(&esc, []byte(s))
		b.Write(esc.Bytes())
	}
	b.WriteString("</" + name + ">")
	return nil
}

// JSONToXML renders a command's JSON output as XML the way the emulator
// renders its own commands' (see jsonToXML): for outputs made outside the
// emulator, such as the legacy API's synthesised mon_status.
func JSONToXML(prefix string, in []byte, pretty bool) ([]byte, error) {
	return jsonToXML(prefix, in, pretty)
}
