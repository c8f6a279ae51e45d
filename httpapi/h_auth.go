package httpapi

import (
	"errors"
	"net/http"

	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
)

// LoginResponse is the body of a successful POST /api/auth.
type LoginResponse struct {
	Token             string           `json:"token"`
	Username          string           `json:"username"`
	Permissions       auth.Permissions `json:"permissions"`
	PwdExpirationDate *int64           `json:"pwdExpirationDate"`
	SSO               bool             `json:"sso"`
	PwdUpdateRequired bool             `json:"pwdUpdateRequired"`
}

// checkPassword authenticates a user name and password (POST /api/auth
// and HTTP Basic on the legacy API) and logs a failure with the user name
// and the remote address, never the password.
func (s *Server) checkPassword(r *http.Request, username, password string) (*auth.User, error) {
	u, err := s.accounts.Authenticate(r.Context(), username, password)
	if err == nil {
		return u, nil
	}
	id := ""
	if info := infoFrom(r.Context()); info != nil {
		id = info.id
	}
	switch ceph.CodeOf(err) {
	case ceph.InvalidArgument, ceph.NotFound, ceph.Unauthenticated:
		s.log.WarnContext(r.Context(), "login failed", "user", username, "remote", r.RemoteAddr, "request_id", id)
		if errors.Is(err, auth.ErrAccountLocked) {
			s.log.WarnContext(r.Context(), "account disabled after too many failed logins; an administrator must enable it again",
				"user", username, "remote", r.RemoteAddr, "request_id", id)
		}
		return nil, auth.InvalidCredentials()
	case ceph.TooManyRequests:
		s.log.WarnContext(r.Context(), "login refused: too many password checks at once", "user", username, "remote", r.RemoteAddr, "request_id", id)
	}
	return nil, err
}

func (s *Server) login(c *call, req *ops.LoginRequest) (any, error) {
	u, err := s.checkPassword(c.r, req.Username, req.Password)
	if err != nil {
		return nil, err
	}
	perms, err := auth.UserPermissions(c.ctx(), s.accounts, u)
	if err != nil {
		return nil, err
	}
	tok, _, err := s.tokens.Issue(u.Username)
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(c.ctx(), "login successful", "user", u.Username, "request_id", c.info.idOrEmpty())
	c.w.Header().Set("Cache-Control", "no-store")
	http.SetCookie(c.w, &http.Cookie{
		Name: "token", Value: tok, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: c.r.TLS != nil,
	})
	rsp := &LoginResponse{
		Token: tok, Username: u.Username, Permissions: perms,
		PwdUpdateRequired: u.PwdUpdateRequired,
	}
	if u.PwdExpirationDate != nil {
		e := u.PwdExpirationDate.Unix()
		rsp.PwdExpirationDate = &e
	}
	return rsp, nil
}

func (i *reqInfo) idOrEmpty() string {
	if i == nil {
		return ""
	}
	return i.id
}

// checkToken is POST /api/auth/check. Like the dashboard it answers 200
// either way: the user's permissions for a valid token, otherwise the login
// URL and cluster status (the dashboard's login page uses that answer).
func (s *Server) checkToken(c *call, req *ops.AuthCheckRequest) (any, error) {
	if tok := deref(req.Token); tok != "" {
		if u, _, err := s.verify(c.ctx(), tok); err == nil {
			perms, err := auth.UserPermissions(c.ctx(), s.accounts, u)
			if err != nil {
				return nil, err
			}
			return map[string]any{
				"username": u.Username, "permissions": perms, "sso": false,
				"pwdUpdateRequired": u.PwdUpdateRequired,
			}, nil
		}
	}
	// A fresh dashboard says "INSTALLED" until its expansion wizard ran;
	// ours has no wizard, so the cluster is "POST_INSTALLED".
	return map[string]any{"login_url": "#/login", "cluster_status": "POST_INSTALLED"}, nil
}

// logout block-lists the caller's token until it expires and clears the
// cookie.
func (s *Server) logout(c *call) (any, error) {
	if tok := tokenFrom(c.r); tok != "" {
		if claims, err := s.tokens.Parse(tok); err == nil {
			s.tokens.Block(claims.ID, claims.ExpiresAt.Time)
			if rv, ok := s.accounts.(auth.Revoker); ok {
				// Every server sharing the store refuses the token from now on.
				if err := rv.Revoke(c.ctx(), claims.ID, claims.ExpiresAt.Time); err != nil {
					return nil, err
				}
			}
			s.log.InfoContext(c.ctx(), "logout", "user", claims.Username, "request_id", c.info.idOrEmpty())
		}
	}
	http.SetCookie(c.w, &http.Cookie{
		Name: "token", Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: c.r.TLS != nil,
	})
	return map[string]string{"redirect_url": "#/login"}, nil
}
