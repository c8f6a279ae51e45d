package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/httpapi"
)

// Log in, then call an endpoint with the token and the endpoint's version.
func ExampleNew() {
	accounts, err := auth.NewMemoryStore("admin", "s3cret", auth.WithBcryptCost(bcrypt.MinCost))
	if err != nil {
		panic(err)
	}
	// A client without services: every domain call answers not_implemented.
	srv := httpapi.New(cephapi.New(nil), httpapi.WithAccounts(accounts))

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
	var e httpapi.ErrorBody
	_ = json.Unmarshal(w.Body.Bytes(), &e)
	fmt.Println(w.Code, e.Code)

	r.Header.Set("Accept", "application/vnd.ceph.api.v2.0+json")
	w = httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	_ = json.Unmarshal(w.Body.Bytes(), &e)
	fmt.Println(w.Code, e.Detail)
	// Output:
	// 201 admin true
	// 501 not_implemented
	// 415 Incorrect version: endpoint is '1.0', client requested '2.0'
}
