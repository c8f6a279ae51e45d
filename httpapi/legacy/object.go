package legacy

import (
	"bytes"
	"encoding/json"
	"errors"
)

// object is a JSON object that keeps its keys in the order the command
// printed them, so that fields added for older clients go after Ceph's own
// and Ceph's stay as they were.
type object struct {
	keys []string
	vals map[string]json.RawMessage
}

// parseObject reads a JSON object; anything else is an error.
func parseObject(b []byte) (*object, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	o := &object{vals: map[string]json.RawMessage{}}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if _, dup := o.vals[k]; !dup {
			o.keys = append(o.keys, k)
		}
		o.vals[k] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return o, nil
}

func (o *object) has(k string) bool { _, ok := o.vals[k]; return ok }

// get decodes the value of k into v; false when k is absent or of another
// type.
func (o *object) get(k string, v any) bool {
	raw, ok := o.vals[k]
	return ok && json.Unmarshal(raw, v) == nil
}

// child returns the object under k (nil when absent or not an object).
func (o *object) child(k string) *object {
	raw, ok := o.vals[k]
	if !ok {
		return nil
	}
	c, err := parseObject(raw)
	if err != nil {
		return nil
	}
	return c
}

// add sets k to v unless the command printed k itself: compatibility
// fields never replace Ceph's.
func (o *object) add(k string, v any) {
	if o.has(k) {
		return
	}
	o.set(k, v)
}

// set sets k to v, in place when k exists, else at the end.
func (o *object) set(k string, v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		return
	}
	if !o.has(k) {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = raw
}

func (o *object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(o.vals[k])
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// fields is a small ordered object to build new values with.
type fields []field

type field struct {
	k string
	v any
}

func (f fields) MarshalJSON() ([]byte, error) {
	o := &object{vals: map[string]json.RawMessage{}}
	for _, x := range f {
		o.set(x.k, x.v)
	}
	return o.MarshalJSON()
}
