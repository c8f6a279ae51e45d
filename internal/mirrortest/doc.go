// Package mirrortest is the two-cluster RBD mirroring test: two of our
// servers, each on the rados transport of its own real cluster with an
// rbd-mirror daemon, are bootstrapped through the HTTP API (a token made
// on one, imported on the other) and an image mirrored on the first
// appears on the second. scripts/test-real brings both clusters up
// (CEPH_CONF and CEPH_CONF_PEER); without them the test skips.
package mirrortest
