package rados

import (
	"time"

	"github.com/cephapi/cephapi"
)

// newServices fills a Client with the command-based services on r (every
// service but RBD images, which need librbd).
func newServices(r *runner, schema *schemaCache) *cephapi.Client {
	return &cephapi.Client{
		Health:              health{r: r},
		Monitors:            monitors{r: r, sessions: &sessionHistory{}},
		Pools:               pools{r: r},
		CrushRules:          crushRules{r: r},
		ErasureCodeProfiles: ecProfiles{r: r},
		Config:              config{r: r, schema: schema},
		MgrModules:          mgrModules{r: r},
		Logs:                logs{r: r},
		PerfCounters:        &perfCounters{r: r, last: map[string]perfSample{}, now: time.Now},
		Hosts:               hosts{r: r},
		OSDs:                osds{r: r},
		OSDFlags:            flags{r: r},
		OSDLifecycle:        lifecycle{r: r, newUUID: newUUIDFunc},
		Commands:            commands{r: r},
	}
}
