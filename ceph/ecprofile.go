package ceph

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Ceph stores an erasure-code profile as key=value strings; the typed
// fields below are the keys every plugin shares, the rest travel in Extra.
// These helpers are the one place that converts between the two forms, for
// every transport and the HTTP server.

// ErasureCodeProfileFromMap builds a profile from Ceph's key=value form
// (`osd erasure-code-profile get`). k and m that are not integers stay 0.
func ErasureCodeProfileFromMap(name string, kv map[string]string) ErasureCodeProfile {
	p := ErasureCodeProfile{Name: name}
	for k, v := range kv {
		switch k {
		case "k":
			p.K, _ = strconv.Atoi(strings.TrimSpace(v))
		case "m":
			p.M, _ = strconv.Atoi(strings.TrimSpace(v))
		case "plugin":
			p.Plugin = v
		case "technique":
			p.Technique = v
		case "crush-failure-domain":
			p.CrushFailureDomain = v
		case "crush-root":
			p.CrushRoot = v
		case "crush-device-class":
			if v == "" {
				// the monitor stores an empty class for every profile set
				// without one; keep the key, as the dashboard shows it
				if p.Extra == nil {
					p.Extra = map[string]string{}
				}
				p.Extra[k] = v
			}
			p.CrushDeviceClass = v
		case "name":
		default:
			if p.Extra == nil {
				p.Extra = map[string]string{}
			}
			p.Extra[k] = v
		}
	}
	return p
}

// profileMap is the key=value form of the typed fields and extra keys;
// empty strings and zero k/m are left out.
func profileMap(k, m int, plugin, technique, domain, root, class string, extra map[string]string) map[string]string {
	out := make(map[string]string, 7+len(extra))
	for key, v := range extra {
		out[key] = v
	}
	if k != 0 {
		out["k"] = strconv.Itoa(k)
	}
	if m != 0 {
		out["m"] = strconv.Itoa(m)
	}
	for key, v := range map[string]string{
		"plugin": plugin, "technique": technique, "crush-failure-domain": domain,
		"crush-root": root, "crush-device-class": class,
	} {
		if v != "" {
			out[key] = v
		}
	}
	return out
}

// Map returns the profile's key=value form (without its name).
func (p ErasureCodeProfile) Map() map[string]string {
	return profileMap(p.K, p.M, p.Plugin, p.Technique, p.CrushFailureDomain, p.CrushRoot, p.CrushDeviceClass, p.Extra)
}

// Map returns the options' key=value form: what `osd erasure-code-profile
// set` takes. Unset (empty, zero) options are left out.
func (o *ErasureCodeProfileCreateOptions) Map() map[string]string {
	if o == nil {
		return map[string]string{}
	}
	return profileMap(o.K, o.M, o.Plugin, o.Technique, o.CrushFailureDomain, o.CrushRoot, o.CrushDeviceClass, o.Extra)
}

// ErasureCodeProfileOptionsFromMap parses create options from key=value
// form; unlike ErasureCodeProfileFromMap it refuses k or m that are not
// integers.
func ErasureCodeProfileOptionsFromMap(kv map[string]string) (*ErasureCodeProfileCreateOptions, error) {
	for _, key := range []string{"k", "m"} {
		if v, ok := kv[key]; ok {
			if _, err := strconv.Atoi(strings.TrimSpace(v)); err != nil {
				return nil, Errorf(InvalidArgument, "erasure_code_profile", "invalid value for '%s': %q is not an integer", key, v)
			}
		}
	}
	p := ErasureCodeProfileFromMap("", kv)
	return &ErasureCodeProfileCreateOptions{
		K: p.K, M: p.M, Plugin: p.Plugin, Technique: p.Technique,
		CrushFailureDomain: p.CrushFailureDomain, CrushRoot: p.CrushRoot,
		CrushDeviceClass: p.CrushDeviceClass, Extra: p.Extra,
	}, nil
}

// MarshalJSON writes the profile flat, as the dashboard does: name, k and m
// (as numbers) and every other key as a string.
func (p ErasureCodeProfile) MarshalJSON() ([]byte, error) {
	out := make(map[string]any, 8+len(p.Extra))
	for k, v := range p.Map() {
		out[k] = v
	}
	out["name"], out["k"], out["m"] = p.Name, p.K, p.M
	if p.Plugin == "" {
		out["plugin"] = ""
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads the flat form; values may be strings, numbers or
// booleans (k and m are numbers from the dashboard, strings from Ceph).
func (p *ErasureCodeProfile) UnmarshalJSON(b []byte) error {
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	kv, err := ScalarMap(raw)
	if err != nil {
		return err
	}
	*p = ErasureCodeProfileFromMap(kv["name"], kv)
	return nil
}

// ScalarMap turns a decoded JSON object of scalars (strings, numbers,
// booleans) into strings, as Ceph's key=value settings take them. A nested
// value is an InvalidArgument error; null values are dropped.
func ScalarMap(raw map[string]any) (map[string]string, error) {
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		switch t := v.(type) {
		case nil:
		case string:
			out[k] = t
		case float64:
			out[k] = strconv.FormatFloat(t, 'f', -1, 64)
		case json.Number:
			out[k] = t.String()
		case bool:
			out[k] = strconv.FormatBool(t)
		default:
			return nil, Errorf(InvalidArgument, "erasure_code_profile", "invalid value for '%s': %s is not a scalar", k, fmt.Sprintf("%T", v))
		}
	}
	return out, nil
}
