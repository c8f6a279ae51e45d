// Package rbd manages RADOS block device images. Images is the interface
// for listing, reading, creating, changing and deleting images; snapshots,
// trash, namespaces and mirroring come in later releases.
package rbd
