package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"github.com/cephapi/cephapi/ceph"
)

// Finished tasks are kept as the dashboard's TaskManager keeps them, the
// FinishedTaskSize most recent ones always and older ones for
// FinishedTaskTTL, but never more than FinishedTaskMax: the dashboard has
// no such cap, and a create/delete load left tens of thousands of them
// (and a list of megabytes) behind.
const (
	FinishedTaskSize = 10
	FinishedTaskTTL  = 60 * time.Second
	FinishedTaskMax  = 1000
)

type task struct {
	name     string
	metadata map[string]any
	key      string
	begin    time.Time

	done chan struct{}
	// Set before done is closed.
	end time.Time
	ret any
	err error
}

func (t *task) wait(ctx context.Context, d time.Duration) bool {
	select {
	case <-t.done:
		return true
	default:
	}
	if d <= 0 {
		return false
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-t.done:
		return true
	case <-timer.C:
		return false
	case <-ctx.Done():
		return false
	}
}

func (t *task) result() (any, error) { <-t.done; return t.ret, t.err }

type taskManager struct {
	now func() time.Time
	log *slog.Logger

	mu        sync.Mutex
	executing map[string]*task
	// finished is in the order the tasks ended, oldest first: a task is
	// appended when it ends and dropped from the front, so keeping the
	// list costs O(1) per task.
	finished []*task
	// gen changes with every change of the lists (a task starts, ends or
	// is dropped), so an answer built from them can be reused until then.
	gen uint64
}

// generation returns the generation of the task lists, after dropping the
// finished tasks that are too old.
func (m *taskManager) generation() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cleanupLocked()
	return m.gen
}

func newTaskManager(now func() time.Time, log *slog.Logger) *taskManager {
	return &taskManager{now: now, log: log, executing: map[string]*task{}}
}

func taskKey(name string, meta map[string]any) string {
	b, _ := json.Marshal(meta) // map keys are sorted
	return name + "\x00" + string(b)
}

// run starts fn as task name/meta, or returns the executing task with the
// same name and metadata (the dashboard's TaskManager.run does the same, so
// a repeated request joins the running task instead of doing it twice).
func (m *taskManager) run(name string, meta map[string]any, ctx context.Context, cancel context.CancelFunc, fn func(context.Context) (any, error)) *task {
	if meta == nil {
		meta = map[string]any{}
	}
	key := taskKey(name, meta)
	m.mu.Lock()
	if t, ok := m.executing[key]; ok {
		m.mu.Unlock()
		cancel()
		return t
	}
	t := &task{name: name, metadata: meta, key: key, begin: m.now(), done: make(chan struct{})}
	m.executing[key] = t
	m.gen++
	m.mu.Unlock()

	go func() {
		defer cancel()
		var ret any
		var err error
		func() {
			defer func() {
				if v := recover(); v != nil {
					m.log.Error("panic in task", "task", name, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
					err = &ceph.Error{Code: ceph.Internal, Detail: "Internal server error"}
				}
			}()
			ret, err = fn(ctx)
		}()
		m.mu.Lock()
		t.ret, t.err, t.end = ret, err, m.now()
		delete(m.executing, key)
		m.finished = append(m.finished, t)
		m.gen++
		m.cleanupLocked()
		m.mu.Unlock()
		close(t.done)
	}()
	return t
}

// cleanupLocked drops the finished tasks beyond the limits, oldest first.
func (m *taskManager) cleanupLocked() {
	now := m.now()
	drop := 0
	for n := len(m.finished); drop < n; drop++ {
		left, t := n-drop, m.finished[drop]
		if left <= FinishedTaskSize || left <= FinishedTaskMax && now.Sub(t.end) < FinishedTaskTTL {
			break
		}
	}
	if drop == 0 {
		return
	}
	clear(m.finished[:drop]) // let the collector have them
	m.finished = m.finished[drop:]
	m.gen++
}

// TaskInfo is a task as GET /api/task lists it (the dashboard's
// TaskManager.list_serializable). Executing tasks have no end_time,
// duration, success, ret_value or exception.
type TaskInfo struct {
	Name      string         `json:"name"`
	Metadata  map[string]any `json:"metadata"`
	BeginTime string         `json:"begin_time"`
	EndTime   string         `json:"end_time,omitempty"`
	Duration  *float64       `json:"duration,omitempty"`
	Progress  int            `json:"progress"`
	Success   *bool          `json:"success,omitempty"`
	RetValue  any            `json:"ret_value"`
	Exception any            `json:"exception"`
	executing bool
	sortTime  time.Time
}

// MarshalJSON leaves out the fields an executing task does not have.
func (t TaskInfo) MarshalJSON() ([]byte, error) {
	if t.executing {
		return json.Marshal(struct {
			Name      string         `json:"name"`
			Metadata  map[string]any `json:"metadata"`
			BeginTime string         `json:"begin_time"`
			Progress  int            `json:"progress"`
		}{t.Name, t.Metadata, t.BeginTime, t.Progress})
	}
	type plain TaskInfo
	return json.Marshal(plain(t))
}

// TaskList is the body of GET /api/task.
type TaskList struct {
	Executing []TaskInfo `json:"executing_tasks"`
	Finished  []TaskInfo `json:"finished_tasks"`
}

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000") + "Z" }

// list returns the tasks whose name matches the glob (all when empty),
// newest first, keeping those keep accepts.
func (m *taskManager) list(glob string, keep func(name string) bool) TaskList {
	match := func(name string) bool {
		if glob == "" {
			return true
		}
		ok, err := path.Match(glob, name)
		return err == nil && ok || glob == name
	}
	out := TaskList{Executing: []TaskInfo{}, Finished: []TaskInfo{}}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cleanupLocked()
	for _, t := range m.executing {
		if !match(t.name) || (keep != nil && !keep(t.name)) {
			continue
		}
		out.Executing = append(out.Executing, TaskInfo{
			Name: t.name, Metadata: t.metadata, BeginTime: isoTime(t.begin), executing: true, sortTime: t.begin,
		})
	}
	for i := len(m.finished) - 1; i >= 0; i-- { // newest first
		t := m.finished[i]
		if !match(t.name) || (keep != nil && !keep(t.name)) {
			continue
		}
		d := t.end.Sub(t.begin).Seconds()
		ok := t.err == nil
		ti := TaskInfo{
			Name: t.name, Metadata: t.metadata, BeginTime: isoTime(t.begin), EndTime: isoTime(t.end),
			Duration: &d, Success: &ok, sortTime: t.end,
		}
		if ok {
			// A failed task keeps its last progress (0: we do not report
			// progress), as the dashboard shows it.
			ti.Progress = 100
			ti.RetValue = t.ret
		} else {
			ce := ceph.AsError(t.err)
			st := ce.Code.HTTPStatus()
			exc := map[string]any{"detail": ce.Detail, "code": ce.WireCode(), "component": nil,
				"status": st, "status_text": http.StatusText(st)}
			if ce.Detail == "" {
				exc["detail"] = ce.Error()
			}
			if ce.Component != "" {
				exc["component"] = ce.Component
			}
			ti.Exception = exc
		}
		out.Finished = append(out.Finished, ti)
	}
	sort.Slice(out.Executing, func(i, j int) bool { return out.Executing[i].sortTime.After(out.Executing[j].sortTime) })
	return out
}
