package transporttest

import (
	"context"
	"testing"

	cephapi "github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
	"github.com/cephapi/cephapi/rgw"
	"github.com/cephapi/cephapi/transport/memory"
)

// withParts rebuilds a client from m's services, with change applied to
// the parts first (to break one of them).
func withParts(m *cephapi.Client, change func(p *cephapi.Client)) *cephapi.Client {
	p := &cephapi.Client{
		Health: m.Health, Monitors: m.Monitors, Pools: m.Pools, CrushRules: m.CrushRules,
		ErasureCodeProfiles: m.ErasureCodeProfiles, Config: m.Config, MgrModules: m.MgrModules,
		Logs: m.Logs, PerfCounters: m.PerfCounters, Hosts: m.Hosts, OSDs: m.OSDs, OSDFlags: m.OSDFlags,
		OSDLifecycle: m.OSDLifecycle, RBD: m.RBD, CephFS: m.CephFS, RGW: m.RGW, Commands: m.Commands,
	}
	change(p)
	return cephapi.New(p)
}

// ignoreMark answers Mark with success and does nothing.
type ignoreMark struct{ osd.OSDs }

func (ignoreMark) Mark(context.Context, []int, osd.MarkAction) error { return nil }

// renameKeepsOld renames by creating nothing and reporting success.
type renameKeepsOld struct{ ceph.Pools }

func (r renameKeepsOld) Update(ctx context.Context, name string, o *ceph.PoolUpdateOptions) error {
	if o != nil && o.NewName != nil {
		return nil
	}
	return r.Pools.Update(ctx, name, o)
}

// destroyUpOSD lets Destroy "succeed" on an up OSD.
type destroyUpOSD struct{ osd.Lifecycle }

func (destroyUpOSD) Destroy(context.Context, int) error { return nil }

// keepUsers answers Delete with success and deletes nothing.
type keepUsers struct{ rgw.Users }

func (keepUsers) Delete(context.Context, string, string) error { return nil }

// hostsWithoutOSDs lists the hosts without their OSDs.
type hostsWithoutOSDs struct{ ceph.Hosts }

func (h hostsWithoutOSDs) List(ctx context.Context, o *ceph.HostListOptions) ([]ceph.Host, error) {
	hosts, err := h.Hosts.List(ctx, o)
	for i := range hosts {
		var keep []ceph.HostService
		for _, s := range hosts[i].Services {
			if s.Type != "osd" {
				keep = append(keep, s)
			}
		}
		hosts[i].Services = keep
	}
	return hosts, err
}

// TestSuiteCatchesBrokenMemory breaks one service of the full memory model
// at a time: the check passes on the model and fails on the broken copy.
func TestSuiteCatchesBrokenMemory(t *testing.T) {
	tests := []struct {
		check string
		brk   func(p *cephapi.Client)
		opts  []memory.Option
	}{
		{"OSDs/MarkOutIn", func(p *cephapi.Client) { p.OSDs = ignoreMark{p.OSDs} }, nil},
		{"Pools/Rename", func(p *cephapi.Client) { p.Pools = renameKeepsOld{p.Pools} }, nil},
		{"OSDLifecycle/DestroyUpOSDBusy", func(p *cephapi.Client) { p.OSDLifecycle = destroyUpOSD{p.OSDLifecycle} }, nil},
		{"Hosts/CarriesDaemons", func(p *cephapi.Client) { p.Hosts = hostsWithoutOSDs{p.Hosts} }, nil},
		{"RGW/Users", func(p *cephapi.Client) { p.RGW.Users = keepUsers{p.RGW.Users} }, []memory.Option{memory.WithGateway("x")}},
	}
	for _, tt := range tests {
		t.Run(tt.check, func(t *testing.T) {
			fn := findCheck(t, tt.check)
			good := memory.New(tt.opts...)
			defer good.Close()
			if r := runRecorded(t, tt.check, fn, good); r.Failed() || r.Skipped() {
				t.Errorf("against the memory model: %v; want a pass", r)
			}
			m := memory.New(tt.opts...)
			defer m.Close()
			if r := runRecorded(t, tt.check, fn, withParts(m, tt.brk)); !r.Failed() {
				t.Errorf("against a broken memory model the check did not fail: %v", r)
			}
		})
	}
}
