package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/transport/memory"
)

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// TestRBACMatrix sends every route of the operation table as a user of
// each system role and checks that the answer is 403 exactly when the
// role lacks the route's scope permission. The request is otherwise
// meaningless (names that do not exist, an empty body): only the
// authorization decision is under test, and it comes from the table.
func TestRBACMatrix(t *testing.T) {
	store, err := auth.NewMemoryStore("admin", "admin-pw", auth.WithBcryptCost(bcrypt.MinCost))
	if err != nil {
		t.Fatal(err)
	}
	roles := auth.SystemRoles()
	for _, r := range roles {
		if err := store.AddUser("u-"+r.Name, "pw", r.Name); err != nil {
			t.Fatal(err)
		}
	}
	srv := New(memory.New(), WithAccounts(store), WithJWTSecret([]byte("rbac")), WithTaskWait(0))
	tokens := map[string]string{}
	for _, r := range roles {
		tok, _, err := srv.Tokens().Issue("u-" + r.Name)
		if err != nil {
			t.Fatal(err)
		}
		tokens[r.Name] = tok
	}
	checked := 0
	for _, rt := range srv.Routes() {
		if rt.Public {
			continue
		}
		path := pathParam.ReplaceAllString(rt.Path, "rbac-x")
		for _, r := range roles {
			var body *bytes.Reader
			if rt.Method == http.MethodGet || rt.Method == http.MethodDelete {
				body = bytes.NewReader(nil)
			} else {
				body = bytes.NewReader([]byte("{}"))
			}
			req := httptest.NewRequest(rt.Method, path, body)
			req.Header.Set("Authorization", "Bearer "+tokens[r.Name])
			req.Header.Set("Accept", rt.Version.MediaType())
			req.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, req)
			want403 := rt.Scope != "" && !r.ScopePermissions.Allows(rt.Scope, rt.Permission)
			if got := w.Code == http.StatusForbidden; got != want403 {
				t.Errorf("%s %s as %s (scope %q %s): %d %s", rt.Method, rt.Path, r.Name, rt.Scope, rt.Permission, w.Code, w.Body)
			}
			checked++
		}
	}
	if checked < 8*200 {
		t.Errorf("only %d requests checked", checked)
	}
}

func testServer(t *testing.T, opts ...Option) (*Server, *auth.DB) {
	t.Helper()
	store, err := auth.NewMemoryStore("admin", "admin-pw", auth.WithBcryptCost(bcrypt.MinCost), auth.WithLockoutAttempts(10))
	if err != nil {
		t.Fatal(err)
	}
	srv := New(memory.New(), append([]Option{WithAccounts(store)}, opts...)...)
	return srv, store
}

type xreq struct {
	method, path, body string
	header             map[string]string
}

func send(srv http.Handler, e xreq) *httptest.ResponseRecorder {
	req := httptest.NewRequest(e.method, e.path, strings.NewReader(e.body))
	req.Header.Set("Accept", v1)
	if e.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range e.header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	return w
}

func loginToken(t *testing.T, srv http.Handler, user, pw string) string {
	t.Helper()
	w := send(srv, xreq{method: "POST", path: "/api/auth", body: `{"username":"` + user + `","password":"` + pw + `"}`})
	if w.Code != 201 {
		t.Fatalf("login %s: %d %s", user, w.Code, w.Body)
	}
	var r struct{ Token string }
	_ = json.Unmarshal(w.Body.Bytes(), &r)
	return r.Token
}

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

