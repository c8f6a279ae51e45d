package ops

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// OpenAPIVersion is the OpenAPI version of the document OpenAPI writes.
const OpenAPIVersion = "3.0.3"

// apiDescription is the document's info.description (CommonMark).
const apiDescription = `This server is compatible with the Ceph Dashboard REST API (16.2 "Pacific"): ` +
	`the same paths, versions, scopes, permissions, request bodies and error shapes.

Every operation is versioned: send ` + "`Accept: application/vnd.ceph.api.vX.Y+json`" +
	` with the version of its success response (requests without a version answer 415).

Log in with ` + "`POST /api/auth`" + ` and send the token as ` + "`Authorization: Bearer <token>`" + `.

Operations marked not implemented (` + "`x-implemented: false`" + `) are routed and authorized ` +
	`like the others but answer 501 Not Implemented.

Operations that run as dashboard tasks (` + "`x-task`" + `) answer 202 with the task's name and ` +
	`metadata when the task does not end in time; ` + "`GET /api/task`" + ` lists the tasks.`

// errorStatuses are the error responses every operation documents.
var errorStatuses = []int{
	http.StatusBadRequest,
	http.StatusUnauthorized,
	http.StatusForbidden,
	http.StatusNotFound,
	http.StatusUnsupportedMediaType,
	http.StatusInternalServerError,
	http.StatusNotImplemented,
}

