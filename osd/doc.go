// Package osd manages object storage daemons: listing them with their stats
// and CRUSH position, the CRUSH tree, marking them in, out, down or lost,
// reweighting, scrubbing, cluster and per-OSD flags, and their life cycle
// (create, safe-to-destroy, destroy, purge, delete).
//
//	err := c.OSDs.Mark(ctx, []int{3}, osd.Out)
package osd
