package rados

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/cephapi/cephapi/ceph"
)

// monitors reads the quorum with `quorum_status` and the leader's own
// `mon_status`, and each monitor's session count (its mon.num_sessions
// counter, as the dashboard shows it) with `perf dump`.
type monitors struct {
	r *runner
	ceph.UnimplementedMonitors
	sessions *sessionHistory
}

// sessionHistory keeps the recent num_sessions samples of each monitor,
// as the manager keeps a counter's recent values: at most
// sessionSamples, one per sessionInterval (a newer reading within the
// interval replaces the last one).
type sessionHistory struct {
	mu      sync.Mutex
	samples map[string][][2]float64
}

const (
	sessionSamples  = 20
	sessionInterval = 5 * time.Second
)

func (h *sessionHistory) add(name string, at time.Time, v float64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.samples == nil {
		h.samples = map[string][][2]float64{}
	}
	s := h.samples[name]
	t := float64(at.UnixNano()) / 1e9
	if n := len(s); n > 0 && t-s[n-1][0] < sessionInterval.Seconds() {
		s[n-1] = [2]float64{t, v}
	} else {
		s = append(s, [2]float64{t, v})
	}
	if len(s) > sessionSamples {
		s = slices.Delete(s, 0, len(s)-sessionSamples)
	}
	h.samples[name] = s
}

// series returns the samples of name as [[time, value], ...] ([] for none).
func (h *sessionHistory) series(name string) []any {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]any, 0, len(h.samples[name]))
	for _, p := range h.samples[name] {
		out = append(out, []any{p[0], p[1]})
	}
	return out
}

var _ ceph.Monitors = monitors{}

func report(st *ceph.MonStatus) *ceph.MonitorReport {
	in := map[int]bool{}
	for _, r := range st.Quorum {
		in[r] = true
	}
	rep := &ceph.MonitorReport{MonStatus: *st, InQuorum: []ceph.MonInfo{}, OutQuorum: []ceph.MonInfo{}}
	for _, m := range st.MonMap.Mons {
		if in[m.Rank] {
			rep.InQuorum = append(rep.InQuorum, m)
		} else {
			rep.OutQuorum = append(rep.OutQuorum, m)
		}
	}
	return rep
}

// numSessions reads one monitor's mon.num_sessions counter.
func (m monitors) numSessions(ctx context.Context, name string) (float64, error) {
	cmd := encode("perf dump", "json", args{"logger": "mon", "counter": "num_sessions"})
	out, _, err := m.r.read(ctx, "monitor", "perf dump", func() ([]byte, string, error) {
		return m.r.c.MonCommandTarget(name, [][]byte{cmd})
	})
	if err != nil {
		return 0, err
	}
	var d struct {
		Mon struct {
			NumSessions *float64 `json:"num_sessions"`
		} `json:"mon"`
	}
	if err := jsonUnmarshal(out, &d); err != nil {
		return 0, badReply("monitor", "perf dump mon num_sessions", err)
	}
	if d.Mon.NumSessions == nil {
		return 0, badReply("monitor", "perf dump mon num_sessions", errors.New("no mon.num_sessions counter"))
	}
	return *d.Mon.NumSessions, nil
}

func (m monitors) Status(ctx context.Context) (*ceph.MonitorReport, error) {
	return cached(ctx, m.r.cache, "monitor", "monitor/status", m.status)
}

func (m monitors) status(ctx context.Context) (*ceph.MonitorReport, error) {
	st, err := m.r.monStatus(ctx, "monitor")
	if err != nil {
		return nil, err
	}
	if m.sessions != nil {
		in := map[int]bool{}
		for _, r := range st.Quorum {
			in[r] = true
		}
		for i := range st.MonMap.Mons {
			mon := &st.MonMap.Mons[i]
			if in[mon.Rank] {
				// a monitor that does not answer keeps its last samples
				if v, err := m.numSessions(ctx, mon.Name); err == nil {
					m.sessions.add(mon.Name, time.Now(), v)
				} else if cerr := ceph.CheckContext(ctx, "monitor"); cerr != nil {
					return nil, cerr
				}
			}
			if mon.Stats == nil {
				mon.Stats = map[string]any{}
			}
			mon.Stats["num_sessions"] = m.sessions.series(mon.Name)
		}
	}
	return report(st), nil
}
