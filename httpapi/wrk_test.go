package httpapi

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestWrkSideBySide measures the running server under a load tool, side by
// side with a bare net/http handler that writes the same bytes, in the same
// run: wrk -t2 -c8 against GET /api/health/minimal and GET /api/osd on the
// memory transport. It only reports (a load test is not a pass/fail timing
// check) and runs only when CEPHAPI_WRK is set, as scripts/bench-server does:
//
//	CEPHAPI_WRK=10s go test -run TestWrkSideBySide -v ./httpapi/
func TestWrkSideBySide(t *testing.T) {
	dur := os.Getenv("CEPHAPI_WRK")
	if dur == "" {
		t.Skip("set CEPHAPI_WRK=<duration> to run the wrk comparison")
	}
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		t.Skip("wrk not installed (apt-get install wrk)")
	}
	f := newFixtureWith(t, benchClient(), nil)
	ours := httptest.NewServer(f.srv)
	defer ours.Close()

	run := func(url string, headers ...string) (rps, p50, p99 string) {
		args := []string{"-t2", "-c8", "-d" + dur, "--latency"}
		for _, h := range headers {
			args = append(args, "-H", h)
		}
		out, err := exec.Command(wrk, append(args, url)...).CombinedOutput()
		if err != nil {
			t.Fatalf("wrk: %v\n%s", err, out)
		}
		find := func(re string) string {
			if m := regexp.MustCompile(re).FindSubmatch(out); m != nil {
				return string(m[1])
			}
			return "?"
		}
		if n := find(`Non-2xx or 3xx responses: (\d+)`); n != "?" {
			t.Fatalf("wrk saw %s error responses from %s", n, url)
		}
		return find(`Requests/sec:\s+([\d.]+)`), find(`(?m)^\s*50%\s+(\S+)`), find(`(?m)^\s*99%\s+(\S+)`)
	}

	var table strings.Builder
	fmt.Fprintf(&table, "\n| endpoint | server | req/s | p50 | p99 |\n|---|---|---|---|---|\n")
	for _, path := range []string{"/api/health/minimal", "/api/osd"} {
		w := f.do(req{method: "GET", path: path, token: f.admin})
		if w.Code != 200 {
			t.Fatalf("%s: %d", path, w.Code)
		}
		body, ctype := w.Body.Bytes(), w.Header().Get("Content-Type")
		bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			w.Write(body)
		}))
		r1, a1, b1 := run(ours.URL+path, "Accept: "+v1, "Authorization: Bearer "+f.admin)
		r2, a2, b2 := run(bare.URL + path)
		bare.Close()
		fmt.Fprintf(&table, "| GET %s | httpapi + memory | %s | %s | %s |\n", path, r1, a1, b1)
		fmt.Fprintf(&table, "| GET %s | bare net/http, same %d bytes | %s | %s | %s |\n", path, len(body), r2, a2, b2)
	}
	t.Log(table.String())
}
