package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
	"github.com/cephapi/cephapi/osd"
)

func (c *call) osdID() (int, error) { return osd.ParseID(c.r.PathValue("svc_id")) }

// osdRead builds a read of one OSD named by {svc_id}.
func osdRead[T any](f func(ctx context.Context, id int) (T, error)) handlerFunc {
	return func(c *call) (any, error) {
		id, err := c.osdID()
		if err != nil {
			return nil, err
		}
		v, err := f(c.ctx(), id)
		if err != nil {
			return nil, err
		}
		// memoized: a caching transport returns the same value again
		return &memoized{src: v}, nil
	}
}

// osdAction builds a bodyless action on one OSD (purge, destroy).
func osdAction(f func(ctx context.Context, id int) error) handlerFunc {
	return func(c *call) (any, error) {
		id, err := c.osdID()
		if err != nil {
			return nil, err
		}
		return nothing(f(c.ctx(), id))
	}
}

// osdCall builds the binding of an operation on one OSD ({svc_id}).
func osdCall[Req any](f func(c *call, id int, r *Req) (any, error)) func(*call, *Req) (any, error) {
	return func(c *call, r *Req) (any, error) {
		id, err := c.osdID()
		if err != nil {
			return nil, err
		}
		return f(c, id, r)
	}
}

// osdMark marks one OSD in, out, down or lost. The dashboard ignores an
// unknown action (and answers 200); we answer 400.
func (s *Server) osdMark(c *call, id int, r *ops.OSDMarkRequest) (any, error) {
	a, err := osd.ParseMarkAction(r.Action)
	if err != nil {
		return nil, err
	}
	return nothing(s.client.OSDs.Mark(c.ctx(), []int{id}, a))
}

func (s *Server) osdDelete(c *call, r *ops.OSDDeleteRequest) (any, error) {
	id, err := c.osdID()
	if err != nil {
		return nil, err
	}
	opts := osd.DeleteOptions{PreserveID: r.PreserveID != nil && bool(*r.PreserveID), Force: r.Force != nil && bool(*r.Force)}
	return later(func(ctx context.Context) (any, error) {
		return nothing(s.client.OSDLifecycle.Delete(ctx, id, &opts))
	}), nil
}

// The body of POST /api/osd: only the "bare" method is served: it creates
// an OSD id placed under data.host (our addition; the dashboard's bare
// creation takes uuid and svc_id only). The orchestrator methods
// (drive_groups, predefined) answer 501.
type osdBareData struct {
	UUID        string     `json:"uuid"`
	SvcID       *ops.Int   `json:"svc_id"`
	Host        string     `json:"host"`
	Weight      *ops.Float `json:"weight"`
	DeviceClass string     `json:"device_class"`
}

func (s *Server) osdCreate(c *call, b *ops.OSDCreateRequest) (any, error) {
	switch b.Method {
	case "bare":
	case "drive_groups", "predefined":
		return nil, ceph.Errorf(ceph.Unimplemented, "osd", "OSD creation method %q needs an orchestrator, which this server does not have", b.Method)
	default:
		return nil, ceph.Errorf(ceph.InvalidArgument, "osd", "Unknown method: %s", b.Method)
	}
	var d osdBareData
	dec := json.NewDecoder(strings.NewReader(string(b.Data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, bodyError(err)
	}
	opts := &osd.CreateOptions{UUID: d.UUID, Host: d.Host, DeviceClass: d.DeviceClass}
	if d.Weight != nil {
		opts.Weight = float64(*d.Weight)
	}
	return later(func(ctx context.Context) (any, error) {
		id, err := s.client.OSDLifecycle.Create(ctx, opts)
		if err != nil {
			return nil, err
		}
		return map[string]any{"result": id, "svc_id": id, "uuid": d.UUID}, nil
	}), nil
}

// parseIDs reads OSD ids given as JSON (3 or [1,2]) or as a comma list.
func parseIDs(name, s string) ([]int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, missing(name)
	}
	var one json.Number
	var many []json.Number
	var raw []string
	switch {
	case json.Unmarshal([]byte(s), &many) == nil:
		for _, n := range many {
			raw = append(raw, n.String())
		}
	case json.Unmarshal([]byte(s), &one) == nil:
		raw = []string{one.String()}
	default:
		raw = splitList(s)
	}
	ids := make([]int, 0, len(raw))
	for _, r := range raw {
		id, err := osd.ParseID(r)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, missing(name)
	}
	return ids, nil
}

// osdFlagsSetIndividual considers only noin, noout, noup and nodown with a
// non-null value, as the dashboard does.
func (s *Server) osdFlagsSetIndividual(c *call, b *ops.OSDFlagsIndividualSetRequest) (any, error) {
	flags := map[string]bool{}
	for k, v := range b.Flags {
		if v == nil {
			continue
		}
		for _, known := range osd.IndividualFlags {
			if k == known {
				flags[k] = *v
			}
		}
	}
	return s.client.OSDFlags.SetIndividual(c.ctx(), b.IDs, flags)
}

// osdList is GET /api/osd. Without paging parameters it is the Pacific
// answer (every OSD, memoized while the transport's list is the same);
// with any of offset, limit, search and sort it is one page, sorted, and
// the number of OSDs that matched in X-Total-Count, as newer dashboards
// answer.
func (s *Server) osdList(c *call, r *ops.OSDListRequest) (any, error) {
	list, err := s.client.OSDs.List(c.ctx())
	if err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	if !q.Has("offset") && !q.Has("limit") && !q.Has("search") && !q.Has("sort") {
		return &memoized{src: list}, nil
	}
	opts := &osd.ListOptions{Search: r.Search, Sort: r.Sort}
	if r.Offset != nil {
		if *r.Offset < 0 {
			return nil, ceph.Errorf(ceph.InvalidArgument, "osd", "offset must not be negative")
		}
		opts.Offset = int(*r.Offset)
	}
	if r.Limit != nil {
		if *r.Limit < 0 {
			return nil, ceph.Errorf(ceph.InvalidArgument, "osd", "limit must not be negative")
		}
		opts.Limit = int(*r.Limit)
	}
	if by, _ := ceph.SortOrder(opts.Sort); by != "" && !slices.Contains(osd.SortFields, by) {
		return nil, ceph.Errorf(ceph.InvalidArgument, "osd", "cannot sort by %q: sort by one of %s", by, strings.Join(osd.SortFields, ", "))
	}
	page, total := opts.PageIndices(list)
	return &response{header: http.Header{"X-Total-Count": {strconv.Itoa(total)}}, body: &memoizedPick{src: list, pick: page}}, nil
}
