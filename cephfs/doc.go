// Package cephfs manages CephFS file systems: FileSystems reads the FS
// map, a file system's status (ranks, pools, standbys, versions), its
// client sessions (and evicts them) and its metadata servers' counters;
// Directories makes, lists and removes directories and sets their quotas
// and snapshots without a mount of the caller's, as the dashboard's
// /api/cephfs operations do.
package cephfs
