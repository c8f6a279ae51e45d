//go:build rados

package main

import (
	"context"
	"time"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/transport/rados"
)

func init() {
	openers["rados"] = func(ctx context.Context, cfg *config, _ func(string) string) (*cephapi.Client, error) {
		return rados.New(ctx, rados.Config{
			Name:         cfg.name,
			ConfFile:     cfg.conf,
			Keyring:      cfg.keyring,
			Cluster:      cfg.cluster,
			MonOpTimeout: cfg.opTimeout,
			OSDOpTimeout: cfg.opTimeout,
			CacheTTL:     cacheTTL(cfg.cacheTTL),
		})
	}
}

// cacheTTL maps the flag (0 turns the cache off) to Config.CacheTTL (0 is
// the default there, negative turns it off).
func cacheTTL(d time.Duration) time.Duration {
	if d <= 0 {
		return -1
	}
	return d
}
