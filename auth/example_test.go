package auth_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/crypto/bcrypt"

	"github.com/cephapi/cephapi/auth"
)

func ExampleMemoryStore() {
	ctx := context.Background()
	s, err := auth.NewMemoryStore("admin", "s3cret", auth.WithBcryptCost(bcrypt.MinCost))
	if err != nil {
		panic(err)
	}
	if err := s.AddUser("viewer", "pw", "read-only"); err != nil {
		panic(err)
	}
	u, err := s.Authenticate(ctx, "viewer", "pw")
	if err != nil {
		panic(err)
	}
	perms, _ := auth.UserPermissions(ctx, s, u)
	fmt.Println(auth.Authorize(u, perms, auth.ScopePool, auth.Read))
	fmt.Println(auth.Authorize(u, perms, auth.ScopePool, auth.Create))
	_, err = s.Authenticate(ctx, "viewer", "wrong")
	fmt.Println(err)
	// Output:
	// true
	// false
	// auth: Invalid credentials
}

// An account database in a file: users, the password policy and an API
// key for a script.
func ExampleOpenDB() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "accounts")
	defer os.RemoveAll(dir)
	kv, err := auth.OpenFileKV(filepath.Join(dir, "accounts.json"))
	if err != nil {
		panic(err)
	}
	db, err := auth.OpenDB(ctx, kv, auth.WithBcryptCost(bcrypt.MinCost))
	if err != nil {
		panic(err)
	}
	fmt.Println(db.ValidatePassword(ctx, "short", "", ""))
	_, err = db.CreateUser(ctx, auth.UserSpec{Username: "ops", Password: "short"})
	fmt.Println(err)
	u, err := db.CreateUser(ctx, auth.UserSpec{Username: "ops", Password: "long-enough", Roles: []string{"pool-manager"}})
	if err != nil {
		panic(err)
	}
	key, _, err := db.CreateAPIKey(ctx, u.Username, "nightly job", nil)
	if err != nil {
		panic(err)
	}
	who, _, err := db.AuthenticateAPIKey(ctx, key)
	fmt.Println(who.Username, err)
	// Output:
	// {false 0 Password is too weak.}
	// user: Password is too weak.
	// ops <nil>
}
