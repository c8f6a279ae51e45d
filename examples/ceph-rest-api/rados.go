//go:build rados

package main

import (
	"context"

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
		})
	}
}
