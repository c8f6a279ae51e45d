//go:build rados

package rados

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ceph/go-ceph/rgw/admin"
	"github.com/hashicorp/go-cleanhttp"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/internal/s3put"
	"github.com/cephapi/cephapi/rgw"
)

const rgwComponent = "rgw"

// defaultRGWTimeout bounds each HTTP request to the gateway.
const defaultRGWTimeout = 30 * time.Second

// WithRGW makes the RGW services talk to the gateway at endpoint (e.g.
// "http://gw.example:8080"; "" keeps the endpoint of the daemon's
// frontend) with a system user's keys ("" keeps the dashboard's keys from
// the config-key store).
func WithRGW(endpoint, accessKey, secretKey string) Option {
	return func(c *Config) {
		c.RGWEndpoint, c.RGWAccessKey, c.RGWSecretKey = endpoint, accessKey, secretKey
	}
}

// WithRGWTimeout sets Config.RGWTimeout.
func WithRGWTimeout(d time.Duration) Option { return func(c *Config) { c.RGWTimeout = d } }

// gateway is the shared state of the RGW services.
type gateway struct {
	r        *runner
	endpoint string // override, or ""
	access   string // override, or ""
	secret   string
	http     *http.Client
}

func newGateway(r *runner, cfg Config) *gateway {
	hc := cleanhttp.DefaultPooledClient()
	t := cfg.RGWTimeout
	if t <= 0 {
		t = defaultRGWTimeout
	}
	hc.Timeout = t
	return &gateway{r: r, endpoint: strings.TrimRight(cfg.RGWEndpoint, "/"),
		access: cfg.RGWAccessKey, secret: cfg.RGWSecretKey, http: hc}
}

// rgwEntry is a radosgw daemon of `service dump`.
type rgwEntry struct {
	GID      int64             `json:"gid"`
	Addr     string            `json:"addr"`
	Metadata map[string]string `json:"metadata"`
}

func (g *gateway) entries(ctx context.Context) ([]rgwEntry, error) {
	var sd serviceDump
	if err := g.r.monJSON(ctx, rgwComponent, &sd, "service dump", nil); err != nil {
		return nil, err
	}
	var out []rgwEntry
	for k, raw := range sd.Services["rgw"].Daemons {
		if k == "summary" {
			continue
		}
		var e rgwEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, badReply(rgwComponent, "service dump", err)
		}
		if e.Metadata == nil {
			e.Metadata = map[string]string{}
		}
		if e.Metadata["id"] == "" {
			e.Metadata["id"] = k
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Metadata["id"] < out[j].Metadata["id"] })
	return out, nil
}

// daemons is rgw.Daemons.
type rgwDaemons struct{ g *gateway }

func (d rgwDaemons) List(ctx context.Context) ([]rgw.Daemon, error) {
	es, err := d.g.entries(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]rgw.Daemon, 0, len(es))
	for i, e := range es {
		m := e.Metadata
		out = append(out, rgw.Daemon{ID: m["id"], ServiceMapID: strconv.FormatInt(e.GID, 10),
			Version: m["ceph_version"], ServerHostname: m["hostname"], RealmName: m["realm_name"],
			ZonegroupName: m["zonegroup_name"], ZoneName: m["zone_name"], Default: i == 0})
	}
	return out, nil
}

func (d rgwDaemons) Get(ctx context.Context, id string) (*rgw.DaemonInfo, error) {
	es, err := d.g.entries(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		if e.Metadata["id"] != id {
			continue
		}
		// the status the daemon reports is in the manager's `service
		// status`, by gid; a "json" entry holds JSON, as the dashboard reads it
		var ss map[string]map[string]struct {
			Status map[string]string `json:"status"`
		}
		if err := d.g.r.mgrJSON(ctx, rgwComponent, &ss, "service status", nil); err != nil {
			return nil, err
		}
		raw := ss["rgw"][strconv.FormatInt(e.GID, 10)].Status
		status := map[string]any{}
		if js, ok := raw["json"]; ok {
			if json.Unmarshal([]byte(js), &status) != nil {
				status = map[string]any{}
			}
		} else {
			for k, v := range raw {
				status[k] = v
			}
		}
		return &rgw.DaemonInfo{Metadata: e.Metadata, ID: id, Status: status}, nil
	}
	return nil, errorf(ceph.NotFound, rgwComponent, "Service rgw %s is not available", id)
}

