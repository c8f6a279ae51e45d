// Package httpapi serves any *cephapi.Client as the Ceph Dashboard REST API
// under /api and the legacy ceph-rest-api under /api/v0.1.
package httpapi
