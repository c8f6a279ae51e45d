package rados

import (
	"reflect"
	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
	"github.com/cephapi/cephapi/rbd"
	"github.com/cephapi/cephapi/transport/transporttest"
)

// TestEveryMethodDeclared: the librados transport implements every method
// of every service (some answer Unimplemented for a reason, on their own).
func TestEveryMethodDeclared(t *testing.T) {
	transporttest.Declared(t, ".", map[string]reflect.Type{
		"health":       reflect.TypeFor[ceph.Health](),
		"monitors":     reflect.TypeFor[ceph.Monitors](),
		"pools":        reflect.TypeFor[ceph.Pools](),
		"crushRules":   reflect.TypeFor[ceph.CrushRules](),
		"ecProfiles":   reflect.TypeFor[ceph.ErasureCodeProfiles](),
		"config":       reflect.TypeFor[ceph.ClusterConfig](),
		"mgrModules":   reflect.TypeFor[ceph.MgrModules](),
		"logs":         reflect.TypeFor[ceph.Logs](),
		"perfCounters": reflect.TypeFor[ceph.PerfCounters](),
		"osds":         reflect.TypeFor[osd.OSDs](),
		"flags":        reflect.TypeFor[osd.Flags](),
		"lifecycle":    reflect.TypeFor[osd.Lifecycle](),
		"images":       reflect.TypeFor[rbd.Images](),
		"snapshots":    reflect.TypeFor[rbd.Snapshots](),
		"commands":     reflect.TypeFor[ceph.Commander](),
	})
}
