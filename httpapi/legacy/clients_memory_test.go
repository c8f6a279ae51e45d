package legacy_test

import (
	"net/http"
	"testing"

	"github.com/cephapi/cephapi/httpapi/legacy"
	"github.com/cephapi/cephapi/transport/memory"
)

// memoryAbsent are the fields Metricbeat reads that the memory transport's
// answers leave out: those of cephAbsent, and the model has no clocks
// between monitors (no time check round) and no PG map version.
var memoryAbsent = cephAbsent.with(absentByDesign{
	"cluster_health:output.timechecks.round":        "the model has no time check rounds (no time-sync-status)",
	"cluster_health:output.timechecks.round_status": "the model has no time check rounds (no time-sync-status)",
	"monitor_health:output.timechecks.round":        "the model has no time check rounds (no time-sync-status)",
	"monitor_health:output.timechecks.round_status": "the model has no time check rounds (no time-sync-status)",
	"cluster_status:output.pgmap.version":           "the model has no PG map version (no pg dump)",
})

func memoryHandler() http.Handler {
	c := memory.New()
	return http.StripPrefix("/api/v0.1", legacy.New(c.Commands, nil))
}

func TestMetricbeatReplayMemory(t *testing.T) {
	replayMetricbeat(t, memoryHandler(), memoryAbsent)
}

func TestPythonCephclientReplayMemory(t *testing.T) {
	// With a file system, as the mds methods are for: mds dump answers
	// the legacy client's file system, and there is none without one.
	c := memory.New(memory.WithFileSystem("cephfs"))
	replayPython(t, http.StripPrefix("/api/v0.1", legacy.New(c.Commands, nil)), true, nil)
}
