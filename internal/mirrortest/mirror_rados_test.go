//go:build rados

package mirrortest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/httpapi"
	"github.com/cephapi/cephapi/transport/rados"
)

// site is one cluster and our server on it.
type site struct {
	name, conf, base, token string
	t                       *testing.T
}

const password = "mirrortest-admin-pw"

func newSite(ctx context.Context, t *testing.T, name, conf string) *site {
	t.Helper()
	client, err := rados.New(ctx, rados.Config{ConfFile: conf})
	if err != nil {
		t.Fatalf("%s: rados.New: %v", name, err)
	}
	t.Cleanup(func() { client.Close() })
	accounts, err := auth.NewMemoryStore("admin", password)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(client, httpapi.WithAccounts(accounts)))
	t.Cleanup(srv.Close)
	s := &site{name: name, conf: conf, base: srv.URL, t: t}
	var tok struct {
		Token string `json:"token"`
	}
	s.must(s.do(ctx, "POST", "/api/auth", `{"username": "admin", "password": "`+password+`"}`, &tok), http.StatusOK, http.StatusCreated)
	s.token = tok.Token
	return s
}

// reply is a status and a body.
type reply struct {
	status int
	body   []byte
}

// do sends one request (v1.0, or v2.0 for the image list) and decodes a
// 2xx answer into out.
func (s *site) do(ctx context.Context, method, path, body string, out any) reply {
	s.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	v := "v1.0"
	if strings.HasPrefix(path, "/api/block/image?") {
		v = "v2.0"
	}
	req.Header.Set("Accept", "application/vnd.ceph.api."+v+"+json")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	rsp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s: %s %s: %v", s.name, method, path, err)
	}
	defer rsp.Body.Close()
	b, _ := io.ReadAll(rsp.Body)
	if out != nil && rsp.StatusCode/100 == 2 && len(bytes.TrimSpace(b)) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			s.t.Fatalf("%s: %s %s: %v: %s", s.name, method, path, err, b)
		}
	}
	return reply{rsp.StatusCode, b}
}

// must fails unless r has one of the statuses.
func (s *site) must(r reply, statuses ...int) {
	s.t.Helper()
	for _, st := range statuses {
		if r.status == st {
			return
		}
	}
	s.t.Fatalf("%s: status %d, want %v: %s", s.name, r.status, statuses, r.body)
}

// write sends a write and checks its final status of a write that may answer 202 (a
// task still running): then it waits until no task runs.
func (s *site) write(ctx context.Context, method, path, body string, out any, statuses ...int) {
	s.t.Helper()
	r := s.do(ctx, method, path, body, out)
	if r.status == http.StatusAccepted {
		s.eventually(ctx, "the task of "+method+" "+path, func() (bool, string) {
			var tasks struct {
				Executing []any `json:"executing_tasks"`
			}
			s.do(ctx, "GET", "/api/task", "", &tasks)
			return len(tasks.Executing) == 0, fmt.Sprint(tasks.Executing)
		})
		return
	}
	s.must(r, statuses...)
}

func (s *site) eventually(ctx context.Context, what string, cond func() (bool, string)) {
	s.t.Helper()
	deadline := time.Now().Add(150 * time.Second)
	last := ""
	for {
		ok, state := cond()
		if ok {
			return
		}
		last = state
		if time.Now().After(deadline) || ctx.Err() != nil {
			s.t.Fatalf("%s: %s: gave up; last state: %s", s.name, what, last)
		}
		time.Sleep(time.Second)
	}
}

type summary struct {
	SiteName    string `json:"site_name"`
	ContentData struct {
		Daemons []struct {
			ID          string `json:"id"`
			Health      string `json:"health"`
			HealthColor string `json:"health_color"`
		} `json:"daemons"`
		Pools []struct {
			Name       string   `json:"name"`
			MirrorMode string   `json:"mirror_mode"`
			PeerUUIDs  []string `json:"peer_uuids"`
			Health     string   `json:"health"`
		} `json:"pools"`
		ImageError   []map[string]any `json:"image_error"`
		ImageSyncing []map[string]any `json:"image_syncing"`
		ImageReady   []map[string]any `json:"image_ready"`
	} `json:"content_data"`
}

