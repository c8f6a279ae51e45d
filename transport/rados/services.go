package rados

import (
	"time"

	"github.com/cephapi/cephapi"
)

// newServices fills a Client with the command-based services on r (every
// service but RBD images, which need librbd).
func newServices(r *runner) *cephapi.Client {
	return &cephapi.Client{
		Health:              health{r},
		Monitors:            monitors{r},
		Pools:               pools{r},
		CrushRules:          crushRules{r},
		ErasureCodeProfiles: ecProfiles{r},
		Config:              config{r: r, schema: &schemaCache{}},
		MgrModules:          mgrModules{r},
		Logs:                logs{r},
		PerfCounters:        &perfCounters{r: r, last: map[string]perfSample{}, now: time.Now},
		OSDs:                osds{r},
		OSDFlags:            flags{r},
		OSDLifecycle:        lifecycle{r: r, newUUID: newUUIDFunc},
		Commands:            commands{r},
	}
}
