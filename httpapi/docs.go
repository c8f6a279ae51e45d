package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/swaggest/swgui"
	"github.com/swaggest/swgui/v5emb"

	"github.com/cephapi/cephapi/httpapi/ops"
)

// The API document and its Swagger UI. They need no token: the document
// only says what ops.All says.
const (
	docsPath    = "/docs"
	docsAPIPath = "/docs/api.json"
	docsTitle   = "Ceph REST API"
)

// docsCSP confines the Swagger UI page to this server: its scripts and
// styles (the page has inline ones) and requests to the API; no other
// origin is contacted.
const docsCSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; " +
	"style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// docsHandler serves, without authentication,
//
//	GET /docs/api.json  the OpenAPI document of ops.All (ops.OpenAPI)
//	GET /docs, /docs/   Swagger UI showing it
//	GET /docs/...       Swagger UI's assets
//
// implemented says which operations the server implements (x-implemented).
// The document is built once. Swagger UI (5.29.1) comes built in the
// swgui module and is embedded in the binary: nothing of it is in this
// repository and the page loads nothing from another origin. HEAD is
// served wherever GET is.
func docsHandler(implemented func(*ops.Operation) bool) (http.Handler, error) {
	doc, err := ops.OpenAPI(implemented)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(doc)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`

	ui := v5emb.NewHandlerWithConfig(swgui.Config{
		Title:       docsTitle,
		SwaggerJSON: docsAPIPath,
		BasePath:    docsPath + "/",
	})
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", docsCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if r.URL.Path == docsPath || r.URL.Path == docsPath+"/" {
			h.Set("Cache-Control", "no-cache")
		}
		ui.ServeHTTP(w, r)
	})

	mux := http.NewServeMux()
	mux.HandleFunc("GET "+docsAPIPath, func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", etag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(doc))
	})
	mux.Handle("GET "+docsPath, page)
	mux.Handle("GET "+docsPath+"/", page)
	return mux, nil
}

// rootRedirect answers GET / with a redirect to the API's documentation.
func rootRedirect(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	http.Redirect(w, r, docsPath, http.StatusFound)
}