// image finds the pool's image in the summary: its list and entry.
func (sm *summary) image(pool, name string) (string, map[string]any) {
	for _, l := range []struct {
		name string
		list []map[string]any
	}{{"image_error", sm.ContentData.ImageError}, {"image_syncing", sm.ContentData.ImageSyncing}, {"image_ready", sm.ContentData.ImageReady}} {
		for _, im := range l.list {
			if im["pool_name"] == pool && im["name"] == name {
				return l.name, im
			}
		}
	}
	return "", nil
}

func TestTwoClusterMirroring(t *testing.T) {
	confA, confB := os.Getenv("CEPH_CONF"), os.Getenv("CEPH_CONF_PEER")
	if confA == "" || confB == "" {
		t.Skip("CEPH_CONF and CEPH_CONF_PEER are not set: no two real clusters with rbd-mirror (see scripts/test-real)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	start := time.Now()
	a, b := newSite(ctx, t, "site A", confA), newSite(ctx, t, "site B", confB)
	pool := fmt.Sprintf("mirrortest-%d", time.Now().Unix()%100000)
	spec := pool + "%2Fmirrored"
	t.Cleanup(func() {
		for _, s := range []*site{a, b} {
			_ = exec.Command("ceph", "-c", s.conf, "osd", "pool", "rm", pool, pool, "--yes-i-really-really-mean-it").Run()
		}
	})

	// 1. The pool on both clusters; the site names, restored at the end.
	for _, s := range []*site{a, b} {
		s.write(ctx, "POST", "/api/pool", `{"pool": "`+pool+`", "pool_type": "replicated", "pg_num": 8, "application_metadata": ["rbd"]}`, nil, http.StatusCreated)
		s.eventually(ctx, "the pool", func() (bool, string) {
			r := s.do(ctx, "GET", "/api/pool/"+pool, "", nil)
			return r.status == http.StatusOK, fmt.Sprint(r.status)
		})
		var old struct {
			SiteName string `json:"site_name"`
		}
		s.must(s.do(ctx, "GET", "/api/block/mirroring/site_name", "", &old), http.StatusOK)
		t.Cleanup(func() {
			s.do(context.Background(), "PUT", "/api/block/mirroring/site_name", `{"site_name": "`+old.SiteName+`"}`, nil)
		})
	}
	a.must(a.do(ctx, "PUT", "/api/block/mirroring/site_name", `{"site_name": "site-a"}`, nil), http.StatusOK)
	b.must(b.do(ctx, "PUT", "/api/block/mirroring/site_name", `{"site_name": "site-b"}`, nil), http.StatusOK)

	// 2. Mirroring per image on A; a token of A imported on B, both ways.
	a.write(ctx, "PUT", "/api/block/mirroring/pool/"+pool, `{"mirror_mode": "image"}`, nil, http.StatusOK)
	var mode struct {
		MirrorMode string `json:"mirror_mode"`
	}
	a.must(a.do(ctx, "GET", "/api/block/mirroring/pool/"+pool, "", &mode), http.StatusOK)
	if mode.MirrorMode != "image" {
		t.Fatalf("A's pool mode %q, want image", mode.MirrorMode)
	}
	var tok struct {
		Token string `json:"token"`
	}
	a.must(a.do(ctx, "POST", "/api/block/mirroring/pool/"+pool+"/bootstrap/token", `{}`, &tok), http.StatusOK)
	b.must(b.do(ctx, "POST", "/api/block/mirroring/pool/"+pool+"/bootstrap/peer", `{"direction": "rx-tx", "token": "`+tok.Token+`"}`, nil), http.StatusOK)
	b.must(b.do(ctx, "GET", "/api/block/mirroring/pool/"+pool, "", &mode), http.StatusOK)
	if mode.MirrorMode != "image" {
		t.Errorf("B's pool mode %q after the import, want A's (image)", mode.MirrorMode)
	}
	peerOf := func(s *site, want string) string {
		var uuids []string
		s.must(s.do(ctx, "GET", "/api/block/mirroring/pool/"+pool+"/peer", "", &uuids), http.StatusOK)
		if len(uuids) != 1 {
			t.Fatalf("%s: peers %v, want one", s.name, uuids)
		}
		var p struct {
			SiteName  string `json:"site_name"`
			Direction string `json:"direction"`
			ClientID  string `json:"client_id"`
			MonHost   string `json:"mon_host"`
		}
		s.must(s.do(ctx, "GET", "/api/block/mirroring/pool/"+pool+"/peer/"+uuids[0], "", &p), http.StatusOK)
		if p.SiteName != want || p.Direction != "rx-tx" || p.ClientID != "rbd-mirror-peer" || p.MonHost == "" {
			t.Errorf("%s: peer %+v, want site %s, rx-tx, client rbd-mirror-peer and a mon_host", s.name, p, want)
		}
		return uuids[0]
	}
	peerA, peerB := peerOf(a, "site-b"), peerOf(b, "site-a")

	// 3. An image on A, mirrored by snapshot.
	a.write(ctx, "POST", "/api/block/image", `{"pool_name": "`+pool+`", "name": "mirrored", "size": 8388608}`, nil, http.StatusCreated)
	a.write(ctx, "PUT", "/api/block/image/"+spec, `{"enable_mirror": true, "mirror_mode": "snapshot"}`, nil, http.StatusOK)
	var img struct {
		MirrorMode string `json:"mirror_mode"`
	}
	a.must(a.do(ctx, "GET", "/api/block/image/"+spec, "", &img), http.StatusOK)
	if img.MirrorMode != "snapshot" {
		t.Errorf("A's image mirror_mode %q, want snapshot", img.MirrorMode)
	}

	// 4. B's rbd-mirror copies it.
	b.eventually(ctx, "the image mirrored to B", func() (bool, string) {
		r := b.do(ctx, "GET", "/api/block/image/"+spec, "", nil)
		return r.status == http.StatusOK, fmt.Sprintf("%d %s", r.status, r.body)
	})
	t.Logf("the image appeared on B %v after the start of the test", time.Since(start).Round(time.Second))

	// 5. The summaries show the daemons and the image's state.
	for _, s := range []*site{b, a} {
		var sm summary
		s.eventually(ctx, "the summary with the daemon and the image", func() (bool, string) {
			sm = summary{}
			s.must(s.do(ctx, "GET", "/api/block/mirroring/summary", "", &sm), http.StatusOK)
			list, im := sm.image(pool, "mirrored")
			ok := len(sm.ContentData.Daemons) > 0 && sm.ContentData.Daemons[0].Health != "" &&
				(list == "image_ready" || list == "image_syncing") && im["state"] != "Unknown"
			return ok, fmt.Sprintf("daemons %+v, image in %s: %v", sm.ContentData.Daemons, list, im)
		})
		list, im := sm.image(pool, "mirrored")
		t.Logf("%s: site %s, daemons %+v, image in %s: %v", s.name, sm.SiteName, sm.ContentData.Daemons, list, im)
		for _, p := range sm.ContentData.Pools {
			if p.Name == pool && (p.MirrorMode != "image" || len(p.PeerUUIDs) != 1) {
				t.Errorf("%s: pool %+v in the summary, want image mode and one peer", s.name, p)
			}
		}
	}

	// 6. Clean up through the API: mirroring off, the images, the peers,
	// the mode, the pools.
	a.write(ctx, "PUT", "/api/block/image/"+spec, `{"enable_mirror": false}`, nil, http.StatusOK)
	a.write(ctx, "DELETE", "/api/block/image/"+spec, "", nil, http.StatusNoContent)
	a.must(a.do(ctx, "DELETE", "/api/block/mirroring/pool/"+pool+"/peer/"+peerA, "", nil), http.StatusNoContent)
	b.must(b.do(ctx, "DELETE", "/api/block/mirroring/pool/"+pool+"/peer/"+peerB, "", nil), http.StatusNoContent)
	a.write(ctx, "PUT", "/api/block/mirroring/pool/"+pool, `{"mirror_mode": "disabled"}`, nil, http.StatusOK)
	for _, s := range []*site{a, b} {
		s.write(ctx, "DELETE", "/api/pool/"+pool, "", nil, http.StatusNoContent)
	}
}
