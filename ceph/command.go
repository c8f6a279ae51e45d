package ceph

import "context"

// Command is a Ceph CLI command: its prefix ("osd tree") and its arguments,
// as `ceph` sends them to the monitors.
type Command struct {
	Prefix string
	Args   map[string]any
	// Format is "" (plain text, as `ceph` prints by default), "json" or
	// "json-pretty".
	Format string
	// Target is "mon" (default) or "mgr".
	Target string
}

// CommandResult is a command's output and status line.
type CommandResult struct {
	// Output is the command's output buffer in the requested format.
	Output []byte
	// Status is the status string (what `ceph` prints on stderr).
	Status string
}

// Commander runs Ceph commands. Every transport offers it: librados passes
// any command through, the memory transport answers the commands its model
// knows and refuses others as Ceph does. A failed command returns an *Error
// whose Detail is Ceph's message.
type Commander interface {
	Command(ctx context.Context, cmd Command) (*CommandResult, error)
}
