package httpapi

import (
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

func (s *Server) login(c *call, req *ops.LoginRequest) (any, error) {
	u, err := s.accounts.Authenticate(c.ctx(), req.Username, req.Password)
	if err != nil {
		if ceph.CodeOf(err) == ceph.InvalidArgument || ceph.CodeOf(err) == ceph.NotFound || ceph.CodeOf(err) == ceph.Unauthenticated {
			s.log.InfoContext(c.ctx(), "login failed", "request_id", c.info.idOrEmpty())
			return nil, auth.InvalidCredentials()
		}
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
		if u, _, err := s.tokens.Verify(c.ctx(), s.accounts, tok); err == nil {
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
			s.log.InfoContext(c.ctx(), "logout", "user", claims.Username, "request_id", c.info.idOrEmpty())
		}
	}
	http.SetCookie(c.w, &http.Cookie{
		Name: "token", Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: c.r.TLS != nil,
	})
	return map[string]string{"redirect_url": "#/login"}, nil
}
