// Package jsonx keeps the fields of a JSON object that a Go struct does
// not name, so that an answer read from Ceph is written back whole.
package jsonx

import (
	"encoding/json"
	"reflect"
	"strings"
)

// MarshalWithExtra marshals v (a struct without its own MarshalJSON) and
// adds the fields of extra that v does not write itself.
func MarshalWithExtra(v any, extra map[string]json.RawMessage) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, x := range extra {
		if _, ok := m[k]; !ok {
			m[k] = x
		}
	}
	return json.Marshal(m)
}

// UnmarshalWithExtra unmarshals b into v (a pointer to a struct without
// its own UnmarshalJSON) and returns the object's other fields (nil when
// there are none). Fields are matched by the names v's type marshals.
func UnmarshalWithExtra(b []byte, v any, known []string) (map[string]json.RawMessage, error) {
	if err := json.Unmarshal(b, v); err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for _, name := range known {
		delete(m, name)
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

// FieldNames returns the JSON names of the fields of the struct v (a
// value or a pointer), as encoding/json names them; fields tagged "-"
// are left out. Embedded structs are not looked into.
func FieldNames(v any) []string {
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		names = append(names, name)
	}
	return names
}
