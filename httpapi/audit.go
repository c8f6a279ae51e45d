package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/cephapi/cephapi/auth"
)

// The audit trail: every write (any method but GET, HEAD and OPTIONS)
// under /api, the legacy /api/v0.1 included, is logged once with the
// user, method, path, status and request id, and with its body when the
// AUDIT_API_LOG_PAYLOAD setting is on (its default), secrets removed.
// With an audit sink (WithAuditSink; the program gives one on the rados
// transport) and the AUDIT_API_ENABLED setting on, the line also goes to
// the cluster, as the dashboard's API auditing does.

// maxAuditBody is how much of a request body the trail keeps.
const maxAuditBody = 4096

// WithAuditSink sends each audit line to sink as well, when the
// AUDIT_API_ENABLED setting is on (the rados transport's program writes
// them to the cluster log, where `ceph log last audit` shows them). Sink
// calls run after the answer, at most 16 at once, each bounded by 10 s; a
// line that finds no free slot is dropped with a warning.
func WithAuditSink(sink func(ctx context.Context, line string) error) Option {
	return func(s *Server) { s.auditSink = sink }
}

func isWrite(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// auditBody keeps the first maxAuditBody bytes a handler reads.
type auditBody struct {
	io.ReadCloser
	buf   bytes.Buffer
	total int64
}

func (b *auditBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if room := maxAuditBody - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(n, room)])
	}
	b.total += int64(n)
	return n, err
}

type settingsReader interface {
	SettingBool(ctx context.Context, name string) bool
}

func (s *Server) auditSetting(ctx context.Context, name string) bool {
	if sr, ok := s.accounts.(settingsReader); ok {
		return sr.SettingBool(ctx, name)
	}
	d, _ := auth.LookupSetting(name)
	b, _ := d.Default.(bool)
	return b
}

// startAudit wraps the body of a write to be audited; it returns nil for
// requests the trail does not record.
func (s *Server) startAudit(r *http.Request) *auditBody {
	if !isWrite(r.Method) || !strings.HasPrefix(r.URL.Path, "/api/") {
		return nil
	}
	b := &auditBody{ReadCloser: r.Body}
	if r.Body == nil || r.Body == http.NoBody {
		b.ReadCloser = http.NoBody
	}
	r.Body = b
	return b
}

// audit writes the trail's line of a finished write.
func (s *Server) audit(x *exchange, r *http.Request, b *auditBody) {
	ctx := r.Context()
	user := x.info.user
	if user == "" {
		user = "-"
	}
	attrs := []slog.Attr{
		slog.String("user", user), slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.Int("status", x.status), slog.String("request_id", x.info.id), slog.String("remote", r.RemoteAddr),
	}
	params := ""
	if b.total > 0 && s.auditSetting(ctx, auth.SettingAuditLogPayload) {
		params = redactBody(r.URL.Path, b.buf.Bytes(), b.total)
		attrs = append(attrs, slog.String("params", params))
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "audit", attrs...)
	if s.auditSink == nil || !s.auditSetting(ctx, auth.SettingAuditEnabled) {
		return
	}
	line := fmt.Sprintf("[cephapi] user='%s' method='%s' path='%s' status=%d request_id=%s remote='%s'",
		user, r.Method, r.URL.Path, x.status, x.info.id, r.RemoteAddr)
	if params != "" {
		line += " params='" + params + "'"
	}
	select {
	case s.auditSlots <- struct{}{}:
	default:
		s.log.Warn("audit line not sent to the cluster: too many in flight", "request_id", x.info.id)
		return
	}
	go func() {
		defer func() { <-s.auditSlots }()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.auditSink(ctx, line); err != nil {
			s.log.Warn("audit line not sent to the cluster", "request_id", x.info.id, "error", err)
		}
	}()
}

// secretKey matches the names of fields that hold secrets.
var secretKey = regexp.MustCompile(`(?i)pass|secret|token|key|credential`)

// redactBody renders a request body for the audit trail: JSON with the
// values of secret-looking fields replaced by "***" (and every value of a
// settings write to a secret setting), anything else as its size only
// (a form or text body may hold secrets we cannot find).
func redactBody(path string, body []byte, total int64) string {
	if int64(len(body)) < total {
		return fmt.Sprintf("<%d bytes, too large to record>", total)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Sprintf("<%d bytes, not JSON>", total)
	}
	secretSetting := false
	if rest, ok := strings.CutPrefix(path, "/api/settings/"); ok {
		for _, n := range auth.SecretSettings {
			if auth.SettingName(rest) == n {
				secretSetting = true
			}
		}
	}
	out, _ := json.Marshal(redact(v, secretSetting))
	return string(out)
}

func redact(v any, all bool) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, val := range x {
			if all || secretKey.MatchString(k) {
				m[k] = "***"
			} else {
				m[k] = redact(val, false)
			}
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = redact(val, all)
		}
		return out
	}
	if all {
		return "***"
	}
	return v
}
