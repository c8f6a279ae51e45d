package rados

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
)

// lifecycle creates and removes OSDs with `osd new`, `osd crush add`,
// `osd destroy-actual` and `osd purge-actual`.
type lifecycle struct {
	osd.UnimplementedLifecycle
	r *runner
	// newUUID makes the UUID of a new OSD when none is given.
	newUUID func() (string, error)
}

var _ osd.Lifecycle = lifecycle{}

func (l lifecycle) Create(ctx context.Context, o *osd.CreateOptions) (int, error) {
	uuid := o.UUID
	if uuid == "" {
		var err error
		if uuid, err = l.newUUID(); err != nil {
			return 0, errorf(ceph.Internal, osdComponent, "cannot make a UUID: %v", err)
		}
	}
	out, err := l.r.mon(ctx, osdComponent, "osd new", args{"uuid": uuid})
	if err != nil {
		return 0, err
	}
	id, err := parseOSDNew(out)
	if err != nil {
		return 0, badReply(osdComponent, "osd new", err)
	}
	w := o.Weight
	if w == 0 {
		w = 1
	}
	if _, err := l.r.monWrite(ctx, osdComponent, "osd crush add", args{
		"id": id, "weight": floatArg(w), "args": []string{"host=" + o.Host, "root=default"},
	}); err != nil {
		return id, err
	}
	if o.DeviceClass != "" {
		if _, err := l.r.monWrite(ctx, osdComponent, "osd crush set-device-class",
			args{"class": o.DeviceClass, "ids": []string{strconv.Itoa(id)}}); err != nil {
			return id, err
		}
	}
	return id, nil
}

func (l lifecycle) SafeToDestroy(ctx context.Context, ids []int) (*osd.SafeToDestroyReport, error) {
	cmd := encode("osd safe-to-destroy", "json", args{"ids": idStrings(ids)})
	out, status, err := l.r.call(ctx, osdComponent, func() ([]byte, string, error) { return l.r.c.MgrCommand([][]byte{cmd}) })
	if err != nil {
		// The manager refuses with EBUSY (PGs still mapped) or EAGAIN (no
		// stats yet); the dashboard turns any refusal into a message.
		switch ceph.CodeOf(err) {
		case ceph.Busy, ceph.Unavailable, ceph.NotFound, ceph.InvalidArgument:
			rep := &osd.SafeToDestroyReport{Message: strings.TrimSpace(status), IsSafeToDestroy: false}
			_ = json.Unmarshal(out, rep)
			if rep.Message == "" {
				rep.Message = err.Error()
			}
			return rep, nil
		}
		return nil, err
	}
	var rep osd.SafeToDestroyReport
	if err := json.Unmarshal(out, &rep); err != nil {
		return nil, badReply(osdComponent, "osd safe-to-destroy", err)
	}
	safe := map[int]bool{}
	for _, id := range rep.SafeToDestroy {
		safe[id] = true
	}
	want := map[int]bool{}
	for _, id := range ids {
		want[id] = true
	}
	rep.IsSafeToDestroy = len(safe) == len(want)
	for id := range want {
		rep.IsSafeToDestroy = rep.IsSafeToDestroy && safe[id]
	}
	return &rep, nil
}

// unsafeChecks are the health checks that make removing OSDs unwise.
var unsafeChecks = []string{"OSD_FULL", "OSD_BACKFILLFULL", "OSD_NEARFULL"}

func (l lifecycle) SafeToDelete(ctx context.Context, ids []int) (*osd.SafeToDeleteReport, error) {
	var hr ceph.MonHealth
	if err := l.r.monJSON(ctx, osdComponent, &hr, "health", nil); err != nil {
		return nil, err
	}
	var failed []string
	for _, c := range unsafeChecks {
		if _, ok := hr.Checks[c]; ok {
			failed = append(failed, c)
		}
	}
	sort.Strings(failed)
	if len(failed) == 0 {
		return &osd.SafeToDeleteReport{IsSafeToDelete: true}, nil
	}
	return &osd.SafeToDeleteReport{Message: "Removing OSD(s) is not recommended because of these failed health check(s): " +
		strings.Join(failed, ", ") + "."}, nil
}

func (l lifecycle) Destroy(ctx context.Context, id int) error {
	if err := (osds{r: l.r}).exists(ctx, id); err != nil {
		return err
	}
	_, err := l.r.monWrite(ctx, osdComponent, "osd destroy-actual", args{"id": id, "yes_i_really_mean_it": true})
	return err
}

func (l lifecycle) Purge(ctx context.Context, id int) error {
	if err := (osds{r: l.r}).exists(ctx, id); err != nil {
		return err
	}
	_, err := l.r.monWrite(ctx, osdComponent, "osd purge-actual", args{"id": id, "yes_i_really_mean_it": true})
	return err
}

// Delete needs an orchestrator (cephadm, rook) to remove the daemon; this
// transport talks to the cluster only, as the dashboard without one.
func (l lifecycle) Delete(ctx context.Context, id int, o *osd.DeleteOptions) error {
	if err := ceph.CheckContext(ctx, osdComponent); err != nil {
		return err
	}
	return errorf(ceph.Unimplemented, osdComponent, "deleting an OSD needs an orchestrator, which the rados transport does not have")
}

// parseOSDNew reads the id from `osd new`: {"osdid": N} in JSON, the bare
// number in plain format.
func parseOSDNew(out []byte) (int, error) {
	var r struct {
		OSDID *int `json:"osdid"`
	}
	if err := json.Unmarshal(out, &r); err == nil && r.OSDID != nil {
		return *r.OSDID, nil
	}
	return strconv.Atoi(strings.TrimSpace(string(out)))
}