// TestTokenAttacks: every forged, stale or revoked credential is 401.
func TestTokenAttacks(t *testing.T) {
	srv, store := testServer(t)
	now := time.Now()
	good := loginToken(t, srv, "admin", "admin-pw")
	if w := send(srv, xreq{method: "GET", path: "/api/summary", header: bearer(good)}); w.Code != 200 {
		t.Fatalf("good token: %d %s", w.Code, w.Body)
	}
	claims := auth.Claims{Username: "admin", RegisteredClaims: jwt.RegisteredClaims{
		Issuer: auth.Issuer, ID: "x-1", IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)),
	}}
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims).SignedString(jwt.UnsafeAllowNoneSignatureType)
	otherKey, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte("another key"))
	expiredClaims := claims
	expiredClaims.IssuedAt = jwt.NewNumericDate(now.Add(-10 * time.Hour))
	expiredClaims.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Hour))
	parts := strings.Split(good, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	forgedPayload := base64.RawURLEncoding.EncodeToString(bytes.Replace(payload, []byte(`"admin"`), []byte(`"admim"`), 1))

	key, _, err := store.CreateAPIKey(t.Context(), "admin", "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	if w := send(srv, xreq{method: "GET", path: "/api/summary", header: bearer(key)}); w.Code != 200 {
		t.Fatalf("API key: %d %s", w.Code, w.Body)
	}
	keys, _ := store.APIKeyList(t.Context(), "")
	if err := store.RevokeAPIKey(t.Context(), keys[0].ID); err != nil {
		t.Fatal(err)
	}

	// Issued before a password change.
	old := loginToken(t, srv, "admin", "admin-pw")
	loggedOut := loginToken(t, srv, "admin", "admin-pw")
	if w := send(srv, xreq{method: "POST", path: "/api/auth/logout", header: bearer(loggedOut)}); w.Code != 200 {
		t.Fatalf("logout: %d", w.Code)
	}
	time.Sleep(2 * time.Millisecond)
	if err := store.SetPassword("admin", "new-admin-pw"); err != nil {
		t.Fatal(err)
	}

	for name, tok := range map[string]string{
		"alg none":                   none,
		"another key":                otherKey,
		"expired":                    mustSign(t, store, expiredClaims),
		"before the password change": old,
		"logged out":                 loggedOut,
		"revoked API key":            key,
		"truncated":                  good[:len(good)-5],
		"garbled payload":            parts[0] + "." + forgedPayload + "." + parts[2],
		"garbage":                    "not.a.token",
		"empty API key":              auth.APIKeyPrefix,
	} {
		if w := send(srv, xreq{method: "GET", path: "/api/summary", header: bearer(tok)}); w.Code != 401 {
			t.Errorf("%s: %d %s", name, w.Code, w.Body)
		}
	}
}

// mustSign signs claims with the server's own secret (the store's), so
// that only the claims can make the server refuse the token.
func mustSign(t *testing.T, store *auth.DB, c auth.Claims) string {
	t.Helper()
	secret, err := store.JWTSecret(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// TestLockoutOnBothChannels: ten wrong passwords, through /api/auth or
// HTTP Basic on the legacy API, disable the account; the right password
// is refused after them until an administrator enables the account.
func TestLockoutOnBothChannels(t *testing.T) {
	for _, channel := range []string{"api", "basic"} {
		t.Run(channel, func(t *testing.T) {
			legacyOK := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
			var srv *Server
			srv, store := testServer(t, WithLegacyBuilder(func(authz func(*http.Request, string, string) error) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if err := authz(r, string(auth.ScopeMonitor), string(auth.Read)); err != nil {
						srv.writeError(w, r, err)
						return
					}
					legacyOK(w, r)
				})
			}))
			if err := store.AddUser("victim", "right-pw", "read-only"); err != nil {
				t.Fatal(err)
			}
			try := func(pw string) int {
				if channel == "api" {
					return send(srv, xreq{method: "POST", path: "/api/auth", body: `{"username":"victim","password":"` + pw + `"}`}).Code
				}
				cred := base64.StdEncoding.EncodeToString([]byte("victim:" + pw))
				return send(srv, xreq{method: "GET", path: "/api/v0.1/health", header: map[string]string{"Authorization": "Basic " + cred}}).Code
			}
			bad := map[string]int{"api": 400, "basic": 401}[channel]
			good := map[string]int{"api": 201, "basic": 200}[channel]
			for i := range 10 {
				if c := try("wrong"); c != bad {
					t.Fatalf("attempt %d: %d", i+1, c)
				}
			}
			if c := try("right-pw"); c != bad {
				t.Fatalf("the 11th attempt, with the right password: %d", c)
			}
			admin := loginToken(t, srv, "admin", "admin-pw")
			w := send(srv, xreq{method: "GET", path: "/api/user/victim", header: bearer(admin)})
			if !strings.Contains(w.Body.String(), `"enabled":false`) {
				t.Fatalf("locked user: %s", w.Body)
			}
			w = send(srv, xreq{method: "PUT", path: "/api/user/victim", header: bearer(admin), body: `{"enabled":true,"roles":["read-only"]}`})
			if w.Code != 200 {
				t.Fatalf("enable: %d %s", w.Code, w.Body)
			}
			if c := try("right-pw"); c != good {
				t.Fatalf("after enabling: %d", c)
			}
		})
	}
}

