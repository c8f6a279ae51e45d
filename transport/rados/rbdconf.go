package rados

import (
	"context"
	"sort"
	"strings"

	"github.com/cephapi/cephapi/ceph"
)

// Pool-level RBD configuration (`rbd config pool list/set/remove`, the
// dashboard's pool "configuration"): every librbd option that a pool may
// override, with the client's value (source 0) or the pool's override
// (source 1), which librbd keeps as pool metadata "conf_<option>".

// Config sources, as librbd numbers them.
const (
	rbdSourceConfig = 0
	rbdSourcePool   = 1
	rbdSourceImage  = 2
)

// nonOverridableRBDOptions are the rbd_* options that librbd does not
// list or accept per pool (compared with `rbd config pool list` on Ceph
// 16.2.15).
var nonOverridableRBDOptions = map[string]bool{
	"rbd_default_pool": true, "rbd_op_threads": true, "rbd_op_thread_timeout": true,
	"rbd_tracing": true, "rbd_validate_pool": true, "rbd_validate_names": true,
	"rbd_auto_exclusive_lock_until_manual_request": true, "rbd_default_format": true,
	"rbd_discard_on_zeroed_write_same": true, "rbd_config_pool_override_update_timestamp": true,
	"rbd_mirror_pool_replayers_refresh_interval": true,
}

// rbdOptionNames returns the overridable librbd options of a schema, sorted.
func rbdOptionNames(schema []ceph.ConfigOption) []string {
	var out []string
	for _, o := range schema {
		if strings.HasPrefix(o.Name, "rbd_") && !nonOverridableRBDOptions[o.Name] {
			out = append(out, o.Name)
		}
	}
	sort.Strings(out)
	return out
}

// poolConfigurer reads and writes a pool's RBD configuration (librbd).
type poolConfigurer interface {
	poolConfig(ctx context.Context, pool string) ([]ceph.PoolConfigOption, error)
	// setPoolConfig sets each option; an empty value removes the override.
	setPoolConfig(ctx context.Context, pool string, values map[string]string) error
}

// mergePoolConfig lists every option with the pool's override when it has
// one, the client's value otherwise.
func mergePoolConfig(names []string, client, pool map[string]string) []ceph.PoolConfigOption {
	return mergeConfig(names, client, pool, nil)
}

// mergeConfig lists every option with the image's override, else the
// pool's, else the client's value, as librbd's config_list does.
func mergeConfig(names []string, client, pool, image map[string]string) []ceph.PoolConfigOption {
	out := make([]ceph.PoolConfigOption, 0, len(names))
	for _, n := range names {
		if v, ok := image[n]; ok {
			out = append(out, ceph.PoolConfigOption{Name: n, Value: v, Source: rbdSourceImage})
		} else if v, ok := pool[n]; ok {
			out = append(out, ceph.PoolConfigOption{Name: n, Value: v, Source: rbdSourcePool})
		} else {
			out = append(out, ceph.PoolConfigOption{Name: n, Value: client[n], Source: rbdSourceConfig})
		}
	}
	return out
}

// confOverrides picks the "conf_<option>" keys of image metadata.
func confOverrides(md map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range md {
		if n, ok := strings.CutPrefix(k, "conf_"); ok {
			out[n] = v
		}
	}
	return out
}

// checkRBDOptions refuses names that are not overridable librbd options.
func checkRBDOptions(names []string, values map[string]string) error {
	ok := map[string]bool{}
	for _, n := range names {
		ok[n] = true
	}
	for k := range values {
		if !ok[strings.TrimPrefix(k, "conf_")] {
			return errorf(ceph.InvalidArgument, poolComponent, "invalid RBD configuration option %q", k)
		}
	}
	return nil
}