// conn is one gateway reached with the system user's keys.
type rgwConn struct {
	g         *gateway
	endpoint  string
	access    string
	secret    string
	zonegroup string
	api       *admin.API
	rec       *recorder
}

// recorder is the HTTP client of go-ceph's admin client: it keeps the
// last error answer, whose status and RGW code go-ceph's errors drop
// (they carry the code only for the reasons go-ceph names).
type recorder struct {
	c      *http.Client
	mu     sync.Mutex
	status int
	body   []byte
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.status, r.body = 0, nil
	r.mu.Unlock()
	resp, err := r.c.Do(req)
	if err != nil || resp.StatusCode < 300 {
		return resp, err
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if rerr != nil {
		return nil, rerr
	}
	r.mu.Lock()
	r.status, r.body = resp.StatusCode, body
	r.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// adminError maps an error of go-ceph's admin client, made on c.
func (c *rgwConn) adminError(ctx context.Context, what string, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ceph.CheckContext(ctx, rgwComponent); cerr != nil {
		return cerr
	}
	var ce *ceph.Error
	if errors.As(err, &ce) {
		return err
	}
	c.rec.mu.Lock()
	status, body := c.rec.status, c.rec.body
	c.rec.mu.Unlock()
	if status >= 300 {
		e := rgwError(what, status, body).(*ceph.Error)
		e.Err = err
		return e
	}
	if errors.Is(err, admin.ErrNoSuchUser) || errors.Is(err, admin.ErrNoSuchBucket) {
		return &ceph.Error{Code: ceph.NotFound, Component: rgwComponent, Detail: what + ": " + err.Error(), Err: err}
	}
	return transportError(what, err)
}

// daemon picks the gateway gw names ("" for the first by id).
func (g *gateway) daemon(ctx context.Context, gw string) (*rgwEntry, error) {
	es, err := g.entries(ctx)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		if g.endpoint != "" {
			return &rgwEntry{Metadata: map[string]string{}}, nil
		}
		return nil, errorf(ceph.Unavailable, rgwComponent, "No RGW service is running.")
	}
	if gw == "" {
		return &es[0], nil
	}
	for i := range es {
		if es[i].Metadata["id"] == gw {
			return &es[i], nil
		}
	}
	return nil, errorf(ceph.NotFound, rgwComponent, "RGW Daemon not found: %s", gw)
}

// conn connects to gateway gw: its endpoint and the admin keys.
func (g *gateway) conn(ctx context.Context, gw string) (*rgwConn, error) {
	e, err := g.daemon(ctx, gw)
	if err != nil {
		return nil, err
	}
	c := &rgwConn{g: g, endpoint: g.endpoint, access: g.access, secret: g.secret, zonegroup: e.Metadata["zonegroup_name"]}
	if c.endpoint == "" {
		if c.endpoint, err = g.endpointOf(ctx, e); err != nil {
			return nil, err
		}
	}
	if c.access == "" || c.secret == "" {
		if c.access, c.secret, err = g.dashboardKeys(ctx, e.Metadata["realm_name"]); err != nil {
			return nil, err
		}
	}
	c.rec = &recorder{c: g.http}
	c.api, err = admin.New(c.endpoint, c.access, c.secret, c.rec)
	if err != nil {
		return nil, &ceph.Error{Code: ceph.Unavailable, Component: rgwComponent, Detail: "cannot set up the RGW admin client: " + err.Error(), Err: err}
	}
	return c, nil
}

var (
	frontendRE = regexp.MustCompile(`^(beast|civetweb)\s+.+$`)
	beastOptRE = regexp.MustCompile(`(port|ssl_port|endpoint|ssl_endpoint)=(.+)`)
	digitsRE   = regexp.MustCompile(`(\d+)`)
	beastEpRE  = regexp.MustCompile(`([\d.]+|\[.+\])(:(\d+))?`)
	civetRE    = regexp.MustCompile(`port=(.*:)?(\d+)(s)?`)
)

// parseFrontend returns the port of a frontend_config#0 and whether it
// is TLS, as the dashboard reads it.
func parseFrontend(cfg string) (int, bool, error) {
	m := frontendRE.FindStringSubmatch(cfg)
	if m != nil && m[1] == "beast" {
		if o := beastOptRE.FindStringSubmatch(cfg); o != nil {
			switch o[1] {
			case "port", "ssl_port":
				if d := digitsRE.FindStringSubmatch(o[2]); d != nil {
					p, _ := strconv.Atoi(d[1])
					return p, o[1] == "ssl_port", nil
				}
			case "endpoint", "ssl_endpoint":
				if ep := beastEpRE.FindStringSubmatch(o[2]); ep != nil {
					ssl := o[1] == "ssl_endpoint"
					p := 80
					if ep[2] != "" {
						p, _ = strconv.Atoi(ep[3])
					} else if ssl {
						p = 443
					}
					return p, ssl, nil
				}
			}
		}
	}
	if m != nil && m[1] == "civetweb" {
		if c := civetRE.FindStringSubmatch(cfg); c != nil {
			p, _ := strconv.Atoi(c[2])
			return p, c[3] == "s", nil
		}
	}
	return 0, false, fmt.Errorf("failed to determine RGW port from %q", cfg)
}

// endpointOf derives a daemon's URL as the dashboard does: the port from
// the frontend, the host from rgw_dns_name, else the hostname (TLS) or
// the address of the service map.
func (g *gateway) endpointOf(ctx context.Context, e *rgwEntry) (string, error) {
	fe := e.Metadata["frontend_config#0"]
	port, ssl, err := parseFrontend(fe)
	if err != nil {
		return "", &ceph.Error{Code: ceph.Unavailable, Component: rgwComponent,
			Detail: err.Error() + "; pass rados.WithRGW(endpoint, ...)", Err: err}
	}
	host := ""
	if dns, err := g.configGet(ctx, "client.rgw."+e.Metadata["id"], "rgw_dns_name"); err == nil {
		host = dns
	}
	if host == "" && ssl {
		host = e.Metadata["hostname"]
	}
	if host == "" {
		a := e.Addr
		if i := strings.LastIndexByte(a, '/'); i >= 0 {
			a = a[:i]
		}
		h, _, err := net.SplitHostPort(a)
		if err != nil || net.ParseIP(h) == nil {
			return "", errorf(ceph.Unavailable, rgwComponent, "invalid RGW address %q; pass rados.WithRGW(endpoint, ...)", e.Addr)
		}
		host = h
	}
	scheme := "http"
	if ssl {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(host, strconv.Itoa(port)), nil
}

// The dashboard keeps its settings as mgr module options (pacific and
// later) or, in older releases, directly under mgr/dashboard/.
var dashboardKeyPrefixes = []string{"config/mgr/mgr/dashboard/", "mgr/dashboard/"}

func (g *gateway) configKey(ctx context.Context, key string) (string, error) {
	cmd := encode("config-key get", "", args{"key": key})
	out, _, err := g.r.read(ctx, rgwComponent, "config-key get", func() ([]byte, string, error) { return g.r.c.MonCommand(cmd) })
	return string(out), err
}

func noCredentials(why string) error {
	return errorf(ceph.Unavailable, rgwComponent, "no RGW admin credentials%s: run `ceph dashboard set-rgw-credentials` or pass rados.WithRGW(endpoint, accessKey, secretKey)", why)
}

// dashboardKeys reads the dashboard's system user keys: a plain key, or
// a JSON object of keys by realm.
func (g *gateway) dashboardKeys(ctx context.Context, realm string) (string, string, error) {
	for _, p := range dashboardKeyPrefixes {
		ak, err := g.configKey(ctx, p+"RGW_API_ACCESS_KEY")
		if ceph.CodeOf(err) == ceph.NotFound {
			continue
		}
		if err != nil {
			return "", "", err
		}
		sk, err := g.configKey(ctx, p+"RGW_API_SECRET_KEY")
		if ceph.CodeOf(err) == ceph.NotFound {
			continue
		}
		if err != nil {
			return "", "", err
		}
		ak, sk = strings.TrimSpace(ak), strings.TrimSpace(sk)
		if strings.HasPrefix(ak, "{") {
			var am, sm map[string]string
			if json.Unmarshal([]byte(ak), &am) != nil || json.Unmarshal([]byte(sk), &sm) != nil {
				return "", "", noCredentials(" (the stored keys do not parse)")
			}
			ak, sk = am[realm], sm[realm]
			if ak == "" || sk == "" {
				return "", "", noCredentials(fmt.Sprintf(" for realm %q", realm))
			}
		}
		if ak == "" || sk == "" {
			continue
		}
		return ak, sk, nil
	}
	return "", "", noCredentials("")
}

func codeOfStatus(status int) ceph.Code {
	switch {
	case status == 404:
		return ceph.NotFound
	case status == 409:
		return ceph.AlreadyExists
	case status == 401 || status == 403:
		return ceph.PermissionDenied
	case status == 400:
		return ceph.InvalidArgument
	case status == 501:
		return ceph.Unimplemented
	case status == 503:
		return ceph.Unavailable
	}
	return ceph.Internal
}

// rgwError is the error of an answer with status >= 300; body is JSON
// (admin API) or XML (S3, IAM).
func rgwError(what string, status int, body []byte) error {
	var e struct {
		Code    string `json:"Code" xml:"Code"`
		Message string `json:"Message" xml:"Message"`
	}
	if json.Unmarshal(body, &e) != nil {
		var x struct {
			Code    string `xml:"Code"`
			Message string `xml:"Message"`
			Error   struct {
				Code    string `xml:"Code"`
				Message string `xml:"Message"`
			} `xml:"Error"`
		}
		if xml.Unmarshal(body, &x) == nil {
			e.Code, e.Message = x.Code, x.Message
			if e.Code == "" {
				e.Code, e.Message = x.Error.Code, x.Error.Message
			}
		}
	}
	code, ok := rgw.ErrorCode(e.Code)
	if !ok {
		code = codeOfStatus(status)
	}
	detail := what + ": " + e.Code
	if e.Code == "" {
		detail = fmt.Sprintf("%s: HTTP %d", what, status)
	}
	if e.Message != "" {
		detail += ": " + e.Message
	}
	return &ceph.Error{Code: code, Component: rgwComponent, Detail: detail, Reason: e.Code}
}

// transportError is a request that got no answer.
func transportError(what string, err error) error {
	code := ceph.Unavailable
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		code = ceph.DeadlineExceeded
	}
	msg := err.Error()
	if strings.Contains(msg, "unmarshal") {
		code = ceph.Internal
		msg = "unexpected reply from the gateway"
	}
	// a *url.Error names the URL, whose query may hold a secret key
	// (user create, key create): only the host is kept
	var ue *url.Error
	if errors.As(err, &ue) {
		host := ue.URL
		if u, perr := url.Parse(ue.URL); perr == nil {
			host = u.Scheme + "://" + u.Host
		}
		msg = fmt.Sprintf("%s %s: %v", ue.Op, host, ue.Err)
	}
	// the cause is not kept: its text may hold the same URL
	return &ceph.Error{Code: code, Component: rgwComponent, Detail: what + ": " + msg}
}

// do sends a request signed with the keys for service and returns the
// body of a 2xx answer.
func (c *rgwConn) do(ctx context.Context, what, method, pathQuery string, body []byte, h http.Header, access, secret, service string) ([]byte, http.Header, error) {
	if err := ceph.CheckContext(ctx, rgwComponent); err != nil {
		return nil, nil, err
	}
	req, err := s3put.NewRequest(ctx, method, c.endpoint, pathQuery, body, h, access, secret, service)
	if err != nil {
		return nil, nil, &ceph.Error{Code: ceph.Internal, Component: rgwComponent, Detail: what + ": " + err.Error(), Err: err}
	}
	resp, err := c.g.http.Do(req)
	if err != nil {
		if cerr := ceph.CheckContext(ctx, rgwComponent); cerr != nil {
			return nil, nil, cerr
		}
		return nil, nil, transportError(what, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, nil, transportError(what, err)
	}
	if resp.StatusCode >= 300 {
		return nil, resp.Header, rgwError(what, resp.StatusCode, out)
	}
	return out, resp.Header, nil
}

// admin calls the admin API: resource is e.g. "user" or "user?caps".
func (c *rgwConn) admin(ctx context.Context, method, resource string, q url.Values) ([]byte, error) {
	p := "/admin/" + resource
	if enc := q.Encode(); enc != "" {
		if strings.Contains(p, "?") {
			p += "&" + enc
		} else {
			p += "?" + enc
		}
	}
	res, _, _ := strings.Cut(resource, "?")
	out, _, err := c.do(ctx, method+" /admin/"+res, method, p, nil, nil, c.access, c.secret, "s3")
	return out, err
}

// adminJSON calls the admin API and decodes the answer into v.
func (c *rgwConn) adminJSON(ctx context.Context, v any, method, resource string, q url.Values) error {
	out, err := c.admin(ctx, method, resource, q)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(out, v); err != nil {
		return badReply(rgwComponent, "/admin/"+resource, err)
	}
	return nil
}

// ownerKeys returns the first S3 key of user uid, read fresh.
func (c *rgwConn) ownerKeys(ctx context.Context, uid string) (string, string, error) {
	u, err := c.user(ctx, uid, false)
	if err != nil {
		return "", "", err
	}
	for _, k := range u.Keys {
		if k.User == uid && k.AccessKey != "" {
			return k.AccessKey, k.SecretKey, nil
		}
	}
	for _, k := range u.Keys {
		if k.AccessKey != "" {
			return k.AccessKey, k.SecretKey, nil
		}
	}
	return "", "", errorf(ceph.FailedPrecondition, rgwComponent, "user %s has no S3 key to act as the bucket owner", uid)
}

// s3 sends an S3 request signed as user uid. bucket is the S3 name
// ("tenant:bucket" for a tenant's bucket) and sub the subresource
// ("versioning", "" for none).
func (c *rgwConn) s3(ctx context.Context, uid, method, bucket, sub string, body []byte, h http.Header) ([]byte, http.Header, error) {
	ak, sk, err := c.ownerKeys(ctx, uid)
	if err != nil {
		return nil, nil, err
	}
	p := "/" + url.PathEscape(bucket)
	what := method + " " + bucket
	if sub != "" {
		p += "?" + sub
		what += "?" + sub
	}
	return c.do(ctx, what, method, p, body, h, ak, sk, "s3")
}

// s3Bucket returns the S3 name of a bucket: "tenant:bucket" for
// "tenant/bucket" or a bucket of a tenant's user.
func s3Bucket(bucket, tenant string) string {
	if i := strings.IndexByte(bucket, '/'); i >= 0 {
		if tenant == "" {
			tenant = bucket[:i]
		}
		bucket = bucket[i+1:]
	}
	if tenant != "" {
		return tenant + ":" + bucket
	}
	return bucket
}

func xmlBody(v any) []byte {
	var b bytes.Buffer
	if err := xml.NewEncoder(&b).Encode(v); err != nil {
		panic("rados: cannot encode XML: " + err.Error())
	}
	return b.Bytes()
}

var (
	_ rgw.Daemons = rgwDaemons{}
	_ rgw.Site    = rgwSite{}
	_ rgw.Users   = rgwUsers{}
	_ rgw.Buckets = rgwBuckets{}
)
