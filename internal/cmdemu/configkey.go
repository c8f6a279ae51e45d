package cmdemu

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"syscall"
)

// maxConfigKeyEntry is mon_config_key_max_entry_size's default (64 KiB).
const maxConfigKeyEntry = 64 << 10

func (e *Emulator) configKeys(ctx context.Context) (map[string][]byte, error) {
	if e.ck == nil {
		return nil, cmdError(syscall.EOPNOTSUPP, "the transport has no config-key store to answer config-key commands from")
	}
	return e.ck.ConfigKeys(ctx)
}

// configKeyLs is config-key ls (and list): the sorted key names, as JSON in
// every format (plain is the pretty JSON).
func (e *Emulator) configKeyLs(ctx context.Context, a args, f format) ([]byte, string, error) {
	m, err := e.configKeys(ctx)
	if err != nil {
		return nil, "", err
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return jsonOnly(names, f, false)
}

// configKeyDump is config-key dump [<key>]: the keys starting with key and
// their values, as a JSON object in every format.
func (e *Emulator) configKeyDump(ctx context.Context, a args, f format) ([]byte, string, error) {
	m, err := e.configKeys(ctx)
	if err != nil {
		return nil, "", err
	}
	prefix := a.str("key")
	names := make([]string, 0, len(m))
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	o := obj{}
	for _, k := range names {
		o = append(o, kv{k, string(m[k])})
	}
	return jsonOnly(o, f, false)
}

// configKeyGet is config-key get <key>: the raw value in every format; a
// missing key (or none given) is ENOENT with no message.
func (e *Emulator) configKeyGet(ctx context.Context, a args, f format) ([]byte, string, error) {
	m, err := e.configKeys(ctx)
	if err != nil {
		return nil, "", err
	}
	v, ok := m[a.str("key")]
	if !ok {
		return nil, "", cmdError(syscall.ENOENT, "")
	}
	return append([]byte(nil), v...), "", nil
}

// configKeyExists is config-key exists <key>: only the status line.
func (e *Emulator) configKeyExists(ctx context.Context, a args, f format) ([]byte, string, error) {
	m, err := e.configKeys(ctx)
	if err != nil {
		return nil, "", err
	}
	k := a.str("key")
	if _, ok := m[k]; !ok {
		return nil, "", cmdError(syscall.ENOENT, "key '"+k+"' doesn't exist")
	}
	return nil, "key '" + k + "' exists", nil
}

// configKeySet is config-key set <key> [<val>] (and put).
func (e *Emulator) configKeySet(ctx context.Context, a args, f format) ([]byte, string, error) {
	if e.ck == nil {
		_, err := e.configKeys(ctx)
		return nil, "", err
	}
	k := a.str("key")
	v, ok := a["val"].(string)
	if !ok {
		return nil, "", cmdError(syscall.EINVAL, "no data provided")
	}
	if len(v) > maxConfigKeyEntry {
		return nil, "", cmdError(syscall.EFBIG, fmt.Sprintf("error: entry size limited to %d bytes. Use 'mon config key max entry size' to manually adjust", maxConfigKeyEntry))
	}
	if err := e.ck.SetConfigKey(ctx, k, []byte(v)); err != nil {
		return nil, "", err
	}
	return nil, "set " + k, nil
}

// configKeyRm is config-key rm <key> (and del): removing a missing key
// succeeds with "no such key".
func (e *Emulator) configKeyRm(ctx context.Context, a args, f format) ([]byte, string, error) {
	if e.ck == nil {
		_, err := e.configKeys(ctx)
		return nil, "", err
	}
	k := a.str("key")
	existed, err := e.ck.RemoveConfigKey(ctx, k)
	if err != nil {
		return nil, "", err
	}
	if !existed {
		return nil, "no such key '" + k + "'", nil
	}
	return nil, "key deleted", nil
}
