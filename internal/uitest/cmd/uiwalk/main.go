// Command uiwalk walks the dashboard web UI at a URL in headless Chromium
// and prints, per page, the backend calls, the failed ones, error toasts
// and JavaScript errors; -shots DIR keeps a screenshot per page.
//
//	go run ./internal/uitest/cmd/uiwalk -url http://127.0.0.1:20080 -user admin -password-file F -shots /tmp/shots
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cephapi/cephapi/internal/uitest"
)

func main() {
	base := flag.String("url", "", "the UI's URL")
	user := flag.String("user", "admin", "user name")
	pwFile := flag.String("password-file", "", "file holding the password (else $UIWALK_PASSWORD)")
	shots := flag.String("shots", "", "directory for one PNG per page")
	only := flag.String("pages", "", "comma list of page names (default: issue 14's list; uitest.MorePages has more)")
	verbose := flag.Bool("v", false, "print every call, not only failed ones")
	flag.Parse()
	pw := os.Getenv("UIWALK_PASSWORD")
	if *pwFile != "" {
		b, err := os.ReadFile(*pwFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		pw = strings.TrimSpace(string(b))
	}
	all := append(append([]uitest.Page{}, uitest.Pages...), uitest.MorePages...)
	pages := uitest.Pages
	if *only != "" {
		pages = nil
		for _, p := range all {
			if strings.Contains(","+*only+",", ","+p.Name+",") {
				pages = append(pages, p)
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	res, err := uitest.Walk(ctx, uitest.Config{Base: *base, User: *user, Password: pw}, pages)
	bad := 0
	for _, r := range res {
		state := "ok"
		if !r.OK() {
			state = "FAIL"
			bad++
		}
		fmt.Printf("== %s (%s) %s rendered=%v calls=%d\n", r.Page.Name, r.Page.Route, state, r.Rendered, len(r.Calls))
		for _, c := range r.Calls {
			if *verbose {
				fmt.Printf("   call %s\n", c)
			}
		}
		for _, c := range r.Failed {
			fmt.Printf("   failed %s\n", c)
		}
		for _, t := range r.Toasts {
			fmt.Printf("   toast %q\n", t)
		}
		for _, j := range r.JSErrors {
			fmt.Printf("   js %s\n", j)
		}
		if *shots != "" && len(r.Screenshot) > 0 {
			_ = os.MkdirAll(*shots, 0o755)
			_ = os.WriteFile(filepath.Join(*shots, r.Page.Name+".png"), r.Screenshot, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "walk:", err)
		os.Exit(1)
	}
	if bad > 0 {
		os.Exit(1)
	}
}
