package memory

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/cephapi/cephapi/ceph"
)

func intp(v int) *int { return &v }

// addRuleLocked adds a CRUSH rule: replicated (typ 1) or erasure (typ 3),
// taking root (or its shadow tree for a device class) and spreading over
// the failure domain, with the steps Ceph writes for such a rule.
func (c *cluster) addRuleLocked(name string, typ, root int, class, domain string, minSize, maxSize int) *rule {
	id := 0
	for c.rules[id] != nil {
		id++
	}
	item, itemName := root, c.buckets[root].name
	if class != "" {
		key := itemName + "~" + class
		sid, ok := c.shadowIDs[key]
		if !ok {
			sid = c.nextBucketID
			c.nextBucketID--
			c.shadowIDs[key] = sid
		}
		item, itemName = sid, key
	}
	var steps []ceph.CrushStep
	if typ == 3 {
		steps = append(steps,
			ceph.CrushStep{Op: "set_chooseleaf_tries", Num: intp(5)},
			ceph.CrushStep{Op: "set_choose_tries", Num: intp(100)})
	}
	steps = append(steps, ceph.CrushStep{Op: "take", Item: intp(item), ItemName: itemName})
	mode := "firstn"
	if typ == 3 {
		mode = "indep"
	}
	if domain == "osd" {
		steps = append(steps, ceph.CrushStep{Op: "choose_" + mode, Num: intp(0), Type: "osd"})
	} else {
		steps = append(steps, ceph.CrushStep{Op: "chooseleaf_" + mode, Num: intp(0), Type: domain})
	}
	steps = append(steps, ceph.CrushStep{Op: "emit"})
	r := &rule{id: id, name: name, typ: typ, root: root, class: class, domain: domain,
		minSize: minSize, maxSize: maxSize, steps: steps}
	c.rules[id] = r
	c.ruleByName[name] = id
	c.crushVersion++
	return r
}

func (r *rule) value() ceph.CrushRule {
	steps := make([]ceph.CrushStep, len(r.steps))
	for i, s := range r.steps {
		if s.Item != nil {
			s.Item = intp(*s.Item)
		}
		if s.Num != nil {
			s.Num = intp(*s.Num)
		}
		steps[i] = s
	}
	return ceph.CrushRule{RuleID: r.id, RuleName: r.name, Ruleset: r.id, Type: r.typ,
		MinSize: r.minSize, MaxSize: r.maxSize, Steps: steps}
}

// --- ceph.CrushRules -----------------------------------------------------------------

type crushRulesService struct {
	*backend
	ceph.UnimplementedCrushRules
}

func (s crushRulesService) List(ctx context.Context) ([]ceph.CrushRule, error) {
	return view(s.backend, ctx, "CrushRules.List", nil, func(c *cluster) ([]ceph.CrushRule, error) {
		rules := c.sortedRules()
		out := make([]ceph.CrushRule, 0, len(rules))
		for _, r := range rules {
			out = append(out, r.value())
		}
		return out, nil
	})
}

func (s crushRulesService) Get(ctx context.Context, name string) (*ceph.CrushRule, error) {
	return view(s.backend, ctx, "CrushRules.Get", []any{name}, func(c *cluster) (*ceph.CrushRule, error) {
		id, ok := c.ruleByName[name]
		if !ok {
			return nil, ceph.Errorf(ceph.NotFound, "crush_rule", "rule %s does not exist", name)
		}
		v := c.rules[id].value()
		return &v, nil
	})
}

// Create adds a replicated rule (`osd crush rule create-replicated`). An
// existing name gives AlreadyExists (Ceph answers 0 "rule x already
// exists", leaving the old rule in place).
func (s crushRulesService) Create(ctx context.Context, name string, opts *ceph.CrushRuleCreateOptions) error {
	kv := []any{"name", name, "root", opts.Root, "type", opts.FailureDomain}
	if opts.DeviceClass != "" {
		kv = append(kv, "class", opts.DeviceClass)
	}
	cmd := command("osd crush rule create-replicated", kv...)
	return s.write(ctx, "CrushRules.Create", []any{name, opts}, cmd, func(c *cluster) error {
		if _, ok := c.ruleByName[name]; ok {
			return ceph.Errorf(ceph.AlreadyExists, "crush_rule", "rule %s already exists", name)
		}
		root, ok := c.bucketByName[opts.Root]
		if !ok {
			return ceph.Errorf(ceph.NotFound, "crush_rule", "root item %s does not exist", opts.Root)
		}
		if _, ok := crushTypeIDs[opts.FailureDomain]; !ok {
			return ceph.Errorf(ceph.InvalidArgument, "crush_rule", "unknown type %s", opts.FailureDomain)
		}
		if opts.DeviceClass != "" {
			found := false
			for _, o := range c.osds {
				if o != nil && o.class == opts.DeviceClass {
					found = true
					break
				}
			}
			if !found {
				return ceph.Errorf(ceph.InvalidArgument, "crush_rule", "device class %s does not exist", opts.DeviceClass)
			}
		}
		c.addRuleLocked(name, 1, root, opts.DeviceClass, opts.FailureDomain, 1, 10)
		c.osdmapChangedLocked()
		return nil
	})
}

