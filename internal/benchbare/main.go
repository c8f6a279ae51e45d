// Command benchbare is the floor that scripts/bench-real measures our
// server against, in the same run: a bare net/http server that answers
// each path with bytes captured beforehand, with no routing, no
// authentication and no encoding. It is a tool of the benchmark, not part of
// the product.
//
//	benchbare --listen 127.0.0.1:5001 --dir DIR
//
// DIR/api/osd is the answer of /api/osd, and so on; a flat file named by
// an escaped path and query (DIR/%2Fapi%2Fosd%3Flimit%3D1) answers that
// request. Any other path is 404.
package main

import (
	"flag"
	"io/fs"
	"log"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:5001", "address to listen on")
	dir := flag.String("dir", "", "directory of captured answers (DIR/api/osd answers /api/osd)")
	ctype := flag.String("content-type", "application/vnd.ceph.api.v1.0+json", "Content-Type of every answer")
	flag.Parse()
	if *dir == "" {
		log.Fatal("benchbare: --dir is required")
	}
	bodies := map[string][]byte{}
	err := filepath.WalkDir(*dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(*dir, p)
		if err != nil {
			return err
		}
		key := "/" + filepath.ToSlash(rel)
		if u, err := url.PathUnescape(filepath.Base(rel)); err == nil && strings.HasPrefix(u, "/") {
			key = u // a flat file named by the escaped path and query
		}
		bodies[key] = b
		return nil
	})
	if err != nil {
		log.Fatalf("benchbare: %v", err)
	}
	ct := []string{*ctype}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Endpoints with a query were captured under their whole URI.
		b, ok := bodies[r.URL.RequestURI()]
		if !ok {
			b, ok = bodies[r.URL.Path]
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header()["Content-Type"] = ct
		w.Header()["Content-Length"] = []string{strconv.Itoa(len(b))}
		_, _ = w.Write(b)
	})
	log.Fatal(http.ListenAndServe(*listen, h))
}
