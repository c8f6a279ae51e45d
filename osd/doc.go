// Package osd manages object storage daemons: listing them with their stats
// and CRUSH position, the CRUSH tree, marking them in, out, down or lost,
// reweighting, scrubbing, cluster and per-OSD flags, and their life cycle
// (create, safe-to-destroy, destroy, purge, delete).
//
// Three small interfaces, each a field of cephapi.Client:
//
//   - OSDs (c.OSDs): List, Get, Tree, Mark, Reweight, Scrub,
//     SetDeviceClass, Devices, Histogram, Settings.
//   - Flags (c.OSDFlags): cluster-wide flags (List, Set) and per-OSD flags
//     (Individual, SetIndividual).
//   - Lifecycle (c.OSDLifecycle): Create, SafeToDestroy, SafeToDelete,
//     Destroy, Purge, Delete.
//
// For example, to take an OSD out of data placement:
//
//	err := c.OSDs.Mark(ctx, []int{3}, osd.Out)
//
// Marking lost needs the OSD to be down (Busy otherwise, as Ceph answers
// EBUSY); an unknown id is NotFound; a bad action or flag is
// InvalidArgument, rejected before any transport is called.
package osd
