package auth

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/cephapi/cephapi/ceph"
)

// KV is the storage under the account database: a flat map of keys to
// values, as the Ceph config-key store is. Each user, role, API key,
// logout and setting is a key of its own, so that two servers writing
// different records at once lose nothing. Implementations must be safe
// for concurrent use.
type KV interface {
	// Load returns every key starting with prefix and its value.
	Load(ctx context.Context, prefix string) (map[string][]byte, error)
	// Put stores a value.
	Put(ctx context.Context, key string, value []byte) error
	// Delete removes a key; removing a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// MemoryKV is a KV in memory, for tests and for servers whose accounts need
// not survive them.
type MemoryKV struct {
	mu sync.Mutex
	m  map[string][]byte
}

// NewMemoryKV returns an empty MemoryKV.
func NewMemoryKV() *MemoryKV { return &MemoryKV{m: map[string][]byte{}} }

// Load implements KV.
func (k *MemoryKV) Load(ctx context.Context, prefix string) (map[string][]byte, error) {
	if err := ceph.CheckContext(ctx, "auth"); err != nil {
		return nil, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return withPrefix(k.m, prefix), nil
}

// Put implements KV.
func (k *MemoryKV) Put(ctx context.Context, key string, value []byte) error {
	if err := ceph.CheckContext(ctx, "auth"); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m[key] = append([]byte(nil), value...)
	return nil
}

// Delete implements KV.
func (k *MemoryKV) Delete(ctx context.Context, key string) error {
	if err := ceph.CheckContext(ctx, "auth"); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, key)
	return nil
}

// FileKV is a KV kept in one JSON file, the embedded server's default. Every
// change rewrites the file atomically: the new content goes to a temporary
// file in the same directory, which is synced and then renamed over the
// old one, so a crash at any moment leaves either the old or the new file,
// never a torn one. The file is created with mode 0600: it holds password
// hashes and the token signing secret. One process owns a file; servers
// that share accounts use the config-key store instead.
type FileKV struct {
	path string
	mu   sync.Mutex
	m    map[string][]byte
}

// fileFormat is the file's content: the values are kept as JSON text when
// they are JSON (they always are for the account database), so the file
// stays readable.
type fileFormat struct {
	Version int                        `json:"version"`
	Keys    map[string]json.RawMessage `json:"keys"`
}

// OpenFileKV opens (or, when missing, starts) the file at path.
func OpenFileKV(path string) (*FileKV, error) {
	k := &FileKV{path: path, m: map[string][]byte{}}
	// A process killed while saving leaves its temporary file behind; the
	// file itself is whole, and one process owns it, so they can go.
	if left, err := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")); err == nil {
		for _, f := range left {
			_ = os.Remove(f)
		}
	}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return k, nil
	case err != nil:
		return nil, ceph.Wrap(err, ceph.Unavailable, "auth")
	}
	var f fileFormat
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, ceph.Errorf(ceph.FailedPrecondition, "auth", "account file %s is not readable: %v", path, err)
	}
	for key, v := range f.Keys {
		k.m[key] = []byte(v)
	}
	return k, nil
}

// Path returns the file's path.
func (k *FileKV) Path() string { return k.path }

// Load implements KV.
func (k *FileKV) Load(ctx context.Context, prefix string) (map[string][]byte, error) {
	if err := ceph.CheckContext(ctx, "auth"); err != nil {
		return nil, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return withPrefix(k.m, prefix), nil
}

// Put implements KV. The value must be JSON.
func (k *FileKV) Put(ctx context.Context, key string, value []byte) error {
	if err := ceph.CheckContext(ctx, "auth"); err != nil {
		return err
	}
	if !json.Valid(value) {
		return ceph.Errorf(ceph.InvalidArgument, "auth", "value of %s is not JSON", key)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	next := maps.Clone(k.m)
	next[key] = append([]byte(nil), value...)
	if err := k.write(next); err != nil {
		return err
	}
	k.m = next
	return nil
}

// Delete implements KV.
func (k *FileKV) Delete(ctx context.Context, key string) error {
	if err := ceph.CheckContext(ctx, "auth"); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.m[key]; !ok {
		return nil
	}
	next := maps.Clone(k.m)
	delete(next, key)
	if err := k.write(next); err != nil {
		return err
	}
	k.m = next
	return nil
}

// write replaces the file with m: temporary file, fsync, rename, and an
// fsync of the directory so that the rename itself is durable.
func (k *FileKV) write(m map[string][]byte) error {
	f := fileFormat{Version: 1, Keys: make(map[string]json.RawMessage, len(m))}
	for key, v := range m {
		f.Keys[key] = v
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return ceph.Wrap(err, ceph.Internal, "auth")
	}
	dir := filepath.Dir(k.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return ceph.Wrap(err, ceph.Unavailable, "auth")
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(k.path)+".*.tmp")
	if err != nil {
		return ceph.Wrap(err, ceph.Unavailable, "auth")
	}
	name := tmp.Name()
	fail := func(err error) error {
		_ = tmp.Close()
		_ = os.Remove(name)
		return ceph.Wrap(err, ceph.Unavailable, "auth")
	}
	// CreateTemp makes the file 0600; say so in case the umask changed.
	if err := tmp.Chmod(0o600); err != nil {
		return fail(err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		_ = os.Remove(name)
		return ceph.Wrap(err, ceph.Unavailable, "auth")
	}
	if err := os.Rename(name, k.path); err != nil {
		_ = os.Remove(name)
		return ceph.Wrap(err, ceph.Unavailable, "auth")
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// withPrefix copies the entries of m whose key starts with prefix.
func withPrefix(m map[string][]byte, prefix string) map[string][]byte {
	out := map[string][]byte{}
	for key, v := range m {
		if strings.HasPrefix(key, prefix) {
			out[key] = append([]byte(nil), v...)
		}
	}
	return out
}

var (
	_ KV = (*MemoryKV)(nil)
	_ KV = (*FileKV)(nil)
)
