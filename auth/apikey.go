package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"sort"
	"strings"
	"time"

	"github.com/cephapi/cephapi/ceph"
)

// APIKeyPrefix starts every API key, so that a key is told from a JWT at a
// glance (and found by secret scanners).
const APIKeyPrefix = "cephapi_"

// APIKey describes an API key for automation (our extension; the dashboard
// has none): bound to a user and so to its roles, with an optional expiry.
// The key itself is shown once, when created; only its SHA-256 hash is
// stored (a key is 256 random bits, so a slow hash would add nothing).
type APIKey struct {
	ID          string     `json:"id"`
	Username    string     `json:"username"`
	Description string     `json:"description"`
	Created     time.Time  `json:"created"`
	Expires     *time.Time `json:"expires"`
	LastUsed    *time.Time `json:"last_used"`
}

// APIKeys manages API keys.
type APIKeys interface {
	// CreateAPIKey makes a key for username and returns it with its
	// description; the key cannot be read again.
	CreateAPIKey(ctx context.Context, username, description string, expires *time.Time) (string, *APIKey, error)
	// APIKeyList lists the keys (of one user, or of all when username is
	// empty), without the keys themselves.
	APIKeyList(ctx context.Context, username string) ([]*APIKey, error)
	// RevokeAPIKey deletes a key; it stops working at once here and within
	// the refresh interval on the other servers sharing the store.
	RevokeAPIKey(ctx context.Context, id string) error
	// AuthenticateAPIKey returns the user a valid key belongs to; every
	// failure is Unauthenticated.
	AuthenticateAPIKey(ctx context.Context, key string) (*User, *APIKey, error)
}

type apiKeyRecord struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	Description string `json:"description"`
	Hash        string `json:"sha256"`
	Created     int64  `json:"created"`
	Expires     *int64 `json:"expires"`
	LastUsed    *int64 `json:"last_used"`
}

func (r *apiKeyRecord) key() *APIKey {
	k := &APIKey{ID: r.ID, Username: r.Username, Description: r.Description, Created: time.Unix(r.Created, 0)}
	if r.Expires != nil {
		k.Expires = new(time.Unix(*r.Expires, 0))
	}
	if r.LastUsed != nil {
		k.LastUsed = new(time.Unix(*r.LastUsed, 0))
	}
	return k
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", ceph.Wrap(err, ceph.Internal, "auth")
	}
	return hex.EncodeToString(b), nil
}

func keyHash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// CreateAPIKey implements APIKeys.
func (d *DB) CreateAPIKey(ctx context.Context, username, description string, expires *time.Time) (string, *APIKey, error) {
	if _, err := d.User(ctx, username); err != nil {
		return "", nil, err
	}
	if expires != nil && !expires.After(d.now()) {
		return "", nil, &ceph.Error{Code: ceph.InvalidArgument, Component: "apikey", Detail: "the expiry must be in the future"}
	}
	id, err := randomHex(8)
	if err != nil {
		return "", nil, err
	}
	secret, err := randomHex(32)
	if err != nil {
		return "", nil, err
	}
	rec := &apiKeyRecord{ID: id, Username: username, Description: description, Hash: keyHash(secret), Created: d.now().Unix()}
	if expires != nil {
		rec.Expires = new(expires.Unix())
	}
	if err := d.update(ctx, func(*dbState) error { return d.put(ctx, apiKeyPrefix+id, rec) }); err != nil {
		return "", nil, err
	}
	return APIKeyPrefix + id + "_" + secret, rec.key(), nil
}

// APIKeyList implements APIKeys, sorted by creation time.
func (d *DB) APIKeyList(ctx context.Context, username string) ([]*APIKey, error) {
	if err := ceph.CheckContext(ctx, "apikey"); err != nil {
		return nil, err
	}
	st := d.fresh(ctx)
	out := []*APIKey{}
	for _, r := range st.keys {
		if username == "" || r.Username == username {
			k := r.key()
			if t, ok := d.lastUsed(r.ID); ok {
				k.LastUsed = &t
			}
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// RevokeAPIKey implements APIKeys.
func (d *DB) RevokeAPIKey(ctx context.Context, id string) error {
	return d.update(ctx, func(st *dbState) error {
		if _, ok := st.keys[id]; !ok {
			return &ceph.Error{Code: ceph.NotFound, Component: "apikey", Detail: "API key '" + id + "' does not exist"}
		}
		return d.kv.Delete(ctx, apiKeyPrefix+id)
	})
}

func unauthKey(detail string) error {
	return &ceph.Error{Code: ceph.Unauthenticated, Component: "auth", Detail: detail}
}

// AuthenticateAPIKey implements APIKeys.
func (d *DB) AuthenticateAPIKey(ctx context.Context, key string) (*User, *APIKey, error) {
	rest, ok := strings.CutPrefix(key, APIKeyPrefix)
	id, secret, ok2 := strings.Cut(rest, "_")
	if !ok || !ok2 || len(id) != 16 || len(secret) != 64 {
		return nil, nil, unauthKey("invalid API key")
	}
	rec, ok := d.fresh(ctx).keys[id]
	if !ok {
		if rec, ok = d.forced(ctx).keys[id]; !ok {
			return nil, nil, unauthKey("invalid API key")
		}
	}
	if subtle.ConstantTimeCompare([]byte(keyHash(secret)), []byte(rec.Hash)) != 1 {
		return nil, nil, unauthKey("invalid API key")
	}
	now := d.now()
	if rec.Expires != nil && *rec.Expires <= now.Unix() {
		return nil, nil, unauthKey("API key expired")
	}
	u, err := d.User(ctx, rec.Username)
	if err != nil {
		return nil, nil, unauthKey("invalid API key")
	}
	if !u.Enabled {
		return nil, nil, unauthKey("account disabled")
	}
	d.touch(ctx, rec, now)
	return u, rec.key(), nil
}

func (d *DB) lastUsed(id string) (time.Time, bool) {
	d.useMu.Lock()
	defer d.useMu.Unlock()
	t, ok := d.keyUse[id]
	return t, ok
}

func (d *DB) touch(ctx context.Context, rec *apiKeyRecord, now time.Time) {
	d.useMu.Lock()
	if d.keyUse == nil {
		d.keyUse = map[string]time.Time{}
	}
	d.keyUse[rec.ID] = now
	d.useMu.Unlock()
	if rec.LastUsed != nil && now.Unix()-*rec.LastUsed < 60 {
		return
	}
	_ = d.update(ctx, func(st *dbState) error {
		cur, ok := st.keys[rec.ID]
		if !ok {
			return nil // revoked meanwhile
		}
		c := *cur
		c.LastUsed = new(now.Unix())
		return d.put(ctx, apiKeyPrefix+c.ID, &c)
	})
}

var _ APIKeys = (*DB)(nil)
