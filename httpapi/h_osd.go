package httpapi

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/cephapi/cephapi/ceph"
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
		return f(c.ctx(), id)
	}
}

// osdAction builds a bodyless action on one OSD (purge, destroy).
func osdAction(f func(ctx context.Context, id int) error) handlerFunc {
	return func(c *call) (any, error) {
		id, err := c.osdID()
		if err != nil {
			return nil, err
		}
		if err := c.decode(&struct{}{}, true); err != nil {
			return nil, err
		}
		return nothing(f(c.ctx(), id))
	}
}

// osdWithBody builds an action on one OSD that takes a JSON body.
func osdWithBody[Req any](f func(c *call, id int, req *Req) (any, error)) handlerFunc {
	return withBody(true, func(c *call, req *Req) (any, error) {
		id, err := c.osdID()
		if err != nil {
			return nil, err
		}
		return f(c, id, req)
	})
}

func (s *Server) osdSetDeviceClass(c *call) (any, error) {
	return osdWithBody(func(c *call, id int, b *struct {
		DeviceClass *string `json:"device_class"`
	}) (any, error) {
		if b.DeviceClass == nil {
			return nil, missing("device_class")
		}
		return nothing(s.client.OSDs.SetDeviceClass(c.ctx(), id, *b.DeviceClass))
	})(c)
}

// osdMark marks one OSD in, out, down or lost. The dashboard ignores an
// unknown action (and answers 200); we answer 400.
func (s *Server) osdMark(c *call) (any, error) {
	return osdWithBody(func(c *call, id int, b *struct {
		Action *string `json:"action"`
	}) (any, error) {
		if b.Action == nil {
			return nil, missing("action")
		}
		a, err := osd.ParseMarkAction(*b.Action)
		if err != nil {
			return nil, err
		}
		return nothing(s.client.OSDs.Mark(c.ctx(), []int{id}, a))
	})(c)
}

func (s *Server) osdReweight(c *call) (any, error) {
	return osdWithBody(func(c *call, id int, b *struct {
		Weight *flexFloat `json:"weight"`
	}) (any, error) {
		if b.Weight == nil {
			return nil, missing("weight")
		}
		return nothing(s.client.OSDs.Reweight(c.ctx(), id, float64(*b.Weight)))
	})(c)
}

// osdScrub takes deep from the query (as the dashboard declares it) or the
// body.
func (s *Server) osdScrub(c *call) (any, error) {
	return osdWithBody(func(c *call, id int, b *struct {
		Deep *flexBool `json:"deep"`
	}) (any, error) {
		deep, err := c.queryBool("deep", false)
		if err != nil {
			return nil, err
		}
		if b.Deep != nil {
			deep = bool(*b.Deep)
		}
		return nothing(s.client.OSDs.Scrub(c.ctx(), id, deep))
	})(c)
}

func (s *Server) osdDelete(c *call) (any, error) {
	id, err := c.osdID()
	if err != nil {
		return nil, err
	}
	var opts osd.DeleteOptions
	if opts.PreserveID, err = c.queryBool("preserve_id", false); err != nil {
		return nil, err
	}
	if opts.Force, err = c.queryBool("force", false); err != nil {
		return nil, err
	}
	return &taskWork{
		meta: map[string]any{"svc_id": c.r.PathValue("svc_id")},
		fn: func(ctx context.Context) (any, error) {
			return nothing(s.client.OSDLifecycle.Delete(ctx, id, &opts))
		},
	}, nil
}

// osdCreateBody is the body of POST /api/osd. Only the "bare" method is
// served: it creates an OSD id placed under data.host (our addition; the
// dashboard's bare creation takes uuid and svc_id only). The orchestrator
// methods (drive_groups, predefined) answer 501.
type osdCreateBody struct {
	Method     *string         `json:"method"`
	Data       json.RawMessage `json:"data"`
	TrackingID *string         `json:"tracking_id"`
}

type osdBareData struct {
	UUID        string     `json:"uuid"`
	SvcID       *flexInt   `json:"svc_id"`
	Host        string     `json:"host"`
	Weight      *flexFloat `json:"weight"`
	DeviceClass string     `json:"device_class"`
}

func (s *Server) osdCreate(c *call) (any, error) {
	var b osdCreateBody
	if err := c.decode(&b, true); err != nil {
		return nil, err
	}
	if err := required(field{"method", b.Method != nil}, field{"data", b.Data != nil}, field{"tracking_id", b.TrackingID != nil}); err != nil {
		return nil, err
	}
	switch *b.Method {
	case "bare":
	case "drive_groups", "predefined":
		return nil, ceph.Errorf(ceph.Unimplemented, "osd", "OSD creation method %q needs an orchestrator, which this server does not have", *b.Method)
	default:
		return nil, ceph.Errorf(ceph.InvalidArgument, "osd", "Unknown method: %s", *b.Method)
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
	return &taskWork{
		meta: map[string]any{"tracking_id": *b.TrackingID},
		fn: func(ctx context.Context) (any, error) {
			id, err := s.client.OSDLifecycle.Create(ctx, opts)
			if err != nil {
				return nil, err
			}
			return map[string]any{"result": id, "svc_id": id, "uuid": d.UUID}, nil
		},
	}, nil
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

func (s *Server) osdSafeToDestroy(c *call) (any, error) {
	ids, err := parseIDs("ids", c.r.URL.Query().Get("ids"))
	if err != nil {
		return nil, err
	}
	return s.client.OSDLifecycle.SafeToDestroy(c.ctx(), ids)
}

func (s *Server) osdSafeToDelete(c *call) (any, error) {
	ids, err := parseIDs("svc_ids", c.r.URL.Query().Get("svc_ids"))
	if err != nil {
		return nil, err
	}
	return s.client.OSDLifecycle.SafeToDelete(c.ctx(), ids)
}

func (s *Server) osdFlagsSet(c *call) (any, error) {
	var b struct {
		Flags *[]string `json:"flags"`
	}
	if err := c.decode(&b, true); err != nil {
		return nil, err
	}
	if b.Flags == nil {
		return nil, missing("flags")
	}
	return s.client.OSDFlags.Set(c.ctx(), *b.Flags)
}

// osdFlagsSetIndividual considers only noin, noout, noup and nodown with a
// non-null value, as the dashboard does.
func (s *Server) osdFlagsSetIndividual(c *call) (any, error) {
	var b struct {
		Flags *map[string]*bool `json:"flags"`
		IDs   *[]int            `json:"ids"`
	}
	if err := c.decode(&b, true); err != nil {
		return nil, err
	}
	if err := required(field{"flags", b.Flags != nil}, field{"ids", b.IDs != nil}); err != nil {
		return nil, err
	}
	flags := map[string]bool{}
	for k, v := range *b.Flags {
		if v == nil {
			continue
		}
		for _, known := range osd.IndividualFlags {
			if k == known {
				flags[k] = *v
			}
		}
	}
	return s.client.OSDFlags.SetIndividual(c.ctx(), *b.IDs, flags)
}