// OpenAPI returns the OpenAPI 3.0 document (JSON) of the operations in
// All. implemented reports whether the server implements an operation
// (x-implemented); nil means all of them. The output is deterministic.
func OpenAPI(implemented func(*Operation) bool) ([]byte, error) {
	if implemented == nil {
		implemented = func(*Operation) bool { return true }
	}
	paths := map[string]any{}
	tags := map[string]bool{}
	for _, o := range All {
		item, _ := paths[o.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[o.Path] = item
		}
		tag := o.Tag
		if tag == "" {
			tag = pathTag(o.Path)
		}
		tags[tag] = true
		item[strings.ToLower(o.Method)] = operationObject(o, tag, implemented(o))
	}

	tagList := make([]string, 0, len(tags))
	for t := range tags {
		tagList = append(tagList, t)
	}
	sort.Strings(tagList)
	tagObjs := make([]any, 0, len(tagList))
	for _, t := range tagList {
		tagObjs = append(tagObjs, map[string]any{"name": t})
	}

	doc := map[string]any{
		"openapi": OpenAPIVersion,
		"info": map[string]any{
			"title":       "Ceph REST API",
			"version":     "v1",
			"description": apiDescription,
		},
		"tags":  tagObjs,
		"paths": paths,
		"components": map[string]any{
			"schemas": map[string]any{
				"Error": errorSchema(),
				"Task":  taskSchema(),
			},
			"responses": errorResponses(),
			"securitySchemes": map[string]any{
				"jwt": map[string]any{
					"type":         "http",
					"scheme":       "bearer",
					"bearerFormat": "JWT",
					"description":  "The token of POST /api/auth, as Authorization: Bearer <token>.",
				},
			},
		},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func operationObject(o *Operation, tag string, impl bool) map[string]any {
	// The summary stands next to the path in a renderer: the ID says what
	// the operation is, the Doc more; unimplemented ones say so up front.
	summary := o.ID
	if o.Doc != "" {
		summary = o.Doc
	}
	if !impl {
		summary = "(not implemented: 501) " + summary
	}
	op := map[string]any{
		"operationId":   o.ID,
		"tags":          []string{tag},
		"summary":       summary,
		"responses":     responses(o),
		"x-implemented": impl,
		// The version is negotiated by the Accept header, which OpenAPI
		// does not let a document declare: say it here, for every
		// operation (a 204 has no content to carry the media type).
		"x-version":    o.Version.String(),
		"x-media-type": o.Version.MediaType(),
	}
	desc := "Send `Accept: " + o.Version.MediaType() + "` (API version " + o.Version.String() + ")."
	if o.Extension {
		op["x-cephapi-extension"] = true
		desc = "An extension of this server: the Ceph Dashboard has no such operation. " + desc
	}
	if !impl {
		desc = "Not implemented by this server: answers 501 Not Implemented. " + desc
	}
	op["description"] = desc
	if o.Public {
		op["security"] = []any{}
	} else {
		op["security"] = []any{map[string]any{"jwt": []string{}}}
	}
	if o.Scope != "" {
		op["x-scope"] = o.Scope
	}
	if o.Permission != "" {
		op["x-permission"] = o.Permission
	}
	if o.Task != "" {
		op["x-task"] = o.Task
	}
	if ps := parameters(o); len(ps) > 0 {
		op["parameters"] = ps
	}
	if o.HasBody() {
		op["requestBody"] = requestBody(o)
	}
	return op
}

// parameters are the operation's path and query parameters, with every
// {name} of the path declared (as a string if the table has no row).
func parameters(o *Operation) []any {
	var out []any
	declared := map[string]bool{}
	for _, p := range o.Params {
		if p.In != "path" && p.In != "query" {
			continue
		}
		s := kindSchema(p.Type, "")
		desc := ""
		if p.Default != "" {
			if v, ok := parseDefault(p.Type, p.Default); ok {
				s["default"] = v
			} else {
				desc = "Default: " + p.Default
			}
		}
		param := map[string]any{
			"name":     p.Name,
			"in":       p.In,
			"required": p.Required || p.In == "path",
			"schema":   s,
		}
		if desc != "" {
			param["description"] = desc
		}
		if p.In == "path" {
			declared[p.Name] = true
		}
		out = append(out, param)
	}
	for _, name := range o.PathParams() {
		if declared[name] {
			continue
		}
		declared[name] = true
		out = append(out, map[string]any{
			"name":     name,
			"in":       "path",
			"required": true,
			"schema":   map[string]any{"type": "string"},
		})
	}
	return out
}

func requestBody(o *Operation) map[string]any {
	props := map[string]any{}
	var required []string
	for _, f := range o.Body {
		props[f.Name] = kindSchema(f.Type, f.Items)
		if f.Required {
			required = append(required, f.Name)
		}
	}
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	if o.Kwargs {
		s["additionalProperties"] = true
	}
	return map[string]any{
		"required": len(required) > 0,
		"content": map[string]any{
			"application/json": map[string]any{"schema": s},
		},
	}
}

func responses(o *Operation) map[string]any {
	mt := o.Version.MediaType()
	status := o.Status
	if status == 0 {
		status = DefaultStatus(o.Method)
	}
	ok := map[string]any{"description": statusText(status)}
	if status != http.StatusNoContent {
		ok["content"] = map[string]any{mt: map[string]any{"schema": map[string]any{}}}
	}
	out := map[string]any{strconv.Itoa(status): ok}
	if o.Task != "" && status != http.StatusAccepted {
		out[strconv.Itoa(http.StatusAccepted)] = map[string]any{
			"description": "Accepted: the task " + o.Task + " is still running",
			"content": map[string]any{mt: map[string]any{
				"schema": map[string]any{"$ref": "#/components/schemas/Task"},
			}},
		}
	}
	for _, code := range errorStatuses {
		if code == status {
			continue
		}
		out[strconv.Itoa(code)] = map[string]any{"$ref": "#/components/responses/" + errorResponseName(code)}
	}
	return out
}

// errorResponses are the shared error responses (components.responses),
// each an Error body.
func errorResponses() map[string]any {
	out := map[string]any{}
	for _, code := range errorStatuses {
		out[errorResponseName(code)] = map[string]any{
			"description": statusText(code),
			"content": map[string]any{"application/json": map[string]any{
				"schema": map[string]any{"$ref": "#/components/schemas/Error"},
			}},
		}
	}
	return out
}

// errorResponseName names the shared response of an error status
// ("NotFound").
func errorResponseName(code int) string {
	return strings.NewReplacer(" ", "", "-", "").Replace(statusText(code))
}

// kindSchema is the schema of a value of kind k (items: the element kind
// of an Array). Any has no type.
func kindSchema(k, items Kind) map[string]any {
	s := map[string]any{}
	switch k {
	case String, Integer, Number, Boolean, Object:
		s["type"] = string(k)
	case Array:
		s["type"] = "array"
		s["items"] = kindSchema(items, "")
	}
	return s
}

// parseDefault converts a default's text to the JSON value of kind k.
func parseDefault(k Kind, text string) (any, bool) {
	switch k {
	case String:
		return text, true
	case Integer:
		n, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
		return n, err == nil
	case Number:
		f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		return f, err == nil && f == f
	case Boolean:
		switch strings.ToLower(strings.TrimSpace(text)) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
		return nil, false
	case Any:
		var v any
		if json.Unmarshal([]byte(text), &v) == nil {
			return v, true
		}
		return text, true
	}
	// Array and Object: only a JSON text of that shape.
	var v any
	if json.Unmarshal([]byte(text), &v) != nil {
		return nil, false
	}
	switch v.(type) {
	case []any:
		return v, k == Array
	case map[string]any:
		return v, k == Object
	}
	return nil, false
}

func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return t
	}
	return strconv.Itoa(code)
}

