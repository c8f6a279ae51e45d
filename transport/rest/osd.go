package rest

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
	"github.com/cephapi/cephapi/osd"
)

var (
	_ osd.OSDs      = osdsService{}
	_ osd.Flags     = flagsService{}
	_ osd.Lifecycle = lifecycleService{}
)

func idArg(id int) string { return strconv.Itoa(id) }

type osdsService struct {
	c *client
	osd.UnimplementedOSDs
}

func (s osdsService) List(ctx context.Context) ([]osd.OSD, error) {
	l, err := get[[]osd.OSD](ctx, s.c, ops.OSDList, nil)
	if err != nil {
		return nil, err
	}
	return *l, nil
}

func (s osdsService) Get(ctx context.Context, id int) (*osd.Details, error) {
	d, err := get[osd.Details](ctx, s.c, ops.OSDGet, &ops.OSDGetRequest{SvcID: idArg(id)})
	if err != nil && ceph.CodeOf(err) == ceph.Internal {
		// The real dashboard answers a generic 500 for an OSD that does
		// not exist; tell that case apart by listing.
		return nil, s.notFoundOr(ctx, id, err)
	}
	return d, err
}

// notFoundOr returns NotFound when osd.id is not in the OSD list, else err.
func (s osdsService) notFoundOr(ctx context.Context, id int, err error) error {
	l, lerr := s.List(ctx)
	if lerr != nil {
		return err
	}
	for _, o := range l {
		if o.ID == id {
			return err
		}
	}
	return &ceph.Error{Code: ceph.NotFound, Component: "osd", Detail: fmt.Sprintf("osd.%d does not exist", id), Err: native(err)}
}

// Tree reads the CRUSH tree from the dashboard's UI helper
// GET /ui-api/crush_rule/info (its "nodes" are `osd tree`'s). A server
// without it (our httpapi) answers 404: Unimplemented.
func (s osdsService) Tree(ctx context.Context) (*osd.Tree, error) {
	var out struct {
		Nodes []osd.TreeNode `json:"nodes"`
	}
	if _, err := send(ctx, s.c, ops.CrushRuleInfo, nil, &out); err != nil {
		if ceph.CodeOf(err) == ceph.NotFound {
			return nil, &ceph.Error{Code: ceph.Unimplemented, Component: "osd", Detail: "the server offers no CRUSH tree (GET ui-api/crush_rule/info)", Err: native(err)}
		}
		return nil, err
	}
	return &osd.Tree{Nodes: out.Nodes}, nil
}

// Mark marks each OSD with PUT /api/osd/{id}/mark (one OSD per call).
func (s osdsService) Mark(ctx context.Context, ids []int, action osd.MarkAction) error {
	for _, id := range ids {
		if err := exec(ctx, s.c, ops.OSDMark, &ops.OSDMarkRequest{SvcID: idArg(id), Action: string(action)}); err != nil {
			return err
		}
	}
	return nil
}

func (s osdsService) Reweight(ctx context.Context, id int, weight float64) error {
	return exec(ctx, s.c, ops.OSDReweight, &ops.OSDReweightRequest{SvcID: idArg(id), Weight: ops.Float(weight)})
}

func (s osdsService) Scrub(ctx context.Context, id int, deep bool) error {
	return exec(ctx, s.c, ops.OSDScrub, &ops.OSDScrubRequest{SvcID: idArg(id), Deep: new(ops.Bool(deep))})
}

func (s osdsService) SetDeviceClass(ctx context.Context, id int, class string) error {
	return exec(ctx, s.c, ops.OSDUpdate, &ops.OSDUpdateRequest{SvcID: idArg(id), DeviceClass: class})
}

func (s osdsService) Devices(ctx context.Context, id int) ([]osd.Device, error) {
	l, err := get[[]osd.Device](ctx, s.c, ops.OSDDevices, &ops.OSDDevicesRequest{SvcID: idArg(id)})
	if err != nil {
		return nil, err
	}
	return *l, nil
}

