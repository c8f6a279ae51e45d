package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/cephapi/cephapi/ceph"
)

// Issuer is the JWT "iss" claim the dashboard writes.
const Issuer = "ceph-dashboard"

// DefaultTokenTTL is the dashboard's default token lifetime (8 hours).
const DefaultTokenTTL = 8 * time.Hour

// Claims are the claims of a dashboard token.
type Claims struct {
	Username string `json:"username"`
	// IssuedAtMs is the issue time in milliseconds (ours; the dashboard's
	// iat has whole seconds, so a token issued in the second of a password
	// change would outlive it).
	IssuedAtMs int64 `json:"iat_ms,omitempty"`
	jwt.RegisteredClaims
}

// Tokens issues and checks HS256 JWTs the way the dashboard's JwtManager
// does, and keeps the block list of logged-out token ids until they expire.
// It is safe for concurrent use.
type Tokens struct {
	secret []byte
	ttl    time.Duration
	now    func() time.Time

	mu      sync.Mutex
	blocked map[string]time.Time // jti -> expiry
	// verified caches tokens whose signature and claims were checked, keyed
	// by the whole token string, so a repeated token skips the HMAC and
	// JSON work. Expiry and the block list are still checked on each use.
	verified map[string]*Claims
}

// maxVerified bounds the verified-token cache; it is emptied when full.
const maxVerified = 4096

// NewTokens returns a token manager. A nil or empty secret generates a
// random 32-byte one (tokens then do not survive a restart); ttl <= 0 means
// DefaultTokenTTL; a nil now means time.Now.
func NewTokens(secret []byte, ttl time.Duration, now func() time.Time) (*Tokens, error) {
	if len(secret) == 0 {
		secret = make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return nil, ceph.Wrap(err, ceph.Internal, "auth")
		}
	}
	if ttl <= 0 {
		ttl = DefaultTokenTTL
	}
	if now == nil {
		now = time.Now
	}
	return &Tokens{secret: append([]byte(nil), secret...), ttl: ttl, now: now, blocked: map[string]time.Time{}, verified: map[string]*Claims{}}, nil
}

// TTL returns the token lifetime.
func (t *Tokens) TTL() time.Duration { return t.ttl }

func newJTI() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	// Format as a UUID v4, as the dashboard's uuid.uuid4().
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// Issue returns a signed token for username and its claims.
func (t *Tokens) Issue(username string) (string, *Claims, error) {
	exact := t.now()
	now := exact.Truncate(time.Second)
	c := &Claims{
		Username: username, IssuedAtMs: exact.UnixMilli(),
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			ID:        newJTI(),
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(t.ttl)),
		},
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.secret)
	if err != nil {
		return "", nil, ceph.Wrap(err, ceph.Internal, "auth")
	}
	return s, c, nil
}

// Parse checks a token's signature, algorithm, issuer and expiry and that
// it is not block-listed. It returns an Unauthenticated error otherwise.
func (t *Tokens) Parse(token string) (*Claims, error) {
	t.mu.Lock()
	if c, ok := t.verified[token]; ok {
		_, blocked := t.blocked[c.ID]
		t.mu.Unlock()
		switch {
		case blocked:
			return nil, &ceph.Error{Code: ceph.Unauthenticated, Component: "auth", Detail: "token revoked"}
		case !t.now().Before(c.ExpiresAt.Time):
			return nil, &ceph.Error{Code: ceph.Unauthenticated, Component: "auth", Detail: "token expired"}
		}
		cp := *c
		return &cp, nil
	}
	t.mu.Unlock()
	c := &Claims{}
	_, err := jwt.ParseWithClaims(token, c, func(*jwt.Token) (any, error) { return t.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(Issuer),
		jwt.WithIssuedAt(),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(t.now),
	)
	if err != nil {
		detail := "invalid token"
		if errors.Is(err, jwt.ErrTokenExpired) {
			detail = "token expired"
		}
		return nil, &ceph.Error{Code: ceph.Unauthenticated, Component: "auth", Detail: detail, Err: err}
	}
	if c.ID == "" || c.Username == "" || c.IssuedAt == nil {
		return nil, &ceph.Error{Code: ceph.Unauthenticated, Component: "auth", Detail: "invalid token"}
	}
	if t.isBlocked(c.ID) {
		return nil, &ceph.Error{Code: ceph.Unauthenticated, Component: "auth", Detail: "token revoked"}
	}
	t.mu.Lock()
	if len(t.verified) >= maxVerified {
		clear(t.verified)
	}
	cp := *c
	t.verified[token] = &cp
	t.mu.Unlock()
	return c, nil
}

// Block puts the token id on the block list until exp.
func (t *Tokens) Block(jti string, exp time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for id, e := range t.blocked {
		if e.Before(now) {
			delete(t.blocked, id)
		}
	}
	for tok, c := range t.verified {
		if c.ID == jti || !now.Before(c.ExpiresAt.Time) {
			delete(t.verified, tok)
		}
	}
	t.blocked[jti] = exp
}

func (t *Tokens) isBlocked(jti string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, ok := t.blocked[jti]
	return ok
}

// Verify parses the token and loads its user from s, rejecting tokens of
// unknown or disabled users and tokens issued before the user's last
// password change (the dashboard compares whole seconds:
// last_update <= iat).
func (t *Tokens) Verify(ctx context.Context, s Store, token string) (*User, *Claims, error) {
	c, err := t.Parse(token)
	if err != nil {
		return nil, nil, err
	}
	if rv, ok := s.(Revoker); ok && rv.Revoked(ctx, c.ID) {
		return nil, nil, &ceph.Error{Code: ceph.Unauthenticated, Component: "auth", Detail: "token revoked"}
	}
	u, err := s.User(ctx, c.Username)
	if err != nil {
		if ceph.CodeOf(err) == ceph.NotFound {
			return nil, nil, &ceph.Error{Code: ceph.Unauthenticated, Component: "auth", Detail: "unknown user", Err: err}
		}
		return nil, nil, err
	}
	if !u.Enabled {
		return nil, nil, &ceph.Error{Code: ceph.Unauthenticated, Component: "auth", Detail: "account disabled"}
	}
	stale := u.LastUpdate.Unix() > c.IssuedAt.Unix()
	if c.IssuedAtMs > 0 {
		stale = u.LastUpdate.UnixMilli() > c.IssuedAtMs
	}
	if stale {
		return nil, nil, &ceph.Error{Code: ceph.Unauthenticated, Component: "auth", Detail: "token issued before the last password change"}
	}
	return u, c, nil
}
