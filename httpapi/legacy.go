package httpapi

import (
	"net/http"

	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/ceph"
)

// LegacyAuthorizer returns the authorization function of the legacy
// /api/v0.1 API (its type is identical to legacy.Authorizer, so it can be
// passed to legacy.New directly). permission is "read" or "update".
//
// It accepts a Bearer token (or the token cookie) or HTTP Basic
// credentials of an account whose roles grant permission on scope. Without
// credentials, reads are allowed only with WithLoopbackAnonymousReads;
// writes always need credentials. Credentials that are present but wrong
// are refused even where anonymous reads are allowed.
func (s *Server) LegacyAuthorizer() func(r *http.Request, scope, permission string) error {
	return func(r *http.Request, scope, permission string) error {
		u, err := s.legacyUser(r)
		if err != nil {
			return err
		}
		if u != nil {
			if info := infoFrom(r.Context()); info != nil {
				info.user = u.Username
			}
		}
		if u == nil {
			if auth.Permission(permission) == auth.Read && s.loopbackReads {
				return nil
			}
			return errUnauthorized(nil)
		}
		perms, err := auth.UserPermissions(r.Context(), s.accounts, u)
		if err != nil {
			return err
		}
		if !auth.Authorize(u, perms, auth.Scope(scope), auth.Permission(permission)) {
			return errForbidden()
		}
		return nil
	}
}

// legacyUser returns the authenticated user, nil when the request carries
// no credentials, or an Unauthenticated error for bad ones. HTTP Basic
// goes through the same password checks as POST /api/auth: the same
// lockout, the same bound on concurrent checks, the same log line.
func (s *Server) legacyUser(r *http.Request) (*auth.User, error) {
	if name, pw, ok := r.BasicAuth(); ok {
		u, err := s.checkPassword(r, name, pw)
		if err != nil {
			if ceph.CodeOf(err) == ceph.InvalidArgument || ceph.CodeOf(err) == ceph.NotFound {
				return nil, errUnauthorized(err)
			}
			return nil, err
		}
		return u, nil
	}
	tok, fromCookie := credential(r)
	if tok == "" {
		return nil, nil
	}
	if fromCookie {
		if err := sameOrigin(r); err != nil {
			return nil, err
		}
	}
	u, _, err := s.verify(r.Context(), tok)
	if err != nil {
		if ceph.CodeOf(err) == ceph.Unauthenticated {
			return nil, errUnauthorized(err)
		}
		return nil, err
	}
	if u.PwdUpdateRequired {
		return nil, errPasswordUpdateRequired()
	}
	return u, nil
}
