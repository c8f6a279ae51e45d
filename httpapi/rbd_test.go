package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/rbd"
)

type fakeImages struct {
	rbd.UnimplementedImages
	mu     sync.Mutex
	images map[string]rbd.Image
}

func (f *fakeImages) List(ctx context.Context, pool string, opts *rbd.ListOptions) (*rbd.ImageList, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var specs []rbd.ImageSpec
	for _, im := range f.images {
		if pool == "" || im.PoolName == pool {
			specs = append(specs, rbd.ImageSpec{Pool: im.PoolName, Namespace: imageNamespace(&im), Name: im.Name})
		}
	}
	sort.Slice(specs, func(i, j int) bool { return specs[i].String() < specs[j].String() })
	page, total := opts.Page(specs)
	out := &rbd.ImageList{Total: total}
	for _, s := range page {
		out.Images = append(out.Images, f.images[s.String()])
	}
	return out, nil
}

func (f *fakeImages) Get(ctx context.Context, spec rbd.ImageSpec) (*rbd.Image, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	im, ok := f.images[spec.String()]
	if !ok {
		return nil, ceph.Errorf(ceph.NotFound, "rbd", "Image not found")
	}
	return &im, nil
}

func (f *fakeImages) Create(ctx context.Context, spec rbd.ImageSpec, opts *rbd.CreateOptions) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.images[spec.String()]; ok {
		return ceph.Errorf(ceph.AlreadyExists, "rbd", "image exists")
	}
	f.images[spec.String()] = rbd.Image{Name: spec.Name, PoolName: spec.Pool, Size: opts.Size}
	return nil
}

func (f *fakeImages) Update(ctx context.Context, spec rbd.ImageSpec, opts *rbd.UpdateOptions) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	im, ok := f.images[spec.String()]
	if !ok {
		return ceph.Errorf(ceph.NotFound, "rbd", "Image not found")
	}
	if opts.Size != nil {
		im.Size = *opts.Size
	}
	f.images[spec.String()] = im
	return nil
}

func (f *fakeImages) Delete(ctx context.Context, spec rbd.ImageSpec) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.images[spec.String()]; !ok {
		return ceph.Errorf(ceph.NotFound, "rbd", "Image not found")
	}
	delete(f.images, spec.String())
	return nil
}

func TestRBDImages(t *testing.T) {
	imgs := &fakeImages{images: map[string]rbd.Image{}}
	f := newFixtureWith(t, cephapi.New(&cephapi.Client{RBD: cephapi.RBD{Images: imgs}}), nil)
	v2 := "application/vnd.ceph.api.v2.0+json"
	for _, name := range []string{"c", "a", "b", "d", "e", "f"} {
		w := f.do(req{method: "POST", path: "/api/block/image", token: f.admin,
			body: `{"name":"` + name + `","pool_name":"rbd","size":1048576,"features":["layering"]}`})
		if w.Code != http.StatusCreated {
			t.Fatalf("create %s: %d %s", name, w.Code, w.Body)
		}
	}
	// a bad mirroring field fails before the image is made
	for _, body := range []string{
		`{"name":"m","pool_name":"rbd","size":1048576,"mirror_mode":"bogus"}`,
		`{"name":"m","pool_name":"rbd","size":1048576,"schedule_interval":"5s"}`,
	} {
		if w := f.do(req{method: "POST", path: "/api/block/image", token: f.admin, body: body}); w.Code != http.StatusBadRequest {
			t.Errorf("create with %s: %d %s", body, w.Code, w.Body)
		}
	}
	w := f.do(req{method: "GET", path: "/api/block/image", token: f.admin, accept: v2})
	if w.Code != 200 || w.Header().Get("X-Total-Count") != "6" {
		t.Fatalf("list: %d %v %s", w.Code, w.Header(), w.Body)
	}
	var pages []rbdPoolImages
	_ = json.Unmarshal(w.Body.Bytes(), &pages)
	if len(pages) != 1 || len(pages[0].Value) != 5 || pages[0].Value[0].Name != "a" {
		t.Errorf("default page: %s", w.Body)
	}
	w = f.do(req{method: "GET", path: "/api/block/image?offset=4&limit=10&sort=-name", token: f.admin, accept: v2})
	pages = nil
	_ = json.Unmarshal(w.Body.Bytes(), &pages)
	if len(pages) != 1 || len(pages[0].Value) != 2 || pages[0].Value[0].Name != "b" {
		t.Errorf("second page: %s", w.Body)
	}
	w = f.do(req{method: "GET", path: "/api/block/image?limit=x", token: f.admin, accept: v2})
	if w.Code != 400 {
		t.Errorf("bad limit: %d", w.Code)
	}
	w = f.do(req{method: "GET", path: "/api/block/image/rbd%2Fa", token: f.admin})
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"name":"a"`) {
		t.Errorf("get: %d %s", w.Code, w.Body)
	}
	w = f.do(req{method: "PUT", path: "/api/block/image/rbd%2Fa", token: f.admin, body: `{"size":2097152}`})
	if w.Code != 200 {
		t.Errorf("edit: %d %s", w.Code, w.Body)
	}
	// enabling mirroring needs a mode; the dashboard fails with a KeyError
	w = f.do(req{method: "PUT", path: "/api/block/image/rbd%2Fa", token: f.admin, body: `{"enable_mirror":true}`})
	if w.Code != 400 || !strings.Contains(w.Body.String(), "mirror_mode") {
		t.Errorf("mirroring without a mode: %d %s", w.Code, w.Body)
	}
	w = f.do(req{method: "DELETE", path: "/api/block/image/rbd%2Fa", token: f.admin})
	if w.Code != 204 {
		t.Errorf("delete: %d %s", w.Code, w.Body)
	}
	w = f.do(req{method: "GET", path: "/api/block/image/rbd%2Fa", token: f.admin})
	if w.Code != 404 || decodeError(t, w).Detail != "Image not found" {
		t.Errorf("get deleted: %d %s", w.Code, w.Body)
	}
	w = f.do(req{method: "GET", path: "/api/block/image/nopool", token: f.admin})
	if w.Code != 400 {
		t.Errorf("bad spec: %d %s", w.Code, w.Body)
	}
	// block-manager may write images but not pools.
	if err := f.store.AddUser("blk", "pw", "block-manager"); err != nil {
		t.Fatal(err)
	}
	tok := f.login("blk", "pw")
	if w := f.do(req{method: "DELETE", path: "/api/block/image/rbd%2Fb", token: tok}); w.Code != 204 {
		t.Errorf("block-manager delete image: %d", w.Code)
	}
	if w := f.do(req{method: "DELETE", path: "/api/pool/rbd", token: tok}); w.Code != 403 {
		t.Errorf("block-manager delete pool: %d", w.Code)
	}
}
