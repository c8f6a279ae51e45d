package main

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// api sends one request to /api with a token (or none) and returns the
// status and the body.
func api(t *testing.T, base, method, path, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	req.Header.Set("Accept", "application/vnd.ceph.api.v1.0+json")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func tokenOf(t *testing.T, base, user, password string) string {
	t.Helper()
	code, body := api(t, base, "POST", "/api/auth", "", `{"username":"`+user+`","password":"`+password+`"}`)
	if code != 201 {
		t.Fatalf("login %s: %d %s", user, code, body)
	}
	var r struct{ Token string }
	_ = json.Unmarshal([]byte(body), &r)
	return r.Token
}

// TestAccountsSurviveRestart: with the default file store, tokens, users,
// API keys and a lockout survive a restart, and the generated admin
// password is only made once.
func TestAccountsSurviveRestart(t *testing.T) {
	env := map[string]string{"CEPH_REST_API_ACCOUNTS": "file:" + filepath.Join(t.TempDir(), "accounts.json")}
	var adminPW, token, key string
	t.Run("first start", func(t *testing.T) {
		base, out := start(t, nil, env)
		_, line, ok := strings.Cut(out.String(), "generated password for user admin: ")
		if !ok {
			t.Fatalf("no generated password: %s", out)
		}
		adminPW, _, _ = strings.Cut(line, " ")
		token = tokenOf(t, base, "admin", adminPW)
		if code, body := api(t, base, "POST", "/api/user", token, `{"username":"bob","password":"bob-password","roles":["read-only"],"pwdUpdateRequired":false}`); code != 201 {
			t.Fatalf("create bob: %d %s", code, body)
		}
		code, body := api(t, base, "POST", "/api/apikey", token, `{"username":"bob","description":"ci"}`)
		if code != 201 {
			t.Fatalf("API key: %d %s", code, body)
		}
		var k struct{ Key string }
		_ = json.Unmarshal([]byte(body), &k)
		key = k.Key
		for range 10 {
			if code, _ := api(t, base, "POST", "/api/auth", "", `{"username":"bob","password":"wrong"}`); code != 400 {
				t.Fatalf("wrong password: %d", code)
			}
		}
	})
	t.Run("second start", func(t *testing.T) {
		base, out := start(t, nil, env)
		if strings.Contains(out.String(), "generated password") {
			t.Errorf("a second password was generated: %s", out)
		}
		if code, body := api(t, base, "GET", "/api/summary", token, ""); code != 200 {
			t.Errorf("token from before the restart: %d %s", code, body)
		}
		if code, _ := api(t, base, "GET", "/api/summary", key, ""); code != 401 {
			// bob is locked: his key stops with him.
			t.Errorf("API key of a locked user: %d", code)
		}
		if code, _ := api(t, base, "POST", "/api/auth", "", `{"username":"bob","password":"bob-password"}`); code != 400 {
			t.Errorf("the 11th login, right password, after a restart: %d", code)
		}
		if code, body := api(t, base, "PUT", "/api/user/bob", token, `{"enabled":true,"roles":["read-only"]}`); code != 200 {
			t.Fatalf("enable bob: %d %s", code, body)
		}
		tokenOf(t, base, "bob", "bob-password")
		if code, body := api(t, base, "GET", "/api/summary", key, ""); code != 200 {
			t.Errorf("API key after the restart: %d %s", code, body)
		}
	})
	t.Run("password reset by the environment", func(t *testing.T) {
		env2 := map[string]string{"CEPH_REST_API_ACCOUNTS": env["CEPH_REST_API_ACCOUNTS"], "CEPH_REST_API_PASSWORD": "reset-pass"}
		base, _ := start(t, nil, env2)
		tokenOf(t, base, "admin", "reset-pass")
		if code, _ := api(t, base, "GET", "/api/summary", token, ""); code != 401 {
			t.Errorf("token from before the reset: %d", code)
		}
	})
}
