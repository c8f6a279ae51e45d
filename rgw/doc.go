// Package rgw will manage the RADOS Gateway (daemons, users, buckets). It
// has no API yet: nothing here works, and the HTTP server answers its
// endpoints with 501 not_implemented.
package rgw
