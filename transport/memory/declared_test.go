package memory

import (
	"reflect"
	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
	"github.com/cephapi/cephapi/rbd"
	"github.com/cephapi/cephapi/transport/transporttest"
)

// TestEveryMethodDeclared: the model implements every method of every
// service; none falls back to an embedded Unimplemented type.
func TestEveryMethodDeclared(t *testing.T) {
	transporttest.Declared(t, ".", map[string]reflect.Type{
		"healthService":     reflect.TypeFor[ceph.Health](),
		"monitorsService":   reflect.TypeFor[ceph.Monitors](),
		"poolsService":      reflect.TypeFor[ceph.Pools](),
		"crushRulesService": reflect.TypeFor[ceph.CrushRules](),
		"ecProfilesService": reflect.TypeFor[ceph.ErasureCodeProfiles](),
		"configService":     reflect.TypeFor[ceph.ClusterConfig](),
		"mgrModulesService": reflect.TypeFor[ceph.MgrModules](),
		"logsService":       reflect.TypeFor[ceph.Logs](),
		"perfService":       reflect.TypeFor[ceph.PerfCounters](),
		"osdsService":       reflect.TypeFor[osd.OSDs](),
		"osdFlagsService":   reflect.TypeFor[osd.Flags](),
		"lifecycleService":  reflect.TypeFor[osd.Lifecycle](),
		"imagesService":     reflect.TypeFor[rbd.Images](),
		"snapshotsService":  reflect.TypeFor[rbd.Snapshots](),
	})
}
