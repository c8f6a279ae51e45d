package memory_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
	"github.com/cephapi/cephapi/transport/memory"
)

// TestHostsFollowOSDMetadata: an OSD created under a new host is on no
// host until it boots (it has no metadata), then on its host; the
// health counts the list.
func TestHostsFollowOSDMetadata(t *testing.T) {
	ctx := context.Background()
	c, f := memory.NewFake()
	defer c.Close()
	id, err := c.OSDLifecycle.Create(ctx, &osd.CreateOptions{Host: "node2"})
	if err != nil {
		t.Fatal(err)
	}
	names := func() []string {
		hosts, err := c.Hosts.List(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		h, err := c.Health.Minimal(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if h.Hosts != len(hosts) {
			t.Errorf("health counts %d hosts, the list has %d", h.Hosts, len(hosts))
		}
		var out []string
		for _, h := range hosts {
			out = append(out, h.Hostname)
		}
		return out
	}
	if got := names(); len(got) != 1 || got[0] != "dev" {
		t.Errorf("before boot: hosts %v, want [dev]", got)
	}
	if _, err := c.Hosts.Get(ctx, "node2"); !errors.Is(err, ceph.ErrNotFound) {
		t.Errorf("Get(node2) before boot: %v", err)
	}
	if err := f.SetOSDUp(id, true); err != nil {
		t.Fatal(err)
	}
	if got := names(); len(got) != 2 || got[1] != "node2" {
		t.Errorf("after boot: hosts %v, want [dev node2]", got)
	}
	h, err := c.Hosts.Get(ctx, "node2")
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Services) != 1 || h.Services[0].Type != "osd" || h.Services[0].ID != strconv.Itoa(id) {
		t.Errorf("node2: services %+v", h.Services)
	}
}