func (s osdsService) Histogram(ctx context.Context, id int) (*osd.Histogram, error) {
	return get[osd.Histogram](ctx, s.c, ops.OSDHistogram, &ops.OSDHistogramRequest{SvcID: idArg(id)})
}

func (s osdsService) Settings(ctx context.Context) (*osd.Settings, error) {
	return get[osd.Settings](ctx, s.c, ops.OSDSettings, nil)
}

type flagsService struct {
	c *client
	osd.UnimplementedFlags
}

func (s flagsService) List(ctx context.Context) ([]string, error) {
	l, err := get[[]string](ctx, s.c, ops.OSDFlagsList, nil)
	if err != nil {
		return nil, err
	}
	return *l, nil
}

func (s flagsService) Set(ctx context.Context, flags []string) ([]string, error) {
	if flags == nil {
		flags = []string{}
	}
	var out []string
	if _, err := send(ctx, s.c, ops.OSDFlagsSet, &ops.OSDFlagsSetRequest{Flags: flags}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func (s flagsService) Individual(ctx context.Context) ([]osd.IndividualFlagState, error) {
	l, err := get[[]osd.IndividualFlagState](ctx, s.c, ops.OSDFlagsIndividual, nil)
	if err != nil {
		return nil, err
	}
	return *l, nil
}

func (s flagsService) SetIndividual(ctx context.Context, ids []int, flags map[string]bool) (*osd.IndividualFlagsResult, error) {
	// The dashboard ignores flags other than noup, nodown, noin and noout;
	// the validated layer has refused them already.
	req := &ops.OSDFlagsIndividualSetRequest{Flags: make(map[string]*bool, len(flags)), IDs: ids}
	for k, v := range flags {
		req.Flags[k] = new(v)
	}
	var out osd.IndividualFlagsResult
	if _, err := send(ctx, s.c, ops.OSDFlagsIndividualSet, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

type lifecycleService struct {
	c *client
	osd.UnimplementedLifecycle
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Create is POST /api/osd with method "bare". The dashboard's bare
// creation needs a uuid and an svc_id (it runs `osd create <id> <uuid>`);
// the id asked for is the lowest free one. host, weight and device_class
// are this project's additions (the dashboard ignores them).
func (s lifecycleService) Create(ctx context.Context, opts *osd.CreateOptions) (int, error) {
	if opts == nil {
		opts = &osd.CreateOptions{}
	}
	uuid := opts.UUID
	if uuid == "" {
		uuid = newUUID()
	}
	osds, err := osdsService{c: s.c}.List(ctx)
	if err != nil {
		return 0, err
	}
	used := map[int]bool{}
	for _, o := range osds {
		used[o.ID] = true
	}
	svcID := 0
	for used[svcID] {
		svcID++
	}
	data := map[string]any{"uuid": uuid, "svc_id": svcID, "host": opts.Host}
	if opts.Weight != 0 {
		data["weight"] = opts.Weight
	}
	if opts.DeviceClass != "" {
		data["device_class"] = opts.DeviceClass
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return 0, &ceph.Error{Code: ceph.InvalidArgument, Component: "osd", Detail: err.Error(), Err: err}
	}
	body := &ops.OSDCreateRequest{Method: "bare", Data: raw, TrackingID: "cephapi-" + uuid}
	var out struct {
		Result json.RawMessage `json:"result"`
		SvcID  *int            `json:"svc_id"`
	}
	if _, err := send(ctx, s.c, ops.OSDCreate, body, &out); err != nil {
		return 0, err
	}
	id, ok := createdID(out.Result)
	if !ok {
		if out.SvcID == nil {
			return 0, ceph.Errorf(ceph.Internal, "osd", "the OSD creation answer carries no id")
		}
		id = *out.SvcID
	}
	if opts.Host != "" {
		if err := s.checkPlaced(ctx, id, opts.Host); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// createdID reads the id `osd create` answered: a number, a numeric string
// or {"osdid": N}.
func createdID(raw json.RawMessage) (int, bool) {
	var id int
	if err := json.Unmarshal(raw, &id); err == nil {
		return id, true
	}
	var sid string
	if err := json.Unmarshal(raw, &sid); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(sid)); err == nil {
			return n, true
		}
	}
	var obj struct {
		OSDID *int `json:"osdid"`
	}
	if err := json.Unmarshal(raw, &obj); err == nil && obj.OSDID != nil {
		return *obj.OSDID, true
	}
	return 0, false
}

// checkPlaced makes sure the new OSD sits under host in the CRUSH map. The
// real dashboard's bare creation only allocates the id (`osd create`) and
// ignores the host; then the OSD (new, never up) is purged again and the
// call is Unimplemented. A server without a CRUSH tree endpoint (our
// httpapi, which places the OSD) is trusted.
func (s lifecycleService) checkPlaced(ctx context.Context, id int, host string) error {
	tree, err := osdsService{c: s.c}.Tree(ctx)
	if ceph.CodeOf(err) == ceph.Unimplemented {
		return nil
	}
	if err != nil {
		return err
	}
	for _, n := range tree.Nodes {
		if n.Name == host && n.ID < 0 && slices.Contains(n.Children, id) {
			return nil
		}
	}
	if perr := s.Purge(ctx, id); perr != nil {
		return ceph.Errorf(ceph.Internal, "osd", "osd.%d was created but not placed under host %s, and purging it failed: %v", id, host, perr)
	}
	return ceph.Errorf(ceph.Unimplemented, "osd", "the server's OSD creation does not place the OSD under a host (osd.%d was created and purged again)", id)
}

func idsJSON(ids []int) string {
	b, _ := json.Marshal(ids)
	return string(b)
}

func (s lifecycleService) SafeToDestroy(ctx context.Context, ids []int) (*osd.SafeToDestroyReport, error) {
	return get[osd.SafeToDestroyReport](ctx, s.c, ops.OSDSafeToDestroy, &ops.OSDSafeToDestroyRequest{IDs: idsJSON(ids)})
}

// SafeToDelete needs an orchestrator on the real dashboard (503
// orchestrator_status_unavailable without one): that is Unimplemented here.
func (s lifecycleService) SafeToDelete(ctx context.Context, ids []int) (*osd.SafeToDeleteReport, error) {
	r, err := get[osd.SafeToDeleteReport](ctx, s.c, ops.OSDSafeToDelete, &ops.OSDSafeToDeleteRequest{SvcIDs: idsJSON(ids)})
	return r, orchestratorUnimplemented(err)
}

// orchestratorUnimplemented turns the dashboard's "no orchestrator" answer
// into Unimplemented: the server cannot do it, whatever the caller does.
func orchestratorUnimplemented(err error) error {
	var ce *ceph.Error
	if err != nil && errors.As(err, &ce) && ce.Component == "orchestrator" && strings.HasPrefix(ce.Reason, "orchestrator_") {
		return &ceph.Error{Code: ceph.Unimplemented, Component: "osd", Detail: "the server has no orchestrator: " + ce.Detail, Reason: ce.Reason, Err: native(err)}
	}
	return err
}

func (s lifecycleService) Destroy(ctx context.Context, id int) error {
	return exec(ctx, s.c, ops.OSDDestroy, &ops.OSDDestroyRequest{SvcID: idArg(id)})
}

func (s lifecycleService) Purge(ctx context.Context, id int) error {
	return exec(ctx, s.c, ops.OSDPurge, &ops.OSDPurgeRequest{SvcID: idArg(id)})
}

func (s lifecycleService) Delete(ctx context.Context, id int, opts *osd.DeleteOptions) error {
	req := &ops.OSDDeleteRequest{SvcID: idArg(id)}
	if opts != nil && opts.PreserveID {
		req.PreserveID = new(ops.Bool(true))
	}
	if opts != nil && opts.Force {
		req.Force = new(ops.Bool(true))
	}
	return orchestratorUnimplemented(exec(ctx, s.c, ops.OSDDelete, req))
}