func errorSchema() map[string]any {
	str := func(desc string) map[string]any { return map[string]any{"type": "string", "description": desc} }
	comp := str("the area of the error (\"pool\"), or null")
	comp["nullable"] = true
	return map[string]any{
		"type":        "object",
		"description": "An error: the dashboard's controller shape (detail, code, component) and its framework shape (status, detail, request_id) in one body.",
		"properties": map[string]any{
			"detail":     str("what went wrong"),
			"code":       str("the error code (\"pool_does_not_exist\", \"not_implemented\")"),
			"component":  comp,
			"status":     str("the HTTP status line (\"404 Not Found\")"),
			"request_id": str("the request's id (X-Request-Id)"),
		},
		"required": []string{"detail", "code", "status"},
	}
}

func taskSchema() map[string]any {
	return map[string]any{
		"type":        "object",
		"description": "A dashboard task that is still running; GET /api/task?name=... follows it.",
		"properties": map[string]any{
			"name":     map[string]any{"type": "string", "description": "the task's name (\"pool/create\")"},
			"metadata": map[string]any{"type": "object", "description": "the task's metadata ({\"pool_name\": \"rbd\"})"},
		},
		"required": []string{"name", "metadata"},
	}
}

// pathTag is the tag of an operation the table gives none: the tag of the
// tagged operation whose path shares the most leading segments with path
// (after /api or /ui-api, at least one), else the first segment in
// CamelCase ("/api/feedback/api_key" is Feedback).
func pathTag(path string) string {
	segs := pathSegments(path)
	best, bestN := "", 0
	for _, o := range All {
		if o.Tag == "" {
			continue
		}
		other := pathSegments(o.Path)
		n := 0
		for n < len(segs) && n < len(other) && sameSegment(segs[n], other[n]) {
			n++
		}
		if n > bestN {
			best, bestN = o.Tag, n
		}
	}
	if best != "" {
		return best
	}
	if len(segs) == 0 {
		return "Default"
	}
	var b strings.Builder
	for _, w := range strings.FieldsFunc(segs[0], func(r rune) bool { return r == '_' || r == '-' || r == '{' || r == '}' }) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	if b.Len() == 0 {
		return "Default"
	}
	return b.String()
}

// pathSegments splits a path after its /api or /ui-api root.
func pathSegments(path string) []string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) > 0 && (segs[0] == "api" || segs[0] == "ui-api") {
		segs = segs[1:]
	}
	return segs
}

func sameSegment(a, b string) bool {
	if strings.HasPrefix(a, "{") && strings.HasPrefix(b, "{") {
		return true
	}
	return a == b
}