// Delete removes a rule; a rule a pool uses gives Busy, as Ceph's EBUSY.
func (s crushRulesService) Delete(ctx context.Context, name string) error {
	cmd := command("osd crush rule rm", "name", name)
	return s.write(ctx, "CrushRules.Delete", []any{name}, cmd, func(c *cluster) error {
		id, ok := c.ruleByName[name]
		if !ok {
			return ceph.Errorf(ceph.NotFound, "crush_rule", "rule %s does not exist", name)
		}
		for _, p := range c.pools {
			if p.rule == id {
				return ceph.Errorf(ceph.Busy, "crush_rule", "crush ruleset %s %d is in use", name, id)
			}
		}
		delete(c.rules, id)
		delete(c.ruleByName, name)
		c.crushVersion++
		c.osdmapChangedLocked()
		return nil
	})
}

// --- ceph.ErasureCodeProfiles --------------------------------------------------------

type ecProfilesService struct {
	*backend
	ceph.UnimplementedErasureCodeProfiles
}

var ecPlugins = []string{"jerasure", "isa", "lrc", "shec", "clay"}

func (s ecProfilesService) List(ctx context.Context) ([]ceph.ErasureCodeProfile, error) {
	return view(s.backend, ctx, "ErasureCodeProfiles.List", nil, func(c *cluster) ([]ceph.ErasureCodeProfile, error) {
		out := make([]ceph.ErasureCodeProfile, 0, len(c.profiles))
		for _, n := range sortedKeys(c.profiles) {
			out = append(out, ceph.ErasureCodeProfileFromMap(n, c.profiles[n]))
		}
		return out, nil
	})
}

func (s ecProfilesService) Get(ctx context.Context, name string) (*ceph.ErasureCodeProfile, error) {
	return view(s.backend, ctx, "ErasureCodeProfiles.Get", []any{name}, func(c *cluster) (*ceph.ErasureCodeProfile, error) {
		m, ok := c.profiles[name]
		if !ok {
			return nil, ceph.Errorf(ceph.NotFound, "erasure_code_profile", "unknown erasure code profile '%s'", name)
		}
		p := ceph.ErasureCodeProfileFromMap(name, m)
		return &p, nil
	})
}

func profileString(m map[string]string) string {
	parts := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		parts = append(parts, k+"="+m[k])
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// Create adds a profile with the keys Ceph fills in (jerasure, k=2, m=2,
// reed_sol_van, host, default, w=8). The same profile again is a no-op, as
// in Ceph; a different one under an existing name gives AlreadyExists
// (Ceph: EPERM "will not override erasure code profile").
func (s ecProfilesService) Create(ctx context.Context, name string, opts *ceph.ErasureCodeProfileCreateOptions) error {
	if err := s.enter(ctx, "ErasureCodeProfiles.Create", name, opts); err != nil {
		return err
	}
	m := map[string]string{
		"k": "2", "m": "2", "plugin": "jerasure", "crush-root": "default",
		"crush-failure-domain": "host", "crush-device-class": "",
	}
	maps.Copy(m, opts.Map())
	if !slices.Contains(ecPlugins, m["plugin"]) {
		return ceph.Errorf(ceph.InvalidArgument, "erasure_code_profile", "erasure code plugin %s is not available", m["plugin"])
	}
	if m["plugin"] == "jerasure" {
		m["technique"] = "reed_sol_van"
		m["w"] = "8"
		m["jerasure-per-chunk-alignment"] = "false"
	}
	if opts.Technique != "" {
		m["technique"] = opts.Technique
	}
	if opts.CrushFailureDomain != "" {
		m["crush-failure-domain"] = opts.CrushFailureDomain
	}
	if opts.CrushRoot != "" {
		m["crush-root"] = opts.CrushRoot
	}
	if opts.CrushDeviceClass != "" {
		m["crush-device-class"] = opts.CrushDeviceClass
	}
	maps.Copy(m, opts.Extra)
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	kv := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		kv = append(kv, k+"="+m[k])
	}
	done := c.auditLocked(command("osd erasure-code-profile set", "name", name, "profile", kv))
	if old, ok := c.profiles[name]; ok {
		if maps.Equal(old, m) {
			done()
			return nil
		}
		return ceph.Errorf(ceph.AlreadyExists, "erasure_code_profile",
			"will not override erasure code profile %s because the existing profile %s is different from the proposed profile %s",
			name, profileString(old), profileString(m))
	}
	c.profiles[name] = m
	c.osdmapChangedLocked()
	done()
	return nil
}

func (s ecProfilesService) Delete(ctx context.Context, name string) error {
	cmd := command("osd erasure-code-profile rm", "name", name)
	return s.write(ctx, "ErasureCodeProfiles.Delete", []any{name}, cmd, func(c *cluster) error {
		if _, ok := c.profiles[name]; !ok {
			return ceph.Errorf(ceph.NotFound, "erasure_code_profile", "erasure-code-profile %s does not exist", name)
		}
		var users []string
		for _, p := range c.sortedPools() {
			if p.ecProfile == name {
				users = append(users, p.name)
			}
		}
		if len(users) > 0 {
			return ceph.Errorf(ceph.Busy, "erasure_code_profile", "%s pool(s) are using the erasure code profile '%s'",
				strings.Join(users, ","), name)
		}
		delete(c.profiles, name)
		c.osdmapChangedLocked()
		return nil
	})
}
