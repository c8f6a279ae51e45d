package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
)

// taskRef is the body of a 202: the task's name and metadata.
type taskRef struct {
	Name     string          `json:"name"`
	Metadata json.RawMessage `json:"metadata"`
}

type taskInfo struct {
	Name      string          `json:"name"`
	Metadata  json.RawMessage `json:"metadata"`
	Success   *bool           `json:"success"`
	RetValue  json.RawMessage `json:"ret_value"`
	Exception json.RawMessage `json:"exception"`
}

type taskList struct {
	Executing []taskInfo `json:"executing_tasks"`
	Finished  []taskInfo `json:"finished_tasks"`
}

// sameJSON compares two JSON documents by value (key order and spacing do
// not matter).
func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(bytes.TrimSpace(a), bytes.TrimSpace(b))
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}

// waitTask follows the task a 202 named: it polls GET /api/task?name=...
// until a task with that name and metadata has finished, honouring ctx,
// and returns its ret_value or its error (the task's exception with the
// same code table as an error body).
func (c *client) waitTask(ctx context.Context, r *request, accepted *response) ([]byte, error) {
	var ref taskRef
	if err := json.Unmarshal(accepted.body, &ref); err != nil || ref.Name == "" {
		return nil, &ceph.Error{Code: ceph.Internal, Component: r.op.Component, Detail: "202 without a task name", Err: c.respErr(r, accepted)}
	}
	poll, err := c.newRequest(ops.TaskList.Operation, &ops.TaskListRequest{Name: ref.Name})
	if err != nil {
		return nil, err
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	missing := 0
	for {
		select {
		case <-ctx.Done():
			return nil, ceph.CheckContext(ctx, r.op.Component)
		case <-timer.C:
		}
		var tl taskList
		if _, err := c.do(ctx, poll, &tl); err != nil {
			return nil, err
		}
		running := false
		for _, t := range tl.Executing {
			if t.Name == ref.Name && sameJSON(t.Metadata, ref.Metadata) {
				running = true
				break
			}
		}
		if !running {
			// Finished tasks are listed newest first.
			for _, t := range tl.Finished {
				if t.Name != ref.Name || !sameJSON(t.Metadata, ref.Metadata) {
					continue
				}
				if t.Success != nil && *t.Success {
					return t.RetValue, nil
				}
				return nil, c.taskError(r, ref.Name, t.Exception)
			}
			// Neither executing nor finished: the list may lag behind the
			// 202 for a moment; give it a few polls.
			if missing++; missing > 3 {
				return nil, ceph.Errorf(ceph.Internal, r.op.Component, "task %s %s is neither executing nor finished", ref.Name, ref.Metadata)
			}
		}
		timer.Reset(c.pollInterval)
	}
}

// taskError turns a failed task's exception ({detail, code, component,
// status}) into *ceph.Error.
func (c *client) taskError(r *request, name string, exc json.RawMessage) error {
	var b errorBody
	_ = json.Unmarshal(exc, &b)
	status := 500
	switch s := b.Status.(type) {
	case float64:
		status = int(s)
	case string:
		if n, ok := leadingInt(s); ok {
			status = n
		}
	}
	if scalar(b.Detail) == "" {
		b.Detail = "task " + name + " failed"
	}
	return bodyError(status, &b, r.op.Component, &TaskError{Name: name, Exception: exc}, exc)
}

// TaskError is the native cause of a failed dashboard task: its name and
// its exception document, reachable with errors.As.
type TaskError struct {
	Name      string
	Exception json.RawMessage
}

func (e *TaskError) Error() string { return "task " + e.Name + " failed: " + string(e.Exception) }

func leadingInt(s string) (int, bool) {
	n, i := 0, 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n, i > 0
}
