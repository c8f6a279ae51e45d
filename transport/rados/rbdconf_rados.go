//go:build rados

package rados

import (
	"context"
	"sort"
	"strings"
	"syscall"

	gorados "github.com/ceph/go-ceph/rados"
	gorbd "github.com/ceph/go-ceph/rbd"

	"github.com/cephapi/cephapi/ceph"
)

var _ poolConfigurer = (*images)(nil)

// rbdConf is what every configuration listing starts from: the
// overridable options and the client's value of each.
type rbdConf struct {
	names  []string
	client map[string]string
}

// baseConf loads the option names (a monitor command, once) and the
// client's values (local to librados).
func (im *images) baseConf(ctx context.Context, component string) (*rbdConf, error) {
	schema, _, err := config{r: im.r, schema: im.schema}.load(ctx)
	if err != nil {
		return nil, err
	}
	c := &rbdConf{names: rbdOptionNames(schema), client: map[string]string{}}
	err = im.r.doRead(ctx, component, func() error {
		for _, n := range c.names {
			v, err := im.conn.GetConfigOption(n)
			if err != nil {
				return err
			}
			c.client[n] = v
		}
		return nil
	})
	return c, err
}

// poolOverrides reads the pool's "conf_" metadata of every option (go-ceph
// has no pool metadata listing). An erasure-coded pool has no omap, so no
// overrides.
func poolOverrides(io *gorados.IOContext, names []string) (map[string]string, error) {
	out := map[string]string{}
	for _, n := range names {
		v, err := gorbd.GetPoolMetadata(io, "conf_"+n)
		switch {
		case err == nil:
			out[n] = v
		case errnoOf(err) == syscall.EOPNOTSUPP:
			return map[string]string{}, nil
		case errnoOf(err) != syscall.ENOENT:
			return nil, err
		}
	}
	return out, nil
}

// imageConf lists an open image's configuration.
func imageConf(img *gorbd.Image, c *rbdConf, pool map[string]string) ([]ceph.PoolConfigOption, error) {
	md, err := img.ListMetadata()
	if err != nil {
		return nil, err
	}
	return mergeConfig(c.names, c.client, pool, confOverrides(md)), nil
}

func (im *images) poolConfig(ctx context.Context, pool string) ([]ceph.PoolConfigOption, error) {
	c, err := im.baseConf(ctx, poolComponent)
	if err != nil {
		return nil, err
	}
	var out []ceph.PoolConfigOption
	err = im.r.doRead(ctx, poolComponent, func() error {
		return im.withIOContext(pool, "", func(io *gorados.IOContext) error {
			ov, err := poolOverrides(io, c.names)
			out = mergePoolConfig(c.names, c.client, ov)
			return err
		})
	})
	return out, err
}

// confKeys validates configuration values and returns their metadata keys
// ("conf_<option>") in order.
func confKeys(names []string, values map[string]string) ([]string, error) {
	if err := checkRBDOptions(names, values); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys, nil
}

// applyConf sets (or, for an empty value, removes) each option with set/rm.
func applyConf(keys []string, values map[string]string, set func(k, v string) error, rm func(k string) error) error {
	for _, k := range keys {
		key := "conf_" + strings.TrimPrefix(k, "conf_")
		if values[k] == "" {
			if err := rm(key); err != nil && errnoOf(err) != syscall.ENOENT {
				return err
			}
			continue
		}
		if err := set(key, values[k]); err != nil {
			return err
		}
	}
	return nil
}

func (im *images) setPoolConfig(ctx context.Context, pool string, values map[string]string) error {
	c, err := im.baseConf(ctx, poolComponent)
	if err != nil {
		return err
	}
	keys, err := confKeys(c.names, values)
	if err != nil {
		return err
	}
	return im.r.do(ctx, poolComponent, func() error {
		return im.withIOContext(pool, "", func(io *gorados.IOContext) error {
			return applyConf(keys, values,
				func(k, v string) error { return gorbd.SetPoolMetadata(io, k, v) },
				func(k string) error { return gorbd.RemovePoolMetadata(io, k) })
		})
	})
}

// setImageConfig applies configuration values to an open image.
func setImageConfig(img *gorbd.Image, c *rbdConf, values map[string]string) error {
	keys, err := confKeys(c.names, values)
	if err != nil {
		return err
	}
	return applyConf(keys, values, img.SetMetadata, img.RemoveMetadata)
}
