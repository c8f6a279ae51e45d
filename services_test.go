package cephapi_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
	"github.com/cephapi/cephapi/rbd"
)

// TestUnimplementedTypes: every method of every generated Unimplemented
// type answers ceph.ErrUnimplemented, and the types cover every service
// of the Client (so an implementation can embed one for each).
func TestUnimplementedTypes(t *testing.T) {
	for _, u := range []any{
		ceph.UnimplementedHealth{}, ceph.UnimplementedMonitors{}, ceph.UnimplementedPools{},
		ceph.UnimplementedCrushRules{}, ceph.UnimplementedErasureCodeProfiles{}, ceph.UnimplementedClusterConfig{},
		ceph.UnimplementedMgrModules{}, ceph.UnimplementedLogs{}, ceph.UnimplementedPerfCounters{}, ceph.UnimplementedHosts{},
		ceph.UnimplementedCommander{}, osd.UnimplementedOSDs{}, osd.UnimplementedFlags{},
		osd.UnimplementedLifecycle{}, rbd.UnimplementedImages{},
	} {
		v := reflect.ValueOf(u)
		if v.NumMethod() == 0 {
			t.Errorf("%T has no methods", u)
		}
		for i := 0; i < v.NumMethod(); i++ {
			m := v.Method(i)
			args := []reflect.Value{reflect.ValueOf(context.Background())}
			for j := 1; j < m.Type().NumIn(); j++ {
				args = append(args, reflect.Zero(m.Type().In(j)))
			}
			out := m.Call(args)
			err, _ := out[len(out)-1].Interface().(error)
			if !errors.Is(err, ceph.ErrUnimplemented) {
				t.Errorf("%T.%s: %v", u, v.Type().Method(i).Name, err)
			}
		}
	}
}

// TestValidatedNilIsUnimplemented: a service a transport leaves nil
// answers Unimplemented through the Client, after the argument checks.
func TestValidatedNilIsUnimplemented(t *testing.T) {
	ctx := context.Background()
	if _, err := rbd.ValidatedImages(nil).Get(ctx, rbd.ImageSpec{Pool: "p", Name: "i"}); !errors.Is(err, ceph.ErrUnimplemented) {
		t.Errorf("nil Images: %v", err)
	}
	if _, err := rbd.ValidatedImages(nil).Get(ctx, rbd.ImageSpec{}); !errors.Is(err, ceph.ErrUnimplemented) {
		t.Errorf("nil Images, bad spec: %v (Unimplemented comes first)", err)
	}
}
