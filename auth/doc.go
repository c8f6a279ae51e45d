// Package auth will hold the account and role model of the HTTP server
// (users, roles, security scopes, permissions).
package auth
