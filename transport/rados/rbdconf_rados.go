//go:build rados

package rados

import (
	"context"
	"strings"
	"syscall"

	gorados "github.com/ceph/go-ceph/rados"
	gorbd "github.com/ceph/go-ceph/rbd"

	"github.com/cephapi/cephapi/ceph"
)

var _ poolConfigurer = (*images)(nil)

func (im *images) rbdOptions(ctx context.Context) ([]string, error) {
	schema, _, err := config{r: im.r, schema: im.schema}.load(ctx)
	if err != nil {
		return nil, err
	}
	return rbdOptionNames(schema), nil
}

func (im *images) poolConfig(ctx context.Context, pool string) ([]ceph.PoolConfigOption, error) {
	names, err := im.rbdOptions(ctx)
	if err != nil {
		return nil, err
	}
	client := make(map[string]string, len(names))
	overrides := map[string]string{}
	err = im.r.do(ctx, poolComponent, func() error {
		for _, n := range names {
			v, err := im.conn.GetConfigOption(n)
			if err != nil {
				return err
			}
			client[n] = v
		}
		return im.withIOContext(pool, "", func(io *gorados.IOContext) error {
			for _, n := range names {
				v, err := gorbd.GetPoolMetadata(io, "conf_"+n)
				switch {
				case err == nil:
					overrides[n] = v
				case errnoOf(err) != syscall.ENOENT:
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return mergePoolConfig(names, client, overrides), nil
}

func (im *images) setPoolConfig(ctx context.Context, pool string, values map[string]string) error {
	names, err := im.rbdOptions(ctx)
	if err != nil {
		return err
	}
	if err := checkRBDOptions(names, values); err != nil {
		return err
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return im.r.do(ctx, poolComponent, func() error {
		return im.withIOContext(pool, "", func(io *gorados.IOContext) error {
			for _, k := range keys {
				key := "conf_" + strings.TrimPrefix(k, "conf_")
				if values[k] == "" {
					if err := gorbd.RemovePoolMetadata(io, key); err != nil && errnoOf(err) != syscall.ENOENT {
						return err
					}
					continue
				}
				if err := gorbd.SetPoolMetadata(io, key, values[k]); err != nil {
					return err
				}
			}
			return nil
		})
	})
}
