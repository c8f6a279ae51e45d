// Package cephfs will manage CephFS file systems (clients, directories,
// quotas, snapshots). It has no API yet: nothing here works, and the HTTP
// server answers its endpoints with 501 not_implemented.
package cephfs