// TestPasswordFloodLeavesOtherRequests: a flood of wrong passwords is
// bounded (429 beyond the allowed concurrent checks), and a health
// request still answers meanwhile.
func TestPasswordFloodLeavesOtherRequests(t *testing.T) {
	store, err := auth.NewMemoryStore("admin", "admin-pw", auth.WithBcryptCost(12), auth.WithPasswordChecks(1, 50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	srv := New(memory.New(), WithAccounts(store))
	tok, _, _ := srv.Tokens().Issue("admin")
	var wg sync.WaitGroup
	codes := make(chan int, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- send(srv, xreq{method: "POST", path: "/api/auth", body: `{"username":"admin","password":"guess"}`}).Code
		}()
	}
	if w := send(srv, xreq{method: "GET", path: "/api/health/minimal", header: bearer(tok)}); w.Code != 200 {
		t.Errorf("health during the flood: %d", w.Code)
	}
	wg.Wait()
	close(codes)
	n429 := 0
	for c := range codes {
		switch c {
		case 429:
			n429++
		case 400:
		default:
			t.Errorf("flood answer %d", c)
		}
	}
	if n429 == 0 {
		t.Error("no guess was refused with 429")
	}
}

// TestCookieCSRF: a write carrying only the token cookie must come from
// our origin and send JSON; bearer tokens are not affected.
func TestCookieCSRF(t *testing.T) {
	srv, _ := testServer(t)
	tok := loginToken(t, srv, "admin", "admin-pw")
	cookie := "token=" + tok
	body := `{"pool":"p1","pg_num":8,"pool_type":"replicated"}`
	for _, tc := range []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"foreign origin, text/plain", map[string]string{"Cookie": cookie, "Origin": "http://evil.example", "Content-Type": "text/plain"}, 403},
		{"foreign origin, JSON", map[string]string{"Cookie": cookie, "Origin": "http://evil.example"}, 403},
		{"foreign referer", map[string]string{"Cookie": cookie, "Referer": "http://evil.example/page"}, 403},
		{"opaque origin", map[string]string{"Cookie": cookie, "Origin": "null"}, 403},
		{"no origin, form body", map[string]string{"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}, 403},
		{"same origin, JSON", map[string]string{"Cookie": cookie, "Origin": "http://example.com"}, 0},
		{"bearer from anywhere", map[string]string{"Authorization": "Bearer " + tok, "Origin": "http://evil.example", "Content-Type": "text/plain"}, 0},
	} {
		w := send(srv, xreq{method: "POST", path: "/api/pool", body: body, header: tc.header})
		if tc.want == 403 && w.Code != 403 {
			t.Errorf("%s: %d %s", tc.name, w.Code, w.Body)
		}
		if tc.want == 0 && (w.Code == 403 || w.Code == 401) {
			t.Errorf("%s: refused: %d %s", tc.name, w.Code, w.Body)
		}
	}
	// Reads are not affected.
	if w := send(srv, xreq{method: "GET", path: "/api/summary", header: map[string]string{"Cookie": cookie, "Origin": "http://evil.example"}}); w.Code != 200 {
		t.Errorf("cookie read: %d", w.Code)
	}
}

// TestPasswordUpdateRequired: a user that must change its password can
// only change it (and log out) until it has.
func TestPasswordUpdateRequired(t *testing.T) {
	srv, _ := testServer(t)
	admin := loginToken(t, srv, "admin", "admin-pw")
	w := send(srv, xreq{method: "POST", path: "/api/user", header: bearer(admin),
		body: `{"username":"new","password":"first-password","roles":["read-only"]}`})
	if w.Code != 201 || !strings.Contains(w.Body.String(), `"pwdUpdateRequired":true`) {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	tok := loginToken(t, srv, "new", "first-password")
	if w := send(srv, xreq{method: "GET", path: "/api/summary", header: bearer(tok)}); w.Code != 403 {
		t.Errorf("summary before the change: %d", w.Code)
	}
	w = send(srv, xreq{method: "POST", path: "/api/user/new/change_password", header: bearer(tok),
		body: `{"old_password":"first-password","new_password":"second-password"}`})
	if w.Code != 201 && w.Code != 200 {
		t.Fatalf("change: %d %s", w.Code, w.Body)
	}
	// The old token died with the change.
	if w := send(srv, xreq{method: "GET", path: "/api/summary", header: bearer(tok)}); w.Code != 401 {
		t.Errorf("old token after the change: %d", w.Code)
	}
	tok = loginToken(t, srv, "new", "second-password")
	if w := send(srv, xreq{method: "GET", path: "/api/summary", header: bearer(tok)}); w.Code != 200 {
		t.Errorf("after the change: %d %s", w.Code, w.Body)
	}
}

// TestFailedLoginLog: a failed login is logged with the user and the
// remote address, never the password.
func TestFailedLoginLog(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	srv, _ := testServer(t, WithLogger(slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, nil))))
	send(srv, xreq{method: "POST", path: "/api/auth", body: `{"username":"admin","password":"Sup3r-S3cret-Guess"}`})
	mu.Lock()
	defer mu.Unlock()
	out := buf.String()
	if !strings.Contains(out, "login failed") || !strings.Contains(out, "user=admin") || !strings.Contains(out, "remote=") {
		t.Errorf("log: %s", out)
	}
	if strings.Contains(out, "Sup3r-S3cret-Guess") {
		t.Error("the password was logged")
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestAccountEndpoints walks /api/user, /api/role, /api/settings and
// /api/apikey.
func TestAccountEndpoints(t *testing.T) {
	srv, _ := testServer(t)
	admin := bearer(loginToken(t, srv, "admin", "admin-pw"))
	for _, s := range []struct {
		method, path, body string
		status             int
		contains           string
	}{
		{"GET", "/api/role", "", 200, `"name":"administrator"`},
		{"POST", "/api/role", `{"name":"ops","description":"d","scopes_permissions":{"pool":["update","read"]}}`, 201, `"pool":["read","update"]`},
		{"POST", "/api/role", `{"name":"ops"}`, 400, `"code":"role_already_exists"`},
		{"POST", "/api/role", `{"name":"x","scopes_permissions":{"nope":["read"]}}`, 400, `"code":"invalid_scope"`},
		{"PUT", "/api/role/administrator", `{}`, 400, `"code":"cannot_update_system_role"`},
		{"POST", "/api/role/ops/clone", `{"new_name":"ops2"}`, 201, `"name":"ops2"`},
		{"GET", "/api/role/ops2", "", 200, `"system":false`},
		{"GET", "/api/role/none", "", 404, ""},
		{"POST", "/api/user", `{"username":"bob","password":"bob-password","roles":["ops"],"email":"b@x"}`, 201, `"email":"b@x"`},
		{"POST", "/api/user", `{"username":"bob"}`, 400, `"code":"username_already_exists"`},
		{"POST", "/api/user", `{"username":"eve","password":"short"}`, 400, `"code":"password_policy_validation_failed"`},
		{"GET", "/api/user", "", 200, `"username":"bob"`},
		{"DELETE", "/api/role/ops", "", 400, `"code":"role_is_associated_with_user"`},
		{"PUT", "/api/user/bob", `{"roles":["read-only"],"name":"Bob"}`, 200, `"name":"Bob"`},
		{"DELETE", "/api/role/ops", "", 204, ""},
		{"DELETE", "/api/user/admin", "", 400, `"code":"cannot_delete_current_user"`},
		{"POST", "/api/user/validate_password", `{"password":"abc"}`, 200, `"valuation":"Password is too weak."`},
		{"POST", "/api/user/validate_password", `{"password":"abcdefgh"}`, 200, `"valid":true`},
		{"GET", "/api/settings/pwd-policy-min-length", "", 200, `"value":8`},
		{"PUT", "/api/settings/PWD_POLICY_MIN_LENGTH", `{"value":3}`, 200, ""},
		{"POST", "/api/user/validate_password", `{"password":"abc"}`, 200, `"valid":true`},
		{"PUT", "/api/settings/PWD_POLICY_MIN_LENGTH", `{"value":"three"}`, 400, `must be of type int`},
		{"PUT", "/api/settings", `{"PWD_POLICY_MIN_LENGTH":4,"ACCOUNT_LOCKOUT_ATTEMPTS":"x"}`, 400, ""},
		{"GET", "/api/settings?names=PWD_POLICY_MIN_LENGTH", "", 200, `"value":3`},
		{"PUT", "/api/settings", `{"PWD_POLICY_MIN_LENGTH":5,"GRAFANA_API_URL":"http://g"}`, 200, ""},
		{"GET", "/api/settings/GRAFANA_API_URL", "", 200, `"value":"http://g"`},
		{"DELETE", "/api/settings/PWD_POLICY_MIN_LENGTH", "", 204, ""},
		{"GET", "/api/settings/PWD_POLICY_MIN_LENGTH", "", 200, `"value":8`},
		{"GET", "/api/settings/NO_SUCH", "", 404, ""},
		{"POST", "/api/apikey", `{"username":"bob","description":"ci"}`, 201, `"key":"cephapi_`},
		{"POST", "/api/apikey", `{"username":"nobody"}`, 404, ""},
		{"GET", "/api/apikey", "", 200, `"description":"ci"`},
		{"DELETE", "/api/user/bob", "", 204, ""},
		{"GET", "/api/user/bob", "", 404, ""},
	} {
		w := send(srv, xreq{method: s.method, path: s.path, body: s.body, header: admin})
		if w.Code != s.status || !strings.Contains(w.Body.String(), s.contains) {
			t.Errorf("%s %s %s: %d %s", s.method, s.path, s.body, w.Code, w.Body)
		}
		if strings.Contains(w.Body.String(), "$2a$") || strings.Contains(w.Body.String(), "sha256") {
			t.Errorf("%s %s leaks a hash: %s", s.method, s.path, w.Body)
		}
	}
}

func TestOSDListPaging(t *testing.T) {
	store, err := auth.NewMemoryStore("admin", "admin-pw", auth.WithBcryptCost(bcrypt.MinCost))
	if err != nil {
		t.Fatal(err)
	}
	srv := New(memory.New(memory.WithGenerated(4, 5, 2)), WithAccounts(store))
	admin := bearer(loginToken(t, srv, "admin", "admin-pw"))
	full := send(srv, xreq{method: "GET", path: "/api/osd", header: admin})
	var all []map[string]any
	if err := json.Unmarshal(full.Body.Bytes(), &all); err != nil || full.Code != 200 || len(all) < 2 {
		t.Fatalf("full list: %d %v %s", full.Code, err, full.Body)
	}
	if full.Header().Get("X-Total-Count") != "" {
		t.Error("the Pacific answer carries X-Total-Count")
	}
	w := send(srv, xreq{method: "GET", path: "/api/osd?offset=1&limit=1&sort=-id", header: admin})
	var page []map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &page)
	if w.Code != 200 || len(page) != 1 || w.Header().Get("X-Total-Count") != strconv.Itoa(len(all)) {
		t.Fatalf("page: %d %s %s", w.Code, w.Header().Get("X-Total-Count"), w.Body)
	}
	if int(page[0]["id"].(float64)) != len(all)-2 {
		t.Errorf("second from the top: id %v", page[0]["id"])
	}
	for _, bad := range []string{"?limit=-1", "?offset=x", "?sort=weight"} {
		if w := send(srv, xreq{method: "GET", path: "/api/osd" + bad, header: admin}); w.Code != 400 {
			t.Errorf("%s: %d", bad, w.Code)
		}
	}
}
