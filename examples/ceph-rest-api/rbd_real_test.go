//go:build rados

package main

import (
	"encoding/json"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRealRBDWalkMatchesCLI drives an image through create, snapshot,
// protect, clone, flatten, trash and restore over HTTP, as a user with curl
// would, on the rados transport; after every step the rbd command line
// (`rbd info`, `rbd snap ls`, `rbd children`, `rbd trash ls`, `rbd ls`)
// must show the state the step made, and our own GET must agree with it.
func TestRealRBDWalkMatchesCLI(t *testing.T) {
	conf := realConf(t)
	pool := "cephapi-rbd-walk-" + time.Now().Format("150405")
	cephCLI(t, conf, "osd", "pool", "create", pool, "8")
	t.Cleanup(func() { _ = execCeph(conf, "osd", "pool", "rm", pool, pool, "--yes-i-really-really-mean-it") })
	rbdCLI(t, conf, "pool", "init", pool)

	base := startRados(t, conf)
	tok := realLogin(t, base)
	spec := func(image string) string { return url.PathEscape(pool + "/" + image) }
	call := func(method, path, body string) string {
		t.Helper()
		code, out := api(t, base, method, path, tok, body)
		if code != 200 && code != 201 && code != 202 && code != 204 {
			t.Fatalf("%s %s: %d %s", method, path, code, out)
		}
		return out
	}
	// A step may answer 202 and finish as a task; the CLI is polled until
	// it shows the step's result.
	until := func(what string, cond func() bool) { t.Helper(); waitFor(t, what, cond) }

	// create
	call("POST", "/api/block/image", `{"pool_name":"`+pool+`","name":"walk","size":8388608,"features":["layering","exclusive-lock","object-map","fast-diff","deep-flatten"]}`)
	until("rbd info walk", func() bool { return rbdOK(conf, "info", pool+"/walk") })
	info := rbdInfo(t, conf, pool+"/walk")
	var ours struct {
		ID           string   `json:"id"`
		Size         int64    `json:"size"`
		Order        int      `json:"order"`
		FeaturesName []string `json:"features_name"`
		Snapshots    []struct {
			Name        string `json:"name"`
			IsProtected bool   `json:"is_protected"`
		} `json:"snapshots"`
		Parent *struct {
			PoolName  string `json:"pool_name"`
			ImageName string `json:"image_name"`
			SnapName  string `json:"snap_name"`
		} `json:"parent"`
	}
	if err := json.Unmarshal([]byte(call("GET", "/api/block/image/"+spec("walk"), "")), &ours); err != nil {
		t.Fatal(err)
	}
	slices.Sort(ours.FeaturesName)
	slices.Sort(info.Features)
	if ours.ID != info.ID || ours.Size != info.Size || ours.Order != info.Order || !slices.Equal(ours.FeaturesName, info.Features) {
		t.Fatalf("GET image: id %q size %d order %d features %v; rbd info: id %q size %d order %d features %v",
			ours.ID, ours.Size, ours.Order, ours.FeaturesName, info.ID, info.Size, info.Order, info.Features)
	}

	// snapshot
	call("POST", "/api/block/image/"+spec("walk")+"/snap", `{"snapshot_name":"s1"}`)
	until("rbd snap ls shows s1", func() bool { s, ok := rbdSnaps(conf, pool+"/walk")["s1"]; return ok && !s })

	// protect
	call("PUT", "/api/block/image/"+spec("walk")+"/snap/s1", `{"is_protected":true}`)
	until("rbd snap ls shows s1 protected", func() bool { return rbdSnaps(conf, pool+"/walk")["s1"] })

	// clone
	call("POST", "/api/block/image/"+spec("walk")+"/snap/s1/clone", `{"child_pool_name":"`+pool+`","child_image_name":"walk-clone"}`)
	until("rbd children lists the clone", func() bool {
		return slices.Contains(rbdChildren(conf, pool+"/walk@s1"), pool+"/walk-clone")
	})
	if p := rbdInfo(t, conf, pool+"/walk-clone").Parent; p == nil || p.Image != "walk" || p.Snapshot != "s1" {
		t.Fatalf("rbd info of the clone: parent %+v, want walk@s1", p)
	}
	if err := json.Unmarshal([]byte(call("GET", "/api/block/image/"+spec("walk-clone"), "")), &ours); err != nil {
		t.Fatal(err)
	}
	if ours.Parent == nil || ours.Parent.ImageName != "walk" || ours.Parent.SnapName != "s1" {
		t.Fatalf("GET clone: parent %+v, want walk@s1", ours.Parent)
	}

	// flatten
	call("POST", "/api/block/image/"+spec("walk-clone")+"/flatten", "")
	until("the clone flattened", func() bool {
		i, err := rbdInfoErr(conf, pool+"/walk-clone")
		return err == nil && i.Parent == nil && len(rbdChildren(conf, pool+"/walk@s1")) == 0
	})

	// move to trash
	call("POST", "/api/block/image/"+spec("walk-clone")+"/move_trash", `{"delay":0}`)
	var trashID string
	until("rbd trash ls lists the clone", func() bool {
		for id, name := range rbdTrash(conf, pool) {
			if name == "walk-clone" {
				trashID = id
			}
		}
		return trashID != "" && !slices.Contains(rbdList(conf, pool), "walk-clone")
	})
	var trash []struct {
		PoolName string `json:"pool_name"`
		Value    []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"value"`
	}
	if err := json.Unmarshal([]byte(call("GET", "/api/block/image/trash?pool_name="+pool, "")), &trash); err != nil {
		t.Fatal(err)
	}
	if len(trash) != 1 || len(trash[0].Value) != 1 || trash[0].Value[0].ID != trashID || trash[0].Value[0].Name != "walk-clone" {
		t.Fatalf("GET trash: %+v; rbd trash ls: %s walk-clone", trash, trashID)
	}

	// restore under a new name
	call("POST", "/api/block/image/trash/"+url.PathEscape(pool+"/"+trashID)+"/restore", `{"new_image_name":"walk-restored"}`)
	until("the restored image listed, the trash empty", func() bool {
		return slices.Contains(rbdList(conf, pool), "walk-restored") && len(rbdTrash(conf, pool)) == 0
	})

	// unprotect, delete both
	call("PUT", "/api/block/image/"+spec("walk")+"/snap/s1", `{"is_protected":false}`)
	until("s1 unprotected", func() bool { s, ok := rbdSnaps(conf, pool+"/walk")["s1"]; return ok && !s })
	call("DELETE", "/api/block/image/"+spec("walk-restored"), "")
	call("DELETE", "/api/block/image/"+spec("walk"), "")
	until("rbd ls empty", func() bool { return rbdOK(conf, "ls", pool) && len(rbdList(conf, pool)) == 0 })
}

type rbdImageInfo struct {
	ID       string   `json:"id"`
	Size     int64    `json:"size"`
	Order    int      `json:"order"`
	Features []string `json:"features"`
	Parent   *struct {
		Pool     string `json:"pool"`
		Image    string `json:"image"`
		Snapshot string `json:"snapshot"`
	} `json:"parent"`
}

func rbdOut(conf string, args ...string) ([]byte, error) {
	return exec.Command("rbd", append([]string{"-c", conf}, args...)...).Output()
}

func rbdOK(conf string, args ...string) bool { _, err := rbdOut(conf, args...); return err == nil }

func rbdCLI(t *testing.T, conf string, args ...string) {
	t.Helper()
	if out, err := exec.Command("rbd", append([]string{"-c", conf}, args...)...).CombinedOutput(); err != nil {
		t.Fatalf("rbd %s: %v %s", strings.Join(args, " "), err, out)
	}
}

// rbdJSON runs an rbd listing with --format json; a failure reads as no
// value (the pollers retry).
func rbdJSON(conf string, v any, args ...string) error {
	out, err := rbdOut(conf, append(args, "--format", "json")...)
	if err != nil {
		return err
	}
	return json.Unmarshal(out, v)
}

func rbdInfoErr(conf, image string) (rbdImageInfo, error) {
	var i rbdImageInfo
	return i, rbdJSON(conf, &i, "info", image)
}

func rbdInfo(t *testing.T, conf, image string) rbdImageInfo {
	t.Helper()
	i, err := rbdInfoErr(conf, image)
	if err != nil {
		t.Fatalf("rbd info %s: %v", image, err)
	}
	return i
}

// rbdSnaps maps snapshot names to whether they are protected.
func rbdSnaps(conf, image string) map[string]bool {
	var snaps []struct {
		Name      string `json:"name"`
		Protected string `json:"protected"`
	}
	_ = rbdJSON(conf, &snaps, "snap", "ls", image)
	m := map[string]bool{}
	for _, s := range snaps {
		m[s.Name] = s.Protected == "true"
	}
	return m
}

func rbdChildren(conf, snap string) []string {
	var kids []struct {
		Pool  string `json:"pool"`
		Image string `json:"image"`
	}
	_ = rbdJSON(conf, &kids, "children", snap)
	var out []string
	for _, k := range kids {
		out = append(out, k.Pool+"/"+k.Image)
	}
	return out
}

// rbdTrash maps trash ids to image names.
func rbdTrash(conf, pool string) map[string]string {
	var items []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	_ = rbdJSON(conf, &items, "trash", "ls", pool)
	m := map[string]string{}
	for _, i := range items {
		m[i.ID] = i.Name
	}
	return m
}

func rbdList(conf, pool string) []string {
	var names []string
	_ = rbdJSON(conf, &names, "ls", pool)
	return names
}
