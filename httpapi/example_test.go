package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/httpapi"
	"github.com/cephapi/cephapi/transport/memory"
)

// Log in, then call an endpoint with the token and the endpoint's version.
func ExampleNew() {
	accounts, err := auth.NewMemoryStore("admin", "s3cret", auth.WithBcryptCost(bcrypt.MinCost))
	if err != nil {
		panic(err)
	}
	// The embedded in-memory demo cluster: one OSD under host "dev".
	srv := httpapi.New(memory.New(), httpapi.WithAccounts(accounts))

	r := httptest.NewRequest("POST", "/api/auth", strings.NewReader(`{"username":"admin","password":"s3cret"}`))
	r.Header.Set("Accept", "application/vnd.ceph.api.v1.0+json")
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	var login httpapi.LoginResponse
	_ = json.Unmarshal(w.Body.Bytes(), &login)
	fmt.Println(w.Code, login.Username, login.Permissions.Allows(auth.ScopePool, auth.Delete))

	r = httptest.NewRequest("GET", "/api/osd", nil)
	r.Header.Set("Accept", "application/vnd.ceph.api.v1.0+json")
	r.Header.Set("Authorization", "Bearer "+login.Token)
	w = httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	var osds []struct {
		ID   int `json:"id"`
		Host struct {
			Name string `json:"name"`
		} `json:"host"`
	}
	_ = json.Unmarshal(w.Body.Bytes(), &osds)
	fmt.Println(w.Code, w.Header().Get("Content-Type"), len(osds), osds[0].Host.Name)

	r = httptest.NewRequest("GET", "/api/host", nil)
	r.Header.Set("Accept", "application/vnd.ceph.api.v1.1+json")
	r.Header.Set("Authorization", "Bearer "+login.Token)
	w = httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	var hosts []struct {
		Hostname string `json:"hostname"`
		Services []struct {
			Type string `json:"type"`
			ID   string `json:"id"`
		} `json:"services"`
	}
	_ = json.Unmarshal(w.Body.Bytes(), &hosts)
	fmt.Println(w.Code, len(hosts), hosts[0].Hostname, hosts[0].Services)

	// An operation without a binding (a host's daemons need an orchestrator).
	r = httptest.NewRequest("GET", "/api/host/dev/daemons", nil)
	r.Header.Set("Accept", "application/vnd.ceph.api.v1.0+json")
	r.Header.Set("Authorization", "Bearer "+login.Token)
	w = httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	var e httpapi.ErrorBody
	_ = json.Unmarshal(w.Body.Bytes(), &e)
	fmt.Println(w.Code, e.Code)

	r = httptest.NewRequest("GET", "/api/osd", nil)
	r.Header.Set("Authorization", "Bearer "+login.Token)
	r.Header.Set("Accept", "application/vnd.ceph.api.v2.0+json")
	w = httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	_ = json.Unmarshal(w.Body.Bytes(), &e)
	fmt.Println(w.Code, e.Detail)
	// Output:
	// 201 admin true
	// 200 application/vnd.ceph.api.v1.0+json 1 dev
	// 200 1 dev [{mgr x} {mon a} {osd 0}]
	// 501 not_implemented
	// 415 Incorrect version: endpoint is '1.0', client requested '2.0'
}
