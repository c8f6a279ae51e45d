// Package auth holds the account and role model of the HTTP server, as the
// Ceph Dashboard defines it: security scopes, read/create/update/delete
// permissions, the system roles (administrator, read-only, block-manager,
// ...), bcrypt-hashed accounts behind the Store interface with an
// in-memory implementation, and HS256 JSON Web Tokens with a block list
// (Tokens).
package auth
