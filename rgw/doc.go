// Package rgw manages the RADOS Gateway: its daemons and site
// (realms, placement targets), users with their keys, capabilities,
// quotas and subusers, IAM roles, and buckets with their versioning,
// object locking and default encryption, as the dashboard's /api/rgw
// operations do.
//
// Users, Buckets, Site and Daemons are the services; a Client from the
// top-level package holds them for one transport. Every operation but
// the daemon list names the gateway it goes through ("" for the default
// one).
//
// Errors are *ceph.Error with component "rgw": a missing user or bucket is
// ceph.NotFound, a taken user id, e-mail address, access key or bucket name
// is ceph.AlreadyExists, a bucket that still holds objects is
// ceph.FailedPrecondition unless purged.
package rgw
