package httpapi

import (
	"context"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
)

// bindings ties each implemented operation of the table (package ops) to
// the function that serves it. Everything else about an operation (path,
// scope, permission, version, task, status, how its request is decoded)
// is in its row; operations without a binding answer 501 not_implemented
// after authentication, authorization and version negotiation.
func (s *Server) bindings() []binding {
	c := s.client
	return []binding{
		// Auth (dashboard controllers/auth.py).
		bind(ops.Login, s.login),
		bind(ops.AuthCheck, s.checkToken),
		bind(ops.Logout, func(cl *call, _ *ops.LogoutRequest) (any, error) { return s.logout(cl) }),

		// Cluster overview.
		bindCall(ops.HealthFull, healthReport(c.Health.Full, fullSections)),
		bindCall(ops.HealthMinimal, healthReport(c.Health.Minimal, minimalSections)),
		bindCall(ops.Summary, s.summary),
		bindCall(ops.Monitor, get(c.Monitors.Status)),
		bindCall(ops.LogsAll, s.logsAll),
		bind(ops.TaskList, func(_ *call, r *ops.TaskListRequest) (any, error) { return s.tasks.list(r.Name, nil), nil }),

		// Performance counters (controllers/perf_counters.py).
		bindCall(ops.PerfCounters, get(c.PerfCounters.All)),
		bindCall(ops.PerfCountersMDS, s.perfCounters("mds")),
		bindCall(ops.PerfCountersMgr, s.perfCounters("mgr")),
		bindCall(ops.PerfCountersMon, s.perfCounters("mon")),
		bindCall(ops.PerfCountersOSD, s.perfCounters("osd")),
		bindCall(ops.PerfCountersRBDMirror, s.perfCounters("rbd-mirror")),
		bindCall(ops.PerfCountersRGW, s.perfCounters("rgw")),
		bindCall(ops.PerfCountersTCMURunner, s.perfCounters("tcmu-runner")),

		// Pools (controllers/pool.py).
		bind(ops.PoolList, s.poolList),
		bind(ops.PoolCreate, s.poolCreate),
		bind(ops.PoolGet, s.poolGet),
		bind(ops.PoolUpdate, s.poolUpdate),
		bind(ops.PoolDelete, func(_ *call, r *ops.PoolDeleteRequest) (any, error) {
			return later(func(ctx context.Context) (any, error) { return nothing(c.Pools.Delete(ctx, r.PoolName)) }), nil
		}),
		bind(ops.PoolConfiguration, func(cl *call, r *ops.PoolConfigurationRequest) (any, error) {
			return c.Pools.Configuration(cl.ctx(), r.PoolName)
		}),

		// CRUSH rules and erasure-code profiles (pool scope).
		bindCall(ops.CrushRuleList, get(c.CrushRules.List)),
		bind(ops.CrushRuleCreate, s.crushRuleCreate),
		bind(ops.CrushRuleGet, func(cl *call, r *ops.CrushRuleGetRequest) (any, error) { return c.CrushRules.Get(cl.ctx(), r.Name) }),
		bind(ops.CrushRuleDelete, func(cl *call, r *ops.CrushRuleDeleteRequest) (any, error) {
			return nothing(c.CrushRules.Delete(cl.ctx(), r.Name))
		}),
		bindCall(ops.CrushRuleInfo, s.crushRuleInfo),
		bindCall(ops.ECProfileList, get(c.ErasureCodeProfiles.List)),
		bind(ops.ECProfileCreate, s.ecpCreate),
		bind(ops.ECProfileGet, func(cl *call, r *ops.ECProfileGetRequest) (any, error) {
			return c.ErasureCodeProfiles.Get(cl.ctx(), r.Name)
		}),
		bind(ops.ECProfileDelete, func(cl *call, r *ops.ECProfileDeleteRequest) (any, error) {
			return nothing(c.ErasureCodeProfiles.Delete(cl.ctx(), r.Name))
		}),

		// Cluster configuration (controllers/cluster_configuration.py).
		bindCall(ops.ClusterConfList, get(c.Config.List)),
		bind(ops.ClusterConfCreate, func(cl *call, r *ops.ClusterConfCreateRequest) (any, error) {
			return nothing(c.Config.Set(cl.ctx(), r.Name, r.Value))
		}),
		bind(ops.ClusterConfBulkSet, func(cl *call, r *ops.ClusterConfBulkSetRequest) (any, error) {
			return nothing(c.Config.SetMany(cl.ctx(), r.Options))
		}),
		bind(ops.ClusterConfFilter, s.configFilter),
		bind(ops.ClusterConfGet, func(cl *call, r *ops.ClusterConfGetRequest) (any, error) { return c.Config.Get(cl.ctx(), r.Name) }),
		bind(ops.ClusterConfDelete, func(cl *call, r *ops.ClusterConfDeleteRequest) (any, error) {
			return nothing(c.Config.Delete(cl.ctx(), r.Name, r.Section))
		}),

		// Manager modules (controllers/mgr_modules.py, config-opt scope).
		bindCall(ops.MgrModuleList, get(c.MgrModules.List)),
		bind(ops.MgrModuleGet, func(cl *call, r *ops.MgrModuleGetRequest) (any, error) {
			return c.MgrModules.Get(cl.ctx(), r.ModuleName)
		}),
		bind(ops.MgrModuleUpdate, func(cl *call, r *ops.MgrModuleUpdateRequest) (any, error) {
			return nothing(c.MgrModules.SetOptions(cl.ctx(), r.ModuleName, r.Config))
		}),
		bind(ops.MgrModuleDisable, func(cl *call, r *ops.MgrModuleDisableRequest) (any, error) {
			return nothing(c.MgrModules.Disable(cl.ctx(), r.ModuleName))
		}),
		bind(ops.MgrModuleEnable, func(cl *call, r *ops.MgrModuleEnableRequest) (any, error) {
			return nothing(c.MgrModules.Enable(cl.ctx(), r.ModuleName))
		}),
		bind(ops.MgrModuleOptions, func(cl *call, r *ops.MgrModuleOptionsRequest) (any, error) {
			return c.MgrModules.Options(cl.ctx(), r.ModuleName)
		}),

		// OSDs (controllers/osd.py).
		bindCall(ops.OSDList, get(c.OSDs.List)),
		bind(ops.OSDCreate, s.osdCreate),
		bindCall(ops.OSDFlagsList, get(c.OSDFlags.List)),
		bind(ops.OSDFlagsSet, func(cl *call, r *ops.OSDFlagsSetRequest) (any, error) { return c.OSDFlags.Set(cl.ctx(), r.Flags) }),
		bindCall(ops.OSDFlagsIndividual, get(c.OSDFlags.Individual)),
		bind(ops.OSDFlagsIndividualSet, s.osdFlagsSetIndividual),
		bind(ops.OSDSafeToDelete, func(cl *call, r *ops.OSDSafeToDeleteRequest) (any, error) {
			ids, err := parseIDs("svc_ids", r.SvcIDs)
			if err != nil {
				return nil, err
			}
			return c.OSDLifecycle.SafeToDelete(cl.ctx(), ids)
		}),
		bind(ops.OSDSafeToDestroy, func(cl *call, r *ops.OSDSafeToDestroyRequest) (any, error) {
			ids, err := parseIDs("ids", r.IDs)
			if err != nil {
				return nil, err
			}
			return c.OSDLifecycle.SafeToDestroy(cl.ctx(), ids)
		}),
		bindCall(ops.OSDSettings, get(c.OSDs.Settings)),
		bind(ops.OSDDelete, s.osdDelete),
		bindCall(ops.OSDGet, osdRead(c.OSDs.Get)),
		bind(ops.OSDUpdate, osdCall(func(cl *call, id int, r *ops.OSDUpdateRequest) (any, error) {
			return nothing(c.OSDs.SetDeviceClass(cl.ctx(), id, r.DeviceClass))
		})),
		bindCall(ops.OSDDestroy, osdAction(c.OSDLifecycle.Destroy)),
		bindCall(ops.OSDDevices, osdRead(c.OSDs.Devices)),
		bindCall(ops.OSDHistogram, osdRead(c.OSDs.Histogram)),
		bind(ops.OSDMark, osdCall(s.osdMark)),
		bindCall(ops.OSDPurge, osdAction(c.OSDLifecycle.Purge)),
		bind(ops.OSDReweight, osdCall(func(cl *call, id int, r *ops.OSDReweightRequest) (any, error) {
			return nothing(c.OSDs.Reweight(cl.ctx(), id, float64(r.Weight)))
		})),
		bind(ops.OSDScrub, osdCall(func(cl *call, id int, r *ops.OSDScrubRequest) (any, error) {
			return nothing(c.OSDs.Scrub(cl.ctx(), id, r.Deep != nil && bool(*r.Deep)))
		})),

		// RBD images (controllers/rbd.py).
		bind(ops.RBDImageList, s.rbdList),
		bind(ops.RBDImageCreate, s.rbdCreate),
		bind(ops.RBDImageGet, func(cl *call, r *ops.RBDImageGetRequest) (any, error) {
			spec, err := rbdSpec(r.ImageSpec)
			if err != nil {
				return nil, err
			}
			return c.RBD.Images.Get(cl.ctx(), spec)
		}),
		bind(ops.RBDImageUpdate, s.rbdUpdate),
		bind(ops.RBDImageDelete, func(_ *call, r *ops.RBDImageDeleteRequest) (any, error) {
			spec, err := rbdSpec(r.ImageSpec)
			if err != nil {
				return nil, err
			}
			return later(func(ctx context.Context) (any, error) { return nothing(c.RBD.Images.Delete(ctx, spec)) }), nil
		}),
		bind(ops.RBDSnapCreate, func(_ *call, r *ops.RBDSnapCreateRequest) (any, error) {
			spec, err := rbdSpec(r.ImageSpec)
			if err != nil {
				return nil, err
			}
			if deref(r.MirrorImageSnapshot) {
				return nil, ceph.Errorf(ceph.Unimplemented, "rbd", "mirror image snapshots are not implemented by this server yet")
			}
			return later(func(ctx context.Context) (any, error) {
				return nothing(c.RBD.Snapshots.Create(ctx, spec, r.SnapshotName))
			}), nil
		}),
		bind(ops.RBDSnapDelete, func(_ *call, r *ops.RBDSnapDeleteRequest) (any, error) {
			spec, err := rbdSpec(r.ImageSpec)
			if err != nil {
				return nil, err
			}
			return later(func(ctx context.Context) (any, error) {
				return nothing(c.RBD.Snapshots.Delete(ctx, spec, r.SnapshotName))
			}), nil
		}),
	}
}

// bindCall binds an operation whose handler needs nothing of the request
// beyond what the call carries (health, summary, parameterless reads).
func bindCall[Req any](op ops.Op[Req], h handlerFunc) binding {
	return bind(op, func(c *call, _ *Req) (any, error) { return h(c) })
}
