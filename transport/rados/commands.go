package rados

import (
	"context"

	"github.com/cephapi/cephapi/ceph"
)

// commands passes any command through to the monitors or the manager.
type commands struct {
	r *runner
	ceph.UnimplementedCommander
}

var _ ceph.Commander = commands{}

// Command sends cmd as `ceph` would: prefix, arguments and, unless Format
// is "" (plain text), the format.
func (c commands) Command(ctx context.Context, cmd ceph.Command) (*ceph.CommandResult, error) {
	b := encode(cmd.Prefix, cmd.Format, cmd.Args)
	var fn func() ([]byte, string, error)
	switch cmd.Target {
	case "", "mon":
		fn = func() ([]byte, string, error) { return c.r.c.MonCommand(b) }
	case "mgr":
		fn = func() ([]byte, string, error) { return c.r.c.MgrCommand([][]byte{b}) }
	default:
		return nil, errorf(ceph.InvalidArgument, "command", "invalid command target %q: want mon or mgr", cmd.Target)
	}
	out, status, err := c.r.read(ctx, "command", cmd.Prefix, fn)
	if err != nil {
		return nil, err
	}
	return &ceph.CommandResult{Output: out, Status: status}, nil
}
