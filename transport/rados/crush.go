package rados

import (
	"context"
	"sort"

	"github.com/cephapi/cephapi/ceph"
)

const (
	crushComponent = "crush_rule"
	ecpComponent   = "erasure_code_profile"
)

// crushRules manages CRUSH rules with `osd crush rule ...`.
type crushRules struct {
	r *runner
	ceph.UnimplementedCrushRules
}

var _ ceph.CrushRules = crushRules{}

func (c crushRules) List(ctx context.Context) ([]ceph.CrushRule, error) {
	return c.r.crushRules(ctx, crushComponent)
}

func (c crushRules) find(ctx context.Context, name string) (*ceph.CrushRule, error) {
	rules, err := c.r.crushRules(ctx, crushComponent)
	if err != nil {
		return nil, err
	}
	for i := range rules {
		if rules[i].RuleName == name {
			return &rules[i], nil
		}
	}
	return nil, nil
}

func (c crushRules) Get(ctx context.Context, name string) (*ceph.CrushRule, error) {
	r, err := c.find(ctx, name)
	if err == nil && r == nil {
		err = errorf(ceph.NotFound, crushComponent, "rule %s does not exist", name)
	}
	return r, err
}

func (c crushRules) Create(ctx context.Context, name string, o *ceph.CrushRuleCreateOptions) error {
	// `create-replicated` succeeds on an existing rule: check first.
	r, err := c.find(ctx, name)
	if err != nil {
		return err
	}
	if r != nil {
		return errorf(ceph.AlreadyExists, crushComponent, "rule %s already exists", name)
	}
	a := args{"name": name, "root": o.Root, "type": o.FailureDomain}
	if o.DeviceClass != "" {
		a["class"] = o.DeviceClass
	}
	_, err = c.r.monWrite(ctx, crushComponent, "osd crush rule create-replicated", a)
	return err
}

func (c crushRules) Delete(ctx context.Context, name string) error {
	// `rm` succeeds on a missing rule: check first.
	r, err := c.find(ctx, name)
	if err != nil {
		return err
	}
	if r == nil {
		return errorf(ceph.NotFound, crushComponent, "rule %s does not exist", name)
	}
	_, err = c.r.monWrite(ctx, crushComponent, "osd crush rule rm", args{"name": name})
	return err
}

// ecProfiles manages erasure-code profiles.
type ecProfiles struct {
	r *runner
	ceph.UnimplementedErasureCodeProfiles
}

var _ ceph.ErasureCodeProfiles = ecProfiles{}

func (e ecProfiles) List(ctx context.Context) ([]ceph.ErasureCodeProfile, error) {
	d, err := e.r.osdDump(ctx, ecpComponent)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(d.ErasureCodeProfiles))
	for n := range d.ErasureCodeProfiles {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]ceph.ErasureCodeProfile, 0, len(names))
	for _, n := range names {
		out = append(out, ceph.ErasureCodeProfileFromMap(n, d.ErasureCodeProfiles[n]))
	}
	return out, nil
}

func (e ecProfiles) Get(ctx context.Context, name string) (*ceph.ErasureCodeProfile, error) {
	var kv map[string]string
	if err := e.r.monJSON(ctx, ecpComponent, &kv, "osd erasure-code-profile get", args{"name": name}); err != nil {
		return nil, err
	}
	p := ceph.ErasureCodeProfileFromMap(name, kv)
	return &p, nil
}

func (e ecProfiles) exists(ctx context.Context, name string) (bool, error) {
	var names []string
	if err := e.r.monJSON(ctx, ecpComponent, &names, "osd erasure-code-profile ls", nil); err != nil {
		return false, err
	}
	for _, n := range names {
		if n == name {
			return true, nil
		}
	}
	return false, nil
}

// profileArgs is the key=value list of `osd erasure-code-profile set`,
// sorted so the command is deterministic.
func profileArgs(o *ceph.ErasureCodeProfileCreateOptions) []string {
	m := o.Map()
	kv := make([]string, 0, len(m))
	for k, v := range m {
		kv = append(kv, k+"="+v)
	}
	sort.Strings(kv)
	return kv
}

func (e ecProfiles) Create(ctx context.Context, name string, o *ceph.ErasureCodeProfileCreateOptions) error {
	ok, err := e.exists(ctx, name)
	if err != nil {
		return err
	}
	if ok {
		return errorf(ceph.AlreadyExists, ecpComponent, "erasure-code-profile %s already exists", name)
	}
	_, err = e.r.monWrite(ctx, ecpComponent, "osd erasure-code-profile set", args{"name": name, "profile": profileArgs(o)})
	return err
}

func (e ecProfiles) Delete(ctx context.Context, name string) error {
	ok, err := e.exists(ctx, name)
	if err != nil {
		return err
	}
	if !ok {
		return errorf(ceph.NotFound, ecpComponent, "erasure-code-profile %s does not exist", name)
	}
	_, err = e.r.monWrite(ctx, ecpComponent, "osd erasure-code-profile rm", args{"name": name})
	return err
}
