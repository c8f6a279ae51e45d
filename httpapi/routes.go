package httpapi

import (
	"context"
	"slices"

	"github.com/cephapi/cephapi/httpapi/ops"
	"github.com/cephapi/cephapi/rbd"
)

// bindings ties each implemented operation of the table (package ops) to
// the function that serves it. Everything else about an operation (path,
// scope, permission, version, task, status, how its request is decoded)
// is in its row; operations without a binding answer 501 not_implemented
// after authentication, authorization and version negotiation.
func (s *Server) bindings() []binding {
	c := s.client
	return append([]binding{
		// Auth (dashboard controllers/auth.py).
		// POST /api/auth
		bind(ops.Login, s.login),
		// POST /api/auth/check
		bind(ops.AuthCheck, s.checkToken),
		// POST /api/auth/logout
		bind(ops.Logout, func(cl *call, _ *ops.LogoutRequest) (any, error) { return s.logout(cl) }),

		// Cluster overview.
		// GET /api/health/full
		bindCall(ops.HealthFull, healthReport(c.Health.Full, fullSections)),
		// GET /api/health/minimal
		bindCall(ops.HealthMinimal, healthReport(c.Health.Minimal, minimalSections)),
		// GET /api/summary
		bindCall(ops.Summary, s.summary),
		// GET /api/monitor
		bindCall(ops.Monitor, get(c.Monitors.Status)),
		// GET /api/logs/all
		bindCall(ops.LogsAll, s.logsAll),
		// GET /api/task
		bind(ops.TaskList, func(_ *call, r *ops.TaskListRequest) (any, error) { return s.tasks.list(r.Name, nil), nil }),

		// Performance counters (controllers/perf_counters.py).
		// GET /api/perf_counters
		bindCall(ops.PerfCounters, get(c.PerfCounters.All)),
		// GET /api/perf_counters/mds/{service_id}
		bindCall(ops.PerfCountersMDS, s.perfCounters("mds")),
		// GET /api/perf_counters/mgr/{service_id}
		bindCall(ops.PerfCountersMgr, s.perfCounters("mgr")),
		// GET /api/perf_counters/mon/{service_id}
		bindCall(ops.PerfCountersMon, s.perfCounters("mon")),
		// GET /api/perf_counters/osd/{service_id}
		bindCall(ops.PerfCountersOSD, s.perfCounters("osd")),
		// GET /api/perf_counters/rbd-mirror/{service_id}
		bindCall(ops.PerfCountersRBDMirror, s.perfCounters("rbd-mirror")),
		// GET /api/perf_counters/rgw/{service_id}
		bindCall(ops.PerfCountersRGW, s.perfCounters("rgw")),
		// GET /api/perf_counters/tcmu-runner/{service_id}
		bindCall(ops.PerfCountersTCMURunner, s.perfCounters("tcmu-runner")),

		// Pools (controllers/pool.py).
		// GET /api/pool
		bind(ops.PoolList, s.poolList),
		// POST /api/pool
		bind(ops.PoolCreate, s.poolCreate),
		// GET /api/pool/{pool_name}
		bind(ops.PoolGet, s.poolGet),
		// PUT /api/pool/{pool_name}
		bind(ops.PoolUpdate, s.poolUpdate),
		// DELETE /api/pool/{pool_name}
		bind(ops.PoolDelete, func(_ *call, r *ops.PoolDeleteRequest) (any, error) {
			return later(func(ctx context.Context) (any, error) { return nothing(c.Pools.Delete(ctx, r.PoolName)) }), nil
		}),
		// GET /api/pool/{pool_name}/configuration
		bind(ops.PoolConfiguration, func(cl *call, r *ops.PoolConfigurationRequest) (any, error) {
			return c.Pools.Configuration(cl.ctx(), r.PoolName)
		}),

		// CRUSH rules and erasure-code profiles (pool scope).
		// GET /api/crush_rule
		bindCall(ops.CrushRuleList, get(c.CrushRules.List)),
		// POST /api/crush_rule
		bind(ops.CrushRuleCreate, s.crushRuleCreate),
		// GET /api/crush_rule/{name}
		bind(ops.CrushRuleGet, func(cl *call, r *ops.CrushRuleGetRequest) (any, error) { return c.CrushRules.Get(cl.ctx(), r.Name) }),
		// DELETE /api/crush_rule/{name}
		bind(ops.CrushRuleDelete, func(cl *call, r *ops.CrushRuleDeleteRequest) (any, error) {
			return nothing(c.CrushRules.Delete(cl.ctx(), r.Name))
		}),
		// GET /ui-api/crush_rule/info
		bindCall(ops.CrushRuleInfo, s.crushRuleInfo),
		// GET /api/erasure_code_profile
		bindCall(ops.ECProfileList, get(c.ErasureCodeProfiles.List)),
		// POST /api/erasure_code_profile
		bind(ops.ECProfileCreate, s.ecpCreate),
		// GET /api/erasure_code_profile/{name}
		bind(ops.ECProfileGet, func(cl *call, r *ops.ECProfileGetRequest) (any, error) {
			return c.ErasureCodeProfiles.Get(cl.ctx(), r.Name)
		}),
		// DELETE /api/erasure_code_profile/{name}
		bind(ops.ECProfileDelete, func(cl *call, r *ops.ECProfileDeleteRequest) (any, error) {
			return nothing(c.ErasureCodeProfiles.Delete(cl.ctx(), r.Name))
		}),

		// Cluster configuration (controllers/cluster_configuration.py).
		// GET /api/cluster_conf
		bindCall(ops.ClusterConfList, get(c.Config.List)),
		// POST /api/cluster_conf
		bind(ops.ClusterConfCreate, func(cl *call, r *ops.ClusterConfCreateRequest) (any, error) {
			return nothing(c.Config.Set(cl.ctx(), r.Name, r.Value))
		}),
		// PUT /api/cluster_conf
		bind(ops.ClusterConfBulkSet, func(cl *call, r *ops.ClusterConfBulkSetRequest) (any, error) {
			return nothing(c.Config.SetMany(cl.ctx(), r.Options))
		}),
		// GET /api/cluster_conf/filter
		bind(ops.ClusterConfFilter, s.configFilter),
		// GET /api/cluster_conf/{name}
		bind(ops.ClusterConfGet, func(cl *call, r *ops.ClusterConfGetRequest) (any, error) { return c.Config.Get(cl.ctx(), r.Name) }),
		// DELETE /api/cluster_conf/{name}
		bind(ops.ClusterConfDelete, func(cl *call, r *ops.ClusterConfDeleteRequest) (any, error) {
			return nothing(c.Config.Delete(cl.ctx(), r.Name, r.Section))
		}),

		// Manager modules (controllers/mgr_modules.py, config-opt scope).
		// GET /api/mgr/module
		bindCall(ops.MgrModuleList, get(c.MgrModules.List)),
		// GET /api/mgr/module/{module_name}
		bind(ops.MgrModuleGet, func(cl *call, r *ops.MgrModuleGetRequest) (any, error) {
			return c.MgrModules.Get(cl.ctx(), r.ModuleName)
		}),
		// PUT /api/mgr/module/{module_name}
		bind(ops.MgrModuleUpdate, func(cl *call, r *ops.MgrModuleUpdateRequest) (any, error) {
			return nothing(c.MgrModules.SetOptions(cl.ctx(), r.ModuleName, r.Config))
		}),
		// POST /api/mgr/module/{module_name}/disable
		bind(ops.MgrModuleDisable, func(cl *call, r *ops.MgrModuleDisableRequest) (any, error) {
			return nothing(c.MgrModules.Disable(cl.ctx(), r.ModuleName))
		}),
		// POST /api/mgr/module/{module_name}/enable
		bind(ops.MgrModuleEnable, func(cl *call, r *ops.MgrModuleEnableRequest) (any, error) {
			return nothing(c.MgrModules.Enable(cl.ctx(), r.ModuleName))
		}),
		// GET /api/mgr/module/{module_name}/options
		bind(ops.MgrModuleOptions, func(cl *call, r *ops.MgrModuleOptionsRequest) (any, error) {
			return c.MgrModules.Options(cl.ctx(), r.ModuleName)
		}),

		// OSDs (controllers/osd.py).
		// GET /api/osd
		bind(ops.OSDList, s.osdList),
		// POST /api/osd
		bind(ops.OSDCreate, s.osdCreate),
		// GET /api/osd/flags
		bindCall(ops.OSDFlagsList, get(c.OSDFlags.List)),
		// PUT /api/osd/flags
		bind(ops.OSDFlagsSet, func(cl *call, r *ops.OSDFlagsSetRequest) (any, error) { return c.OSDFlags.Set(cl.ctx(), r.Flags) }),
		// GET /api/osd/flags/individual
		bindCall(ops.OSDFlagsIndividual, get(c.OSDFlags.Individual)),
		// PUT /api/osd/flags/individual
		bind(ops.OSDFlagsIndividualSet, s.osdFlagsSetIndividual),
		// GET /api/osd/safe_to_delete
		bind(ops.OSDSafeToDelete, func(cl *call, r *ops.OSDSafeToDeleteRequest) (any, error) {
			ids, err := parseIDs("svc_ids", r.SvcIDs)
			if err != nil {
				return nil, err
			}
			return c.OSDLifecycle.SafeToDelete(cl.ctx(), ids)
		}),
		// GET /api/osd/safe_to_destroy
		bind(ops.OSDSafeToDestroy, func(cl *call, r *ops.OSDSafeToDestroyRequest) (any, error) {
			ids, err := parseIDs("ids", r.IDs)
			if err != nil {
				return nil, err
			}
			return c.OSDLifecycle.SafeToDestroy(cl.ctx(), ids)
		}),
		// GET /api/osd/settings
		bindCall(ops.OSDSettings, get(c.OSDs.Settings)),
		// DELETE /api/osd/{svc_id}
		bind(ops.OSDDelete, s.osdDelete),
		// GET /api/osd/{svc_id}
		bindCall(ops.OSDGet, osdRead(c.OSDs.Get)),
		// PUT /api/osd/{svc_id}
		bind(ops.OSDUpdate, osdCall(func(cl *call, id int, r *ops.OSDUpdateRequest) (any, error) {
			return nothing(c.OSDs.SetDeviceClass(cl.ctx(), id, r.DeviceClass))
		})),
		// POST /api/osd/{svc_id}/destroy
		bindCall(ops.OSDDestroy, osdAction(c.OSDLifecycle.Destroy)),
		// GET /api/osd/{svc_id}/devices
		bindCall(ops.OSDDevices, osdRead(c.OSDs.Devices)),
		// GET /api/osd/{svc_id}/histogram
		bindCall(ops.OSDHistogram, osdRead(c.OSDs.Histogram)),
		// PUT /api/osd/{svc_id}/mark
		bind(ops.OSDMark, osdCall(s.osdMark)),
		// POST /api/osd/{svc_id}/purge
		bindCall(ops.OSDPurge, osdAction(c.OSDLifecycle.Purge)),
		// POST /api/osd/{svc_id}/reweight
		bind(ops.OSDReweight, osdCall(func(cl *call, id int, r *ops.OSDReweightRequest) (any, error) {
			return nothing(c.OSDs.Reweight(cl.ctx(), id, float64(r.Weight)))
		})),
		// POST /api/osd/{svc_id}/scrub
		bind(ops.OSDScrub, osdCall(func(cl *call, id int, r *ops.OSDScrubRequest) (any, error) {
			return nothing(c.OSDs.Scrub(cl.ctx(), id, r.Deep != nil && bool(*r.Deep)))
		})),

		// RBD images (controllers/rbd.py).
		// GET /api/block/image
		bind(ops.RBDImageList, s.rbdList),
		// POST /api/block/image
		bind(ops.RBDImageCreate, s.rbdCreate),
		// GET /api/block/image/{image_spec}
		bind(ops.RBDImageGet, func(cl *call, r *ops.RBDImageGetRequest) (any, error) {
			spec, err := rbdSpec(r.ImageSpec)
			if err != nil {
				return nil, err
			}
			return c.RBD.Images.Get(cl.ctx(), spec)
		}),
		// PUT /api/block/image/{image_spec}
		bind(ops.RBDImageUpdate, s.rbdUpdate),
		// DELETE /api/block/image/{image_spec}
		bind(ops.RBDImageDelete, func(_ *call, r *ops.RBDImageDeleteRequest) (any, error) {
			spec, err := rbdSpec(r.ImageSpec)
			if err != nil {
				return nil, err
			}
			return later(func(ctx context.Context) (any, error) { return nothing(s.rbdDelete(ctx, spec)) }), nil
		}),
		// GET /ui-api/block/rbd/status
		bindCall(ops.RBDStatus, s.rbdStatus),
		// GET /api/block/image/default_features
		bindCall(ops.RBDImageDefaultFeatures, get(c.RBD.Images.DefaultFeatures)),
		// GET /api/block/image/clone_format_version
		bindCall(ops.RBDImageCloneFormatVersion, get(c.RBD.Images.CloneFormat)),
		// POST /api/block/image/{image_spec}/copy
		bind(ops.RBDImageCopy, s.rbdCopy),
		// POST /api/block/image/{image_spec}/flatten
		bind(ops.RBDImageFlatten, func(_ *call, r *ops.RBDImageFlattenRequest) (any, error) {
			return rbdLater(r.ImageSpec, func(ctx context.Context, spec rbd.ImageSpec) error { return c.RBD.Images.Flatten(ctx, spec) })
		}),
		// PUT /api/block/image/{image_spec}/snap/{snapshot_name}
		bind(ops.RBDSnapUpdate, s.rbdSnapUpdate),
		// POST /api/block/image/{image_spec}/snap/{snapshot_name}/rollback
		bind(ops.RBDSnapRollback, func(_ *call, r *ops.RBDSnapRollbackRequest) (any, error) {
			return rbdLater(r.ImageSpec, func(ctx context.Context, spec rbd.ImageSpec) error {
				return c.RBD.Snapshots.Rollback(ctx, spec, r.SnapshotName)
			})
		}),
		// POST /api/block/image/{image_spec}/snap/{snapshot_name}/clone
		bind(ops.RBDSnapClone, s.rbdClone),
		// POST /api/block/image/{image_spec}/snap
		bind(ops.RBDSnapCreate, func(_ *call, r *ops.RBDSnapCreateRequest) (any, error) {
			spec, err := rbdSpec(r.ImageSpec)
			if err != nil {
				return nil, err
			}
			mirrorSnap := deref(r.MirrorImageSnapshot)
			return later(func(ctx context.Context) (any, error) {
				// As the dashboard: a mirror snapshot when asked for one
				// of an image mirrored by snapshot, else a user snapshot.
				if mirrorSnap {
					info, err := c.RBD.Mirroring.ImageInfo(ctx, spec)
					if err != nil {
						return nil, err
					}
					if info.Enabled() && info.Mode == rbd.MirrorSnapshot {
						return nothing(c.RBD.Mirroring.CreateMirrorSnapshot(ctx, spec))
					}
				}
				return nothing(c.RBD.Snapshots.Create(ctx, spec, r.SnapshotName))
			}), nil
		}),
		// DELETE /api/block/image/{image_spec}/snap/{snapshot_name}
		bind(ops.RBDSnapDelete, func(_ *call, r *ops.RBDSnapDeleteRequest) (any, error) {
			return rbdLater(r.ImageSpec, func(ctx context.Context, spec rbd.ImageSpec) error {
				return c.RBD.Snapshots.Delete(ctx, spec, r.SnapshotName)
			})
		}),
	}, slices.Concat(s.rbdTrashBindings(), s.rbdMirrorBindings(), s.accountBindings(), s.cephfsBindings(), s.rgwBindings(), s.hostBindings(), s.uiBindings())...)
}

// rbdLater parses an {image_spec} and runs f on it as the operation's task.
func rbdLater(imageSpec string, f func(ctx context.Context, spec rbd.ImageSpec) error) (any, error) {
	spec, err := rbdSpec(imageSpec)
	if err != nil {
		return nil, err
	}
	return later(func(ctx context.Context) (any, error) { return nothing(f(ctx, spec)) }), nil
}

// bindCall binds an operation whose handler needs nothing of the request
// beyond what the call carries (health, summary, parameterless reads).
func bindCall[Req any](op ops.Op[Req], h handlerFunc) binding {
	return bind(op, func(c *call, _ *Req) (any, error) { return h(c) })
}
