package auth

import (
	"context"
	"encoding/json"

	"github.com/cephapi/cephapi/ceph"
)

// ConfigKeyKV is a KV in the Ceph monitors' config-key store, reached
// through a transport's Commander (the rados transport passes the
// commands to the monitors). Every server on the cluster shares it, as the
// Ceph Dashboard's instances share their accounts there. Open the DB over
// it WithRefresh so that each server sees the others' changes.
type ConfigKeyKV struct {
	cmd ceph.Commander
}

// NewConfigKeyKV returns the config-key store reached through cmd.
func NewConfigKeyKV(cmd ceph.Commander) *ConfigKeyKV { return &ConfigKeyKV{cmd: cmd} }

// Load implements KV with one `config-key dump <prefix>`.
func (k *ConfigKeyKV) Load(ctx context.Context, prefix string) (map[string][]byte, error) {
	res, err := k.cmd.Command(ctx, ceph.Command{Prefix: "config-key dump", Args: map[string]any{"key": prefix}, Format: "json"})
	if err != nil {
		return nil, err
	}
	var m map[string]string
	if err := json.Unmarshal(res.Output, &m); err != nil {
		return nil, &ceph.Error{Code: ceph.Internal, Component: "auth", Detail: "config-key dump: unexpected answer", Err: err}
	}
	out := make(map[string][]byte, len(m))
	for key, v := range m {
		out[key] = []byte(v)
	}
	return out, nil
}

// Put implements KV with `config-key set`.
func (k *ConfigKeyKV) Put(ctx context.Context, key string, value []byte) error {
	_, err := k.cmd.Command(ctx, ceph.Command{Prefix: "config-key set", Args: map[string]any{"key": key, "val": string(value)}})
	return err
}

// Delete implements KV with `config-key rm`.
func (k *ConfigKeyKV) Delete(ctx context.Context, key string) error {
	_, err := k.cmd.Command(ctx, ceph.Command{Prefix: "config-key rm", Args: map[string]any{"key": key}})
	if ceph.CodeOf(err) == ceph.NotFound {
		return nil
	}
	return err
}

var _ KV = (*ConfigKeyKV)(nil)
