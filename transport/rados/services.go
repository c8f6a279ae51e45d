package rados

import (
	"time"

	"github.com/cephapi/cephapi"
)

// newServices fills a Client with the command-based services on r (every
// service but RBD images, which need librbd).
func newServices(r *runner, schema *schemaCache) *cephapi.Client {
	return &cephapi.Client{
		Health:              health{r},
		Monitors:            monitors{r},
		Pools:               pools{r: r},
		CrushRules:          crushRules{r},
		ErasureCodeProfiles: ecProfiles{r},
		Config:              config{r: r, schema: schema},
		MgrModules:          mgrModules{r},
		Logs:                logs{r},
		PerfCounters:        &perfCounters{r: r, last: map[string]perfSample{}, now: time.Now},
		OSDs:                osds{r},
		OSDFlags:            flags{r},
		OSDLifecycle:        lifecycle{r: r, newUUID: newUUIDFunc},
		Commands:            commands{r},
	}
}
