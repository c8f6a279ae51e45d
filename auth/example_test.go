package auth_test

import (
	"context"
	"fmt"

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
